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
        assertThat(c.commitInterval()).isEqualTo(Duration.ofMillis(100));
        assertThat(c.httpPort()).isEqualTo(9402);
        assertThat(c.advertisedHost()).isEqualTo("127.0.0.1");
        assertThat(c.alertRules()).isEmpty();
        assertThat(c.corsOrigins()).isEmpty();
        assertThat(c.serdeConfig()).containsEntry("schema.registry.url", "http://localhost:8081");
    }

    @Test
    void nestedAndDottedKeysReadTheSame() {
        Map<String, Object> nested = minimal();
        nested.put("windows", Map.of("1m", Map.of("grace", "30s", "retention", "PT3H")));
        nested.put("alerts", Map.of("rules", List.of(Map.of("name", "lw", "kind", "longest-wait-above", "threshold", "2m"))));
        Map<String, Object> dotted = new LinkedHashMap<>();
        dotted.put("kafka.bootstrapServers", "localhost:9092");
        dotted.put("schemaRegistry.url", "http://localhost:8081");
        dotted.put("windows.1m.grace", "30s");
        dotted.put("windows.1m.retention", "PT3H");
        dotted.put("alerts.rules", List.of(Map.of("name", "lw", "kind", "longest-wait-above", "threshold", "2m")));
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
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("kafka", Map.of("bootstrapServers", "localhost"));
        m.put("streams", Map.of("threads", "zero"));
        m.put("windows", Map.of("1m", Map.of("grace", "soon", "retention", "30s"), "5m", Map.of("grace", "1m")));
        m.put("http", Map.of("host", "0.0.0.0", "corsOrigins", List.of("https://ok.example.com", "wallboard.example.com/x")));
        m.put("alerts", Map.of("rules", List.of(
                Map.of("name", "a", "kind", "waiting-above", "threshold", "10", "clear", "12"),
                Map.of("name", "a", "kind", "queue-too-long", "threshold", "1"),
                Map.of("kind", "service-level-below", "threshold", "180"))));
        m.put("colour", "blue");

        assertThatThrownBy(() -> AggregatorConfig.fromMap(m, "switchboard.yaml"))
                .isInstanceOfSatisfying(ConfigException.class, e -> {
                    List<String> keys = e.problems().stream().map(ConfigProblem::key).toList();
                    assertThat(keys).contains("kafka.bootstrapServers", "schemaRegistry.url", "streams.threads", "windows.1m.grace",
                            "windows.5m.grace", "http.advertisedHost", "http.corsOrigins", "alerts.rules[0].clear",
                            "alerts.rules[1].name", "alerts.rules[1].kind", "alerts.rules[2].name", "alerts.rules[2].threshold",
                            "colour");
                    assertThat(e.getMessage()).startsWith(e.problems().size() + " problems in switchboard.yaml")
                            .contains("kafka.bootstrapServers = localhost: is not a host:port[,host:port] list")
                            .contains("windows.1m.grace = soon: is not a duration; write 90s, 2m, 1h, 1d or ISO-8601 such as PT2M")
                            .contains("http.corsOrigins = wallboard.example.com/x: is not an origin")
                            .contains("alerts.rules[0].clear = 12.0: must be at or below the threshold (10.0), or the rule would never clear")
                            .contains("alerts.rules[1].kind = queue-too-long: must be one of waiting-above");
                });
    }

    @Test
    void retentionShorterThanWindowPlusGraceIsRejected() {
        Map<String, Object> m = minimal();
        m.put("windows", Map.of("15m", Map.of("grace", "10m", "retention", "20m")));
        assertThatThrownBy(() -> AggregatorConfig.fromMap(m))
                .hasMessageContaining("windows.15m.retention = PT20M: is shorter than the window plus its grace (PT25M)");
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
    void durationsAcceptShortAndIsoForms() {
        assertThat(AggregatorConfig.parseDuration("90s")).isEqualTo(Duration.ofSeconds(90));
        assertThat(AggregatorConfig.parseDuration("2m")).isEqualTo(Duration.ofMinutes(2));
        assertThat(AggregatorConfig.parseDuration("PT1H")).isEqualTo(Duration.ofHours(1));
        assertThat(AggregatorConfig.parseDuration("1d")).isEqualTo(Duration.ofDays(1));
        assertThat(AggregatorConfig.parseDuration("soon")).isNull();
    }

    @Test
    void toStringMasksCredentials() {
        Map<String, Object> m = minimal();
        m.put("kafka", Map.of("bootstrapServers", "localhost:9092", "properties", Map.of("sasl.jaas.config", "secret-stuff")));
        m.put("schemaRegistry", Map.of("url", "http://localhost:8081", "properties", Map.of("basic.auth.user.info", "u:p")));
        String text = AggregatorConfig.fromMap(m).toString();
        assertThat(text).doesNotContain("secret-stuff").doesNotContain("u:p").contains("sasl.jaas.config=****");
    }
}
