package io.switchboard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import picocli.CommandLine;

class SwitchboardTest {

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cl = Switchboard.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        return cl.execute(args);
    }

    @Test
    void helpListsTheRoles() {
        assertThat(run("--help")).isZero();
        assertThat(out.toString()).contains("token-manager").contains("doctor");
    }

    @Test
    void anUnknownSubcommandIsAUsageError() {
        assertThat(run("tokenmanager")).isEqualTo(Switchboard.EXIT_USAGE);
        assertThat(err.toString()).contains("tokenmanager");
    }

    @Test
    void tokenManagerReportsEveryConfigurationProblemAndExitsWithTwo(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("tm.yaml");
        Files.writeString(file, """
                kafka:
                  bootstrapServers: nowhere
                refresh:
                  lifetimeShare: 2
                credentials:
                  - id: g
                    provider: genesys-cloud
                    region: mypurecloud.ie
                    clientId: c
                    clientSecret: inline-secret-value
                """);
        assertThat(run("token-manager", "--config", file.toString())).isEqualTo(Switchboard.EXIT_USAGE);
        assertThat(err.toString())
                .contains("kafka.bootstrapServers = nowhere")
                .contains("schemaRegistry.url: is required")
                .contains("refresh.lifetimeShare = 2")
                .contains("credentials[0].clientSecret")
                .doesNotContain("inline-secret-value");
    }

    @Test
    void aMissingFileIsAUsageErrorNamingIt(@TempDir Path dir) {
        assertThat(run("token-manager", "--config", dir.resolve("nope.yaml").toString())).isEqualTo(Switchboard.EXIT_USAGE);
        assertThat(err.toString()).contains("nope.yaml").contains("no such file");
    }

    @Test
    void printsTheConfigurationReference() {
        assertThat(run("token-manager", "--print-config-reference")).isZero();
        assertThat(out.toString()).contains("SWITCHBOARD_KAFKA_BOOTSTRAP_SERVERS").contains("tokenManager.refresh.minRemaining")
                .contains("credentials[].clientSecret", "SWITCHBOARD_CREDENTIALS_<ID>_CLIENT_SECRET")
                .contains("simulator.genesys.clients[].tokenLifetime");
        for (var key : ConfigurationReference.all().keys()) {
            assertThat(out.toString()).contains(key.name());
        }
    }

    @Test
    void theReferenceInTheDocsIsTheOneTheCodeDeclares() throws Exception {
        Path doc = Path.of("../../docs/configuration.md");
        String generated = ConfigurationReference.all().markdown();
        String text = Files.readString(doc);
        String begin = "<!-- BEGIN GENERATED REFERENCE (ConfigurationReference; regenerate: ./mvnw -pl modules/cli -am test"
                + " -Dtest=SwitchboardTest -Dswitchboard.writeDocs=true) -->\n";
        String end = "<!-- END GENERATED REFERENCE -->";
        int from = text.indexOf(begin);
        int to = text.indexOf(end);
        assertThat(from).as("docs/configuration.md has the generated-reference markers").isNotNegative();
        assertThat(to).isGreaterThan(from);
        if (Boolean.getBoolean("switchboard.writeDocs")) {
            Files.writeString(doc, text.substring(0, from + begin.length()) + generated + text.substring(to));
            text = Files.readString(doc);
            to = text.indexOf(end);
        }
        assertThat(text.substring(from + begin.length(), to))
                .as("docs/configuration.md is out of date with the declared keys; regenerate it (see the marker)")
                .isEqualTo(generated);
    }
}
