package io.switchboard.registry.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.switchboard.events.poll.QueueStat;
import io.switchboard.registry.QueueStats;
import io.switchboard.registry.SchemaRegistryClient;
import io.switchboard.registry.SchemaRegistryConfig;
import io.switchboard.registry.server.EmbeddedSchemaRegistry;
import io.switchboard.registry.server.EmbeddedSchemaRegistryOptions;
import io.switchboard.testkit.KafkaBroker;
import io.switchboard.testkit.WithKafka;

/** QueueStats travel producer → real broker → consumer through the serdes and the embedded registry. */
@WithKafka
class AvroSerdeRoundTripIT {

    static KafkaBroker broker;
    static EmbeddedSchemaRegistry registry;

    @BeforeAll
    static void startRegistry() {
        registry = EmbeddedSchemaRegistry.start(EmbeddedSchemaRegistryOptions.defaults(broker.bootstrapServers()).withTopic("_schemas-roundtrip"));
    }

    @AfterAll
    static void stopRegistry() {
        registry.close();
    }

    @Test
    void specificRecordsRoundTripThroughABrokerAndReadGenericallyToo() {
        String topic = "roundtrip.queue-stats";
        broker.createTopic(topic, 2, Map.of());
        Map<String, Object> serdeConfig = Map.of("schema.registry.url", registry.url());
        Serde<QueueStat> serde = AvroSerdes.specific(QueueStat.class, serdeConfig, false);

        List<QueueStat> sent = new ArrayList<>();
        Properties p = broker.clientProperties();
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<String, QueueStat> producer = new KafkaProducer<>(p, new StringSerializer(), serde.serializer())) {
            for (int i = 0; i < 20; i++) {
                QueueStat stat = QueueStats.sample(i);
                sent.add(stat);
                producer.send(new ProducerRecord<>(topic, stat.getQueueId(), stat));
            }
            producer.send(new ProducerRecord<>(topic, "tombstone", null));
            producer.flush();
        }

        List<byte[]> raw = consume(topic, "roundtrip-raw", new ByteArrayDeserializer(), 21);
        SchemaRegistryClient client = new SchemaRegistryClient(SchemaRegistryConfig.of(registry.url()));
        int id = client.getLatestVersion(topic + "-value").id();
        assertThat(raw).filteredOn(b -> b != null).hasSize(20).allSatisfy(bytes -> {
            assertThat(bytes[0]).as("magic byte").isEqualTo((byte) 0);
            assertThat(((bytes[1] & 0xff) << 24) | ((bytes[2] & 0xff) << 16) | ((bytes[3] & 0xff) << 8) | (bytes[4] & 0xff))
                    .as("schema id").isEqualTo(id);
        });
        assertThat(client.getSchemaById(id)).isEqualTo(QueueStat.getClassSchema());

        List<QueueStat> received = consume(topic, "roundtrip-specific", serde.deserializer(), 21);
        assertThat(received).filteredOn(r -> r != null).containsExactlyInAnyOrderElementsOf(sent);

        Serde<GenericRecord> generic = AvroSerdes.generic(serdeConfig, false);
        List<GenericRecord> genericRecords = consume(topic, "roundtrip-generic", generic.deserializer(), 21);
        assertThat(genericRecords).filteredOn(r -> r != null).hasSize(20)
                .allSatisfy(r -> assertThat(r.get("credentialId").toString()).isEqualTo("genesys-eu"))
                .anySatisfy(r -> assertThat(r.get("jobId").toString()).isEqualTo("job-7"));
    }

    private <V> List<V> consume(String topic, String group, org.apache.kafka.common.serialization.Deserializer<V> deserializer, int expected) {
        Properties c = broker.clientProperties();
        c.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<V> out = new ArrayList<>();
        try (KafkaConsumer<String, V> consumer = new KafkaConsumer<>(c, new StringDeserializer(), deserializer)) {
            consumer.subscribe(List.of(topic));
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> out.add(r.value()));
                assertThat(out).hasSize(expected);
            });
        }
        return out;
    }
}
