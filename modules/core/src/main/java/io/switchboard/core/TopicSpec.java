package io.switchboard.core;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * One topic of the {@link TopicContract}: its full name, cleanup policy, default partition count and
 * retention. Immutable. The replication factor and {@code min.insync.replicas} are not part of the
 * contract: they belong to the cluster the topics are created on.
 *
 * @param name          full topic name, prefix included ({@code switchboard.tokens})
 * @param cleanupPolicy how Kafka removes old records
 * @param partitions    partitions the topic is created with; for {@code poll-jobs} and
 *                      {@code token-requests} this bounds how many pollers / token managers share the work
 * @param retention     {@code retention.ms} for {@link CleanupPolicy#DELETE} and
 *                      {@link CleanupPolicy#COMPACT_DELETE} topics; {@code null} for compacted topics,
 *                      which keep the latest record per key for ever
 * @param extraConfigs  further topic configs (e.g. {@code min.compaction.lag.ms}); never null
 * @param purpose       one sentence on what the topic holds, for {@code topics describe} and docs
 */
public record TopicSpec(String name, CleanupPolicy cleanupPolicy, int partitions, Duration retention,
        Map<String, String> extraConfigs, String purpose) {

    /** Kafka's {@code cleanup.policy} of a topic. */
    public enum CleanupPolicy {
        /** Records older than the retention are deleted. */
        DELETE("delete"),
        /** The latest record per key is kept; a tombstone removes the key. */
        COMPACT("compact"),
        /** Compacted, and also deleted after the retention (windowed tables whose keys never repeat). */
        COMPACT_DELETE("compact,delete");

        private final String configValue;

        CleanupPolicy(String configValue) {
            this.configValue = configValue;
        }

        /** The value of Kafka's {@code cleanup.policy} topic config, e.g. {@code compact,delete}. */
        public String configValue() {
            return configValue;
        }

        /** Parses a {@code cleanup.policy} value ({@code "delete"}, {@code "compact"}, {@code "compact,delete"} in any order). */
        public static CleanupPolicy fromConfigValue(String value) {
            String v = value.toLowerCase(Locale.ROOT).replace(" ", "");
            return switch (v) {
                case "delete" -> DELETE;
                case "compact" -> COMPACT;
                case "compact,delete", "delete,compact" -> COMPACT_DELETE;
                default -> throw new IllegalArgumentException("cleanup.policy '" + value
                        + "' is not one of delete, compact, compact,delete");
            };
        }
    }

    public TopicSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(cleanupPolicy, "cleanupPolicy");
        Objects.requireNonNull(purpose, "purpose");
        if (partitions < 1) {
            throw new IllegalArgumentException("topic " + name + ": partitions must be at least 1, not " + partitions);
        }
        if (cleanupPolicy == CleanupPolicy.COMPACT && retention != null) {
            throw new IllegalArgumentException("topic " + name + ": a compacted topic has no retention");
        }
        if (cleanupPolicy != CleanupPolicy.COMPACT && (retention == null || retention.isNegative() || retention.isZero())) {
            throw new IllegalArgumentException("topic " + name + ": a " + cleanupPolicy.configValue() + " topic needs a positive retention");
        }
        extraConfigs = Map.copyOf(extraConfigs);
        if (extraConfigs.containsKey("cleanup.policy") || extraConfigs.containsKey("retention.ms")) {
            throw new IllegalArgumentException("topic " + name + ": cleanup.policy and retention.ms come from cleanupPolicy and retention");
        }
    }

    /** {@code retention.ms} as Kafka wants it, or {@code null} for a compacted topic. */
    public Long retentionMs() {
        return retention == null ? null : retention.toMillis();
    }

    /**
     * Every topic config this topic is created with: {@code cleanup.policy}, {@code retention.ms} when the
     * topic has a retention, then {@link #extraConfigs()}. Ordered, unmodifiable.
     */
    public Map<String, String> configs() {
        Map<String, String> configs = new LinkedHashMap<>();
        configs.put("cleanup.policy", cleanupPolicy.configValue());
        if (retention != null) {
            configs.put("retention.ms", String.valueOf(retention.toMillis()));
        }
        new TreeMap<>(extraConfigs).forEach(configs::put);
        return Collections.unmodifiableMap(configs);
    }
}
