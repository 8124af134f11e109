package io.switchboard.poll.internal;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

/** A {@link PollWriter} for scheduler unit tests: keeps what was written; can hold writes or refuse them. */
final class InMemoryPollWriter implements PollWriter {

    record Write(PollResult result, CompletableFuture<Void> done) {
    }

    private final List<Write> writes = new CopyOnWriteArrayList<>();
    private volatile boolean hold;
    private volatile RuntimeException refuse;

    /** From now on writes complete only when the test completes them. */
    InMemoryPollWriter hold() {
        hold = true;
        return this;
    }

    /** From now on writes complete at once again. */
    InMemoryPollWriter release() {
        hold = false;
        return this;
    }

    /** From now on writes fail with {@code error}; {@code null} accepts again. */
    InMemoryPollWriter refuse(RuntimeException error) {
        refuse = error;
        return this;
    }

    List<Write> writes() {
        return List.copyOf(writes);
    }

    /** The results that were committed, in order. */
    List<PollResult> committed() {
        return writes.stream().filter(w -> w.done().isDone() && !w.done().isCompletedExceptionally()).map(Write::result).toList();
    }

    @Override
    public CompletableFuture<Void> write(PollResult result) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        writes.add(new Write(result, done));
        if (refuse != null) {
            done.completeExceptionally(refuse);
        } else if (!hold) {
            done.complete(null);
        }
        return done;
    }
}
