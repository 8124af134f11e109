package io.switchboard.token.internal;

import java.time.Duration;
import java.time.Instant;

import io.switchboard.token.RefreshSettings;

/**
 * Pure timing decisions of the token manager: when to refresh a token, how long to wait after a
 * failure. Randomness comes in as a number {@code u} in [0, 1) so tests can pin it. Immutable.
 *
 * <ul>
 *   <li>refresh delay = min(lifetime × share, lifetime − minRemaining) × (1 − jitter × u); when the
 *       lifetime is too short to keep {@code minRemaining} (lifetime − minRemaining below half the
 *       lifetime), half the lifetime is the latest refresh instead, so very short tokens do not loop;</li>
 *   <li>backoff after the n-th consecutive failure = min(initial × 2^(n−1), max) × (1 − jitter × u),
 *       and never shorter than the vendor's {@code Retry-After};</li>
 *   <li>a rejected credential is parked for {@code parkedRetry}.</li>
 * </ul>
 */
public record RefreshPolicy(RefreshSettings settings) {

    /** Lifetime of a token: what the vendor said, else the configured default. */
    public Duration lifetime(Duration vendorLifetime) {
        return vendorLifetime == null || vendorLifetime.isNegative() || vendorLifetime.isZero()
                ? settings.defaultLifetime() : vendorLifetime;
    }

    /** Delay from issue to the planned refresh of a token living {@code lifetime}. */
    public Duration refreshDelay(Duration lifetime, double u) {
        long lifeMs = lifetime.toMillis();
        long shareMs = (long) (lifeMs * settings.lifetimeShare());
        long latestMs = lifeMs - settings.minRemaining().toMillis();
        if (latestMs < lifeMs / 2) {
            latestMs = lifeMs / 2;
        }
        long baseMs = Math.min(shareMs, latestMs);
        return Duration.ofMillis((long) (baseMs * (1 - settings.jitter() * clamp(u))));
    }

    /** When a token issued at {@code issuedAt} living {@code lifetime} should be refreshed. */
    public Instant refreshAt(Instant issuedAt, Duration lifetime, double u) {
        return issuedAt.plus(refreshDelay(lifetime, u));
    }

    /**
     * Wait before the next attempt after {@code failures} consecutive failures (1 = first failure).
     *
     * @param retryAfter what the vendor asked for, or {@code null}
     */
    public Duration backoff(int failures, Duration retryAfter, double u) {
        int n = Math.max(1, failures);
        long initial = settings.backoffInitial().toMillis();
        long max = settings.backoffMax().toMillis();
        long base = n > 40 ? max : Math.min(max, initial * (1L << Math.min(n - 1, 40)));
        Duration delay = Duration.ofMillis((long) (base * (1 - settings.jitter() * clamp(u))));
        if (retryAfter != null && retryAfter.compareTo(delay) > 0) {
            // The vendor's word wins, but an absurd Retry-After must not silence a credential for days.
            return retryAfter.compareTo(settings.parkedRetry()) > 0 ? settings.parkedRetry() : retryAfter;
        }
        return delay;
    }

    /** Wait before trying a parked (rejected or misconfigured) credential again. */
    public Duration parked() {
        return settings.parkedRetry();
    }

    private static double clamp(double u) {
        return u < 0 ? 0 : Math.min(u, 1);
    }
}
