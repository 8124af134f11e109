package io.switchboard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.switchboard.registry.CompatibilityLevel;
import io.switchboard.registry.server.EmbeddedSchemaRegistryOptions;
import io.switchboard.simulator.VendorSimulator;
import picocli.CommandLine;

/** The development servers' commands: options reach the server, bad input is a usage error naming it. */
class ServerCommandsTest {

    private final StringWriter err = new StringWriter();

    private CommandLine commandLine(Object command) {
        CommandLine cl = new CommandLine(command);
        cl.setErr(new PrintWriter(err, true));
        cl.setOut(new PrintWriter(new StringWriter(), true));
        return cl;
    }

    @Test
    void simulatorServesTheClientsOfItsYamlFile(@TempDir Path dir) throws Exception {
        Path yaml = dir.resolve("sim.yaml");
        Files.writeString(yaml, """
                genesys:
                  clients:
                    - clientId: yaml-client
                      secret: yaml-secret
                """);
        SimulatorCommand command = new SimulatorCommand();
        commandLine(command).parseArgs("--port", "0", "--config", yaml.toString());
        try (VendorSimulator sim = command.start()) {
            HttpResponse<String> answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(sim.genesysLoginUrl() + "/oauth/token"))
                    .header("Authorization", "Basic " + Base64.getEncoder().encodeToString("yaml-client:yaml-secret".getBytes(StandardCharsets.UTF_8)))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(answer.statusCode()).isEqualTo(200);
            assertThat(answer.body()).contains("\"access_token\"");
            assertThat(sim.baseUrl()).startsWith("http://127.0.0.1:");
        }
    }

    @Test
    void simulatorWithAnUnreadableOrInvalidConfigExitsWithTwo(@TempDir Path dir) throws Exception {
        CommandLine cl = commandLine(new SimulatorCommand());
        assertThat(cl.execute("--port", "0", "--config", dir.resolve("missing.yaml").toString())).isEqualTo(Switchboard.EXIT_USAGE);
        assertThat(err.toString()).contains("missing.yaml").contains("no such file");

        Path bad = dir.resolve("bad.yaml");
        Files.writeString(bad, "port: 70000\ncolour: blue\n");
        assertThat(commandLine(new SimulatorCommand()).execute("--config", bad.toString())).isEqualTo(Switchboard.EXIT_USAGE);
        assertThat(err.toString()).contains("2 problems").contains("colour");
    }

    @Test
    void simulatorClockStartsAtTheGivenInstant() {
        SimulatorCommand command = new SimulatorCommand();
        commandLine(command).parseArgs("--port", "0", "--clock-start", "2024-05-06T19:40:00Z", "--clock-frozen");
        try (VendorSimulator sim = command.start()) {
            assertThat(sim.now()).isEqualTo(java.time.Instant.parse("2024-05-06T19:40:00Z"));
        }
        assertThat(commandLine(new SimulatorCommand()).execute("--port", "0", "--clock-start", "tomorrow")).isEqualTo(Switchboard.EXIT_USAGE);
        assertThat(err.toString()).contains("--clock-start").contains("tomorrow").contains("2024-05-06T10:00:00Z");
    }

    @Test
    void simulatorRejectsANonNumericPort() {
        assertThat(commandLine(new SimulatorCommand()).execute("--port", "x")).isEqualTo(Switchboard.EXIT_USAGE);
        assertThat(err.toString()).contains("--port").contains("'x'");
    }

    @Test
    void schemaRegistryOptionsReachTheRegistry() {
        SchemaRegistryCommand command = new SchemaRegistryCommand();
        commandLine(command).parseArgs("--bootstrap-servers", "k:9092", "--port", "0", "--topic", "_schemas-dev", "--compatibility", "full");
        EmbeddedSchemaRegistryOptions options = command.options();
        assertThat(options.bootstrapServers()).isEqualTo("k:9092");
        assertThat(options.port()).isZero();
        assertThat(options.host()).isEqualTo("127.0.0.1");
        assertThat(options.topic()).isEqualTo("_schemas-dev");
        assertThat(options.defaultCompatibility()).isEqualTo(CompatibilityLevel.FULL);
    }

    @Test
    void simulatorReadsTheSimulatorSectionOfTheSharedFileAndTheOptionsWin(@TempDir Path dir) throws Exception {
        Path yaml = dir.resolve("switchboard.yaml");
        Files.writeString(yaml, """
                kafka: {bootstrapServers: localhost:9092}
                simulator: {seed: 7, port: 0}
                """);
        SimulatorCommand command = new SimulatorCommand(java.util.Map.of("SWITCHBOARD_CONFIG", yaml.toString(),
                "SWITCHBOARD_SIMULATOR_SEED", "11"));
        commandLine(command).parseArgs("--host", "127.0.0.1");
        try (VendorSimulator sim = command.start()) {
            assertThat(sim.config().seed()).isEqualTo(11L);
            assertThat(sim.config().port()).isZero();
        }
    }

    @Test
    void schemaRegistryTakesTheBootstrapServersOfTheSharedFile(@TempDir Path dir) throws Exception {
        Path yaml = dir.resolve("switchboard.yaml");
        Files.writeString(yaml, "kafka: {bootstrapServers: broker-1:9092}\n");
        SchemaRegistryCommand command = new SchemaRegistryCommand();
        commandLine(command).parseArgs("--config", yaml.toString());
        assertThat(command.bootstrapServersFromConfiguration(java.util.Map.of())).isEqualTo("broker-1:9092");
        assertThat(command.bootstrapServersFromConfiguration(java.util.Map.of("SWITCHBOARD_KAFKA_BOOTSTRAP_SERVERS", "b2:9093")))
                .isEqualTo("b2:9093");
    }

    @Test
    void schemaRegistryNeedsBootstrapServersAndAKnownLevel(@TempDir Path dir) throws Exception {
        Path empty = dir.resolve("empty.yaml");
        Files.writeString(empty, "simulator: {}\n");
        assertThat(commandLine(new SchemaRegistryCommand()).execute("--port", "0", "--config", empty.toString()))
                .isEqualTo(Switchboard.EXIT_USAGE);
        assertThat(err.toString()).contains("--bootstrap-servers").contains("kafka.bootstrapServers: is required");
        assertThat(commandLine(new SchemaRegistryCommand()).execute("--bootstrap-servers", "k:9092", "--compatibility", "SIDEWAYS"))
                .isEqualTo(Switchboard.EXIT_USAGE);
        assertThat(err.toString()).contains("SIDEWAYS").contains("BACKWARD");
    }
}
