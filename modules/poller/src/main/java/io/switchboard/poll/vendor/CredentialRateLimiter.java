package io.switchboard.poll.vendor;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * The request budget of one credential: a token bucket sized so that no window of one minute ever holds more than
 * the vendor's documented limit (Genesys: 300 requests per minute per token), however the requests are spread.
 *
 * <p>With a limit of {@code L} requests per minute the bucket holds {@code B = max(1, ceil(L / 20))} permits (a short
 * burst) and refills at {@code (L - B)} per minute, so any 60 s hold at most {@code B + (L - B) = L} requests — also
 * against a vendor that counts in fixed windows, as Genesys does. The limiter adapts to what the vendor says:
 * {@link #pauseFor} ({@code Retry-After} of a 429) stops every permit until then, {@link #observeRemaining}
 * ({@code x-ratelimit-remaining} / {@code x-ratelimit-reset}) lowers the budget to what the vendor has left.
 *
 * <p>Permits are reservations: {@link #reserve()} never blocks, it says how long the caller must wait before sending,
 * so callers queue up fairly without polling. Time comes from a nanosecond source (virtual in tests). Thread-safe.
 */
public final class CredentialRateLimiter {

    private static final long MINUTE_NANOS = 60_000_000_000L;

    private final int limitPerMinute;
    private final double capacity;
    private final double permitsPerNano;
    private final LongSupplier nanoTime;
    private double permits;
    private long lastNanos;
    private long pausedUntilNanos;
    private long delayedReservations;
    private long totalDelayNanos;

    private CredentialRateLimiter(int limitPerMinute, LongSupplier nanoTime) {
        if (limitPerMinute < 0) {
            throw new IllegalArgumentException("requests per minute must be >= 0 (0 = no limit), was " + limitPerMinute);
        }
        this.limitPerMinute = limitPerMinute;
        this.nanoTime = nanoTime;
        this.capacity = limitPerMinute == 0 ? 0 : Math.max(1, Math.ceil(limitPerMinute / 20.0));
        this.permitsPerNano = limitPerMinute == 0 ? 0 : (limitPerMinute - capacity) / MINUTE_NANOS;
        this.permits = capacity;
        this.lastNanos = nanoTime.getAsLong();
        this.pausedUntilNanos = lastNanos;
    }

    /**
     * A limiter of {@code requestsPerMinute} (0 = unlimited: every reservation is immediate).
     *
     * @param nanoTime monotonic nanoseconds, {@code System::nanoTime} in production
     */
    public static CredentialRateLimiter perMinute(int requestsPerMinute, LongSupplier nanoTime) {
        return new CredentialRateLimiter(requestsPerMinute, nanoTime);
    }

    /** The configured limit per minute (0 = unlimited). */
    public int limitPerMinute() {
        return limitPerMinute;
    }

    /**
     * Takes one permit.
     *
     * @return how long the caller must wait before sending the request ({@link Duration#ZERO}: send now)
     */
    public synchronized Duration reserve() {
        if (limitPerMinute == 0) {
            return Duration.ZERO;
        }
        long now = refill();
        permits -= 1;
        long waitNanos = Math.max(0, pausedUntilNanos - now);
        if (permits < 0) {
            // Permits are taken in order: a deficit is refilled at the bucket's rate, which starts after any pause.
            waitNanos += (long) Math.ceil(-permits / permitsPerNano);
        }
        if (waitNanos > 0) {
            delayedReservations++;
            totalDelayNanos += waitNanos;
        }
        return Duration.ofNanos(waitNanos);
    }

    /**
     * Gives up the burst: no permit is left now, the next ones come at the refill rate. For a credential that has just
     * moved here from another poller, which may have used the burst in the current minute: with the previous owner's
     * at most {@code B + (L - B) * t1} requests and this one's {@code (L - B) * t2} ({@code t1 + t2 <= 60 s}), no window of
     * a minute holds more than {@code L} across the handover.
     */
    public synchronized void drain() {
        if (limitPerMinute == 0) {
            return;
        }
        refill();
        permits = Math.min(permits, 0);
    }

    /** The vendor asked to wait ({@code Retry-After}): no permit is granted before {@code delay} from now. */
    public synchronized void pauseFor(Duration delay) {
        if (limitPerMinute == 0 || delay.isNegative() || delay.isZero()) {
            return;
        }
        long now = refill();
        pausedUntilNanos = Math.max(pausedUntilNanos, now + delay.toNanos());
        permits = Math.min(permits, 0);
    }

    /**
     * The vendor said how many requests it still accepts ({@code x-ratelimit-remaining}) until its window resets
     * ({@code x-ratelimit-reset}): the budget shrinks to that; none left pauses until the reset.
     *
     * @param untilReset time until the vendor's window resets, or {@code null} when unknown
     */
    public synchronized void observeRemaining(long remaining, Duration untilReset) {
        if (limitPerMinute == 0 || remaining < 0) {
            return;
        }
        refill();
        if (remaining == 0 && untilReset != null) {
            pauseFor(untilReset);
        } else {
            permits = Math.min(permits, remaining);
        }
    }

    /** Permits available now (negative when reservations are queued); the configured limit when unlimited. */
    public synchronized double available() {
        if (limitPerMinute == 0) {
            return Double.POSITIVE_INFINITY;
        }
        long now = refill();
        return now < pausedUntilNanos ? Math.min(0, permits) : permits;
    }

    /** How many reservations had to wait so far. */
    public synchronized long delayedReservations() {
        return delayedReservations;
    }

    /** The sum of every wait handed out so far. */
    public synchronized Duration totalDelay() {
        return Duration.ofNanos(totalDelayNanos);
    }

    private long refill() {
        long now = nanoTime.getAsLong();
        if (now > lastNanos) {
            // No refill while paused: the vendor's window is closed.
            long from = Math.max(lastNanos, Math.min(now, pausedUntilNanos));
            if (now > from) {
                permits = Math.min(capacity, permits + (now - from) * permitsPerNano);
            }
            lastNanos = now;
        }
        return now;
    }

    @Override
    public synchronized String toString() {
        return "CredentialRateLimiter[" + limitPerMinute + "/min, burst " + (long) capacity + "]";
    }
}
