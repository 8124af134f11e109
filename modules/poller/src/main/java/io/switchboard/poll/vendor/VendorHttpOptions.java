package io.switchboard.poll.vendor;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;

import io.switchboard.core.supervise.Backoff;

/**
 * How the vendor side talks HTTP: timeouts, pooling, retries, body bound, token wait and the default request budget
 * per provider. Immutable; start from {@link #defaults()} and use the with-ers.
 *
 * @param connectTimeout      TCP (and TLS) connect timeout (default 5 s)
 * @param idleTimeout         a pooled connection idle this long is closed; also the longest pause inside a body (30 s)
 * @param requestTimeout      the whole request, from sending to the last byte of the answer (default 20 s)
 * @param maxConnectionsPerHost HTTP/1.1 connections kept per vendor host (default 8; HTTP/2 multiplexes on one)
 * @param http2               offer HTTP/2 through ALPN on https hosts, falling back to HTTP/1.1 (default true)
 * @param maxBodyBytes        answers larger than this are not read and become a MAPPING poll error (default 16 MiB,
 *                            {@code poller.http.maxBodyBytes})
 * @param maxAttempts         attempts of one request for 429, 5xx, connection resets and timeouts (default 3)
 * @param backoff             backoff with jitter between those attempts (default 500 ms doubling to 10 s)
 * @param maxRetryAfter       a {@code Retry-After} longer than this is not waited out inside a poll: the poll reports
 *                            RATE_LIMITED and the limiter keeps the pause for the next one (default 30 s)
 * @param tokenRefreshWait    how long a poll waits for a newer token after a 401 (default 30 s)
 * @param requestsPerMinute   default request budget per credential by provider profile ({@code genesys-cloud}: 300, the
 *                            documented limit; the others are not documented and default to 300 as well); 0 = none;
 *                            {@link #ANY_PROVIDER} for every provider not named
 * @param userAgent           the {@code User-Agent} sent
 */
public record VendorHttpOptions(Duration connectTimeout, Duration idleTimeout, Duration requestTimeout,
                                int maxConnectionsPerHost, boolean http2, int maxBodyBytes, int maxAttempts, Backoff backoff,
                                Duration maxRetryAfter, Duration tokenRefreshWait, Map<String, Integer> requestsPerMinute,
                                String userAgent) {

    /** Requests per minute when neither the credential nor {@link #requestsPerMinute} names a budget. */
    public static final int DEFAULT_REQUESTS_PER_MINUTE = 300;
    /** Key of {@link #requestsPerMinute} for every provider the map does not name. */
    public static final String ANY_PROVIDER = "*";
    /** Default of {@link #maxBodyBytes}: 16 MiB, far above a 100-queue Genesys answer (about 100 KiB). */
    public static final int DEFAULT_MAX_BODY_BYTES = 16 * 1024 * 1024;

    public VendorHttpOptions {
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(idleTimeout, "idleTimeout");
        Objects.requireNonNull(requestTimeout, "requestTimeout");
        Objects.requireNonNull(backoff, "backoff");
        Objects.requireNonNull(maxRetryAfter, "maxRetryAfter");
        Objects.requireNonNull(tokenRefreshWait, "tokenRefreshWait");
        Objects.requireNonNull(userAgent, "userAgent");
        requestsPerMinute = Map.copyOf(requestsPerMinute);
        if (maxAttempts < 1 || maxBodyBytes < 1024 || maxConnectionsPerHost < 1) {
            throw new IllegalArgumentException("maxAttempts must be >= 1, maxBodyBytes >= 1024 and maxConnectionsPerHost >= 1");
        }
    }

    /** The documented defaults. */
    public static VendorHttpOptions defaults() {
        return new VendorHttpOptions(Duration.ofSeconds(5), Duration.ofSeconds(30), Duration.ofSeconds(20), 8, true,
                DEFAULT_MAX_BODY_BYTES, 3, new Backoff(Duration.ofMillis(500), Duration.ofSeconds(10)), Duration.ofSeconds(30),
                Duration.ofSeconds(30), Map.of("genesys-cloud", 300, "nice-cxone", 300, "cognos-analytics", 300,
                        "auth0", 300, "oauth2", 300), "switchboard-poller");
    }

    /** The budget of a provider profile's credentials unless the credential says otherwise. */
    public int requestsPerMinute(String provider) {
        Integer n = requestsPerMinute.get(provider);
        return n != null ? n : requestsPerMinute.getOrDefault(ANY_PROVIDER, DEFAULT_REQUESTS_PER_MINUTE);
    }

    public VendorHttpOptions withTimeouts(Duration connect, Duration idle, Duration request) {
        return new VendorHttpOptions(connect, idle, request, maxConnectionsPerHost, http2, maxBodyBytes, maxAttempts, backoff,
                maxRetryAfter, tokenRefreshWait, requestsPerMinute, userAgent);
    }

    public VendorHttpOptions withMaxBodyBytes(int bytes) {
        return new VendorHttpOptions(connectTimeout, idleTimeout, requestTimeout, maxConnectionsPerHost, http2, bytes, maxAttempts,
                backoff, maxRetryAfter, tokenRefreshWait, requestsPerMinute, userAgent);
    }

    public VendorHttpOptions withRetries(int attempts, Backoff b, Duration maxRetryAfterWait) {
        return new VendorHttpOptions(connectTimeout, idleTimeout, requestTimeout, maxConnectionsPerHost, http2, maxBodyBytes,
                attempts, b, maxRetryAfterWait, tokenRefreshWait, requestsPerMinute, userAgent);
    }

    public VendorHttpOptions withTokenRefreshWait(Duration wait) {
        return new VendorHttpOptions(connectTimeout, idleTimeout, requestTimeout, maxConnectionsPerHost, http2, maxBodyBytes,
                maxAttempts, backoff, maxRetryAfter, wait, requestsPerMinute, userAgent);
    }

    /** Replaces the per-provider budgets (0 = unlimited, e.g. for benchmarks). */
    public VendorHttpOptions withRequestsPerMinute(Map<String, Integer> perProvider) {
        return new VendorHttpOptions(connectTimeout, idleTimeout, requestTimeout, maxConnectionsPerHost, http2, maxBodyBytes,
                maxAttempts, backoff, maxRetryAfter, tokenRefreshWait, perProvider, userAgent);
    }

    public VendorHttpOptions withMaxConnectionsPerHost(int n) {
        return new VendorHttpOptions(connectTimeout, idleTimeout, requestTimeout, n, http2, maxBodyBytes, maxAttempts, backoff,
                maxRetryAfter, tokenRefreshWait, requestsPerMinute, userAgent);
    }
}
