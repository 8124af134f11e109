package io.switchboard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.switchboard.core.SecretReferences;
import picocli.CommandLine;

class DoctorCommandConfigTest {

    @TempDir
    Path dir;

    record Run(int exit, String out, String err) {
    }

    private Run run(Map<String, String> env, String configEnv, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = new CommandLine(new DoctorCommand(new SecretReferences(env), configEnv));
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int exit = cl.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    @Test
    void invalidConfigExitsTwoListingEveryProblemWithoutSecrets() throws Exception {
        Path f = dir.resolve("credentials.yaml");
        Files.writeString(f, """
                kafka: {bootstrap: localhost:9092}
                credentials:
                  - id: a
                    provider: genesys-cloud
                    region: mypurecloud.nowhere
                    clientId: c
                    clientSecret: inline-secret-value
                  - id: b
                    provider: nope
                """);
        Run r = run(Map.of(), null, "--config", f.toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("credentials[0].region", "credentials[0].clientSecret", "credentials[1].provider");
        assertThat(r.err() + r.out()).doesNotContain("inline-secret-value");

        Run json = run(Map.of(), null, "--config", f.toString(), "--json");
        assertThat(json.exit()).isEqualTo(2);
        assertThat(json.out()).contains("\"configProblems\"", "credentials[1].provider").doesNotContain("inline-secret-value");
    }

    @Test
    void missingFileAndUnknownCredentialAreConfigErrors() throws Exception {
        Run missing = run(Map.of(), dir.resolve("nope.yaml").toString());
        assertThat(missing.exit()).isEqualTo(2);
        assertThat(missing.err()).contains("nope.yaml").contains("SWITCHBOARD_CONFIG");

        Path f = dir.resolve("c.yaml");
        Files.writeString(f, """
                credentials:
                  - id: a
                    provider: oauth2
                    tokenUrl: http://127.0.0.1:1/token
                    clientId: c
                    clientSecret: ${env:S}
                """);
        Run unknown = run(Map.of("S", "x"), f.toString(), "--credential", "zzz");
        assertThat(unknown.exit()).isEqualTo(2);
        assertThat(unknown.err()).contains("--credential").contains("configured: a");
    }

    @Test
    void withoutConfigOrEnvironmentTheDefaultFileIsTheOneEveryCommandReads() {
        Run r = run(Map.of(), null);
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("switchboard.yaml").contains("give --config FILE or set SWITCHBOARD_CONFIG")
                .doesNotContain("credentials.yaml");
    }

    @Test
    void readsTheSharedFileWithItsEnvironmentOverrides() throws Exception {
        Path f = dir.resolve("switchboard.yaml");
        Files.writeString(f, """
                kafka: {bootstrapServers: localhost:9092}
                tokenManager: {ops: {port: 0}}
                poller: {whatever: 1}
                credentials:
                  - id: a
                    provider: oauth2
                    tokenUrl: http://127.0.0.1:1/token
                    clientId: c
                    clientSecret: ${env:S}
                """);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = new CommandLine(new DoctorCommand(Map.of("SWITCHBOARD_CONFIG", f.toString(), "S", "x",
                "SWITCHBOARD_CREDENTIALS_A_TOKEN_URL", "not a url")));
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        assertThat(cl.execute()).isEqualTo(2);
        assertThat(err.toString()).contains("credentials[0].tokenUrl = not a url")
                .contains("(set by SWITCHBOARD_CREDENTIALS_A_TOKEN_URL)");
    }
}
