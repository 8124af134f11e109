package io.switchboard.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.strimzi.api.kafka.model.topic.KafkaTopic;
import io.switchboard.deploy.StrictManifests.InvalidManifestException;

/** The strict parser itself, on small documents: what it accepts and that a broken field is refused. */
class StrictManifestsTest {

    private static final String DEPLOYMENT = """
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: d}
            spec:
              replicas: 2
              selector: {matchLabels: {a: b}}
              template:
                metadata: {labels: {a: b}}
                spec:
                  containers:
                    - name: c
                      image: i
                      livenessProbe: {httpGet: {path: /health, port: ops}}
            """;

    private static final String TOPIC = """
            apiVersion: kafka.strimzi.io/v1
            kind: KafkaTopic
            metadata: {name: t, labels: {strimzi.io/cluster: k}}
            spec:
              topicName: x.y
              partitions: 3
              replicas: 1
              config: {cleanup.policy: compact}
            """;

    @Test
    void wellFormedDocumentsParseIntoTheirModels() {
        List<HasMetadata> parsed = StrictManifests.parse(DEPLOYMENT + "---\n" + TOPIC, "test");

        assertThat(parsed).hasSize(2);
        Deployment d = (Deployment) parsed.get(0);
        assertThat(d.getSpec().getReplicas()).isEqualTo(2);
        assertThat(d.getSpec().getTemplate().getSpec().getContainers().get(0).getLivenessProbe().getHttpGet().getPort().getStrVal())
                .isEqualTo("ops");
        KafkaTopic t = (KafkaTopic) parsed.get(1);
        assertThat(t.getSpec().getTopicName()).isEqualTo("x.y");
        assertThat(t.getSpec().getConfig()).containsEntry("cleanup.policy", "compact");
    }

    @Test
    void aMisspelledKubernetesFieldIsRefusedWithItsPath() {
        String typo = DEPLOYMENT.replace("livenessProbe", "livenesProbe");

        assertThatThrownBy(() -> StrictManifests.parse(typo, "typo.yaml"))
                .isInstanceOf(InvalidManifestException.class)
                .hasMessageContaining("typo.yaml, document 1 (apps/v1 Deployment d)")
                .hasMessageContaining("unknown field 'spec.template.spec.containers[0].livenesProbe'")
                .hasMessageContaining("livenessProbe");
    }

    @Test
    void aMisspelledStrimziFieldIsRefused() {
        String typo = TOPIC.replace("partitions: 3", "partition: 3");

        assertThatThrownBy(() -> StrictManifests.parse(typo, "topics.yaml"))
                .isInstanceOf(InvalidManifestException.class)
                .hasMessageContaining("KafkaTopic t")
                .hasMessageContaining("unknown field 'spec.partition'");
    }

    @Test
    void anUnknownAclOperationIsRefused() {
        String user = """
                apiVersion: kafka.strimzi.io/v1
                kind: KafkaUser
                metadata: {name: u}
                spec:
                  authentication: {type: scram-sha-512}
                  authorization:
                    type: simple
                    acls:
                      - resource: {type: topic, name: a, patternType: literal}
                        operations: [Reed]
                """;

        assertThatThrownBy(() -> StrictManifests.parse(user, "users.yaml"))
                .isInstanceOf(InvalidManifestException.class)
                .hasMessageContaining("KafkaUser u")
                .hasMessageContaining("spec.authorization.acls[0].operations");
    }

    @Test
    void aStringWhereTheApiWantsANumberIsRefused() {
        String quoted = DEPLOYMENT.replace("replicas: 2", "replicas: \"2\"");

        assertThatThrownBy(() -> StrictManifests.parse(quoted, "q.yaml"))
                .isInstanceOf(InvalidManifestException.class)
                .hasMessageContaining("field 'spec.replicas'");
    }

    @Test
    void aNumberWhereTheApiWantsAStringIsRefused() {
        String unquoted = DEPLOYMENT.replace("metadata: {labels: {a: b}}",
                "metadata: {labels: {a: b}, annotations: {prometheus.io/port: 9401}}");

        assertThatThrownBy(() -> StrictManifests.parse(unquoted, "a.yaml"))
                .isInstanceOf(InvalidManifestException.class)
                .hasMessageContaining("spec.template.metadata.annotations");
    }

    @Test
    void secretsAndUnknownKindsAreRefused() {
        assertThatThrownBy(() -> StrictManifests.parse("apiVersion: v1\nkind: Secret\nmetadata: {name: s}\nstringData: {a: b}\n", "s.yaml"))
                .hasMessageContaining("secrets must only be referenced");
        assertThatThrownBy(() -> StrictManifests.parse(TOPIC.replace("kafka.strimzi.io/v1", "kafka.strimzi.io/v1beta2"), "old.yaml"))
                .hasMessageContaining("kind kafka.strimzi.io/v1beta2/KafkaTopic is not one Switchboard deploys");
    }
}
