package io.switchboard.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * docker-compose.yml: validated by the compose CLI ({@code docker compose config} or Debian's
 * {@code docker-compose config}; neither needs a Docker engine) and checked in Java for the structure
 * issue 12 asks for. Broken copies show both refuse what is wrong.
 */
class ComposeFileTest {

    private static final List<String> FILES = List.of("docker-compose.yml", ".env.example", ".gitignore", ".dockerignore",
            "deploy/docker/Dockerfile", "deploy/docker/switchboard.yaml");

    @TempDir
    Path tmp;

    @Test
    void theComposeSetupHasEveryServiceHealthCheckAndSecretRule() {
        assertThat(ComposeRules.problems(Repo.root(), kafkaVersion())).as("compose setup problems").isEmpty();
    }

    @Test
    void theComposeCliAcceptsTheFileWithThePlaceholderEnvFile() {
        ExternalTool.Result r = composeConfig(Repo.root());

        assertThat(r.ok()).as(r.describe()).isTrue();
        assertThat(r.stderr()).as("no variable may be left unset").doesNotContain("variable is not set");
    }

    @Test
    void theComposeCliRefusesAMisspelledKey() throws IOException {
        Path copy = copyWith("docker-compose.yml", "    healthcheck:\n      test: [\"CMD-SHELL\", \"/opt/kafka",
                "    helthcheck:\n      test: [\"CMD-SHELL\", \"/opt/kafka");

        assertThat(ComposeRules.problems(copy, kafkaVersion())).contains("kafka: no healthcheck");
        ExternalTool.Result r = composeConfig(copy);
        assertThat(r.ok()).as(r.describe()).isFalse();
        assertThat(r.stdout() + r.stderr()).contains("helthcheck");
    }

    @Test
    void aSecretMissingFromTheEnvFileIsRefusedByNameByBoth() throws IOException {
        Path copy = copyWith(".env.example", "GENESYS_SECRET=replace-me\n", "");

        assertThat(ComposeRules.problems(copy, kafkaVersion()))
                .contains("docker-compose.yml uses ${GENESYS_SECRET}, which .env.example does not list");
        ExternalTool.Result r = composeConfig(copy);
        assertThat(r.ok()).as(r.describe()).isFalse();
        assertThat(r.stdout() + r.stderr()).contains("set GENESYS_SECRET in .env");
    }

    @Test
    void aPinnedPollerAndALiteralSecretAreReported() throws IOException {
        Path copy = copyWith("docker-compose.yml", "  poller:\n    <<: *switchboard\n",
                "  poller:\n    <<: *switchboard\n    container_name: poller\n    ports: [\"9404:9404\"]\n");
        String text = Files.readString(copy.resolve("docker-compose.yml"));
        Files.writeString(copy.resolve("docker-compose.yml"), text.replace(
                "AUTH0_SECRET: ${AUTH0_SECRET:?set AUTH0_SECRET in .env (cp .env.example .env)}", "AUTH0_SECRET: auth0-secret"));

        List<String> problems = ComposeRules.problems(copy, kafkaVersion());

        assertThat(problems).contains(
                "poller: container_name pins one container; leave it out so projects and replicas do not clash",
                "poller: ports stops `--scale poller=N`; pollers need neither",
                "token-manager-1 environment AUTH0_SECRET: a secret must be ${AUTH0_SECRET:?how to set it} from .env, never a value");
    }

    private Path copyWith(String file, String from, String to) throws IOException {
        for (String f : FILES) {
            Path target = tmp.resolve(f);
            Files.createDirectories(target.getParent());
            Files.copy(Repo.root().resolve(f), target);
        }
        Path changed = tmp.resolve(file);
        String text = Files.readString(changed);
        assertThat(text).as("%s must contain the text this test breaks", file).contains(from);
        Files.writeString(changed, text.replace(from, to));
        return tmp;
    }

    /** {@code <compose> --env-file .env.example -f docker-compose.yml config -q} in {@code dir}; skips the test without a compose CLI. */
    private static ExternalTool.Result composeConfig(Path dir) {
        Optional<List<String>> compose = ExternalTool.firstWorking(dir,
                List.of(List.of("docker", "compose"), List.of("docker-compose")), List.of("version"));
        assumeTrue(compose.isPresent(), "neither `docker compose` (the Compose plugin) nor `docker-compose` (Debian's package"
                + " docker-compose) is installed: docker-compose.yml is only checked in Java here. Install one of them to"
                + " validate it with compose itself; .ci/run installs docker-compose on CI.");
        List<String> cmd = new ArrayList<>(compose.get());
        cmd.addAll(List.of("--env-file", ".env.example", "-f", "docker-compose.yml", "config", "-q"));
        // Compose prefers the process environment over the env file: a developer's exported GENESYS_SECRET
        // must not hide a variable missing from the file.
        Set<String> unset = ComposeRules.envFile(Repo.root().resolve(".env.example")).keySet();
        return ExternalTool.run(dir, cmd, Map.of(), unset, 120);
    }

    private static String kafkaVersion() {
        String v = System.getProperty("switchboard.kafka.version");
        assertThat(v).as("system property switchboard.kafka.version (set by the module's POM from kafka.version)").isNotBlank();
        return v;
    }
}
