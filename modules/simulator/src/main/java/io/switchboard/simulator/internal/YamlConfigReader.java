package io.switchboard.simulator.internal;

import io.switchboard.core.ConfigException;
import io.switchboard.core.ConfigProblem;
import io.switchboard.core.ConfigProblems;
import io.switchboard.core.Secret;
import io.switchboard.core.config.ConfigKey;
import io.switchboard.core.config.ConfigSection;
import io.switchboard.core.config.ConfigSource;
import io.switchboard.core.config.ConfigType;
import io.switchboard.simulator.SimulatorConfig;
import io.switchboard.simulator.SimulatorConfig.Auth0Client;
import io.switchboard.simulator.SimulatorConfig.CognosApiKey;
import io.switchboard.simulator.SimulatorConfig.CognosUser;
import io.switchboard.simulator.SimulatorConfig.CxoneAccessKey;
import io.switchboard.simulator.SimulatorConfig.CxoneClient;
import io.switchboard.simulator.SimulatorConfig.CxoneTenant;
import io.switchboard.simulator.SimulatorConfig.GenesysClient;
import io.switchboard.simulator.SimulatorConfig.OAuth2Client;
import io.switchboard.simulator.SimulatorConfig.QueueSpec;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads the simulator's settings (the {@code simulator:} section of the configuration file, or a file that holds
 * only simulator settings at the top) into a {@link SimulatorConfig.Builder}. Every key is declared once below
 * ({@link #KEYS}); every key is optional and keeps the builder's value when left out; unknown keys are problems;
 * all problems are reported together. Durations take the one syntax of every Switchboard key ({@code PT2S} or
 * {@code 2s}; a bare number is an error). Secrets may be inline (they are the simulator's fake vendor secrets) or
 * {@code ${env:..}} / {@code ${file:..}} references; they never show in a problem.
 */
public final class YamlConfigReader {

    private static final String S = "simulator.";

    public static final ConfigKey<String> HOST = ConfigKey.string(S + "host").defaultValue("127.0.0.1")
            .doc("Interface to bind.");
    public static final ConfigKey<Integer> PORT = ConfigKey.integer(S + "port").computedDefault("0 (a free port); 8089 for `switchboard simulator`")
            .doc("Port to bind, 0 to 65535.");
    public static final ConfigKey<Long> SEED = ConfigKey.of(S + "seed", ConfigType.LONG).defaultValue(42L)
            .doc("Seed of the queue data and of the random fault decisions: same seed, same data and faults.");
    public static final ConfigKey<Boolean> ALLOW_SHORT_LIFETIMES = ConfigKey.bool(S + "allowShortLifetimes").defaultValue(false)
            .doc("Accept token lifetimes below the vendors' minimum (Genesys: 300 s), for tests.");
    public static final ConfigKey<Integer> MAX_RECORDED_REQUESTS = ConfigKey.integer(S + "maxRecordedRequests").defaultValue(2000)
            .doc("Requests kept for /_admin/requests (oldest dropped); 0 = none.");
    public static final ConfigKey<Boolean> SEQUENCE_FIELD = ConfigKey.bool(S + "sequenceField").defaultValue(true)
            .doc("Add the per-queue monotonic simSequence to every reporting answer.");
    public static final ConfigKey<Integer> EVENT_LOOPS = ConfigKey.integer(S + "eventLoops").computedDefault("available processors")
            .doc("Server event loops, 1 to 64.");
    public static final ConfigKey<Integer> GENERATED_QUEUES = ConfigKey.integer(S + "generatedQueues").defaultValue(0)
            .doc("Extra queues generated from the seed, for load tests.");
    public static final ConfigKey<java.time.Instant> CLOCK_START = ConfigKey.of(S + "clock.start", ConfigType.INSTANT)
            .computedDefault("the wall clock")
            .doc("Simulated instant at start-up, e.g. 2024-05-06T10:00:00Z: the same seed then serves the same data whatever the"
                    + " wall clock says.");
    public static final ConfigKey<java.nio.file.Path> TLS_CERTIFICATE = ConfigKey.of(S + "tls.certificate", ConfigType.PATH)
            .check(p -> java.nio.file.Files.isReadable(p) ? null : "is not a readable file; give the PEM file of the certificate to serve")
            .doc("PEM file of the certificate to serve HTTPS with (with tls.privateKey); unset = plain HTTP. For a test"
                    + " certificate: SimulatorConfig.Tls.selfSigned(dir) (the JDK's keytool), or keytool/openssl yourself.");
    public static final ConfigKey<java.nio.file.Path> TLS_PRIVATE_KEY = ConfigKey.of(S + "tls.privateKey", ConfigType.PATH)
            .check(p -> java.nio.file.Files.isReadable(p) ? null : "is not a readable file; give the PEM file (PKCS#8) of the key")
            .doc("PEM file (PKCS#8, BEGIN PRIVATE KEY) of the private key of tls.certificate.");
    public static final ConfigKey<Boolean> CLOCK_FROZEN = ConfigKey.bool(S + "clock.frozen").defaultValue(false)
            .doc("Start with the simulated clock frozen; it moves only with POST /_admin/clock/advance.");
    public static final ConfigKey<List<ConfigSection>> QUEUES = ConfigKey.items(S + "queues").computedDefault("five queues")
            .doc("The queues every vendor reports: a list of {id, name, skillId, mediaTypes, agents}; replaces the default five.");
    public static final ConfigKey<String> QUEUE_ID = ConfigKey.string(S + "queues[].id").fileOnly().doc("Queue id (Genesys queueId).");
    public static final ConfigKey<String> QUEUE_NAME = ConfigKey.string(S + "queues[].name").doc("Display name.");
    public static final ConfigKey<Integer> QUEUE_SKILL = ConfigKey.integer(S + "queues[].skillId").doc("CXone skill id.");
    public static final ConfigKey<List<String>> QUEUE_MEDIA = ConfigKey.stringList(S + "queues[].mediaTypes")
            .defaultValue(List.of("voice")).doc("Media types the queue routes.");
    public static final ConfigKey<Integer> QUEUE_AGENTS = ConfigKey.integer(S + "queues[].agents").defaultValue(20)
            .doc("Member agents; scales the traffic.");

    // genesys
    public static final ConfigKey<List<ConfigSection>> GENESYS_CLIENTS = ConfigKey.items(S + "genesys.clients")
            .computedDefault("genesys-client / genesys-secret").doc("Genesys OAuth clients; replaces the default one.");
    public static final ConfigKey<String> GENESYS_CLIENT_ID = ConfigKey.string(S + "genesys.clients[].clientId").fileOnly().doc("Client id.");
    public static final ConfigKey<String> GENESYS_SECRET = ConfigKey.string(S + "genesys.clients[].secret").fileOnly().masked()
            .doc("Client secret (inline or a reference).");
    public static final ConfigKey<Duration> GENESYS_LIFETIME = ConfigKey.duration(S + "genesys.clients[].tokenLifetime").fileOnly()
            .defaultValue(Duration.ofHours(24)).doc("Token lifetime, 300s to 48h (shorter with allowShortLifetimes).");
    public static final ConfigKey<List<String>> GENESYS_GRANTS = ConfigKey.stringList(S + "genesys.clients[].grants").fileOnly()
            .defaultValue(List.of("client_credentials")).doc("Grant types the client may use.");
    public static final ConfigKey<List<String>> GENESYS_PERMISSIONS = ConfigKey.stringList(S + "genesys.clients[].permissions")
            .fileOnly().computedDefault("every reporting permission").doc("Permissions of the client's role.");
    public static final ConfigKey<String> GENESYS_ORGANIZATION = ConfigKey.string(S + "genesys.clients[].organization").fileOnly()
            .computedDefault("the default organization").doc("Organization the client belongs to.");
    public static final ConfigKey<Integer> GENESYS_RATE = ConfigKey.integer(S + "genesys.rateLimitPerMinute").defaultValue(300)
            .doc("API requests per minute per client before 429; 0 = unlimited.");
    public static final ConfigKey<Integer> GENESYS_MAX_QUEUES = ConfigKey.integer(S + "genesys.maxQueueIdsPerObservationQuery")
            .defaultValue(100).doc("Queue ids one observation query may filter on.");
    public static final ConfigKey<Integer> GENESYS_INVALID_STATUS = ConfigKey.integer(S + "genesys.invalidClientStatus")
            .defaultValue(400).doc("Status of an invalid_client answer: 400 or 401.");

    // cxone
    public static final ConfigKey<List<ConfigSection>> CXONE_CLIENTS = ConfigKey.items(S + "cxone.clients")
            .computedDefault("cxone-client / cxone-client-secret").doc("CXone OAuth clients.");
    public static final ConfigKey<String> CXONE_CLIENT_ID = ConfigKey.string(S + "cxone.clients[].clientId").fileOnly().doc("Client id.");
    public static final ConfigKey<String> CXONE_CLIENT_SECRET = ConfigKey.string(S + "cxone.clients[].clientSecret").fileOnly().masked()
            .doc("Client secret.");
    public static final ConfigKey<List<ConfigSection>> CXONE_KEYS = ConfigKey.items(S + "cxone.accessKeys")
            .computedDefault("cxone-key-id for tenant-1").doc("CXone access keys (password grant).");
    public static final ConfigKey<String> CXONE_KEY_ID = ConfigKey.string(S + "cxone.accessKeys[].accessKeyId").fileOnly().doc("Access key id.");
    public static final ConfigKey<String> CXONE_KEY_SECRET = ConfigKey.string(S + "cxone.accessKeys[].accessKeySecret").fileOnly().masked()
            .doc("Access key secret.");
    public static final ConfigKey<String> CXONE_KEY_TENANT = ConfigKey.string(S + "cxone.accessKeys[].tenantId").fileOnly()
            .doc("Tenant of the key (one of cxone.tenants).");
    public static final ConfigKey<List<ConfigSection>> CXONE_TENANTS = ConfigKey.items(S + "cxone.tenants")
            .computedDefault("tenant-1 in area na1").doc("CXone tenants.");
    public static final ConfigKey<String> CXONE_TENANT_ID = ConfigKey.string(S + "cxone.tenants[].tenantId").fileOnly().doc("Tenant id.");
    public static final ConfigKey<String> CXONE_TENANT_AREA = ConfigKey.string(S + "cxone.tenants[].area").fileOnly()
            .doc("Area (API host part), e.g. na1.");
    public static final ConfigKey<Duration> CXONE_LIFETIME = ConfigKey.duration(S + "cxone.tokenLifetime").defaultValue(Duration.ofHours(1))
            .doc("Access token lifetime.");
    public static final ConfigKey<Duration> CXONE_REFRESH_LIFETIME = ConfigKey.duration(S + "cxone.refreshTokenLifetime")
            .defaultValue(Duration.ofHours(24)).doc("Refresh token lifetime.");
    public static final ConfigKey<Boolean> CXONE_FORM_BASIC = ConfigKey.bool(S + "cxone.acceptFormUrlEncodedBasic").defaultValue(true)
            .doc("Accept a Basic header whose id and secret were form-urlencoded first.");
    public static final ConfigKey<Boolean> CXONE_SINGLE_USE = ConfigKey.bool(S + "cxone.refreshTokenSingleUse").defaultValue(false)
            .doc("A refresh token works once.");
    public static final ConfigKey<Boolean> CXONE_WRAP = ConfigKey.bool(S + "cxone.wrapActivityInResultSet").defaultValue(false)
            .doc("Wrap skill activity in a resultSet object.");
    public static final ConfigKey<Integer> CXONE_RATE = ConfigKey.integer(S + "cxone.rateLimitPerMinute").defaultValue(0)
            .doc("API requests per minute before 429; 0 = unlimited.");

    // cognos
    public static final ConfigKey<List<String>> COGNOS_NAMESPACES = ConfigKey.stringList(S + "cognos.namespaces")
            .defaultValue(List.of("LDAP")).doc("CAM namespaces.");
    public static final ConfigKey<List<ConfigSection>> COGNOS_USERS = ConfigKey.items(S + "cognos.users")
            .computedDefault("LDAP / cognos-user / cognos-password").doc("Cognos users.");
    public static final ConfigKey<String> COGNOS_USER_NS = ConfigKey.string(S + "cognos.users[].namespace").fileOnly().doc("Namespace.");
    public static final ConfigKey<String> COGNOS_USER_NAME = ConfigKey.string(S + "cognos.users[].username").fileOnly().doc("User name.");
    public static final ConfigKey<String> COGNOS_USER_PASSWORD = ConfigKey.string(S + "cognos.users[].password").fileOnly().masked()
            .doc("Password.");
    public static final ConfigKey<List<ConfigSection>> COGNOS_KEYS = ConfigKey.items(S + "cognos.apiKeys")
            .computedDefault("cognos-api-key for LDAP / cognos-user").doc("Cognos API login keys.");
    public static final ConfigKey<String> COGNOS_KEY = ConfigKey.string(S + "cognos.apiKeys[].key").fileOnly().masked().doc("The key.");
    public static final ConfigKey<String> COGNOS_KEY_NS = ConfigKey.string(S + "cognos.apiKeys[].namespace").fileOnly().doc("Namespace.");
    public static final ConfigKey<String> COGNOS_KEY_USER = ConfigKey.string(S + "cognos.apiKeys[].username").fileOnly()
            .doc("User the key logs in as.");
    public static final ConfigKey<Duration> COGNOS_IDLE = ConfigKey.duration(S + "cognos.sessionIdleTimeout")
            .defaultValue(Duration.ofMinutes(60)).doc("Session idle timeout.");
    public static final ConfigKey<List<String>> COGNOS_REPORTS = ConfigKey.stringList(S + "cognos.reportStoreIds")
            .defaultValue(List.of("iQueueStatsReport")).doc("Report store ids that answer.");

    // auth0
    public static final ConfigKey<List<ConfigSection>> AUTH0_CLIENTS = ConfigKey.items(S + "auth0.clients")
            .computedDefault("auth0-client / auth0-secret").doc("Auth0 applications.");
    public static final ConfigKey<String> AUTH0_CLIENT_ID = ConfigKey.string(S + "auth0.clients[].clientId").fileOnly().doc("Client id.");
    public static final ConfigKey<String> AUTH0_SECRET = ConfigKey.string(S + "auth0.clients[].secret").fileOnly().masked()
            .doc("Client secret.");
    public static final ConfigKey<Duration> AUTH0_LIFETIME = ConfigKey.duration(S + "auth0.clients[].tokenLifetime").fileOnly()
            .defaultValue(Duration.ofHours(24)).doc("Token lifetime.");
    public static final ConfigKey<Map<String, List<String>>> AUTH0_GRANTS = ConfigKey.of(S + "auth0.clients[].grants",
            ConfigType.STRING_LIST_MAP).fileOnly().computedDefault("{" + SimulatorConfig.DEFAULT_AUTH0_AUDIENCE + ": [read:stats]}")
            .doc("Client grants: API audience -> scopes.");
    public static final ConfigKey<String> AUTH0_TENANT = ConfigKey.string(S + "auth0.clients[].tenant").fileOnly().defaultValue("open-cosmos")
            .doc("Tenant name.");
    public static final ConfigKey<List<String>> AUTH0_APIS = ConfigKey.stringList(S + "auth0.apis")
            .defaultValue(List.of(SimulatorConfig.DEFAULT_AUTH0_AUDIENCE)).doc("API audiences the tenant knows.");
    public static final ConfigKey<String> AUTH0_AUDIENCE = ConfigKey.string(S + "auth0.protectedApiAudience")
            .defaultValue(SimulatorConfig.DEFAULT_AUTH0_AUDIENCE).doc("Audience the protected API accepts.");
    public static final ConfigKey<String> AUTH0_SCOPE = ConfigKey.string(S + "auth0.protectedApiScope").defaultValue("read:stats")
            .doc("Scope the protected API needs.");
    public static final ConfigKey<Integer> AUTH0_RATE = ConfigKey.integer(S + "auth0.rateLimitPerMinute").defaultValue(100)
            .doc("Token requests per minute before 429.");
    public static final ConfigKey<Boolean> AUTH0_LEGACY = ConfigKey.bool(S + "auth0.legacyUnauthorizedClientError").defaultValue(false)
            .doc("Answer a missing grant with the older unauthorized_client error.");

    // oauth2
    public static final ConfigKey<List<ConfigSection>> OAUTH2_CLIENTS = ConfigKey.items(S + "oauth2.clients")
            .computedDefault("oauth2-client / p@ss+w%rd/=").doc("RFC 6749 clients.");
    public static final ConfigKey<String> OAUTH2_CLIENT_ID = ConfigKey.string(S + "oauth2.clients[].clientId").fileOnly().doc("Client id.");
    public static final ConfigKey<String> OAUTH2_SECRET = ConfigKey.string(S + "oauth2.clients[].secret").fileOnly().masked()
            .doc("Client secret.");
    public static final ConfigKey<List<String>> OAUTH2_AUTH_METHODS = ConfigKey.stringList(S + "oauth2.clients[].authMethods").fileOnly()
            .computedDefault("client_secret_basic, client_secret_post").doc("client_secret_basic and/or client_secret_post.");
    public static final ConfigKey<List<String>> OAUTH2_GRANTS = ConfigKey.stringList(S + "oauth2.clients[].grants").fileOnly()
            .defaultValue(List.of("client_credentials")).doc("Grant types.");
    public static final ConfigKey<List<String>> OAUTH2_SCOPES = ConfigKey.stringList(S + "oauth2.clients[].scopes").fileOnly()
            .defaultValue(List.of("queues:read", "stats:read")).doc("Scopes the client may get.");
    public static final ConfigKey<Duration> OAUTH2_LIFETIME = ConfigKey.duration(S + "oauth2.clients[].tokenLifetime").fileOnly()
            .defaultValue(Duration.ofHours(1)).doc("Token lifetime.");
    public static final ConfigKey<Boolean> OAUTH2_REFRESH = ConfigKey.bool(S + "oauth2.clients[].issueRefreshToken").fileOnly()
            .defaultValue(false).doc("Issue refresh tokens (adds the refresh_token grant).");
    public static final ConfigKey<String> OAUTH2_TENANT = ConfigKey.string(S + "oauth2.clients[].tenant").fileOnly().defaultValue("default")
            .doc("Tenant name.");
    public static final ConfigKey<Map<String, String>> OAUTH2_REQUIRED = ConfigKey.stringMap(S + "oauth2.clients[].requiredParams")
            .fileOnly().defaultValue(Map.of()).doc("Token request parameters the client must send, name -> value.");
    public static final ConfigKey<String> OAUTH2_SCOPE = ConfigKey.string(S + "oauth2.protectedApiScope").defaultValue("queues:read")
            .doc("Scope the protected API needs.");
    public static final ConfigKey<Boolean> OAUTH2_ONE_LESS = ConfigKey.bool(S + "oauth2.expiresInOneLess").defaultValue(false)
            .doc("Send expires_in one second short of the real lifetime.");
    public static final ConfigKey<Boolean> OAUTH2_OMIT = ConfigKey.bool(S + "oauth2.omitExpiresIn").defaultValue(false)
            .doc("Leave expires_in out of token answers.");
    public static final ConfigKey<Boolean> OAUTH2_EMPTY = ConfigKey.bool(S + "oauth2.emptyInvalidClientBody").defaultValue(false)
            .doc("Answer invalid_client with an empty body.");
    public static final ConfigKey<Boolean> OAUTH2_LOGIN_PAGE = ConfigKey.bool(S + "oauth2.loginPageRedirect").defaultValue(false)
            .doc("Unknown paths under /oauth2 answer 302 to an HTML sign-in page, as servers with a browser login do.");

    /** Every simulator key, in file order. */
    public static final List<ConfigKey<?>> KEYS = List.of(HOST, PORT, SEED, ALLOW_SHORT_LIFETIMES, MAX_RECORDED_REQUESTS,
            SEQUENCE_FIELD, EVENT_LOOPS, GENERATED_QUEUES, CLOCK_START, CLOCK_FROZEN, TLS_CERTIFICATE, TLS_PRIVATE_KEY, QUEUES, QUEUE_ID, QUEUE_NAME, QUEUE_SKILL, QUEUE_MEDIA, QUEUE_AGENTS,
            GENESYS_CLIENTS, GENESYS_CLIENT_ID, GENESYS_SECRET, GENESYS_LIFETIME, GENESYS_GRANTS, GENESYS_PERMISSIONS,
            GENESYS_ORGANIZATION, GENESYS_RATE, GENESYS_MAX_QUEUES, GENESYS_INVALID_STATUS,
            CXONE_CLIENTS, CXONE_CLIENT_ID, CXONE_CLIENT_SECRET, CXONE_KEYS, CXONE_KEY_ID, CXONE_KEY_SECRET, CXONE_KEY_TENANT,
            CXONE_TENANTS, CXONE_TENANT_ID, CXONE_TENANT_AREA, CXONE_LIFETIME, CXONE_REFRESH_LIFETIME, CXONE_FORM_BASIC,
            CXONE_SINGLE_USE, CXONE_WRAP, CXONE_RATE,
            COGNOS_NAMESPACES, COGNOS_USERS, COGNOS_USER_NS, COGNOS_USER_NAME, COGNOS_USER_PASSWORD, COGNOS_KEYS, COGNOS_KEY,
            COGNOS_KEY_NS, COGNOS_KEY_USER, COGNOS_IDLE, COGNOS_REPORTS,
            AUTH0_CLIENTS, AUTH0_CLIENT_ID, AUTH0_SECRET, AUTH0_LIFETIME, AUTH0_GRANTS, AUTH0_TENANT, AUTH0_APIS, AUTH0_AUDIENCE,
            AUTH0_SCOPE, AUTH0_RATE, AUTH0_LEGACY,
            OAUTH2_CLIENTS, OAUTH2_CLIENT_ID, OAUTH2_SECRET, OAUTH2_AUTH_METHODS, OAUTH2_GRANTS, OAUTH2_SCOPES, OAUTH2_LIFETIME,
            OAUTH2_REFRESH, OAUTH2_TENANT, OAUTH2_REQUIRED, OAUTH2_SCOPE, OAUTH2_ONE_LESS, OAUTH2_OMIT, OAUTH2_EMPTY, OAUTH2_LOGIN_PAGE);

    /** Keys whose items are checked per list. */
    private static final Map<String, List<ConfigKey<?>>> ITEM_KEYS = itemKeys();

    private final ConfigSection sim;

    private YamlConfigReader(ConfigSection sim) {
        this.sim = sim;
    }

    /** Reads a file (its {@code simulator:} section, or the whole file when it holds only simulator settings). */
    public static SimulatorConfig read(Path file) {
        return read(ConfigSource.load(file, System.getenv()), SimulatorConfig.builder());
    }

    /**
     * Reads the simulator settings of {@code source} over {@code base}: keys that are not set keep the builder's values.
     *
     * @throws ConfigException with every problem found
     */
    public static SimulatorConfig read(ConfigSource source, SimulatorConfig.Builder base) {
        ConfigProblems problems = source.newProblems();
        ConfigSection sim = standalone(source) ? source.rootAs("simulator", problems) : source.root(problems).section("simulator");
        YamlConfigReader r = new YamlConfigReader(sim);
        r.apply(base);
        SimulatorConfig cfg = null;
        try {
            cfg = base.build(source.origin()); // its own checks (ranges, lifetimes, references between keys)
        } catch (ConfigException e) {
            String prefix = sim.path().isEmpty() ? "" : sim.path() + ".";
            for (ConfigProblem p : e.problems()) {
                problems.add(prefix + p.key(), p.value(), p.message());
            }
        }
        problems.throwIfAny();
        return cfg;
    }

    /** Whether the file holds simulator settings at the top (a simulator-only file) rather than a {@code simulator:} section. */
    private static boolean standalone(ConfigSource source) {
        return ConfigSource.SECTIONS.stream().noneMatch(source::has);
    }

    private static Map<String, List<ConfigKey<?>>> itemKeys() {
        Map<String, List<ConfigKey<?>>> out = new HashMap<>();
        for (ConfigKey<?> k : KEYS) {
            int list = k.name().indexOf("[]");
            if (list >= 0) {
                out.computeIfAbsent(k.name().substring(0, list), x -> new ArrayList<>()).add(k);
            }
        }
        return out;
    }

    private List<ConfigSection> items(ConfigKey<?> list) {
        List<ConfigSection> items = sim.items(list.name());
        for (ConfigSection item : items) {
            item.rejectUnknownKeys(ITEM_KEYS.get(list.name()), List.of());
        }
        return items;
    }

    private static <T> T or(ConfigSection s, ConfigKey<T> key, T def) {
        if (!s.isSet(key)) {
            return def;
        }
        T v = s.get(key);
        return v == null ? def : v;
    }

    private static Secret secret(ConfigSection s, ConfigKey<String> key) {
        String v = or(s, key, "");
        return Secret.of(v, s.where(key));
    }

    private void apply(SimulatorConfig.Builder b) {
        sim.rejectUnknownKeys(KEYS, List.of());
        if (sim.isSet(HOST)) b.host(sim.get(HOST));
        if (sim.isSet(PORT)) b.port(or(sim, PORT, -1));
        if (sim.isSet(SEED)) b.seed(or(sim, SEED, 42L));
        if (sim.isSet(ALLOW_SHORT_LIFETIMES)) b.allowShortLifetimes(or(sim, ALLOW_SHORT_LIFETIMES, false));
        if (sim.isSet(MAX_RECORDED_REQUESTS)) b.maxRecordedRequests(or(sim, MAX_RECORDED_REQUESTS, 0));
        if (sim.isSet(SEQUENCE_FIELD)) b.sequenceField(or(sim, SEQUENCE_FIELD, true));
        if (sim.isSet(EVENT_LOOPS)) b.eventLoops(or(sim, EVENT_LOOPS, 1));
        if (sim.isSet(GENERATED_QUEUES)) b.generatedQueues(or(sim, GENERATED_QUEUES, 0));
        if (sim.isSet(TLS_CERTIFICATE) || sim.isSet(TLS_PRIVATE_KEY)) {
            java.nio.file.Path cert = sim.require(TLS_CERTIFICATE);
            java.nio.file.Path key = sim.require(TLS_PRIVATE_KEY);
            if (cert != null && key != null) {
                b.tls(new SimulatorConfig.Tls(cert, key));
            }
        }
        if (sim.isSet(CLOCK_START) || sim.isSet(CLOCK_FROZEN)) {
            b.clock(new SimulatorConfig.Clock(sim.get(CLOCK_START), or(sim, CLOCK_FROZEN, false)));
        }
        if (sim.has(QUEUES.name())) {
            List<QueueSpec> qs = new ArrayList<>();
            int i = 0;
            for (ConfigSection q : items(QUEUES)) {
                i++;
                qs.add(new QueueSpec(or(q, QUEUE_ID, "queue-" + i), or(q, QUEUE_NAME, "Queue " + i), or(q, QUEUE_SKILL, 1000 + i),
                        List.copyOf(new TreeSet<>(or(q, QUEUE_MEDIA, List.of("voice")))), or(q, QUEUE_AGENTS, 20)));
            }
            b.queues(qs);
        }
        genesys(b);
        cxone(b);
        cognos(b);
        auth0(b);
        oauth2(b);
    }

    private void genesys(SimulatorConfig.Builder b) {
        if (sim.has(GENESYS_CLIENTS.name())) {
            List<GenesysClient> list = new ArrayList<>();
            for (ConfigSection c : items(GENESYS_CLIENTS)) {
                GenesysClient d = GenesysClient.of(or(c, GENESYS_CLIENT_ID, ""), "");
                list.add(new GenesysClient(d.clientId(), secret(c, GENESYS_SECRET), or(c, GENESYS_LIFETIME, d.tokenLifetime()),
                        c.isSet(GENESYS_GRANTS) ? new HashSet<>(or(c, GENESYS_GRANTS, List.of())) : d.grants(),
                        c.isSet(GENESYS_PERMISSIONS) ? new HashSet<>(or(c, GENESYS_PERMISSIONS, List.of())) : d.permissions(),
                        or(c, GENESYS_ORGANIZATION, d.organization())));
            }
            b.genesys(x -> new SimulatorConfig.Genesys(list, x.rateLimitPerMinute(), x.maxQueueIdsPerObservationQuery(),
                    x.invalidClientStatus()));
        }
        b.genesys(x -> new SimulatorConfig.Genesys(x.clients(), or(sim, GENESYS_RATE, x.rateLimitPerMinute()),
                or(sim, GENESYS_MAX_QUEUES, x.maxQueueIdsPerObservationQuery()), or(sim, GENESYS_INVALID_STATUS, x.invalidClientStatus())));
    }

    private void cxone(SimulatorConfig.Builder b) {
        b.cxone(x -> {
            List<CxoneClient> clients = x.clients();
            if (sim.has(CXONE_CLIENTS.name())) {
                clients = new ArrayList<>();
                for (ConfigSection n : items(CXONE_CLIENTS)) {
                    clients.add(new CxoneClient(or(n, CXONE_CLIENT_ID, ""), secret(n, CXONE_CLIENT_SECRET)));
                }
            }
            List<CxoneAccessKey> keys = x.accessKeys();
            if (sim.has(CXONE_KEYS.name())) {
                keys = new ArrayList<>();
                for (ConfigSection n : items(CXONE_KEYS)) {
                    keys.add(new CxoneAccessKey(or(n, CXONE_KEY_ID, ""), secret(n, CXONE_KEY_SECRET), or(n, CXONE_KEY_TENANT, "")));
                }
            }
            List<CxoneTenant> tenants = x.tenants();
            if (sim.has(CXONE_TENANTS.name())) {
                tenants = new ArrayList<>();
                for (ConfigSection n : items(CXONE_TENANTS)) {
                    tenants.add(new CxoneTenant(or(n, CXONE_TENANT_ID, ""), or(n, CXONE_TENANT_AREA, "")));
                }
            }
            return new SimulatorConfig.Cxone(clients, keys, tenants, or(sim, CXONE_LIFETIME, x.tokenLifetime()),
                    or(sim, CXONE_REFRESH_LIFETIME, x.refreshTokenLifetime()), or(sim, CXONE_FORM_BASIC, x.acceptFormUrlEncodedBasic()),
                    or(sim, CXONE_SINGLE_USE, x.refreshTokenSingleUse()), or(sim, CXONE_WRAP, x.wrapActivityInResultSet()),
                    or(sim, CXONE_RATE, x.rateLimitPerMinute()));
        });
    }

    private void cognos(SimulatorConfig.Builder b) {
        b.cognos(x -> {
            List<CognosUser> users = x.users();
            if (sim.has(COGNOS_USERS.name())) {
                users = new ArrayList<>();
                for (ConfigSection n : items(COGNOS_USERS)) {
                    users.add(new CognosUser(or(n, COGNOS_USER_NS, ""), or(n, COGNOS_USER_NAME, ""), secret(n, COGNOS_USER_PASSWORD)));
                }
            }
            List<CognosApiKey> keys = x.apiKeys();
            if (sim.has(COGNOS_KEYS.name())) {
                keys = new ArrayList<>();
                for (ConfigSection n : items(COGNOS_KEYS)) {
                    keys.add(new CognosApiKey(secret(n, COGNOS_KEY), or(n, COGNOS_KEY_NS, ""), or(n, COGNOS_KEY_USER, "")));
                }
            }
            return new SimulatorConfig.Cognos(sim.isSet(COGNOS_NAMESPACES) ? distinct(or(sim, COGNOS_NAMESPACES, x.namespaces()))
                    : x.namespaces(), users, keys, or(sim, COGNOS_IDLE, x.sessionIdleTimeout()),
                    sim.isSet(COGNOS_REPORTS) ? distinct(or(sim, COGNOS_REPORTS, x.reportStoreIds())) : x.reportStoreIds());
        });
    }

    private void auth0(SimulatorConfig.Builder b) {
        b.auth0(x -> {
            List<Auth0Client> clients = x.clients();
            if (sim.has(AUTH0_CLIENTS.name())) {
                clients = new ArrayList<>();
                for (ConfigSection n : items(AUTH0_CLIENTS)) {
                    Map<String, Set<String>> grants = new HashMap<>();
                    if (n.isSet(AUTH0_GRANTS)) {
                        or(n, AUTH0_GRANTS, Map.<String, List<String>>of()).forEach((aud, scopes) -> grants.put(aud, new HashSet<>(scopes)));
                    } else {
                        grants.put(SimulatorConfig.DEFAULT_AUTH0_AUDIENCE, Set.of("read:stats"));
                    }
                    clients.add(new Auth0Client(or(n, AUTH0_CLIENT_ID, ""), secret(n, AUTH0_SECRET),
                            or(n, AUTH0_LIFETIME, Duration.ofHours(24)), grants, or(n, AUTH0_TENANT, "open-cosmos")));
                }
            }
            return new SimulatorConfig.Auth0(clients, sim.isSet(AUTH0_APIS) ? distinct(or(sim, AUTH0_APIS, x.apis())) : x.apis(),
                    or(sim, AUTH0_AUDIENCE, x.protectedApiAudience()), or(sim, AUTH0_SCOPE, x.protectedApiScope()),
                    or(sim, AUTH0_RATE, x.rateLimitPerMinute()), or(sim, AUTH0_LEGACY, x.legacyUnauthorizedClientError()));
        });
    }

    private void oauth2(SimulatorConfig.Builder b) {
        b.oauth2(x -> {
            List<OAuth2Client> clients = x.clients();
            if (sim.has(OAUTH2_CLIENTS.name())) {
                clients = new ArrayList<>();
                for (ConfigSection n : items(OAUTH2_CLIENTS)) {
                    OAuth2Client d = OAuth2Client.of(or(n, OAUTH2_CLIENT_ID, ""), "");
                    boolean refresh = or(n, OAUTH2_REFRESH, false);
                    Set<String> grants = n.isSet(OAUTH2_GRANTS) ? new HashSet<>(or(n, OAUTH2_GRANTS, List.of())) : new HashSet<>(d.grants());
                    if (refresh) {
                        grants.add("refresh_token");
                    }
                    clients.add(new OAuth2Client(d.clientId(), secret(n, OAUTH2_SECRET),
                            n.isSet(OAUTH2_AUTH_METHODS) ? new HashSet<>(or(n, OAUTH2_AUTH_METHODS, List.of())) : d.authMethods(), grants,
                            n.isSet(OAUTH2_SCOPES) ? new HashSet<>(or(n, OAUTH2_SCOPES, List.of())) : d.scopes(),
                            or(n, OAUTH2_LIFETIME, d.tokenLifetime()), refresh, or(n, OAUTH2_TENANT, d.tenant()),
                            or(n, OAUTH2_REQUIRED, Map.of())));
                }
            }
            return new SimulatorConfig.OAuth2(clients, or(sim, OAUTH2_SCOPE, x.protectedApiScope()),
                    or(sim, OAUTH2_ONE_LESS, x.expiresInOneLess()), or(sim, OAUTH2_OMIT, x.omitExpiresIn()),
                    or(sim, OAUTH2_EMPTY, x.emptyInvalidClientBody()), or(sim, OAUTH2_LOGIN_PAGE, x.loginPageRedirect()));
        });
    }

    private static List<String> distinct(List<String> values) {
        return List.copyOf(new LinkedHashSet<>(values));
    }
}
