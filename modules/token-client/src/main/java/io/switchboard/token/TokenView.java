package io.switchboard.token;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import io.switchboard.core.Secret;

/**
 * The current token of one credential as a reader sees it: the decrypted headers to send with each
 * API call and the facts published with them. Immutable; {@link #toString()} masks the headers.
 *
 * @param credentialId  id of the credential
 * @param provider      provider profile (genesys-cloud, nice-cxone, ...)
 * @param version       monotonic version; report it in {@link TokenTable#requestRefresh} when the vendor rejects it
 * @param issuedAt      when the login succeeded
 * @param expiresAt     when the token stops working
 * @param refreshAfter  when the owner plans to log in again
 * @param headers       HTTP headers to send (Authorization, Cognos session and XSRF headers...)
 * @param apiBaseUrl    base URL of the vendor API for this token, or {@code null}
 * @param tenantId      vendor tenant id, or {@code null}
 * @param grantedScopes scopes the vendor granted, possibly empty
 * @param metadata      other non-secret facts of the login
 * @param ownerId       token-manager instance that logged in, or {@code null}
 */
public record TokenView(
        String credentialId,
        String provider,
        long version,
        Instant issuedAt,
        Instant expiresAt,
        Instant refreshAfter,
        Map<String, Secret> headers,
        String apiBaseUrl,
        String tenantId,
        List<String> grantedScopes,
        Map<String, String> metadata,
        String ownerId) {

    public TokenView {
        Objects.requireNonNull(credentialId, "credentialId");
        headers = Map.copyOf(headers);
        grantedScopes = grantedScopes == null ? List.of() : List.copyOf(grantedScopes);
        metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
    }

    /** Whether the token has expired at {@code now}. */
    public boolean isExpired(Instant now) {
        return !now.isBefore(expiresAt);
    }
}
