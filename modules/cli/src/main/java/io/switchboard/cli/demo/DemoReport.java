package io.switchboard.cli.demo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/**
 * The {@code --report} file of an unattended demo run: credentials, roles, tenants, errors and URLs, as JSON in the
 * documented shape (README, "switchboard demo"). Stateless.
 */
final class DemoReport {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private DemoReport() {
    }

    /** The report of {@code s} as a JSON tree of maps and lists. */
    static Map<String, Object> of(DemoSnapshot s) {
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("durationMs", java.time.Duration.between(s.startedAt(), s.at()).toMillis());
        report.put("credentials", s.credentials().stream().map(c -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", c.id());
            m.put("provider", c.provider());
            m.put("state", c.state());
            m.put("logins", c.logins());
            m.put("tokenVersions", c.tokenVersion());
            if (c.reason() != null) {
                m.put("reason", c.reason());
            }
            if (c.loginsSinceRevoke() != null) {
                m.put("loginsSinceRevocation", c.loginsSinceRevoke());
            }
            return m;
        }).toList());
        Map<String, Object> roles = new LinkedHashMap<>();
        roles.put("tokenManager", Map.of(
                "logins", s.credentials().stream().mapToLong(DemoSnapshot.Credential::logins).sum(),
                "rejectedLogins", s.credentials().stream().mapToLong(DemoSnapshot.Credential::rejectedLogins).sum()));
        roles.put("pollers", s.pollers().stream().map(p -> Map.of("id", p.id(), "polls", p.polls(),
                "recordsProduced", p.recordsProduced(), "errorsByKind", new TreeMap<>(p.errorsByKind()))).toList());
        if (s.aggregator() != null) {
            roles.put("aggregator", Map.of("recordsConsumed", s.aggregator().recordsConsumed(),
                    "snapshots", s.aggregator().snapshots()));
        }
        report.put("roles", roles);
        report.put("tenants", s.tenants().stream().map(t -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("credentialId", t.credentialId());
            m.put("provider", t.provider());
            m.put("queues", t.queues());
            m.put("records", t.records());
            m.put("snapshots", t.snapshots());
            m.put("latestSnapshotAgeMs", t.latestSnapshotAgeMs());
            return m;
        }).toList());
        Map<String, Long> errors = new TreeMap<>();
        s.pollers().forEach(p -> p.errorsByKind().forEach((k, v) -> errors.merge(k, v, Long::sum)));
        s.credentials().stream().filter(c -> c.rejectedLogins() > 0)
                .forEach(c -> errors.merge("LOGIN_REJECTED", c.rejectedLogins(), Long::sum));
        report.put("errors", errors);
        Map<String, Object> urls = new LinkedHashMap<>();
        urls.put("dashboard", s.urls().dashboard());
        urls.put("api", s.urls().api());
        urls.put("simulator", s.urls().simulator());
        urls.put("schemaRegistry", s.urls().schemaRegistry());
        urls.put("bootstrapServers", s.urls().bootstrapServers());
        report.put("urls", urls);
        return report;
    }

    /** Writes the report of {@code s} to {@code file}. */
    static void write(DemoSnapshot s, Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.writeString(file, JSON.writeValueAsString(of(s)) + System.lineSeparator());
    }

    /** Reads a report back (tests). */
    @SuppressWarnings("unchecked")
    static Map<String, Object> read(Path file) throws IOException {
        return JSON.readValue(file.toFile(), Map.class);
    }

    static List<?> list(Map<String, Object> report, String key) {
        return (List<?>) report.get(key);
    }
}
