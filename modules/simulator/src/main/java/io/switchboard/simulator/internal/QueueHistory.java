package io.switchboard.simulator.internal;

/**
 * The deterministic history of the queues: what happened in each minute is a pure function of the seed, the queue
 * and the minute, so the same question always gets the same answer and every figure is additive. Adjacent intervals
 * add up to their union, and the media-type groups of an interval add up to the ungrouped interval.
 *
 * <p>Within one minute the contacts of a queue are numbered {@code 0..offered-1}: the first {@code abandoned} of them
 * abandon, the rest are answered; of the answered, the first {@code overSla} are answered after the service-level
 * threshold and the first {@code transferred} are transferred. Contact {@code j} belongs to media type
 * {@code (j + minute) % mediaCount}. Counting per media type therefore keeps every relation of the whole queue:
 * offered = answered + abandoned, overSla &le; answered, transferred &le; answered. Thread-safe (stateless).
 */
final class QueueHistory {

    private static final long MINUTE_MS = 60_000L;
    /** Longest interval summed, in minutes (93 days: longer intervals are cut, as the vendors refuse them). */
    private static final long MAX_MINUTES = 60L * 24 * 93;

    private final long seed;

    QueueHistory(long seed) {
        this.seed = seed;
    }

    /**
     * Totals of queue {@code q} over {@code [startMillis, endMillis)}, counted per started minute, for media type
     * {@code mediaIndex} of {@code mediaCount} (0 of 1 for the whole queue).
     */
    QueueData.IntervalStats interval(QueueModel q, long startMillis, long endMillis, int mediaIndex, int mediaCount) {
        long firstMinute = Math.floorDiv(startMillis, MINUTE_MS);
        long lastMinute = Math.floorDiv(endMillis - 1, MINUTE_MS);
        if (lastMinute - firstMinute > MAX_MINUTES) {
            lastMinute = firstMinute + MAX_MINUTES;
        }
        double perMinute = q.spec.agents() / 240.0 * 60;
        Totals t = new Totals();
        for (long m = firstMinute; m <= lastMinute; m++) {
            double f = QueueModel.busy(m * MINUTE_MS);
            double expected = perMinute * f * (0.8 + 0.4 * unit(q.index, m, 1));
            int offered = (int) expected + (unit(q.index, m, 2) < expected - (int) expected ? 1 : 0);
            if (offered == 0) {
                continue;
            }
            long hour = Math.floorDiv(m, 60L);
            long quarter = Math.floorDiv(m, 15L);
            double hourKey = unit(q.index, hour, 3);
            int abandoned = stochasticRound(offered * (0.02 + 0.08 * hourKey), unit(q.index, m, 6));
            int answered = offered - abandoned;
            int overSla = stochasticRound(answered * (0.05 + 0.25 * hourKey), unit(q.index, m, 7));
            int transferred = stochasticRound(answered * 0.05, unit(q.index, m, 8));
            // This media type's share of the minute's numbered contacts.
            int slot = (int) Math.floorMod(mediaIndex + m, (long) mediaCount);
            int offeredHere = QueueSnapshot.share(offered, mediaCount, slot);
            int abandonedHere = QueueSnapshot.share(abandoned, mediaCount, slot);
            int answeredHere = offeredHere - abandonedHere;
            int overSlaHere = QueueSnapshot.share(abandoned + overSla, mediaCount, slot) - abandonedHere;
            int transferredHere = QueueSnapshot.share(abandoned + transferred, mediaCount, slot) - abandonedHere;
            if (offeredHere == 0) {
                continue;
            }
            long handleMs = (long) (180_000 + 120_000 * unit(q.index, quarter, 4));
            long acwMs = 20_000 + (long) (20_000 * unit(q.index, quarter, 5));
            long waitMs = (long) (5_000 + 40_000 * hourKey);
            t.add(offeredHere, answeredHere, abandonedHere, overSlaHere, transferredHere, handleMs, acwMs, waitMs);
        }
        return t.stats();
    }

    /** {@code floor(x + u)} for {@code u} uniform in [0,1): an integer with expectation {@code x}, never above {@code ceil(x)}. */
    private static int stochasticRound(double x, double u) {
        return (int) Math.floor(x + u);
    }

    private double unit(int queue, long bucket, int salt) {
        long z = seed ^ (queue * 0xD1B54A32D192ED03L) ^ (bucket * 0x9E3779B97F4A7C15L) ^ (salt * 0xABCDEF1234567L);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        z = z ^ (z >>> 31);
        return (z >>> 11) * 0x1.0p-53;
    }

    /** Running totals over the minutes of an interval. Not thread-safe (one per call). */
    private static final class Totals {
        long offered;
        long answered;
        long abandoned;
        long overSla;
        long transferred;
        long handleSumMs;
        long talkSumMs;
        long acwSumMs;
        long answerWaitSumMs;
        long abandonWaitSumMs;
        long waitSumMs;
        long minHandleMs = Long.MAX_VALUE;
        long maxHandleMs;
        long maxAcwMs;
        long maxWaitMs;

        void add(int off, int ans, int ab, int over, int trans, long handleMs, long acwMs, long waitMs) {
            offered += off;
            answered += ans;
            abandoned += ab;
            overSla += over;
            transferred += trans;
            waitSumMs += off * waitMs;
            maxWaitMs = Math.max(maxWaitMs, (long) (waitMs * 4.5));
            abandonWaitSumMs += ab * (waitMs * 3 / 2);
            if (ans > 0) {
                handleSumMs += ans * handleMs;
                talkSumMs += ans * (handleMs - acwMs);
                acwSumMs += ans * acwMs;
                answerWaitSumMs += ans * waitMs;
                minHandleMs = Math.min(minHandleMs, handleMs / 3);
                maxHandleMs = Math.max(maxHandleMs, handleMs * 3);
                maxAcwMs = Math.max(maxAcwMs, acwMs * 3);
            }
        }

        QueueData.IntervalStats stats() {
            return new QueueData.IntervalStats(offered, answered, abandoned, overSla, transferred, handleSumMs, talkSumMs,
                    acwSumMs, answerWaitSumMs, abandonWaitSumMs, waitSumMs, answered == 0 ? 0 : minHandleMs, maxHandleMs,
                    maxAcwMs, maxWaitMs);
        }
    }
}
