package io.switchboard.aggregate;

import static io.switchboard.aggregate.Stats.interval;
import static io.switchboard.aggregate.Stats.obs;
import static io.switchboard.aggregate.TopologyHarness.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.switchboard.events.aggregate.QueueWindowStats;

/** queue-stats-1m/15m/1h: tumbling windows by observation time, grace, duplicates, interval revisions ({@code windows.emit: updates}). */
class QueueWindowsTopologyTest {

    static final String Q = "genesys-eu/q-1";

    @TempDir
    Path stateDir;
    TopologyHarness h;

    @BeforeEach
    void start() throws Exception {
        h = new TopologyHarness(stateDir, Map.of("windows.1m.grace", "30s", "windows.15m.grace", "5m", "windows.1h.grace", "10m",
                "windows.emit", "updates")); // every change on the topics, to watch the arithmetic
    }

    @AfterEach
    void stop() {
        h.close();
    }

    static String key(Instant windowStart) {
        return Q + "@" + windowStart;
    }

    @Test
    void observationsLandInTheWindowOfTheirObservationTimeWithAveragesAndMaxima() {
        h.pipe(obs("q-1", T0, "voice", 2, 10_000, 4));
        h.pipe(obs("q-1", T0.plusSeconds(20), "voice", 6, 70_000, 2));
        h.pipe(obs("q-1", T0.plusSeconds(59).plusMillis(999), "voice", 4, 30_000, 0)); // last millisecond of the first minute
        h.pipe(obs("q-1", T0.plusSeconds(60), "voice", 10, 5_000, 1));                // first millisecond of the next

        Map<String, QueueWindowStats> minute = h.latestWindows(WindowSize.ONE_MINUTE);
        assertThat(minute).containsOnlyKeys(key(T0), key(T0.plusSeconds(60)));
        QueueWindowStats first = minute.get(key(T0));
        assertThat(first.getSamples()).isEqualTo(3);
        assertThat(first.getWaitingAvg()).isCloseTo(4.0, within(1e-9));
        assertThat(first.getWaitingMax()).isEqualTo(6);
        assertThat(first.getLongestWaitingMsMax()).isEqualTo(70_000);
        assertThat(first.getAgentsAvailableAvg()).isCloseTo(2.0, within(1e-9));
        assertThat(first.getWindowStart()).isEqualTo(T0);
        assertThat(first.getWindowEnd()).isEqualTo(T0.plusSeconds(60));
        assertThat(first.getWindowSize()).isEqualTo("PT1M");
        assertThat(minute.get(key(T0.plusSeconds(60))).getSamples()).isEqualTo(1);

        QueueWindowStats quarter = h.latestWindows(WindowSize.FIFTEEN_MINUTES).get(key(T0));
        assertThat(quarter.getSamples()).isEqualTo(4);
        assertThat(quarter.getWaitingMax()).isEqualTo(10);
        assertThat(quarter.getWindowSize()).isEqualTo("PT15M");
        assertThat(h.latestWindows(WindowSize.ONE_HOUR).get(key(T0)).getSamples()).isEqualTo(4);
    }

    @Test
    void mediaTypesObservedAtTheSameTimeFormOneSample() {
        h.pipe(obs("q-1", T0.plusSeconds(10), "voice", 3, 10_000, 2));
        h.pipe(obs("q-1", T0.plusSeconds(10), "chat", 5, 20_000, 1));
        h.pipe(obs("q-1", T0.plusSeconds(20), "voice", 1, 10_000, 2));
        h.pipe(obs("q-1", T0.plusSeconds(20), "chat", 1, 20_000, 1));

        QueueWindowStats w = h.latestWindows(WindowSize.ONE_MINUTE).get(key(T0));
        assertThat(w.getSamples()).isEqualTo(2);
        assertThat(w.getWaitingMax()).isEqualTo(8);
        assertThat(w.getWaitingAvg()).isCloseTo(5.0, within(1e-9));
    }

    @Test
    void lateRecordWithinGraceLandsInItsWindowAndLaterOnesAreDroppedAndCounted() {
        h.pipe(obs("q-1", T0.plusSeconds(10), "voice", 2, 10_000, 1));
        h.pipe(obs("q-1", T0.plusSeconds(85), "voice", 2, 10_000, 1)); // stream time T0+85s: window T0 closes at T0+60s+30s
        h.windows(WindowSize.ONE_MINUTE);

        h.pipe(obs("q-1", T0.plusSeconds(30), "voice", 8, 10_000, 1)); // late but within the grace
        assertThat(h.latestWindows(WindowSize.ONE_MINUTE).get(key(T0)).getSamples()).isEqualTo(2);

        h.pipe(obs("q-1", T0.plusSeconds(95), "voice", 2, 10_000, 1)); // stream time T0+95s: the first minute is closed
        h.windows(WindowSize.ONE_MINUTE);
        h.pipe(obs("q-1", T0.plusSeconds(40), "voice", 50, 10_000, 1));
        assertThat(h.latestWindows(WindowSize.ONE_MINUTE)).as("nothing written for a closed window").isEmpty();
        assertThat(h.metrics.droppedLateCount(WindowSize.ONE_MINUTE)).isEqualTo(1);
        // the 15-minute window is still open and counts it
        assertThat(h.latestWindows(WindowSize.FIFTEEN_MINUTES).get(key(T0)).getWaitingMax()).isEqualTo(50);
        assertThat(h.metrics.droppedLateCount(WindowSize.FIFTEEN_MINUTES)).isZero();
    }

    @Test
    void graceIsMeasuredFromTheWindowEndExactly() {
        h.pipe(obs("q-1", T0.plusSeconds(10), "voice", 2, 10_000, 1));
        h.pipe(obs("q-1", T0.plusSeconds(89).plusMillis(999), "voice", 2, 10_000, 1));
        h.pipe(obs("q-1", T0.plusSeconds(59), "voice", 7, 10_000, 1)); // window end + grace - 1 ms: accepted
        assertThat(h.metrics.droppedLateCount(WindowSize.ONE_MINUTE)).isZero();
        h.pipe(obs("q-1", T0.plusSeconds(90), "voice", 2, 10_000, 1));
        h.pipe(obs("q-1", T0.plusSeconds(58), "voice", 7, 10_000, 1)); // window end + grace reached: dropped
        assertThat(h.metrics.droppedLateCount(WindowSize.ONE_MINUTE)).isEqualTo(1);
    }

    @Test
    void duplicatesCountOnceInOrderAndOutOfOrder() {
        h.pipe(obs("q-1", T0.plusSeconds(10), "voice", 2, 10_000, 1));
        h.pipe(obs("q-1", T0.plusSeconds(20), "voice", 4, 10_000, 1));
        h.pipe(obs("q-1", T0.plusSeconds(20), "voice", 4, 10_000, 1)); // retried poll
        h.pipe(obs("q-1", T0.plusSeconds(10), "voice", 2, 10_000, 1)); // retried older poll, out of order

        QueueWindowStats w = h.latestWindows(WindowSize.ONE_MINUTE).get(key(T0));
        assertThat(w.getSamples()).isEqualTo(2);
        assertThat(w.getWaitingAvg()).isCloseTo(3.0, within(1e-9));
        assertThat(h.metrics.duplicateCount()).isEqualTo(2);
    }

    @Test
    void revisedIntervalReplacesItsEarlierValueAndIsNeverCountedTwice() {
        Instant start = T0;
        Instant end = T0.plusSeconds(900);
        h.pipe(obs("q-1", T0.plusSeconds(1000), "voice", 1, 1_000, 1)); // stream time after the interval
        h.pipe(interval("q-1", start, end, end.plusSeconds(5), 10, 8, 2, 6, 10));
        h.pipe(interval("q-1", start, end, end.plusSeconds(65), 12, 9, 3, 7, 12)); // revision: conversations completed
        h.pipe(interval("q-1", start, end, end.plusSeconds(65), 12, 9, 3, 7, 12)); // duplicate of the revision
        h.pipe(interval("q-1", start, end, end.plusSeconds(35), 11, 8, 3, 6, 11)); // older revision arriving late

        QueueWindowStats w = h.latestWindows(WindowSize.FIFTEEN_MINUTES).get(key(T0));
        assertThat(w.getOffered()).isEqualTo(12);
        assertThat(w.getAnswered()).isEqualTo(9);
        assertThat(w.getAbandoned()).isEqualTo(3);
        assertThat(w.getAbandonRate()).isCloseTo(0.25, within(1e-9));
        assertThat(w.getServiceLevelPercent()).isCloseTo(100.0 * 7 / 12, within(1e-9));
        assertThat(w.getAverageHandleTimeMs()).isCloseTo(300_000.0, within(1e-9));
        assertThat(w.getAverageSpeedOfAnswerMs()).isCloseTo(20_000.0, within(1e-9));
        assertThat(w.getIntervals()).isEqualTo(1);
        assertThat(h.metrics.duplicateCount()).isEqualTo(2);

        // a second interval in the hour adds to it; the hour holds both, each once
        h.pipe(interval("q-1", end, end.plusSeconds(900), end.plusSeconds(905), 5, 5, 0, 5, 5));
        QueueWindowStats hour = h.latestWindows(WindowSize.ONE_HOUR).get(key(T0));
        assertThat(hour.getOffered()).isEqualTo(17);
        assertThat(hour.getIntervals()).isEqualTo(2);
        assertThat(hour.getServiceLevelPercent()).isCloseTo(100.0 * 12 / 17, within(1e-9));
    }

    @Test
    void intervalBelongsToTheWindowOfItsStartInWindowsAtLeastAsLongAsIt() {
        h.pipe(interval("q-1", T0.plusSeconds(900), T0.plusSeconds(1800), T0.plusSeconds(1805), 4, 4, 0, 4, 4));
        assertThat(h.latestWindows(WindowSize.FIFTEEN_MINUTES)).containsOnlyKeys(key(T0.plusSeconds(900)));
        assertThat(h.latestWindows(WindowSize.ONE_HOUR)).containsOnlyKeys(key(T0));
        assertThat(h.latestWindows(WindowSize.ONE_MINUTE)).as("a 15-minute interval says nothing about one minute").isEmpty();
        assertThat(h.metrics.droppedLateCount(WindowSize.ONE_MINUTE)).isZero();

        h.pipe(interval("q-1", T0.plusSeconds(1800), T0.plusSeconds(1860), T0.plusSeconds(1865), 1, 1, 0, 1, 1));
        assertThat(h.latestWindows(WindowSize.ONE_MINUTE)).containsOnlyKeys(key(T0.plusSeconds(1800)));
    }

    @Test
    void snapshotServiceLevelFollowsTheNewestInterval() {
        h.pipe(interval("q-1", T0, T0.plusSeconds(900), T0.plusSeconds(905), 10, 8, 2, 8, 10));
        h.pipe(interval("q-1", T0.plusSeconds(900), T0.plusSeconds(1800), T0.plusSeconds(1805), 10, 5, 5, 5, 10));
        h.pipe(interval("q-1", T0, T0.plusSeconds(900), T0.plusSeconds(1806), 10, 9, 1, 9, 10)); // revision of the older one
        assertThat(h.latestSnapshots().get(Q).getServiceLevelPercent()).isCloseTo(50.0, within(1e-9));
    }

    @Test
    void finalWindowsMoveFromTheQueueStateToTheWindowStore() {
        h.pipe(obs("q-1", T0.plusSeconds(10), "voice", 2, 10_000, 1));
        var store = h.driver.<String, io.switchboard.aggregate.internal.WindowAggregate>getWindowStore(
                AggregatorTopology.windowStore(WindowSize.ONE_MINUTE));
        var states = h.driver.<String, io.switchboard.aggregate.internal.QueueState>getKeyValueStore(AggregatorTopology.QUEUE_STORE);
        assertThat(store.fetch(Q, T0.toEpochMilli())).as("open: still in the queue state").isNull();
        assertThat(states.get(Q).liveWindows(WindowSize.ONE_MINUTE, 0, Long.MAX_VALUE)).containsOnlyKeys(T0.toEpochMilli());

        h.pipe(obs("q-1", T0.plusSeconds(90), "voice", 3, 10_000, 1)); // the first minute's grace (30 s) is over
        assertThat(store.fetch(Q, T0.toEpochMilli())).isNotNull();
        assertThat(store.fetch(Q, T0.toEpochMilli()).toStats("genesys-eu", "q-1", WindowSize.ONE_MINUTE, T0.toEpochMilli()).getWaitingMax())
                .isEqualTo(2);
        assertThat(states.get(Q).liveWindows(WindowSize.ONE_MINUTE, 0, Long.MAX_VALUE)).containsOnlyKeys(T0.plusSeconds(60).toEpochMilli());
        assertThat(states.get(Q).liveWindows(WindowSize.FIFTEEN_MINUTES, 0, Long.MAX_VALUE)).containsOnlyKeys(T0.toEpochMilli());
    }
}
