package io.switchboard.aggregate;

import static io.switchboard.aggregate.Stats.obs;
import static io.switchboard.aggregate.TopologyHarness.T0;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.switchboard.events.aggregate.QueueSnapshot;

/** queue-snapshots: the latest state per queue, summed over media types, with its age and staleness. */
class QueueSnapshotTopologyTest {

    @TempDir
    Path stateDir;
    TopologyHarness h;

    @BeforeEach
    void start() throws Exception {
        h = new TopologyHarness(stateDir, Map.of("staleness.after", "2m", "staleness.checkInterval", "5s"));
    }

    @AfterEach
    void stop() {
        h.close();
    }

    @Test
    void snapshotSumsWaitingOverMediaTypesAndTakesTheLongestWait() {
        h.pipe(obs("q-1", T0.plusSeconds(10), "voice", 3, 40_000, 2));
        h.pipe(obs("q-1", T0.plusSeconds(10), "chat", 4, 90_000, 1));

        QueueSnapshot s = h.latestSnapshots().get("genesys-eu/q-1");
        assertThat(s.getWaiting()).isEqualTo(7);
        assertThat(s.getInteracting()).isEqualTo(2);
        assertThat(s.getLongestWaitingMs()).isEqualTo(90_000);
        assertThat(s.getByMediaType()).containsExactlyInAnyOrderEntriesOf(Map.of("voice", 3L, "chat", 4L));
        // agents are per queue, not per media type: the larger count, never the sum
        assertThat(s.getAgentsAvailable()).isEqualTo(2);
        assertThat(s.getQueueName()).isEqualTo("Queue q-1");
        assertThat(s.getObservedAt()).isEqualTo(T0.plusSeconds(10));
        assertThat(s.getUpdatedAt()).isEqualTo(T0.plusSeconds(10).plusMillis(500));
        assertThat(s.getStale()).isFalse();
    }

    @Test
    void newerObservationReplacesItsMediaTypeAndAnOlderOneDoesNot() {
        h.pipe(obs("q-1", T0.plusSeconds(10), "voice", 3, 40_000, 2));
        h.pipe(obs("q-1", T0.plusSeconds(20), "voice", 5, 50_000, 2));
        h.pipe(obs("q-1", T0.plusSeconds(15), "voice", 9, 99_000, 2)); // out of order: counts in its window only

        QueueSnapshot s = h.latestSnapshots().get("genesys-eu/q-1");
        assertThat(s.getWaiting()).isEqualTo(5);
        assertThat(s.getLongestWaitingMs()).isEqualTo(50_000);
        assertThat(s.getObservedAt()).isEqualTo(T0.plusSeconds(20));
    }

    @Test
    void allMediaRecordGivesTheAgentsAndPerMediaRecordsGiveTheQueueLoad() {
        h.pipe(obs("q-1", T0.plusSeconds(10), null, 6, 30_000, 4));
        assertThat(h.latestSnapshots().get("genesys-eu/q-1").getWaiting()).isEqualTo(6);

        h.pipe(obs("q-1", T0.plusSeconds(20), "voice", 2, 10_000, 1));
        QueueSnapshot s = h.latestSnapshots().get("genesys-eu/q-1");
        assertThat(s.getWaiting()).as("per-media records win over the all-media one for the load").isEqualTo(2);
        assertThat(s.getAgentsAvailable()).as("the all-media record gives the agents").isEqualTo(4);
    }

    @Test
    void ageIsTheWallClockMinusThePollTime() {
        h.advanceWallClock(Duration.ofSeconds(40));
        h.pipe(obs("q-1", T0.plusSeconds(10), "voice", 3, 40_000, 2));
        // wall clock T0+40s, polled at T0+10.5s
        assertThat(h.latestSnapshots().get("genesys-eu/q-1").getAgeMs()).isEqualTo(29_500);
    }

    @Test
    void queueWithoutNewRecordsIsMarkedStaleOnTheWallClockAndFreshAgainWithTheNextRecord() {
        h.pipe(obs("q-1", T0, "voice", 3, 40_000, 2));
        h.pipe(obs("q-2", T0, "voice", 1, 5_000, 2));
        h.snapshots();

        h.advanceWallClock(Duration.ofSeconds(100));
        h.pipe(obs("q-2", T0.plusSeconds(100), "voice", 1, 5_000, 2));
        h.snapshots();
        h.advanceWallClock(Duration.ofSeconds(25)); // T0+125s: q-1 polled at T0+0.5s is 124.5 s old
        Map<String, QueueSnapshot> stale = h.latestSnapshots();
        assertThat(stale).containsOnlyKeys("genesys-eu/q-1");
        assertThat(stale.get("genesys-eu/q-1").getStale()).isTrue();

        h.advanceWallClock(Duration.ofSeconds(10));
        assertThat(h.snapshots()).as("stale once, not on every check").isEmpty();

        h.pipe(obs("q-1", T0.plusSeconds(130), "voice", 2, 1_000, 2));
        assertThat(h.latestSnapshots().get("genesys-eu/q-1").getStale()).isFalse();
    }

    @Test
    void duplicateObservationChangesNothing() {
        h.pipe(obs("q-1", T0.plusSeconds(10), "voice", 3, 40_000, 2));
        h.snapshots();
        h.pipe(obs("q-1", T0.plusSeconds(10), "voice", 3, 40_000, 2));
        assertThat(h.snapshots()).isEmpty();
        assertThat(h.metrics.duplicateCount()).isEqualTo(1);
        assertThat(h.metrics.processedCount()).isEqualTo(2);
    }
}
