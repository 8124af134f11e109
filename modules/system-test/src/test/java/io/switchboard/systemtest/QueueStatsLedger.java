package io.switchboard.systemtest;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

import com.fasterxml.jackson.databind.JsonNode;

import io.switchboard.events.poll.QueueStat;
import io.switchboard.registry.serde.AvroSerdes;

/**
 * What {@code switchboard.queue-stats} holds, read {@code read_committed} from the beginning up to the last stable
 * offset, reconciled against what the simulator served: every live answer of the simulator gives each queue in it the
 * queue's next {@code simSequence} (shared by every vendor), which the pollers keep in {@code extraMetrics}. So for
 * every queue, the sequences committed across all credentials must be exactly 1..n, n being the simulator's counter
 * ({@code /_admin/state} {@code queueSequences}), each once per (credential, queue, media type).
 */
final class QueueStatsLedger {

    /** An observation's identity: which answer of the simulator (queue counter) for which credential and media type. */
    record Observation(String credentialId, String queueId, String mediaType, long simSequence) {
    }

    /** A simulator queue: its id (Genesys, Cognos, Auth0), skill id (CXone), and how many answers included it. */
    record ServedQueue(String id, String name, String skillId, long served) {
    }

    private final List<QueueStat> records;

    private QueueStatsLedger(List<QueueStat> records) {
        this.records = records;
    }

    /** Reads every committed record of {@code <prefix>.queue-stats}. */
    static QueueStatsLedger read(String bootstrapServers, String registryUrl) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
        List<QueueStat> records = new ArrayList<>();
        var values = AvroSerdes.specific(QueueStat.class, Map.of("schema.registry.url", registryUrl), false).deserializer();
        try (KafkaConsumer<String, QueueStat> consumer = new KafkaConsumer<>(p, new StringDeserializer(), values)) {
            List<TopicPartition> partitions = consumer.partitionsFor("switchboard.queue-stats", Duration.ofSeconds(30)).stream()
                    .map(i -> new TopicPartition(i.topic(), i.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, Duration.ofSeconds(30)); // read_committed: the LSO
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("queue-stats not read to its end offsets " + end + " within 60 s");
                }
                for (ConsumerRecord<String, QueueStat> r : consumer.poll(Duration.ofMillis(500))) {
                    records.add(r.value());
                }
            }
        }
        return new QueueStatsLedger(records);
    }

    /** The simulator's queues and their counters now. */
    static List<ServedQueue> served(String simulatorUrl) {
        List<ServedQueue> queues = new ArrayList<>();
        for (JsonNode q : Http.json(simulatorUrl + "/_admin/state").path("queueSequences")) {
            queues.add(new ServedQueue(q.path("id").asText(), q.path("name").asText(), q.path("skillId").asText(),
                    q.path("sequence").asLong()));
        }
        if (queues.isEmpty()) {
            throw new AssertionError("the simulator's /_admin/state lists no queueSequences");
        }
        return queues;
    }

    int size() {
        return records.size();
    }

    List<QueueStat> records() {
        return records;
    }

    private static Observation observation(QueueStat s) {
        Double seq = s.getExtraMetrics().get("simSequence");
        return new Observation(s.getCredentialId(), s.getQueueId(), s.getMediaType(), seq == null ? -1 : seq.longValue());
    }

    /** Observations committed more than once, with their counts (empty when every one is there exactly once). */
    Map<Observation, Integer> duplicates() {
        Map<Observation, Integer> counts = new HashMap<>();
        records.forEach(r -> counts.merge(observation(r), 1, Integer::sum));
        return counts.entrySet().stream().filter(e -> e.getValue() > 1)
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue, (a, b) -> a, java.util.LinkedHashMap::new));
    }

    /** Records whose vendor answer carried no {@code simSequence} (the reconciliation cannot place them). */
    List<QueueStat> withoutSequence() {
        return records.stream().filter(r -> observation(r).simSequence() < 0).toList();
    }

    /**
     * For each simulator queue, the sequences in 1..{@code upTo} (its counter when the caller read it) that no committed
     * record carries: answers the simulator served whose observations are not (yet) in queue-stats.
     */
    Map<String, Set<Long>> missing(List<ServedQueue> upTo) {
        Map<String, Set<Long>> seen = new HashMap<>();
        for (QueueStat r : records) {
            long seq = observation(r).simSequence();
            for (ServedQueue q : upTo) {
                if (q.id().equals(r.getQueueId()) || q.skillId().equals(r.getQueueId())) {
                    seen.computeIfAbsent(q.id(), k -> new java.util.HashSet<>()).add(seq);
                }
            }
        }
        Map<String, Set<Long>> missing = new TreeMap<>();
        for (ServedQueue q : upTo) {
            Set<Long> gaps = new TreeSet<>();
            Set<Long> s = seen.getOrDefault(q.id(), Set.of());
            for (long i = 1; i <= q.served(); i++) {
                if (!s.contains(i)) {
                    gaps.add(i);
                }
            }
            if (!gaps.isEmpty()) {
                missing.put(key(q), gaps);
            }
        }
        return missing;
    }

    /** The highest sequence committed per simulator queue, keyed like {@link #missing}. */
    Map<String, Long> newestSequence(List<ServedQueue> queues) {
        Map<String, Long> newest = new TreeMap<>();
        for (QueueStat r : records) {
            long seq = observation(r).simSequence();
            for (ServedQueue q : queues) {
                if (q.id().equals(r.getQueueId()) || q.skillId().equals(r.getQueueId())) {
                    newest.merge(key(q), seq, Math::max);
                }
            }
        }
        return newest;
    }

    static String key(ServedQueue q) {
        return q.name() + " (" + q.id() + ")";
    }

    /** Committed records per credentialId/queueId with no media type (what one queue's windows fold as samples). */
    Map<String, Long> allMediaRecordsPerQueue(String credentialId) {
        return records.stream().filter(r -> r.getCredentialId().equals(credentialId) && r.getMediaType() == null)
                .collect(Collectors.groupingBy(r -> r.getCredentialId() + "/" + r.getQueueId(), TreeMap::new, Collectors.counting()));
    }

    /** The newest committed poll sequence per credentialId/queueId. */
    Map<String, Long> lastPollSequence(String credentialId) {
        return records.stream().filter(r -> r.getCredentialId().equals(credentialId))
                .collect(Collectors.toMap(r -> r.getCredentialId() + "/" + r.getQueueId(), QueueStat::getPollSequence, Math::max, TreeMap::new));
    }
}
