package io.switchboard.core.supervise;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

import io.switchboard.core.SwitchboardException;

class SupervisorTest {

    private static final Backoff FAST = new Backoff(Duration.ofMillis(1), Duration.ofMillis(5));

    /** A clock the test moves by hand. */
    static final class ManualClock extends Clock {
        private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-01-01T00:00:00Z"));

        void advance(Duration d) {
            now.updateAndGet(i -> i.plus(d));
        }

        @Override
        public Instant instant() {
            return now.get();
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }

    private final ManualClock clock = new ManualClock();
    private final List<String> fatals = new CopyOnWriteArrayList<>();

    private Supervisor supervisor() {
        return new Supervisor("test-role", clock, new SplittableRandom(7), (c, r, e) -> fatals.add(r));
    }

    @Test
    void retriableFailuresAreRetriedAndReportedUntilTheLoopRecovers() {
        try (Supervisor s = supervisor()) {
            AtomicInteger calls = new AtomicInteger();
            AtomicInteger failUntil = new AtomicInteger(Integer.MAX_VALUE);
            s.loop("reader", FAST, () -> {
                int n = calls.incrementAndGet();
                if (n < failUntil.get()) {
                    throw new IOException("broker 127.0.0.1:9092 does not answer");
                }
            });
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(s.readiness().reason())
                    .contains("reader: RETRYING: IOException: broker 127.0.0.1:9092 does not answer"));
            assertThat(s.readiness().up()).isFalse();
            failUntil.set(calls.get() + 3);
            await().atMost(Duration.ofSeconds(30)).until(() -> s.readiness().up());
            assertThat(fatals).isEmpty();
            assertThat(s.fatal()).isNotDone();
        }
    }

    @Test
    void aFatalFailureStopsTheLoopTurnsReadinessDownAndCallsTheHandlerOnce() {
        try (Supervisor s = supervisor()) {
            AtomicInteger calls = new AtomicInteger();
            s.loop("consumer", FAST, () -> {
                calls.incrementAndGet();
                throw new IllegalStateException("record format unknown");
            });
            s.loop("other", FAST, () -> {
                throw new SwitchboardException("also fatal");
            });
            await().atMost(Duration.ofSeconds(30)).until(() -> s.fatal().isDone());
            await().atMost(Duration.ofSeconds(30)).until(() -> s.health().values().stream().noneMatch(Health::up));
            assertThat(fatals).hasSize(1);
            assertThat(s.readiness().reason()).contains("FAILED: stopped by a failure it cannot recover from");
            assertThat(calls.get()).isEqualTo(1);
        }
    }

    @Test
    void aGuardedTaskReportsItsOwnFailureInsteadOfDyingSilently() {
        try (Supervisor s = supervisor()) {
            Runnable retriable = s.guard("refresh", () -> {
                throw new SwitchboardException("registry unreachable") {
                    @Override
                    public boolean isRetriable() {
                        return true;
                    }
                };
            });
            retriable.run();
            assertThat(s.readiness().reason()).isEqualTo("refresh: RETRYING: registry unreachable");
            s.guard("refresh", () -> { }).run();
            assertThat(s.readiness().up()).isTrue();
            s.guard("publish", () -> {
                throw new NullPointerException("bug");
            }).run();
            assertThat(fatals).containsExactly("publish: a scheduled task failed: NullPointerException: bug");
        }
    }

    @Test
    void aComponentThatStopsReportingProgressIsBehind() {
        try (Supervisor s = supervisor()) {
            Supervisor.Component c = s.component("table-reader", Duration.ofSeconds(30));
            assertThat(s.readiness().up()).isTrue();
            clock.advance(Duration.ofSeconds(31));
            assertThat(s.readiness().reason()).isEqualTo("table-reader: BEHIND: no progress for 31 s (allowed 30 s)");
            c.beat();
            assertThat(s.readiness().up()).isTrue();
            c.down("partitions not assigned yet");
            assertThat(s.readiness().reason()).isEqualTo("table-reader: partitions not assigned yet");
        }
    }

    @Test
    void backoffGrowsWithJitterAndIsCapped() {
        Backoff b = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(2));
        SplittableRandom r = new SplittableRandom(1);
        assertThat(b.delay(1, r).toMillis()).isBetween(50L, 100L);
        assertThat(b.delay(3, r).toMillis()).isBetween(200L, 400L);
        assertThat(b.delay(40, r).toMillis()).isBetween(1000L, 2000L);
    }

    @Test
    void kafkaStyleRetriableExceptionsAreRecognisedByTheirType() {
        assertThat(Failures.isRetriable(new java.util.concurrent.CompletionException(new IOException("x")))).isTrue();
        assertThat(Failures.isRetriable(new IllegalArgumentException("x"))).isFalse();
    }
}
