package io.switchboard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

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

    /** Collapses the wrapping picocli adds, so a description broken in the middle of a word no longer matches. */
    private static String unwrapped(String text) {
        return text.replaceAll("\\s+", " ");
    }

    @Test
    void helpShowsEveryDescriptionWholeAndNoLineIsWiderThanTheUsageWidth() {
        CommandLine root = Switchboard.commandLine();
        List<CommandLine> commands = new ArrayList<>();
        commands.add(root);
        commands.addAll(root.getSubcommands().values());
        String rootHelp = root.getUsageMessage();
        for (CommandLine cl : commands) {
            String help = cl.getUsageMessage();
            String name = cl.getCommandSpec().qualifiedName();
            assertThat(help.lines()).as("lines of %s --help", name).allSatisfy(line ->
                    assertThat(line.length()).as("%s: %s", name, line).isLessThanOrEqualTo(Switchboard.USAGE_WIDTH));
            for (OptionSpec option : cl.getCommandSpec().options()) {
                for (String line : option.description()) {
                    assertThat(unwrapped(help)).as("%s %s", name, option.longestName()).contains(unwrapped(line));
                }
            }
            if (cl != root && !name.endsWith(" help")) {
                // The command list shows the whole description, not only its first line.
                String description = String.join(" ", cl.getCommandSpec().usageMessage().description());
                assertThat(unwrapped(rootHelp)).as("command list entry of %s", name).contains(unwrapped(description));
            }
        }
        assertThat(unwrapped(rootHelp)).contains("refreshes ahead of expiry and publishes encrypted tokens to <prefix>.tokens")
                .contains("why a login fails and what to change");
    }

    @Test
    void descriptionsWrapAtSpacesOnlyNeverAfterTheDotOfAFileName() {
        // The JDK's line BreakIterator, which picocli uses, allows "./credentials." + "yaml": ours does not.
        assertThat(WordWrappingHelp.SpaceWrappingTable.wrap("Configuration file (default: $SWITCHBOARD_CONFIG or ./credentials.yaml).", 50, 48))
                .containsExactly("Configuration file (default: $SWITCHBOARD_CONFIG", "or ./credentials.yaml).");
        assertThat(WordWrappingHelp.SpaceWrappingTable.wrap("keeps its data (default: .switchboard/demo).", 30, 28))
                .containsExactly("keeps its data (default:", ".switchboard/demo).");
        assertThat(WordWrappingHelp.SpaceWrappingTable.wrap("short", 30, 28)).containsExactly("short");
    }

    @Test
    void versionIsPrintedByEveryRole() {
        assertThat(run("--version")).isZero();
        assertThat(out.toString()).startsWith("switchboard ").contains("Java ").contains("Kafka clients 4.");
        StringWriter doctor = new StringWriter();
        CommandLine cl = Switchboard.commandLine();
        cl.setOut(new PrintWriter(doctor, true));
        assertThat(cl.execute("doctor", "--version")).isZero();
        assertThat(doctor.toString()).startsWith("switchboard ");
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
    void aSecondInstanceOnATakenOpsPortIsAConfigurationProblemNamingTheKey(@TempDir Path dir) throws Exception {
        Path key = Files.writeString(dir.resolve("token.key"), java.util.Base64.getEncoder().encodeToString(new byte[32]));
        Path secret = Files.writeString(dir.resolve("genesys.secret"), "gen-secret");
        int deadPort;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            deadPort = s.getLocalPort();
        }
        try (java.net.ServerSocket firstInstance = new java.net.ServerSocket(0, 50, java.net.InetAddress.getByName("127.0.0.1"))) {
            Path file = dir.resolve("switchboard.yaml");
            Files.writeString(file, """
                    kafka:
                      bootstrapServers: 127.0.0.1:%d
                    schemaRegistry:
                      url: http://127.0.0.1:%d
                    encryption:
                      activeKeyId: k1
                      keys:
                        k1: ${file:%s}
                    ops:
                      port: %d
                    credentials:
                      - id: g
                        provider: genesys-cloud
                        region: mypurecloud.ie
                        clientId: c
                        clientSecret: ${file:%s}
                    """.formatted(deadPort, deadPort, key, firstInstance.getLocalPort(), secret));
            assertThat(run("token-manager", "--config", file.toString())).isEqualTo(Switchboard.EXIT_USAGE);
        }
        assertThat(err.toString())
                .contains("1 problem in " + dir.resolve("switchboard.yaml"))
                .contains("ops.port = ")
                .contains("already in use")
                .contains("ops.port: 0")
                .contains("--print-config-reference");
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
    void thePollerPrintsTheReferenceWithItsOwnKeys() {
        assertThat(run("poller", "--print-config-reference")).isZero();
        assertThat(out.toString()).contains("poller.planInterval", "SWITCHBOARD_POLLER_PLAN_INTERVAL",
                "poller.http.maxBodyBytes", "SWITCHBOARD_POLLER_HTTP_MAX_BODY_BYTES",
                "credentials[].poll.caBundle", "SWITCHBOARD_CREDENTIALS_<ID>_POLL_CA_BUNDLE", "credentials[].poll[].endpoint");
        for (var key : io.switchboard.poll.PollerConfig.configKeys()) {
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
