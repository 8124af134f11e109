package io.switchboard.aggregate.internal;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

import io.switchboard.aggregate.WindowSize;
import io.switchboard.registry.serde.DeadLetterListener;

/**
 * Counters the topology's processors and its dead-letter handler update, shared by every task of
 * one application instance. The runtime exposes them as Prometheus meters; tests read them directly.
 *
 * <p>The instance travels to the processors and handlers through the Streams configuration under
 * {@link #CONFIG_KEY} (Kafka Streams hands its original configuration values to processors and
 * handlers), so {@code buildTopology(config)} stays a pure function. Without one each processor
 * counts into a private instance. Thread-safe.
 */
public final class AggregatorMetrics implements DeadLetterListener {

    /** Streams configuration key carrying the instance (not a Kafka setting; ignored by the clients). */
    public static final String CONFIG_KEY = "switchboard.aggregator.metrics";

    private final LongAdder processed = new LongAdder();
    private final LongAdder duplicates = new LongAdder();
    private final LongAdder deadLettered = new LongAdder();
    private final LongAdder retriableFailures = new LongAdder();
    private final Map<WindowSize, LongAdder> droppedLate = new EnumMap<>(WindowSize.class);
    private final AtomicLong punctuationLagMs = new AtomicLong();
    private final AtomicLong maxPunctuationLagMs = new AtomicLong();
    private final LongAdder alertsRaised = new LongAdder();
    private final LongAdder alertsCleared = new LongAdder();

    public AggregatorMetrics() {
        for (WindowSize size : WindowSize.values()) {
            droppedLate.put(size, new LongAdder());
        }
    }

    /** The instance in a Streams configuration map, or a new private one. */
    public static AggregatorMetrics from(Map<String, ?> configs) {
        Object m = configs == null ? null : configs.get(CONFIG_KEY);
        return m instanceof AggregatorMetrics metrics ? metrics : new AggregatorMetrics();
    }

    void processed() {
        processed.increment();
    }

    void duplicate() {
        duplicates.increment();
    }

    void droppedLate(WindowSize size) {
        droppedLate.get(size).increment();
    }

    /** Counts a dead letter (told by the shared dead-letter handlers, {@link DeadLetterListener}). */
    @Override
    public void deadLettered(String topic, int partition, long offset, Exception cause) {
        deadLettered.increment();
    }

    /** Counts a record left for a retry after a retriable failure. */
    @Override
    public void retriableFailure(String topic, int partition, long offset, Exception cause) {
        retriableFailures.increment();
    }

    void punctuationLag(long ms) {
        long lag = Math.max(0, ms);
        punctuationLagMs.set(lag);
        maxPunctuationLagMs.accumulateAndGet(lag, Math::max);
    }

    void alertRaised() {
        alertsRaised.increment();
    }

    void alertCleared() {
        alertsCleared.increment();
    }

    /** QueueStat records taken in by the queue processor (duplicates and late ones included). */
    public long processedCount() {
        return processed.sum();
    }

    /** Records that repeated one already counted (same queue, media type and observation time or interval revision). */
    public long duplicateCount() {
        return duplicates.sum();
    }

    /** Records dropped for one window size because they arrived after that window's grace. */
    public long droppedLateCount(WindowSize size) {
        return droppedLate.get(size).sum();
    }

    /** Poison records written to the dead-letter topic. */
    public long deadLetteredCount() {
        return deadLettered.sum();
    }

    /** Records whose deserialization failed for a retriable reason (registry unreachable): the task failed and retries them. */
    public long retriableFailureCount() {
        return retriableFailures.sum();
    }

    /** How late the last wall-clock punctuation ran after it was due, ms. */
    public long punctuationLagMs() {
        return punctuationLagMs.get();
    }

    /** The largest punctuation lag seen, ms. */
    public long maxPunctuationLagMs() {
        return maxPunctuationLagMs.get();
    }

    /** FIRING alerts written. */
    public long alertsRaisedCount() {
        return alertsRaised.sum();
    }

    /** RESOLVED alerts written. */
    public long alertsClearedCount() {
        return alertsCleared.sum();
    }
}
