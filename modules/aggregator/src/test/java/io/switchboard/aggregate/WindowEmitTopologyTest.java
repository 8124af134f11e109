package io.switchboard.aggregate;

import static io.switchboard.aggregate.Stats.obs;
import static io.switchboard.aggregate.TopologyHarness.T0;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.apache.kafka.streams.KeyValue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.switchboard.events.aggregate.QueueWindowStats;

/** {@code windows.emit: final} (the default): each window is written once, with its final value, when its grace has passed. */
class WindowEmitTopologyTest {

    @TempDir
    Path stateDir;
    TopologyHarness h;

    @BeforeEach
    void start() throws Exception {
        h = new TopologyHarness(stateDir, Map.of("windows.1m.grace", "30s", "staleness.checkInterval", "5s"));
    }

    @AfterEach
    void stop() {
        h.close();
    }

    @Test
    void windowIsWrittenOnceWhenItsGraceIsOver() {
        h.pipe(obs("q-1", T0.plusSeconds(10), "voice", 2, 10_000, 1));
        h.pipe(obs("q-1", T0.plusSeconds(40), "voice", 6, 10_000, 1));
        h.pipe(obs("q-1", T0.plusSeconds(70), "voice", 1, 10_000, 1));
        assertThat(h.windows(WindowSize.ONE_MINUTE)).as("open windows are not on the topic").isEmpty();

        h.pipe(obs("q-1", T0.plusSeconds(80), "voice", 9, 10_000, 1)); // late for nothing: the first minute is still in its grace
        h.pipe(obs("q-1", T0.plusSeconds(30), "voice", 4, 10_000, 1)); // late but within grace: counts
        assertThat(h.windows(WindowSize.ONE_MINUTE)).isEmpty();

        h.pipe(obs("q-1", T0.plusSeconds(95), "voice", 1, 10_000, 1)); // stream time T0+95s >= end T0+60s + grace 30s
        List<KeyValue<String, QueueWindowStats>> written = h.windows(WindowSize.ONE_MINUTE);
        assertThat(written).singleElement().satisfies(kv -> {
            assertThat(kv.key).isEqualTo("genesys-eu/q-1@" + T0);
            assertThat(kv.value.getSamples()).isEqualTo(3);
            assertThat(kv.value.getWaitingMax()).isEqualTo(6);
        });
        h.pipe(obs("q-1", T0.plusSeconds(100), "voice", 1, 10_000, 1));
        assertThat(h.windows(WindowSize.ONE_MINUTE)).as("written once").isEmpty();
    }

    @Test
    void windowsOfAQueueThatWentQuietBecomeFinalOnTheTasksStreamTime() {
        h.pipe(obs("q-1", T0.plusSeconds(10), "voice", 2, 10_000, 1));
        h.pipe(obs("q-2", T0.plusSeconds(120), "voice", 1, 10_000, 1)); // another queue moves stream time on; q-1 says nothing more
        assertThat(h.windows(WindowSize.ONE_MINUTE)).isEmpty();
        h.advanceWallClock(Duration.ofSeconds(5)); // the periodic check finds q-1's first minute final
        assertThat(h.windows(WindowSize.ONE_MINUTE)).singleElement()
                .satisfies(kv -> assertThat(kv.key).isEqualTo("genesys-eu/q-1@" + T0));
    }
}
