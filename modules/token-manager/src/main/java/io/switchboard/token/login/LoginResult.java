package io.switchboard.token.login;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import io.switchboard.core.Secret;

/**
 * A successful login: what a poller must send with each API call, and facts about the token.
 *
 * @param headers     HTTP headers to send with every API call (e.g. {@code Authorization: Bearer …},
 *                    or the Cognos session and XSRF headers); secret, published only encrypted
 * @param issuedAt    when the login succeeded (local clock)
 * @param lifetime    how long the token lives as the vendor said ({@code expires_in}); {@code null}
 *                    when the vendor did not say (the configured default lifetime then applies)
 * @param grantedScopes scopes the vendor granted, empty when it did not say
 * @param apiBaseUrl  base URL of the vendor API for this login (region / area host), or {@code null}
 * @param tenantId    vendor-side tenant id learned at login, or {@code null}
 * @param metadata    other non-secret facts (token_type, audience, JWT expiry…)
 * @param refreshToken refresh token or renewable session for the next {@link CredentialLogin#login},
 *                    or {@code null}; never published
 */
public record LoginResult(
        Map<String, Secret> headers,
        Instant issuedAt,
        Duration lifetime,
        List<String> grantedScopes,
        String apiBaseUrl,
        String tenantId,
        Map<String, String> metadata,
        Secret refreshToken) {

    public LoginResult {
        headers = Map.copyOf(Objects.requireNonNull(headers, "headers"));
        Objects.requireNonNull(issuedAt, "issuedAt");
        grantedScopes = grantedScopes == null ? List.of() : List.copyOf(grantedScopes);
        metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
    }
}
