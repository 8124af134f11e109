package io.switchboard.aggregate;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.switchboard.core.ConfigException;
import io.switchboard.core.ConfigProblems;
import io.switchboard.core.Topics;
import io.switchboard.core.config.Checks;
import io.switchboard.core.config.ConfigKey;
import io.switchboard.core.config.ConfigReference;
import io.switchboard.core.config.ConfigSection;
import io.switchboard.core.config.ConfigSource;
import io.switchboard.core.config.ConfigType;
import io.switchboard.core.config.Durations;
import io.switchboard.core.config.SharedKeys;

/**
 * Configuration of one aggregator instance, read from the one configuration file every role shares: the
 * {@code kafka:} and {@code schemaRegistry:} sections at the top (as for every role) and the {@code aggregator:}
 * section. Every key is a {@link ConfigKey} declared here (name, type, default, documentation, checks) and is
 * overridden by its environment variable ({@code aggregator.http.port}: {@code SWITCHBOARD_AGGREGATOR_HTTP_PORT});
 * {@link #from(ConfigSource)} reads them all and throws one {@link ConfigException} listing every problem.
 * {@link #referenceSection} lists the keys for {@code --print-config-reference} and docs/configuration.md.
 * Immutable; {@link #toString()} masks properties that look like credentials.
 *
 * <pre>
 * kafka: {bootstrapServers: localhost:9092, topicPrefix: switchboard}
 * schemaRegistry: {url: http://localhost:8081}
 * aggregator:
 *   streams: {stateDir: /var/lib/switchboard/aggregator, standbyReplicas: 1}
 *   windows: {1m: {grace: 2m, retention: 2h}, 1h: {grace: 15m}}
 *   staleness: {after: 2m}
 *   alerts:
 *     rules:
 *       - {name: long-wait, kind: longest-wait-above, threshold: 2m, severity: CRITICAL}
 *       - {name: sl, kind: service-level-below, threshold: 80, queues: ["genesys-eu/*"]}
 *   http: {port: 9402, corsOrigins: ["https://wallboard.example.com"]}
 *   ops: {port: 9403}
 * </pre>
 *
 * @param applicationId         Kafka Streams {@code application.id} (consumer group, internal topic prefix)
 * @param instanceId            this instance's name in logs and metrics
 * @param bootstrapServers      Kafka {@code bootstrap.servers}
 * @param topicPrefix           prefix of every topic name ({@link Topics})
 * @param kafkaProperties       extra client properties: the shared {@code kafka.properties}, then {@code aggregator.streams.properties}
 * @param outputPartitions      partitions of the output topics when the aggregator creates them; 0 = as many as queue-stats
 * @param schemaRegistryUrl     Confluent-compatible schema registry
 * @param schemaRegistryProperties extra serde / registry client keys (Confluent names, e.g. {@code basic.auth.user.info})
 * @param stateDir              Kafka Streams {@code state.dir}
 * @param streamThreads         {@code num.stream.threads}
 * @param standbyReplicas       {@code num.standby.replicas}: warm copies of each store on other instances
 * @param commitInterval        {@code commit.interval.ms} (exactly-once transactions commit this often)
 * @param windows               grace and retention per window size
 * @param emitWindowUpdates     {@code windows.emit = updates}: write a window to its topic on every change;
 *                              false ({@code final}, the default): once, with its final value, when its grace has passed
 * @param staleAfter            a queue with no record for this long is marked stale
 * @param staleCheckInterval    how often (wall clock) queues are checked for staleness
 * @param tenantSummaryInterval how often (wall clock) changed tenant summaries are written
 * @param alertHysteresis       share of a threshold a value must move back before a rule clears, when the rule names no clear level
 * @param alertHistoryRetention how long resolved and raised alerts stay queryable under {@code /api/alerts}
 * @param alertRules            the rules, checked for every queue they match
 * @param httpHost              interface of the query API and dashboard
 * @param httpPort              port of the query API; 0 = any free port
 * @param advertisedHost        host other instances use to reach this one ({@code application.server})
 * @param corsOrigins           origins allowed to call the API from a browser; empty = no CORS headers, {@code *} = any
 * @param forwardTimeout        how long a request forwarded to another instance may take
 * @param opsHost               interface of {@code /health}, {@code /ready}, {@code /metrics}
 * @param opsPort               port of that server; 0 = any free port, -1 = none
 * @param dashboardEnabled      whether {@code /} serves the live dashboard page
 */
public record AggregatorConfig(
        String applicationId,
        String instanceId,
        String bootstrapServers,
        String topicPrefix,
        Map<String, String> kafkaProperties,
        int outputPartitions,
        String schemaRegistryUrl,
        Map<String, String> schemaRegistryProperties,
        Path stateDir,
        int streamThreads,
        int standbyReplicas,
        Duration commitInterval,
        Map<WindowSize, WindowSettings> windows,
        boolean emitWindowUpdates,
        Duration staleAfter,
        Duration staleCheckInterval,
        Duration tenantSummaryInterval,
        double alertHysteresis,
        Duration alertHistoryRetention,
        List<AlertRule> alertRules,
        String httpHost,
        int httpPort,
        String advertisedHost,
        List<String> corsOrigins,
        Duration forwardTimeout,
        String opsHost,
        int opsPort,
        boolean dashboardEnabled) {

    /**
     * Grace and retention of one window size.
     *
     * @param grace     how long after a window ends (in stream time: the newest {@code observedAt} seen) records
     *                  for it are still accepted; later ones are dropped and counted
     * @param retention how long windows stay in the store for the query API (at least size + grace)
     */
    public record WindowSettings(Duration grace, Duration retention) {
        public WindowSettings {
            Objects.requireNonNull(grace, "grace");
            Objects.requireNonNull(retention, "retention");
        }
    }

    // ---- shared sections (kafka, schemaRegistry): read from the top of the file like every role ----

    /** Kafka bootstrap servers (shared {@code kafka:} section). */
    public static final ConfigKey<String> BOOTSTRAP_SERVERS = SharedKeys.KAFKA_BOOTSTRAP_SERVERS;
    /** Prefix of every topic name (shared). */
    public static final ConfigKey<String> TOPIC_PREFIX = SharedKeys.KAFKA_TOPIC_PREFIX;
    /** Kafka client properties of every client (shared). */
    public static final ConfigKey<Map<String, String>> KAFKA_PROPERTIES = SharedKeys.KAFKA_PROPERTIES;
    /** Schema registry URL (shared). */
    public static final ConfigKey<String> SCHEMA_REGISTRY_URL = SharedKeys.SCHEMA_REGISTRY_URL;

    // ---- aggregator ----

    public static final ConfigKey<String> APPLICATION_ID = ConfigKey.string("aggregator.applicationId").defaultValue("switchboard-aggregator")
            .check(Checks.matches("[A-Za-z0-9._-]+", "may only contain letters, digits, '.', '_' and '-'"))
            .doc("Kafka Streams application.id: the consumer group and the prefix of internal topics. Instances with the same id"
                    + " share the work.");
    public static final ConfigKey<String> INSTANCE_ID = ConfigKey.string("aggregator.instanceId").computedDefault("<pid>-<hostname>")
            .check(Checks.notBlank()).doc("Name of this instance in logs and metrics.");
    public static final ConfigKey<Integer> OUTPUT_PARTITIONS = ConfigKey.integer("aggregator.outputPartitions").defaultValue(0)
            .check(Checks.between(0, 10_000))
            .doc("Partitions of the topics the aggregator creates (queue-stats when missing, the dashboard topics); 0 = as the"
                    + " topic contract says (12).");
    public static final ConfigKey<Map<String, String>> STREAMS_PROPERTIES = ConfigKey.stringMap("aggregator.streams.properties")
            .computedDefault("{}")
            .check(p -> p.containsKey("bootstrap.servers") || p.containsKey("application.id") || p.containsKey("processing.guarantee")
                    ? "must not set bootstrap.servers, application.id or processing.guarantee; set kafka.bootstrapServers and"
                    + " aggregator.applicationId (the aggregator always runs exactly_once_v2)" : null)
            .doc("Kafka Streams / client properties for the aggregator only, over kafka.properties (e.g. session.timeout.ms);"
                    + " SWITCHBOARD_AGGREGATOR_STREAMS_PROPERTIES_SESSION_TIMEOUT_MS sets session.timeout.ms.").masked();
    public static final ConfigKey<Map<String, String>> REGISTRY_PROPERTIES = ConfigKey.stringMap("aggregator.schemaRegistry.properties")
            .computedDefault("{}")
            .doc("Registry client / serde keys with Confluent names for the aggregator's serdes (basic.auth.user.info,"
                    + " max.retries, retries.wait.ms, ...); values may be ${env:..} or ${file:..}; masked in every message.")
                    .masked();
    public static final ConfigKey<Path> STATE_DIR = ConfigKey.of("aggregator.streams.stateDir", ConfigType.PATH)
            .computedDefault("<tmp>/switchboard-aggregator")
            .doc("Kafka Streams state.dir: local RocksDB stores, rebuilt from the changelogs when lost.");
    public static final ConfigKey<Integer> THREADS = ConfigKey.integer("aggregator.streams.threads").defaultValue(1)
            .check(Checks.between(1, 64)).doc("num.stream.threads.");
    public static final ConfigKey<Integer> STANDBY_REPLICAS = ConfigKey.integer("aggregator.streams.standbyReplicas").defaultValue(1)
            .check(Checks.between(0, 10))
            .doc("num.standby.replicas: warm copies of each store on other instances, served while the owner is away.");
    public static final ConfigKey<Duration> COMMIT_INTERVAL = ConfigKey.duration("aggregator.streams.commitInterval")
            .defaultValue(Duration.ofMillis(500)).check(Checks.positive())
            .doc("commit.interval.ms: how often the exactly-once transaction commits (and outputs on the topics become visible;"
                    + " the query API reads the stores and does not wait for it). Every commit has a fixed cost, see docs/aggregator.md.");
    public static final ConfigKey<Duration> GRACE_1M = graceKey(WindowSize.ONE_MINUTE);
    public static final ConfigKey<Duration> RETENTION_1M = retentionKey(WindowSize.ONE_MINUTE);
    public static final ConfigKey<Duration> GRACE_15M = graceKey(WindowSize.FIFTEEN_MINUTES);
    public static final ConfigKey<Duration> RETENTION_15M = retentionKey(WindowSize.FIFTEEN_MINUTES);
    public static final ConfigKey<Duration> GRACE_1H = graceKey(WindowSize.ONE_HOUR);
    public static final ConfigKey<Duration> RETENTION_1H = retentionKey(WindowSize.ONE_HOUR);
    public static final ConfigKey<String> WINDOWS_EMIT = ConfigKey.of("aggregator.windows.emit", ConfigType.oneOf("final", "updates"))
            .defaultValue("final")
            .doc("final: each window is written to its queue-stats-<size> topic once, with its final value, when its grace has"
                    + " passed (one record per window); updates: on every change. The query API and dashboard show open windows"
                    + " either way.");
    public static final ConfigKey<Duration> STALE_AFTER = ConfigKey.duration("aggregator.staleness.after").defaultValue(Duration.ofMinutes(2))
            .check(Checks.positive())
            .doc("A queue with no record for this long is marked stale (snapshot, dashboard, tenant summary).");
    public static final ConfigKey<Duration> STALE_CHECK_INTERVAL = ConfigKey.duration("aggregator.staleness.checkInterval")
            .defaultValue(Duration.ofSeconds(5)).check(Checks.between(Duration.ofMillis(10), Duration.ofDays(1)))
            .doc("How often (wall clock) queues are checked for staleness and stale alerts.");
    public static final ConfigKey<Duration> TENANT_SUMMARY_INTERVAL = ConfigKey.duration("aggregator.tenantSummary.interval")
            .defaultValue(Duration.ofSeconds(1)).check(Checks.between(Duration.ofMillis(10), Duration.ofDays(1)))
            .doc("How often (wall clock) changed tenant summaries are written.");
    public static final ConfigKey<Double> ALERT_HYSTERESIS = ConfigKey.decimal("aggregator.alerts.hysteresis").defaultValue(0.1)
            .check(Checks.between(0.0, true, 0.99))
            .doc("Share of a threshold a value must move back before a rule without 'clear' clears, in [0, 0.99].");
    public static final ConfigKey<Duration> ALERT_HISTORY_RETENTION = ConfigKey.duration("aggregator.alerts.historyRetention")
            .defaultValue(Duration.ofHours(24)).check(Checks.between(Duration.ofMinutes(1), Duration.ofDays(3650)))
            .doc("How long raised and resolved alerts stay listed under /api/alerts?state=all.");
    public static final ConfigKey<List<ConfigSection>> ALERT_RULES = ConfigKey.items("aggregator.alerts.rules")
            .doc("Alert rules, a list of mappings (keys below); checked for every queue they match. File only.");
    public static final ConfigKey<String> RULE_NAME = ConfigKey.string("aggregator.alerts.rules[].name").required().check(Checks.notBlank())
            .doc("The rule's name, unique, shown in alerts: long-wait, say.")
            .fileOnly();
    public static final ConfigKey<AlertRule.Kind> RULE_KIND = ConfigKey.of("aggregator.alerts.rules[].kind", ConfigType.scalar(
                    "waiting-above | longest-wait-above | service-level-below | no-agent-available | stale",
                    s -> AlertRule.Kind.parse(s).orElseThrow(() -> new IllegalArgumentException("must be one of waiting-above,"
                            + " longest-wait-above, service-level-below, no-agent-available, stale"))))
            .required().doc("What the rule watches (see docs/aggregator.md, Alert rules).")
            .fileOnly();
    public static final ConfigKey<String> RULE_THRESHOLD = ConfigKey.string("aggregator.alerts.rules[].threshold")
            .doc("Required except for no-agent-available (default 1 = minimum waiting): a count (waiting-above), a duration"
                    + " (longest-wait-above, stale: 2m, 90s), a percentage in (0, 100] (service-level-below).")
            .fileOnly();
    public static final ConfigKey<String> RULE_CLEAR = ConfigKey.string("aggregator.alerts.rules[].clear")
            .computedDefault("threshold x (1 -/+ hysteresis)")
            .doc("The level at which a firing rule clears, on the safe side of the threshold (available agents for"
                    + " no-agent-available, default 1).")
            .fileOnly();
    public static final ConfigKey<String> RULE_SEVERITY = ConfigKey.of("aggregator.alerts.rules[].severity", ConfigType.scalar(
                    "INFO | WARNING | CRITICAL", s -> {
                        String u = s.trim().toUpperCase(Locale.ROOT);
                        if (!AlertRule.SEVERITIES.contains(u)) {
                            throw new IllegalArgumentException("must be INFO, WARNING or CRITICAL");
                        }
                        return u;
                    }))
            .defaultValue("WARNING").doc("Severity written in the alert.").fileOnly();
    public static final ConfigKey<List<String>> RULE_QUEUES = ConfigKey.stringList("aggregator.alerts.rules[].queues").defaultValue(List.of())
            .doc("Globs (*, ?) matched against credentialId/queueId and the queue name; empty = every queue.")
            .fileOnly();
    public static final ConfigKey<List<String>> RULE_TENANTS = ConfigKey.stringList("aggregator.alerts.rules[].tenants").defaultValue(List.of())
            .doc("Credential ids or vendor tenant ids; empty = every tenant.")
            .fileOnly();
    public static final ConfigKey<String> HTTP_HOST = ConfigKey.string("aggregator.http.host").defaultValue("127.0.0.1")
            .check(Checks.matches("\\S+", "must not be blank; use 127.0.0.1 or 0.0.0.0"))
            .doc("Interface of the query API and dashboard; 0.0.0.0 for all.");
    public static final ConfigKey<Integer> HTTP_PORT = ConfigKey.integer("aggregator.http.port").defaultValue(9402)
            .check(Checks.between(0, 65535)).doc("Port of the query API and dashboard; 0 = any free port.");
    public static final ConfigKey<String> ADVERTISED_HOST = ConfigKey.string("aggregator.http.advertisedHost").computedDefault("<http.host>")
            .check(Checks.matches("[^\\s:/]+", "must be a host name or address without port or scheme"))
            .doc("Host name other instances reach this one at (application.server); required when http.host is 0.0.0.0.");
    public static final ConfigKey<List<String>> CORS_ORIGINS = ConfigKey.stringList("aggregator.http.corsOrigins").defaultValue(List.of())
            .check(l -> l.stream().filter(o -> !o.equals("*") && !o.matches("https?://[^/\\s]+")).findFirst()
                    .map(o -> "has " + o + ", which is not an origin; write scheme://host[:port] without a path, or '*'").orElse(null))
            .doc("Origins allowed to call the API from a browser (https://wallboard.example.com); '*' for any; empty = no CORS.");
    public static final ConfigKey<Duration> FORWARD_TIMEOUT = ConfigKey.duration("aggregator.http.forwardTimeout")
            .defaultValue(Duration.ofSeconds(5)).check(Checks.between(Duration.ofMillis(10), Duration.ofMinutes(10)))
            .doc("How long a query forwarded to the instance owning the key may take.");
    public static final ConfigKey<String> OPS_HOST = ConfigKey.string("aggregator.ops.host").defaultValue("127.0.0.1")
            .check(Checks.matches("\\S+", "must not be blank; use 127.0.0.1 or 0.0.0.0"))
            .doc("Interface of /health, /ready, /metrics.");
    public static final ConfigKey<Integer> OPS_PORT = ConfigKey.integer("aggregator.ops.port").defaultValue(9403)
            .check(Checks.between(-1, 65535)).doc("Port of /health, /ready, /metrics; 0 = any free port, -1 = none.");
    public static final ConfigKey<Boolean> DASHBOARD_ENABLED = ConfigKey.bool("aggregator.dashboard.enabled").defaultValue(true)
            .doc("Serve the live dashboard page at / (assets from the jar, no CDN).");

    private static final List<ConfigKey<?>> SHARED_KEYS = List.of(BOOTSTRAP_SERVERS, TOPIC_PREFIX, KAFKA_PROPERTIES, SCHEMA_REGISTRY_URL);
    private static final List<ConfigKey<?>> RULE_KEYS = List.of(RULE_NAME, RULE_KIND, RULE_THRESHOLD, RULE_CLEAR, RULE_SEVERITY,
            RULE_QUEUES, RULE_TENANTS);
    private static final List<ConfigKey<?>> OWN_KEYS = List.of(APPLICATION_ID, INSTANCE_ID, OUTPUT_PARTITIONS, STREAMS_PROPERTIES,
            REGISTRY_PROPERTIES, STATE_DIR, THREADS, STANDBY_REPLICAS, COMMIT_INTERVAL, GRACE_1M, RETENTION_1M, GRACE_15M,
            RETENTION_15M, GRACE_1H, RETENTION_1H, WINDOWS_EMIT, STALE_AFTER, STALE_CHECK_INTERVAL, TENANT_SUMMARY_INTERVAL,
            ALERT_HYSTERESIS, ALERT_HISTORY_RETENTION, ALERT_RULES, RULE_NAME, RULE_KIND, RULE_THRESHOLD, RULE_CLEAR, RULE_SEVERITY,
            RULE_QUEUES, RULE_TENANTS, HTTP_HOST, HTTP_PORT, ADVERTISED_HOST, CORS_ORIGINS, FORWARD_TIMEOUT, OPS_HOST, OPS_PORT,
            DASHBOARD_ENABLED);

    private static final Map<WindowSize, ConfigKey<Duration>> GRACE = Map.of(WindowSize.ONE_MINUTE, GRACE_1M,
            WindowSize.FIFTEEN_MINUTES, GRACE_15M, WindowSize.ONE_HOUR, GRACE_1H);
    private static final Map<WindowSize, ConfigKey<Duration>> RETENTION = Map.of(WindowSize.ONE_MINUTE, RETENTION_1M,
            WindowSize.FIFTEEN_MINUTES, RETENTION_15M, WindowSize.ONE_HOUR, RETENTION_1H);

    private static final ObjectMapper JSON = new ObjectMapper();

    private static final Pattern SENSITIVE = Pattern.compile("(?i).*(password|secret|jaas|token|credential|user\\.info|key).*");

    private static ConfigKey<Duration> graceKey(WindowSize size) {
        return ConfigKey.duration("aggregator.windows." + size.label() + ".grace").defaultValue(defaultWindow(size).grace())
                .check(Checks.notNegative())
                .doc("How long after a " + size.label() + " window ends records are still accepted (stream time); later ones are"
                        + " dropped and counted.");
    }

    private static ConfigKey<Duration> retentionKey(WindowSize size) {
        return ConfigKey.duration("aggregator.windows." + size.label() + ".retention").defaultValue(defaultWindow(size).retention())
                .check(Checks.positive())
                .doc("How long " + size.label() + " windows stay queryable; at least " + size.label() + " + its grace.");
    }

    /** The default grace and retention of a window size: 2m / 2h, 10m / 1d, 15m / 2d. */
    private static WindowSettings defaultWindow(WindowSize size) {
        return switch (size) {
            case ONE_MINUTE -> new WindowSettings(Duration.ofMinutes(2), Duration.ofHours(2));
            case FIFTEEN_MINUTES -> new WindowSettings(Duration.ofMinutes(10), Duration.ofDays(1));
            case ONE_HOUR -> new WindowSettings(Duration.ofMinutes(15), Duration.ofDays(2));
        };
    }

    public AggregatorConfig {
        Objects.requireNonNull(applicationId, "applicationId");
        Objects.requireNonNull(instanceId, "instanceId");
        Objects.requireNonNull(bootstrapServers, "bootstrapServers");
        Objects.requireNonNull(topicPrefix, "topicPrefix");
        kafkaProperties = Map.copyOf(kafkaProperties);
        Objects.requireNonNull(schemaRegistryUrl, "schemaRegistryUrl");
        schemaRegistryProperties = Map.copyOf(schemaRegistryProperties);
        Objects.requireNonNull(stateDir, "stateDir");
        Objects.requireNonNull(commitInterval, "commitInterval");
        EnumMap<WindowSize, WindowSettings> w = new EnumMap<>(WindowSize.class);
        for (WindowSize size : WindowSize.values()) {
            w.put(size, defaultWindow(size));
        }
        w.putAll(windows);
        windows = java.util.Collections.unmodifiableMap(w);
        Objects.requireNonNull(staleAfter, "staleAfter");
        Objects.requireNonNull(staleCheckInterval, "staleCheckInterval");
        Objects.requireNonNull(tenantSummaryInterval, "tenantSummaryInterval");
        Objects.requireNonNull(alertHistoryRetention, "alertHistoryRetention");
        alertRules = List.copyOf(alertRules);
        Objects.requireNonNull(httpHost, "httpHost");
        Objects.requireNonNull(advertisedHost, "advertisedHost");
        corsOrigins = List.copyOf(corsOrigins);
        Objects.requireNonNull(forwardTimeout, "forwardTimeout");
        Objects.requireNonNull(opsHost, "opsHost");
    }

    /** Every key the aggregator reads: the shared {@code kafka}/{@code schemaRegistry} keys, then its own, in file order. */
    public static List<ConfigKey<?>> configKeys() {
        List<ConfigKey<?>> all = new ArrayList<>(SHARED_KEYS);
        all.addAll(OWN_KEYS);
        return List.copyOf(all);
    }

    /** The keys of the {@code aggregator:} section (with the keys of each alert rule), in file order. */
    public static List<ConfigKey<?>> ownKeys() {
        return OWN_KEYS;
    }

    /** {@code reference} with a section for the {@code aggregator:} keys (the shared sections are listed once, elsewhere). */
    public static ConfigReference referenceSection(ConfigReference reference) {
        return reference.section("aggregator", "Settings of `switchboard aggregator` (Kafka Streams, query API, dashboard). It reads"
                + " kafka.bootstrapServers, kafka.topicPrefix, kafka.properties and schemaRegistry.url from the shared sections."
                + " Alert rules (aggregator.alerts.rules[]) are set in the file only.", OWN_KEYS);
    }

    /** Every key the aggregator reads, as plain text (for {@code switchboard aggregator --print-config-reference}). */
    public static String reference() {
        return referenceSection(ConfigReference.of().section("kafka, schemaRegistry (shared by every role)",
                "The aggregator reads these from the top-level sections.", SHARED_KEYS)).text();
    }

    /** Topic names under {@link #topicPrefix()}. */
    public Topics topics() {
        return new Topics(topicPrefix);
    }

    /** Grace of a window size. */
    public Duration grace(WindowSize size) {
        return windows.get(size).grace();
    }

    /** Serde configuration: {@code schema.registry.url} plus {@link #schemaRegistryProperties()}. */
    public Map<String, Object> serdeConfig() {
        Map<String, Object> m = new LinkedHashMap<>(schemaRegistryProperties);
        m.put("schema.registry.url", schemaRegistryUrl);
        return m;
    }

    /** Loads a configuration file, with overrides and references resolved against {@code env}. */
    public static AggregatorConfig load(Path file, Map<String, String> env) {
        return from(ConfigSource.load(file, env));
    }

    /**
     * Parses YAML text (a whole configuration file).
     *
     * @param origin the text's name in problem messages (a file path)
     * @throws ConfigException with every problem found
     */
    public static AggregatorConfig parse(String yaml, String origin, Map<String, String> env) {
        return from(ConfigSource.parse(yaml, origin, env));
    }

    /**
     * Reads a whole configuration given as nested maps, as a YAML parser gives it, without environment overrides (tests,
     * benchmarks, embedding). A key with dots ({@code aggregator.http.port}, {@code kafka.bootstrapServers}) stands for
     * its nested mappings; in a {@code properties} map the rest of the name is the property's ({@code
     * kafka.properties.session.timeout.ms}).
     *
     * @throws ConfigException with every problem found
     */
    public static AggregatorConfig fromMap(Map<String, ?> file) {
        return fromMap(file, "aggregator configuration");
    }

    /** As {@link #fromMap(Map)}, naming {@code origin} in problems. */
    public static AggregatorConfig fromMap(Map<String, ?> file, String origin) {
        return from(ConfigSource.fromTree(JSON.valueToTree(expand(file)), origin, Map.of()));
    }

    /**
     * Reads the aggregator's keys: the shared {@code kafka:} and {@code schemaRegistry:} sections and the
     * {@code aggregator:} section, each key from its environment variable, the file or its default.
     *
     * @throws ConfigException listing every problem found (unknown keys in the {@code aggregator:} section included)
     */
    public static AggregatorConfig from(ConfigSource source) {
        ConfigProblems problems = source.newProblems();
        ConfigSection root = source.root(problems);
        ConfigSection own = root.section("aggregator");
        if (own.has("aggregator.kafka") || own.has("aggregator.schemaRegistry.url")) {
            problems.add(own.has("aggregator.kafka") ? "aggregator.kafka" : "aggregator.schemaRegistry.url", null,
                    "is read from the top-level kafka: and schemaRegistry: sections shared by every role; move it there"
                            + " (outputPartitions is aggregator.outputPartitions, Streams-only properties aggregator.streams.properties)");
        } else {
            own.rejectUnknownKeys(OWN_KEYS, List.of());
        }
        // aggregator keys written at the top of the file (the layout of an aggregator-only section) would be ignored;
        // instanceId and ops are not checked: at the top they are the token manager's older names
        for (String misplaced : List.of("applicationId", "outputPartitions", "streams", "windows", "staleness", "tenantSummary",
                "alerts", "http", "dashboard")) {
            if (source.has(misplaced)) {
                problems.add(misplaced, null, "is not a top-level section; it is a key of the aggregator: section (aggregator."
                        + misplaced + ")");
            }
        }

        String bootstrap = root.get(BOOTSTRAP_SERVERS);
        String prefix = root.get(TOPIC_PREFIX);
        Map<String, String> shared = root.get(KAFKA_PROPERTIES);
        String registry = root.get(SCHEMA_REGISTRY_URL);

        String applicationId = root.get(APPLICATION_ID);
        String instanceId = root.get(INSTANCE_ID);
        int outputPartitions = orElse(root.get(OUTPUT_PARTITIONS), 0);
        Map<String, String> streamsProps = root.get(STREAMS_PROPERTIES);
        Map<String, String> kafkaProps = new LinkedHashMap<>(shared == null ? Map.of() : shared);
        if (streamsProps != null) {
            kafkaProps.putAll(streamsProps);
        }
        Map<String, String> registryProps = orElse(root.get(REGISTRY_PROPERTIES), Map.of());
        Path stateDir = root.get(STATE_DIR);
        int threads = orElse(root.get(THREADS), 1);
        int standbys = orElse(root.get(STANDBY_REPLICAS), 1);
        Duration commit = root.get(COMMIT_INTERVAL);

        Map<WindowSize, WindowSettings> windows = new EnumMap<>(WindowSize.class);
        for (WindowSize size : WindowSize.values()) {
            Duration grace = root.get(GRACE.get(size));
            Duration retention = root.get(RETENTION.get(size));
            if (grace != null && retention != null && retention.compareTo(size.length().plus(grace)) < 0) {
                root.problem(RETENTION.get(size), retention, "is shorter than the window plus its grace ("
                        + Durations.format(size.length().plus(grace)) + "); windows would vanish before they close");
            } else if (grace != null && retention != null) {
                windows.put(size, new WindowSettings(grace, retention));
            }
        }
        boolean emitUpdates = "updates".equals(root.get(WINDOWS_EMIT));
        Duration staleAfter = root.get(STALE_AFTER);
        Duration staleCheck = root.get(STALE_CHECK_INTERVAL);
        Duration tenantInterval = root.get(TENANT_SUMMARY_INTERVAL);
        double hysteresis = orElse(root.get(ALERT_HYSTERESIS), 0.1);
        Duration history = root.get(ALERT_HISTORY_RETENTION);
        List<AlertRule> rules = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (ConfigSection item : root.items(ALERT_RULES.name())) {
            AlertRule rule = rule(item, hysteresis, names);
            if (rule != null) {
                rules.add(rule);
            }
        }

        String httpHost = root.get(HTTP_HOST);
        int httpPort = orElse(root.get(HTTP_PORT), 9402);
        String advertised = root.get(ADVERTISED_HOST);
        if (advertised == null && !root.isSet(ADVERTISED_HOST) && ("0.0.0.0".equals(httpHost) || "::".equals(httpHost))) {
            problems.add(root.where(ADVERTISED_HOST), null, "is required when " + HTTP_HOST.name() + " is " + httpHost
                    + ": other instances forward queries to it (application.server); give this machine's name or address"
                    + " (or set " + ADVERTISED_HOST.envVar() + ")");
        }
        List<String> cors = root.get(CORS_ORIGINS);
        Duration forward = root.get(FORWARD_TIMEOUT);
        String opsHost = root.get(OPS_HOST);
        int opsPort = orElse(root.get(OPS_PORT), 9403);
        boolean dashboard = orElse(root.get(DASHBOARD_ENABLED), true);
        problems.throwIfAny();
        return new AggregatorConfig(applicationId, instanceId == null ? defaultInstanceId() : instanceId, bootstrap, prefix, kafkaProps,
                outputPartitions, registry, registryProps,
                stateDir == null ? Path.of(System.getProperty("java.io.tmpdir"), "switchboard-aggregator") : stateDir, threads,
                standbys, commit, windows, emitUpdates, staleAfter, staleCheck, tenantInterval, hysteresis, history, rules, httpHost,
                httpPort, advertised == null ? httpHost : advertised, cors, forward, opsHost, opsPort, dashboard);
    }

    private static <T> T orElse(T value, T fallback) {
        return value == null ? fallback : value;
    }

    /** A copy with another instance id, state directory and ports (several instances in one JVM). */
    public AggregatorConfig withInstance(String instanceId, Path stateDir, int httpPort, int opsPort) {
        return new AggregatorConfig(applicationId, instanceId, bootstrapServers, topicPrefix, kafkaProperties, outputPartitions,
                schemaRegistryUrl, schemaRegistryProperties, stateDir, streamThreads, standbyReplicas, commitInterval, windows, emitWindowUpdates, staleAfter,
                staleCheckInterval, tenantSummaryInterval, alertHysteresis, alertHistoryRetention, alertRules, httpHost, httpPort,
                advertisedHost, corsOrigins, forwardTimeout, opsHost, opsPort, dashboardEnabled);
    }

    /** A copy with other alert rules. */
    public AggregatorConfig withAlertRules(List<AlertRule> rules) {
        return new AggregatorConfig(applicationId, instanceId, bootstrapServers, topicPrefix, kafkaProperties, outputPartitions,
                schemaRegistryUrl, schemaRegistryProperties, stateDir, streamThreads, standbyReplicas, commitInterval, windows, emitWindowUpdates, staleAfter,
                staleCheckInterval, tenantSummaryInterval, alertHysteresis, alertHistoryRetention, rules, httpHost, httpPort,
                advertisedHost, corsOrigins, forwardTimeout, opsHost, opsPort, dashboardEnabled);
    }

    /** A copy with another registry URL and registry properties. */
    public AggregatorConfig withSchemaRegistry(String url, Map<String, String> properties) {
        return new AggregatorConfig(applicationId, instanceId, bootstrapServers, topicPrefix, kafkaProperties, outputPartitions,
                url, properties, stateDir, streamThreads, standbyReplicas, commitInterval, windows, emitWindowUpdates, staleAfter,
                staleCheckInterval, tenantSummaryInterval, alertHysteresis, alertHistoryRetention, alertRules, httpHost, httpPort,
                advertisedHost, corsOrigins, forwardTimeout, opsHost, opsPort, dashboardEnabled);
    }

    @Override
    public String toString() {
        Map<String, String> masked = new LinkedHashMap<>();
        kafkaProperties.forEach((k, v) -> masked.put(k, SENSITIVE.matcher(k).matches() ? "****" : v));
        Map<String, String> maskedRegistry = new LinkedHashMap<>();
        schemaRegistryProperties.forEach((k, v) -> maskedRegistry.put(k, SENSITIVE.matcher(k).matches() ? "****" : v));
        return "AggregatorConfig[applicationId=" + applicationId + ", instanceId=" + instanceId + ", bootstrapServers=" + bootstrapServers
                + ", topicPrefix=" + topicPrefix + ", kafkaProperties=" + masked + ", schemaRegistryUrl=" + schemaRegistryUrl
                + ", schemaRegistryProperties=" + maskedRegistry + ", stateDir=" + stateDir + ", threads=" + streamThreads
                + ", standbyReplicas=" + standbyReplicas + ", windows=" + windows + ", staleAfter=" + staleAfter
                + ", rules=" + alertRules.size() + ", http=" + httpHost + ":" + httpPort + " (" + advertisedHost + "), ops=" + opsHost
                + ":" + opsPort + "]";
    }

    static String defaultInstanceId() {
        return ManagementFactory.getRuntimeMXBean().getName().replace('@', '-');
    }

    /** The aggregator's reading of one rule of {@code aggregator.alerts.rules}, or null (and problems recorded). */
    private static AlertRule rule(ConfigSection item, double hysteresis, Set<String> names) {
        item.rejectUnknownKeys(RULE_KEYS, List.of(), "is not a rule key (rule keys: name, kind, threshold, clear, severity, queues, tenants)");
        String name = item.get(RULE_NAME);
        if (name != null && !names.add(name)) {
            item.problem(RULE_NAME, name, "is used by another rule; rule names must be unique");
        }
        AlertRule.Kind kind = item.get(RULE_KIND);
        String severity = item.get(RULE_SEVERITY);
        List<String> queues = item.get(RULE_QUEUES);
        List<String> tenants = item.get(RULE_TENANTS);
        if (kind == null) {
            return null;
        }
        Double threshold = kind == AlertRule.Kind.NO_AGENT_AVAILABLE && !item.isSet(RULE_THRESHOLD) ? Double.valueOf(1)
                : number(item, RULE_THRESHOLD, kind, true);
        Double clear = item.isSet(RULE_CLEAR) ? number(item, RULE_CLEAR, kind, false) : null;
        if (threshold == null) {
            return null;
        }
        if (kind == AlertRule.Kind.SERVICE_LEVEL_BELOW && (threshold <= 0 || threshold > 100)) {
            item.problem(RULE_THRESHOLD, item.get(RULE_THRESHOLD), "is a percentage: give a number in (0, 100]");
            return null;
        }
        double c = clear != null ? clear : AlertRule.defaultClear(kind, threshold, hysteresis);
        boolean clearOnSafeSide = switch (kind) {
            case WAITING_ABOVE, LONGEST_WAIT_ABOVE -> c <= threshold;
            case SERVICE_LEVEL_BELOW -> c >= threshold;
            case NO_AGENT_AVAILABLE -> c >= 1;
            case STALE -> true;
        };
        if (!clearOnSafeSide) {
            item.problem(RULE_CLEAR, item.get(RULE_CLEAR), switch (kind) {
                case SERVICE_LEVEL_BELOW -> "must be at or above the threshold (" + threshold + "), or the rule would never clear";
                case NO_AGENT_AVAILABLE -> "is the number of available agents that clears the rule; give 1 or more";
                default -> "must be at or below the threshold (" + threshold + "), or the rule would never clear";
            });
            return null;
        }
        if (name == null || severity == null || queues == null || tenants == null) {
            return null;
        }
        return new AlertRule(name, kind, threshold, c, severity, queues, tenants);
    }

    /** A threshold or clear level: a duration (in ms) for the duration kinds, else a number of 0 or more. */
    private static Double number(ConfigSection item, ConfigKey<String> key, AlertRule.Kind kind, boolean required) {
        String text = required ? item.require(key) : item.get(key);
        if (text == null) {
            return null;
        }
        if (kind.durationThreshold()) {
            try {
                Duration d = Durations.parse(text);
                if (!d.isNegative() && !d.isZero()) {
                    return (double) d.toMillis();
                }
            } catch (IllegalArgumentException e) {
                // reported below
            }
            item.problem(key, text, "is not a positive duration for a " + ConfigType.configName(kind) + " rule; write 90s, 2m or PT2M");
            return null;
        }
        try {
            double d = Double.parseDouble(text);
            if (!Double.isNaN(d) && d >= 0) {
                return d;
            }
            item.problem(key, text, "must be a number of 0 or more");
        } catch (NumberFormatException e) {
            item.problem(key, text, "is not a number" + (kind == AlertRule.Kind.SERVICE_LEVEL_BELOW ? "; give a percentage such as 80" : ""));
        }
        return null;
    }

    /** Nested maps (as parsed from YAML) with dotted keys ({@code aggregator.http.port}) expanded into mappings. */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> expand(Map<String, ?> map) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (Map.Entry<String, ?> e : map.entrySet()) {
            Object v = e.getValue() instanceof Map<?, ?> m && !e.getKey().endsWith("properties") ? expand((Map<String, ?>) m) : e.getValue();
            String[] parts = e.getKey().split("\\.");
            boolean properties = false;
            Map<String, Object> at = out;
            int last = parts.length - 1;
            for (int i = 0; i < last; i++) {
                if (parts[i].equals("properties")) { // a Kafka/registry property name keeps its dots
                    properties = true;
                    last = i;
                    break;
                }
                at = (Map<String, Object>) at.computeIfAbsent(parts[i], k -> new LinkedHashMap<String, Object>());
            }
            if (properties) {
                Map<String, Object> props = (Map<String, Object>) at.computeIfAbsent("properties", k -> new LinkedHashMap<String, Object>());
                props.put(String.join(".", java.util.Arrays.copyOfRange(parts, last + 1, parts.length)), v);
            } else if (v instanceof Map<?, ?> m && at.get(parts[last]) instanceof Map<?, ?> existing) {
                ((Map<String, Object>) existing).putAll((Map<String, Object>) m);
            } else {
                at.put(parts[last], v);
            }
        }
        return out;
    }
}
