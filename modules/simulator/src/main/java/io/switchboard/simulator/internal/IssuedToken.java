package io.switchboard.simulator.internal;

import io.switchboard.simulator.Vendor;

import java.util.Set;

/**
 * An access token (or Cognos session) the simulator issued. Thread-safe: revocation and the rate window
 * are the only mutable parts.
 */
public final class IssuedToken {

    final Vendor vendor;
    final String value;
    final String clientId;
    final String tenant;
    final long issuedAtMillis;
    final long expiresAtMillis;
    /** Genesys permissions, or OAuth scopes. */
    final Set<String> grantsOrScopes;
    /** Auth0 audience, CXone area, Cognos XSRF token; null where not used. */
    final String extra;
    private volatile boolean revoked;
    private volatile long lastUsedMillis;
    private long windowStart;
    private int windowCount;

    IssuedToken(Vendor vendor, String value, String clientId, String tenant, long issuedAtMillis, long expiresAtMillis,
                Set<String> grantsOrScopes, String extra) {
        this.vendor = vendor;
        this.value = value;
        this.clientId = clientId;
        this.tenant = tenant;
        this.issuedAtMillis = issuedAtMillis;
        this.expiresAtMillis = expiresAtMillis;
        this.grantsOrScopes = grantsOrScopes;
        this.extra = extra;
        this.lastUsedMillis = issuedAtMillis;
    }

    boolean isRevoked() {
        return revoked;
    }

    void revoke() {
        revoked = true;
    }

    boolean validAt(long now) {
        return !revoked && now < expiresAtMillis;
    }

    long lastUsedMillis() {
        return lastUsedMillis;
    }

    void touch(long now) {
        lastUsedMillis = now;
    }

    /**
     * Counts one request against a fixed one-minute window.
     *
     * @return 0 when allowed, else the seconds until the window resets (at least 1)
     */
    synchronized long acquire(long now, int limitPerMinute) {
        if (limitPerMinute <= 0) {
            return 0;
        }
        if (now - windowStart >= 60_000) {
            windowStart = now;
            windowCount = 0;
        }
        if (windowCount < limitPerMinute) {
            windowCount++;
            return 0;
        }
        return Math.max(1, (windowStart + 60_000 - now + 999) / 1000);
    }
}
