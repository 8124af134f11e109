package io.switchboard.token;

import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

import io.switchboard.core.Topics;
import io.switchboard.testkit.KafkaBroker;

/** Reads the token-status topic in tests. */
final class TokenTopicsForTests {

    private TokenTopicsForTests() {
    }

    /** Every status event on the topic, waiting until at least {@code atLeast} are there. */
    static List<TokenStatus> statuses(KafkaBroker broker, Topics topics, int atLeast) {
        Properties props = broker.clientProperties();
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<TokenStatus> out = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> parts = consumer.partitionsFor(topics.tokenStatus()).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    out.add(TokenStatus.fromJson(new String(r.value(), StandardCharsets.UTF_8)));
                }
                return out.size() >= atLeast;
            });
        }
        return out;
    }
}
