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
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.switchboard.core.ConfigException;
import io.switchboard.core.ConfigProblems;
import io.switchboard.core.Topics;

/**
 * Configuration of one aggregator instance: the {@code aggregator:} section of {@code switchboard.yaml}.
 * Immutable; build it with {@link #fromMap(Map)} (the section as nested maps, as a YAML parser gives
 * it, or with dotted keys such as {@code windows.1m.grace}), which validates every key and throws one
 * {@link ConfigException} listing every problem. {@link #settings()} documents each key.
 *
 * <pre>
 * aggregator:
 *   kafka: {bootstrapServers: localhost:9092, topicPrefix: switchboard}
 *   schemaRegistry: {url: http://localhost:8081}
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
 * @param kafkaProperties       extra client properties (security settings, Streams overrides)
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

    /**
     * One configuration key.
     *
     * @param name         dotted path inside the {@code aggregator:} section
     * @param type         string, int, duration, list, map, ...
     * @param defaultValue default as written in YAML, or null when required
     * @param doc          what it does and what is valid
     */
    public record Key(String name, String type, String defaultValue, String doc) {
    }

    private static final List<Key> KEYS = List.of(
            new Key("applicationId", "string", "switchboard-aggregator", "Kafka Streams application.id: the consumer group and the prefix of internal topics. Instances with the same id share the work."),
            new Key("instanceId", "string", "<hostname>-<pid>", "Name of this instance in logs and metrics."),
            new Key("kafka.bootstrapServers", "string", null, "Kafka bootstrap servers, host:port[,host:port]. Required."),
            new Key("kafka.topicPrefix", "string", Topics.DEFAULT_PREFIX, "Prefix of every topic name (letters, digits, '.', '_', '-')."),
            new Key("kafka.properties", "map", "{}", "Extra Kafka client and Streams properties (security.protocol, sasl.*, ...)."),
            new Key("kafka.outputPartitions", "int", "0", "Partitions of the dashboard topics when the aggregator creates them; 0 = as many as <prefix>.queue-stats."),
            new Key("schemaRegistry.url", "url", null, "URL of the Confluent-compatible schema registry. Required."),
            new Key("schemaRegistry.properties", "map", "{}", "Extra serde / registry client keys with Confluent names (basic.auth.user.info, max.retries, ...)."),
            new Key("streams.stateDir", "path", "<tmp>/switchboard-aggregator", "Kafka Streams state.dir: local RocksDB stores, rebuilt from the changelogs when lost."),
            new Key("streams.threads", "int", "1", "num.stream.threads."),
            new Key("streams.standbyReplicas", "int", "1", "num.standby.replicas: warm copies of each store on other instances, served while the owner is away."),
            new Key("streams.commitInterval", "duration", "100ms", "commit.interval.ms: how often the exactly-once transaction commits (and outputs become visible)."),
            new Key("windows.<size>.grace", "duration", "1m: 2m, 15m: 10m, 1h: 15m", "Per window size (1m, 15m, 1h): how long after the window ends records are still accepted; later ones are dropped and counted."),
            new Key("windows.<size>.retention", "duration", "1m: 2h, 15m: 1d, 1h: 2d", "Per window size: how long windows stay queryable; at least size + grace."),
            new Key("windows.emit", "string", "final", "final: each window is written to its queue-stats-<size> topic once, with its final value, when its grace has passed (one record per window); updates: on every change. The query API and dashboard show open windows either way."),
            new Key("staleness.after", "duration", "2m", "A queue with no record for this long is marked stale (snapshot, dashboard, tenant summary)."),
            new Key("staleness.checkInterval", "duration", "5s", "How often (wall clock) queues are checked for staleness and stale alerts."),
            new Key("tenantSummary.interval", "duration", "1s", "How often (wall clock) changed tenant summaries are written."),
            new Key("alerts.hysteresis", "double", "0.1", "Share of a threshold a value must move back before a rule without 'clear' clears, in [0, 1)."),
            new Key("alerts.historyRetention", "duration", "24h", "How long raised and resolved alerts stay listed under /api/alerts?state=all."),
            new Key("alerts.rules", "list", "[]", "Rules: name, kind (waiting-above, longest-wait-above, service-level-below, no-agent-available, stale), threshold, optional clear, severity (INFO, WARNING, CRITICAL), queues (globs), tenants."),
            new Key("http.host", "string", "127.0.0.1", "Interface of the query API and dashboard; 0.0.0.0 for all."),
            new Key("http.port", "int", "9402", "Port of the query API and dashboard; 0 = any free port."),
            new Key("http.advertisedHost", "string", "<http.host>", "Host name other instances reach this one at (application.server); required when http.host is 0.0.0.0."),
            new Key("http.corsOrigins", "list", "[]", "Origins allowed to call the API from a browser (https://wallboard.example.com); '*' for any; empty = no CORS."),
            new Key("http.forwardTimeout", "duration", "5s", "How long a query forwarded to the instance owning the key may take."),
            new Key("ops.host", "string", "127.0.0.1", "Interface of /health, /ready, /metrics."),
            new Key("ops.port", "int", "9403", "Port of /health, /ready, /metrics; 0 = any free port, -1 = none."),
            new Key("dashboard.enabled", "boolean", "true", "Serve the live dashboard page at / (assets from the jar, no CDN)."));

    private static final Map<WindowSize, WindowSettings> DEFAULT_WINDOWS = Map.of(
            WindowSize.ONE_MINUTE, new WindowSettings(Duration.ofMinutes(2), Duration.ofHours(2)),
            WindowSize.FIFTEEN_MINUTES, new WindowSettings(Duration.ofMinutes(10), Duration.ofDays(1)),
            WindowSize.ONE_HOUR, new WindowSettings(Duration.ofMinutes(15), Duration.ofDays(2)));

    private static final Pattern SENSITIVE = Pattern.compile("(?i).*(password|secret|jaas|token|credential|user\\.info|key).*");

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
        w.putAll(DEFAULT_WINDOWS);
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

    /** Every key with type, default and documentation. */
    public static List<Key> settings() {
        return KEYS;
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

    /**
     * Reads the {@code aggregator:} section.
     *
     * @param section nested maps (and lists) as parsed from YAML; dotted keys are accepted too
     * @throws ConfigException listing every problem found
     */
    public static AggregatorConfig fromMap(Map<String, ?> section) {
        return fromMap(section, "aggregator configuration");
    }

    /**
     * Reads the {@code aggregator:} section.
     *
     * @param source where it came from, for the problem messages (a file path)
     * @throws ConfigException listing every problem found
     */
    public static AggregatorConfig fromMap(Map<String, ?> section, String source) {
        ConfigProblems problems = new ConfigProblems(source);
        Reader r = new Reader(flatten(section == null ? Map.of() : section), problems);
        r.checkUnknown();

        String applicationId = r.string("applicationId", "switchboard-aggregator", "[a-zA-Z0-9._-]+",
                "may only contain letters, digits, '.', '_' and '-'");
        String instanceId = r.string("instanceId", defaultInstanceId(), null, null);
        String bootstrap = r.string("kafka.bootstrapServers", null, "[^\\s,]+:\\d+(,[^\\s,]+:\\d+)*", "is not a host:port[,host:port] list");
        String prefix = r.string("kafka.topicPrefix", Topics.DEFAULT_PREFIX, "[a-zA-Z0-9._-]+",
                "may only contain letters, digits, '.', '_' and '-'");
        Map<String, String> kafkaProps = r.map("kafka.properties");
        int outputPartitions = r.integer("kafka.outputPartitions", 0, 0, 10_000);
        String registry = r.string("schemaRegistry.url", null, "https?://\\S+", "is not an http:// or https:// URL");
        Map<String, String> registryProps = r.map("schemaRegistry.properties");
        String stateDirText = r.string("streams.stateDir", Path.of(System.getProperty("java.io.tmpdir"), "switchboard-aggregator").toString(),
                null, null);
        int threads = r.integer("streams.threads", 1, 1, 64);
        int standbys = r.integer("streams.standbyReplicas", 1, 0, 10);
        Duration commit = r.duration("streams.commitInterval", Duration.ofMillis(100), Duration.ofMillis(1));

        Map<WindowSize, WindowSettings> windows = new EnumMap<>(WindowSize.class);
        for (WindowSize size : WindowSize.values()) {
            WindowSettings d = DEFAULT_WINDOWS.get(size);
            Duration grace = r.duration("windows." + size.label() + ".grace", d.grace(), Duration.ZERO);
            Duration retention = r.duration("windows." + size.label() + ".retention", d.retention(), Duration.ofMillis(1));
            if (grace != null && retention != null && retention.compareTo(size.length().plus(grace)) < 0) {
                problems.add("windows." + size.label() + ".retention", retention.toString(),
                        "is shorter than the window plus its grace (" + size.length().plus(grace) + "); windows would vanish before they close");
            }
            if (grace != null && retention != null) {
                windows.put(size, new WindowSettings(grace, retention));
            }
        }
        String emit = r.string("windows.emit", "final", "final|updates", "must be final (each window written once, after its"
                + " grace) or updates (written on every change)");
        boolean emitUpdates = "updates".equals(emit);
        Duration staleAfter = r.duration("staleness.after", Duration.ofMinutes(2), Duration.ofMillis(1));
        Duration staleCheck = r.duration("staleness.checkInterval", Duration.ofSeconds(5), Duration.ofMillis(10));
        Duration tenantInterval = r.duration("tenantSummary.interval", Duration.ofSeconds(1), Duration.ofMillis(10));
        double hysteresis = r.decimal("alerts.hysteresis", 0.1, 0.0, 0.99);
        Duration history = r.duration("alerts.historyRetention", Duration.ofHours(24), Duration.ofMinutes(1));
        List<AlertRule> rules = r.rules("alerts.rules", hysteresis);

        String httpHost = r.string("http.host", "127.0.0.1", "\\S+", "must not be blank; use 127.0.0.1 or 0.0.0.0");
        int httpPort = r.integer("http.port", 9402, 0, 65535);
        String advertised = r.string("http.advertisedHost", null, "[^\\s:/]+", "must be a host name or address without port or scheme");
        if (advertised == null && r.has("http.advertisedHost")) {
            advertised = "invalid";
        }
        if (advertised == null) {
            if ("0.0.0.0".equals(httpHost) || "::".equals(httpHost)) {
                problems.add("http.advertisedHost", null, "is required when http.host is " + httpHost
                        + ": other instances forward queries to it (application.server); give this machine's name or address");
            }
            advertised = httpHost;
        }
        List<String> cors = r.list("http.corsOrigins");
        for (String origin : cors) {
            if (!origin.equals("*") && !origin.matches("https?://[^/\\s]+")) {
                problems.add("http.corsOrigins", origin, "is not an origin; write scheme://host[:port] without a path, or '*'");
            }
        }
        Duration forward = r.duration("http.forwardTimeout", Duration.ofSeconds(5), Duration.ofMillis(10));
        String opsHost = r.string("ops.host", "127.0.0.1", "\\S+", "must not be blank; use 127.0.0.1 or 0.0.0.0");
        int opsPort = r.integer("ops.port", 9403, -1, 65535);
        boolean dashboard = r.bool("dashboard.enabled", true);
        problems.throwIfAny();
        return new AggregatorConfig(applicationId, instanceId, bootstrap, prefix, kafkaProps, outputPartitions, registry, registryProps,
                Path.of(stateDirText), threads, standbys, commit, windows, emitUpdates, staleAfter, staleCheck, tenantInterval, hysteresis, history,
                rules, httpHost, httpPort, advertised, cors, forward, opsHost, opsPort, dashboard);
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

    /**
     * Parses a duration: ISO-8601 ({@code PT2M}, {@code P1D}) or a number with unit ms, s, m, h, d
     * ({@code 90s}, {@code 2m}). Returns null when the text is neither.
     */
    public static Duration parseDuration(String text) {
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
        try {
            return Duration.parse(t.toUpperCase(Locale.ROOT));
        } catch (java.time.format.DateTimeParseException e) {
            return null;
        }
    }

    /** Nested maps to dotted keys; lists and the free-form maps (properties) stay values. */
    private static Map<String, Object> flatten(Map<String, ?> section) {
        Map<String, Object> flat = new LinkedHashMap<>();
        flatten("", section, flat);
        return flat;
    }

    private static void flatten(String prefix, Map<String, ?> map, Map<String, Object> flat) {
        for (Map.Entry<String, ?> e : map.entrySet()) {
            String key = prefix + e.getKey();
            Object v = e.getValue();
            if (v instanceof Map<?, ?> nested && !key.endsWith("properties")) {
                @SuppressWarnings("unchecked")
                Map<String, ?> m = (Map<String, ?>) nested;
                flatten(key + ".", m, flat);
            } else {
                flat.put(key, v);
            }
        }
    }

    /** Reads dotted keys, recording problems. */
    private static final class Reader {

        private final Map<String, Object> flat;
        private final ConfigProblems problems;

        Reader(Map<String, Object> flat, ConfigProblems problems) {
            this.flat = flat;
            this.problems = problems;
        }

        boolean has(String key) {
            Object v = flat.get(key);
            return v != null && !String.valueOf(v).isBlank();
        }

        void checkUnknown() {
            Set<String> known = new HashSet<>();
            for (Key k : KEYS) {
                if (k.name().startsWith("windows.<size>.")) {
                    for (WindowSize s : WindowSize.values()) {
                        known.add(k.name().replace("<size>", s.label()));
                    }
                } else {
                    known.add(k.name());
                }
            }
            for (String key : flat.keySet()) {
                String k = key;
                if (k.startsWith("kafka.properties.")) {
                    k = "kafka.properties";
                } else if (k.startsWith("schemaRegistry.properties.")) {
                    k = "schemaRegistry.properties";
                }
                if (!known.contains(k)) {
                    String hint = key.startsWith("windows.") ? "window keys are windows.<1m|15m|1h>.<grace|retention>"
                            : "see docs/aggregator.md for the keys of the aggregator section";
                    problems.add(key, null, "is not a key; " + hint);
                }
            }
        }

        private String text(String key) {
            Object v = flat.get(key);
            if (v == null) {
                return null;
            }
            if (v instanceof Map<?, ?> || v instanceof List<?>) {
                problems.add(key, null, "must be a single value, not a " + (v instanceof List<?> ? "list" : "mapping"));
                return null;
            }
            String s = String.valueOf(v).trim();
            return s.isEmpty() ? null : s;
        }

        String string(String key, String dflt, String regex, String problem) {
            String v = text(key);
            if (v == null) {
                if (dflt == null && !key.equals("http.advertisedHost")) {
                    problems.add(key, null, "is required (" + doc(key) + ")");
                }
                return dflt;
            }
            if (regex != null && !v.matches(regex)) {
                problems.add(key, v, problem);
                return null;
            }
            return v;
        }

        int integer(String key, int dflt, int min, int max) {
            String v = text(key);
            if (v == null) {
                return dflt;
            }
            try {
                int n = Integer.parseInt(v);
                if (n < min || n > max) {
                    problems.add(key, v, "must be between " + min + " and " + max);
                    return dflt;
                }
                return n;
            } catch (NumberFormatException e) {
                problems.add(key, v, "is not a whole number");
                return dflt;
            }
        }

        double decimal(String key, double dflt, double min, double max) {
            String v = text(key);
            if (v == null) {
                return dflt;
            }
            try {
                double d = Double.parseDouble(v);
                if (Double.isNaN(d) || d < min || d > max) {
                    problems.add(key, v, "must be between " + min + " and " + max);
                    return dflt;
                }
                return d;
            } catch (NumberFormatException e) {
                problems.add(key, v, "is not a number");
                return dflt;
            }
        }

        boolean bool(String key, boolean dflt) {
            String v = text(key);
            if (v == null) {
                return dflt;
            }
            if (v.equalsIgnoreCase("true") || v.equalsIgnoreCase("false")) {
                return Boolean.parseBoolean(v);
            }
            problems.add(key, v, "must be true or false");
            return dflt;
        }

        Duration duration(String key, Duration dflt, Duration min) {
            String v = text(key);
            if (v == null) {
                return dflt;
            }
            Duration d = parseDuration(v);
            if (d == null) {
                problems.add(key, v, "is not a duration; write 90s, 2m, 1h, 1d or ISO-8601 such as PT2M");
                return null;
            }
            if (d.compareTo(min) < 0) {
                problems.add(key, v, "must be at least " + min);
                return null;
            }
            return d;
        }

        Map<String, String> map(String key) {
            Map<String, String> out = new LinkedHashMap<>();
            Object v = flat.get(key);
            if (v instanceof Map<?, ?> m) {
                m.forEach((k, val) -> out.put(String.valueOf(k), String.valueOf(val)));
            } else if (v != null) {
                problems.add(key, null, "must be a mapping of property names to values");
            }
            String dotted = key + ".";
            flat.forEach((k, val) -> {
                if (k.startsWith(dotted)) {
                    out.put(k.substring(dotted.length()), String.valueOf(val));
                }
            });
            return out;
        }

        List<String> list(String key) {
            Object v = flat.get(key);
            List<String> out = new ArrayList<>();
            if (v == null) {
                return out;
            }
            if (v instanceof List<?> l) {
                l.forEach(x -> out.add(String.valueOf(x).trim()));
            } else {
                for (String s : String.valueOf(v).split(",")) {
                    if (!s.isBlank()) {
                        out.add(s.trim());
                    }
                }
            }
            return out;
        }

        List<AlertRule> rules(String key, double hysteresis) {
            Object v = flat.get(key);
            List<AlertRule> rules = new ArrayList<>();
            if (v == null) {
                return rules;
            }
            if (!(v instanceof List<?> list)) {
                problems.add(key, null, "must be a list of rules, each a mapping with name, kind and threshold");
                return rules;
            }
            Set<String> names = new HashSet<>();
            for (int i = 0; i < list.size(); i++) {
                String at = key + "[" + i + "]";
                if (!(list.get(i) instanceof Map<?, ?> m)) {
                    problems.add(at, null, "must be a mapping with name, kind and threshold");
                    continue;
                }
                for (Object k : m.keySet()) {
                    if (!Set.of("name", "kind", "threshold", "clear", "severity", "queues", "tenants").contains(String.valueOf(k))) {
                        problems.add(at + "." + k, null, "is not a rule key; rule keys are name, kind, threshold, clear, severity, queues, tenants");
                    }
                }
                String name = m.get("name") == null ? null : String.valueOf(m.get("name")).trim();
                if (name == null || name.isEmpty()) {
                    problems.add(at + ".name", null, "is required: the rule's name, shown in alerts (e.g. long-wait)");
                } else if (!names.add(name)) {
                    problems.add(at + ".name", name, "is used by another rule; rule names must be unique");
                }
                String kindText = m.get("kind") == null ? null : String.valueOf(m.get("kind"));
                AlertRule.Kind kind = AlertRule.Kind.parse(kindText).orElse(null);
                if (kind == null) {
                    problems.add(at + ".kind", kindText, "must be one of waiting-above, longest-wait-above, service-level-below,"
                            + " no-agent-available, stale");
                }
                Double threshold = kind == null ? null
                        : kind == AlertRule.Kind.NO_AGENT_AVAILABLE && m.get("threshold") == null ? Double.valueOf(1)
                        : number(at + ".threshold", m.get("threshold"), kind, true);
                Double clear = kind == null || m.get("clear") == null ? null : number(at + ".clear", m.get("clear"), kind, false);
                String severity = m.get("severity") == null ? "WARNING" : String.valueOf(m.get("severity")).trim().toUpperCase(Locale.ROOT);
                if (!AlertRule.SEVERITIES.contains(severity)) {
                    problems.add(at + ".severity", severity, "must be INFO, WARNING or CRITICAL");
                }
                List<String> queues = strings(at + ".queues", m.get("queues"));
                List<String> tenants = strings(at + ".tenants", m.get("tenants"));
                if (kind != null && threshold != null) {
                    if (kind == AlertRule.Kind.SERVICE_LEVEL_BELOW && (threshold <= 0 || threshold > 100)) {
                        problems.add(at + ".threshold", String.valueOf(threshold), "is a percentage: give a number in (0, 100]");
                        continue;
                    }
                    double c = clear != null ? clear : AlertRule.defaultClear(kind, threshold, hysteresis);
                    boolean clearOnSafeSide = switch (kind) {
                        case WAITING_ABOVE, LONGEST_WAIT_ABOVE -> c <= threshold;
                        case SERVICE_LEVEL_BELOW -> c >= threshold;
                        case NO_AGENT_AVAILABLE -> c >= 1;
                        case STALE -> true;
                    };
                    if (!clearOnSafeSide) {
                        problems.add(at + ".clear", String.valueOf(clear), switch (kind) {
                            case SERVICE_LEVEL_BELOW -> "must be at or above the threshold (" + threshold + "), or the rule would never clear";
                            case NO_AGENT_AVAILABLE -> "is the number of available agents that clears the rule; give 1 or more";
                            default -> "must be at or below the threshold (" + threshold + "), or the rule would never clear";
                        });
                        continue;
                    }
                    if (name != null && !name.isEmpty()) {
                        rules.add(new AlertRule(name, kind, threshold, c, severity, queues, tenants));
                    }
                }
            }
            return rules;
        }

        private Double number(String key, Object raw, AlertRule.Kind kind, boolean required) {
            if (raw == null || String.valueOf(raw).isBlank()) {
                if (required) {
                    problems.add(key, null, "is required: " + (kind.durationThreshold() ? "a duration such as 2m or 90s"
                            : kind == AlertRule.Kind.SERVICE_LEVEL_BELOW ? "a percentage such as 80" : "a number"));
                }
                return null;
            }
            String t = String.valueOf(raw).trim();
            if (kind.durationThreshold()) {
                Duration d = parseDuration(t);
                if (d == null || d.isNegative() || d.isZero()) {
                    problems.add(key, t, "is not a positive duration; write 90s, 2m or PT2M");
                    return null;
                }
                return (double) d.toMillis();
            }
            try {
                double d = Double.parseDouble(t);
                if (Double.isNaN(d) || d < 0) {
                    problems.add(key, t, "must be a number of 0 or more");
                    return null;
                }
                return d;
            } catch (NumberFormatException e) {
                problems.add(key, t, "is not a number");
                return null;
            }
        }

        private List<String> strings(String key, Object raw) {
            if (raw == null) {
                return List.of();
            }
            if (raw instanceof List<?> l) {
                return l.stream().map(x -> String.valueOf(x).trim()).toList();
            }
            String s = String.valueOf(raw).trim();
            if (s.isEmpty()) {
                return List.of();
            }
            return List.of(s.split("\\s*,\\s*"));
        }

        private static String doc(String key) {
            return KEYS.stream().filter(k -> k.name().equals(key)).map(Key::doc).findFirst().orElse("");
        }
    }
}
