package io.switchboard.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.strimzi.api.kafka.model.topic.KafkaTopic;
import io.strimzi.api.kafka.model.user.KafkaUser;
import io.switchboard.core.TopicContract;

/**
 * Checks of the base that need no kubectl, so topic and ACL drift fail the build on any machine: the
 * KafkaTopic and KafkaUser files parsed strictly straight from the base, and the files named in apply order.
 */
class ManifestLayoutTest {

    private static final Path BASE = Repo.k8s().resolve("base");

    @Test
    void baseTopicsAndUsersMatchTheContractWithoutKubectl() throws IOException {
        List<HasMetadata> topics = StrictManifests.parse(Files.readString(BASE.resolve("040-kafka-topics.yaml")), "040-kafka-topics.yaml");
        List<HasMetadata> users = StrictManifests.parse(Files.readString(BASE.resolve("050-kafka-users.yaml")), "050-kafka-users.yaml");

        assertThat(TopicRules.problems(topics.stream().map(KafkaTopic.class::cast).toList(), TopicContract.defaults())).isEmpty();
        assertThat(AclRules.problems(users.stream().map(KafkaUser.class::cast).toList(), TopicContract.defaults(), "switchboard-aggregator"))
                .isEmpty();
    }

    @Test
    void baseFilesAreNamedInApplyOrderAndAllListed() throws IOException {
        List<String> files;
        try (Stream<Path> s = Files.list(BASE)) {
            files = s.map(p -> p.getFileName().toString()).filter(n -> !n.equals("kustomization.yaml")).sorted().toList();
        }
        Map<String, Object> kustomization = ComposeRules.load(BASE.resolve("kustomization.yaml"));

        assertThat(files).allMatch(n -> n.matches("\\d{3}-[a-z0-9-]+\\.yaml"), "NNN-name.yaml");
        assertThat(files.get(0)).isEqualTo("010-namespace.yaml");
        assertThat(kustomization.get("resources")).as("kustomization.yaml resources, in apply order").isEqualTo(files);
    }
}
