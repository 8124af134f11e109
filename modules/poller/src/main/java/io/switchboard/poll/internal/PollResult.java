package io.switchboard.poll.internal;

import io.switchboard.events.poll.PollJob;
import io.switchboard.events.poll.PollProgress;
import io.switchboard.poll.PollOutcome;
import io.switchboard.poll.PollRequest;

/**
 * One finished poll on its way to Kafka: the records and the job's new progress, written in one transaction.
 * Immutable.
 *
 * @param job       the job polled
 * @param partition the job's partition on poll-jobs (and poll-progress)
 * @param request   the poll's sequence and slot
 * @param outcome   what the vendor answered, mapped
 * @param progress  the job's progress once this poll is committed
 */
public record PollResult(PollJob job, int partition, PollRequest request, PollOutcome outcome, PollProgress progress) {
}
