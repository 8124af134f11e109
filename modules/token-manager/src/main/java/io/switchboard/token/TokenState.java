package io.switchboard.token;

/**
 * State of a credential as its owning token manager sees it: {@link TokenManager#state} and the
 * {@code state} field of the {@code io.switchboard.events.token.TokenStatus} events on
 * {@code <prefix>.token-status} (there as the constant's name).
 */
public enum TokenState {
    /** No token yet: the first login is under way. */
    PENDING,
    /** A valid token is published; the next refresh is planned. */
    VALID,
    /** Logins fail with a retriable error; the owner backs off, a still-valid token stays published. */
    REFRESH_FAILING,
    /**
     * The vendor rejected the credential or it is misconfigured: no login until {@code nextAttemptAt},
     * also after a handover to another instance, unless the credential's configuration (or secret) changes.
     */
    PARKED,
    /** No longer configured: its token was tombstoned. */
    REMOVED
}
