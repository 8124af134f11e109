package io.switchboard.poll.vendor;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

/** The token bucket on a virtual clock: no minute ever holds more than the limit, and the vendor's hints are obeyed. */
class CredentialRateLimiterTest {

    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);

    private void advance(Duration d) {
        nanos.addAndGet(d.toNanos());
    }

    /** Sends greedily for {@code total}: each request goes out as soon as its reservation allows. Returns send times. */
    private List<Long> sendGreedily(CredentialRateLimiter limiter, Duration total) {
        List<Long> sentAt = new ArrayList<>();
        long end = nanos.get() + total.toNanos();
        while (nanos.get() < end) {
            Duration wait = limiter.reserve();
            advance(wait);
            sentAt.add(nanos.get());
        }
        return sentAt;
    }

    private static int maxInAnyWindow(List<Long> times, Duration window) {
        Deque<Long> inWindow = new ArrayDeque<>();
        int max = 0;
        for (long t : times) {
            inWindow.addLast(t);
            while (inWindow.peekFirst() <= t - window.toNanos()) {
                inWindow.removeFirst();
            }
            max = Math.max(max, inWindow.size());
        }
        return max;
    }

    @Test
    void genesysBudgetNeverPutsMoreThan300RequestsInAnyMinute() {
        CredentialRateLimiter limiter = CredentialRateLimiter.perMinute(300, nanos::get);
        List<Long> sent = sendGreedily(limiter, Duration.ofMinutes(10));

        assertThat(maxInAnyWindow(sent, Duration.ofMinutes(1))).isLessThanOrEqualTo(300).isGreaterThan(280);
        // 15 permits of burst, then 285 per minute
        assertThat(sent).hasSizeBetween(2_850, 2_866);
        assertThat(limiter.delayedReservations()).isEqualTo(sent.size() - 15L);
    }

    /**
     * A credential handed from one poller to another: the old owner sends greedily (burst, then paced), the new one
     * starts with a fresh limiter. Without {@link CredentialRateLimiter#drain()} the two bursts put more than the limit
     * into the minute around the handover; drained, no minute holds more than the limit, whenever the handover comes.
     */
    @Test
    void aCredentialThatMovesBetweenPollersKeepsItsLimitWhenTheNewOwnerDrainsTheBurst() {
        for (long handoverMs : new long[] {0, 1, 700, 2_100, 30_000, 59_999}) {
            for (boolean drain : new boolean[] {false, true}) {
                nanos.set(1_000_000_000L);
                CredentialRateLimiter old = CredentialRateLimiter.perMinute(30, nanos::get);
                List<Long> sent = new ArrayList<>(sendGreedily(old, Duration.ofSeconds(30).plusMillis(handoverMs)));
                CredentialRateLimiter next = CredentialRateLimiter.perMinute(30, nanos::get);
                if (drain) {
                    next.drain();
                }
                sent.addAll(sendGreedily(next, Duration.ofMinutes(2)));
                int worst = maxInAnyWindow(sent, Duration.ofMinutes(1));
                if (drain) {
                    assertThat(worst).as("handover after %d ms, drained", handoverMs).isLessThanOrEqualTo(30);
                } else if (handoverMs == 0) {
                    assertThat(worst).as("handover with a fresh burst").isGreaterThan(30);
                }
            }
        }
    }

    @Test
    void aBurstIsServedAtOnceAndTheRestIsPacedInOrder() {
        CredentialRateLimiter limiter = CredentialRateLimiter.perMinute(60, nanos::get); // burst 3, then 57/min
        List<Duration> waits = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            waits.add(limiter.reserve());
        }
        assertThat(waits.subList(0, 3)).containsOnly(Duration.ZERO);
        Duration step = Duration.ofNanos((long) Math.ceil(60e9 / 57));
        assertThat(waits.get(3)).isEqualTo(step);
        assertThat(waits.get(5).toNanos()).isBetween(3 * step.toNanos() - 3, 3 * step.toNanos() + 3);
        assertThat(limiter.available()).isLessThan(0);
    }

    @Test
    void retryAfterStopsEveryPermitUntilItHasPassed() {
        CredentialRateLimiter limiter = CredentialRateLimiter.perMinute(300, nanos::get);
        limiter.pauseFor(Duration.ofSeconds(5));
        Duration wait = limiter.reserve();
        assertThat(wait).isGreaterThanOrEqualTo(Duration.ofSeconds(5));
        advance(Duration.ofSeconds(4));
        assertThat(limiter.available()).isLessThanOrEqualTo(0);
        advance(wait.minusSeconds(4));
        // after the pause the bucket refills at its rate again
        advance(Duration.ofSeconds(1));
        assertThat(limiter.reserve()).isEqualTo(Duration.ZERO);
    }

    @Test
    void xRateLimitRemainingShrinksTheBudgetAndZeroPausesUntilTheReset() {
        CredentialRateLimiter limiter = CredentialRateLimiter.perMinute(600, nanos::get); // burst 30
        limiter.observeRemaining(2, Duration.ofSeconds(30));
        assertThat(limiter.reserve()).isEqualTo(Duration.ZERO);
        assertThat(limiter.reserve()).isEqualTo(Duration.ZERO);
        assertThat(limiter.reserve()).isGreaterThan(Duration.ZERO);

        CredentialRateLimiter empty = CredentialRateLimiter.perMinute(600, nanos::get);
        empty.observeRemaining(0, Duration.ofSeconds(30));
        assertThat(empty.reserve()).isGreaterThanOrEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void zeroMeansNoLimit() {
        CredentialRateLimiter limiter = CredentialRateLimiter.perMinute(0, nanos::get);
        for (int i = 0; i < 10_000; i++) {
            assertThat(limiter.reserve()).isEqualTo(Duration.ZERO);
        }
        limiter.pauseFor(Duration.ofMinutes(1));
        assertThat(limiter.reserve()).isEqualTo(Duration.ZERO);
        assertThat(limiter.delayedReservations()).isZero();
    }

    @Test
    void aSmallLimitStillHoldsInEveryWindow() {
        CredentialRateLimiter limiter = CredentialRateLimiter.perMinute(7, nanos::get); // burst 1, then 6/min
        List<Long> sent = sendGreedily(limiter, Duration.ofMinutes(30));
        assertThat(maxInAnyWindow(sent, Duration.ofMinutes(1))).isLessThanOrEqualTo(7);
        assertThat(sent).hasSizeBetween(180, 182);
    }
}
