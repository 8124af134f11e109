package io.switchboard.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretReferencesTest {

    private final SecretReferences refs = new SecretReferences(Map.of("GENESYS_SECRET", "s3cr3t+/="));

    @Test
    void environmentReferenceResolvesAndNeverPrints() {
        ConfigProblems problems = new ConfigProblems("test.yaml");
        Secret secret = refs.resolve("clientSecret", "${env:GENESYS_SECRET}", problems).orElseThrow();
        assertThat(secret.reveal()).isEqualTo("s3cr3t+/=");
        assertThat(secret.toString()).isEqualTo("****").doesNotContain("s3cr3t");
        assertThat(secret.describe()).isEqualTo("${env:GENESYS_SECRET}");
        assertThat(problems.isEmpty()).isTrue();
    }

    @Test
    void fileReferenceDropsOneTrailingNewline(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("secret");
        Files.writeString(file, "abc \n");
        Secret secret = refs.resolve("k", "${file:" + file + "}", new ConfigProblems("t")).orElseThrow();
        assertThat(secret.reveal()).isEqualTo("abc ");
    }

    @Test
    void everyProblemIsReportedAtOnceWithSecretsMasked() {
        ConfigProblems problems = new ConfigProblems("credentials.yaml");
        refs.resolve("credentials[0].clientSecret", "hunter2", problems);
        refs.resolve("credentials[1].clientSecret", "${env:MISSING_VAR}", problems);
        refs.resolve("credentials[2].clientSecret", "${file:/nonexistent/secret}", problems);
        refs.resolve("credentials[3].clientSecret", null, problems);
        assertThatThrownBy(problems::throwIfAny)
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("4 problems in credentials.yaml")
                .hasMessageContaining("credentials[0].clientSecret = ****: secrets are not accepted inline")
                .hasMessageContaining("MISSING_VAR is not set")
                .hasMessageContaining("/nonexistent/secret")
                .hasMessageContaining("credentials[3].clientSecret: is required")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("hunter2"));
    }

    @Test
    void secretsCompareInConstantTimeAndByValue() {
        assertThat(Secret.of("a").matches("a")).isTrue();
        assertThat(Secret.of("a").matches("b")).isFalse();
        assertThat(Secret.of("a").matches(null)).isFalse();
        assertThat(Secret.of("x", "${env:A}")).isEqualTo(Secret.of("x"));
    }

    @Test
    void topicNamesFollowThePrefix() {
        Topics topics = new Topics("acme");
        assertThat(topics.tokens()).isEqualTo("acme.tokens");
        assertThat(topics.queueWindowStats("15m")).isEqualTo("acme.dashboard.queue-stats-15m");
        assertThat(Topics.defaults().tokenRequests()).isEqualTo("switchboard.token-requests");
        assertThatThrownBy(() -> new Topics("bad prefix")).hasMessageContaining("may only contain");
    }
}
