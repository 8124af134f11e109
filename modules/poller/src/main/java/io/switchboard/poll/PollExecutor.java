package io.switchboard.poll;

import java.util.concurrent.CompletableFuture;

import io.switchboard.events.poll.PollJob;

/**
 * Runs one poll of one job against its vendor: the HTTP calls (batched as the vendor allows, within the credential's
 * rate limit, with the token from the token table) and the mapping of the answers to {@code QueueStat} records.
 *
 * <p>The contract between the fleet side of a poller (assignment, scheduling, transactions) and the vendor side:
 * <ul>
 *   <li>a vendor's error is data: it comes back as {@link PollOutcome#errors()} (with whatever records the other
 *       requests of the poll produced), never as a failed future;</li>
 *   <li>the future fails only when the poll could not be attempted for a reason outside the vendor (the executor was
 *       closed, a bug), with a {@link io.switchboard.core.SwitchboardException} that says whether it is retriable;</li>
 *   <li>at most one poll of a job is in flight at a time — the caller guarantees it; the executor may run polls of
 *       different jobs concurrently.</li>
 * </ul>
 * Thread-safe.
 */
public interface PollExecutor extends AutoCloseable {

    /**
     * Polls {@code job} once.
     *
     * @param job     what to fetch
     * @param request the sequence number and interval position of this poll
     * @return the records and errors of this poll; never fails for a vendor error
     */
    CompletableFuture<PollOutcome> poll(PollJob job, PollRequest request);

    /**
     * This poller has just taken over {@code credentialId} (its partition was assigned here and its jobs are about to
     * start). The credential's next requests must start without a burst: the poller that had it may have spent the
     * burst within the current minute, and the vendor counts the credential's requests, not the poller's. Called before
     * the credential's jobs start; the default does nothing (executors without a rate limit).
     */
    default void credentialAcquired(String credentialId) {
    }

    /** Stops accepting polls and releases HTTP clients; polls in flight complete or fail. */
    @Override
    void close();
}
