package io.switchboard.poll;

import java.time.Instant;
import java.util.List;

import io.switchboard.events.poll.PollError;
import io.switchboard.events.poll.QueueStat;

/**
 * What one poll produced. Written to Kafka in one transaction together with the job's progress.
 *
 * @param stats             records for {@code switchboard.queue-stats}, one per (queue, media type[, interval])
 * @param errors            records for {@code switchboard.poll-errors} (vendor errors, unreadable answers)
 * @param closedIntervalEnd end of the newest closed vendor interval this poll fetched completely, or {@code null}
 *                          (point-in-time endpoints, or nothing fetched): becomes the job's progress
 * @param vendorRequests    HTTP requests sent to the vendor for this poll, retries included
 */
public record PollOutcome(List<QueueStat> stats, List<PollError> errors, Instant closedIntervalEnd, int vendorRequests) {

    public PollOutcome {
        stats = List.copyOf(stats);
        errors = List.copyOf(errors);
    }

    /** Whether the poll produced no error at all. */
    public boolean clean() {
        return errors.isEmpty();
    }
}
