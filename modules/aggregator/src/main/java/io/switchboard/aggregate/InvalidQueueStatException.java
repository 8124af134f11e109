package io.switchboard.aggregate;

import io.switchboard.core.SwitchboardException;
import io.switchboard.registry.serde.RejectedRecord;

/**
 * A {@code QueueStat} that decodes but cannot be aggregated (an interval with a start but no end,
 * an interval that ends before it starts, a negative count, a key that names another queue).
 * Not retriable: the aggregator sends the record to the dead-letter topic with this message and
 * goes on ({@link RejectedRecord}: the shared {@code DeadLetterProcessingExceptionHandler}); fix the poller that wrote it.
 */
public class InvalidQueueStatException extends SwitchboardException implements RejectedRecord {

    private static final long serialVersionUID = 1L;

    /** @param message what is wrong with the record and which field */
    public InvalidQueueStatException(String message) {
        super(message);
    }
}
