package io.switchboard.cli;

import java.io.PrintWriter;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;

import io.switchboard.core.supervise.Supervisor;

/** Blocking until the JVM is asked to stop or the role fails, for the roles that serve until then. */
final class Shutdown {

    private Shutdown() {
    }

    /** Blocks until the JVM is asked to stop (Ctrl-C, SIGTERM), then closes {@code resource} before it exits. */
    static void awaitThenClose(AutoCloseable resource, String threadName) throws InterruptedException {
        awaitStopOrFatal(resource, new CompletableFuture<>(), threadName, new PrintWriter(System.err, true));
    }

    /**
     * Blocks until the JVM is asked to stop (then closes {@code resource} in the shutdown hook and returns 0) or
     * until {@code fatal} completes — a supervised component failed and the role cannot go on: then prints the reason
     * to {@code err}, closes {@code resource} and returns {@link Switchboard#EXIT_FAILURE} (1), for the command to
     * return as the process's exit code.
     */
    static int awaitStopOrFatal(AutoCloseable resource, CompletableFuture<Supervisor.Fatal> fatal, String threadName, PrintWriter err)
            throws InterruptedException {
        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            close(resource, err);
            stopped.countDown();
        }, threadName);
        Runtime.getRuntime().addShutdownHook(hook);
        int code = await(stopped, fatal, resource, err);
        if (code != 0) {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the JVM is stopping anyway; the hook closes (again, idempotently)
            }
        }
        return code;
    }

    /** The decision of {@link #awaitStopOrFatal} without the shutdown hook: 0 after {@code stopped}, 1 after {@code fatal}. */
    static int await(CountDownLatch stopped, CompletableFuture<Supervisor.Fatal> fatal, AutoCloseable resource, PrintWriter err)
            throws InterruptedException {
        fatal.whenComplete((f, e) -> stopped.countDown());
        stopped.await();
        Supervisor.Fatal failure = fatal.isDone() && !fatal.isCompletedExceptionally() ? fatal.getNow(null) : null;
        if (failure == null) {
            return 0;
        }
        err.println("stopping with exit code " + Switchboard.EXIT_FAILURE + ": " + failure.reason());
        err.flush();
        close(resource, err);
        return Switchboard.EXIT_FAILURE;
    }

    private static void close(AutoCloseable resource, PrintWriter err) {
        try {
            resource.close();
        } catch (Exception e) {
            err.println("closing: " + e);
            err.flush();
        }
    }
}
