package io.switchboard.token.login;

import io.vertx.core.Future;

/**
 * One configured credential, bound to its provider profile, able to log in to its vendor.
 *
 * <p>This is the seam between the login side (provider profiles, HTTP, diagnosis) and the fleet
 * side (ownership, refresh scheduling, publishing). Implementations are thread-safe and never
 * log, throw or return secret material except inside {@link LoginResult#headers()} and
 * {@link LoginResult#refreshToken()}.
 */
public interface CredentialLogin {

    /** Id of the credential in the configuration; the key on {@code switchboard.tokens}. */
    String credentialId();

    /** Provider profile name: genesys-cloud, nice-cxone, cognos-analytics, auth0, oauth2. */
    String provider();

    /**
     * Logs in. When {@code previous} is given and carries a refresh token (or a session the
     * vendor can extend), the implementation may use it instead of a full login, and falls back
     * to a full login when the vendor rejects the refresh.
     *
     * @param previous the last successful result for this credential, or {@code null}
     * @return a future completed with the result, or failed with a {@link LoginException}
     */
    Future<LoginResult> login(LoginResult previous);

    /**
     * Ends the vendor session if the vendor has one (Cognos {@code DELETE /api/v1/session});
     * a no-op for OAuth2 vendors. Never fails the future for a vendor error: logout is best effort.
     */
    default Future<Void> logout(LoginResult current) {
        return Future.succeededFuture();
    }
}
