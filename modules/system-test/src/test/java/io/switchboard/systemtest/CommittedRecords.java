package io.switchboard.systemtest;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

import io.switchboard.registry.serde.AvroSerdes;

/**
 * Every committed record of one Avro topic, read {@code read_committed} from the beginning up to the last stable offset
 * of each partition (what a transactional reader sees: no record of an open or aborted transaction). Stateless.
 */
final class CommittedRecords {

    private CommittedRecords() {
    }

    static <T extends SpecificRecord> List<T> read(String bootstrapServers, String registryUrl, String topic, Class<T> type) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
        List<T> records = new ArrayList<>();
        var values = AvroSerdes.specific(type, Map.of("schema.registry.url", registryUrl), false).deserializer();
        try (KafkaConsumer<String, T> consumer = new KafkaConsumer<>(p, new StringDeserializer(), values)) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(i -> new TopicPartition(i.topic(), i.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, Duration.ofSeconds(30)); // read_committed: the LSO
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError(topic + " not read to its end offsets " + end + " within 60 s");
                }
                for (ConsumerRecord<String, T> r : consumer.poll(Duration.ofMillis(500))) {
                    records.add(r.value());
                }
            }
        }
        return records;
    }
}
