package io.switchboard.registry.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
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

import io.switchboard.core.supervise.Backoff;
import io.switchboard.core.supervise.Supervisor;
import io.switchboard.events.poll.QueueStat;
import io.switchboard.registry.EvolvingSchemas;
import io.switchboard.registry.QueueStats;
import io.switchboard.registry.SchemaRegistryConfig;
import io.switchboard.registry.server.EmbeddedSchemaRegistry;
import io.switchboard.registry.server.EmbeddedSchemaRegistryOptions;
import io.switchboard.testkit.KafkaBroker;
import io.switchboard.testkit.WithKafka;

/**
 * The schema registry stops in the middle of an exactly-once Streams run, while records with a schema id the
 * application has not seen yet arrive, and comes back: every record is processed exactly once and none reaches the
 * dead-letter topic (the deserialization handler answers FAIL, the stream thread is replaced and resumes from its
 * last commit). A real poison record afterwards still goes to the dead-letter topic.
 */
@WithKafka
class StreamsRegistryOutageIT {

    private static final int BEFORE = 20;
    private static final int DURING = 20;

    KafkaBroker broker;

    @Test
    void aRegistryOutageRetriesTheTaskAndLosesOrDuplicatesNothing(@TempDir Path stateDir) throws Exception {
        broker.createTopic("outage.in", 2, Map.of());
        broker.createTopic("outage.out", 1, Map.of());
        broker.createTopic("outage.dead", 1, Map.of());
        EmbeddedSchemaRegistryOptions options = EmbeddedSchemaRegistryOptions.defaults(broker.bootstrapServers()).withTopic("_schemas-outage");
        EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start(options);
        int port = registry.port();
        // The writer's client and the application's client are separate (different settings), so the application
        // must fetch each writer schema from the registry itself.
        Map<String, Object> writerSerde = Map.of(SchemaRegistryConfig.URL, registry.url());
        Map<String, Object> appSerde = Map.of(SchemaRegistryConfig.URL, registry.url(), SchemaRegistryConfig.MAX_RETRIES, "1",
                SchemaRegistryConfig.RETRIES_WAIT_MS, "100", SchemaRegistryConfig.HTTP_CONNECT_TIMEOUT_MS, "2000");
        List<String> fatals = new CopyOnWriteArrayList<>();
        Supervisor supervisor = new Supervisor("aggregator-test", java.time.Clock.systemUTC(), new SplittableRandom(3),
                (component, reason, cause) -> fatals.add(reason));
        ReplaceThreadOnRetriableFailure onFailure = new ReplaceThreadOnRetriableFailure(
                new Backoff(Duration.ofMillis(500), Duration.ofSeconds(2)), supervisor.component("streams"));

        StreamsBuilder builder = new StreamsBuilder();
        builder.stream("outage.in", Consumed.with(Serdes.String(), AvroSerdes.specific(QueueStat.class, appSerde, false)))
                .mapValues(QueueStat::getJobId)
                .to("outage.out", Produced.with(Serdes.String(), Serdes.String()));
        Properties props = broker.clientProperties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "outage-it");
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, "100");
        // the dead thread stays in the group; a short session lets the replacement take its tasks over quickly
        props.put(StreamsConfig.consumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG), "6000");
        props.put(StreamsConfig.consumerPrefix(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG), "1000");
        props.putAll(DeadLetterDeserializationExceptionHandler.streamsProperties("outage.dead"));
        long retriableBefore = DeadLetterDeserializationExceptionHandler.retriableFailureCount();

        try (KafkaStreams streams = new KafkaStreams(builder.build(), props);
             KafkaProducer<byte[], byte[]> producer = producer()) {
            streams.setUncaughtExceptionHandler(onFailure);
            streams.setStateListener(onFailure.stateListener(null));
            streams.start();

            var specific = AvroSerdes.specific(QueueStat.class, writerSerde, false).serializer();
            for (int i = 0; i < BEFORE; i++) {
                send(producer, "k" + i, specific.serialize("outage.in", QueueStats.sample(i)));
            }
            await().atMost(Duration.ofSeconds(60)).until(() -> committed("outage.out").size() == BEFORE);

            // Records in a newer, compatible schema: registered now, while the registry is up, by the writer.
            var generic = AvroSerdes.generic(writerSerde, false).serializer();
            List<byte[]> newer = new ArrayList<>();
            for (int i = BEFORE; i < BEFORE + DURING; i++) {
                newer.add(generic.serialize("outage.in", asV3(QueueStats.sample(i))));
            }

            registry.close();
            for (int i = 0; i < DURING; i++) {
                send(producer, "k" + (BEFORE + i), newer.get(i));
            }
            // at least two replacements: the thread that takes over fails too while the registry is down
            await().atMost(Duration.ofSeconds(90)).until(() -> onFailure.replacements() >= 2
                    && DeadLetterDeserializationExceptionHandler.retriableFailureCount() > retriableBefore);
            assertThat(supervisor.readiness().reason()).contains("streams: RETRYING").contains("schema registry");
            assertThat(committed("outage.out")).hasSize(BEFORE);

            registry = EmbeddedSchemaRegistry.start(options.withPort(port));
            await().atMost(Duration.ofSeconds(90)).until(() -> committed("outage.out").size() >= BEFORE + DURING);

            Map<String, Long> perJob = committed("outage.out").stream()
                    .collect(Collectors.groupingBy(r -> new String(r.value(), StandardCharsets.UTF_8), Collectors.counting()));
            assertThat(perJob).hasSize(BEFORE + DURING);
            assertThat(perJob.values()).as("each record processed exactly once").containsOnly(1L);
            assertThat(committed("outage.dead")).as("no valid record in the dead-letter topic").isEmpty();
            assertThat(fatals).isEmpty();

            // The dead-letter queue still takes what is really poison, and the records behind it flow on.
            send(producer, "poison", "not avro".getBytes(StandardCharsets.UTF_8));
            send(producer, "k-last", specific.serialize("outage.in", QueueStats.sample(1000)));
            await().atMost(Duration.ofSeconds(60)).until(() -> committed("outage.dead").size() == 1
                    && committed("outage.out").size() == BEFORE + DURING + 1);
            assertThat(new String(committed("outage.dead").get(0).key(), StandardCharsets.UTF_8)).isEqualTo("poison");
            await().atMost(Duration.ofSeconds(30)).until(() -> supervisor.readiness().up());
        } finally {
            registry.close();
            supervisor.close();
        }
    }

    /** The sample in the compatible v3 schema (an extra optional field), as a GenericRecord. */
    private static GenericRecord asV3(QueueStat stat) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            var encoder = EncoderFactory.get().binaryEncoder(bytes, null);
            new SpecificDatumWriter<>(QueueStat.class).write(stat, encoder);
            encoder.flush();
            return new GenericDatumReader<GenericRecord>(QueueStat.getClassSchema(), EvolvingSchemas.v3Compatible())
                    .read(null, DecoderFactory.get().binaryDecoder(bytes.toByteArray(), null));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private KafkaProducer<byte[], byte[]> producer() {
        Properties p = broker.clientProperties();
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    }

    private static void send(KafkaProducer<byte[], byte[]> producer, String key, byte[] value) throws Exception {
        producer.send(new ProducerRecord<>("outage.in", key.getBytes(StandardCharsets.UTF_8), value)).get();
    }

    /** Every committed record on {@code topic} now. */
    private List<ConsumerRecord<byte[], byte[]>> committed(String topic) {
        Properties c = broker.clientProperties();
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            var partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new org.apache.kafka.common.TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<org.apache.kafka.common.TopicPartition, Long> end = new HashMap<>(consumer.endOffsets(partitions));
            Function<org.apache.kafka.common.TopicPartition, Boolean> done = tp -> consumer.position(tp) >= end.get(tp);
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (!partitions.stream().allMatch(done::apply) && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(100)).forEach(out::add);
            }
        }
        return out;
    }
}
