package io.switchboard.poll.internal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The single thread the scheduler's job state lives on, and its clock: work is {@linkplain #execute submitted} or
 * {@linkplain #schedule scheduled} here, never run concurrently. An interface so the scheduling logic is tested on a
 * virtual clock with tasks run by hand (as the token manager's {@code Tasks} seam is).
 */
public interface PollTasks {

    /** A scheduled task that can be cancelled. */
    interface Cancellable {
        /** Cancels the task if it has not run yet. */
        void cancel();
    }

    /** The time now on this seam's clock. */
    Instant now();

    /** Runs {@code task} on the state thread, after the tasks already submitted. */
    void execute(Runnable task);

    /** Runs {@code task} on the state thread after {@code delay} (at once when not positive). */
    Cancellable schedule(Runnable task, Duration delay);

    /** One daemon thread named {@code name} on {@code clock}. */
    static ExecutorPollTasks singleThread(String name, Clock clock) {
        ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
        return new ExecutorPollTasks(executor, clock);
    }

    /** {@link PollTasks} on a {@link ScheduledExecutorService}. Tasks submitted after {@link #close()} are dropped. */
    record ExecutorPollTasks(ScheduledExecutorService executor, Clock clock) implements PollTasks, AutoCloseable {

        @Override
        public Instant now() {
            return clock.instant();
        }

        @Override
        public void execute(Runnable task) {
            try {
                executor.execute(task);
            } catch (java.util.concurrent.RejectedExecutionException closed) {
                // shutting down
            }
        }

        @Override
        public Cancellable schedule(Runnable task, Duration delay) {
            try {
                ScheduledFuture<?> f = executor.schedule(task, Math.max(0, delay.toMillis()), TimeUnit.MILLISECONDS);
                return () -> f.cancel(false);
            } catch (java.util.concurrent.RejectedExecutionException closed) {
                return () -> { };
            }
        }

        @Override
        public void close() {
            executor.shutdownNow();
            try {
                executor.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
