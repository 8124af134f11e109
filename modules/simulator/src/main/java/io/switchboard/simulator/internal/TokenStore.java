package io.switchboard.simulator.internal;

import io.switchboard.simulator.Vendor;

import java.util.Base64;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.LongAdder;

/** Every token, refresh token and session the simulator issued, and the per-client issue counters. Thread-safe. */
public final class TokenStore {

    /** A refresh token: who it belongs to and until when it works. */
    record RefreshGrant(Vendor vendor, String clientId, String subject, String tenant, Set<String> scopes, long expiresAtMillis) {
    }

    private final Map<String, IssuedToken> tokens = new ConcurrentHashMap<>();
    private final Map<String, RefreshGrant> refreshTokens = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> issued = new ConcurrentHashMap<>();
    /** Every secret value handed out since start (bounded), for leak scans: unlike {@link #tokens} never swept. */
    private final Set<String> everIssued = ConcurrentHashMap.newKeySet();
    private final SimClock clock;
    static final int MAX_REMEMBERED = 100_000;

    TokenStore(SimClock clock) {
        this.clock = clock;
    }

    static String randomToken(int bytes) {
        byte[] b = new byte[bytes];
        ThreadLocalRandom.current().nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    /** Stores a token and counts it for {@code countAs} (client ids / principals to count the login under). */
    IssuedToken issue(Vendor vendor, String value, String clientId, String tenant, long lifetimeMillis, Set<String> grants,
                      String extra, String... countAs) {
        long now = clock.nowMillis();
        IssuedToken t = new IssuedToken(vendor, value, clientId, tenant, now, now + lifetimeMillis, grants, extra);
        tokens.put(value, t);
        remember(value);
        if (vendor == Vendor.COGNOS && extra != null) {
            remember(extra); // the session's XSRF token
        }
        count(vendor, clientId);
        for (String other : countAs) {
            if (!other.equals(clientId)) {
                count(vendor, other);
            }
        }
        return t;
    }

    private void count(Vendor vendor, String id) {
        issued.computeIfAbsent(vendor.id() + '\u0000' + id, k -> new LongAdder()).increment();
        issued.computeIfAbsent(vendor.id(), k -> new LongAdder()).increment();
    }

    /** The token if it exists for this vendor, whatever its state. */
    IssuedToken find(Vendor vendor, String value) {
        IssuedToken t = value == null ? null : tokens.get(value);
        return t != null && t.vendor == vendor ? t : null;
    }

    /** The token if it exists for this vendor and is neither expired nor revoked. */
    IssuedToken valid(Vendor vendor, String value) {
        IssuedToken t = find(vendor, value);
        return t != null && t.validAt(clock.nowMillis()) ? t : null;
    }

    String addRefresh(Vendor vendor, String clientId, String subject, String tenant, Set<String> scopes, long lifetimeMillis) {
        String value = randomToken(32);
        remember(value);
        refreshTokens.put(value, new RefreshGrant(vendor, clientId, subject, tenant, scopes, clock.nowMillis() + lifetimeMillis));
        return value;
    }

    RefreshGrant refresh(Vendor vendor, String value, boolean consume) {
        if (value == null) {
            return null;
        }
        RefreshGrant g = consume ? refreshTokens.remove(value) : refreshTokens.get(value);
        if (g == null || g.vendor() != vendor || clock.nowMillis() >= g.expiresAtMillis()) {
            return null;
        }
        return g;
    }

    private void remember(String secret) {
        if (everIssued.size() < MAX_REMEMBERED) {
            everIssued.add(secret);
        }
    }

    /** Every access token, refresh token, Cognos passport and XSRF token issued so far (the first {@value #MAX_REMEMBERED}). */
    public Set<String> everIssued() {
        return Set.copyOf(everIssued);
    }

    public long issuedCount(Vendor vendor, String clientId) {
        LongAdder a = issued.get(clientId == null ? vendor.id() : vendor.id() + '\u0000' + clientId);
        return a == null ? 0 : a.sum();
    }

    public int revoke(Vendor vendor, String clientId) {
        int n = 0;
        for (IssuedToken t : tokens.values()) {
            if (t.vendor == vendor && (clientId == null || clientId.equals(t.clientId)) && !t.isRevoked()) {
                t.revoke();
                n++;
            }
        }
        refreshTokens.values().removeIf(g -> g.vendor() == vendor && (clientId == null || clientId.equals(g.clientId())
                || clientId.equals(g.subject())));
        return n;
    }

    public boolean revoke(String value) {
        IssuedToken t = tokens.get(value);
        if (t == null) {
            return false;
        }
        t.revoke();
        return true;
    }

    /** Drops tokens expired (or revoked) for more than an hour, so long runs keep a bounded table. */
    void sweep() {
        long cutoff = clock.nowMillis() - 3_600_000L;
        tokens.values().removeIf(t -> t.expiresAtMillis < cutoff);
        refreshTokens.values().removeIf(g -> g.expiresAtMillis() < cutoff);
    }

    int size() {
        return tokens.size();
    }
}
