package io.switchboard.aggregate.internal;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.apache.kafka.common.serialization.Serde;

import io.switchboard.events.aggregate.QueueSnapshot;
import io.switchboard.events.poll.QueueStat;

/**
 * What the aggregator knows about one queue ({@code credentialId/queueId}): the newest point-in-time
 * observation per media type, the newest service level per media type, freshness, and the alert
 * rules firing. The {@link QueueSnapshot} is derived from it. Mutable; confined to one stream task
 * (or a query thread that decoded its own copy).
 *
 * <p>Summing over media types: when the vendor splits a queue by media type, waiting and
 * interacting are summed over the media types and the longest wait is their maximum; a record
 * without media type ("all media") is used only when there are no per-media records. Agent counts
 * are per queue, not per media (an agent on voice and chat is one agent), so they come from the
 * all-media record when there is one, else the maximum over media types. A media type whose newest
 * observation is older than {@code staleAfter} before the queue's newest one no longer counts.
 */
public final class QueueState {

    /** Key of the media type of records without one. */
    public static final String ALL_MEDIA = "";

    String credentialId;
    String queueId;
    String queueName;
    String tenantId;
    String provider;
    /** Newest vendor time of any record folded in; 0 = none. */
    long observedAt;
    /** Newest poll time of any record folded in. */
    long updatedAt;
    long pollSequence;
    boolean stale;
    /** Per media type ("" = all media). */
    final TreeMap<String, MediaState> media = new TreeMap<>();
    /** Firing rules: name -> observation time it was raised at. */
    final TreeMap<String, Long> firing = new TreeMap<>();
    /**
     * Windows still open (their end plus grace not yet reached by stream time), per size, by start.
     * Kept here so a record updates one store entry; a window moves to its window store when it is final.
     */
    final java.util.EnumMap<io.switchboard.aggregate.WindowSize, TreeMap<Long, WindowAggregate>> live =
            new java.util.EnumMap<>(io.switchboard.aggregate.WindowSize.class);

    /** Newest values of one media type. */
    static final class MediaState {
        /** Vendor time of the newest point-in-time observation; Long.MIN_VALUE = none yet. */
        long observedAt = Long.MIN_VALUE;
        Long waiting;
        Long interacting;
        Long longestWaitingMs;
        Long agentsOnQueue;
        Long agentsAvailable;
        Long agentsLoggedIn;
        /** Time (observation time, or interval end) of the service level below; Long.MIN_VALUE = none. */
        long serviceLevelAt = Long.MIN_VALUE;
        long serviceLevelPolledAt = Long.MIN_VALUE;
        Long serviceLevelNumerator;
        Long serviceLevelDenominator;
        Double serviceLevelPercent;

        boolean hasObservation() {
            return observedAt != Long.MIN_VALUE;
        }

        Double serviceLevel() {
            if (serviceLevelDenominator != null && serviceLevelDenominator > 0 && serviceLevelNumerator != null) {
                return 100.0 * serviceLevelNumerator / serviceLevelDenominator;
            }
            return serviceLevelPercent;
        }
    }

    /** {@link #totals} as last worked out, for {@link #totalsStaleAfterMs}; null when a media state may have changed since. */
    private Totals totals;
    private long totalsStaleAfterMs;

    QueueState() {
    }

    static QueueState first(String key, QueueStat stat) {
        QueueState s = new QueueState();
        s.credentialId = stat.getCredentialId();
        s.queueId = stat.getQueueId();
        s.provider = stat.getProvider();
        return s;
    }

    /** {@code credentialId/queueId}. */
    public String key() {
        return credentialId + "/" + queueId;
    }

    public String credentialId() {
        return credentialId;
    }

    public String queueId() {
        return queueId;
    }

    public String queueName() {
        return queueName;
    }

    public String tenantId() {
        return tenantId;
    }

    public long updatedAt() {
        return updatedAt;
    }

    public boolean stale() {
        return stale;
    }

    /** Names of the rules firing, in name order. */
    public List<String> firingRules() {
        return new ArrayList<>(firing.keySet());
    }

    /** Rules firing with the observation time each was raised at. */
    public Map<String, Long> firingSince() {
        return new LinkedHashMap<>(firing);
    }

    /** The open windows of one size, by start (created empty on first use). */
    TreeMap<Long, WindowAggregate> live(io.switchboard.aggregate.WindowSize size) {
        return live.computeIfAbsent(size, k -> new TreeMap<>());
    }

    /** Open windows of one size whose start is in [from, to], by start; for the query API. */
    public java.util.SortedMap<Long, WindowAggregate> liveWindows(io.switchboard.aggregate.WindowSize size, long from, long to) {
        TreeMap<Long, WindowAggregate> w = live.get(size);
        return w == null ? new TreeMap<>() : new TreeMap<>(w.subMap(from, true, to, true));
    }

    MediaState media(String mediaType) {
        return media.get(mediaType);
    }

    /** The media state to change (created when missing); forgets the memoized {@link #totals}. */
    MediaState mediaOrNew(String mediaType) {
        totals = null;
        return media.computeIfAbsent(mediaType, k -> new MediaState());
    }

    /** Name, tenant, provider and freshness from any record (observation or interval). */
    void touch(QueueStat stat, long polledAt) {
        if (stat.getQueueName() != null) {
            queueName = stat.getQueueName();
        }
        if (stat.getTenantId() != null) {
            tenantId = stat.getTenantId();
        }
        provider = stat.getProvider();
        long obs = stat.getObservedAt().toEpochMilli();
        if (obs > observedAt) {
            observedAt = obs;
        }
        if (polledAt >= updatedAt) {
            updatedAt = polledAt;
            pollSequence = stat.getPollSequence();
        }
    }

    /** Media types whose observations still count: not older than staleAfter before the newest. */
    private List<Map.Entry<String, MediaState>> current(long staleAfterMs) {
        long newest = Long.MIN_VALUE;
        for (MediaState m : media.values()) {
            newest = Math.max(newest, m.observedAt);
        }
        List<Map.Entry<String, MediaState>> out = new ArrayList<>();
        for (Map.Entry<String, MediaState> e : media.entrySet()) {
            if (e.getValue().hasObservation() && e.getValue().observedAt >= newest - staleAfterMs) {
                out.add(e);
            }
        }
        return out;
    }

    /**
     * The queue's current values summed over media types (see the class comment). Memoized until a
     * media state is changed through {@link #mediaOrNew}: the tenant partials add up every queue of a
     * task each interval, most of them unchanged since their last record. Treat the result as read-only.
     */
    Totals totals(long staleAfterMs) {
        Totals t = totals;
        if (t == null || totalsStaleAfterMs != staleAfterMs) {
            t = computeTotals(staleAfterMs);
            totals = t;
            totalsStaleAfterMs = staleAfterMs;
        }
        return t;
    }

    private Totals computeTotals(long staleAfterMs) {
        List<Map.Entry<String, MediaState>> current = current(staleAfterMs);
        MediaState all = null;
        List<Map.Entry<String, MediaState>> perMedia = new ArrayList<>();
        for (Map.Entry<String, MediaState> e : current) {
            if (e.getKey().equals(ALL_MEDIA)) {
                all = e.getValue();
            } else {
                perMedia.add(e);
            }
        }
        Totals t = new Totals();
        if (!perMedia.isEmpty()) {
            for (Map.Entry<String, MediaState> e : perMedia) {
                MediaState m = e.getValue();
                t.waiting = plus(t.waiting, m.waiting);
                t.interacting = plus(t.interacting, m.interacting);
                t.longestWaitingMs = max(t.longestWaitingMs, m.longestWaitingMs);
                if (m.waiting != null) {
                    t.byMediaType.put(e.getKey(), m.waiting);
                }
                t.agentsOnQueue = max(t.agentsOnQueue, m.agentsOnQueue);
                t.agentsAvailable = max(t.agentsAvailable, m.agentsAvailable);
                t.agentsLoggedIn = max(t.agentsLoggedIn, m.agentsLoggedIn);
            }
        } else if (all != null) {
            t.waiting = all.waiting;
            t.interacting = all.interacting;
            t.longestWaitingMs = all.longestWaitingMs;
        }
        if (all != null) {
            t.agentsOnQueue = all.agentsOnQueue != null ? all.agentsOnQueue : t.agentsOnQueue;
            t.agentsAvailable = all.agentsAvailable != null ? all.agentsAvailable : t.agentsAvailable;
            t.agentsLoggedIn = all.agentsLoggedIn != null ? all.agentsLoggedIn : t.agentsLoggedIn;
        }
        // service level over every media type that has one (observations or intervals)
        long num = 0;
        long den = 0;
        boolean allFractions = true;
        double pctSum = 0;
        int pctCount = 0;
        for (MediaState m : media.values()) {
            Double sl = m.serviceLevel();
            if (sl == null) {
                continue;
            }
            if (m.serviceLevelDenominator != null && m.serviceLevelDenominator > 0 && m.serviceLevelNumerator != null) {
                num += m.serviceLevelNumerator;
                den += m.serviceLevelDenominator;
            } else {
                allFractions = false;
            }
            pctSum += sl;
            pctCount++;
        }
        if (pctCount > 0) {
            t.serviceLevelPercent = allFractions && den > 0 ? 100.0 * num / den : pctSum / pctCount;
            if (allFractions && den > 0) {
                t.serviceLevelNumerator = num;
                t.serviceLevelDenominator = den;
            }
        }
        return t;
    }

    /** Current values of a queue. */
    static final class Totals {
        Long waiting;
        Long interacting;
        Long longestWaitingMs;
        Long agentsOnQueue;
        Long agentsAvailable;
        Long agentsLoggedIn;
        Double serviceLevelPercent;
        Long serviceLevelNumerator;
        Long serviceLevelDenominator;
        final Map<String, Long> byMediaType = new TreeMap<>();
    }

    /**
     * The snapshot as written to {@code queue-snapshots}.
     *
     * @param nowMs the aggregator's clock, for {@code ageMs}
     */
    public QueueSnapshot toSnapshot(long nowMs, long staleAfterMs) {
        return toSnapshot(nowMs, totals(staleAfterMs));
    }

    /** As {@link #toSnapshot(long, long)} with the totals already worked out ({@link #totals}). */
    QueueSnapshot toSnapshot(long nowMs, Totals t) {
        return QueueSnapshot.newBuilder()
                .setCredentialId(credentialId).setTenantId(tenantId).setProvider(provider == null ? "" : provider)
                .setQueueId(queueId).setQueueName(queueName)
                .setObservedAt(Instant.ofEpochMilli(observedAt)).setUpdatedAt(Instant.ofEpochMilli(updatedAt))
                .setPollSequence(pollSequence)
                .setWaiting(t.waiting).setInteracting(t.interacting).setLongestWaitingMs(t.longestWaitingMs)
                .setAgentsOnQueue(t.agentsOnQueue).setAgentsAvailable(t.agentsAvailable).setAgentsLoggedIn(t.agentsLoggedIn)
                .setServiceLevelPercent(t.serviceLevelPercent)
                .setByMediaType(new LinkedHashMap<>(t.byMediaType))
                .setAgeMs(Math.max(0, nowMs - updatedAt))
                .setStale(stale)
                .setAlertsFiring(firingRules())
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

    /**
     * Store serde. Writes format 3: every number a signed varint, times as deltas from the queue's
     * newest observation time (windows' from their start), absent values as clear bits of a
     * per-entry mask; it is written for every record folded, so its size is the changelog's and
     * RocksDB's bytes per record. Reads formats 2 (fixed-width numbers) and 3.
     */
    public static Serde<QueueState> serde() {
        return Codec.serde(3, QueueState::write, QueueState::read);
    }

    // MediaState presence bits (format 3)
    private static final int M_OBSERVED = 1;
    private static final int M_WAITING = 1 << 1;
    private static final int M_INTERACTING = 1 << 2;
    private static final int M_LONGEST = 1 << 3;
    private static final int M_ON_QUEUE = 1 << 4;
    private static final int M_AVAILABLE = 1 << 5;
    private static final int M_LOGGED_IN = 1 << 6;
    private static final int M_SL_AT = 1 << 7;
    private static final int M_SL_POLLED_AT = 1 << 8;
    private static final int M_SL_NUMERATOR = 1 << 9;
    private static final int M_SL_DENOMINATOR = 1 << 10;
    private static final int M_SL_PERCENT = 1 << 11;

    private static void write(QueueState s, Codec.Out out) throws IOException {
        long base = s.observedAt;
        out.string(s.credentialId);
        out.string(s.queueId);
        out.nullableString(s.queueName);
        out.nullableString(s.tenantId);
        out.nullableString(s.provider);
        out.zigzag(base);
        out.zigzag(s.updatedAt - base);
        out.zigzag(s.pollSequence);
        out.writeBoolean(s.stale);
        out.varLong(s.media.size());
        for (Map.Entry<String, MediaState> e : s.media.entrySet()) {
            MediaState m = e.getValue();
            out.string(e.getKey());
            int mask = (m.observedAt != Long.MIN_VALUE ? M_OBSERVED : 0) | (m.waiting != null ? M_WAITING : 0)
                    | (m.interacting != null ? M_INTERACTING : 0) | (m.longestWaitingMs != null ? M_LONGEST : 0)
                    | (m.agentsOnQueue != null ? M_ON_QUEUE : 0) | (m.agentsAvailable != null ? M_AVAILABLE : 0)
                    | (m.agentsLoggedIn != null ? M_LOGGED_IN : 0) | (m.serviceLevelAt != Long.MIN_VALUE ? M_SL_AT : 0)
                    | (m.serviceLevelPolledAt != Long.MIN_VALUE ? M_SL_POLLED_AT : 0)
                    | (m.serviceLevelNumerator != null ? M_SL_NUMERATOR : 0) | (m.serviceLevelDenominator != null ? M_SL_DENOMINATOR : 0)
                    | (m.serviceLevelPercent != null ? M_SL_PERCENT : 0);
            out.varLong(mask);
            if (m.observedAt != Long.MIN_VALUE) {
                out.zigzag(m.observedAt - base);
            }
            out.present(m.waiting);
            out.present(m.interacting);
            out.present(m.longestWaitingMs);
            out.present(m.agentsOnQueue);
            out.present(m.agentsAvailable);
            out.present(m.agentsLoggedIn);
            if (m.serviceLevelAt != Long.MIN_VALUE) {
                out.zigzag(m.serviceLevelAt - base);
            }
            if (m.serviceLevelPolledAt != Long.MIN_VALUE) {
                out.zigzag(m.serviceLevelPolledAt - base);
            }
            out.present(m.serviceLevelNumerator);
            out.present(m.serviceLevelDenominator);
            if (m.serviceLevelPercent != null) {
                out.writeDouble(m.serviceLevelPercent);
            }
        }
        out.varLong(s.firing.size());
        for (Map.Entry<String, Long> e : s.firing.entrySet()) {
            out.string(e.getKey());
            out.zigzag(e.getValue() - base);
        }
        out.writeByte(s.live.size());
        for (Map.Entry<io.switchboard.aggregate.WindowSize, TreeMap<Long, WindowAggregate>> e : s.live.entrySet()) {
            out.writeByte(e.getKey().ordinal());
            out.varLong(e.getValue().size());
            for (Map.Entry<Long, WindowAggregate> w : e.getValue().entrySet()) {
                out.zigzag(w.getKey() - base);
                WindowAggregate.writeCompact(w.getValue(), out, w.getKey(), s.queueName);
            }
        }
    }

    /** A state with the names every format starts with. */
    private static QueueState readNames(Codec.In in) throws IOException {
        QueueState s = new QueueState();
        s.credentialId = in.string();
        s.queueId = in.string();
        s.queueName = in.nullableString();
        s.tenantId = in.nullableString();
        s.provider = in.nullableString();
        return s;
    }

    private static QueueState read(Codec.In in, int version) throws IOException {
        if (version < 3) {
            return readFixedWidth(in, version);
        }
        QueueState s = readNames(in);
        long base = in.zigzag();
        s.observedAt = base;
        s.updatedAt = base + in.zigzag();
        s.pollSequence = in.zigzag();
        s.stale = in.readBoolean();
        long n = in.varLong();
        for (long i = 0; i < n; i++) {
            String key = in.string();
            int mask = (int) in.varLong();
            MediaState m = new MediaState();
            if ((mask & M_OBSERVED) != 0) {
                m.observedAt = base + in.zigzag();
            }
            m.waiting = in.present(mask, M_WAITING);
            m.interacting = in.present(mask, M_INTERACTING);
            m.longestWaitingMs = in.present(mask, M_LONGEST);
            m.agentsOnQueue = in.present(mask, M_ON_QUEUE);
            m.agentsAvailable = in.present(mask, M_AVAILABLE);
            m.agentsLoggedIn = in.present(mask, M_LOGGED_IN);
            if ((mask & M_SL_AT) != 0) {
                m.serviceLevelAt = base + in.zigzag();
            }
            if ((mask & M_SL_POLLED_AT) != 0) {
                m.serviceLevelPolledAt = base + in.zigzag();
            }
            m.serviceLevelNumerator = in.present(mask, M_SL_NUMERATOR);
            m.serviceLevelDenominator = in.present(mask, M_SL_DENOMINATOR);
            m.serviceLevelPercent = (mask & M_SL_PERCENT) != 0 ? in.readDouble() : null;
            s.media.put(key, m);
        }
        long f = in.varLong();
        for (long i = 0; i < f; i++) {
            s.firing.put(in.string(), base + in.zigzag());
        }
        int sizes = in.readUnsignedByte();
        for (int i = 0; i < sizes; i++) {
            io.switchboard.aggregate.WindowSize size = io.switchboard.aggregate.WindowSize.values()[in.readUnsignedByte()];
            long windows = in.varLong();
            TreeMap<Long, WindowAggregate> bySize = s.live(size);
            for (long w = 0; w < windows; w++) {
                long start = base + in.zigzag();
                bySize.put(start, WindowAggregate.readCompact(in, start, s.queueName));
            }
        }
        return s;
    }

    /** Formats 1 and 2 (before 2026-12-02): fixed-width numbers, presence bytes. */
    private static QueueState readFixedWidth(Codec.In in, int version) throws IOException {
        QueueState s = readNames(in);
        s.observedAt = in.readLong();
        s.updatedAt = in.readLong();
        s.pollSequence = in.readLong();
        s.stale = in.readBoolean();
        int n = in.readUnsignedShort();
        for (int i = 0; i < n; i++) {
            String key = in.string();
            MediaState m = new MediaState();
            m.observedAt = in.readLong();
            m.waiting = in.nullableLong();
            m.interacting = in.nullableLong();
            m.longestWaitingMs = in.nullableLong();
            m.agentsOnQueue = in.nullableLong();
            m.agentsAvailable = in.nullableLong();
            m.agentsLoggedIn = in.nullableLong();
            m.serviceLevelAt = in.readLong();
            m.serviceLevelPolledAt = in.readLong();
            m.serviceLevelNumerator = in.nullableLong();
            m.serviceLevelDenominator = in.nullableLong();
            m.serviceLevelPercent = in.nullableDouble();
            s.media.put(key, m);
        }
        int f = in.readUnsignedShort();
        for (int i = 0; i < f; i++) {
            s.firing.put(in.string(), in.readLong());
        }
        if (version >= 2) {
            int sizes = in.readUnsignedByte();
            for (int i = 0; i < sizes; i++) {
                io.switchboard.aggregate.WindowSize size = io.switchboard.aggregate.WindowSize.values()[in.readUnsignedByte()];
                int windows = in.readUnsignedShort();
                TreeMap<Long, WindowAggregate> bySize = s.live(size);
                for (int w = 0; w < windows; w++) {
                    long start = in.readLong();
                    bySize.put(start, WindowAggregate.read(in, 1));
                }
            }
        }
        return s;
    }
}
