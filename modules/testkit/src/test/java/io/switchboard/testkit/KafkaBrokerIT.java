package io.switchboard.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The test kit's broker is a real Kafka: topics with configs, consumer groups, exactly-once Streams. */
@WithKafka
class KafkaBrokerIT {

    KafkaBroker broker;

    @Test
    void brokerListensOnLoopbackOnly() {
        assertThat(broker.bootstrapServers()).matches("(127\\.0\\.0\\.1|localhost):\\d+");
    }

    @Test
    void compactedTopicKeepsItsConfig() throws Exception {
        broker.createTopic("kit.tokens", 3, Map.of("cleanup.policy", "compact", "min.compaction.lag.ms", "0"));
        try (Admin admin = broker.admin()) {
            ConfigResource topic = new ConfigResource(ConfigResource.Type.TOPIC, "kit.tokens");
            Config config = admin.describeConfigs(List.of(topic)).all().get(30, TimeUnit.SECONDS).get(topic);
            assertThat(config.get("cleanup.policy").value()).isEqualTo("compact");
            assertThat(config.get("min.compaction.lag.ms").value()).isEqualTo("0");
            assertThat(admin.describeTopics(List.of("kit.tokens")).allTopicNames().get(30, TimeUnit.SECONDS)
                    .get("kit.tokens").partitions()).hasSize(3);
        }
    }

    @Test
    void producedRecordsReachAConsumerGroup() {
        broker.createTopic("kit.stats", 2, Map.of());
        try (KafkaProducer<String, String> producer = producer()) {
            for (int i = 0; i < 100; i++) {
                producer.send(new ProducerRecord<>("kit.stats", "q-" + (i % 7), "v" + i));
            }
            producer.flush();
        }
        List<String> seen = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = consumer("kit-group")) {
            consumer.subscribe(List.of("kit.stats"));
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    seen.add(r.value());
                }
                assertThat(seen).hasSize(100);
            });
            consumer.commitSync();
        }
        assertThat(seen).doesNotHaveDuplicates();
        try (Admin admin = broker.admin()) {
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(
                    admin.listConsumerGroupOffsets("kit-group").partitionsToOffsetAndMetadata().get()
                            .values().stream().mapToLong(o -> o.offset()).sum()).isEqualTo(100));
        }
    }

    @Test
    void exactlyOnceStreamsTopologyRuns(@TempDir java.nio.file.Path stateDir) {
        broker.createTopic("kit.in", 2, Map.of());
        broker.createTopic("kit.out", 2, Map.of());
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream("kit.in", Consumed.with(Serdes.String(), Serdes.String()))
                .mapValues(v -> v.toUpperCase())
                .to("kit.out", Produced.with(Serdes.String(), Serdes.String()));
        Properties props = broker.clientProperties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "kit-eos");
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, "100");
        try (KafkaStreams streams = new KafkaStreams(builder.build(), props);
             KafkaProducer<String, String> producer = producer();
             KafkaConsumer<String, String> consumer = consumer("kit-eos-reader")) {
            streams.start();
            for (int i = 0; i < 20; i++) {
                producer.send(new ProducerRecord<>("kit.in", "k" + i, "value-" + i));
            }
            producer.flush();
            consumer.subscribe(List.of("kit.out"));
            List<String> out = new ArrayList<>();
            await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> out.add(r.value()));
                assertThat(out).hasSize(20);
            });
            assertThat(out).allMatch(v -> v.startsWith("VALUE-"));
        }
    }

    private KafkaProducer<String, String> producer() {
        Properties props = broker.clientProperties();
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        return new KafkaProducer<>(props, new StringSerializer(), new StringSerializer());
    }

    private KafkaConsumer<String, String> consumer(String group) {
        Properties props = broker.clientProperties();
        props.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        // read_committed: only records of committed transactions (the Streams output is transactional)
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        return new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer());
    }
}
