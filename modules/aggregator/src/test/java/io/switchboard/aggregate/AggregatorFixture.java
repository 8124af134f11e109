package io.switchboard.aggregate;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import io.switchboard.events.poll.QueueStat;
import io.switchboard.registry.serde.AvroSerdes;
import io.switchboard.registry.server.EmbeddedSchemaRegistry;
import io.switchboard.registry.server.EmbeddedSchemaRegistryOptions;
import io.switchboard.testkit.KafkaBroker;
import io.vertx.core.json.JsonObject;

/**
 * Aggregator instances on a real broker and the project's embedded schema registry, each test with
 * its own topic prefix and application id, plus a producer of QueueStat records and an HTTP client.
 */
final class AggregatorFixture implements AutoCloseable {

    private static final AtomicInteger SEQUENCE = new AtomicInteger();

    final KafkaBroker broker;
    final String prefix;
    final int partitions;
    EmbeddedSchemaRegistry registry;
    private final List<Aggregator> started = new ArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private KafkaProducer<String, byte[]> producer;
    private int registryPort;

    AggregatorFixture(KafkaBroker broker, int partitions) {
        this.broker = broker;
        this.prefix = "agg" + SEQUENCE.incrementAndGet() + "x" + ProcessHandle.current().pid();
        this.partitions = partitions;
        broker.createTopic(prefix + ".queue-stats", partitions, Map.of());
        startRegistry(0);
    }

    void startRegistry(int port) {
        registry = EmbeddedSchemaRegistry.start(EmbeddedSchemaRegistryOptions.defaults(broker.bootstrapServers())
                .withTopic("_schemas-" + prefix).withPort(port));
        registryPort = registry.port();
    }

    /** Stops the registry (an outage); {@link #restartRegistry()} brings it back on the same port with its schemas. */
    void stopRegistry() {
        registry.close();
    }

    void restartRegistry() {
        startRegistry(registryPort);
    }

    /** The aggregator section for one instance. */
    Map<String, Object> section(String instance, Path stateDir) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("aggregator.applicationId", prefix + "-aggregator");
        m.put("aggregator.instanceId", instance);
        m.put("kafka.bootstrapServers", broker.bootstrapServers());
        m.put("kafka.topicPrefix", prefix);
        m.put("kafka.properties", Map.of("session.timeout.ms", "10000", "heartbeat.interval.ms", "1000",
                "metadata.max.age.ms", "1000"));
        m.put("schemaRegistry.url", "http://127.0.0.1:" + registryPort);
        // the aggregator's registry client stays its own (no cache shared with the test's producer)
        m.put("aggregator.schemaRegistry.properties", Map.of("max.retries", "1", "retries.wait.ms", "100", "http.connect.timeout.ms", "2000"));
        m.put("aggregator.streams.stateDir", stateDir.toString());
        m.put("aggregator.streams.commitInterval", "100ms");
        m.put("aggregator.tenantSummary.interval", "200ms");
        m.put("aggregator.staleness.checkInterval", "1s");
        m.put("aggregator.http.port", "0");
        m.put("aggregator.ops.port", "0");
        return m;
    }

    Aggregator start(Map<String, Object> section) {
        Aggregator a = Aggregator.start(AggregatorConfig.fromMap(section));
        started.add(a);
        return a;
    }

    /** Sends records keyed credentialId/queueId and waits for the broker's acknowledgement. */
    void send(QueueStat... stats) {
        KafkaProducer<String, byte[]> p = producer();
        var serializer = AvroSerdes.specific(QueueStat.class, Map.of("schema.registry.url", "http://127.0.0.1:" + registryPort),
                false).serializer();
        try {
            for (QueueStat s : stats) {
                p.send(new ProducerRecord<>(prefix + ".queue-stats", s.getCredentialId() + "/" + s.getQueueId(),
                        serializer.serialize(prefix + ".queue-stats", s))).get();
            }
        } catch (Exception e) {
            throw new IllegalStateException("could not send", e);
        }
    }

    /** Sends raw bytes (poison). */
    void sendRaw(String key, byte[] value) {
        sendRawTo(prefix + ".queue-stats", key, value);
    }

    /** Sends raw bytes to any topic (poison on an internal or output topic). */
    void sendRawTo(String topic, String key, byte[] value) {
        try {
            producer().send(new ProducerRecord<>(topic, key, value)).get();
        } catch (Exception e) {
            throw new IllegalStateException("could not send", e);
        }
    }

    /** Serialized with the registry (while it is up), to send later. */
    byte[] serialize(QueueStat s) {
        return AvroSerdes.specific(QueueStat.class, Map.of("schema.registry.url", "http://127.0.0.1:" + registryPort), false)
                .serializer().serialize(prefix + ".queue-stats", s);
    }

    private synchronized KafkaProducer<String, byte[]> producer() {
        if (producer == null) {
            Properties p = broker.clientProperties();
            p.put(ProducerConfig.ACKS_CONFIG, "all");
            producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
        }
        return producer;
    }

    /** Reads every record of a topic from the beginning (read_committed) until {@code expected} arrived or 60 s passed. */
    List<ConsumerRecord<byte[], byte[]>> read(String topic, int expected) {
        Properties c = broker.clientProperties();
        c.put(ConsumerConfig.GROUP_ID_CONFIG, "reader-" + topic + "-" + System.nanoTime());
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (out.size() < expected && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(out::add);
            }
        }
        return out;
    }

    /** Every committed record of a topic now (read_committed, up to the last stable offsets). */
    List<ConsumerRecord<byte[], byte[]>> readAll(String topic) {
        Properties c = broker.clientProperties();
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<org.apache.kafka.common.TopicPartition> parts = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(p -> new org.apache.kafka.common.TopicPartition(topic, p.partition())).toList();
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
            Map<org.apache.kafka.common.TopicPartition, Long> end = consumer.endOffsets(parts);
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (parts.stream().anyMatch(p -> consumer.position(p) < end.get(p)) && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(out::add);
            }
        }
        return out;
    }

    /** An HTTP answer. */
    record Reply(int status, JsonObject json, String body, HttpResponse<String> raw) {
        String header(String name) {
            return raw.headers().firstValue(name).orElse(null);
        }
    }

    Reply get(int port, String path) {
        return get(port, path, Map.of());
    }

    Reply get(int port, String path, Map<String, String> headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(20));
        headers.forEach(b::header);
        try {
            HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            JsonObject json = null;
            try {
                json = new JsonObject(r.body());
            } catch (RuntimeException e) {
                // not JSON
            }
            return new Reply(r.statusCode(), json, r.body(), r);
        } catch (IOException e) {
            return new Reply(-1, null, e.toString(), null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        for (Aggregator a : started) {
            try {
                a.close();
            } catch (RuntimeException e) {
                // best effort
            }
        }
        if (producer != null) {
            producer.close(Duration.ofSeconds(5));
        }
        if (registry != null) {
            registry.close();
        }
    }
}
