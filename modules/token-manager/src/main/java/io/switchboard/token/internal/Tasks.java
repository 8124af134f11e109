package io.switchboard.token.internal;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The single thread all credential state lives on: work is {@linkplain #execute submitted} or
 * {@linkplain #schedule scheduled} here, never run concurrently. An interface so unit tests of the
 * scheduling logic can run tasks by hand on a virtual clock.
 */
public interface Tasks {

    /** A scheduled task that can be cancelled. */
    interface Cancellable {
        void cancel();
    }

    /** Runs {@code task} on the state thread, after the tasks already submitted. */
    void execute(Runnable task);

    /** Runs {@code task} on the state thread after {@code delay}. */
    Cancellable schedule(Runnable task, Duration delay);

    /** A single daemon thread named {@code name}. */
    static Tasks singleThread(String name) {
        ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
        return new ExecutorTasks(executor);
    }

    /** {@link Tasks} on a {@link ScheduledExecutorService}. */
    record ExecutorTasks(ScheduledExecutorService executor) implements Tasks, AutoCloseable {

        @Override
        public void execute(Runnable task) {
            if (!executor.isShutdown()) {
                executor.execute(task);
            }
        }

        @Override
        public Cancellable schedule(Runnable task, Duration delay) {
            if (executor.isShutdown()) {
                return () -> { };
            }
            ScheduledFuture<?> f = executor.schedule(task, Math.max(0, delay.toMillis()), TimeUnit.MILLISECONDS);
            return () -> f.cancel(false);
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
