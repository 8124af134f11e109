package io.switchboard.poll.vendor.internal;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.switchboard.poll.vendor.CredentialRateLimiter;

/**
 * The vendor side's meters (Prometheus names once exported):
 * <ul>
 *   <li>{@code switchboard_poller_vendor_requests_total{credential,provider,outcome}}: every HTTP request by outcome
 *       ({@code 2xx}, {@code 401}, {@code 403}, {@code 429}, {@code 4xx}, {@code 5xx}, {@code timeout},
 *       {@code connection_reset}, …);</li>
 *   <li>{@code switchboard_poller_vendor_request_seconds{provider}}: request latency histogram;</li>
 *   <li>{@code switchboard_poller_rate_limiter_wait_seconds{credential}}: waits the limiter imposed;</li>
 *   <li>{@code switchboard_poller_rate_limiter_available{credential}}: permits left (negative: requests queued);</li>
 *   <li>{@code switchboard_poller_token_age_seconds{credential}}: age of the token at each use;</li>
 *   <li>{@code switchboard_poller_token_refresh_requests_total{credential}}: refreshes asked for.</li>
 * </ul>
 * No meter carries a secret. Thread-safe.
 */
public final class VendorMetrics {

    private final MeterRegistry registry;
    private final Map<String, Counter> requests = new ConcurrentHashMap<>();
    private final Map<String, Timer> latency = new ConcurrentHashMap<>();
    private final Map<String, Timer> waits = new ConcurrentHashMap<>();
    private final Map<String, DistributionSummary> tokenAge = new ConcurrentHashMap<>();
    private final Map<String, Counter> refreshes = new ConcurrentHashMap<>();

    public VendorMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    public MeterRegistry registry() {
        return registry;
    }

    void request(String credentialId, String provider, String outcome, long nanos) {
        requests.computeIfAbsent(credentialId + '\u0000' + provider + '\u0000' + outcome, k -> Counter
                .builder("switchboard.poller.vendor.requests").description("HTTP requests to vendors by outcome")
                .tags("credential", credentialId, "provider", String.valueOf(provider), "outcome", outcome).register(registry))
                .increment();
        if (nanos >= 0) {
            latency.computeIfAbsent(String.valueOf(provider), p -> Timer.builder("switchboard.poller.vendor.request")
                    .description("Vendor request latency, first byte sent to last byte read").tags("provider", p)
                    .publishPercentileHistogram().register(registry)).record(Duration.ofNanos(nanos));
        }
    }

    void limiterWait(String credentialId, Duration wait) {
        waits.computeIfAbsent(credentialId, c -> Timer.builder("switchboard.poller.rate.limiter.wait")
                .description("Time requests waited for the credential's rate limiter").tags("credential", c).register(registry))
                .record(wait);
    }

    void limiterCreated(String credentialId, CredentialRateLimiter limiter) {
        Gauge.builder("switchboard.poller.rate.limiter.available", limiter, l -> {
                    double a = l.available();
                    return Double.isInfinite(a) ? -1 : a;
                })
                .description("Permits the credential's rate limiter has left now (-1: unlimited)").tags("credential", credentialId)
                .register(registry);
    }

    void tokenAge(String credentialId, Duration age) {
        tokenAge.computeIfAbsent(credentialId, c -> DistributionSummary.builder("switchboard.poller.token.age")
                .baseUnit("seconds").description("Age of the token at each vendor request").tags("credential", c)
                .register(registry)).record(Math.max(0, age.toMillis() / 1000.0));
    }

    public void refreshRequested(String credentialId) {
        refreshes.computeIfAbsent(credentialId, c -> Counter.builder("switchboard.poller.token.refresh.requests")
                .description("Token refreshes asked for (one per rejected version)").tags("credential", c).register(registry))
                .increment();
    }
}
