package io.switchboard.registry.serde;

/**
 * Marks an exception a processor throws for a record it rejects as invalid <em>before changing any state</em> (a
 * field out of range, a key that does not match the value): {@link DeadLetterProcessingExceptionHandler} sends that
 * record to the dead-letter queue and processing continues. Any other processing failure (a store error, a bug) is
 * not the record's fault and fails the task. Implement it on the application's own exception type, e.g.
 * {@code class InvalidQueueStatException extends SwitchboardException implements RejectedRecord}.
 */
public interface RejectedRecord {
}
