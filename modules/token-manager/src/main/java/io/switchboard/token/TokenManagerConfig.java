package io.switchboard.token;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

import io.switchboard.core.ConfigException;
import io.switchboard.core.ConfigProblem;
import io.switchboard.core.ConfigProblems;
import io.switchboard.core.Secret;
import io.switchboard.core.Topics;
import io.switchboard.core.config.Checks;
import io.switchboard.core.config.ConfigKey;
import io.switchboard.core.config.ConfigReference;
import io.switchboard.core.config.ConfigSection;
import io.switchboard.core.config.ConfigSource;
import io.switchboard.core.config.SharedKeys;
import io.switchboard.registry.SchemaRegistryConfig;
import io.switchboard.token.login.CredentialSpec;
import io.switchboard.token.login.CredentialsConfig;

/**
 * Configuration of one token-manager instance, read from the deployment's configuration file
 * ({@link io.switchboard.core.config.ConfigFile}) with environment overrides.
 *
 * <p>Every key is declared once below as a {@link ConfigKey} with its name, type, default,
 * documentation and validation ({@link #configKeys()}); {@link #reference()} prints them. A key {@code a.bC}
 * is overridden by the environment variable {@code SWITCHBOARD_A_B_C} (e.g.
 * {@code SWITCHBOARD_KAFKA_BOOTSTRAP_SERVERS}, {@code SWITCHBOARD_TOKEN_MANAGER_OPS_PORT}). Loading
 * validates everything and throws one {@link ConfigException} with every problem; values of secrets
 * are never shown. The file's other roles' sections ({@code poller}, {@code aggregator},
 * {@code simulator}) are left alone. Immutable; {@link #toString()} masks secrets and Kafka properties
 * that look like credentials.
 *
 * <pre>
 * kafka:
 *   bootstrapServers: localhost:9092
 *   topicPrefix: switchboard
 *   properties: {security.protocol: SASL_SSL, sasl.jaas.config: "${env:KAFKA_JAAS}"}
 * schemaRegistry:
 *   url: https://registry:8081
 *   properties: {basic.auth.user.info: "${env:REGISTRY_USER_INFO}", schema.registry.ssl.truststore.location: /etc/ca.p12}
 * encryption:
 *   activeKeyId: k1
 *   keys: {k1: "${env:SWITCHBOARD_TOKEN_KEY}"}
 * tokenManager:
 *   refresh: {lifetimeShare: 0.75, minRemaining: 2m}
 *   ops: {port: 9401}
 * credentials:
 *   - id: genesys-prod
 *     ...
 * </pre>
 *
 * <p>Files written for earlier releases keep working: the top-level {@code instanceId}, {@code refresh.*}
 * and {@code ops.*} are read as {@code tokenManager.instanceId}, {@code tokenManager.refresh.*} and
 * {@code tokenManager.ops.*}.
 *
 * @param bootstrapServers  Kafka {@code bootstrap.servers}
 * @param topicPrefix       prefix of every topic name
 * @param kafkaProperties   extra Kafka client properties for every client (security settings…);
 *                          values may be {@code ${env:…}}/{@code ${file:…}} references
 * @param schemaRegistryUrl URL of the Confluent-compatible schema registry
 * @param schemaRegistry    how to reach it: {@code schemaRegistry.url} with {@code schemaRegistry.properties} (HTTP Basic,
 *                          bearer token, TLS, timeouts, retries); {@code null} means the URL alone
 * @param instanceId        id of this instance in logs, status events and {@code ownerId}
 * @param keys              encryption keys for token material
 * @param refresh           refresh and backoff policy
 * @param opsHost           interface of the /health, /ready, /metrics server
 * @param opsPort           port of that server; 0 = any free port, -1 = no server
 * @param requestPartitions partitions of the token-requests topic when this instance creates it
 * @param credentials       the credentials this fleet logs in with (parsed by {@link CredentialsConfig})
 */
public record TokenManagerConfig(
        String bootstrapServers,
        String topicPrefix,
        Map<String, String> kafkaProperties,
        String schemaRegistryUrl,
        SchemaRegistryConfig schemaRegistry,
        String instanceId,
        TokenKeys keys,
        RefreshSettings refresh,
        String opsHost,
        int opsPort,
        int requestPartitions,
        List<CredentialSpec> credentials) {

    /** Prefix of environment variables that override keys. */
    public static final String ENV_PREFIX = ConfigKey.ENV_PREFIX;

    // ---- kafka (shared by every role) ----

    /** Kafka bootstrap servers. */
    public static final ConfigKey<String> BOOTSTRAP_SERVERS = SharedKeys.KAFKA_BOOTSTRAP_SERVERS;
    /** Prefix of every topic name. */
    public static final ConfigKey<String> TOPIC_PREFIX = SharedKeys.KAFKA_TOPIC_PREFIX;
    /** Partitions of the token-requests topic. */
    public static final ConfigKey<Integer> REQUEST_PARTITIONS = ConfigKey.integer("kafka.requestPartitions").defaultValue(12)
            .check(Checks.between(1, 10_000))
            .doc("Partitions of <prefix>.token-requests when the token manager creates it; one instance owns the credentials of"
                    + " each partition, so this caps useful token-manager instances.");
    /** Extra Kafka client properties. */
    public static final ConfigKey<Map<String, String>> KAFKA_PROPERTIES = SharedKeys.KAFKA_PROPERTIES;

    // ---- schemaRegistry, encryption (shared) ----

    /** Schema registry URL. */
    public static final ConfigKey<String> SCHEMA_REGISTRY_URL = SharedKeys.SCHEMA_REGISTRY_URL;
    /** Schema registry client settings (Confluent names: basic auth, bearer token, TLS, timeouts, retries). */
    public static final ConfigKey<Map<String, String>> SCHEMA_REGISTRY_PROPERTIES = SharedKeys.SCHEMA_REGISTRY_PROPERTIES;
    /** Id of the key that encrypts new tokens. */
    public static final ConfigKey<String> ACTIVE_KEY_ID = SharedKeys.ENCRYPTION_ACTIVE_KEY_ID;
    /** Encryption keys by id. */
    public static final ConfigKey<Map<String, Secret>> ENCRYPTION_KEYS = SharedKeys.ENCRYPTION_KEYS;

    // ---- tokenManager ----

    /** Id of this instance. */
    public static final ConfigKey<String> INSTANCE_ID = ConfigKey.string("tokenManager.instanceId").alias("instanceId")
            .computedDefault("<hostname>-<pid>").check(Checks.notBlank())
            .doc("Id of this instance in logs, status events and TokenRecord.ownerId.");
    public static final ConfigKey<Double> LIFETIME_SHARE = ConfigKey.decimal("tokenManager.refresh.lifetimeShare")
            .alias("refresh.lifetimeShare").defaultValue(0.75).check(Checks.between(0.0, false, 1.0))
            .doc("Share of the token lifetime after which it is refreshed, in (0, 1].");
    public static final ConfigKey<Double> JITTER = ConfigKey.decimal("tokenManager.refresh.jitter").alias("refresh.jitter")
            .defaultValue(0.1).check(Checks.between(0.0, true, 0.5))
            .doc("Random share in [0, 0.5] by which refreshes and backoffs are brought forward.");
    public static final ConfigKey<Duration> MIN_REMAINING = ConfigKey.duration("tokenManager.refresh.minRemaining")
            .alias("refresh.minRemaining").defaultValue(Duration.ofMinutes(2)).check(Checks.notNegative())
            .doc("Refresh at the latest this long before expiry (when the lifetime allows).");
    public static final ConfigKey<Duration> DEFAULT_LIFETIME = ConfigKey.duration("tokenManager.refresh.defaultLifetime")
            .alias("refresh.defaultLifetime").defaultValue(Duration.ofHours(1)).check(Checks.positive())
            .doc("Token lifetime assumed when the vendor does not send expires_in (a credential's defaultLifetime wins).");
    public static final ConfigKey<Duration> BACKOFF_INITIAL = ConfigKey.duration("tokenManager.refresh.backoffInitial")
            .alias("refresh.backoffInitial").defaultValue(Duration.ofSeconds(1)).check(Checks.positive())
            .doc("Wait after the first failed login; doubles per failure.");
    public static final ConfigKey<Duration> BACKOFF_MAX = ConfigKey.duration("tokenManager.refresh.backoffMax")
            .alias("refresh.backoffMax").defaultValue(Duration.ofMinutes(5)).check(Checks.positive())
            .doc("Longest wait between failed logins; at least backoffInitial.");
    public static final ConfigKey<Duration> PARKED_RETRY = ConfigKey.duration("tokenManager.refresh.parkedRetry")
            .alias("refresh.parkedRetry").defaultValue(Duration.ofHours(1)).check(Checks.positive())
            .doc("Wait before retrying a credential the vendor rejected (invalid_client, access_denied, ...).");
    public static final ConfigKey<String> OPS_HOST = ConfigKey.string("tokenManager.ops.host").alias("ops.host")
            .defaultValue("127.0.0.1").check(s -> s.isBlank() ? "must not be blank; use 127.0.0.1 or 0.0.0.0" : null)
            .doc("Interface of the /health, /ready, /metrics server; 0.0.0.0 for all.");
    public static final ConfigKey<Integer> OPS_PORT = ConfigKey.integer("tokenManager.ops.port").alias("ops.port")
            .defaultValue(9401).check(Checks.between(-1, 65535))
            .doc("Port of the ops server; 0 = any free port (e.g. a second instance on one host), -1 = no server.");
    /** The credentials list (its items' keys: {@link CredentialsConfig#keys()}). */
    public static final ConfigKey<java.util.List<io.switchboard.core.config.ConfigSection>> CREDENTIALS = ConfigKey.items("credentials").required()
            .doc("The credentials this fleet logs in with: a list of mappings with id, provider and the provider's keys.");

    private static final List<ConfigKey<?>> SHARED_KEYS = List.of(BOOTSTRAP_SERVERS, TOPIC_PREFIX, REQUEST_PARTITIONS, KAFKA_PROPERTIES,
            SCHEMA_REGISTRY_URL, SCHEMA_REGISTRY_PROPERTIES, ACTIVE_KEY_ID, ENCRYPTION_KEYS);
    private static final List<ConfigKey<?>> OWN_KEYS = List.of(INSTANCE_ID, LIFETIME_SHARE, JITTER, MIN_REMAINING, DEFAULT_LIFETIME,
            BACKOFF_INITIAL, BACKOFF_MAX, PARKED_RETRY, OPS_HOST, OPS_PORT);
    private static final List<ConfigKey<?>> KEYS;

    static {
        List<ConfigKey<?>> all = new ArrayList<>(SHARED_KEYS);
        all.addAll(OWN_KEYS);
        all.add(CREDENTIALS);
        KEYS = List.copyOf(all);
    }

    private static final Pattern SENSITIVE = Pattern.compile("(?i).*(password|secret|jaas|token|credential|key).*");

    public TokenManagerConfig {
        Objects.requireNonNull(bootstrapServers, "bootstrapServers");
        Objects.requireNonNull(topicPrefix, "topicPrefix");
        kafkaProperties = Map.copyOf(kafkaProperties);
        if (schemaRegistry == null && schemaRegistryUrl != null) {
            schemaRegistry = SchemaRegistryConfig.of(schemaRegistryUrl);
        }
        Objects.requireNonNull(instanceId, "instanceId");
        Objects.requireNonNull(keys, "keys");
        Objects.requireNonNull(refresh, "refresh");
        credentials = credentials == null ? List.of() : List.copyOf(credentials);
    }

    /** Every key the token manager reads outside the credentials list, in file order (credentials: {@link CredentialsConfig#keys()}). */
    public static List<ConfigKey<?>> configKeys() {
        return KEYS;
    }

    /** The reference sections of the keys the token manager reads: shared sections, tokenManager, credentials. */
    public static ConfigReference referenceSections(ConfigReference reference) {
        return reference
                .section("kafka, schemaRegistry, encryption (shared by every role)",
                        "Read by the token manager and by every reader of tokens (pollers, tools).", SHARED_KEYS)
                .section("tokenManager", "Settings of `switchboard token-manager` only. The older top-level names"
                        + " (instanceId, refresh.*, ops.*) are still read.", OWN_KEYS)
                .section("credentials", "A list; each item has an id, a provider and the provider's keys (the provider of each key in"
                        + " brackets). A credential's keys are overridden by environment variables with its id in place of <ID>"
                        + " (genesys-eu: GENESYS_EU). Each item may have a poll: list, read by the pollers.",
                        withCredentialsList());
    }

    private static List<ConfigKey<?>> withCredentialsList() {
        List<ConfigKey<?>> keys = new ArrayList<>();
        keys.add(CREDENTIALS);
        keys.addAll(CredentialsConfig.keys());
        return keys;
    }

    /** The token manager's keys as plain text, for {@code --print-config-reference}. */
    public static String reference() {
        return referenceSections(ConfigReference.of()).text();
    }

    /** Topic names under {@link #topicPrefix()}. */
    public Topics topics() {
        return new Topics(topicPrefix);
    }

    /** Loads a file, resolving references and overrides against the process environment. */
    public static TokenManagerConfig load(Path file) {
        return load(file, System.getenv());
    }

    /** Loads a file, resolving references and overrides against {@code env}. */
    public static TokenManagerConfig load(Path file, Map<String, String> env) {
        return from(ConfigSource.load(file, env));
    }

    /**
     * Parses YAML text.
     *
     * @param source name of the source in problem messages (a file path)
     * @throws ConfigException with every problem found
     */
    public static TokenManagerConfig parse(String yaml, String source, Map<String, String> env) {
        return from(ConfigSource.parse(yaml, source, env));
    }

    /**
     * Reads the token manager's keys from a configuration.
     *
     * @throws ConfigException with every problem found
     */
    public static TokenManagerConfig from(ConfigSource source) {
        ConfigProblems problems = source.newProblems();
        ConfigSection root = source.root(problems);
        List<String> foreign = new ArrayList<>(ConfigSource.SECTIONS);
        foreign.removeAll(List.of("kafka", "schemaRegistry", "encryption", "tokenManager", "credentials"));
        root.rejectUnknownKeys(KEYS, foreign);

        String bootstrap = root.get(BOOTSTRAP_SERVERS);
        String prefix = root.get(TOPIC_PREFIX);
        Integer requestPartitions = root.get(REQUEST_PARTITIONS);
        Map<String, String> kafkaProps = root.get(KAFKA_PROPERTIES);
        String registry = root.get(SCHEMA_REGISTRY_URL);
        Map<String, String> registryProperties = root.get(SCHEMA_REGISTRY_PROPERTIES);
        SchemaRegistryConfig registryConfig = registry == null || registryProperties == null ? null
                : SchemaRegistryConfig.fromSettings(registry, registryProperties, problems);
        String instanceId = root.get(INSTANCE_ID);
        if (instanceId == null) {
            instanceId = defaultInstanceId();
        }
        TokenKeys keys = TokenKeys.fromConfig(root).orElse(null);
        Double share = root.get(LIFETIME_SHARE);
        Double jitter = root.get(JITTER);
        Duration minRemaining = root.get(MIN_REMAINING);
        Duration defaultLifetime = root.get(DEFAULT_LIFETIME);
        Duration backoffInitial = root.get(BACKOFF_INITIAL);
        Duration backoffMax = root.get(BACKOFF_MAX);
        Duration parkedRetry = root.get(PARKED_RETRY);
        if (backoffInitial != null && backoffMax != null && backoffMax.compareTo(backoffInitial) < 0) {
            root.problem(BACKOFF_MAX, backoffMax, "is shorter than " + BACKOFF_INITIAL.name() + " ("
                    + BACKOFF_INITIAL.describe(backoffInitial) + ")");
        }
        String opsHost = root.get(OPS_HOST);
        Integer opsPort = root.get(OPS_PORT);
        List<CredentialSpec> credentials = CredentialsConfig.parse(root);
        problems.throwIfAny();
        return new TokenManagerConfig(bootstrap, prefix, kafkaProps, registry, registryConfig, instanceId, keys,
                new RefreshSettings(share, jitter, minRemaining, defaultLifetime, backoffInitial, backoffMax, parkedRetry),
                opsHost, opsPort, requestPartitions, credentials);
    }

    /** A copy with other credentials (tests, embedded demo). */
    public TokenManagerConfig withCredentials(List<CredentialSpec> credentials) {
        return new TokenManagerConfig(bootstrapServers, topicPrefix, kafkaProperties, schemaRegistryUrl, schemaRegistry, instanceId, keys,
                refresh, opsHost, opsPort, requestPartitions, credentials);
    }

    /** A copy with another instance id (tests run several instances in one JVM). */
    public TokenManagerConfig withInstanceId(String instanceId) {
        return new TokenManagerConfig(bootstrapServers, topicPrefix, kafkaProperties, schemaRegistryUrl, schemaRegistry, instanceId, keys,
                refresh, opsHost, opsPort, requestPartitions, credentials);
    }

    /** Kafka client properties: bootstrap servers plus {@link #kafkaProperties()}. */
    public Map<String, Object> kafkaClientProperties() {
        Map<String, Object> props = new LinkedHashMap<>(kafkaProperties);
        props.put("bootstrap.servers", bootstrapServers);
        return props;
    }

    @Override
    public String toString() {
        Map<String, String> masked = new LinkedHashMap<>();
        kafkaProperties.forEach((k, v) -> masked.put(k, SENSITIVE.matcher(k).matches() ? "****" : v));
        return "TokenManagerConfig[bootstrapServers=" + bootstrapServers + ", topicPrefix=" + topicPrefix
                + ", kafkaProperties=" + masked + ", schemaRegistry=" + schemaRegistry + ", instanceId=" + instanceId
                + ", keys=" + keys + ", refresh=" + refresh + ", ops=" + opsHost + ":" + opsPort
                + ", requestPartitions=" + requestPartitions + ", credentials=" + credentials.size() + "]";
    }

    static String defaultInstanceId() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            host = "localhost";
        }
        return host + "-" + ProcessHandle.current().pid();
    }

    /**
     * The {@link TokenTable} settings of this token manager (and of tools that share its configuration file): every
     * Kafka client property ({@link #kafkaClientProperties()}: security settings too) and the whole registry
     * configuration ({@link #schemaRegistry()}: HTTP Basic, bearer token, TLS, timeouts, retries), not only its URL.
     */
    public TokenTableConfig tokenTableConfig() {
        return TokenTableConfig.of(kafkaClientProperties(), topics(), keys(), schemaRegistry(), instanceId());
    }
}
