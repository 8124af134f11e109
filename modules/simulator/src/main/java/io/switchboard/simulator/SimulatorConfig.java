package io.switchboard.simulator;

import io.switchboard.core.ConfigProblems;
import io.switchboard.core.Secret;
import io.switchboard.core.config.ConfigKey;
import io.switchboard.core.config.ConfigSource;
import io.switchboard.simulator.internal.YamlConfigReader;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * Everything the simulator serves: clients, secrets, token lifetimes, permissions, tenants, queues,
 * rate limits and the switches for vendor behaviours that could not be confirmed.
 *
 * <p>Immutable. Start from {@link #defaults()} (one ready client per vendor, five queues) or
 * {@link #builder()} (the defaults, to change), or read a YAML file with {@link #fromYaml(Path)}.
 * Validation happens in {@link Builder#build()} and reports every problem at once
 * ({@link io.switchboard.core.ConfigException}).
 *
 * @param host                 interface to bind; default {@code 127.0.0.1}
 * @param port                 port to bind; default 0 (a free port, see {@link VendorSimulator#baseUrl()})
 * @param seed                 seed of the data generator and of the random fault decisions (default 42): same seed,
 *                             same queues and data, and the same faults for the same sequence of requests
 * @param allowShortLifetimes  accept token lifetimes below the vendors' minimum (real Genesys clamps to 300 s–48 h);
 *                             for tests that need tokens to expire within seconds
 * @param maxRecordedRequests  how many requests {@link VendorSimulator#requests()} keeps (oldest dropped); 0 = none
 * @param sequenceField        add the per-queue monotonic {@code simSequence} to every queue in every reporting
 *                             answer (vendors ignore-able extra field); default true
 * @param eventLoops           server event loops (verticle instances); default = available processors
 * @param queues               the queues every vendor reports (same queues, each vendor's shape)
 * @param generatedQueues      extra queues generated from the seed (for load tests), added to {@code queues}
 * @param clock                where simulated time starts and whether it runs (default: the wall clock, running)
 * @param genesys              Genesys Cloud settings
 * @param cxone                NICE CXone settings
 * @param cognos               IBM Cognos Analytics settings
 * @param auth0                Auth0 tenant settings
 * @param oauth2               generic RFC 6749 server settings
 * @param tls                  HTTPS: the certificate and key to serve; {@code null} = plain HTTP (the default)
 */
public record SimulatorConfig(
        String host,
        int port,
        long seed,
        boolean allowShortLifetimes,
        int maxRecordedRequests,
        boolean sequenceField,
        int eventLoops,
        List<QueueSpec> queues,
        int generatedQueues,
        Clock clock,
        Genesys genesys,
        Cxone cxone,
        Cognos cognos,
        Auth0 auth0,
        OAuth2 oauth2,
        Tls tls) {

    /** Genesys permission for queue observations. */
    public static final String PERM_QUEUE_OBSERVATION = "analytics:queueObservation:view";
    /** Genesys permission for conversation aggregates. */
    public static final String PERM_CONVERSATION_AGGREGATE = "analytics:conversationAggregate:view";
    /** Genesys permission for the queue list. */
    public static final String PERM_ROUTING_QUEUE = "routing:queue:view";

    public SimulatorConfig {
        queues = List.copyOf(queues);
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(genesys, "genesys");
        Objects.requireNonNull(cxone, "cxone");
        Objects.requireNonNull(cognos, "cognos");
        Objects.requireNonNull(auth0, "auth0");
        Objects.requireNonNull(oauth2, "oauth2");
    }

    /** The documented defaults (see docs/simulator.md): one full-permission client per vendor, five queues. */
    public static SimulatorConfig defaults() {
        return builder().build();
    }

    /** A builder holding the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this configuration. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /**
     * Reads a YAML file: its {@code simulator:} section, or the whole file when it holds only simulator settings (same
     * shape as this record; any key may be left out and keeps its default). Durations are {@code PT2S} or {@code 2s}.
     * Environment variables override keys ({@code SWITCHBOARD_SIMULATOR_SEED}). Secrets may be inline (they are fake vendor secrets) or {@code ${env:..}} / {@code ${file:..}} references.
     *
     * @throws io.switchboard.core.ConfigException listing every problem in the file
     */
    public static SimulatorConfig fromYaml(Path file) {
        return YamlConfigReader.read(file);
    }

    /**
     * Reads the simulator settings of a configuration: its {@code simulator:} section, or, in a file that has none of
     * the sections of {@link ConfigSource#SECTIONS}, the whole file (a simulator-only file, as {@link #fromYaml} reads).
     * Keys left out keep the values of {@code base}. Environment variables override them ({@code SWITCHBOARD_SIMULATOR_PORT}).
     *
     * @throws io.switchboard.core.ConfigException listing every problem
     */
    public static SimulatorConfig from(ConfigSource source, Builder base) {
        return YamlConfigReader.read(source, base);
    }

    /** Every key of the simulator's settings, for the configuration reference. */
    public static List<ConfigKey<?>> configKeys() {
        return YamlConfigReader.KEYS;
    }

    // ------------------------------------------------------------------ clock

    /**
     * The simulated clock. With a {@code start} instant the same seed gives the same queue data whatever the wall
     * clock says: the queues start in the state of that instant's hour and time runs on from there (monotonic
     * elapsed time, plus what {@link VendorSimulator#advanceClock(Duration)} adds).
     *
     * @param start  the simulated instant at start-up, e.g. {@code 2024-05-06T10:00:00Z}; null = the wall clock (default)
     * @param frozen start frozen (as after {@link VendorSimulator#freezeClock()}): time moves only when advanced, so
     *               every answer is reproducible for a seed and a sequence of requests; default false
     */
    public record Clock(java.time.Instant start, boolean frozen) {

        /** The wall clock, running (the default). */
        public static Clock wallClock() {
            return new Clock(null, false);
        }

        /** Starts at {@code start} and runs on. */
        public static Clock startingAt(java.time.Instant start) {
            return new Clock(Objects.requireNonNull(start, "start"), false);
        }

        /** Starts at {@code start}, frozen until advanced or resumed. */
        public static Clock frozenAt(java.time.Instant start) {
            return new Clock(Objects.requireNonNull(start, "start"), true);
        }
    }

    // ------------------------------------------------------------------ TLS

    /**
     * HTTPS for the simulator: every vendor is then served on {@code https://} with this certificate, as the real ones
     * are, so that a client's TLS verification (and its CA bundle setting) can be tested over a real socket.
     *
     * @param certificate PEM file of the certificate chain served (leaf first)
     * @param privateKey  PEM file of its private key (PKCS#8, {@code BEGIN PRIVATE KEY})
     */
    public record Tls(Path certificate, Path privateKey) {
        public Tls {
            Objects.requireNonNull(certificate, "certificate");
            Objects.requireNonNull(privateKey, "privateKey");
        }

        /**
         * Generates a self-signed certificate for {@code localhost} and {@code 127.0.0.1} (subject alternative names,
         * valid for 7 days from now) with the JDK's own {@code keytool}, into {@code dir}: {@code simulator-cert.pem}
         * (which is also the CA a client must trust) and {@code simulator-key.pem}. No BouncyCastle, nothing committed:
         * tests call this with a temporary directory.
         *
         * @throws SimulatorException when keytool cannot be run or the key store cannot be read
         */
        public static Tls selfSigned(Path dir) {
            return io.switchboard.simulator.internal.SelfSignedPem.generate(dir);
        }
    }

    // ------------------------------------------------------------------ queues

    /**
     * One queue, reported by every vendor in its own shape (Genesys queue, CXone skill, Cognos row, ...).
     *
     * @param id         queue id (Genesys queueId, a UUID by default)
     * @param name       display name
     * @param skillId    CXone skill id
     * @param mediaTypes Genesys media types the queue routes (e.g. voice, chat)
     * @param agents     member agents; scales the traffic
     */
    public record QueueSpec(String id, String name, int skillId, List<String> mediaTypes, int agents) {
        public QueueSpec {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(name, "name");
            mediaTypes = List.copyOf(mediaTypes);
        }
    }

    // ------------------------------------------------------------------ Genesys

    /**
     * A Genesys OAuth client (client-credentials).
     *
     * @param clientId      client id
     * @param secret        client secret, compared raw (Genesys does not form-urlencode Basic parts)
     * @param tokenLifetime token lifetime; Genesys allows 300 s–48 h, default 24 h; {@code expires_in} is one less
     * @param grants        grant types allowed (default {@code client_credentials})
     * @param permissions   permissions of the client's roles
     * @param organization  the org the client belongs to (the "tenant" for per-tenant faults)
     */
    public record GenesysClient(String clientId, Secret secret, Duration tokenLifetime, Set<String> grants,
                                Set<String> permissions, String organization) {
        public GenesysClient {
            grants = Set.copyOf(grants);
            permissions = Set.copyOf(permissions);
        }

        /** A client with the default lifetime (24 h), client_credentials and every reporting permission. */
        public static GenesysClient of(String clientId, String secret) {
            return new GenesysClient(clientId, Secret.of(secret), Duration.ofHours(24), Set.of("client_credentials"),
                    Set.of(PERM_QUEUE_OBSERVATION, PERM_CONVERSATION_AGGREGATE, PERM_ROUTING_QUEUE), "org-1");
        }

        public GenesysClient withTokenLifetime(Duration lifetime) {
            return new GenesysClient(clientId, secret, lifetime, grants, permissions, organization);
        }

        public GenesysClient withPermissions(String... perms) {
            return new GenesysClient(clientId, secret, tokenLifetime, grants, Set.of(perms), organization);
        }

        public GenesysClient withGrants(String... grantTypes) {
            return new GenesysClient(clientId, secret, tokenLifetime, Set.of(grantTypes), permissions, organization);
        }

        public GenesysClient withOrganization(String org) {
            return new GenesysClient(clientId, secret, tokenLifetime, grants, permissions, org);
        }
    }

    /**
     * Genesys Cloud settings.
     *
     * @param clients                        OAuth clients
     * @param rateLimitPerMinute             API requests per token per minute (documented 300); 0 = unlimited
     * @param maxQueueIdsPerObservationQuery cap on queueId predicates per observation query (400 above it)
     * @param invalidClientStatus            HTTP status of {@code invalid_client} (unconfirmed: 400 or 401; default 400)
     */
    public record Genesys(List<GenesysClient> clients, int rateLimitPerMinute, int maxQueueIdsPerObservationQuery,
                          int invalidClientStatus) {
        public Genesys {
            clients = List.copyOf(clients);
        }

        public Genesys withClient(GenesysClient client) {
            return new Genesys(replace(clients, client, GenesysClient::clientId), rateLimitPerMinute,
                    maxQueueIdsPerObservationQuery, invalidClientStatus);
        }

        public Genesys withRateLimitPerMinute(int limit) {
            return new Genesys(clients, limit, maxQueueIdsPerObservationQuery, invalidClientStatus);
        }

        public Genesys withMaxQueueIdsPerObservationQuery(int max) {
            return new Genesys(clients, rateLimitPerMinute, max, invalidClientStatus);
        }

        public Genesys withInvalidClientStatus(int status) {
            return new Genesys(clients, rateLimitPerMinute, maxQueueIdsPerObservationQuery, status);
        }
    }

    // ------------------------------------------------------------------ CXone

    /** A CXone tenant (business unit) and the area whose API host serves it ({@code api-{area}}). */
    public record CxoneTenant(String tenantId, String area) {
    }

    /** A CXone registered application: the OAuth client that authenticates with Basic. */
    public record CxoneClient(String clientId, Secret clientSecret) {
        public static CxoneClient of(String clientId, String secret) {
            return new CxoneClient(clientId, Secret.of(secret));
        }
    }

    /** A CXone access key (the password grant's username/password), belonging to a tenant. */
    public record CxoneAccessKey(String accessKeyId, Secret accessKeySecret, String tenantId) {
        public static CxoneAccessKey of(String accessKeyId, String secret, String tenantId) {
            return new CxoneAccessKey(accessKeyId, Secret.of(secret), tenantId);
        }
    }

    /**
     * NICE CXone settings.
     *
     * @param clients                   registered applications
     * @param accessKeys                access keys
     * @param tenants                   tenants and their areas
     * @param tokenLifetime             access token lifetime ({@code expires_in}, documented 3600)
     * @param refreshTokenLifetime      refresh token lifetime (unconfirmed; default 24 h)
     * @param acceptFormUrlEncodedBasic also accept Basic parts that were form-urlencoded (unconfirmed; default true)
     * @param refreshTokenSingleUse     a refresh token works once (unconfirmed; default false)
     * @param wrapActivityInResultSet   answer skills/activity in the older {@code resultSet} wrapper (default false)
     * @param rateLimitPerMinute        API requests per token per minute (unconfirmed); 0 = unlimited (default)
     */
    public record Cxone(List<CxoneClient> clients, List<CxoneAccessKey> accessKeys, List<CxoneTenant> tenants,
                        Duration tokenLifetime, Duration refreshTokenLifetime, boolean acceptFormUrlEncodedBasic,
                        boolean refreshTokenSingleUse, boolean wrapActivityInResultSet, int rateLimitPerMinute) {
        public Cxone {
            clients = List.copyOf(clients);
            accessKeys = List.copyOf(accessKeys);
            tenants = List.copyOf(tenants);
        }

        public Cxone withClient(CxoneClient c) {
            return new Cxone(replace(clients, c, CxoneClient::clientId), accessKeys, tenants, tokenLifetime,
                    refreshTokenLifetime, acceptFormUrlEncodedBasic, refreshTokenSingleUse, wrapActivityInResultSet, rateLimitPerMinute);
        }

        public Cxone withAccessKey(CxoneAccessKey k) {
            return new Cxone(clients, replace(accessKeys, k, CxoneAccessKey::accessKeyId), tenants, tokenLifetime,
                    refreshTokenLifetime, acceptFormUrlEncodedBasic, refreshTokenSingleUse, wrapActivityInResultSet, rateLimitPerMinute);
        }

        public Cxone withTenant(CxoneTenant t) {
            return new Cxone(clients, accessKeys, replace(tenants, t, CxoneTenant::tenantId), tokenLifetime,
                    refreshTokenLifetime, acceptFormUrlEncodedBasic, refreshTokenSingleUse, wrapActivityInResultSet, rateLimitPerMinute);
        }

        public Cxone withTokenLifetime(Duration d) {
            return new Cxone(clients, accessKeys, tenants, d, refreshTokenLifetime, acceptFormUrlEncodedBasic,
                    refreshTokenSingleUse, wrapActivityInResultSet, rateLimitPerMinute);
        }

        public Cxone withAcceptFormUrlEncodedBasic(boolean accept) {
            return new Cxone(clients, accessKeys, tenants, tokenLifetime, refreshTokenLifetime, accept,
                    refreshTokenSingleUse, wrapActivityInResultSet, rateLimitPerMinute);
        }

        public Cxone withRefreshTokenSingleUse(boolean singleUse) {
            return new Cxone(clients, accessKeys, tenants, tokenLifetime, refreshTokenLifetime, acceptFormUrlEncodedBasic,
                    singleUse, wrapActivityInResultSet, rateLimitPerMinute);
        }

        public Cxone withWrapActivityInResultSet(boolean wrap) {
            return new Cxone(clients, accessKeys, tenants, tokenLifetime, refreshTokenLifetime, acceptFormUrlEncodedBasic,
                    refreshTokenSingleUse, wrap, rateLimitPerMinute);
        }

        public Cxone withRateLimitPerMinute(int limit) {
            return new Cxone(clients, accessKeys, tenants, tokenLifetime, refreshTokenLifetime, acceptFormUrlEncodedBasic,
                    refreshTokenSingleUse, wrapActivityInResultSet, limit);
        }
    }

    // ------------------------------------------------------------------ Cognos

    /** A Cognos user in a namespace (CAMNamespace / CAMUsername / CAMPassword). */
    public record CognosUser(String namespace, String username, Secret password) {
        public static CognosUser of(String namespace, String username, String password) {
            return new CognosUser(namespace, username, Secret.of(password));
        }
    }

    /** A Cognos API login key (CAMAPILoginKey, 11.2.4+) and the user it logs in as. */
    public record CognosApiKey(Secret key, String namespace, String username) {
        public static CognosApiKey of(String key, String namespace, String username) {
            return new CognosApiKey(Secret.of(key), namespace, username);
        }
    }

    /**
     * IBM Cognos Analytics settings.
     *
     * @param namespaces         configured namespaces (CAMNamespace values)
     * @param users              users
     * @param apiKeys            API login keys
     * @param sessionIdleTimeout inactivity after which a session ends (commonly 60 min)
     * @param reportStoreIds     store ids of reports the report data service answers with queue statistics
     */
    public record Cognos(List<String> namespaces, List<CognosUser> users, List<CognosApiKey> apiKeys,
                         Duration sessionIdleTimeout, List<String> reportStoreIds) {
        public Cognos {
            namespaces = List.copyOf(namespaces);
            users = List.copyOf(users);
            apiKeys = List.copyOf(apiKeys);
            reportStoreIds = List.copyOf(reportStoreIds);
        }

        public Cognos withUser(CognosUser u) {
            List<CognosUser> list = new ArrayList<>(users);
            list.removeIf(x -> x.namespace().equals(u.namespace()) && x.username().equals(u.username()));
            list.add(u);
            Set<String> ns = new LinkedHashSet<>(namespaces);
            ns.add(u.namespace());
            return new Cognos(List.copyOf(ns), list, apiKeys, sessionIdleTimeout, reportStoreIds);
        }

        public Cognos withApiKey(CognosApiKey k) {
            List<CognosApiKey> list = new ArrayList<>(apiKeys);
            list.add(k);
            return new Cognos(namespaces, users, list, sessionIdleTimeout, reportStoreIds);
        }

        public Cognos withSessionIdleTimeout(Duration timeout) {
            return new Cognos(namespaces, users, apiKeys, timeout, reportStoreIds);
        }
    }

    // ------------------------------------------------------------------ Auth0

    /**
     * An Auth0 machine-to-machine application.
     *
     * @param clientId      client id
     * @param secret        client secret
     * @param tokenLifetime token lifetime ({@code expires_in}, default 86400)
     * @param grants        client grants: API audience → scopes granted for it
     * @param tenant        tenant name (for per-tenant faults)
     */
    public record Auth0Client(String clientId, Secret secret, Duration tokenLifetime, Map<String, Set<String>> grants,
                              String tenant) {
        public Auth0Client {
            grants = Map.copyOf(grants);
        }

        /** A client granted the default API with scope {@code read:stats}. */
        public static Auth0Client of(String clientId, String secret) {
            return new Auth0Client(clientId, Secret.of(secret), Duration.ofHours(24),
                    Map.of(DEFAULT_AUTH0_AUDIENCE, Set.of("read:stats")), "open-cosmos");
        }

        public Auth0Client withTokenLifetime(Duration d) {
            return new Auth0Client(clientId, secret, d, grants, tenant);
        }

        public Auth0Client withGrants(Map<String, Set<String>> g) {
            return new Auth0Client(clientId, secret, tokenLifetime, g, tenant);
        }
    }

    /** The audience of the default Auth0-protected API (Open Cosmos DataCosmos). */
    public static final String DEFAULT_AUTH0_AUDIENCE = "https://beeapp.open-cosmos.com";

    /**
     * Auth0 tenant settings.
     *
     * @param clients                        applications
     * @param apis                           API identifiers (audiences) known to the tenant
     * @param protectedApiAudience           audience the simulated protected API accepts
     * @param protectedApiScope              scope the protected API requires ({@code ""} = none)
     * @param rateLimitPerMinute             token requests per client per minute before 429 (unconfirmed; default 100)
     * @param legacyUnauthorizedClientError  answer a missing client grant with {@code unauthorized_client} (older tenants)
     */
    public record Auth0(List<Auth0Client> clients, List<String> apis, String protectedApiAudience, String protectedApiScope,
                        int rateLimitPerMinute, boolean legacyUnauthorizedClientError) {
        public Auth0 {
            clients = List.copyOf(clients);
            apis = List.copyOf(apis);
        }

        public Auth0 withClient(Auth0Client c) {
            return new Auth0(replace(clients, c, Auth0Client::clientId), apis, protectedApiAudience, protectedApiScope,
                    rateLimitPerMinute, legacyUnauthorizedClientError);
        }

        public Auth0 withApi(String audience) {
            Set<String> a = new LinkedHashSet<>(apis);
            a.add(audience);
            return new Auth0(clients, List.copyOf(a), protectedApiAudience, protectedApiScope, rateLimitPerMinute,
                    legacyUnauthorizedClientError);
        }

        public Auth0 withRateLimitPerMinute(int limit) {
            return new Auth0(clients, apis, protectedApiAudience, protectedApiScope, limit, legacyUnauthorizedClientError);
        }

        public Auth0 withLegacyUnauthorizedClientError(boolean legacy) {
            return new Auth0(clients, apis, protectedApiAudience, protectedApiScope, rateLimitPerMinute, legacy);
        }
    }

    // ------------------------------------------------------------------ generic OAuth2

    /**
     * A client of the generic RFC 6749 server.
     *
     * @param clientId          client id
     * @param secret            client secret
     * @param authMethods       {@code client_secret_basic} and/or {@code client_secret_post}
     * @param grants            {@code client_credentials}, optionally {@code refresh_token}
     * @param scopes            scopes the client may request (granted all when it requests none)
     * @param tokenLifetime     token lifetime
     * @param issueRefreshToken whether a refresh token comes with client-credentials tokens
     * @param tenant            tenant name (for per-tenant faults)
     * @param requiredParams    extra token-request parameters the server insists on (e.g. {@code resource} per
     *                          RFC 8707, or a {@code namespace}), name to the one accepted value; missing is a
     *                          400 {@code invalid_request}, another value a 400 {@code invalid_target}
     */
    public record OAuth2Client(String clientId, Secret secret, Set<String> authMethods, Set<String> grants,
                               Set<String> scopes, Duration tokenLifetime, boolean issueRefreshToken, String tenant,
                               Map<String, String> requiredParams) {
        public OAuth2Client {
            authMethods = Set.copyOf(authMethods);
            grants = Set.copyOf(grants);
            scopes = Set.copyOf(scopes);
            requiredParams = requiredParams == null ? Map.of() : Map.copyOf(requiredParams);
        }

        /** Requires the token request to carry {@code name=value} (in addition to earlier required parameters). */
        public OAuth2Client withRequiredParam(String name, String value) {
            Map<String, String> p = new java.util.HashMap<>(requiredParams);
            p.put(name, value);
            return new OAuth2Client(clientId, secret, authMethods, grants, scopes, tokenLifetime, issueRefreshToken, tenant, p);
        }

        /** Basic and post, client_credentials, scopes {@code queues:read stats:read}, 1 h tokens, no refresh token. */
        public static OAuth2Client of(String clientId, String secret) {
            return new OAuth2Client(clientId, Secret.of(secret), Set.of("client_secret_basic", "client_secret_post"),
                    Set.of("client_credentials"), Set.of("queues:read", "stats:read"), Duration.ofHours(1), false, "default", Map.of());
        }

        public OAuth2Client withAuthMethods(String... methods) {
            return new OAuth2Client(clientId, secret, Set.of(methods), grants, scopes, tokenLifetime, issueRefreshToken, tenant, requiredParams);
        }

        public OAuth2Client withScopes(String... s) {
            return new OAuth2Client(clientId, secret, authMethods, grants, Set.of(s), tokenLifetime, issueRefreshToken, tenant, requiredParams);
        }

        public OAuth2Client withTokenLifetime(Duration d) {
            return new OAuth2Client(clientId, secret, authMethods, grants, scopes, d, issueRefreshToken, tenant, requiredParams);
        }

        /** Issues refresh tokens and allows the refresh_token grant. */
        public OAuth2Client withRefreshTokens() {
            Set<String> g = new HashSet<>(grants);
            g.add("refresh_token");
            return new OAuth2Client(clientId, secret, authMethods, g, scopes, tokenLifetime, true, tenant, requiredParams);
        }
    }

    /**
     * Generic RFC 6749 server settings.
     *
     * @param clients                  clients
     * @param protectedApiScope        scope the protected API requires
     * @param expiresInOneLess         answer {@code expires_in} one second below the lifetime (as many servers do)
     * @param omitExpiresIn            leave {@code expires_in} out (RFC 6749 makes it RECOMMENDED, not required)
     * @param emptyInvalidClientBody   answer invalid_client with an empty 401 body (some servers do)
     * @param loginPageRedirect        answer any other request under {@code /oauth2} (e.g. a POST to the issuer URL
     *                                 itself, or to a mistyped token path) with 302 to the HTML login page
     *                                 {@code /oauth2/login}, as servers with a browser login do (Spring Authorization
     *                                 Server, Keycloak's account pages); off: such requests get the JSON 404
     */
    public record OAuth2(List<OAuth2Client> clients, String protectedApiScope, boolean expiresInOneLess,
                         boolean omitExpiresIn, boolean emptyInvalidClientBody, boolean loginPageRedirect) {
        public OAuth2 {
            clients = List.copyOf(clients);
        }

        public OAuth2 withClient(OAuth2Client c) {
            return new OAuth2(replace(clients, c, OAuth2Client::clientId), protectedApiScope, expiresInOneLess,
                    omitExpiresIn, emptyInvalidClientBody, loginPageRedirect);
        }

        public OAuth2 withExpiresInOneLess(boolean v) {
            return new OAuth2(clients, protectedApiScope, v, omitExpiresIn, emptyInvalidClientBody, loginPageRedirect);
        }

        public OAuth2 withOmitExpiresIn(boolean v) {
            return new OAuth2(clients, protectedApiScope, expiresInOneLess, v, emptyInvalidClientBody, loginPageRedirect);
        }

        public OAuth2 withEmptyInvalidClientBody(boolean v) {
            return new OAuth2(clients, protectedApiScope, expiresInOneLess, omitExpiresIn, v, loginPageRedirect);
        }

        /** See {@code loginPageRedirect}: unknown paths under {@code /oauth2} redirect to an HTML login page. */
        public OAuth2 withLoginPageRedirect(boolean v) {
            return new OAuth2(clients, protectedApiScope, expiresInOneLess, omitExpiresIn, emptyInvalidClientBody, v);
        }
    }

    private static <T> List<T> replace(List<T> list, T item, java.util.function.Function<T, String> id) {
        List<T> out = new ArrayList<>();
        for (T t : list) {
            if (!id.apply(t).equals(id.apply(item))) {
                out.add(t);
            }
        }
        out.add(item);
        return out;
    }

    // ------------------------------------------------------------------ builder

    /** Mutable builder; {@link #build()} validates. Not thread-safe. */
    public static final class Builder {
        private String host = "127.0.0.1";
        private int port = 0;
        private long seed = 42L;
        private boolean allowShortLifetimes = false;
        private int maxRecordedRequests = 2_000;
        private boolean sequenceField = true;
        private int eventLoops = Math.max(1, Runtime.getRuntime().availableProcessors());
        private List<QueueSpec> queues = defaultQueues();
        private int generatedQueues = 0;
        private Clock clock = Clock.wallClock();
        private Genesys genesys = new Genesys(List.of(GenesysClient.of("genesys-client", "genesys-secret")), 300, 100, 400);
        private Cxone cxone = new Cxone(List.of(CxoneClient.of("cxone-client", "cxone-client-secret")),
                List.of(CxoneAccessKey.of("cxone-key-id", "cxone/key+secret==", "tenant-1")),
                List.of(new CxoneTenant("tenant-1", "na1")), Duration.ofHours(1), Duration.ofHours(24), true, false, false, 0);
        private Cognos cognos = new Cognos(List.of("LDAP"), List.of(CognosUser.of("LDAP", "cognos-user", "cognos-password")),
                List.of(CognosApiKey.of("cognos-api-key", "LDAP", "cognos-user")), Duration.ofMinutes(60),
                List.of("iQueueStatsReport"));
        private Auth0 auth0 = new Auth0(List.of(Auth0Client.of("auth0-client", "auth0-secret")),
                List.of(DEFAULT_AUTH0_AUDIENCE), DEFAULT_AUTH0_AUDIENCE, "read:stats", 100, false);
        private OAuth2 oauth2 = new OAuth2(List.of(OAuth2Client.of("oauth2-client", "p@ss+w%rd/=")), "queues:read",
                false, false, false, false);
        private Tls tls;

        Builder() {
        }

        Builder(SimulatorConfig c) {
            host = c.host;
            port = c.port;
            seed = c.seed;
            allowShortLifetimes = c.allowShortLifetimes;
            maxRecordedRequests = c.maxRecordedRequests;
            sequenceField = c.sequenceField;
            eventLoops = c.eventLoops;
            queues = c.queues;
            generatedQueues = c.generatedQueues;
            clock = c.clock;
            genesys = c.genesys;
            cxone = c.cxone;
            cognos = c.cognos;
            auth0 = c.auth0;
            oauth2 = c.oauth2;
            tls = c.tls;
        }

        public Builder host(String h) { host = h; return this; }
        public Builder port(int p) { port = p; return this; }
        public Builder seed(long s) { seed = s; return this; }
        public Builder allowShortLifetimes(boolean a) { allowShortLifetimes = a; return this; }
        public Builder maxRecordedRequests(int n) { maxRecordedRequests = n; return this; }
        public Builder sequenceField(boolean s) { sequenceField = s; return this; }
        public Builder eventLoops(int n) { eventLoops = n; return this; }
        /** Replaces the explicit queues. */
        public Builder queues(List<QueueSpec> q) { queues = List.copyOf(q); return this; }
        /** Adds {@code n} queues generated from the seed (ids {@code q-00000..}), e.g. 10,000 for load tests. */
        public Builder generatedQueues(int n) { generatedQueues = n; return this; }
        /** Where simulated time starts and whether it runs; see {@link Clock}. */
        public Builder clock(Clock c) { clock = Objects.requireNonNull(c, "clock"); return this; }
        /** Starts simulated time at {@code start} (running, or frozen if the clock was set frozen); null = wall clock. */
        public Builder startInstant(java.time.Instant start) { clock = new Clock(start, clock.frozen()); return this; }
        public Builder genesys(Genesys g) { genesys = g; return this; }
        public Builder genesys(UnaryOperator<Genesys> f) { genesys = f.apply(genesys); return this; }
        public Builder cxone(Cxone c) { cxone = c; return this; }
        public Builder cxone(UnaryOperator<Cxone> f) { cxone = f.apply(cxone); return this; }
        public Builder cognos(Cognos c) { cognos = c; return this; }
        public Builder cognos(UnaryOperator<Cognos> f) { cognos = f.apply(cognos); return this; }
        public Builder auth0(Auth0 a) { auth0 = a; return this; }
        public Builder auth0(UnaryOperator<Auth0> f) { auth0 = f.apply(auth0); return this; }
        public Builder oauth2(OAuth2 o) { oauth2 = o; return this; }
        public Builder oauth2(UnaryOperator<OAuth2> f) { oauth2 = f.apply(oauth2); return this; }
        /** Serves HTTPS with this certificate and key ({@code null} = plain HTTP); see {@link Tls#selfSigned(Path)}. */
        public Builder tls(Tls t) { tls = t; return this; }
        /** Adds (or replaces, by id) a Genesys client. */
        public Builder genesysClient(GenesysClient c) { genesys = genesys.withClient(c); return this; }
        public Builder cxoneClient(CxoneClient c) { cxone = cxone.withClient(c); return this; }
        public Builder cxoneAccessKey(CxoneAccessKey k) { cxone = cxone.withAccessKey(k); return this; }
        public Builder cxoneTenant(CxoneTenant t) { cxone = cxone.withTenant(t); return this; }
        public Builder cognosUser(CognosUser u) { cognos = cognos.withUser(u); return this; }
        public Builder cognosApiKey(CognosApiKey k) { cognos = cognos.withApiKey(k); return this; }
        public Builder auth0Client(Auth0Client c) { auth0 = auth0.withClient(c); return this; }
        public Builder oauth2Client(OAuth2Client c) { oauth2 = oauth2.withClient(c); return this; }

        /**
         * Validates and builds.
         *
         * @throws io.switchboard.core.ConfigException with every problem found
         */
        public SimulatorConfig build() {
            return build("simulator configuration");
        }

        /** As {@link #build()}, naming {@code source} (e.g. the YAML file) in the problem report. */
        public SimulatorConfig build(String source) {
            ConfigProblems p = new ConfigProblems(source);
            validate(p);
            p.throwIfAny();
            return new SimulatorConfig(host, port, seed, allowShortLifetimes, maxRecordedRequests, sequenceField,
                    eventLoops, queues, generatedQueues, clock, genesys, cxone, cognos, auth0, oauth2, tls);
        }

        private void validate(ConfigProblems p) {
            p.check(port >= 0 && port <= 65535, "port", String.valueOf(port), "must be 0 (any free port) to 65535");
            p.check(host != null && !host.isBlank(), "host", host, "must be an interface address such as 127.0.0.1");
            p.check(maxRecordedRequests >= 0, "maxRecordedRequests", String.valueOf(maxRecordedRequests), "must be >= 0");
            if (tls != null) {
                p.check(java.nio.file.Files.isReadable(tls.certificate()), "tls.certificate", tls.certificate().toString(),
                        "is not a readable file; give the PEM file of the certificate to serve");
                p.check(java.nio.file.Files.isReadable(tls.privateKey()), "tls.privateKey", tls.privateKey().toString(),
                        "is not a readable file; give the PEM file (PKCS#8) of the certificate's private key");
            }
            p.check(eventLoops >= 1 && eventLoops <= 64, "eventLoops", String.valueOf(eventLoops), "must be 1..64");
            p.check(generatedQueues >= 0 && generatedQueues <= 1_000_000, "generatedQueues", String.valueOf(generatedQueues),
                    "must be 0..1000000");
            Set<String> ids = new HashSet<>();
            for (int i = 0; i < queues.size(); i++) {
                QueueSpec q = queues.get(i);
                p.check(ids.add(q.id()), "queues[" + i + "].id", q.id(), "duplicate queue id");
                p.check(q.agents() >= 0, "queues[" + i + "].agents", String.valueOf(q.agents()), "must be >= 0");
                p.check(!q.mediaTypes().isEmpty(), "queues[" + i + "].mediaTypes", "[]", "needs at least one media type, e.g. voice");
            }
            Duration min = Duration.ofSeconds(300);
            Duration max = Duration.ofHours(48);
            Set<String> g = new HashSet<>();
            for (int i = 0; i < genesys.clients().size(); i++) {
                GenesysClient c = genesys.clients().get(i);
                String key = "genesys.clients[" + i + "]";
                p.check(g.add(c.clientId()), key + ".clientId", c.clientId(), "duplicate client id");
                checkLifetime(p, key + ".tokenLifetime", c.tokenLifetime(), allowShortLifetimes ? Duration.ofSeconds(1) : min, max,
                        allowShortLifetimes ? "" : " (Genesys allows 300 s to 48 h; set allowShortLifetimes: true for tests)");
            }
            p.check(genesys.rateLimitPerMinute() >= 0, "genesys.rateLimitPerMinute", String.valueOf(genesys.rateLimitPerMinute()), "must be >= 0 (0 = unlimited)");
            p.check(genesys.maxQueueIdsPerObservationQuery() >= 1, "genesys.maxQueueIdsPerObservationQuery",
                    String.valueOf(genesys.maxQueueIdsPerObservationQuery()), "must be >= 1");
            p.check(genesys.invalidClientStatus() == 400 || genesys.invalidClientStatus() == 401, "genesys.invalidClientStatus",
                    String.valueOf(genesys.invalidClientStatus()), "must be 400 or 401");
            Set<String> tenants = new HashSet<>();
            for (CxoneTenant t : cxone.tenants()) {
                tenants.add(t.tenantId());
                p.check(t.area() != null && t.area().matches("[a-z0-9]+"), "cxone.tenants." + t.tenantId() + ".area", t.area(),
                        "must be lower-case letters and digits, e.g. na1");
            }
            for (int i = 0; i < cxone.accessKeys().size(); i++) {
                CxoneAccessKey k = cxone.accessKeys().get(i);
                p.check(tenants.contains(k.tenantId()), "cxone.accessKeys[" + i + "].tenantId", k.tenantId(),
                        "no such tenant; known tenants: " + tenants);
            }
            checkLifetime(p, "cxone.tokenLifetime", cxone.tokenLifetime(), Duration.ofSeconds(1), Duration.ofDays(30), "");
            checkLifetime(p, "cognos.sessionIdleTimeout", cognos.sessionIdleTimeout(), Duration.ofSeconds(1), Duration.ofDays(30), "");
            for (int i = 0; i < cognos.users().size(); i++) {
                CognosUser u = cognos.users().get(i);
                p.check(cognos.namespaces().contains(u.namespace()), "cognos.users[" + i + "].namespace", u.namespace(),
                        "not one of cognos.namespaces " + cognos.namespaces());
            }
            for (int i = 0; i < auth0.clients().size(); i++) {
                Auth0Client c = auth0.clients().get(i);
                checkLifetime(p, "auth0.clients[" + i + "].tokenLifetime", c.tokenLifetime(), Duration.ofSeconds(1), Duration.ofDays(30), "");
            }
            for (int i = 0; i < oauth2.clients().size(); i++) {
                OAuth2Client c = oauth2.clients().get(i);
                checkLifetime(p, "oauth2.clients[" + i + "].tokenLifetime", c.tokenLifetime(), Duration.ofSeconds(1), Duration.ofDays(30), "");
                for (String m : c.authMethods()) {
                    p.check(m.equals("client_secret_basic") || m.equals("client_secret_post"), "oauth2.clients[" + i + "].authMethods",
                            m, "must be client_secret_basic or client_secret_post");
                }
            }
        }

        private static void checkLifetime(ConfigProblems p, String key, Duration d, Duration min, Duration max, String hint) {
            if (d == null) {
                p.add(key, null, "is required, e.g. PT1H");
                return;
            }
            p.check(d.compareTo(min) >= 0 && d.compareTo(max) <= 0, key, d.toString(),
                    "must be between " + min + " and " + max + hint);
        }

        private static List<QueueSpec> defaultQueues() {
            return List.of(
                    new QueueSpec("2b8f3a6e-4c1d-4f6a-9e2b-1a7c5d3e9f01", "Support", 1001, List.of("voice", "chat"), 40),
                    new QueueSpec("7d4e2c1b-9a8f-4e3d-8c6b-2f1a0e9d8c02", "Sales", 1002, List.of("voice"), 25),
                    new QueueSpec("c3a1b2d4-5e6f-4a7b-8c9d-0e1f2a3b4c03", "Billing", 1003, List.of("voice", "email"), 15),
                    new QueueSpec("e5f6a7b8-c9d0-4e1f-a2b3-c4d5e6f7a804", "Retention", 1004, List.of("voice"), 10),
                    new QueueSpec("9f8e7d6c-5b4a-4c3d-9e2f-1a0b9c8d7e05", "Technical", 1005, List.of("voice", "chat", "message"), 30));
        }
    }
}
