package io.switchboard.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Life cycle of the plain Java API used by benchmarks and the demo. */
class EmbeddedKafkaBrokerIT {

    @Test
    void closeStopsTheBrokerAndDeletesItsData() {
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(Map.of("num.partitions", "3"));
        Path data = broker.dataDir();
        broker.createTopic("life.cycle", 1, Map.of());
        assertThat(Files.exists(data)).isTrue();
        broker.close();
        broker.close(); // idempotent
        assertThat(Files.exists(data)).isFalse();
    }

    @Test
    void aStoppedBrokerRestartsOnTheSameAddressWithItsDataAndClientsReconnect() throws Exception {
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
            String address = broker.bootstrapServers();
            broker.createTopic("outage", 1, Map.of());
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(broker.clientProperties(), new StringSerializer(),
                    new StringSerializer())) {
                producer.send(new ProducerRecord<>("outage", "k", "before")).get(30, TimeUnit.SECONDS);
                broker.stop();
                broker.stop(); // idempotent
                try (Admin admin = broker.admin()) {
                    assertThatThrownBy(() -> admin.listTopics().names().get(3, TimeUnit.SECONDS))
                            .isInstanceOf(java.util.concurrent.TimeoutException.class);
                }
                broker.restart();
                producer.send(new ProducerRecord<>("outage", "k", "after")).get(60, TimeUnit.SECONDS); // the same client reconnects
            }
            assertThat(broker.bootstrapServers()).isEqualTo(address);
            var props = broker.clientProperties();
            props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
            try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer())) {
                TopicPartition tp = new TopicPartition("outage", 0);
                consumer.assign(List.of(tp));
                consumer.seekToBeginning(Set.of(tp));
                java.util.List<String> values = new java.util.ArrayList<>();
                org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> {
                    consumer.poll(Duration.ofMillis(200)).forEach(r -> values.add(r.value()));
                    return values.size() >= 2;
                });
                assertThat(values).containsExactly("before", "after");
            }
        }
    }

    @Test
    void unknownBrokerKindIsExplained() {
        String before = System.getProperty(KafkaBroker.KIND_PROPERTY);
        System.setProperty(KafkaBroker.KIND_PROPERTY, "zookeeper");
        try {
            assertThatThrownBy(KafkaBroker::start)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("'embedded'").hasMessageContaining("'testcontainers'");
        } finally {
            if (before == null) {
                System.clearProperty(KafkaBroker.KIND_PROPERTY);
            } else {
                System.setProperty(KafkaBroker.KIND_PROPERTY, before);
            }
        }
    }

    @Test
    void aPersistentBrokerKeepsItsTopicsAndRecordsAcrossRestarts(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("kafka");
        try (EmbeddedKafkaBroker first = EmbeddedKafkaBroker.startPersistent(data, Map.of())) {
            first.createTopic("kept", 1, Map.of());
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(first.clientProperties(),
                    new StringSerializer(), new StringSerializer())) {
                producer.send(new ProducerRecord<>("kept", "k", "survives a restart")).get(30, TimeUnit.SECONDS);
            }
        }
        assertThat(Files.exists(data.resolve("metadata").resolve("meta.properties"))).isTrue();
        try (EmbeddedKafkaBroker second = EmbeddedKafkaBroker.startPersistent(data, Map.of());
             Admin admin = second.admin()) {
            assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS)).contains("kept");
            var props = second.clientProperties();
            props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
            try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer())) {
                TopicPartition tp = new TopicPartition("kept", 0);
                consumer.assign(List.of(tp));
                consumer.seekToBeginning(Set.of(tp));
                java.util.List<String> values = new java.util.ArrayList<>();
                org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> {
                    ConsumerRecords<String, String> records = consumer.poll(Duration.ofMillis(200));
                    records.forEach(r -> values.add(r.value()));
                    return !values.isEmpty();
                });
                assertThat(values).containsExactly("survives a restart");
            }
        }
        assertThat(Files.exists(data)).isTrue();
    }
}
