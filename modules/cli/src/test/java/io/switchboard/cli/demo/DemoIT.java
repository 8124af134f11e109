package io.switchboard.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.switchboard.cli.Switchboard;
import picocli.CommandLine;

/**
 * The README's run command, unattended: {@code switchboard demo --duration … --report …} in this JVM, then the report
 * is checked: every tenant logged in, polled and reached the dashboard; the only errors are the injected ones (the
 * parked wrong-secret credential); the revoked Genesys token was replaced by exactly one login for the whole fleet.
 */
class DemoIT {

    @Test
    @SuppressWarnings("unchecked")
    void aShortUnattendedDemoRunsEveryRoleAndReportsIt(@TempDir Path dir) throws Exception {
        Path report = dir.resolve("report.json");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = Switchboard.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));

        int code = cli.execute("demo", "--duration", "45s", "--revoke-after", "15s", "--report", report.toString(),
                "--data-dir", dir.resolve("data").toString(), "--port", "0", "--queues", "40", "--plain");

        assertThat(code).as("exit code; stderr: %s; stdout: %s", err, out).isZero();
        assertThat(Files.exists(report)).as("report written; stdout: %s", out).isTrue();
        Map<String, Object> r = DemoReport.read(report);

        List<Map<String, Object>> credentials = (List<Map<String, Object>>) r.get("credentials");
        assertThat(credentials).extracting(c -> c.get("id")).containsExactlyInAnyOrder(
                "genesys-eu", "cxone", "cognos", "datacosmos", "genesys-wrong-secret");
        for (Map<String, Object> c : credentials) {
            if (c.get("id").equals("genesys-wrong-secret")) {
                assertThat(c.get("state")).isEqualTo("PARKED");
                assertThat((String) c.get("reason")).contains("secret");
            } else {
                assertThat(c.get("state")).as("state of %s", c.get("id")).isEqualTo("VALID");
                assertThat(((Number) c.get("logins")).longValue()).as("logins of %s", c.get("id")).isPositive();
            }
        }
        Map<String, Object> genesys = credentials.stream().filter(c -> c.get("id").equals("genesys-eu")).findFirst().orElseThrow();
        assertThat(((Number) genesys.get("loginsSinceRevocation")).longValue())
                .as("one login for the whole fleet after the revocation").isEqualTo(1);
        assertThat(out.toString()).contains("parked: ").contains("[7/7]");

        List<Map<String, Object>> tenants = (List<Map<String, Object>>) r.get("tenants");
        assertThat(tenants).extracting(t -> t.get("credentialId")).containsExactlyInAnyOrder("genesys-eu", "cxone", "cognos", "datacosmos");
        for (Map<String, Object> t : tenants) {
            assertThat(((Number) t.get("records")).longValue()).as("records of %s", t.get("credentialId")).isPositive();
            assertThat(((Number) t.get("snapshots")).longValue()).as("snapshots of %s", t.get("credentialId")).isPositive();
        }
        Map<String, Object> roles = (Map<String, Object>) r.get("roles");
        assertThat((List<?>) roles.get("pollers")).hasSize(2);
        // the fleet spreads credentials, not only partitions: both pollers own credentials and poll them
        for (Map<String, Object> p : (List<Map<String, Object>>) roles.get("pollers")) {
            assertThat(((Number) p.get("polls")).longValue()).as("polls of %s (every poller owns credentials)", p.get("id")).isPositive();
        }
        assertThat(((Number) ((Map<String, Object>) roles.get("aggregator")).get("recordsConsumed")).longValue()).isPositive();
        // the only errors are the injected ones: the parked credential's rejected login
        assertThat(((Map<String, Object>) r.get("errors")).keySet()).containsOnly("LOGIN_REJECTED");
        assertThat(((Map<String, Object>) r.get("urls")).get("dashboard")).asString().startsWith("http://127.0.0.1:");
    }
}
