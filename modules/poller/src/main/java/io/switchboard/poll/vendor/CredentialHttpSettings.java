package io.switchboard.poll.vendor;

import java.nio.file.Path;

/**
 * HTTP settings of one credential, from its {@code poll:} section: a CA bundle to trust for a vendor host with a
 * private certificate authority, and its own request budget. Immutable.
 *
 * @param caBundle          PEM file of the certificate authorities to trust instead of the JVM's, or {@code null}
 *                          (TLS is always verified, host name included)
 * @param requestsPerMinute the credential's request budget, or {@code null} for the provider's default; 0 = none
 */
public record CredentialHttpSettings(Path caBundle, Integer requestsPerMinute) {

    /** No CA bundle, the provider's budget. */
    public static final CredentialHttpSettings DEFAULTS = new CredentialHttpSettings(null, null);

    public CredentialHttpSettings {
        if (requestsPerMinute != null && requestsPerMinute < 0) {
            throw new IllegalArgumentException("requestsPerMinute must be >= 0 (0 = no limit), was " + requestsPerMinute);
        }
    }
}
