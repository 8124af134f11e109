package io.switchboard.core.supervise;

import java.time.Duration;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * Exponential backoff with full jitter: attempt {@code n} (from 1) waits a random time between half and all of
 * {@code min(max, initial * 2^(n-1))}, so many instances that failed together do not retry together.
 * Immutable; the random source is the caller's (seeded in tests).
 *
 * @param initial the first delay
 * @param max     the largest delay
 */
public record Backoff(Duration initial, Duration max) {

    /** 200 ms doubling up to 30 s: what the supervised loops use unless told otherwise. */
    public static final Backoff DEFAULT = new Backoff(Duration.ofMillis(200), Duration.ofSeconds(30));

    public Backoff {
        Objects.requireNonNull(initial, "initial");
        Objects.requireNonNull(max, "max");
        if (initial.isNegative() || initial.isZero() || max.compareTo(initial) < 0) {
            throw new IllegalArgumentException("backoff needs 0 < initial <= max, got " + initial + " / " + max);
        }
    }

    /** The delay before retry number {@code attempt} (1 = the first retry). */
    public Duration delay(int attempt, RandomGenerator random) {
        long cap = max.toMillis();
        long base = initial.toMillis();
        int shift = Math.min(Math.max(attempt, 1) - 1, 30);
        long ceiling = base > (cap >> shift) ? cap : Math.min(cap, base << shift);
        long half = ceiling / 2;
        return Duration.ofMillis(half + (ceiling - half == 0 ? 0 : random.nextLong(ceiling - half + 1)));
    }
}
