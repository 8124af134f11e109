package io.switchboard.token.internal;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.switchboard.token.TokenState;

/**
 * The token manager's meters, per credential it owns. In Prometheus format:
 * <ul>
 *   <li>{@code switchboard_token_seconds_to_expiry{credential}}: seconds until the published token expires (negative once expired);</li>
 *   <li>{@code switchboard_token_age_seconds{credential}}: seconds since the published token was issued;</li>
 *   <li>{@code switchboard_token_version{credential}}: version of the published token;</li>
 *   <li>{@code switchboard_token_logins_total{credential,outcome}}: logins by outcome
 *       (success, rejected, rate_limited, transient, configuration);</li>
 *   <li>{@code switchboard_token_refresh_requests_total{credential,outcome}}: refresh requests by what they caused
 *       (login, coalesced, satisfied, deferred);</li>
 *   <li>{@code switchboard_token_state{credential,state}} = 1 for the current state;</li>
 *   <li>{@code switchboard_token_last_error{credential,kind,code}} = 1 for the last login error (absent after a success).</li>
 * </ul>
 * Gauges of a credential exist while this instance owns it. Thread-safe.
 */
public final class TokenMetrics {

    private final MeterRegistry registry;
    private final Clock clock;
    private final Map<String, List<Meter>> perCredential = new ConcurrentHashMap<>();
    private final Map<String, Meter> stateGauges = new ConcurrentHashMap<>();
    private final Map<String, Meter> errorGauges = new ConcurrentHashMap<>();

    public TokenMetrics(MeterRegistry registry, Clock clock) {
        this.registry = registry;
        this.clock = clock;
    }

    /** The registry the meters are in. */
    public MeterRegistry registry() {
        return registry;
    }

    /** Registers the gauges of a credential this instance now owns. */
    void owned(TokenRefreshScheduler.Credential c) {
        String id = c.id();
        List<Meter> meters = new ArrayList<>();
        meters.add(Gauge.builder("switchboard.token.seconds.to.expiry", c, x -> seconds(x.expiresAt(), true))
                .description("Seconds until the published token expires").tag("credential", id).register(registry));
        meters.add(Gauge.builder("switchboard.token.age.seconds", c, x -> seconds(x.issuedAt(), false))
                .description("Seconds since the published token was issued").tag("credential", id).register(registry));
        meters.add(Gauge.builder("switchboard.token.version", c, x -> x.version())
                .description("Version of the published token").tag("credential", id).register(registry));
        List<Meter> old = perCredential.put(id, meters);
        if (old != null) {
            old.forEach(registry::remove);
        }
    }

    /** Removes the gauges of a credential this instance no longer owns. */
    void disowned(String id) {
        List<Meter> meters = perCredential.remove(id);
        if (meters != null) {
            meters.forEach(registry::remove);
        }
        remove(stateGauges.remove(id));
        remove(errorGauges.remove(id));
    }

    void state(String id, TokenState state) {
        Meter current = stateGauges.get(id);
        if (current != null && state.name().equals(current.getId().getTag("state"))) {
            return;
        }
        remove(stateGauges.put(id, Gauge.builder("switchboard.token.state", () -> 1)
                .description("1 for the current state of the credential").tags("credential", id, "state", state.name())
                .register(registry)));
    }

    void lastError(String id, String kind, String code) {
        if (kind == null) {
            remove(errorGauges.remove(id));
            return;
        }
        Meter current = errorGauges.get(id);
        if (current != null && kind.equals(current.getId().getTag("kind"))
                && (code == null ? "none" : code).equals(current.getId().getTag("code"))) {
            return;
        }
        remove(errorGauges.put(id, Gauge.builder("switchboard.token.last.error", () -> 1)
                .description("1 for the last login error of the credential").tags("credential", id, "kind", kind,
                        "code", code == null ? "none" : code)
                .register(registry)));
    }

    void login(String id, String outcome) {
        Counter.builder("switchboard.token.logins").description("Vendor logins by outcome")
                .tags("credential", id, "outcome", outcome).register(registry).increment();
    }

    void request(String id, String outcome) {
        Counter.builder("switchboard.token.refresh.requests").description("Refresh requests by what they caused")
                .tags("credential", id, "outcome", outcome).register(registry).increment();
    }

    /** Logins of {@code id} with {@code outcome} counted so far (tests, benchmarks). */
    public double logins(String id, String outcome) {
        Counter c = registry.find("switchboard.token.logins").tags("credential", id, "outcome", outcome).counter();
        return c == null ? 0 : c.count();
    }

    private void remove(Meter meter) {
        if (meter != null) {
            registry.remove(meter);
        }
    }

    private double seconds(Instant at, boolean until) {
        if (at == null) {
            return Double.NaN;
        }
        long ms = until ? at.toEpochMilli() - clock.millis() : clock.millis() - at.toEpochMilli();
        return ms / 1000.0;
    }
}
