package io.switchboard.cli;

import java.util.concurrent.CountDownLatch;

/** Blocking until the JVM is asked to stop, for the roles that serve until then. */
final class Shutdown {

    private Shutdown() {
    }

    /** Blocks until the JVM is asked to stop (Ctrl-C, SIGTERM), then closes {@code resource} before it exits. */
    static void awaitThenClose(AutoCloseable resource, String threadName) throws InterruptedException {
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                resource.close();
            } catch (Exception e) {
                System.err.println("closing: " + e);
            } finally {
                stopped.countDown();
            }
        }, threadName));
        stopped.await();
    }
}
