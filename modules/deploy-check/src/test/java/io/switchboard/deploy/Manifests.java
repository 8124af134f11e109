package io.switchboard.deploy;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.strimzi.api.kafka.model.topic.KafkaTopic;
import io.strimzi.api.kafka.model.user.KafkaUser;

/** The resources of one rendered overlay, with typed look-ups. */
record Manifests(String source, List<HasMetadata> resources) {

    /** The label every workload, Service and KafkaUser carries with its role. */
    static final String COMPONENT = "app.kubernetes.io/component";

    /** Renders an overlay with kubectl and parses it strictly. */
    static Manifests render(String overlay) {
        return render(Repo.overlay(overlay), "kubectl kustomize deploy/k8s/overlays/" + overlay);
    }

    static Manifests render(java.nio.file.Path dir, String source) {
        return new Manifests(source, StrictManifests.parse(Kustomize.render(dir), source));
    }

    <T extends HasMetadata> Stream<T> all(Class<T> type) {
        return resources.stream().filter(type::isInstance).map(type::cast);
    }

    <T extends HasMetadata> Optional<T> find(Class<T> type, String name) {
        return all(type).filter(r -> name.equals(r.getMetadata().getName())).findFirst();
    }

    <T extends HasMetadata> T get(Class<T> type, String name) {
        return find(type, name).orElseThrow(() -> new AssertionError(source + " has no " + type.getSimpleName() + " " + name
                + "; it has " + all(type).map(r -> r.getMetadata().getName()).toList()));
    }

    List<KafkaTopic> topics() {
        return all(KafkaTopic.class).toList();
    }

    List<KafkaUser> users() {
        return all(KafkaUser.class).toList();
    }

    /** Pod templates of every Deployment and StatefulSet, by workload name. */
    Map<String, PodTemplateSpec> podTemplates() {
        Map<String, PodTemplateSpec> t = new java.util.LinkedHashMap<>();
        all(Deployment.class).forEach(d -> t.put("Deployment " + d.getMetadata().getName(), d.getSpec().getTemplate()));
        all(StatefulSet.class).forEach(s -> t.put("StatefulSet " + s.getMetadata().getName(), s.getSpec().getTemplate()));
        return t;
    }

    /** The role configuration file from the ConfigMap, as a tree. */
    JsonNode switchboardConfig() {
        ConfigMap cm = get(ConfigMap.class, "switchboard-config");
        String yaml = cm.getData().get("switchboard.yaml");
        if (yaml == null) {
            throw new AssertionError("ConfigMap switchboard-config has no key switchboard.yaml");
        }
        try {
            ObjectMapper m = new YAMLMapper();
            return m.readTree(yaml);
        } catch (java.io.IOException e) {
            throw new AssertionError("switchboard.yaml in ConfigMap switchboard-config is not valid YAML: " + e.getMessage(), e);
        }
    }
}
