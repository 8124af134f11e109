package io.switchboard.aggregate;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;

import io.switchboard.aggregate.internal.AggregatorMetrics;
import io.switchboard.registry.serde.DeadLetterDeserializationExceptionHandler;
import io.switchboard.registry.serde.DeadLetterListener;
import io.switchboard.registry.serde.DeadLetterProcessingExceptionHandler;
import io.switchboard.core.Topics;
import io.switchboard.events.aggregate.QueueAlert;
import io.switchboard.events.aggregate.QueueSnapshot;
import io.switchboard.events.aggregate.QueueWindowStats;
import io.switchboard.events.aggregate.TenantSummary;
import io.switchboard.events.poll.QueueStat;
import io.switchboard.registry.serde.AvroSerdes;
import io.switchboard.registry.server.EmbeddedSchemaRegistry;

/**
 * The aggregator topology in a {@link TopologyTestDriver} with an in-memory registry (the project's EmbeddedSchemaRegistry over real HTTP, schemas in memory),
 * fixed timestamps and the driver's mock wall clock starting at {@link #T0}.
 */
final class TopologyHarness implements AutoCloseable {

    /** 2026-11-20T10:00:00Z: a window boundary for every size. */
    static final Instant T0 = Instant.parse("2026-11-20T10:00:00Z");

    final EmbeddedSchemaRegistry registry;
    final AggregatorConfig config;
    final AggregatorMetrics metrics = new AggregatorMetrics();
    final TopologyTestDriver driver;
    final Topics topics;
    private final Map<String, Object> producerSerdeConfig;
    private final TestInputTopic<String, QueueStat> input;
    private final TestInputTopic<byte[], byte[]> rawInput;
    private final TestOutputTopic<String, QueueSnapshot> snapshots;
    private final Map<WindowSize, TestOutputTopic<String, QueueWindowStats>> windows = new HashMap<>();
    private final TestOutputTopic<String, QueueAlert> alerts;
    private final TestOutputTopic<String, TenantSummary> tenants;
    private final TestOutputTopic<byte[], byte[]> deadLetters;

    TopologyHarness(Path stateDir, Map<String, Object> extraConfig) throws Exception {
        this.registry = EmbeddedSchemaRegistry.startInMemory(); // the project's registry, schemas in memory (no broker here)
        Map<String, Object> section = new LinkedHashMap<>();
        section.put("kafka.bootstrapServers", "unused:9092");
        section.put("schemaRegistry.url", registry.url());
        // the topology's registry client must not share a cache with the test's serializer
        section.put("aggregator.schemaRegistry.properties", Map.of("max.retries", "0", "retries.wait.ms", "1"));
        extraConfig.forEach((k, v) -> section.put("aggregator." + k, v)); // keys of the aggregator: section
        this.config = AggregatorConfig.fromMap(section);
        this.topics = config.topics();
        this.producerSerdeConfig = Map.of("schema.registry.url", registry.url(), "max.retries", "1");

        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, config.applicationId());
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        props.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterDeserializationExceptionHandler.class);
        props.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterProcessingExceptionHandler.class);
        props.put(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, topics.deadLetters());
        props.put(AggregatorMetrics.CONFIG_KEY, metrics);
        props.put(DeadLetterListener.CONFIG, metrics);
        this.driver = new TopologyTestDriver(AggregatorTopology.buildTopology(config), props, T0);

        Serde<QueueStat> stats = AvroSerdes.specific(QueueStat.class, producerSerdeConfig, false);
        input = driver.createInputTopic(topics.queueStats(), new StringSerializer(), stats.serializer());
        rawInput = driver.createInputTopic(topics.queueStats(), new ByteArraySerializer(), new ByteArraySerializer());
        snapshots = driver.createOutputTopic(topics.queueSnapshots(), new StringDeserializer(),
                AvroSerdes.specific(QueueSnapshot.class, producerSerdeConfig, false).deserializer());
        for (WindowSize size : WindowSize.values()) {
            windows.put(size, driver.createOutputTopic(topics.queueWindowStats(size.label()), new StringDeserializer(),
                    AvroSerdes.specific(QueueWindowStats.class, producerSerdeConfig, false).deserializer()));
        }
        alerts = driver.createOutputTopic(topics.alerts(), new StringDeserializer(),
                AvroSerdes.specific(QueueAlert.class, producerSerdeConfig, false).deserializer());
        tenants = driver.createOutputTopic(topics.tenantSummary(), new StringDeserializer(),
                AvroSerdes.specific(TenantSummary.class, producerSerdeConfig, false).deserializer());
        deadLetters = driver.createOutputTopic(topics.deadLetters(), new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    /** Pipes a record keyed credentialId/queueId. */
    void pipe(QueueStat stat) {
        input.pipeInput(stat.getCredentialId() + "/" + stat.getQueueId(), stat);
    }

    void pipe(String key, QueueStat stat) {
        input.pipeInput(key, stat);
    }

    /** Pipes raw bytes into any source topic of the topology (an internal repartition topic too). */
    void pipeRawTo(String topic, byte[] key, byte[] value) {
        driver.createInputTopic(topic, new ByteArraySerializer(), new ByteArraySerializer()).pipeInput(key, value);
    }

    void pipeRaw(byte[] key, byte[] value) {
        rawInput.pipeInput(key, value);
    }

    byte[] serialize(QueueStat stat) {
        return AvroSerdes.specific(QueueStat.class, producerSerdeConfig, false).serializer().serialize(topics.queueStats(), stat);
    }

    /** Moves the mock wall clock (fires wall-clock punctuations). */
    void advanceWallClock(Duration d) {
        driver.advanceWallClockTime(d);
    }

    List<KeyValue<String, QueueSnapshot>> snapshots() {
        return snapshots.readKeyValuesToList();
    }

    /** The last snapshot written per key, as a compacted topic would keep it. */
    Map<String, QueueSnapshot> latestSnapshots() {
        Map<String, QueueSnapshot> m = new LinkedHashMap<>();
        snapshots.readKeyValuesToList().forEach(kv -> m.put(kv.key, kv.value));
        return m;
    }

    List<KeyValue<String, QueueWindowStats>> windows(WindowSize size) {
        return windows.get(size).readKeyValuesToList();
    }

    /** The last value per window key (the compacted view). */
    Map<String, QueueWindowStats> latestWindows(WindowSize size) {
        Map<String, QueueWindowStats> m = new LinkedHashMap<>();
        windows(size).forEach(kv -> m.put(kv.key, kv.value));
        return m;
    }

    List<QueueAlert> alerts() {
        List<QueueAlert> out = new ArrayList<>();
        alerts.readValuesToList().forEach(out::add);
        return out;
    }

    Map<String, TenantSummary> latestTenants() {
        Map<String, TenantSummary> m = new LinkedHashMap<>();
        tenants.readKeyValuesToList().forEach(kv -> m.put(kv.key, kv.value));
        return m;
    }

    List<TestRecord<byte[], byte[]>> deadLetters() {
        return deadLetters.readRecordsToList();
    }

    @Override
    public void close() {
        try {
            driver.close();
        } finally {
            registry.close();
        }
    }
}
