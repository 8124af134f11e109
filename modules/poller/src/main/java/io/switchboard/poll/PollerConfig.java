package io.switchboard.poll;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import io.switchboard.core.ConfigException;
import io.switchboard.core.ConfigProblem;
import io.switchboard.core.ConfigProblems;
import io.switchboard.core.Secret;
import io.switchboard.core.SecretReferences;
import io.switchboard.core.Topics;
import io.switchboard.token.TokenKeys;
import io.switchboard.token.TokenTableConfig;

/**
 * Configuration of one poller instance: the {@code poller:} section and the {@code poll:} section of each credential in
 * {@code switchboard.yaml}, plus the {@code kafka}, {@code schemaRegistry} and {@code encryption} sections it shares
 * with the token manager.
 *
 * <p>Every {@code poller.*} key is declared once in {@link #settings()} with its type, default and documentation; a
 * scalar key {@code a.bC} is overridden by the environment variable {@code SWITCHBOARD_A_B_C}
 * (e.g. {@code SWITCHBOARD_POLLER_OPS_PORT}). {@link #from} validates everything and throws one
 * {@link ConfigException} with every problem. Secrets (Kafka properties given by reference, encryption keys) are never
 * shown. Only the keys of the other sections that the poller reads are checked here; the token manager validates the
 * rest of each credential.
 *
 * <pre>
 * poller:
 *   jobPartitions: 12          # partitions of poll-jobs / poll-progress: the most pollers that share work
 *   planInterval: PT5M         # each owner re-plans its credentials' jobs (queue discovery) this often
 *   shutdownTimeout: PT10S
 *   backfillLookBack: PT6H
 *   ops: {port: 9402}
 * credentials:
 *   - id: genesys-eu
 *     provider: genesys-cloud
 *     poll:
 *       - {endpoint: genesys.queue-observations, interval: PT10S}
 * </pre>
 *
 * Immutable; {@link #toString()} masks Kafka properties that look like credentials.
 *
 * @param bootstrapServers      Kafka {@code bootstrap.servers}
 * @param topicPrefix           prefix of every topic name
 * @param kafkaProperties       extra Kafka client properties (security…), references already resolved
 * @param schemaRegistryUrl     URL of the Confluent-compatible schema registry
 * @param keys                  keys to decrypt tokens with (the token table)
 * @param instanceId            id of this poller; also the suffix of its {@code transactional.id}
 * @param jobPartitions         partitions of poll-jobs and poll-progress when this instance creates them
 * @param transactionalIdPrefix prefix of the producer's {@code transactional.id} (+ instance id)
 * @param sessionTimeout        consumer-group session timeout: how long a crashed poller holds its jobs
 * @param transactionTimeout    producer transaction timeout: how long a crashed poller's open transaction blocks
 *                              {@code read_committed} readers at most
 * @param shutdownTimeout       how long in-flight polls may take to finish on shutdown or revocation
 * @param backfillLookBack      how far back interval jobs backfill missed closed intervals
 * @param planInterval          how often each owner re-plans its credentials' jobs; zero = never (only
 *                              {@code switchboard jobs apply})
 * @param discoveryTimeout      how long one queue discovery may take
 * @param opsHost               interface of the /health, /ready, /metrics server
 * @param opsPort               its port; 0 = any free port, -1 = no server
 * @param credentials           the {@code poll:} sections, per credential, in file order
 */
public record PollerConfig(
        String bootstrapServers,
        String topicPrefix,
        Map<String, String> kafkaProperties,
        String schemaRegistryUrl,
        TokenKeys keys,
        String instanceId,
        int jobPartitions,
        String transactionalIdPrefix,
        Duration sessionTimeout,
        Duration transactionTimeout,
        Duration shutdownTimeout,
        Duration backfillLookBack,
        Duration planInterval,
        Duration discoveryTimeout,
        String opsHost,
        int opsPort,
        List<CredentialPolls> credentials) {

    /** Prefix of environment variables that override keys. */
    public static final String ENV_PREFIX = "SWITCHBOARD_";

    /**
     * The {@code poll:} section of one credential: a list of entries, or a mapping with the entries under
     * {@code jobs:} and the credential's HTTP settings beside them.
     *
     * <pre>
     * poll:
     *   requestsPerMinute: 300        # this credential's request budget (0 = no limit); default: the provider's
     *   caBundle: /etc/ssl/vendor.pem # CA certificates to trust for a vendor host with a private CA
     *   jobs:
     *     - {endpoint: genesys.queue-observations, interval: PT10S}
     * </pre>
     *
     * @param credentialId      the credential's id
     * @param provider          its provider profile (for error events)
     * @param polls             its entries, in file order
     * @param requestsPerMinute its request budget, or {@code null} for the provider's default; 0 = none
     * @param caBundle          PEM file of CAs to trust, or {@code null}
     */
    public record CredentialPolls(String credentialId, String provider, List<PollSpec> polls, Integer requestsPerMinute,
                                  Path caBundle) {
        public CredentialPolls {
            Objects.requireNonNull(credentialId, "credentialId");
            Objects.requireNonNull(provider, "provider");
            polls = List.copyOf(polls);
        }

        /** A section with entries only (no HTTP settings). */
        public CredentialPolls(String credentialId, String provider, List<PollSpec> polls) {
            this(credentialId, provider, polls, null, null);
        }
    }

    /** One configuration key: name, type, default, documentation. */
    public record Key(String name, String type, String defaultValue, String doc) {

        /** Environment variable that overrides this key, e.g. {@code SWITCHBOARD_POLLER_OPS_PORT}. */
        public String envVar() {
            return ENV_PREFIX + name.replaceAll("([a-z0-9])([A-Z])", "$1_$2").replace('.', '_').toUpperCase(Locale.ROOT);
        }
    }

    private static final List<Key> KEYS = List.of(
            new Key("kafka.bootstrapServers", "string", null, "Kafka bootstrap servers, host:port[,host:port]. Required."),
            new Key("kafka.topicPrefix", "string", Topics.DEFAULT_PREFIX, "Prefix of every topic name."),
            new Key("kafka.properties", "map", "{}", "Extra Kafka client properties for every client; values may be ${env:..} or ${file:..}."),
            new Key("schemaRegistry.url", "url", null, "Schema registry for QueueStat / PollError / PollJob / PollProgress. Required."),
            new Key("encryption.activeKeyId", "string", null, "Key id the token manager encrypts with (the poller only decrypts). Required."),
            new Key("encryption.keys", "map of secret", null, "Key id -> ${env:..}/${file:..}: every key tokens may be encrypted with. Required."),
            new Key("poller.instanceId", "string", "<hostname>-<pid>", "Id of this poller in logs, metrics and PollProgress.ownerId; its transactional.id is transactionalIdPrefix + instanceId, so every running poller needs its own."),
            new Key("poller.jobPartitions", "int", "12", "Partitions of <prefix>.poll-jobs and <prefix>.poll-progress when this poller creates them. All jobs of one credential live in one partition, so this is the most pollers that share work."),
            new Key("poller.transactionalIdPrefix", "string", "<topicPrefix>.poller-", "Prefix of the transactional.id of each poller's producer."),
            new Key("poller.sessionTimeout", "duration", "PT10S", "Consumer-group session timeout: a crashed poller's jobs move to the others after this long (broker minimum 6 s by default)."),
            new Key("poller.transactionTimeout", "duration", "PT30S", "Producer transaction timeout: a crashed poller's open transaction blocks read_committed readers at most this long (plus the broker's abort check)."),
            new Key("poller.shutdownTimeout", "duration", "PT10S", "On shutdown and when jobs move, polls in flight get this long to finish and commit."),
            new Key("poller.backfillLookBack", "duration", "PT6H", "After an outage, interval jobs backfill missed closed intervals up to this far back."),
            new Key("poller.planInterval", "duration", "PT5M", "The poller owning a credential re-plans its jobs (queue discovery, packing) this often; PT0S = only `switchboard jobs apply`."),
            new Key("poller.discoveryTimeout", "duration", "PT30S", "How long one queue discovery may take before that plan is given up (the jobs stay as they are)."),
            new Key("poller.ops.host", "string", "127.0.0.1", "Interface of the /health, /ready, /metrics server; 0.0.0.0 for all."),
            new Key("poller.ops.port", "int", "9402", "Port of the ops server; 0 = any free port, -1 = no server."));

    private static final Set<String> POLL_KEYS = Set.of("name", "endpoint", "interval", "queueIds", "queueNames", "metrics",
            "batchSize", "params", "enabled");
    private static final Pattern SENSITIVE = Pattern.compile("(?i).*(password|secret|jaas|token|credential|key).*");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]+");
    private static final Duration MIN_INTERVAL = Duration.ofSeconds(1);

    public PollerConfig {
        Objects.requireNonNull(bootstrapServers, "bootstrapServers");
        Objects.requireNonNull(topicPrefix, "topicPrefix");
        kafkaProperties = Map.copyOf(kafkaProperties);
        Objects.requireNonNull(schemaRegistryUrl, "schemaRegistryUrl");
        Objects.requireNonNull(instanceId, "instanceId");
        Objects.requireNonNull(transactionalIdPrefix, "transactionalIdPrefix");
        Objects.requireNonNull(sessionTimeout, "sessionTimeout");
        Objects.requireNonNull(transactionTimeout, "transactionTimeout");
        Objects.requireNonNull(shutdownTimeout, "shutdownTimeout");
        Objects.requireNonNull(backfillLookBack, "backfillLookBack");
        Objects.requireNonNull(planInterval, "planInterval");
        Objects.requireNonNull(discoveryTimeout, "discoveryTimeout");
        Objects.requireNonNull(opsHost, "opsHost");
        credentials = List.copyOf(credentials);
    }

    /** Every key with type, default and documentation, for {@code switchboard poller --help}. */
    public static List<Key> settings() {
        return KEYS;
    }

    /** A table of every key: name, env var, type, default, doc; plus the keys of a {@code poll:} entry. */
    public static String reference() {
        StringBuilder sb = new StringBuilder();
        for (Key k : KEYS) {
            sb.append(String.format("%-30s %-40s %-9s default %-22s%n    %s%n", k.name(), k.envVar(), k.type(),
                    k.defaultValue() == null ? "(required)" : k.defaultValue(), k.doc()));
        }
        sb.append("""
                credentials[].poll[] (one entry per thing to fetch; see docs/poller.md):
                    endpoint    one of %s (required)
                    name        unique per credential, letters/digits/._- (default: the endpoint)
                    interval    time between polls of each job, >= 1s (default PT10S)
                    queueIds    explicit queue ids; queueNames: glob patterns over discovered names; neither = all queues
                    metrics     vendor metric names (default: the endpoint's set)
                    batchSize   queues per job, i.e. per vendor request (default 100 for Genesys and CXone, else no limit)
                    params      endpoint parameters (granularity, report store id, JSON pointers...), never secrets
                    enabled     false keeps the jobs defined but not polled (default true)
                """.formatted(String.join(", ", Endpoints.ALL)));
        return sb.toString();
    }

    /** Topic names under {@link #topicPrefix()}. */
    public Topics topics() {
        return new Topics(topicPrefix);
    }

    /** This poller's producer {@code transactional.id}. */
    public String transactionalId() {
        return transactionalIdPrefix + instanceId;
    }

    /** Kafka client properties: bootstrap servers plus {@link #kafkaProperties()}. */
    public Map<String, Object> kafkaClientProperties() {
        Map<String, Object> props = new LinkedHashMap<>(kafkaProperties);
        props.put("bootstrap.servers", bootstrapServers);
        return props;
    }

    /** The {@link io.switchboard.token.TokenTable} settings of this poller (its executor reads tokens through it). */
    public TokenTableConfig tokenTableConfig() {
        return new TokenTableConfig(kafkaClientProperties(), topics(), keys, schemaRegistryUrl, instanceId);
    }

    /** The {@code poll:} section of {@code credentialId}, if configured. */
    public java.util.Optional<CredentialPolls> credential(String credentialId) {
        return credentials.stream().filter(c -> c.credentialId().equals(credentialId)).findFirst();
    }

    /** A copy with another instance id (tests run several pollers in one JVM). */
    public PollerConfig withInstanceId(String id) {
        return new PollerConfig(bootstrapServers, topicPrefix, kafkaProperties, schemaRegistryUrl, keys, id, jobPartitions,
                transactionalIdPrefix, sessionTimeout, transactionTimeout, shutdownTimeout, backfillLookBack, planInterval,
                discoveryTimeout, opsHost, opsPort, credentials);
    }

    /** A copy with other {@code poll:} sections (tests, embedded demo). */
    public PollerConfig withCredentials(List<CredentialPolls> polls) {
        return new PollerConfig(bootstrapServers, topicPrefix, kafkaProperties, schemaRegistryUrl, keys, instanceId, jobPartitions,
                transactionalIdPrefix, sessionTimeout, transactionTimeout, shutdownTimeout, backfillLookBack, planInterval,
                discoveryTimeout, opsHost, opsPort, polls);
    }

    /** Loads a YAML file, resolving references and overrides against the process environment. */
    public static PollerConfig load(Path file) {
        return load(file, System.getenv());
    }

    /** Loads a YAML file, resolving references and overrides against {@code env}. */
    public static PollerConfig load(Path file, Map<String, String> env) {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new ConfigException(file.toString(), List.of(new ConfigProblem("--config", file.toString(),
                    "cannot read the file (" + e.getClass().getSimpleName() + "); give the path of a YAML file")));
        }
        return parse(text, file.toString(), env);
    }

    /** Parses YAML text; see {@link #from}. */
    public static PollerConfig parse(String yaml, String source, Map<String, String> env) {
        JsonNode root;
        try {
            root = new ObjectMapper(new YAMLFactory()).readTree(yaml);
        } catch (IOException e) {
            String where = e instanceof com.fasterxml.jackson.core.JsonProcessingException jpe && jpe.getLocation() != null
                    ? " at line " + jpe.getLocation().getLineNr() : "";
            throw new ConfigException(source, List.of(new ConfigProblem("(file)", null,
                    "is not valid YAML" + where + "; check indentation and quoting")));
        }
        return from(root, source, env);
    }

    /**
     * Reads the configuration from a parsed {@code switchboard.yaml}.
     *
     * @param root   the whole file
     * @param source where it came from, for problem messages
     * @param env    environment for overrides and {@code ${env:..}} references
     * @throws ConfigException with every problem found
     */
    public static PollerConfig from(JsonNode root, String source, Map<String, String> env) {
        ConfigProblems problems = new ConfigProblems(source);
        if (root == null || root.isMissingNode() || root.isNull()) {
            root = JsonNodeFactory.instance.objectNode();
        }
        if (!root.isObject()) {
            problems.add("(file)", null, "must be a YAML mapping with keys kafka, schemaRegistry, encryption, poller, credentials");
            problems.throwIfAny();
        }
        Reader r = new Reader(root, env, problems);
        r.checkPollerKeys();
        String bootstrap = r.string("kafka.bootstrapServers", s -> s.matches("[^\\s,]+:\\d+(,[^\\s,]+:\\d+)*") ? null
                : "is not a host:port[,host:port] list");
        String prefix = r.string("kafka.topicPrefix", s -> s.matches("[a-zA-Z0-9._-]+") ? null
                : "may only contain letters, digits, '.', '_' and '-'");
        Map<String, String> kafkaProps = r.kafkaProperties();
        String registry = r.string("schemaRegistry.url", s -> s.matches("https?://\\S+") ? null : "is not an http:// or https:// URL");
        TokenKeys keys = r.keys(r.raw("encryption.activeKeyId"));
        String instanceId = r.string("poller.instanceId", s -> NAME.matcher(s).matches() ? null
                : "may only contain letters, digits, '.', '_' and '-' (it becomes part of the transactional.id)");
        if (instanceId == null) {
            instanceId = defaultInstanceId();
        }
        int partitions = r.integer("poller.jobPartitions", 1, 10_000);
        String txPrefix = r.string("poller.transactionalIdPrefix", null);
        if (txPrefix == null) {
            txPrefix = (prefix == null ? Topics.DEFAULT_PREFIX : prefix) + ".poller-";
        }
        Duration session = r.duration("poller.sessionTimeout", false);
        Duration txTimeout = r.duration("poller.transactionTimeout", false);
        Duration shutdown = r.duration("poller.shutdownTimeout", false);
        Duration lookBack = r.duration("poller.backfillLookBack", true);
        Duration plan = r.duration("poller.planInterval", true);
        Duration discovery = r.duration("poller.discoveryTimeout", false);
        String opsHost = r.string("poller.ops.host", s -> s.isBlank() ? "must not be blank; use 127.0.0.1 or 0.0.0.0" : null);
        int opsPort = r.integer("poller.ops.port", -1, 65535);
        List<CredentialPolls> credentials = readCredentials(root.get("credentials"), problems);
        problems.throwIfAny();
        return new PollerConfig(bootstrap, prefix, kafkaProps, registry, keys, instanceId, partitions, txPrefix, session,
                txTimeout, shutdown, lookBack, plan, discovery, opsHost, opsPort, credentials);
    }

    private static List<CredentialPolls> readCredentials(JsonNode node, ConfigProblems problems) {
        List<CredentialPolls> out = new ArrayList<>();
        if (node == null || node.isNull() || node.isMissingNode()) {
            return out;
        }
        if (!node.isArray()) {
            problems.add("credentials", null, "must be a list of credentials (- id: ..., provider: ..., poll: [...])");
            return out;
        }
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < node.size(); i++) {
            JsonNode c = node.get(i);
            String at = "credentials[" + i + "]";
            String id = c.path("id").asText("");
            if (id.isBlank()) {
                if (c.has("poll")) {
                    problems.add(at + ".id", null, "is required for a credential with a poll: section");
                }
                continue;
            }
            if (!ids.add(id)) {
                continue; // the token manager reports duplicate ids
            }
            JsonNode poll = c.get("poll");
            if (poll == null || poll.isNull()) {
                continue;
            }
            String provider = c.path("provider").asText("unknown");
            String where = at + ".poll";
            Integer budget = null;
            Path caBundle = null;
            if (poll.isObject()) {
                for (Iterator<String> it = poll.fieldNames(); it.hasNext(); ) {
                    String k = it.next();
                    if (!Set.of("jobs", "requestsPerMinute", "caBundle").contains(k)) {
                        problems.add(where + "." + k, null, "is not a key of a poll: section; valid keys: jobs, requestsPerMinute, caBundle"
                                + " (or write the section as a list of jobs)");
                    }
                }
                JsonNode rpm = poll.get("requestsPerMinute");
                if (rpm != null && !rpm.isNull()) {
                    if (!rpm.isIntegralNumber() || rpm.asInt() < 0) {
                        problems.add(where + ".requestsPerMinute", rpm.asText(), "must be a whole number >= 0 (0 = no limit)");
                    } else {
                        budget = rpm.asInt();
                    }
                }
                JsonNode ca = poll.get("caBundle");
                if (ca != null && !ca.isNull()) {
                    caBundle = Path.of(ca.asText());
                    if (!Files.isReadable(caBundle)) {
                        problems.add(where + ".caBundle", ca.asText(), "is not a readable file; give the path of a PEM file of CA certificates");
                    }
                }
                where = where + ".jobs";
                poll = poll.path("jobs");
            }
            if (!poll.isArray()) {
                problems.add(where, null, "must be a list of entries like `- {endpoint: genesys.queue-observations, interval: PT10S}`");
                continue;
            }
            List<PollSpec> specs = new ArrayList<>();
            Set<String> names = new HashSet<>();
            for (int j = 0; j < poll.size(); j++) {
                PollSpec spec = readSpec(poll.get(j), where + "[" + j + "]", problems);
                if (spec != null && !names.add(spec.name())) {
                    problems.add(where + "[" + j + "].name", spec.name(), "is used twice in credential " + id
                            + "; give each entry its own name (it becomes part of the job ids)");
                } else if (spec != null) {
                    specs.add(spec);
                }
            }
            out.add(new CredentialPolls(id, provider, specs, budget, caBundle));
        }
        return out;
    }

    private static PollSpec readSpec(JsonNode e, String at, ConfigProblems problems) {
        if (e == null || !e.isObject()) {
            problems.add(at, null, "must be a mapping with at least `endpoint:`");
            return null;
        }
        int before = problems.problems().size();
        for (Iterator<String> it = e.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!POLL_KEYS.contains(k)) {
                problems.add(at + "." + k, null, "is not a key of a poll entry; valid keys: " + String.join(", ", new java.util.TreeSet<>(POLL_KEYS)));
            }
        }
        String endpoint = e.path("endpoint").asText("");
        if (endpoint.isEmpty()) {
            problems.add(at + ".endpoint", null, "is required; one of " + String.join(", ", Endpoints.ALL));
        } else if (!Endpoints.ALL.contains(endpoint)) {
            problems.add(at + ".endpoint", endpoint, "is not an endpoint kind; use one of " + String.join(", ", Endpoints.ALL));
        }
        String name = e.has("name") ? e.get("name").asText() : endpoint;
        if (e.has("name") && !NAME.matcher(name).matches()) {
            problems.add(at + ".name", name, "may only contain letters, digits, '.', '_' and '-'");
        }
        Duration interval = Duration.ofSeconds(10);
        if (e.has("interval")) {
            String text = e.get("interval").asText();
            try {
                interval = parseDuration(text);
                if (interval.compareTo(MIN_INTERVAL) < 0) {
                    problems.add(at + ".interval", text, "must be at least 1 s");
                }
            } catch (DateTimeParseException ex) {
                problems.add(at + ".interval", text, "is not a duration; write ISO-8601 like PT10S or 10s");
            }
        }
        List<String> queueIds = strings(e, "queueIds", at, problems);
        List<String> queueNames = strings(e, "queueNames", at, problems);
        List<String> metrics = strings(e, "metrics", at, problems);
        int batch = PollSpec.defaultBatchSize(endpoint);
        if (e.has("batchSize")) {
            JsonNode b = e.get("batchSize");
            if (!b.canConvertToInt() || b.asInt() < 1 || !b.isIntegralNumber()) {
                problems.add(at + ".batchSize", b.asText(), "must be a whole number >= 1 (queues per vendor request)");
            } else {
                batch = b.asInt();
            }
        }
        Map<String, String> params = new LinkedHashMap<>();
        JsonNode p = e.get("params");
        if (p != null && !p.isNull()) {
            if (!p.isObject()) {
                problems.add(at + ".params", null, "must be a mapping of parameter name to value");
            } else {
                p.fields().forEachRemaining(f -> {
                    if (f.getValue().isContainerNode()) {
                        problems.add(at + ".params." + f.getKey(), null, "must be a single value (text or number)");
                    } else if (SecretReferences.isReference(f.getValue().asText())) {
                        problems.add(at + ".params." + f.getKey(), "****", "params are written to the poll-jobs topic in clear text;"
                                + " secrets belong in the credential, not in poll params");
                    } else {
                        params.put(f.getKey(), f.getValue().asText());
                    }
                });
            }
        }
        boolean enabled = true;
        if (e.has("enabled")) {
            if (!e.get("enabled").isBoolean()) {
                problems.add(at + ".enabled", e.get("enabled").asText(), "must be true or false");
            } else {
                enabled = e.get("enabled").asBoolean();
            }
        }
        if (problems.problems().size() > before) {
            return null;
        }
        return new PollSpec(name, endpoint, interval, queueIds, queueNames, metrics, batch, params, enabled);
    }

    private static List<String> strings(JsonNode e, String key, String at, ConfigProblems problems) {
        JsonNode n = e.get(key);
        if (n == null || n.isNull()) {
            return List.of();
        }
        if (!n.isArray()) {
            problems.add(at + "." + key, n.asText(), "must be a list, e.g. [a, b]");
            return List.of();
        }
        List<String> out = new ArrayList<>();
        for (JsonNode v : n) {
            if (v.isContainerNode() || v.asText().isBlank()) {
                problems.add(at + "." + key, v.toString(), "entries must be non-empty text");
            } else {
                out.add(v.asText());
            }
        }
        return out;
    }

    @Override
    public String toString() {
        Map<String, String> masked = new LinkedHashMap<>();
        kafkaProperties.forEach((k, v) -> masked.put(k, SENSITIVE.matcher(k).matches() ? "****" : v));
        return "PollerConfig[bootstrapServers=" + bootstrapServers + ", topicPrefix=" + topicPrefix + ", kafkaProperties=" + masked
                + ", schemaRegistryUrl=" + schemaRegistryUrl + ", keys=" + keys + ", instanceId=" + instanceId
                + ", jobPartitions=" + jobPartitions + ", transactionalId=" + transactionalId() + ", sessionTimeout=" + sessionTimeout
                + ", shutdownTimeout=" + shutdownTimeout + ", backfillLookBack=" + backfillLookBack + ", planInterval=" + planInterval
                + ", ops=" + opsHost + ":" + opsPort + ", credentials=" + credentials.size() + "]";
    }

    static String defaultInstanceId() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName().replaceAll("[^A-Za-z0-9._-]", "-");
        } catch (IOException e) {
            host = "localhost";
        }
        return host + "-" + ProcessHandle.current().pid();
    }

    /** A duration: ISO-8601 ({@code PT10S}) or a number with unit ms, s, m, h, d ({@code 10s}). */
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

        void checkPollerKeys() {
            JsonNode poller = root.get("poller");
            if (poller == null || poller.isNull()) {
                return;
            }
            if (!poller.isObject()) {
                problems.add("poller", null, "must be a mapping of keys");
                return;
            }
            Set<String> known = new HashSet<>();
            KEYS.forEach(k -> known.add(k.name()));
            for (Iterator<Map.Entry<String, JsonNode>> it = poller.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> f = it.next();
                String full = "poller." + f.getKey();
                if (f.getKey().equals("ops") && f.getValue().isObject()) {
                    f.getValue().fieldNames().forEachRemaining(n -> {
                        if (!known.contains("poller.ops." + n)) {
                            problems.add("poller.ops." + n, null, "is not a key; known keys: poller.ops.host, poller.ops.port");
                        }
                    });
                } else if (!known.contains(full)) {
                    List<String> names = KEYS.stream().map(Key::name).filter(n -> n.startsWith("poller.")).toList();
                    problems.add(full, null, "is not a key; known keys: " + String.join(", ", names));
                }
            }
        }

        private Key key(String name) {
            return KEYS.stream().filter(k -> k.name().equals(name)).findFirst().orElseThrow();
        }

        String raw(String name) {
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

        String string(String name, java.util.function.Function<String, String> validator) {
            String value = raw(name);
            if (value == null || value.isEmpty()) {
                if (key(name).defaultValue() == null) {
                    problems.add(name, null, "is required (" + key(name).doc() + "); set it in the file or in " + key(name).envVar());
                }
                return null;
            }
            String problem = validator == null ? null : validator.apply(value);
            if (problem != null) {
                problems.add(name, value, problem);
                return null;
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

        Duration duration(String name, boolean zeroAllowed) {
            String value = raw(name);
            try {
                Duration d = parseDuration(value);
                if (d.isNegative() || (!zeroAllowed && d.isZero())) {
                    problems.add(name, value, zeroAllowed ? "must not be negative" : "must be positive");
                }
                return d;
            } catch (DateTimeParseException | NullPointerException e) {
                problems.add(name, value, "is not a duration; write ISO-8601 like PT10S or a number with ms, s, m, h, d like 10s");
                return Duration.ofSeconds(1);
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
                    secrets.resolve("kafka.properties." + e.getKey(), value, problems).ifPresent(s -> props.put(e.getKey(), s.reveal()));
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
                    secrets.resolve("encryption.keys." + e.getKey(), e.getValue().asText(), problems).ifPresent(s -> base64.put(e.getKey(), s));
                }
            } else if (!node.isMissingNode() && !node.isNull()) {
                problems.add("encryption.keys", null, "must be a mapping of key id to ${env:..} or ${file:..}");
                return null;
            }
            Set<String> declared = new HashSet<>();
            node.fieldNames().forEachRemaining(declared::add);
            ConfigProblems scratch = new ConfigProblems("encryption");
            TokenKeys keys = TokenKeys.fromBase64(activeKeyId, base64, "encryption.activeKeyId", "encryption.keys", scratch).orElse(null);
            for (ConfigProblem p : scratch.problems()) {
                boolean echo = p.key().equals("encryption.keys") && !declared.isEmpty()
                        || p.key().equals("encryption.activeKeyId") && declared.contains(activeKeyId);
                if (!echo) {
                    problems.add(p.key(), p.value(), p.message());
                }
            }
            return declared.size() == base64.size() ? keys : null;
        }
    }
}
