package io.switchboard.token;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import io.switchboard.core.ConfigException;
import io.switchboard.core.ConfigProblems;
import io.switchboard.core.Secret;
import io.switchboard.core.SecretReferences;
import io.switchboard.core.Topics;
import io.switchboard.token.login.CredentialSpec;
import io.switchboard.token.login.CredentialsConfig;

/**
 * Configuration of one token-manager instance, loaded from YAML with environment overrides.
 *
 * <p>Every key is declared once in {@link #KEYS} with its name, type, default, documentation and
 * validation; {@link #reference()} prints them. A scalar key {@code a.bC} is overridden by the
 * environment variable {@code SWITCHBOARD_A_B_C} (e.g. {@code SWITCHBOARD_KAFKA_BOOTSTRAP_SERVERS}).
 * Loading validates everything and throws one {@link ConfigException} with every problem; values of
 * secrets are never shown. Immutable; {@link #toString()} masks secrets and Kafka properties that
 * look like credentials.
 *
 * <pre>
 * kafka:
 *   bootstrapServers: localhost:9092
 *   topicPrefix: switchboard
 *   properties: {security.protocol: SASL_SSL, sasl.jaas.config: "${env:KAFKA_JAAS}"}
 * schemaRegistry:
 *   url: http://localhost:8081
 * encryption:
 *   activeKeyId: k1
 *   keys: {k1: "${env:SWITCHBOARD_TOKEN_KEY}"}
 * refresh: {lifetimeShare: 0.75, minRemaining: PT2M}
 * ops: {port: 9401}
 * credentials:
 *   - id: genesys-prod
 *     ...
 * </pre>
 *
 * @param bootstrapServers  Kafka {@code bootstrap.servers}
 * @param topicPrefix       prefix of every topic name
 * @param kafkaProperties   extra Kafka client properties for every client (security settings…);
 *                          values may be {@code ${env:…}}/{@code ${file:…}} references
 * @param schemaRegistryUrl URL of the Confluent-compatible schema registry
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
        String instanceId,
        TokenKeys keys,
        RefreshSettings refresh,
        String opsHost,
        int opsPort,
        int requestPartitions,
        List<CredentialSpec> credentials) {

    /** Prefix of environment variables that override keys. */
    public static final String ENV_PREFIX = "SWITCHBOARD_";

    /** One configuration key: everything about it in one place. */
    public record Key(String name, String type, String defaultValue, String doc) {

        /** Environment variable that overrides this key, e.g. {@code SWITCHBOARD_KAFKA_BOOTSTRAP_SERVERS}. */
        public String envVar() {
            return ENV_PREFIX + name.replaceAll("([a-z0-9])([A-Z])", "$1_$2").replace('.', '_').toUpperCase(Locale.ROOT);
        }
    }

    private static final List<Key> KEYS = List.of(
            new Key("kafka.bootstrapServers", "string", null, "Kafka bootstrap servers, host:port[,host:port]. Required."),
            new Key("kafka.topicPrefix", "string", Topics.DEFAULT_PREFIX, "Prefix of every topic name (letters, digits, '.', '_', '-')."),
            new Key("kafka.requestPartitions", "int", "12", "Partitions of <prefix>.token-requests when created here; one instance owns the credentials of each partition, so this caps useful instances."),
            new Key("kafka.properties", "map", "{}", "Extra Kafka client properties for every client (security.protocol, sasl.*); values may be ${env:..} or ${file:..}."),
            new Key("schemaRegistry.url", "url", null, "URL of the Confluent-compatible schema registry for TokenRecord / TokenRefreshRequest / TokenStatus. Required."),
            new Key("instanceId", "string", "<hostname>-<pid>", "Id of this instance in logs, status events and TokenRecord.ownerId."),
            new Key("encryption.activeKeyId", "string", null, "Id (in encryption.keys) of the key new tokens are encrypted with. Required."),
            new Key("encryption.keys", "map of secret", null, "Key id -> ${env:..}/${file:..} holding 32 random bytes in Base64 (openssl rand -base64 32). Keep old ids while keys rotate. Required."),
            new Key("refresh.lifetimeShare", "double", "0.75", "Share of the token lifetime after which it is refreshed, in (0, 1]."),
            new Key("refresh.jitter", "double", "0.1", "Random share in [0, 0.5] by which refreshes and backoffs are brought forward."),
            new Key("refresh.minRemaining", "duration", "PT2M", "Refresh at the latest this long before expiry (when the lifetime allows)."),
            new Key("refresh.defaultLifetime", "duration", "PT1H", "Token lifetime assumed when the vendor does not send expires_in."),
            new Key("refresh.backoffInitial", "duration", "PT1S", "Wait after the first failed login; doubles per failure."),
            new Key("refresh.backoffMax", "duration", "PT5M", "Longest wait between failed logins."),
            new Key("refresh.parkedRetry", "duration", "PT1H", "Wait before retrying a credential the vendor rejected (invalid_client, access_denied, ...)."),
            new Key("ops.host", "string", "127.0.0.1", "Interface of the /health, /ready, /metrics server; 0.0.0.0 for all."),
            new Key("ops.port", "int", "9401", "Port of the ops server; 0 = any free port, -1 = no server."),
            new Key("credentials", "list", null, "Credentials this fleet logs in with: id, provider and the provider's keys (see docs/token-manager.md). Required."));

    private static final Set<String> SECTIONS = Set.of("kafka", "schemaRegistry", "encryption", "refresh", "ops");
    private static final Pattern SENSITIVE = Pattern.compile("(?i).*(password|secret|jaas|token|credential|key).*");

    public TokenManagerConfig {
        Objects.requireNonNull(bootstrapServers, "bootstrapServers");
        Objects.requireNonNull(topicPrefix, "topicPrefix");
        kafkaProperties = Map.copyOf(kafkaProperties);
        Objects.requireNonNull(instanceId, "instanceId");
        Objects.requireNonNull(keys, "keys");
        Objects.requireNonNull(refresh, "refresh");
        credentials = credentials == null ? List.of() : List.copyOf(credentials);
    }

    /** Every key with type, default and documentation, in file order. */
    public static List<Key> settings() {
        return KEYS;
    }

    /** A table of every key for {@code --help}: name, env var, type, default, doc. */
    public static String reference() {
        StringBuilder sb = new StringBuilder();
        for (Key k : KEYS) {
            sb.append(String.format("%-26s %-38s %-14s default %-16s%n    %s%n", k.name(), k.envVar(), k.type(),
                    k.defaultValue() == null ? "(required)" : k.defaultValue(), k.doc()));
        }
        return sb.toString();
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
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new ConfigException(file.toString(), List.of(new io.switchboard.core.ConfigProblem(
                    "--config", file.toString(), "cannot read the file (" + e.getClass().getSimpleName() + "); give the path of a YAML file")));
        }
        return parse(text, file.toString(), env);
    }

    /**
     * Parses YAML text.
     *
     * @param source name of the source in problem messages (a file path)
     * @throws ConfigException with every problem found
     */
    public static TokenManagerConfig parse(String yaml, String source, Map<String, String> env) {
        ConfigProblems problems = new ConfigProblems(source);
        JsonNode root;
        try {
            root = new ObjectMapper(new YAMLFactory()).readTree(yaml);
        } catch (IOException e) {
            String where = e instanceof com.fasterxml.jackson.core.JsonProcessingException jpe && jpe.getLocation() != null
                    ? " at line " + jpe.getLocation().getLineNr() : "";
            problems.add("(file)", null, "is not valid YAML" + where + "; check indentation and quoting");
            problems.throwIfAny();
            throw new IllegalStateException("unreachable");
        }
        if (root == null || root.isMissingNode() || root.isNull()) {
            root = JsonNodeFactory.instance.objectNode();
        }
        if (!root.isObject()) {
            problems.add("(file)", null, "must be a YAML mapping with keys kafka, schemaRegistry, encryption, refresh, ops, credentials");
            problems.throwIfAny();
        }
        Reader r = new Reader(root, env, problems);
        r.checkUnknownKeys();

        String bootstrap = r.string("kafka.bootstrapServers", s -> s.matches("[^\\s,]+:\\d+(,[^\\s,]+:\\d+)*") ? null
                : "is not a host:port[,host:port] list");
        String prefix = r.string("kafka.topicPrefix", s -> s.matches("[a-zA-Z0-9._-]+") ? null
                : "may only contain letters, digits, '.', '_' and '-'");
        int requestPartitions = r.integer("kafka.requestPartitions", 1, 10_000);
        Map<String, String> kafkaProps = r.kafkaProperties();
        String registry = r.string("schemaRegistry.url", s -> s.matches("https?://\\S+") ? null
                : "is not an http:// or https:// URL");
        String instanceId = r.string("instanceId", s -> s.isBlank() ? "must not be blank" : null);
        if (instanceId == null) {
            instanceId = defaultInstanceId();
        }
        String activeKeyId = r.raw("encryption.activeKeyId");
        TokenKeys keys = r.keys(activeKeyId);
        double share = r.decimal("refresh.lifetimeShare", 0.0, false, 1.0);
        double jitter = r.decimal("refresh.jitter", 0.0, true, 0.5);
        Duration minRemaining = r.duration("refresh.minRemaining", true);
        Duration defaultLifetime = r.duration("refresh.defaultLifetime", false);
        Duration backoffInitial = r.duration("refresh.backoffInitial", false);
        Duration backoffMax = r.duration("refresh.backoffMax", false);
        Duration parkedRetry = r.duration("refresh.parkedRetry", false);
        if (backoffInitial != null && backoffMax != null && backoffMax.compareTo(backoffInitial) < 0) {
            problems.add("refresh.backoffMax", backoffMax.toString(), "is shorter than refresh.backoffInitial (" + backoffInitial + ")");
        }
        String opsHost = r.string("ops.host", s -> s.isBlank() ? "must not be blank; use 127.0.0.1 or 0.0.0.0" : null);
        int opsPort = r.integer("ops.port", -1, 65535);
        List<CredentialSpec> credentials = CredentialsConfig.parse(root.get("credentials"), new SecretReferences(env), problems);
        problems.throwIfAny();
        return new TokenManagerConfig(bootstrap, prefix, kafkaProps, registry, instanceId, keys,
                new RefreshSettings(share, jitter, minRemaining, defaultLifetime, backoffInitial, backoffMax, parkedRetry),
                opsHost, opsPort, requestPartitions, credentials);
    }

    /** A copy with other credentials (tests, embedded demo). */
    public TokenManagerConfig withCredentials(List<CredentialSpec> credentials) {
        return new TokenManagerConfig(bootstrapServers, topicPrefix, kafkaProperties, schemaRegistryUrl, instanceId, keys,
                refresh, opsHost, opsPort, requestPartitions, credentials);
    }

    /** A copy with another instance id (tests run several instances in one JVM). */
    public TokenManagerConfig withInstanceId(String instanceId) {
        return new TokenManagerConfig(bootstrapServers, topicPrefix, kafkaProperties, schemaRegistryUrl, instanceId, keys,
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
                + ", kafkaProperties=" + masked + ", schemaRegistryUrl=" + schemaRegistryUrl + ", instanceId=" + instanceId
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

    /** Parses a duration: ISO-8601 ({@code PT2M}) or a number with unit ms, s, m, h, d ({@code 90s}). */
    static Duration parseDuration(String text) {
        String t = text.trim();
        Matcher m = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)").matcher(t);
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            return switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            };
        }
        return Duration.parse(t.toUpperCase(Locale.ROOT));
    }

    /** Reads keys from the tree and the environment, recording problems. */
    private static final class Reader {

        private final JsonNode root;
        private final Map<String, String> env;
        private final ConfigProblems problems;
        private final SecretReferences secrets;

        Reader(JsonNode root, Map<String, String> env, ConfigProblems problems) {
            this.root = root;
            this.env = env;
            this.problems = problems;
            this.secrets = new SecretReferences(env);
        }

        void checkUnknownKeys() {
            Set<String> known = new java.util.HashSet<>();
            for (Key k : KEYS) {
                known.add(k.name());
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                String top = e.getKey();
                if (SECTIONS.contains(top)) {
                    if (!e.getValue().isObject()) {
                        problems.add(top, null, "must be a mapping of keys");
                        continue;
                    }
                    for (Iterator<String> names = e.getValue().fieldNames(); names.hasNext(); ) {
                        String full = top + "." + names.next();
                        if (!known.contains(full)) {
                            problems.add(full, null, "is not a key; known keys: " + knownUnder(top));
                        }
                    }
                } else if (!known.contains(top)) {
                    problems.add(top, null, "is not a key; top-level keys are kafka, schemaRegistry, instanceId, encryption, refresh, ops, credentials");
                }
            }
        }

        private static String knownUnder(String section) {
            List<String> names = new ArrayList<>();
            for (Key k : KEYS) {
                if (k.name().startsWith(section + ".")) {
                    names.add(k.name());
                }
            }
            return String.join(", ", names);
        }

        private Key key(String name) {
            return KEYS.stream().filter(k -> k.name().equals(name)).findFirst().orElseThrow();
        }

        /** Raw text: env override, else the file, else the default; null when none. */
        private String raw(String name) {
            Key key = key(name);
            String fromEnv = env.get(key.envVar());
            if (fromEnv != null && !fromEnv.isBlank()) {
                return fromEnv.trim();
            }
            JsonNode node = root;
            for (String part : name.split("\\.")) {
                node = node.path(part);
            }
            if (!node.isMissingNode() && !node.isNull()) {
                if (node.isContainerNode()) {
                    problems.add(name, null, "must be a single " + key.type() + ", not a " + (node.isArray() ? "list" : "mapping"));
                    return null;
                }
                return node.asText().trim();
            }
            return key.defaultValue() == null || key.defaultValue().startsWith("<") ? null : key.defaultValue();
        }

        String string(String name, Function<String, String> validator) {
            String value = raw(name);
            if (value == null || value.isEmpty()) {
                if (key(name).defaultValue() == null) {
                    problems.add(name, null, "is required (" + key(name).doc() + "); set it in the file or in " + key(name).envVar());
                }
                return null;
            }
            if (validator != null) {
                String problem = validator.apply(value);
                if (problem != null) {
                    problems.add(name, value, problem);
                    return null;
                }
            }
            return value;
        }

        int integer(String name, int min, int max) {
            String value = raw(name);
            try {
                int n = Integer.parseInt(value);
                if (n < min || n > max) {
                    problems.add(name, value, "must be between " + min + " and " + max);
                }
                return n;
            } catch (NumberFormatException e) {
                problems.add(name, value, "is not a whole number");
                return 0;
            }
        }

        double decimal(String name, double min, boolean minInclusive, double max) {
            String value = raw(name);
            try {
                double d = Double.parseDouble(value);
                if (Double.isNaN(d) || (minInclusive ? d < min : d <= min) || d > max) {
                    problems.add(name, value, "must be in " + (minInclusive ? "[" : "(") + min + ", " + max + "]");
                }
                return d;
            } catch (NumberFormatException | NullPointerException e) {
                problems.add(name, value, "is not a number");
                return 0;
            }
        }

        Duration duration(String name, boolean zeroAllowed) {
            String value = raw(name);
            try {
                Duration d = parseDuration(value);
                if (d.isNegative() || (!zeroAllowed && d.isZero())) {
                    problems.add(name, value, zeroAllowed ? "must not be negative" : "must be positive");
                }
                return d;
            } catch (DateTimeParseException | NullPointerException e) {
                problems.add(name, value, "is not a duration; write ISO-8601 like PT2M or a number with ms, s, m, h, d like 90s");
                return null;
            }
        }

        Map<String, String> kafkaProperties() {
            Map<String, String> props = new LinkedHashMap<>();
            JsonNode node = root.path("kafka").path("properties");
            if (node.isMissingNode() || node.isNull()) {
                return props;
            }
            if (!node.isObject()) {
                problems.add("kafka.properties", null, "must be a mapping of Kafka client properties");
                return props;
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                String value = e.getValue().asText();
                if (SecretReferences.isReference(value)) {
                    secrets.resolve("kafka.properties." + e.getKey(), value, problems)
                            .ifPresent(s -> props.put(e.getKey(), s.reveal()));
                } else {
                    if (e.getKey().equals("bootstrap.servers")) {
                        problems.add("kafka.properties.bootstrap.servers", value, "set kafka.bootstrapServers instead");
                    }
                    props.put(e.getKey(), value);
                }
            }
            return props;
        }

        TokenKeys keys(String activeKeyId) {
            Map<String, Secret> base64 = new LinkedHashMap<>();
            JsonNode node = root.path("encryption").path("keys");
            if (node.isObject()) {
                for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> e = it.next();
                    secrets.resolve("encryption.keys." + e.getKey(), e.getValue().asText(), problems)
                            .ifPresent(s -> base64.put(e.getKey(), s));
                }
            } else if (!node.isMissingNode() && !node.isNull()) {
                problems.add("encryption.keys", null, "must be a mapping of key id to ${env:..} or ${file:..}");
                return null;
            }
            // Unresolved keys already have their problem; check the rest without repeating it.
            Set<String> declared = new java.util.HashSet<>();
            node.fieldNames().forEachRemaining(declared::add);
            ConfigProblems scratch = new ConfigProblems("encryption");
            TokenKeys keys = TokenKeys.fromBase64(activeKeyId, base64, "encryption.activeKeyId", "encryption.keys", scratch).orElse(null);
            for (io.switchboard.core.ConfigProblem p : scratch.problems()) {
                boolean echo = p.key().equals("encryption.keys") && !declared.isEmpty()
                        || p.key().equals("encryption.activeKeyId") && declared.contains(activeKeyId);
                if (!echo) {
                    problems.add(p.key(), p.value(), p.message());
                }
            }
            return declared.size() == base64.size() ? keys : null;
        }
    }

    /** The {@link TokenTable} settings of this token manager (and of tools that share its configuration file). */
    public TokenTableConfig tokenTableConfig() {
        return new TokenTableConfig(kafkaClientProperties(), topics(), keys(), schemaRegistryUrl(), instanceId());
    }
}
