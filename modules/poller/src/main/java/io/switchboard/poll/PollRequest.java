package io.switchboard.poll;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * The position of one poll of a job: what the fleet side tells the vendor side.
 *
 * @param pollSequence          sequence number of this poll (previous completed poll + 1), copied into every record
 * @param scheduledAt           the slot this poll belongs to (poller clock)
 * @param lastClosedIntervalEnd end of the last closed vendor interval already fetched (from the job's progress), or
 *                              {@code null} when the job never fetched one; interval endpoints re-fetch the last few
 *                              closed intervals and backfill from here, up to {@code lookBack}
 * @param lookBack              how far back an interval endpoint may backfill after an outage
 */
public record PollRequest(long pollSequence, Instant scheduledAt, Instant lastClosedIntervalEnd, Duration lookBack) {

    public PollRequest {
        Objects.requireNonNull(scheduledAt, "scheduledAt");
        Objects.requireNonNull(lookBack, "lookBack");
    }
}
