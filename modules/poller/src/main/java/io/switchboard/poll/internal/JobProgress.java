package io.switchboard.poll.internal;

import java.time.Instant;

import io.switchboard.events.poll.PollProgress;

/**
 * Where a job stands, as read from {@code poll-progress} when its partition is assigned and kept by the scheduler.
 * Immutable.
 *
 * @param pollSequence          sequence of the last committed poll (0 = never polled)
 * @param scheduledAt           its slot, or {@code null}
 * @param lastClosedIntervalEnd end of the newest closed interval fetched, or {@code null}
 * @param lastSuccessAt         when a poll last came back without errors, or {@code null}
 */
public record JobProgress(long pollSequence, Instant scheduledAt, Instant lastClosedIntervalEnd, Instant lastSuccessAt) {

    /** A job that was never polled. */
    public static final JobProgress NONE = new JobProgress(0, null, null, null);

    /** From the record on the topic. */
    public static JobProgress of(PollProgress p) {
        return new JobProgress(p.getPollSequence(), p.getScheduledAt(), p.getLastClosedIntervalEnd(), p.getLastSuccessAt());
    }
}
