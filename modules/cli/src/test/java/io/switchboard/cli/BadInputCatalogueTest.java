package io.switchboard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import picocli.CommandLine;

/**
 * The catalogue of bad configuration input (issue 13, point 2), each case run through the real {@code switchboard}
 * command line with a configuration file in a temporary directory, as a user would run it: every case exits with 2
 * (bad usage or configuration), prints a message that names the file, the key and the fix, prints no stack trace,
 * and never prints a secret (the client secret, the token-encryption key and the registry password live in files
 * referenced with {@code ${file:…}}, so their values are known to the test and can be looked for in the output).
 *
 * <p>No case reaches Kafka or a vendor: every problem is found while the configuration is read. The runtime
 * counterpart for token-encryption keys (a reader holding another or an older key than the writer) is
 * {@code TokenTopicSecurityIT} in the token-manager module, against a real broker.
 */
class BadInputCatalogueTest {

    /** An environment variable no machine running this build sets. */
    private static final String UNSET_ENV = "SWITCHBOARD_CATALOGUE_SURELY_UNSET_7F3A";

    @TempDir
    Path dir;

    private String clientSecret;
    private String tokenKey;
    private String registryPassword;
    private Path secretFile;
    private Path keyFile;
    private Path registryUserInfoFile;

    record Run(int exit, String out, String err) {
        String all() {
            return out + err;
        }
    }

    @BeforeEach
    void secrets() throws Exception {
        clientSecret = "catalogue-client-secret-9d2e";
        byte[] key = new byte[32];
        for (int i = 0; i < key.length; i++) {
            key[i] = (byte) (7 * i + 3);
        }
        tokenKey = Base64.getEncoder().encodeToString(key);
        registryPassword = "catalogue-registry-pass-51c0";
        secretFile = Files.writeString(dir.resolve("client.secret"), clientSecret);
        keyFile = Files.writeString(dir.resolve("token.key"), tokenKey + "\n");
        registryUserInfoFile = Files.writeString(dir.resolve("registry.userinfo"), "tm:" + registryPassword);
    }

    /** A complete, valid file (no Kafka or vendor is reached by any case: the problems are found first). */
    private String valid() {
        return """
                kafka:
                  bootstrapServers: 127.0.0.1:1
                schemaRegistry:
                  url: http://127.0.0.1:1
                  properties:
                    basic.auth.user.info: ${file:%s}
                encryption:
                  activeKeyId: k1
                  keys:
                    k1: ${file:%s}
                tokenManager:
                  ops: {port: -1}
                credentials:
                  - id: genesys-eu
                    provider: genesys-cloud
                    region: mypurecloud.ie
                    clientId: catalogue-client
                    clientSecret: ${file:%s}
                """.formatted(registryUserInfoFile, keyFile, secretFile);
    }

    private Path file(String name, String yaml) throws Exception {
        return Files.writeString(dir.resolve(name), yaml, StandardCharsets.UTF_8);
    }

    private Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = Switchboard.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int exit = cl.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    /** Exit 2, the expected sentences in the error output, no stack trace, no secret. */
    private Run assertConfigError(Run r, Path file, String... expected) {
        assertThat(r.exit()).as("exit code of %s", r.all()).isEqualTo(Switchboard.EXIT_USAGE);
        assertThat(r.err()).as("names the file").contains(file.getFileName().toString());
        assertThat(r.err()).contains(expected);
        assertThat(r.all()).as("no stack trace")
                .doesNotContainPattern("(?m)^\\s+at [\\w.$]+\\(")
                .doesNotContainPattern("\\b(java|javax|io|com|org)\\.[\\w.$]+(Exception|Error)\\b");
        for (String secret : List.of(clientSecret, tokenKey, registryPassword)) {
            assertThat(r.all()).as("no secret in the output").doesNotContain(secret);
        }
        return r;
    }

    @Test
    void malformedYamlNamesTheLineAndColumnForEveryCommand() throws Exception {
        Path badIndent = file("indent.yaml", valid().replace("schemaRegistry:", " schemaRegistry:"));
        Path tab = file("tab.yaml", "kafka:\n\tbootstrapServers: 127.0.0.1:1\n");
        Path unclosed = file("unclosed.yaml", "kafka: {bootstrapServers: 127.0.0.1:1\nschemaRegistry: {url: http://127.0.0.1:1}\n");
        for (String role : List.of("token-manager", "doctor")) {
            assertConfigError(run(role, "--config", badIndent.toString()), badIndent,
                    "is not valid YAML at line 3, column 2", "check indentation (spaces, not tabs) and quoting");
            assertConfigError(run(role, "--config", tab.toString()), tab,
                    "is not valid YAML at line 2, column 1", "tab");
            assertConfigError(run(role, "--config", unclosed.toString()), unclosed,
                    "is not valid YAML at line 2, column 15", "expected ',' or '}'");
        }
        // The poller still reads the file with its own loader (the line, not yet the column).
        assertConfigError(run("poller", "--config", badIndent.toString()), badIndent, "is not valid YAML at line 3");
        assertConfigError(run("poller", "--config", unclosed.toString()), unclosed, "is not valid YAML at line 2");
        Path duplicate = file("duplicate.yaml", valid() + "kafka: {bootstrapServers: 127.0.0.1:2}\n");
        assertConfigError(run("token-manager", "--config", duplicate.toString()), duplicate, "has a key twice", "kafka", "keep one");
    }

    @Test
    void anIncompleteFileListsEveryMissingKeyWithItsEnvironmentVariable() throws Exception {
        Path f = file("incomplete.yaml", "kafka:\n  bootstrapServers: 127.0.0.1:1\ncredentials: []\n");
        assertConfigError(run("token-manager", "--config", f.toString()), f,
                "schemaRegistry.url: is required", "SWITCHBOARD_SCHEMA_REGISTRY_URL",
                "encryption.activeKeyId: is required", "SWITCHBOARD_ENCRYPTION_ACTIVE_KEY_ID",
                "encryption.keys: is required", "openssl rand -base64 32",
                "credentials = []: is empty: list at least one credential",
                "--print-config-reference");
        Path noCredentials = file("nocreds.yaml", valid().substring(0, valid().indexOf("credentials:")));
        assertConfigError(run("token-manager", "--config", noCredentials.toString()), noCredentials, "credentials: is required");
        assertConfigError(run("doctor", "--config", noCredentials.toString()), noCredentials, "credentials");

        Path missing = dir.resolve("nowhere.yaml");
        Run r = run("token-manager", "--config", missing.toString());
        assertConfigError(r, missing, "no such file; check the path given in --config");
        assertConfigError(run("doctor", "--config", missing.toString()), missing, "no such file; check the path given in --config");
    }

    @Test
    void anUnknownProviderIsNamedWithTheNearestProviderAndEveryKnownOne() throws Exception {
        Path f = file("provider.yaml", valid().replace("provider: genesys-cloud", "provider: genesys-clod"));
        for (String role : List.of("token-manager", "doctor")) {
            assertConfigError(run(role, "--config", f.toString()), f,
                    "credentials[0].provider = genesys-clod: is not a known provider (did you mean genesys-cloud?)",
                    "use one of genesys-cloud, nice-cxone, cognos-analytics, auth0, oauth2");
        }
    }

    @Test
    void anUnknownEndpointKindListsTheKindsThePollerKnows() throws Exception {
        Path f = file("endpoint.yaml", valid() + """
                    poll:
                      - endpoint: genesys.queue-observatoins
                """);
        assertConfigError(run("poller", "--config", f.toString()), f,
                "credentials[0].poll[0].endpoint = genesys.queue-observatoins: is not an endpoint kind",
                "use one of genesys.queue-observations");
        assertConfigError(run("jobs", "apply", "--config", f.toString()), f, "credentials[0].poll[0].endpoint");
    }

    @Test
    void aMissingSecretNamesTheVariableOrFileAndHowToProvideIt() throws Exception {
        Path env = file("env.yaml", valid().replace("clientSecret: ${file:" + secretFile + "}", "clientSecret: ${env:" + UNSET_ENV + "}"));
        for (String role : List.of("token-manager", "doctor")) {
            assertConfigError(run(role, "--config", env.toString()), env,
                    "credentials[0].clientSecret = ${env:" + UNSET_ENV + "}: environment variable " + UNSET_ENV + " is not set or empty",
                    "export " + UNSET_ENV + "=", "${file:/path/to/secret}");
        }
        Path absent = dir.resolve("absent.secret");
        Path noFile = file("nofile.yaml", valid().replace("k1: ${file:" + keyFile + "}", "k1: ${file:" + absent + "}"));
        assertConfigError(run("token-manager", "--config", noFile.toString()), noFile,
                "encryption.keys.k1 = ${file:" + absent + "}: cannot read file " + absent);

        Path inline = file("inline.yaml", valid().replace("clientSecret: ${file:" + secretFile + "}", "clientSecret: " + clientSecret));
        assertConfigError(run("token-manager", "--config", inline.toString()), inline,
                "credentials[0].clientSecret = ****: secrets are not accepted inline", "${env:NAME} or ${file:/path/to/secret}");
    }

    @Test
    void aWrongTokenEncryptionKeySettingSaysWhatAKeyIsAndHowToFixIt() throws Exception {
        Path shortKey = Files.writeString(dir.resolve("short.key"), Base64.getEncoder().encodeToString("16-bytes-is-AES1".getBytes(StandardCharsets.UTF_8)));
        Path f = file("shortkey.yaml", valid().replace("k1: ${file:" + keyFile + "}", "k1: ${file:" + shortKey + "}"));
        Run r = assertConfigError(run("token-manager", "--config", f.toString()), f,
                "encryption.keys.k1 = ${file:" + shortKey + "}: decodes to 16 bytes; an AES-256 key is 32 bytes", "openssl rand -base64 32");
        assertThat(r.all()).doesNotContain(Files.readString(shortKey));

        Path notBase64 = Files.writeString(dir.resolve("text.key"), "this is not base64 at all!");
        Path g = file("textkey.yaml", valid().replace("k1: ${file:" + keyFile + "}", "k1: ${file:" + notBase64 + "}"));
        Run text = assertConfigError(run("poller", "--config", g.toString()), g, "encryption.keys.k1", "Base64");
        assertThat(text.all()).doesNotContain("this is not base64");

        Path rotatedHalfway = file("active.yaml", valid().replace("activeKeyId: k1", "activeKeyId: k2"));
        assertConfigError(run("token-manager", "--config", rotatedHalfway.toString()), rotatedHalfway,
                "encryption.activeKeyId = k2: is not one of the key ids in encryption.keys [k1]",
                "add the key as encryption.keys.k2 or set encryption.activeKeyId to one of those ids");
    }

    @Test
    void unknownKeysAreProblemsWithTheNearestKey() throws Exception {
        Path section = file("section.yaml", valid().replace("tokenManager:", "tokenManger:"));
        assertConfigError(run("token-manager", "--config", section.toString()), section,
                "tokenManger: is not a key (did you mean tokenManager?)");

        Path nested = file("nested.yaml", valid().replace("bootstrapServers:", "bootstrapServer:"));
        assertConfigError(run("token-manager", "--config", nested.toString()), nested,
                "kafka.bootstrapServer: is not a key (did you mean bootstrapServers?)",
                "kafka.bootstrapServers: is required");

        Path credential = file("credential.yaml", valid().replace("clientId: catalogue-client", "clientIdd: catalogue-client"));
        assertConfigError(run("token-manager", "--config", credential.toString()), credential,
                "credentials[0].clientIdd", "did you mean clientId?");

        Path registry = file("registry.yaml", valid().replace("basic.auth.user.info:", "basic.auth.user.inf:"));
        assertConfigError(run("token-manager", "--config", registry.toString()), registry,
                "schemaRegistry.properties.basic.auth.user.inf: is not a schema registry client setting (did you mean basic.auth.user.info?)");
    }

    @Test
    void everyProblemOfOneFileIsReportedAtOnce() throws Exception {
        Path f = file("many.yaml", valid()
                .replace("provider: genesys-cloud", "provider: genesys-clod")
                .replace("tokenManager:", "tokenManger:")
                .replace("activeKeyId: k1", "activeKeyId: k2")
                .replace("url: http://127.0.0.1:1", "url: registry:8081"));
        Run r = assertConfigError(run("token-manager", "--config", f.toString()), f,
                "credentials[0].provider", "tokenManger", "encryption.activeKeyId", "schemaRegistry.url = registry:8081");
        assertThat(r.err()).containsPattern("\\d problems in ");
    }
}
