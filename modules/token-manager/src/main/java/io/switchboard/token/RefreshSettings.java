package io.switchboard.token;

import java.time.Duration;
import java.util.Objects;

/**
 * When the token manager logs in again, and how it waits after a failure. Part of
 * {@link TokenManagerConfig} (keys {@code refresh.*}). Immutable.
 *
 * @param lifetimeShare   share of a token's lifetime after which it is refreshed, in (0, 1]; default 0.75
 * @param jitter          random share in [0, 0.5] by which a refresh or a backoff is brought forward,
 *                        so that credentials logged in together do not refresh together; default 0.1
 * @param minRemaining    a refresh happens at the latest this long before expiry (when the lifetime
 *                        allows it); default PT2M
 * @param defaultLifetime lifetime assumed when the vendor does not say ({@code expires_in} missing); default PT1H
 * @param backoffInitial  wait after the first failed login; doubles per failure; default PT1S
 * @param backoffMax      longest wait between failed logins; default PT5M
 * @param parkedRetry     wait before trying a credential the vendor rejected as invalid again; default PT1H
 */
public record RefreshSettings(
        double lifetimeShare,
        double jitter,
        Duration minRemaining,
        Duration defaultLifetime,
        Duration backoffInitial,
        Duration backoffMax,
        Duration parkedRetry) {

    public RefreshSettings {
        Objects.requireNonNull(minRemaining, "minRemaining");
        Objects.requireNonNull(defaultLifetime, "defaultLifetime");
        Objects.requireNonNull(backoffInitial, "backoffInitial");
        Objects.requireNonNull(backoffMax, "backoffMax");
        Objects.requireNonNull(parkedRetry, "parkedRetry");
    }

    /** The documented defaults. */
    public static RefreshSettings defaults() {
        return new RefreshSettings(0.75, 0.1, Duration.ofMinutes(2), Duration.ofHours(1),
                Duration.ofSeconds(1), Duration.ofMinutes(5), Duration.ofHours(1));
    }
}
