package io.switchboard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.switchboard.core.SecretReferences;
import io.switchboard.simulator.SimulatorConfig;
import io.switchboard.simulator.VendorSimulator;
import picocli.CommandLine;

/**
 * {@code switchboard doctor} as a command against the vendor simulator over a real socket: the human and JSON
 * reports, the exit codes, and no secret in the output. The diagnoses themselves are tested in the token-manager
 * module ({@code DoctorSimTest}).
 */
class DoctorCommandSimTest {

    private static final Map<String, String> ENV = Map.of(
            "GENESYS_SECRET", "genesys-secret",
            "GENESYS_PADDED", " genesys-secret\t");

    @TempDir
    Path dir;

    private VendorSimulator sim;
    private Path file;

    @BeforeEach
    void start() throws Exception {
        sim = VendorSimulator.start(SimulatorConfig.defaults());
        file = dir.resolve("switchboard.yaml");
        Files.writeString(file, ("""
                kafka:
                  bootstrapServers: 127.0.0.1:9092
                credentials:
                  - id: genesys-ok
                    provider: genesys-cloud
                    loginBaseUrl: {base}/genesys/login
                    clientId: genesys-client
                    clientSecret: ${env:GENESYS_SECRET}
                  - id: genesys-padded
                    provider: genesys-cloud
                    loginBaseUrl: {base}/genesys/login
                    clientId: genesys-client
                    clientSecret: ${env:GENESYS_PADDED}
                """).replace("{base}", sim.baseUrl()));
    }

    @AfterEach
    void stop() {
        sim.close();
    }

    @Test
    void humanReportExitsOneWhenACredentialFails() {
        StringWriter out = new StringWriter();
        CommandLine cl = new CommandLine(new DoctorCommand(new SecretReferences(ENV), file.toString()));
        cl.setOut(new PrintWriter(out));
        assertThat(cl.execute()).isEqualTo(1);
        assertThat(out.toString()).contains("OK    genesys-ok (genesys-cloud)", "FAIL  genesys-padded (genesys-cloud)",
                "[secret-whitespace]", "change: remove the whitespace", "2 credentials checked, 1 failing")
                .doesNotContain("genesys-secret");
    }

    @Test
    void jsonReportOfOneCredentialExitsZeroWhenItLogsIn() throws Exception {
        StringWriter out = new StringWriter();
        CommandLine cl = new CommandLine(new DoctorCommand(new SecretReferences(ENV), null));
        cl.setOut(new PrintWriter(out));
        assertThat(cl.execute("--config", file.toString(), "--credential", "genesys-ok", "--json")).isEqualTo(0);
        JsonNode json = new ObjectMapper().readTree(out.toString());
        assertThat(json.get("ok").asBoolean()).isTrue();
        assertThat(json.get("credentials")).hasSize(1);
        JsonNode c = json.get("credentials").get(0);
        assertThat(c.get("id").asText()).isEqualTo("genesys-ok");
        assertThat(c.get("lifetimeSeconds").asLong()).isEqualTo(86399);
        assertThat(c.get("diagnoses").get(0).get("code").asText()).isEqualTo("login-ok");
        assertThat(out.toString()).doesNotContain("genesys-secret");
    }

    @Test
    void theSwitchboardCommandLineRunsDoctor() {
        // Through the root command users run: the subcommand reads the file given with --config.
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine root = Switchboard.commandLine();
        root.setOut(new PrintWriter(out));
        root.setErr(new PrintWriter(err));
        Path noSecrets = dir.resolve("nope.yaml");
        assertThat(root.execute("doctor", "--config", noSecrets.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("nope.yaml");
    }
}
