package io.switchboard.token.doctor;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * What {@code switchboard doctor} found for one credential. Never contains a secret or token.
 *
 * @param credentialId  the credential's id
 * @param provider      its provider profile
 * @param ok            whether the configured login works as configured
 * @param diagnoses     findings, the decisive one first
 * @param lifetime      token lifetime the vendor announced, or {@code null}
 * @param grantedScopes scopes granted, empty when unknown
 * @param audience      JWT audience, or {@code null}
 * @param expiresAt     JWT expiry, or {@code null}
 * @param apiBaseUrl    API base URL of the login, or {@code null}
 * @param tenantId      tenant learned at login, or {@code null}
 */
public record CredentialReport(String credentialId, String provider, boolean ok, List<Diagnosis> diagnoses,
                               Duration lifetime, List<String> grantedScopes, String audience, Instant expiresAt,
                               String apiBaseUrl, String tenantId) {

    public CredentialReport {
        diagnoses = List.copyOf(diagnoses);
        grantedScopes = grantedScopes == null ? List.of() : List.copyOf(grantedScopes);
    }

    /** The finding with {@code code}, if any. */
    public java.util.Optional<Diagnosis> find(String code) {
        return diagnoses.stream().filter(d -> d.code().equals(code)).findFirst();
    }

    /** Codes of every finding, in order. */
    public List<String> codes() {
        return diagnoses.stream().map(Diagnosis::code).toList();
    }
}
