package io.switchboard.token.internal;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

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

    /** A single daemon thread named {@code name}; a task's failure is only what the executor makes of it. */
    static Tasks singleThread(String name) {
        return singleThread(name, UnaryOperator.identity());
    }

    /**
     * A single daemon thread named {@code name} whose every task runs wrapped by {@code guard}, e.g.
     * {@code task -> supervisor.guard("refresh-scheduler", task)}, so that each task catches and reports its own
     * failure (a {@link ScheduledExecutorService} would swallow it silently).
     */
    static Tasks singleThread(String name, UnaryOperator<Runnable> guard) {
        ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
        return new ExecutorTasks(executor, guard);
    }

    /** {@link Tasks} on a {@link ScheduledExecutorService}, every task wrapped by {@code guard}. */
    record ExecutorTasks(ScheduledExecutorService executor, UnaryOperator<Runnable> guard) implements Tasks, AutoCloseable {

        @Override
        public void execute(Runnable task) {
            if (!executor.isShutdown()) {
                try {
                    executor.execute(guard.apply(task));
                } catch (RejectedExecutionException e) {
                    // shut down meanwhile: the role is stopping
                }
            }
        }

        @Override
        public Cancellable schedule(Runnable task, Duration delay) {
            if (executor.isShutdown()) {
                return () -> { };
            }
            try {
                ScheduledFuture<?> f = executor.schedule(guard.apply(task), Math.max(0, delay.toMillis()), TimeUnit.MILLISECONDS);
                return () -> f.cancel(false);
            } catch (RejectedExecutionException e) {
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
