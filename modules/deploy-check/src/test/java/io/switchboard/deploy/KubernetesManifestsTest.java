package io.switchboard.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.switchboard.core.TopicContract;

/**
 * Every overlay as {@code kubectl kustomize} renders it: parsed strictly against the Kubernetes and Strimzi
 * models, topics and ACLs checked against the topic contract, workloads against issue 12.
 */
class KubernetesManifestsTest {

    @BeforeEach
    void needsKubectl() {
        Kustomize.assumeKubectl();
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void everyManifestFitsTheKubernetesAndStrimziModels(String overlay) {
        Manifests m = Manifests.render(overlay);

        Map<String, Long> kinds = m.resources().stream()
                .collect(Collectors.groupingBy(HasMetadata::getKind, TreeMap::new, Collectors.counting()));
        assertThat(kinds).containsEntry("Namespace", 1L)
                .containsEntry("Deployment", 2L)
                .containsEntry("StatefulSet", 1L)
                .containsEntry("HorizontalPodAutoscaler", 1L)
                .containsEntry("PodDisruptionBudget", 3L)
                .containsEntry("KafkaTopic", (long) TopicContract.defaults().topics().size())
                .containsEntry("KafkaUser", 3L)
                .containsKeys("Service", "ConfigMap", "NetworkPolicy", "ServiceAccount");
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void topicsAreTheTopicContract(String overlay) {
        Manifests m = Manifests.render(overlay);

        List<String> problems = TopicRules.problems(m.topics(), TopicContract.defaults());

        assertThat(problems).as("KafkaTopics of %s against io.switchboard.core.TopicContract", overlay).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void aclsGiveEachRoleWhatItNeedsAndNothingElse(String overlay) {
        Manifests m = Manifests.render(overlay);
        String applicationId = m.switchboardConfig().path("aggregator").path("applicationId").asText();

        List<String> problems = AclRules.problems(m.users(), TopicContract.defaults(), applicationId);

        assertThat(applicationId).isEqualTo("switchboard-aggregator");
        assertThat(problems).as("KafkaUser ACLs of %s", overlay).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void workloadsProbesResourcesAndSecretsFollowTheRules(String overlay) {
        Manifests m = Manifests.render(overlay);

        List<String> problems = WorkloadRules.problems(m, TopicContract.defaults());

        assertThat(problems).as("workloads of %s", overlay).isEmpty();
        assertThat(m.get(Deployment.class, WorkloadRules.TOKEN_MANAGER).getSpec().getReplicas()).isEqualTo(2);
        assertThat(m.get(StatefulSet.class, WorkloadRules.AGGREGATOR).getSpec().getVolumeClaimTemplates()).hasSize(1);
    }
}
