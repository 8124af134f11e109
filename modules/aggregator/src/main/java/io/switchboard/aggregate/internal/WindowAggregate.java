package io.switchboard.aggregate.internal;

import java.io.IOException;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

import org.apache.kafka.common.serialization.Serde;

import io.switchboard.aggregate.WindowSize;
import io.switchboard.events.aggregate.QueueWindowStats;
import io.switchboard.events.poll.QueueStat;

/**
 * The running statistics of one queue in one tumbling window. Mutable; confined to a stream task.
 *
 * <p><b>Samples.</b> A sample is the queue at one observation time: the point-in-time records of
 * every media type with the same {@code observedAt} form one sample (the "open" sample while it is
 * the newest in the window; more media types at that time join it, a repeated media type replaces
 * its value, so a duplicate counts once). A newer observation time closes the open sample into the
 * running sums. An observation older than the open sample (out of order, within the grace) is its
 * own sample. The window remembers the observation times it folded per media type (sorted,
 * delta-encoded in the store), so a repeated (media type, time), in order or out of order, counts
 * once.
 *
 * <p><b>Intervals.</b> Interval records are kept per vendor interval (media type, start, end) with
 * their latest revision (highest {@code polledAt}, then {@code pollSequence}); the window's interval
 * metrics are sums over those, so a re-fetched or revised interval replaces its earlier value and
 * is never counted twice. An interval belongs to the window containing its start, and only to
 * window sizes at least as long as the interval (a 15-minute interval is in the 15-minute and
 * 1-hour windows, not in a 1-minute one).
 */
public final class WindowAggregate {

    String queueName;
    // closed samples
    long closedSamples;
    long waitingSum;
    long waitingCount;
    long waitingMax = -1;
    long interactingSum;
    long interactingCount;
    long longestMax = -1;
    long availableSum;
    long availableCount;
    long onQueueSum;
    long onQueueCount;
    // open sample
    long openAt = Long.MIN_VALUE;
    final TreeMap<String, Observation> open = new TreeMap<>();
    // intervals by "media|start|end"
    final TreeMap<String, Interval> intervals = new TreeMap<>();
    // observation times folded, per media type, sorted ascending
    final TreeMap<String, long[]> seen = new TreeMap<>();
    /**
     * The compact encoding as last written (null once anything was folded in since), with what it
     * depends on besides the fields: most open windows of a queue do not change with its next record
     * (older minutes still in their grace), so they are copied instead of encoded again.
     */
    private byte[] encoded;
    private long encodedStart;
    private String encodedQueueName;
    private String encodedName;

    /** Point-in-time values of one media type. */
    record Observation(Long waiting, Long interacting, Long longestWaitingMs, Long agentsOnQueue, Long agentsAvailable) {
        static Observation of(QueueStat s) {
            return new Observation(s.getWaiting(), s.getInteracting(), s.getLongestWaitingMs(), s.getAgentsOnQueue(),
                    s.getAgentsAvailable());
        }
    }

    /** Latest revision of one vendor interval. */
    record Interval(long polledAt, long pollSequence, Long offered, Long answered, Long abandoned, Long handleTimeSumMs,
                    Long handleTimeCount, Long waitTimeSumMs, Long waitTimeCount, Long serviceLevelNumerator,
                    Long serviceLevelDenominator, Double serviceLevelPercent) {
        static Interval of(QueueStat s) {
            return new Interval(s.getPolledAt().toEpochMilli(), s.getPollSequence(), s.getOffered(), s.getAnswered(), s.getAbandoned(),
                    s.getHandleTimeSumMs(), s.getHandleTimeCount(), s.getWaitTimeSumMs(), s.getWaitTimeCount(),
                    s.getServiceLevelNumerator(), s.getServiceLevelDenominator(), s.getServiceLevelPercent());
        }

        boolean newerThan(Interval other) {
            return polledAt != other.polledAt ? polledAt > other.polledAt : pollSequence > other.pollSequence;
        }
    }

    /**
     * Folds a point-in-time observation of {@code mediaType} made at {@code observedAt}. Returns
     * false, changing nothing, when the window already folded that media type at that time.
     */
    boolean addObservation(long observedAt, String mediaType, Observation obs) {
        long[] times = seen.get(mediaType);
        int at = times == null ? -1 : java.util.Arrays.binarySearch(times, observedAt);
        if (at >= 0) {
            return false;
        }
        int insert = times == null ? 0 : -at - 1;
        long[] grown = new long[times == null ? 1 : times.length + 1];
        if (times != null) {
            System.arraycopy(times, 0, grown, 0, insert);
            System.arraycopy(times, insert, grown, insert + 1, times.length - insert);
        }
        grown[insert] = observedAt;
        seen.put(mediaType, grown);
        encoded = null;
        if (observedAt == openAt) {
            open.put(mediaType, obs);
        } else if (observedAt > openAt) {
            close(open);
            open.clear();
            open.put(mediaType, obs);
            openAt = observedAt;
        } else {
            close(Map.of(mediaType, obs));
        }
        return true;
    }

    /**
     * Folds a revision of an interval. Returns false when the window already has this or a newer
     * revision (a duplicate), true when it replaced or added the interval.
     */
    boolean addInterval(String intervalKey, Interval revision) {
        Interval existing = intervals.get(intervalKey);
        if (existing != null && !revision.newerThan(existing)) {
            return false;
        }
        intervals.put(intervalKey, revision);
        encoded = null;
        return true;
    }

    private void close(Map<String, Observation> sample) {
        if (sample.isEmpty()) {
            return;
        }
        Sample s = sample(sample);
        closedSamples++;
        if (s.waiting != null) {
            waitingSum += s.waiting;
            waitingCount++;
            waitingMax = Math.max(waitingMax, s.waiting);
        }
        if (s.interacting != null) {
            interactingSum += s.interacting;
            interactingCount++;
        }
        if (s.longest != null) {
            longestMax = Math.max(longestMax, s.longest);
        }
        if (s.available != null) {
            availableSum += s.available;
            availableCount++;
        }
        if (s.onQueue != null) {
            onQueueSum += s.onQueue;
            onQueueCount++;
        }
    }

    /** The queue at one time, from its media types (summing rules as in {@link QueueState}). */
    private record Sample(Long waiting, Long interacting, Long longest, Long available, Long onQueue) {
    }

    private static Sample sample(Map<String, Observation> byMedia) {
        Observation all = byMedia.get(QueueState.ALL_MEDIA);
        boolean perMedia = byMedia.size() > (all == null ? 0 : 1);
        Long waiting = null;
        Long interacting = null;
        Long longest = null;
        Long available = null;
        Long onQueue = null;
        for (Map.Entry<String, Observation> e : byMedia.entrySet()) {
            if (perMedia && e.getKey().equals(QueueState.ALL_MEDIA)) {
                continue;
            }
            Observation o = e.getValue();
            waiting = plus(waiting, o.waiting());
            interacting = plus(interacting, o.interacting());
            longest = max(longest, o.longestWaitingMs());
            available = max(available, o.agentsAvailable());
            onQueue = max(onQueue, o.agentsOnQueue());
        }
        if (all != null) {
            available = all.agentsAvailable() != null ? all.agentsAvailable() : available;
            onQueue = all.agentsOnQueue() != null ? all.agentsOnQueue() : onQueue;
        }
        return new Sample(waiting, interacting, longest, available, onQueue);
    }

    /** The window's statistics as written to {@code queue-stats-<size>}. */
    public QueueWindowStats toStats(String credentialId, String queueId, WindowSize size, long windowStart) {
        long samples = closedSamples;
        long wSum = waitingSum;
        long wCount = waitingCount;
        long wMax = waitingMax;
        long iSum = interactingSum;
        long iCount = interactingCount;
        long lMax = longestMax;
        long aSum = availableSum;
        long aCount = availableCount;
        long qSum = onQueueSum;
        long qCount = onQueueCount;
        if (!open.isEmpty()) {
            Sample s = sample(open);
            samples++;
            if (s.waiting != null) {
                wSum += s.waiting;
                wCount++;
                wMax = Math.max(wMax, s.waiting);
            }
            if (s.interacting != null) {
                iSum += s.interacting;
                iCount++;
            }
            if (s.longest != null) {
                lMax = Math.max(lMax, s.longest);
            }
            if (s.available != null) {
                aSum += s.available;
                aCount++;
            }
            if (s.onQueue != null) {
                qSum += s.onQueue;
                qCount++;
            }
        }
        Long offered = null;
        Long answered = null;
        Long abandoned = null;
        Long handleSum = null;
        Long handleCount = null;
        Long waitSum = null;
        Long waitCount = null;
        long slNum = 0;
        long slDen = 0;
        boolean slFractions = true;
        double slPctSum = 0;
        int slCount = 0;
        for (Interval in : intervals.values()) {
            offered = plus(offered, in.offered());
            answered = plus(answered, in.answered());
            abandoned = plus(abandoned, in.abandoned());
            handleSum = plus(handleSum, in.handleTimeSumMs());
            handleCount = plus(handleCount, in.handleTimeCount());
            waitSum = plus(waitSum, in.waitTimeSumMs());
            waitCount = plus(waitCount, in.waitTimeCount());
            if (in.serviceLevelDenominator() != null && in.serviceLevelNumerator() != null) {
                slNum += in.serviceLevelNumerator();
                slDen += in.serviceLevelDenominator();
                if (in.serviceLevelDenominator() > 0) {
                    slPctSum += 100.0 * in.serviceLevelNumerator() / in.serviceLevelDenominator();
                    slCount++;
                }
            } else if (in.serviceLevelPercent() != null) {
                slFractions = false;
                slPctSum += in.serviceLevelPercent();
                slCount++;
            }
        }
        Double serviceLevel = null;
        if (slFractions && slDen > 0) {
            serviceLevel = 100.0 * slNum / slDen;
        } else if (slCount > 0) {
            serviceLevel = slPctSum / slCount;
        }
        return QueueWindowStats.newBuilder()
                .setCredentialId(credentialId).setQueueId(queueId).setQueueName(queueName)
                .setWindowSize(size.iso())
                .setWindowStart(Instant.ofEpochMilli(windowStart)).setWindowEnd(Instant.ofEpochMilli(windowStart + size.millis()))
                .setSamples(samples)
                .setWaitingAvg(wCount == 0 ? null : (double) wSum / wCount)
                .setWaitingMax(wMax < 0 ? null : wMax)
                .setInteractingAvg(iCount == 0 ? null : (double) iSum / iCount)
                .setLongestWaitingMsMax(lMax < 0 ? null : lMax)
                .setAgentsAvailableAvg(aCount == 0 ? null : (double) aSum / aCount)
                .setAgentsOnQueueAvg(qCount == 0 ? null : (double) qSum / qCount)
                .setOffered(offered).setAnswered(answered).setAbandoned(abandoned)
                .setHandleTimeSumMs(handleSum).setHandleTimeCount(handleCount)
                .setServiceLevelPercent(serviceLevel)
                .setAbandonRate(offered == null || offered == 0 || abandoned == null ? null : (double) abandoned / offered)
                .setAverageSpeedOfAnswerMs(waitSum == null || waitCount == null || waitCount == 0 ? null : (double) waitSum / waitCount)
                .setAverageHandleTimeMs(handleSum == null || handleCount == null || handleCount == 0 ? null
                        : (double) handleSum / handleCount)
                .setIntervals(intervals.size())
                .build();
    }

    private static Long plus(Long a, Long b) {
        if (a == null) {
            return b;
        }
        return b == null ? a : Long.valueOf(a + b);
    }

    private static Long max(Long a, Long b) {
        if (a == null) {
            return b;
        }
        return b == null ? a : Long.valueOf(Math.max(a, b));
    }

    /** Store serde. */
    public static Serde<WindowAggregate> serde() {
        return Codec.serde(1, WindowAggregate::write, WindowAggregate::read);
    }

    static void write(WindowAggregate w, Codec.Out out) throws IOException {
        out.nullableString(w.queueName);
        out.writeLong(w.closedSamples);
        out.writeLong(w.waitingSum);
        out.writeLong(w.waitingCount);
        out.writeLong(w.waitingMax);
        out.writeLong(w.interactingSum);
        out.writeLong(w.interactingCount);
        out.writeLong(w.longestMax);
        out.writeLong(w.availableSum);
        out.writeLong(w.availableCount);
        out.writeLong(w.onQueueSum);
        out.writeLong(w.onQueueCount);
        out.writeLong(w.openAt);
        out.writeShort(w.open.size());
        for (Map.Entry<String, Observation> e : w.open.entrySet()) {
            Observation o = e.getValue();
            out.string(e.getKey());
            out.nullableLong(o.waiting());
            out.nullableLong(o.interacting());
            out.nullableLong(o.longestWaitingMs());
            out.nullableLong(o.agentsOnQueue());
            out.nullableLong(o.agentsAvailable());
        }
        out.writeShort(w.intervals.size());
        for (Map.Entry<String, Interval> e : w.intervals.entrySet()) {
            Interval i = e.getValue();
            out.string(e.getKey());
            out.writeLong(i.polledAt());
            out.writeLong(i.pollSequence());
            out.nullableLong(i.offered());
            out.nullableLong(i.answered());
            out.nullableLong(i.abandoned());
            out.nullableLong(i.handleTimeSumMs());
            out.nullableLong(i.handleTimeCount());
            out.nullableLong(i.waitTimeSumMs());
            out.nullableLong(i.waitTimeCount());
            out.nullableLong(i.serviceLevelNumerator());
            out.nullableLong(i.serviceLevelDenominator());
            out.nullableDouble(i.serviceLevelPercent());
        }
        out.writeShort(w.seen.size());
        for (Map.Entry<String, long[]> e : w.seen.entrySet()) {
            out.string(e.getKey());
            long[] times = e.getValue();
            out.varLong(times.length);
            long previous = 0;
            for (int k = 0; k < times.length; k++) {
                if (k == 0) {
                    out.writeLong(times[0]);
                } else {
                    out.varLong(times[k] - previous);
                }
                previous = times[k];
            }
        }
    }

    /** More distinct milliseconds than the longest window has: a count above it is garbage, not a reason to allocate. */
    private static final long MAX_TIMES = 1L << 22;

    // window flags (compact format)
    private static final int W_NAME = 1;
    private static final int W_NAME_AS_QUEUE = 1 << 1;
    private static final int W_OPEN_AT = 1 << 2;

    /**
     * The compact form used inside the queue state (written for every record): signed varints, times
     * from {@code start} (the window's start), the name only when it differs from the queue's
     * ({@code queueName}), absent values as clear mask bits, the observation times as runs of equal gaps.
     */
    static void writeCompact(WindowAggregate w, Codec.Out out, long start, String queueName) throws IOException {
        if (w.encoded != null && w.encodedStart == start && java.util.Objects.equals(w.encodedQueueName, queueName)
                && java.util.Objects.equals(w.encodedName, w.queueName)) {
            out.raw(w.encoded);
            return;
        }
        int from = out.position();
        writeFields(w, out, start, queueName);
        w.encoded = out.copyFrom(from);
        w.encodedStart = start;
        w.encodedQueueName = queueName;
        w.encodedName = w.queueName;
    }

    private static void writeFields(WindowAggregate w, Codec.Out out, long start, String queueName) throws IOException {
        boolean sameName = w.queueName != null && w.queueName.equals(queueName);
        out.varLong((w.queueName != null && !sameName ? W_NAME : 0) | (sameName ? W_NAME_AS_QUEUE : 0)
                | (w.openAt != Long.MIN_VALUE ? W_OPEN_AT : 0));
        if (w.queueName != null && !sameName) {
            out.string(w.queueName);
        }
        out.zigzag(w.closedSamples);
        out.zigzag(w.waitingSum);
        out.zigzag(w.waitingCount);
        out.zigzag(w.waitingMax);
        out.zigzag(w.interactingSum);
        out.zigzag(w.interactingCount);
        out.zigzag(w.longestMax);
        out.zigzag(w.availableSum);
        out.zigzag(w.availableCount);
        out.zigzag(w.onQueueSum);
        out.zigzag(w.onQueueCount);
        if (w.openAt != Long.MIN_VALUE) {
            out.zigzag(w.openAt - start);
        }
        out.varLong(w.open.size());
        for (Map.Entry<String, Observation> e : w.open.entrySet()) {
            Observation o = e.getValue();
            out.string(e.getKey());
            out.varLong(bit(o.waiting(), 0) | bit(o.interacting(), 1) | bit(o.longestWaitingMs(), 2) | bit(o.agentsOnQueue(), 3)
                    | bit(o.agentsAvailable(), 4));
            out.present(o.waiting());
            out.present(o.interacting());
            out.present(o.longestWaitingMs());
            out.present(o.agentsOnQueue());
            out.present(o.agentsAvailable());
        }
        out.varLong(w.intervals.size());
        for (Map.Entry<String, Interval> e : w.intervals.entrySet()) {
            Interval i = e.getValue();
            out.string(e.getKey());
            out.zigzag(i.polledAt() - start);
            out.zigzag(i.pollSequence());
            int mask = bit(i.offered(), 0) | bit(i.answered(), 1) | bit(i.abandoned(), 2) | bit(i.handleTimeSumMs(), 3)
                    | bit(i.handleTimeCount(), 4) | bit(i.waitTimeSumMs(), 5) | bit(i.waitTimeCount(), 6)
                    | bit(i.serviceLevelNumerator(), 7) | bit(i.serviceLevelDenominator(), 8) | (i.serviceLevelPercent() != null ? 1 << 9 : 0);
            out.varLong(mask);
            out.present(i.offered());
            out.present(i.answered());
            out.present(i.abandoned());
            out.present(i.handleTimeSumMs());
            out.present(i.handleTimeCount());
            out.present(i.waitTimeSumMs());
            out.present(i.waitTimeCount());
            out.present(i.serviceLevelNumerator());
            out.present(i.serviceLevelDenominator());
            if (i.serviceLevelPercent() != null) {
                out.writeDouble(i.serviceLevelPercent());
            }
        }
        out.varLong(w.seen.size());
        for (Map.Entry<String, long[]> e : w.seen.entrySet()) {
            out.string(e.getKey());
            long[] times = e.getValue();
            out.varLong(times.length);
            if (times.length == 0) {
                continue;
            }
            out.zigzag(times[0] - start);
            // then the gaps (ascending: non-negative) as runs of equal gaps: a steady poll cadence is one run
            int k = 1;
            while (k < times.length) {
                long gap = times[k] - times[k - 1];
                int run = 1;
                while (k + run < times.length && times[k + run] - times[k + run - 1] == gap) {
                    run++;
                }
                out.varLong(gap);
                out.varLong(run);
                k += run;
            }
        }
    }

    /** Reads what {@link #writeCompact} wrote. */
    static WindowAggregate readCompact(Codec.In in, long start, String queueName) throws IOException {
        WindowAggregate w = new WindowAggregate();
        int flags = (int) in.varLong();
        w.queueName = (flags & W_NAME) != 0 ? in.string() : (flags & W_NAME_AS_QUEUE) != 0 ? queueName : null;
        w.closedSamples = in.zigzag();
        w.waitingSum = in.zigzag();
        w.waitingCount = in.zigzag();
        w.waitingMax = in.zigzag();
        w.interactingSum = in.zigzag();
        w.interactingCount = in.zigzag();
        w.longestMax = in.zigzag();
        w.availableSum = in.zigzag();
        w.availableCount = in.zigzag();
        w.onQueueSum = in.zigzag();
        w.onQueueCount = in.zigzag();
        if ((flags & W_OPEN_AT) != 0) {
            w.openAt = start + in.zigzag();
        }
        long n = in.varLong();
        for (long k = 0; k < n; k++) {
            String media = in.string();
            int mask = (int) in.varLong();
            w.open.put(media, new Observation(in.present(mask, 1), in.present(mask, 1 << 1), in.present(mask, 1 << 2),
                    in.present(mask, 1 << 3), in.present(mask, 1 << 4)));
        }
        long m = in.varLong();
        for (long k = 0; k < m; k++) {
            String key = in.string();
            long polledAt = start + in.zigzag();
            long pollSequence = in.zigzag();
            int mask = (int) in.varLong();
            w.intervals.put(key, new Interval(polledAt, pollSequence, in.present(mask, 1), in.present(mask, 1 << 1),
                    in.present(mask, 1 << 2), in.present(mask, 1 << 3), in.present(mask, 1 << 4), in.present(mask, 1 << 5),
                    in.present(mask, 1 << 6), in.present(mask, 1 << 7), in.present(mask, 1 << 8),
                    (mask & (1 << 9)) != 0 ? in.readDouble() : null));
        }
        long media = in.varLong();
        for (long k = 0; k < media; k++) {
            String key = in.string();
            long count = in.varLong();
            if (count > MAX_TIMES) {
                throw new IOException("implausible count of observation times: " + count);
            }
            long[] times = new long[(int) count];
            if (count > 0) {
                times[0] = start + in.zigzag();
            }
            int t = 1;
            while (t < times.length) {
                long gap = in.varLong();
                long run = in.varLong();
                if (run < 1 || run > times.length - t) {
                    throw new IOException("run of " + run + " observation times where " + (times.length - t) + " are left");
                }
                for (long r = 0; r < run; r++, t++) {
                    times[t] = times[t - 1] + gap;
                }
            }
            w.seen.put(key, times);
        }
        return w;
    }

    /** Presence bit {@code i} of a mask. */
    private static int bit(Long v, int i) {
        return v != null ? 1 << i : 0;
    }


    static WindowAggregate read(Codec.In in, int version) throws IOException {
        WindowAggregate w = new WindowAggregate();
        w.queueName = in.nullableString();
        w.closedSamples = in.readLong();
        w.waitingSum = in.readLong();
        w.waitingCount = in.readLong();
        w.waitingMax = in.readLong();
        w.interactingSum = in.readLong();
        w.interactingCount = in.readLong();
        w.longestMax = in.readLong();
        w.availableSum = in.readLong();
        w.availableCount = in.readLong();
        w.onQueueSum = in.readLong();
        w.onQueueCount = in.readLong();
        w.openAt = in.readLong();
        int n = in.readUnsignedShort();
        for (int i = 0; i < n; i++) {
            w.open.put(in.string(), new Observation(in.nullableLong(), in.nullableLong(), in.nullableLong(), in.nullableLong(),
                    in.nullableLong()));
        }
        int m = in.readUnsignedShort();
        for (int i = 0; i < m; i++) {
            w.intervals.put(in.string(), new Interval(in.readLong(), in.readLong(), in.nullableLong(), in.nullableLong(),
                    in.nullableLong(), in.nullableLong(), in.nullableLong(), in.nullableLong(), in.nullableLong(), in.nullableLong(),
                    in.nullableLong(), in.nullableDouble()));
        }
        int media = in.readUnsignedShort();
        for (int i = 0; i < media; i++) {
            String key = in.string();
            int count = (int) in.varLong();
            long[] times = new long[count];
            for (int k = 0; k < count; k++) {
                times[k] = k == 0 ? in.readLong() : times[k - 1] + in.varLong();
            }
            w.seen.put(key, times);
        }
        return w;
    }
}
