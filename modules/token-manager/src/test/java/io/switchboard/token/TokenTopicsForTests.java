package io.switchboard.token;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Predicate;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

import io.switchboard.core.Topics;
import io.switchboard.events.token.TokenStatus;
import io.switchboard.registry.SchemaRegistryConfig;
import io.switchboard.registry.serde.AvroSerdes;
import io.switchboard.testkit.KafkaBroker;

/** Reads the token topics in tests. */
final class TokenTopicsForTests {

    private TokenTopicsForTests() {
    }

    /** Every status event on the topic (Avro, Confluent wire format), waiting until at least {@code atLeast} are there. */
    static List<TokenStatus> statuses(KafkaBroker broker, String registryUrl, Topics topics, int atLeast) {
        return statuses(broker, registryUrl, topics, read -> read.size() >= atLeast);
    }

    /** Every status event on the topic, reading until what was read satisfies {@code until}. */
    static List<TokenStatus> statuses(KafkaBroker broker, String registryUrl, Topics topics, Predicate<List<TokenStatus>> until) {
        Deserializer<TokenStatus> deserializer = AvroSerdes.specific(TokenStatus.class,
                Map.of(SchemaRegistryConfig.URL, registryUrl), false).deserializer();
        List<TokenStatus> out = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = fromBeginning(broker, topics.tokenStatus())) {
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    out.add(deserializer.deserialize(r.topic(), r.value()));
                }
                return until.test(out);
            });
        }
        return out;
    }

    /** Keys of the tombstones on the tokens topic now, in the order read. */
    static List<String> tombstones(KafkaBroker broker, Topics topics) {
        List<String> out = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = fromBeginning(broker, topics.tokens())) {
            Map<TopicPartition, Long> end = consumer.endOffsets(consumer.assignment());
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (r.value() == null) {
                        out.add(r.key());
                    }
                }
                return end.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue());
            });
        }
        return out;
    }

    /** How many records the topic holds now (the sum of its partitions' end offsets). */
    static long recordCount(KafkaBroker broker, String topic) {
        try (KafkaConsumer<String, byte[]> consumer = fromBeginning(broker, topic)) {
            return consumer.endOffsets(consumer.assignment()).values().stream().mapToLong(Long::longValue).sum();
        }
    }

    /**
     * The values on the topic now, each byte as one ISO-8859-1 character (so that text in clear shows as a substring);
     * tombstones left out.
     */
    static List<String> rawValues(KafkaBroker broker, String topic) {
        List<String> out = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = fromBeginning(broker, topic)) {
            Map<TopicPartition, Long> end = consumer.endOffsets(consumer.assignment());
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (r.value() != null) {
                        out.add(new String(r.value(), java.nio.charset.StandardCharsets.ISO_8859_1));
                    }
                }
                return end.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue());
            });
        }
        return out;
    }

    private static KafkaConsumer<String, byte[]> fromBeginning(KafkaBroker broker, String topic) {
        Properties props = broker.clientProperties();
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> parts = consumer.partitionsFor(topic).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
        consumer.assign(parts);
        consumer.seekToBeginning(parts);
        return consumer;
    }
}
