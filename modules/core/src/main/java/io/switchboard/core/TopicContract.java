package io.switchboard.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

import io.switchboard.core.TopicSpec.CleanupPolicy;

/**
 * The topic contract of ARCHITECTURE.md as data: every topic Switchboard reads or writes, with its
 * cleanup policy, default partitions and retention. One list for everything that creates or checks
 * topics: {@code switchboard topics create} / {@code topics describe}, the roles that create missing
 * topics, and the deployment manifests ({@code deploy/k8s} KafkaTopic resources and the compose file,
 * checked against this list in {@code modules/deploy-check}). Immutable and thread-safe.
 *
 * <pre>
 * for (TopicSpec t : TopicContract.of(new Topics("acme")).topics()) {
 *     admin.createTopics(List.of(new NewTopic(t.name(), Optional.of(t.partitions()), Optional.empty()).configs(t.configs())));
 * }
 * </pre>
 *
 * @param prefix the topic prefix the names were made with
 * @param topics every topic, in the order of the pipeline (tokens, polls, dashboards, errors); names are unique
 */
public record TopicContract(String prefix, List<TopicSpec> topics) {

    /** Partitions of the compacted token and token-status topics (few keys, read whole by every reader). */
    public static final int TOKEN_PARTITIONS = 3;
    /**
     * Partitions of {@code token-requests}: the credentials of one partition have one owner, so this caps
     * the token managers that share the logins.
     */
    public static final int TOKEN_REQUEST_PARTITIONS = 12;
    /**
     * Partitions of {@code poll-jobs} (and of {@code poll-progress}): all jobs of a credential sit in one
     * partition, so this caps the pollers that share the work.
     */
    public static final int POLL_JOB_PARTITIONS = 12;
    /** Partitions of {@code queue-stats} and of every aggregator output; caps aggregator instances. */
    public static final int STATS_PARTITIONS = 12;
    /** Partitions of the low-volume error and dead-letter topics. */
    public static final int ERROR_PARTITIONS = 3;

    public TopicContract {
        Objects.requireNonNull(prefix, "prefix");
        topics = List.copyOf(topics);
        Set<String> names = new HashSet<>();
        for (TopicSpec t : topics) {
            if (!names.add(t.name())) {
                throw new IllegalArgumentException("topic " + t.name() + " is listed twice in the contract");
            }
        }
    }

    /** The contract under the default prefix {@code switchboard}. */
    public static TopicContract defaults() {
        return of(Topics.defaults());
    }

    /** The contract with the names of {@code names}. */
    public static TopicContract of(Topics names) {
        Duration hour = Duration.ofHours(1);
        Duration day = Duration.ofDays(1);
        List<TopicSpec> t = new ArrayList<>();
        t.add(new TopicSpec(names.tokens(), CleanupPolicy.COMPACT, TOKEN_PARTITIONS, null,
                Map.of("min.compaction.lag.ms", "0"),
                "Current encrypted token per credential (TokenRecord); a tombstone = revoked or removed."));
        t.add(new TopicSpec(names.tokenRequests(), CleanupPolicy.DELETE, TOKEN_REQUEST_PARTITIONS, hour, Map.of(),
                "Refresh requests (TokenRefreshRequest) keyed by credential id; the partition decides the owning token manager."));
        t.add(new TopicSpec(names.tokenStatus(), CleanupPolicy.COMPACT, TOKEN_PARTITIONS, null, Map.of(),
                "Login state per credential (TokenStatus): last error sentence, next attempt; no secrets."));
        t.add(new TopicSpec(names.pollJobs(), CleanupPolicy.COMPACT, POLL_JOB_PARTITIONS, null, Map.of(),
                "Poll jobs per job id (PollJob), partitioned by credential; pollers share them through their consumer group."));
        t.add(new TopicSpec(names.pollProgress(), CleanupPolicy.COMPACT, POLL_JOB_PARTITIONS, null, Map.of(),
                "Progress per job (last poll sequence, last closed interval), written in the poll's transaction."));
        t.add(new TopicSpec(names.queueStats(), CleanupPolicy.DELETE, STATS_PARTITIONS, Duration.ofDays(7), Map.of(),
                "Queue statistics (QueueStat) keyed credentialId/queueId, written by the pollers."));
        t.add(new TopicSpec(names.pollErrors(), CleanupPolicy.DELETE, ERROR_PARTITIONS, Duration.ofDays(7), Map.of(),
                "Poll errors (PollError) keyed credentialId/jobId."));
        t.add(new TopicSpec(names.queueSnapshots(), CleanupPolicy.COMPACT, STATS_PARTITIONS, null, Map.of(),
                "Latest snapshot per queue (QueueSnapshot), written by the aggregator."));
        t.add(new TopicSpec(names.queueWindowStats("1m"), CleanupPolicy.COMPACT_DELETE, STATS_PARTITIONS, day, Map.of(),
                "1-minute window statistics per queue (QueueWindowStats); a revised window replaces its record."));
        t.add(new TopicSpec(names.queueWindowStats("15m"), CleanupPolicy.COMPACT_DELETE, STATS_PARTITIONS, Duration.ofDays(7), Map.of(),
                "15-minute window statistics per queue (QueueWindowStats)."));
        t.add(new TopicSpec(names.queueWindowStats("1h"), CleanupPolicy.COMPACT_DELETE, STATS_PARTITIONS, Duration.ofDays(30), Map.of(),
                "1-hour window statistics per queue (QueueWindowStats)."));
        t.add(new TopicSpec(names.tenantSummary(), CleanupPolicy.COMPACT, STATS_PARTITIONS, null, Map.of(),
                "Summary per credential / tenant (TenantSummary)."));
        t.add(new TopicSpec(names.alerts(), CleanupPolicy.DELETE, STATS_PARTITIONS, Duration.ofDays(30), Map.of(),
                "SLA alerts raised and resolved (QueueAlert) keyed credentialId/queueId."));
        t.add(new TopicSpec(names.deadLetters(), CleanupPolicy.DELETE, ERROR_PARTITIONS, Duration.ofDays(14), Map.of(),
                "Records the aggregator could not read, with Kafka Streams' error headers (its dead-letter queue)."));
        return new TopicContract(names.prefix(), t);
    }

    /** The topic called {@code name}, if the contract has it. */
    public Optional<TopicSpec> find(String name) {
        return topics.stream().filter(t -> t.name().equals(name)).findFirst();
    }

    /** The topic called {@code name}; throws {@link IllegalArgumentException} naming the known topics when there is none. */
    public TopicSpec get(String name) {
        return find(name).orElseThrow(() -> new IllegalArgumentException(
                "topic " + name + " is not in the topic contract; known topics: " + names()));
    }

    /** Every topic name, in contract order. */
    public List<String> names() {
        return topics.stream().map(TopicSpec::name).toList();
    }
}
