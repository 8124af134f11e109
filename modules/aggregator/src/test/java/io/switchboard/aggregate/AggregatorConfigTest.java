package io.switchboard.aggregate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.switchboard.core.ConfigException;
import io.switchboard.core.ConfigProblem;

/** The aggregator section: defaults, nested and dotted keys, every problem at once. */
class AggregatorConfigTest {

    private static Map<String, Object> minimal() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("kafka", Map.of("bootstrapServers", "localhost:9092"));
        m.put("schemaRegistry", Map.of("url", "http://localhost:8081"));
        return m;
    }

    @Test
    void defaultsNeedOnlyKafkaAndTheRegistry() {
        AggregatorConfig c = AggregatorConfig.fromMap(minimal());
        assertThat(c.applicationId()).isEqualTo("switchboard-aggregator");
        assertThat(c.topics().queueStats()).isEqualTo("switchboard.queue-stats");
        assertThat(c.grace(WindowSize.ONE_MINUTE)).isEqualTo(Duration.ofMinutes(2));
        assertThat(c.windows().get(WindowSize.ONE_HOUR).retention()).isEqualTo(Duration.ofDays(2));
        assertThat(c.staleAfter()).isEqualTo(Duration.ofMinutes(2));
        assertThat(c.standbyReplicas()).isEqualTo(1);
        assertThat(c.commitInterval()).isEqualTo(Duration.ofMillis(500));
        assertThat(c.httpPort()).isEqualTo(9402);
        assertThat(c.advertisedHost()).isEqualTo("127.0.0.1");
        assertThat(c.alertRules()).isEmpty();
        assertThat(c.corsOrigins()).isEmpty();
        assertThat(c.serdeConfig()).containsEntry("schema.registry.url", "http://localhost:8081");
    }

    @Test
    void nestedAndDottedKeysReadTheSame() {
        Map<String, Object> nested = minimal();
        nested.put("aggregator", Map.of("windows", Map.of("1m", Map.of("grace", "30s", "retention", "PT3H")),
                "alerts", Map.of("rules", List.of(Map.of("name", "lw", "kind", "longest-wait-above", "threshold", "2m")))));
        Map<String, Object> dotted = new LinkedHashMap<>();
        dotted.put("kafka.bootstrapServers", "localhost:9092");
        dotted.put("schemaRegistry.url", "http://localhost:8081");
        dotted.put("aggregator.windows.1m.grace", "30s");
        dotted.put("aggregator.windows.1m.retention", "PT3H");
        dotted.put("aggregator.alerts.rules", List.of(Map.of("name", "lw", "kind", "longest-wait-above", "threshold", "2m")));
        AggregatorConfig a = AggregatorConfig.fromMap(nested);
        AggregatorConfig b = AggregatorConfig.fromMap(dotted);
        assertThat(a.windows()).isEqualTo(b.windows());
        assertThat(a.grace(WindowSize.ONE_MINUTE)).isEqualTo(Duration.ofSeconds(30));
        assertThat(a.alertRules()).isEqualTo(b.alertRules());
        AlertRule rule = a.alertRules().get(0);
        assertThat(rule.threshold()).isEqualTo(120_000.0);
        assertThat(rule.clear()).as("10 % hysteresis by default").isEqualTo(108_000.0);
        assertThat(rule.severity()).isEqualTo("WARNING");
    }

    @Test
    void everyProblemIsReportedAtOnceWithKeyValueAndFix() {
        String yaml = """
                kafka: {bootstrapServers: localhost}
                aggregator:
                  streams: {threads: zero}
                  windows:
                    1m: {grace: soon, retention: 30s}
                    5m: {grace: 1m}
                  http: {host: 0.0.0.0, corsOrigins: ["https://ok.example.com", "wallboard.example.com/x"]}
                  alerts:
                    rules:
                      - {name: a, kind: waiting-above, threshold: 10, clear: 12}
                      - {name: a, kind: queue-too-long, threshold: 1}
                      - {kind: service-level-below, threshold: 180}
                      - {name: b, kind: stale, treshold: 2m}
                  colour: blue
                """;
        assertThatThrownBy(() -> AggregatorConfig.parse(yaml, "switchboard.yaml", Map.of()))
                .isInstanceOfSatisfying(ConfigException.class, e -> {
                    List<String> keys = e.problems().stream().map(ConfigProblem::key).toList();
                    assertThat(keys).contains("kafka.bootstrapServers", "schemaRegistry.url", "aggregator.streams.threads",
                            "aggregator.windows.1m.grace", "aggregator.windows.5m", "aggregator.http.advertisedHost",
                            "aggregator.http.corsOrigins", "aggregator.alerts.rules[0].clear", "aggregator.alerts.rules[1].name",
                            "aggregator.alerts.rules[1].kind", "aggregator.alerts.rules[2].name", "aggregator.alerts.rules[2].threshold",
                            "aggregator.alerts.rules[3].treshold", "aggregator.alerts.rules[3].threshold", "aggregator.colour");
                    assertThat(e.getMessage()).startsWith(e.problems().size() + " problems in switchboard.yaml")
                            .contains("kafka.bootstrapServers = localhost: is not a host:port[,host:port] list")
                            .contains("aggregator.windows.1m.grace = soon: is not")
                            .contains("wallboard.example.com/x, which is not an origin")
                            .contains("aggregator.alerts.rules[0].clear = 12: must be at or below the threshold (10.0), or the rule would never clear")
                            .contains("aggregator.alerts.rules[1].kind = queue-too-long: must be one of waiting-above")
                            .contains("(did you mean threshold?)");
                });
    }

    @Test
    void everyOwnKeyHasAnEnvironmentVariableThatOverridesTheFile() {
        AggregatorConfig c = AggregatorConfig.parse("""
                kafka: {bootstrapServers: "localhost:9092"}
                schemaRegistry: {url: "http://localhost:8081"}
                aggregator:
                  http: {port: 9402}
                  windows: {15m: {grace: 5m}}
                """, "switchboard.yaml", Map.of("SWITCHBOARD_AGGREGATOR_HTTP_PORT", "9500",
                "SWITCHBOARD_AGGREGATOR_WINDOWS_15M_GRACE", "7m", "SWITCHBOARD_KAFKA_BOOTSTRAP_SERVERS", "broker:9093",
                "SWITCHBOARD_AGGREGATOR_STREAMS_PROPERTIES_SESSION_TIMEOUT_MS", "20000",
                "SWITCHBOARD_AGGREGATOR_APPLICATION_ID", "agg-2"));
        assertThat(c.httpPort()).isEqualTo(9500);
        assertThat(c.grace(WindowSize.FIFTEEN_MINUTES)).isEqualTo(Duration.ofMinutes(7));
        assertThat(c.bootstrapServers()).isEqualTo("broker:9093");
        assertThat(c.kafkaProperties()).containsEntry("session.timeout.ms", "20000");
        assertThat(c.applicationId()).isEqualTo("agg-2");
        for (var key : AggregatorConfig.ownKeys()) {
            if (!key.name().contains("[]") && !key.name().equals("aggregator.alerts.rules")) {
                assertThat(key.envVar()).as(key.name()).startsWith("SWITCHBOARD_AGGREGATOR_");
                assertThat(key.doc()).as(key.name()).isNotBlank();
            }
        }
        assertThat(AggregatorConfig.reference()).contains("aggregator.windows.1m.grace", "SWITCHBOARD_AGGREGATOR_WINDOWS_1M_GRACE",
                "kafka.bootstrapServers", "SWITCHBOARD_KAFKA_BOOTSTRAP_SERVERS");
    }

    @Test
    void aggregatorKeysAtTheTopOfTheFileAreNotSilentlyIgnored() {
        Map<String, Object> m = minimal();
        m.put("applicationId", "agg");
        m.put("http", Map.of("port", "0"));
        assertThatThrownBy(() -> AggregatorConfig.fromMap(m))
                .hasMessageContaining("applicationId: is not a top-level section; it is a key of the aggregator: section")
                .hasMessageContaining("http: is not a top-level section");
    }

    @Test
    void kafkaInsideTheAggregatorSectionSaysWhereItMoved() {
        assertThatThrownBy(() -> AggregatorConfig.parse("""
                kafka: {bootstrapServers: "localhost:9092"}
                schemaRegistry: {url: "http://localhost:8081"}
                aggregator:
                  kafka: {outputPartitions: 6}
                """, "switchboard.yaml", Map.of()))
                .hasMessageContaining("aggregator.kafka: is read from the top-level kafka: and schemaRegistry: sections");
    }

    @Test
    void retentionShorterThanWindowPlusGraceIsRejected() {
        Map<String, Object> m = minimal();
        m.put("aggregator", Map.of("windows", Map.of("15m", Map.of("grace", "10m", "retention", "20m"))));
        assertThatThrownBy(() -> AggregatorConfig.fromMap(m))
                .hasMessageContaining("aggregator.windows.15m.retention = 20m: is shorter than the window plus its grace (25m)");
    }

    @Test
    void ruleMatchesQueueGlobsAndTenants() {
        AlertRule rule = new AlertRule("r", AlertRule.Kind.WAITING_ABOVE, 5, 4, "INFO", List.of("genesys-eu/sales-*", "VIP*"),
                List.of("genesys-eu"));
        assertThat(rule.matches("genesys-eu", null, "sales-1", null)).isTrue();
        assertThat(rule.matches("genesys-eu", null, "q-9", "VIP line")).isTrue();
        assertThat(rule.matches("genesys-eu", null, "support-1", "Support")).isFalse();
        assertThat(rule.matches("cxone", null, "sales-1", null)).isFalse();
        AlertRule byTenant = new AlertRule("t", AlertRule.Kind.WAITING_ABOVE, 5, 4, "INFO", List.of(), List.of("org-7"));
        assertThat(byTenant.matches("genesys-eu", "org-7", "any", null)).isTrue();
    }

    @Test
    void toStringMasksCredentials() {
        Map<String, Object> m = minimal();
        m.put("kafka", Map.of("bootstrapServers", "localhost:9092", "properties", Map.of("sasl.jaas.config", "secret-stuff")));
        m.put("aggregator", Map.of("schemaRegistry", Map.of("properties", Map.of("basic.auth.user.info", "u:p"))));
        String text = AggregatorConfig.fromMap(m).toString();
        assertThat(text).doesNotContain("secret-stuff").doesNotContain("u:p").contains("sasl.jaas.config=****");
    }
}
