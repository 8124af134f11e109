package io.switchboard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import io.switchboard.core.supervise.Supervisor;

/** The serving commands' exit code: 0 when asked to stop, 1 when a supervised component failed fatally. */
class ShutdownTest {

    private final StringWriter err = new StringWriter();
    private final AtomicInteger closed = new AtomicInteger();

    @Test
    void aFatalFailureClosesTheRoleAndExitsWithOne() throws Exception {
        CompletableFuture<Supervisor.Fatal> fatal = new CompletableFuture<>();
        CompletableFuture<Integer> code = CompletableFuture.supplyAsync(() -> {
            try {
                return Shutdown.await(new CountDownLatch(1), fatal, closed::incrementAndGet, new PrintWriter(err, true));
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        assertThat(code).isNotDone();
        fatal.complete(new Supervisor.Fatal("token-table", "token-table: the reader of switchboard.tokens stopped:"
                + " TopicAuthorizationException: Not authorized to access topics: [switchboard.tokens]", null));
        assertThat(code.get(30, TimeUnit.SECONDS)).isEqualTo(Switchboard.EXIT_FAILURE);
        assertThat(closed.get()).isEqualTo(1);
        assertThat(err.toString()).contains("stopping with exit code 1").contains("Not authorized to access topics");
    }

    @Test
    void beingAskedToStopExitsWithZeroAndLeavesClosingToTheShutdownHook() throws Exception {
        CountDownLatch stopped = new CountDownLatch(1);
        stopped.countDown();
        assertThat(Shutdown.await(stopped, new CompletableFuture<>(), closed::incrementAndGet, new PrintWriter(err, true))).isZero();
        assertThat(closed.get()).isZero();
        assertThat(err.toString()).isEmpty();
    }
}
