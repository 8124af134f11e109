package io.switchboard.deploy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

import io.strimzi.api.kafka.model.topic.KafkaTopic;
import io.switchboard.core.TopicContract;
import io.switchboard.core.TopicSpec;
import io.switchboard.core.TopicSpec.CleanupPolicy;

/**
 * The KafkaTopic resources against {@link TopicContract}: the same topics, each with the contract's
 * partitions, cleanup policy, retention and extra configs. Replicas and {@code min.insync.replicas} are
 * the cluster's choice, but must be consistent.
 */
final class TopicRules {

    /** Topic configs that belong to the cluster, not to the contract. */
    static final Set<String> CLUSTER_CONFIGS = Set.of("min.insync.replicas");

    private TopicRules() {
    }

    /** Every way {@code topics} differ from {@code contract}; empty when they match. */
    static List<String> problems(List<KafkaTopic> topics, TopicContract contract) {
        List<String> problems = new ArrayList<>();
        Map<String, KafkaTopic> byName = new LinkedHashMap<>();
        for (KafkaTopic t : topics) {
            String name = topicName(t);
            if (byName.put(name, t) != null) {
                problems.add("topic " + name + " is declared by more than one KafkaTopic");
            }
        }
        Set<String> missing = new TreeSet<>(contract.names());
        missing.removeAll(byName.keySet());
        for (String name : missing) {
            problems.add("topic " + name + " of the contract has no KafkaTopic; add one with " + contract.get(name).partitions()
                    + " partitions and config " + contract.get(name).configs());
        }
        for (Map.Entry<String, KafkaTopic> e : byName.entrySet()) {
            String name = e.getKey();
            KafkaTopic t = e.getValue();
            String res = "KafkaTopic " + t.getMetadata().getName() + " (" + name + ")";
            var spec = contract.find(name);
            if (spec.isEmpty()) {
                problems.add(res + " is not in the topic contract (io.switchboard.core.TopicContract); add it there first or remove it");
                continue;
            }
            problems.addAll(compare(res, t, spec.get()));
        }
        return problems;
    }

    private static List<String> compare(String res, KafkaTopic t, TopicSpec spec) {
        List<String> problems = new ArrayList<>();
        if (t.getSpec() == null) {
            return List.of(res + " has no spec");
        }
        if (!Objects.equals(t.getSpec().getPartitions(), spec.partitions())) {
            problems.add(res + ": partitions " + t.getSpec().getPartitions() + ", the contract says " + spec.partitions());
        }
        Map<String, String> config = new HashMap<>();
        if (t.getSpec().getConfig() != null) {
            t.getSpec().getConfig().forEach((k, v) -> config.put(k, String.valueOf(v)));
        }
        String policy = config.remove("cleanup.policy");
        if (policy == null) {
            problems.add(res + ": no cleanup.policy; the contract says " + spec.cleanupPolicy().configValue());
        } else {
            try {
                if (CleanupPolicy.fromConfigValue(policy) != spec.cleanupPolicy()) {
                    problems.add(res + ": cleanup.policy " + policy + ", the contract says " + spec.cleanupPolicy().configValue());
                }
            } catch (IllegalArgumentException ex) {
                problems.add(res + ": " + ex.getMessage());
            }
        }
        String retention = config.remove("retention.ms");
        String expectedRetention = spec.retentionMs() == null ? null : String.valueOf(spec.retentionMs());
        if (!Objects.equals(retention, expectedRetention)) {
            problems.add(res + ": retention.ms " + retention + ", the contract says "
                    + (expectedRetention == null ? "none (compacted topics keep the latest record per key)" : expectedRetention));
        }
        for (Map.Entry<String, String> extra : spec.extraConfigs().entrySet()) {
            String actual = config.remove(extra.getKey());
            if (!extra.getValue().equals(actual)) {
                problems.add(res + ": " + extra.getKey() + " " + actual + ", the contract says " + extra.getValue());
            }
        }
        Integer replicas = t.getSpec().getReplicas();
        if (replicas == null || replicas < 1) {
            problems.add(res + ": replicas must be set (1 for a single broker, 3 in production)");
        }
        String minIsr = config.remove("min.insync.replicas");
        if (minIsr != null && replicas != null && Integer.parseInt(minIsr) > replicas) {
            problems.add(res + ": min.insync.replicas " + minIsr + " is more than its " + replicas + " replicas; no write would succeed");
        }
        config.keySet().removeAll(CLUSTER_CONFIGS);
        if (!config.isEmpty()) {
            problems.add(res + ": configs " + new TreeSet<>(config.keySet()) + " are not in the contract; add them to its TopicSpec.extraConfigs");
        }
        return problems;
    }

    /** {@code spec.topicName}, or the resource name when it has none (Strimzi's rule). */
    static String topicName(KafkaTopic t) {
        String n = t.getSpec() == null ? null : t.getSpec().getTopicName();
        return n == null ? t.getMetadata().getName() : n;
    }
}
