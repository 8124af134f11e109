package io.switchboard.registry.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.switchboard.events.poll.QueueStat;
import io.switchboard.registry.QueueStats;
import io.switchboard.registry.server.EmbeddedSchemaRegistry;
import io.switchboard.registry.server.EmbeddedSchemaRegistryOptions;
import io.switchboard.testkit.KafkaBroker;
import io.switchboard.testkit.WithKafka;

/**
 * Poison records go to Kafka Streams' own dead-letter queue (KIP-1034, written in the exactly-once transaction) with
 * their original bytes, headers and the reason; the good ones flow on.
 */
@WithKafka
class DeadLetterStreamsIT {

    KafkaBroker broker;

    @Test
    void poisonRecordsAreDeadLetteredAndProcessingContinues(@TempDir Path stateDir) {
        broker.createTopic("dlq.in", 1, Map.of());
        broker.createTopic("dlq.out", 1, Map.of());
        broker.createTopic("dlq.dead", 1, Map.of());
        try (EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start(
                EmbeddedSchemaRegistryOptions.defaults(broker.bootstrapServers()).withTopic("_schemas-dlq"))) {
            Map<String, Object> serdeConfig = Map.of("schema.registry.url", registry.url());
            byte[] good1 = AvroSerdes.specific(QueueStat.class, serdeConfig, false).serializer().serialize("dlq.in", QueueStats.sample(1));
            byte[] good2 = AvroSerdes.specific(QueueStat.class, serdeConfig, false).serializer().serialize("dlq.in", QueueStats.sample(2));
            byte[] wrongMagic = "{\"not\":\"avro\"}".getBytes(StandardCharsets.UTF_8);
            byte[] truncated = java.util.Arrays.copyOf(good1, 12);
            byte[] unknownId = HexFormat.of().parseHex("000000fff0" + "00");

            StreamsBuilder builder = new StreamsBuilder();
            builder.stream("dlq.in", Consumed.with(Serdes.String(), AvroSerdes.specific(QueueStat.class, serdeConfig, false)))
                    .mapValues(QueueStat::getJobId)
                    .to("dlq.out", Produced.with(Serdes.String(), Serdes.String()));
            Properties props = broker.clientProperties();
            props.put(StreamsConfig.APPLICATION_ID_CONFIG, "dlq-it");
            props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
            props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, "100");
            props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
            props.putAll(DeadLetterDeserializationExceptionHandler.streamsProperties("dlq.dead"));

            try (KafkaStreams streams = new KafkaStreams(builder.build(), props)) {
                streams.start();
                Properties p = broker.clientProperties();
                p.put(ProducerConfig.ACKS_CONFIG, "all");
                try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
                    ProducerRecord<byte[], byte[]> poison = new ProducerRecord<>("dlq.in", "k2".getBytes(), wrongMagic);
                    poison.headers().add("trace-id", "abc".getBytes());
                    producer.send(new ProducerRecord<>("dlq.in", "k1".getBytes(), good1));
                    producer.send(poison);
                    producer.send(new ProducerRecord<>("dlq.in", "k3".getBytes(), truncated));
                    producer.send(new ProducerRecord<>("dlq.in", "k4".getBytes(), unknownId));
                    producer.send(new ProducerRecord<>("dlq.in", "k5".getBytes(), good2));
                    producer.flush();
                }

                List<ConsumerRecord<byte[], byte[]>> out = read("dlq.out", 2);
                assertThat(out).extracting(r -> new String(r.value(), StandardCharsets.UTF_8)).containsExactly("job-1", "job-2");

                List<ConsumerRecord<byte[], byte[]>> dead = read("dlq.dead", 3);
                assertThat(dead).extracting(r -> new String(r.key(), StandardCharsets.UTF_8)).containsExactly("k2", "k3", "k4");
                assertThat(dead.get(0).value()).isEqualTo(wrongMagic);
                assertThat(dead.get(1).value()).isEqualTo(truncated);
                assertThat(dead.get(2).value()).isEqualTo(unknownId);
                assertThat(header(dead.get(0), "trace-id")).isEqualTo("abc");
                assertThat(header(dead.get(0), DeadLetterDeserializationExceptionHandler.HEADER_MESSAGE)).contains("magic byte 0x7b");
                assertThat(header(dead.get(0), DeadLetterDeserializationExceptionHandler.HEADER_EXCEPTION))
                        .isEqualTo("io.switchboard.registry.InvalidPayloadException");
                assertThat(header(dead.get(1), DeadLetterDeserializationExceptionHandler.HEADER_MESSAGE)).contains("does not decode");
                assertThat(header(dead.get(2), DeadLetterDeserializationExceptionHandler.HEADER_MESSAGE)).contains("40403");
                assertThat(header(dead.get(2), DeadLetterDeserializationExceptionHandler.HEADER_EXCEPTION))
                        .isEqualTo("io.switchboard.registry.SchemaNotFoundException");
                assertThat(header(dead.get(1), DeadLetterDeserializationExceptionHandler.HEADER_TOPIC)).isEqualTo("dlq.in");
                assertThat(header(dead.get(1), DeadLetterDeserializationExceptionHandler.HEADER_OFFSET)).isEqualTo("2");
                assertThat(header(dead.get(1), DeadLetterDeserializationExceptionHandler.HEADER_TASK)).isEqualTo("0_0");
                assertThat(header(dead.get(0), DeadLetterDeserializationExceptionHandler.HEADER_STACKTRACE)).contains("at io.switchboard");
                assertThat(streams.state()).isEqualTo(KafkaStreams.State.RUNNING);
            }
        }
    }

    private static String header(ConsumerRecord<byte[], byte[]> r, String key) {
        return r.headers().lastHeader(key) == null ? null : new String(r.headers().lastHeader(key).value(), StandardCharsets.UTF_8);
    }

    private List<ConsumerRecord<byte[], byte[]>> read(String topic, int expected) {
        Properties c = broker.clientProperties();
        c.put(ConsumerConfig.GROUP_ID_CONFIG, "reader-" + topic);
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(out::add);
                assertThat(out).as("records on " + topic).hasSize(expected);
            });
        }
        return out;
    }
}
