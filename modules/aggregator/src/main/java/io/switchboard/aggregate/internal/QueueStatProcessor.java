package io.switchboard.aggregate.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.internals.InternalProcessorContext;
import org.apache.kafka.streams.processor.internals.ProcessorNode;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.streams.state.internals.CachingKeyValueStore;
import org.apache.kafka.streams.state.internals.WrappedStateStore;

import io.switchboard.aggregate.AggregatorConfig;
import io.switchboard.aggregate.AggregatorTopology;
import io.switchboard.aggregate.InvalidQueueStatException;
import io.switchboard.aggregate.WindowSize;
import io.switchboard.events.aggregate.QueueAlert;
import io.switchboard.events.aggregate.QueueWindowStats;
import io.switchboard.events.poll.QueueStat;

/**
 * The per-queue part of the aggregator: folds each {@link QueueStat} into the queue's state (the
 * snapshot), its 1m/15m/1h windows and its alert rules, and forwards what changed: a
 * {@code QueueSnapshot}, {@link QueueWindowStats} per window size and {@link QueueAlert}s; every
 * {@code tenantSummary.interval} (wall clock) it also forwards, for each tenant whose queues changed,
 * a {@link TenantPartial} (key = credential id): the roll-up of the tenant's queues in this task.
 *
 * <p>Snapshots leave once per queue and commit: the queue state's store has Streams' record cache, and
 * the snapshot of a changed queue is forwarded when the cache writes its state to the store and the
 * changelog (before every commit, or on eviction), so it is in the same transaction as the state.
 *
 * <p>Windows that can still change (their end plus grace not reached) live in the queue's state, so
 * a record updates one store entry; a window moves to its window store ({@code queue-windows-<size>})
 * once final, when the queue's next record finds it so. The query API reads both.
 *
 * <p>Time: windows and lateness run on <em>stream time</em> (the newest {@code observedAt} this task
 * has seen; a record for a window that ended more than the grace before it is dropped for that
 * window size and counted). Staleness runs on the <em>wall clock</em>: a {@code WALL_CLOCK_TIME}
 * punctuator every {@code staleness.checkInterval} compares each queue's {@code updatedAt} (poll
 * time) with the punctuation timestamp, and {@code ageMs} uses {@link ProcessorContext#currentSystemTimeMs()};
 * both come from the system clock in production and from the {@code TopologyTestDriver}'s mock
 * clock in tests, so no test reads the real clock.
 *
 * <p>Duplicates: a point-in-time record with the same queue, media type and {@code observedAt} as
 * one already folded (a retried poll) is dropped and counted: the queue state knows the newest
 * time per media type, each window the times it folded ({@link WindowAggregate}), so out-of-order
 * duplicates count once too. Interval records keep their latest revision per interval.
 */
public final class QueueStatProcessor implements Processor<String, QueueStat, String, Object> {

    private final AggregatorConfig config;
    private final long staleAfterMs;
    private final AlertEvaluator alerts;
    private final Map<WindowSize, Long> graceMs = new EnumMap<>(WindowSize.class);
    /** Tenants whose queues changed since the partials were last sent (a hash set: added to for every record; sorted when sent). */
    private final java.util.Set<String> dirtyTenants = new java.util.HashSet<>();
    /** Decoded states of recently seen queues, so a record does not decode its queue's state again. */
    private final Map<String, QueueState> recent = new java.util.LinkedHashMap<>(1024, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, QueueState> eldest) {
            return size() > RECENT_STATES;
        }
    };
    /** Queue states kept decoded per task. */
    static final int RECENT_STATES = 5_000;
    /**
     * The keys of this task's queues by tenant (credential id), so the punctuators visit them without
     * iterating the store, which would decode every state again (most are in {@link #recent}).
     */
    private final Map<String, java.util.SortedSet<String>> queuesByTenant = new java.util.TreeMap<>();

    /** ISO text of recent window starts: formatting an {@code Instant} costs more than the rest of a window's key. */
    private final Map<Long, String> startText = new java.util.LinkedHashMap<>(64, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, String> eldest) {
            return size() > 256;
        }
    };

    /**
     * Queues whose snapshot is due: written to the snapshot topic when the record cache of
     * {@code queue-state} hands their entry on (at the latest when the task commits; see {@link #onStateFlushed}).
     */
    private final java.util.Set<String> snapshotDue = new java.util.HashSet<>();
    private final Deserializer<QueueState> stateDecoder = QueueState.serde().deserializer();
    /** Whether snapshots leave with the cache flush (false only when the store has no record cache). */
    private boolean snapshotsOnFlush;

    private ProcessorContext<String, Object> context;
    private KeyValueStore<String, QueueState> queues;
    private final Map<WindowSize, WindowStore<String, WindowAggregate>> windows = new EnumMap<>(WindowSize.class);
    private WindowStore<String, QueueAlert> alertHistory;
    private AggregatorMetrics metrics;
    private long lastPunctuation = -1;

    public QueueStatProcessor(AggregatorConfig config) {
        this.config = config;
        this.staleAfterMs = config.staleAfter().toMillis();
        this.alerts = new AlertEvaluator(config.alertRules());
        for (WindowSize size : WindowSize.values()) {
            graceMs.put(size, config.grace(size).toMillis());
        }
    }

    @Override
    public void init(ProcessorContext<String, Object> context) {
        this.context = context;
        // (re)initialised after a failure or a move: the store is the truth, forget every decoded copy
        recent.clear();
        queuesByTenant.clear();
        snapshotDue.clear();
        this.queues = context.getStateStore(AggregatorTopology.QUEUE_STORE);
        this.snapshotsOnFlush = listenToStateFlushes();
        for (WindowSize size : WindowSize.values()) {
            windows.put(size, context.getStateStore(AggregatorTopology.windowStore(size)));
        }
        this.alertHistory = context.getStateStore(AggregatorTopology.ALERT_HISTORY_STORE);
        this.metrics = AggregatorMetrics.from(context.appConfigs());
        Duration every = config.staleCheckInterval();
        context.schedule(every, PunctuationType.WALL_CLOCK_TIME, this::checkStaleness);
        context.schedule(config.tenantSummaryInterval(), PunctuationType.WALL_CLOCK_TIME, this::sendTenantPartials);
        // after a restart or a move the tenant task may lack this task's partials: send them all once
        try (KeyValueIterator<String, QueueState> it = queues.all()) {
            while (it.hasNext()) {
                KeyValue<String, QueueState> kv = it.next();
                dirtyTenants.add(kv.value.credentialId);
                index(kv.key, kv.value.credentialId);
            }
        }
    }

    private void index(String key, String credentialId) {
        queuesByTenant.computeIfAbsent(credentialId, t -> new java.util.TreeSet<>()).add(key);
    }

    /** The state of a queue of this task: the decoded copy when there is one, else from the store. */
    private QueueState stateOf(String key) {
        QueueState state = recent.get(key);
        return state != null ? state : queues.get(key);
    }

    @Override
    public void process(Record<String, QueueStat> record) {
        metrics.processed();
        QueueStat stat = record.value();
        if (stat == null) {
            return; // a tombstone on queue-stats carries nothing to fold
        }
        String key = queueKey(record.key(), stat);
        validate(key, stat);
        String media = stat.getMediaType() == null ? QueueState.ALL_MEDIA : stat.getMediaType();
        long streamTime = Math.max(context.currentStreamTimeMs(), record.timestamp());
        long now = context.currentSystemTimeMs();

        QueueState state = recent.get(key);
        if (state == null) {
            state = queues.get(key);
        }
        if (state == null) {
            state = QueueState.first(key, stat);
        }
        boolean changed = stat.getIntervalStart() != null
                ? foldInterval(key, media, stat, state, streamTime)
                : foldObservation(key, media, stat, state, streamTime);
        boolean moved = moveFinalWindows(key, state, streamTime);
        if (!changed) {
            if (moved) {
                save(key, state);
            }
            return;
        }
        state.touch(stat, stat.getPolledAt().toEpochMilli());
        state.stale = now - state.updatedAt > staleAfterMs;
        QueueState.Totals totals = state.totals(staleAfterMs);
        List<QueueAlert> raised = alerts.evaluate(state, totals, stat.getObservedAt().toEpochMilli(), now, false);
        snapshotDue(key);
        save(key, state);
        emit(key, state, totals, raised, record.timestamp(), now);
    }

    /**
     * Hands the snapshots of {@code queue-state}'s record cache entries on as the cache writes them to
     * the store and its changelog: when the task commits (Streams flushes the caches before it ends the
     * transaction, so the snapshots are in the same transaction as the state and the input offsets) or
     * when the cache evicts an entry. A queue updated n times within one commit interval then costs one
     * changelog record and one snapshot instead of n of each. The DSL's cached KTables forward the same
     * way; Kafka Streams has no public API for it, so this uses its internal listener (Kafka 4.3).
     * Returns false (snapshots forwarded per record) when the store has no cache.
     */
    private boolean listenToStateFlushes() {
        if (!(queues instanceof WrappedStateStore<?, ?, ?> wrapped) || !(context instanceof InternalProcessorContext<?, ?> internal)) {
            return false;
        }
        CachingKeyValueStore caching = wrapped.findInner(CachingKeyValueStore.class);
        if (caching == null) {
            return false;
        }
        ProcessorNode<?, ?, ?, ?> self = internal.currentNode();
        return caching.setFlushListener(flushed -> {
            ProcessorNode<?, ?, ?, ?> previous = internal.currentNode();
            internal.setCurrentNode(self); // the cache flushes at commit, outside any processor
            try {
                onStateFlushed(new String(flushed.key(), java.nio.charset.StandardCharsets.UTF_8), flushed.value().newValue,
                        flushed.timestamp());
            } finally {
                internal.setCurrentNode(previous);
            }
        }, false);
    }

    private void onStateFlushed(String key, byte[] value, long timestamp) {
        if (value == null || !snapshotDue.remove(key)) {
            return; // a put that changed no snapshot (windows moved to their stores)
        }
        QueueState state = recent.get(key); // the decoded copy is the value just flushed (every change is put)
        if (state == null) {
            state = stateDecoder.deserialize(AggregatorTopology.QUEUE_STORE, value);
        }
        long now = context.currentSystemTimeMs();
        context.forward(new Record<>(key, (Object) state.toSnapshot(now, state.totals(staleAfterMs)), timestamp),
                AggregatorTopology.SNAPSHOT_ROUTE);
    }

    /** Before the put: a cache without room flushes the entry during the put itself. */
    private void snapshotDue(String key) {
        if (snapshotsOnFlush) {
            snapshotDue.add(key);
        }
    }

    private void save(String key, QueueState state) {
        queues.put(key, state);
        if (recent.put(key, state) == null) {
            index(key, state.credentialId);
        }
    }

    /**
     * The queue's key, credentialId/queueId: the record's key when it is that (as pollers write it; checked without
     * building the string again), else an error naming what the key should have been.
     */
    private static String queueKey(String key, QueueStat stat) {
        String credentialId = stat.getCredentialId();
        String queueId = stat.getQueueId();
        if (key == null) {
            return credentialId + "/" + queueId;
        }
        int slash = credentialId.length();
        if (key.length() != slash + 1 + queueId.length() || !key.startsWith(credentialId) || key.charAt(slash) != '/'
                || !key.endsWith(queueId)) {
            throw new InvalidQueueStatException("QueueStat for " + credentialId + "/" + queueId + " arrived under key '" + key
                    + "'; pollers must key switchboard.queue-stats by credentialId/queueId so one queue stays in one partition");
        }
        return key;
    }

    private static void validate(String expected, QueueStat stat) {
        boolean hasStart = stat.getIntervalStart() != null;
        boolean hasEnd = stat.getIntervalEnd() != null;
        if (hasStart != hasEnd) {
            throw new InvalidQueueStatException("QueueStat for " + expected + " has interval" + (hasStart ? "Start" : "End") + " but no interval"
                    + (hasStart ? "End" : "Start") + "; an interval record needs both, a point-in-time observation neither");
        }
        if (hasStart && !stat.getIntervalEnd().isAfter(stat.getIntervalStart())) {
            throw new InvalidQueueStatException("QueueStat for " + expected + " has intervalEnd " + stat.getIntervalEnd()
                    + " not after intervalStart " + stat.getIntervalStart());
        }
        nonNegative(expected, stat.getWaiting());
        nonNegative(expected, stat.getInteracting());
        nonNegative(expected, stat.getLongestWaitingMs());
        nonNegative(expected, stat.getAgentsOnQueue());
        nonNegative(expected, stat.getAgentsAvailable());
        nonNegative(expected, stat.getAgentsLoggedIn());
        nonNegative(expected, stat.getOffered());
        nonNegative(expected, stat.getAnswered());
        nonNegative(expected, stat.getAbandoned());
    }

    private static void nonNegative(String queue, Long v) {
        if (v != null && v < 0) {
            throw new InvalidQueueStatException("QueueStat for " + queue + " has a negative count (" + v
                    + "); counts the vendor does not report must be null");
        }
    }

    private boolean foldObservation(String key, String media, QueueStat stat, QueueState state, long streamTime) {
        long t = stat.getObservedAt().toEpochMilli();
        long polledAt = stat.getPolledAt().toEpochMilli();
        QueueState.MediaState ms = state.media(media);
        if (ms != null && ms.hasObservation() && t == ms.observedAt) {
            metrics.duplicate();
            return false;
        }
        WindowAggregate.Observation obs = WindowAggregate.Observation.of(stat);
        boolean inWindow = false;
        boolean open = false;
        for (WindowSize size : WindowSize.values()) {
            long start = size.windowStart(t);
            if (start + size.millis() + graceMs.get(size) <= streamTime) {
                metrics.droppedLate(size);
                continue;
            }
            open = true;
            WindowAggregate agg = state.live(size).computeIfAbsent(start, s -> new WindowAggregate());
            if (stat.getQueueName() != null) {
                agg.queueName = stat.getQueueName();
            }
            if (agg.addObservation(t, media, obs)) {
                forwardWindow(key, stat, size, start, agg);
                inWindow = true;
            }
        }
        boolean newer = ms == null || !ms.hasObservation() || t > ms.observedAt;
        if (newer) {
            QueueState.MediaState m = state.mediaOrNew(media);
            m.observedAt = t;
            m.waiting = stat.getWaiting();
            m.interacting = stat.getInteracting();
            m.longestWaitingMs = stat.getLongestWaitingMs();
            m.agentsOnQueue = stat.getAgentsOnQueue();
            m.agentsAvailable = stat.getAgentsAvailable();
            m.agentsLoggedIn = stat.getAgentsLoggedIn();
            if (hasServiceLevel(stat) && t >= m.serviceLevelAt) {
                setServiceLevel(m, stat, t, polledAt);
            }
        }
        if (!newer && !inWindow && open) {
            metrics.duplicate();
        }
        return newer || inWindow;
    }

    private boolean foldInterval(String key, String media, QueueStat stat, QueueState state, long streamTime) {
        long start = stat.getIntervalStart().toEpochMilli();
        long end = stat.getIntervalEnd().toEpochMilli();
        long polledAt = stat.getPolledAt().toEpochMilli();
        String intervalKey = media + "|" + start + "|" + end;
        WindowAggregate.Interval revision = WindowAggregate.Interval.of(stat);
        boolean accepted = false;
        boolean open = false;
        for (WindowSize size : WindowSize.values()) {
            if (end - start > size.millis()) {
                continue; // an interval longer than the window says nothing about one window of this size
            }
            long windowStart = size.windowStart(start);
            if (windowStart + size.millis() + graceMs.get(size) <= streamTime) {
                metrics.droppedLate(size);
                continue;
            }
            open = true;
            WindowAggregate agg = state.live(size).computeIfAbsent(windowStart, s -> new WindowAggregate());
            if (stat.getQueueName() != null) {
                agg.queueName = stat.getQueueName();
            }
            if (agg.addInterval(intervalKey, revision)) {
                forwardWindow(key, stat, size, windowStart, agg);
                accepted = true;
            }
        }
        boolean serviceLevelChanged = false;
        if (hasServiceLevel(stat)) {
            QueueState.MediaState m = state.mediaOrNew(media);
            if (end > m.serviceLevelAt || (end == m.serviceLevelAt && polledAt > m.serviceLevelPolledAt)) {
                setServiceLevel(m, stat, end, polledAt);
                serviceLevelChanged = true;
            }
        }
        if (!accepted && open && !serviceLevelChanged) {
            metrics.duplicate();
        }
        return accepted || serviceLevelChanged;
    }

    /**
     * Moves the queue's windows whose end plus grace stream time has reached from its state to the
     * window stores, where they stay for their retention, writing each to its topic when windows are
     * emitted final. Returns whether any moved.
     */
    private boolean moveFinalWindows(String key, QueueState state, long streamTime) {
        boolean moved = false;
        for (WindowSize size : WindowSize.values()) {
            java.util.TreeMap<Long, WindowAggregate> live = state.live.get(size);
            if (live == null) {
                continue;
            }
            long grace = graceMs.get(size);
            while (!live.isEmpty() && live.firstKey() + size.millis() + grace <= streamTime) {
                Map.Entry<Long, WindowAggregate> closed = live.pollFirstEntry();
                windows.get(size).put(key, closed.getValue(), closed.getKey());
                if (!config.emitWindowUpdates()) { // windows.emit = final: the window's one record, now that it cannot change
                    QueueWindowStats stats = closed.getValue().toStats(state.credentialId, state.queueId, size, closed.getKey());
                    context.forward(new Record<>(windowKey(key, closed.getKey()), (Object) stats, closed.getKey()),
                            AggregatorTopology.windowRoute(size));
                }
                moved = true;
            }
        }
        return moved;
    }

    /** {@link AggregatorTopology#windowKey}, with the start's text cached. */
    private String windowKey(String queueKey, long windowStartMs) {
        String start = startText.computeIfAbsent(windowStartMs, ms -> java.time.Instant.ofEpochMilli(ms).toString());
        return queueKey + "@" + start;
    }

    private static boolean hasServiceLevel(QueueStat s) {
        return s.getServiceLevelPercent() != null || (s.getServiceLevelDenominator() != null && s.getServiceLevelNumerator() != null);
    }

    private static void setServiceLevel(QueueState.MediaState m, QueueStat s, long at, long polledAt) {
        m.serviceLevelAt = at;
        m.serviceLevelPolledAt = polledAt;
        m.serviceLevelNumerator = s.getServiceLevelNumerator();
        m.serviceLevelDenominator = s.getServiceLevelDenominator();
        m.serviceLevelPercent = s.getServiceLevelPercent();
    }

    private void forwardWindow(String key, QueueStat stat, WindowSize size, long windowStart, WindowAggregate agg) {
        if (config.emitWindowUpdates()) {
            QueueWindowStats stats = agg.toStats(stat.getCredentialId(), stat.getQueueId(), size, windowStart);
            context.forward(new Record<>(windowKey(key, windowStart), (Object) stats, windowStart),
                    AggregatorTopology.windowRoute(size));
        }
    }

    private void emit(String key, QueueState state, QueueState.Totals totals, List<QueueAlert> raised, long timestamp, long now) {
        for (QueueAlert alert : raised) {
            alertHistory.put(key, alert, alert.getRaisedAt().toEpochMilli());
            if (alert.getState().equals("FIRING")) {
                metrics.alertRaised();
            } else {
                metrics.alertCleared();
            }
            context.forward(new Record<>(key, (Object) alert, timestamp), AggregatorTopology.ALERT_ROUTE);
        }
        if (!snapshotsOnFlush) {
            context.forward(new Record<>(key, (Object) state.toSnapshot(now, totals), timestamp), AggregatorTopology.SNAPSHOT_ROUTE);
        }
        dirtyTenants.add(state.credentialId);
    }

    /** Sends the partial summary of every tenant whose queues changed since the last time. */
    private void sendTenantPartials(long timestamp) {
        if (dirtyTenants.isEmpty()) {
            return;
        }
        String source = context.taskId().toString();
        List<String> tenants = new ArrayList<>(dirtyTenants);
        dirtyTenants.clear();
        tenants.sort(null); // the same order on every run
        for (String tenant : tenants) {
            List<QueueState> states = new ArrayList<>();
            for (String key : queuesByTenant.getOrDefault(tenant, java.util.Collections.emptySortedSet())) {
                QueueState s = stateOf(key);
                if (s != null) {
                    states.add(s);
                }
            }
            if (!states.isEmpty()) {
                context.forward(new Record<>(tenant, (Object) TenantPartial.of(tenant, source, states, staleAfterMs), timestamp),
                        AggregatorTopology.TENANT_PARTIAL_ROUTE);
            }
        }
    }

    /** Marks queues stale (and fresh again) and checks the stale rules, on the wall clock. */
    private void checkStaleness(long timestamp) {
        if (lastPunctuation >= 0) {
            metrics.punctuationLag(timestamp - lastPunctuation - config.staleCheckInterval().toMillis());
        }
        lastPunctuation = timestamp;
        List<KeyValue<String, QueueState>> changed = new ArrayList<>();
        List<List<QueueAlert>> changedAlerts = new ArrayList<>();
        List<KeyValue<String, QueueState>> movedOnly = new ArrayList<>();
        boolean staleRules = alerts.hasStaleRules();
        long streamTime = context.currentStreamTimeMs();
        List<String> keys = new ArrayList<>();
        queuesByTenant.values().forEach(keys::addAll);
        for (String key : keys) {
            QueueState state = stateOf(key);
            if (state == null) {
                continue;
            }
            KeyValue<String, QueueState> kv = KeyValue.pair(key, state);
            // windows of queues that went quiet become final on the task's stream time too
            boolean moved = moveFinalWindows(kv.key, state, streamTime);
            boolean stale = timestamp - state.updatedAt > staleAfterMs;
            List<QueueAlert> raised = staleRules ? alerts.evaluate(state, state.totals(staleAfterMs), timestamp, timestamp, true)
                    : List.of();
            if (stale != state.stale || !raised.isEmpty()) {
                state.stale = stale;
                changed.add(kv);
                changedAlerts.add(raised);
            } else if (moved) {
                movedOnly.add(kv);
            }
        }
        for (KeyValue<String, QueueState> kv : movedOnly) {
            save(kv.key, kv.value);
        }
        for (int i = 0; i < changed.size(); i++) {
            KeyValue<String, QueueState> kv = changed.get(i);
            snapshotDue(kv.key);
            save(kv.key, kv.value);
            emit(kv.key, kv.value, kv.value.totals(staleAfterMs), changedAlerts.get(i), timestamp, timestamp);
        }
    }
}
