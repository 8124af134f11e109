package io.switchboard.aggregate;

import static io.switchboard.aggregate.Stats.interval;
import static io.switchboard.aggregate.Stats.obs;
import static io.switchboard.aggregate.TopologyHarness.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.switchboard.events.aggregate.TenantSummary;

/** tenant-summary: a roll-up of each credential's queues, written on the wall-clock interval. */
class TenantSummaryTopologyTest {

    @TempDir
    Path stateDir;
    TopologyHarness h;

    @BeforeEach
    void start() throws Exception {
        h = new TopologyHarness(stateDir, Map.of("tenantSummary.interval", "1s", "staleness.after", "2m",
                "alerts", Map.of("rules", List.of(Map.of("name", "busy", "kind", "waiting-above", "threshold", "10")))));
    }

    @AfterEach
    void stop() {
        h.close();
    }

    @Test
    void summaryAddsUpQueuesAndNamesTheWorstOne() {
        h.pipe(obs("q-1", T0, "voice", 3, 40_000, 2));
        h.pipe(obs("q-2", T0, "voice", 12, 20_000, 1)); // firing "busy": the worst queue despite the shorter wait
        h.pipe(obs("q-3", T0, "voice", 1, 90_000, 5));
        h.pipe(interval("q-1", T0, T0.plusSeconds(60), T0.plusSeconds(61), 10, 9, 1, 8, 10));
        h.pipe(interval("q-3", T0, T0.plusSeconds(60), T0.plusSeconds(61), 10, 10, 0, 4, 10));
        h.pipe(Stats.observation("other-cred", "x-1", T0).setWaiting(4L).build());
        assertThat(h.latestTenants()).as("nothing before the interval passes").isEmpty();

        h.advanceWallClock(Duration.ofSeconds(1));
        Map<String, TenantSummary> tenants = h.latestTenants();
        assertThat(tenants).containsOnlyKeys("genesys-eu", "other-cred");
        TenantSummary t = tenants.get("genesys-eu");
        assertThat(t.getQueues()).isEqualTo(3);
        assertThat(t.getWaiting()).isEqualTo(16);
        assertThat(t.getLongestWaitingMs()).isEqualTo(90_000);
        assertThat(t.getAgentsAvailable()).isEqualTo(8);
        assertThat(t.getQueuesInBreach()).isEqualTo(1);
        assertThat(t.getWorstQueueId()).isEqualTo("q-2");
        assertThat(t.getWorstQueueName()).isEqualTo("Queue q-2");
        assertThat(t.getServiceLevelPercent()).isCloseTo(60.0, within(1e-9));
        assertThat(t.getProvider()).isEqualTo("genesys-cloud");
        assertThat(tenants.get("other-cred").getWaiting()).isEqualTo(4);

        h.advanceWallClock(Duration.ofSeconds(5));
        assertThat(h.latestTenants()).as("unchanged tenants are not written again").isEmpty();

        h.pipe(obs("q-2", T0.plusSeconds(10), "voice", 2, 20_000, 1));
        h.advanceWallClock(Duration.ofSeconds(1));
        TenantSummary after = h.latestTenants().get("genesys-eu");
        assertThat(after.getWaiting()).isEqualTo(6);
        assertThat(after.getQueuesInBreach()).isZero();
        assertThat(after.getWorstQueueId()).isEqualTo("q-3");
    }

    @Test
    void staleQueuesAreCounted() {
        h.pipe(obs("q-1", T0, "voice", 3, 40_000, 2));
        h.pipe(obs("q-2", T0, "voice", 1, 40_000, 2));
        h.advanceWallClock(Duration.ofSeconds(100));
        h.pipe(obs("q-2", T0.plusSeconds(100), "voice", 1, 40_000, 2));
        h.advanceWallClock(Duration.ofSeconds(30)); // q-1 stale at the next check, then its summary
        h.advanceWallClock(Duration.ofSeconds(5));
        TenantSummary t = h.latestTenants().get("genesys-eu");
        assertThat(t.getStaleQueues()).isEqualTo(1);
        assertThat(t.getQueues()).isEqualTo(2);
    }
}
