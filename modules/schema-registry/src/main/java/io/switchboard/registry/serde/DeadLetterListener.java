package io.switchboard.registry.serde;

/**
 * Told by the dead-letter handlers ({@link DeadLetterDeserializationExceptionHandler},
 * {@link DeadLetterProcessingExceptionHandler}) what they did with a failed record, so that an application counts
 * them in its own metrics (per application, where the handlers' own counters are per JVM). Pass an instance in the
 * Streams properties under {@value #CONFIG}; Kafka Streams hands it to the handlers' {@code configure}.
 * Implementations must be thread-safe: every stream thread calls them.
 */
public interface DeadLetterListener {

    /** The Streams property that holds the listener (an object, not a class name). */
    String CONFIG = "switchboard.dlq.listener";

    /** A poison record was handed to the dead-letter queue. */
    default void deadLettered(String topic, int partition, long offset, Exception cause) {
    }

    /** A record failed for a retriable reason and is left for a retry (the task fails; nothing is skipped). */
    default void retriableFailure(String topic, int partition, long offset, Exception cause) {
    }

    /** The listener of {@code configs}, or a no-op one. */
    static DeadLetterListener from(java.util.Map<String, ?> configs) {
        Object l = configs.get(CONFIG);
        return l instanceof DeadLetterListener listener ? listener : new DeadLetterListener() { };
    }
}
