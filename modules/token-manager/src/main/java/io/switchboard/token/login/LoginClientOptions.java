package io.switchboard.token.login;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * Transport settings of a {@link LoginClient}. Immutable.
 *
 * @param connectTimeout how long to wait for a TCP/TLS connection to the vendor (default 10 s)
 * @param requestTimeout how long to wait for the vendor's whole answer (default 10 s)
 * @param userAgent      the {@code User-Agent} header sent with every login request
 * @param clock          the clock that stamps {@link LoginResult#issuedAt()} (default UTC system clock)
 */
public record LoginClientOptions(Duration connectTimeout, Duration requestTimeout, String userAgent, Clock clock) {

    public LoginClientOptions {
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(requestTimeout, "requestTimeout");
        Objects.requireNonNull(userAgent, "userAgent");
        Objects.requireNonNull(clock, "clock");
    }

    /** 10 s timeouts, {@code switchboard-token-manager} user agent, system clock. */
    public static LoginClientOptions defaults() {
        return new LoginClientOptions(Duration.ofSeconds(10), Duration.ofSeconds(10), "switchboard-token-manager", Clock.systemUTC());
    }

    /** A copy with other timeouts. */
    public LoginClientOptions withTimeouts(Duration connect, Duration request) {
        return new LoginClientOptions(connect, request, userAgent, clock);
    }
}
