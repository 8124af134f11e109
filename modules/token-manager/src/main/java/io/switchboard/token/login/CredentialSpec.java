package io.switchboard.token.login;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import io.switchboard.core.Secret;

/**
 * One credential from the {@code credentials:} list, validated, with every profile default already
 * applied (see {@link CredentialsConfig} and docs/token-manager-logins.md for the YAML keys).
 *
 * <p>Immutable and thread-safe. {@link #toString()} is safe to log: every secret component is a
 * {@link Secret}, which prints as {@code ****}. Components that do not apply to the provider are
 * {@code null} (or empty for collections).
 *
 * @param id              credential id; the key on {@code switchboard.tokens}
 * @param provider        provider profile: genesys-cloud, nice-cxone, cognos-analytics, auth0, oauth2
 * @param tokenUrl        where the login request goes: the OAuth token endpoint, or for Cognos the
 *                        {@code /api/v1/session} URL; {@code null} for oauth2 with an {@link #issuer}
 *                        (RFC 8414 discovery finds it)
 * @param issuer          oauth2 only: issuer URL for RFC 8414 / OpenID discovery, or {@code null}
 * @param apiBaseUrl      base URL of the vendor API (Genesys {@code https://api.{region}}, Cognos base URL),
 *                        {@code null} when it is discovered at login (CXone)
 * @param region          Genesys region (API host domain such as {@code mypurecloud.ie}), else {@code null}
 * @param clientId        OAuth client id ({@code null} for Cognos)
 * @param clientSecret    OAuth client secret ({@code null} for Cognos)
 * @param clientAuth      how the client authenticates at the token endpoint
 * @param basicEncoding   whether id and secret are form-urlencoded before Base64 in the Basic header
 * @param grantType       {@code client_credentials} or {@code password} (CXone); {@code null} for Cognos
 * @param username        password grant user (CXone access key id) or Cognos CAMUsername, else {@code null}
 * @param password        password grant secret (CXone access key secret) or Cognos CAMPassword, else {@code null}
 * @param apiKey          Cognos CAMAPILoginKey, else {@code null}
 * @param namespace       Cognos CAMNamespace, else {@code null}
 * @param audience        Auth0 / generic {@code audience} parameter, or {@code null}
 * @param scopes          scopes to request (sent space-separated), empty for none
 * @param extraParams     extra token request parameters (namespace, resource…), sent as given
 * @param useRefreshToken whether to use a refresh token the server issued instead of a full login
 * @param discoveryUrl    CXone: the {@code .well-known/cxone-configuration} URL, else {@code null}
 * @param apiHostTemplate CXone: API base URL template with {@code {area}}, else {@code null}
 * @param apiVersion      CXone: API version such as {@code v31.0}, else {@code null}
 * @param defaultLifetime lifetime assumed when the vendor does not say ({@code expires_in} absent)
 * @param idleTimeout     Cognos: session idle timeout; the login result's lifetime, else {@code null}
 * @param caBundle        PEM file of the certificate authorities trusted for this credential's login hosts
 *                        instead of the JVM's ({@code credentials[].caBundle}), or {@code null}; TLS is always verified
 */
public record CredentialSpec(
        String id,
        String provider,
        String tokenUrl,
        String issuer,
        String apiBaseUrl,
        String region,
        String clientId,
        Secret clientSecret,
        ClientAuth clientAuth,
        BasicEncoding basicEncoding,
        String grantType,
        String username,
        Secret password,
        Secret apiKey,
        String namespace,
        String audience,
        List<String> scopes,
        Map<String, String> extraParams,
        boolean useRefreshToken,
        String discoveryUrl,
        String apiHostTemplate,
        String apiVersion,
        Duration defaultLifetime,
        Duration idleTimeout,
        Path caBundle) {

    /** Provider profile names. */
    public static final String GENESYS_CLOUD = "genesys-cloud";
    public static final String NICE_CXONE = "nice-cxone";
    public static final String COGNOS_ANALYTICS = "cognos-analytics";
    public static final String AUTH0 = "auth0";
    public static final String OAUTH2 = "oauth2";

    /** Every known provider profile, in documentation order. */
    public static final List<String> PROVIDERS = List.of(GENESYS_CLOUD, NICE_CXONE, COGNOS_ANALYTICS, AUTH0, OAUTH2);

    /** How an OAuth client authenticates at the token endpoint. */
    public enum ClientAuth {
        /** {@code Authorization: Basic …} header, form body (RFC 6749 client_secret_basic). */
        BASIC,
        /** {@code client_id} and {@code client_secret} in the form body (client_secret_post). */
        BODY,
        /** Every parameter, client id and secret included, in a JSON body (Auth0 style). */
        JSON;

        /** The YAML / RFC 8414 name. */
        public String configName() {
            return switch (this) {
                case BASIC -> "client_secret_basic";
                case BODY -> "client_secret_post";
                case JSON -> "json";
            };
        }

        /** Words for messages, e.g. "a Basic header". */
        public String describe() {
            return switch (this) {
                case BASIC -> "a Basic Authorization header";
                case BODY -> "client_id/client_secret in the form body";
                case JSON -> "client_id/client_secret in a JSON body";
            };
        }
    }

    /** Whether the Basic header's id and secret are form-urlencoded before Base64. */
    public enum BasicEncoding {
        /** {@code base64(id:secret)} as is (Genesys, CXone). */
        RAW,
        /** {@code base64(urlencode(id):urlencode(secret))}, RFC 6749 §2.3.1 (strict generic servers). */
        FORM_URLENCODED;

        /** The YAML name. */
        public String configName() {
            return this == RAW ? "raw" : "form-urlencoded";
        }
    }

    public CredentialSpec {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(provider, "provider");
        scopes = scopes == null ? List.of() : List.copyOf(scopes);
        extraParams = extraParams == null ? Map.of() : Map.copyOf(extraParams);
        Objects.requireNonNull(defaultLifetime, "defaultLifetime");
    }

    /**
     * The same spec without a CA bundle, for callers written before {@link #caBundle()} existed.
     */
    public CredentialSpec(String id, String provider, String tokenUrl, String issuer, String apiBaseUrl, String region,
                          String clientId, Secret clientSecret, ClientAuth clientAuth, BasicEncoding basicEncoding,
                          String grantType, String username, Secret password, Secret apiKey, String namespace, String audience,
                          List<String> scopes, Map<String, String> extraParams, boolean useRefreshToken, String discoveryUrl,
                          String apiHostTemplate, String apiVersion, Duration defaultLifetime, Duration idleTimeout) {
        this(id, provider, tokenUrl, issuer, apiBaseUrl, region, clientId, clientSecret, clientAuth, basicEncoding, grantType,
                username, password, apiKey, namespace, audience, scopes, extraParams, useRefreshToken, discoveryUrl,
                apiHostTemplate, apiVersion, defaultLifetime, idleTimeout, null);
    }

    /** A copy with another CA bundle ({@code null}: the JVM's trust store). */
    public CredentialSpec withCaBundle(Path bundle) {
        return new CredentialSpec(id, provider, tokenUrl, issuer, apiBaseUrl, region, clientId, clientSecret, clientAuth,
                basicEncoding, grantType, username, password, apiKey, namespace, audience, scopes, extraParams,
                useRefreshToken, discoveryUrl, apiHostTemplate, apiVersion, defaultLifetime, idleTimeout, bundle);
    }

    /** Whether this credential logs in with a Cognos session rather than OAuth. */
    public boolean isSession() {
        return COGNOS_ANALYTICS.equals(provider);
    }

    /** A copy with another client secret (the doctor tries a trimmed one). */
    public CredentialSpec withClientSecret(Secret secret) {
        return new CredentialSpec(id, provider, tokenUrl, issuer, apiBaseUrl, region, clientId, secret, clientAuth,
                basicEncoding, grantType, username, password, apiKey, namespace, audience, scopes, extraParams,
                useRefreshToken, discoveryUrl, apiHostTemplate, apiVersion, defaultLifetime, idleTimeout, caBundle);
    }

    /** A copy with another client authentication and Basic encoding (the doctor tries the variants). */
    public CredentialSpec withClientAuth(ClientAuth auth, BasicEncoding encoding) {
        return new CredentialSpec(id, provider, tokenUrl, issuer, apiBaseUrl, region, clientId, clientSecret, auth,
                encoding, grantType, username, password, apiKey, namespace, audience, scopes, extraParams,
                useRefreshToken, discoveryUrl, apiHostTemplate, apiVersion, defaultLifetime, idleTimeout, caBundle);
    }

    /** A copy with another audience, scopes and extra parameters (the doctor tries the variants). */
    public CredentialSpec withRequestParams(String audience, List<String> scopes, Map<String, String> extraParams) {
        return new CredentialSpec(id, provider, tokenUrl, issuer, apiBaseUrl, region, clientId, clientSecret, clientAuth,
                basicEncoding, grantType, username, password, apiKey, namespace, audience, scopes, extraParams,
                useRefreshToken, discoveryUrl, apiHostTemplate, apiVersion, defaultLifetime, idleTimeout, caBundle);
    }

    /** A copy with another token URL (the doctor uses the discovered one). */
    public CredentialSpec withTokenUrl(String url) {
        return new CredentialSpec(id, provider, url, issuer, apiBaseUrl, region, clientId, clientSecret, clientAuth,
                basicEncoding, grantType, username, password, apiKey, namespace, audience, scopes, extraParams,
                useRefreshToken, discoveryUrl, apiHostTemplate, apiVersion, defaultLifetime, idleTimeout, caBundle);
    }

    /** A copy with other Cognos login secrets (the doctor tries a trimmed password). */
    public CredentialSpec withPassword(Secret newPassword) {
        return new CredentialSpec(id, provider, tokenUrl, issuer, apiBaseUrl, region, clientId, clientSecret, clientAuth,
                basicEncoding, grantType, username, newPassword, apiKey, namespace, audience, scopes, extraParams,
                useRefreshToken, discoveryUrl, apiHostTemplate, apiVersion, defaultLifetime, idleTimeout, caBundle);
    }
}
