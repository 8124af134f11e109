package io.switchboard.cli;

import java.io.PrintWriter;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * How a long-running role command ends: it serves until the JVM is asked to stop (Ctrl-C, SIGTERM: a clean shutdown,
 * exit 0), or until one of its supervised loops fails for good (the role is closed, the reason printed, exit 1).
 */
final class RoleRun {

    private RoleRun() {
    }

    /**
     * Blocks until a stop signal or {@code fatal} completes, closing {@code role} either way.
     *
     * @param fatal completes with the reason when the role cannot go on
     * @return the exit code
     */
    static int serve(String name, AutoCloseable role, CompletableFuture<String> fatal, PrintWriter err) throws InterruptedException {
        CompletableFuture<Void> stop = new CompletableFuture<>();
        Thread hook = new Thread(() -> {
            closeQuietly(role);
            stop.complete(null);
        }, name + "-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            Object first = CompletableFuture.anyOf(stop, fatal).get();
            if (first instanceof String reason) {
                err.println(name + " stopped: " + reason);
                err.flush();
                closeQuietly(role);
                return Switchboard.EXIT_FAILURE;
            }
            return 0;
        } catch (ExecutionException e) {
            err.println(name + " stopped: " + e.getCause());
            closeQuietly(role);
            return Switchboard.EXIT_FAILURE;
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // the JVM is shutting down: the hook runs
            }
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            System.err.println("closing: " + e);
        }
    }
}
