package io.switchboard.simulator.internal;

/** A fixed one-minute request window (Auth0 token endpoint, per client). Thread-safe. */
final class RateWindow {
    private long windowStart;
    private int count;

    /** Result of one acquisition: remaining after this request, reset epoch second, retry-after seconds (0 = allowed). */
    record Result(int limit, int remaining, long resetEpochSecond, long retryAfterSeconds) {
    }

    synchronized Result acquire(long now, int limit) {
        if (now - windowStart >= 60_000) {
            windowStart = now;
            count = 0;
        }
        long reset = (windowStart + 60_000) / 1000;
        if (limit <= 0) {
            return new Result(0, 0, reset, 0);
        }
        if (count < limit) {
            count++;
            return new Result(limit, limit - count, reset, 0);
        }
        return new Result(limit, 0, reset, Math.max(1, (windowStart + 60_000 - now + 999) / 1000));
    }
}
