package io.switchboard.core;

import java.util.Objects;

/**
 * Names of the topics in the topic contract (ARCHITECTURE.md), under a configurable prefix.
 * Immutable.
 *
 * @param prefix prefix of every name, {@code switchboard} by default
 */
public record Topics(String prefix) {

    /** The default prefix. */
    public static final String DEFAULT_PREFIX = "switchboard";

    public Topics {
        Objects.requireNonNull(prefix, "prefix");
        if (!prefix.matches("[a-zA-Z0-9._-]+")) {
            throw new IllegalArgumentException("topic prefix '" + prefix + "' may only contain letters, digits, '.', '_' and '-'");
        }
    }

    /** Topics with the default prefix. */
    public static Topics defaults() {
        return new Topics(DEFAULT_PREFIX);
    }

    /** Compacted: current encrypted token per credential. */
    public String tokens() {
        return prefix + ".tokens";
    }

    /** Refresh requests; key = credential id, so the partition decides the owner. */
    public String tokenRequests() {
        return prefix + ".token-requests";
    }

    /** Compacted: poll jobs per job id. */
    public String pollJobs() {
        return prefix + ".poll-jobs";
    }

    /** Compacted: progress per job id (last poll sequence, last closed interval), written in the poll's transaction. */
    public String pollProgress() {
        return prefix + ".poll-progress";
    }

    /** Queue statistics emitted by pollers. */
    public String queueStats() {
        return prefix + ".queue-stats";
    }

    /** Poll errors. */
    public String pollErrors() {
        return prefix + ".poll-errors";
    }

    /** Token-manager status events (login failures, parked credentials). */
    public String tokenStatus() {
        return prefix + ".token-status";
    }

    /** Compacted: latest snapshot per queue. */
    public String queueSnapshots() {
        return prefix + ".dashboard.queue-snapshots";
    }

    /** Windowed queue statistics; {@code size} is 1m, 15m or 1h. */
    public String queueWindowStats(String size) {
        return prefix + ".dashboard.queue-stats-" + size;
    }

    /** Compacted: summary per credential / tenant. */
    public String tenantSummary() {
        return prefix + ".dashboard.tenant-summary";
    }

    /** SLA alerts. */
    public String alerts() {
        return prefix + ".alerts";
    }

    /** Records the aggregator could not read (poison records), with error headers: Kafka Streams' own dead-letter queue. */
    public String deadLetters() {
        return prefix + ".dead-letters";
    }
}
