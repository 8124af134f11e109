package io.switchboard.poll.internal;

import java.util.concurrent.CompletableFuture;

/**
 * Writes finished polls to Kafka. The Kafka implementation is {@link TransactionalPollWriter}; scheduler unit tests use
 * an in-memory one. Thread-safe.
 */
public interface PollWriter {

    /**
     * Writes {@code result}'s records and progress together.
     *
     * @return completes once committed; fails with {@link NotOwnedException} when the job's partition moved to another
     *         poller before the poll could be written (the records are dropped: the new owner polls again), or with the
     *         fatal failure that stopped the writer
     */
    CompletableFuture<Void> write(PollResult result);
}
