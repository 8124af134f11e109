package io.switchboard.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.switchboard.core.TopicContract;
import io.switchboard.deploy.StrictManifests.InvalidManifestException;

/**
 * The checks can fail: a temporary copy of deploy/k8s with one thing broken, rendered with kubectl, is
 * refused with a message naming what is wrong. kustomize itself accepts every one of these.
 */
class BrokenManifestsTest {

    @TempDir
    Path tmp;

    @BeforeEach
    void needsKubectl() {
        Kustomize.assumeKubectl();
    }

    @Test
    void aMisspelledFieldInABaseFileFailsTheStrictParse() {
        Path k8s = copyWith("base/070-poller.yaml", "readinessProbe:", "readynessProbe:");

        assertThatThrownBy(() -> Manifests.render(k8s.resolve("overlays/dev"), "broken dev"))
                .isInstanceOf(InvalidManifestException.class)
                .hasMessageContaining("Deployment switchboard-poller")
                .hasMessageContaining("unknown field 'spec.template.spec.containers[0].readynessProbe'");
    }

    @Test
    void aPartitionCountThatDriftsFromTheContractIsReported() {
        Path k8s = copyWith("base/040-kafka-topics.yaml", "topicName: switchboard.poll-jobs\n  partitions: 12",
                "topicName: switchboard.poll-jobs\n  partitions: 6");

        Manifests m = Manifests.render(k8s.resolve("overlays/prod"), "drifted prod");

        assertThat(TopicRules.problems(m.topics(), TopicContract.defaults()))
                .containsExactly("KafkaTopic switchboard-poll-jobs (switchboard.poll-jobs): partitions 6, the contract says 12");
    }

    @Test
    void aCleanupPolicyThatDriftsIsReported() {
        Path k8s = copyWith("base/040-kafka-topics.yaml",
                "topicName: switchboard.tokens\n  partitions: 3\n  replicas: 3\n  config:\n    cleanup.policy: compact",
                "topicName: switchboard.tokens\n  partitions: 3\n  replicas: 3\n  config:\n    cleanup.policy: delete");

        Manifests m = Manifests.render(k8s.resolve("overlays/dev"), "drifted dev");

        assertThat(TopicRules.problems(m.topics(), TopicContract.defaults()))
                .contains("KafkaTopic switchboard-tokens (switchboard.tokens): cleanup.policy delete, the contract says compact");
    }

    @Test
    void aPollerThatMayWriteTokensIsReported() {
        Path k8s = copyWith("base/050-kafka-users.yaml",
                "      - resource: {type: topic, name: switchboard.tokens, patternType: literal}\n        operations: [Read]\n",
                "      - resource: {type: topic, name: switchboard.tokens, patternType: literal}\n        operations: [Read, Write]\n");

        Manifests m = Manifests.render(k8s.resolve("overlays/dev"), "over-granted dev");

        assertThat(AclRules.problems(m.users(), TopicContract.defaults(), "switchboard-aggregator"))
                .containsExactly("the poller (KafkaUser switchboard-poller) must not have Write on topic switchboard.tokens"
                        + " (ARCHITECTURE.md: writers of switchboard.tokens)");
    }

    @Test
    void aSecretWrittenAsAValueAndAMissingProbeAreReported() {
        Path k8s = copyWith("base/060-token-manager.yaml",
                "            - name: GENESYS_EU_CLIENT_SECRET\n              valueFrom:\n"
                        + "                secretKeyRef: {name: switchboard-vendor-credentials, key: genesys-eu-client-secret}\n",
                "            - name: GENESYS_EU_CLIENT_SECRET\n              value: hunter2\n");
        replace(k8s.resolve("base/080-aggregator.yaml"), "readinessProbe:\n            httpGet: {path: /ready, port: ops}",
                "readinessProbe:\n            httpGet: {path: /health, port: ops}");

        Manifests m = Manifests.render(k8s.resolve("overlays/dev"), "leaky dev");

        assertThat(WorkloadRules.problems(m, TopicContract.defaults())).containsExactlyInAnyOrder(
                "Deployment switchboard-token-manager env GENESYS_EU_CLIENT_SECRET: a secret must come from valueFrom.secretKeyRef, never a value",
                "StatefulSet switchboard-aggregator container aggregator readinessProbe: path /health, expected /ready");
    }

    @Test
    void anAggregatorGivenTheTokenKeyIsReported() {
        Path k8s = copyWith("base/080-aggregator.yaml",
                "                secretKeyRef: {name: switchboard-aggregator, key: sasl.jaas.config}\n",
                "                secretKeyRef: {name: switchboard-aggregator, key: sasl.jaas.config}\n"
                        + "            - name: SWITCHBOARD_TOKEN_KEY_K1\n              valueFrom:\n"
                        + "                secretKeyRef: {name: switchboard-token-keys, key: k1}\n");

        Manifests m = Manifests.render(k8s.resolve("overlays/prod"), "over-shared prod");

        assertThat(WorkloadRules.problems(m, TopicContract.defaults())).containsExactly(
                "StatefulSet switchboard-aggregator container aggregator: env SWITCHBOARD_TOKEN_KEY_K1 reads Secret switchboard-token-keys,"
                        + " which the aggregator does not need (least privilege)");
    }

    /** A copy of deploy/k8s under the temp dir with {@code from} replaced by {@code to} in {@code file}. */
    private Path copyWith(String file, String from, String to) {
        Path copy = tmp.resolve("k8s");
        copyTree(Repo.k8s(), copy);
        replace(copy.resolve(file), from, to);
        return copy;
    }

    private static void replace(Path file, String from, String to) {
        try {
            String text = Files.readString(file);
            assertThat(text).as("%s must contain the text this test breaks", file).contains(from);
            Files.writeString(file, text.replace(from, to));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void copyTree(Path from, Path to) {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
