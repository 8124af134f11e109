package io.switchboard.bench;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import io.switchboard.events.poll.QueueStat;
import io.switchboard.registry.serde.AvroSerdes;
import io.switchboard.registry.server.EmbeddedSchemaRegistry;
import io.switchboard.testkit.EmbeddedKafkaBroker;

/**
 * Throughput of a QueueStat through the Confluent-wire-format serde with a warm schema cache,
 * against plain Avro binary encoding of the same record (SpecificDatumWriter/Reader with a reused
 * encoder/decoder) in the same JVM. Target: serde / plain >= 0.9 for both directions.
 *
 * <p>The registry (embedded, on an in-process broker) is only asked during setup; the measured
 * calls hit the caches. Run:
 * {@code ./mvnw -B -q -pl modules/bench exec:exec -Dbench.args="SerdeBenchmark -f 1 -wi 3 -i 5"}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class SerdeBenchmark {

    static final String TOPIC = "switchboard.queue-stats";

    EmbeddedKafkaBroker broker;
    EmbeddedSchemaRegistry registry;
    Serializer<QueueStat> serializer;
    Deserializer<QueueStat> deserializer;
    QueueStat stat;
    byte[] wireBytes;
    byte[] avroBytes;

    final SpecificDatumWriter<QueueStat> avroWriter = new SpecificDatumWriter<>(QueueStat.getClassSchema(), SpecificData.getForClass(QueueStat.class));
    final SpecificDatumReader<QueueStat> avroReader = new SpecificDatumReader<>(QueueStat.getClassSchema(), QueueStat.getClassSchema(),
            SpecificData.getForClass(QueueStat.class));
    final ByteArrayOutputStream avroOut = new ByteArrayOutputStream(512);
    BinaryEncoder avroEncoder;
    BinaryDecoder avroDecoder;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        broker = EmbeddedKafkaBroker.start();
        registry = EmbeddedSchemaRegistry.start(broker.bootstrapServers());
        Serde<QueueStat> serde = AvroSerdes.specific(QueueStat.class, Map.of("schema.registry.url", registry.url()), false);
        serializer = serde.serializer();
        deserializer = serde.deserializer();
        stat = QueueStat.newBuilder()
                .setCredentialId("genesys-eu").setTenantId("org-42").setProvider("genesys-cloud").setJobId("job-17")
                .setPollSequence(123_456L).setQueueId("queue-7").setQueueName("Support EMEA").setMediaType("voice")
                .setObservedAt(Instant.ofEpochMilli(1_700_000_000_000L)).setPolledAt(Instant.ofEpochMilli(1_700_000_000_450L))
                .setWaiting(3L).setInteracting(7L).setLongestWaitingMs(42_000L).setAgentsOnQueue(12L).setAgentsAvailable(2L)
                .setAgentsLoggedIn(14L).setOffered(100L).setAnswered(95L).setAbandoned(5L).setServiceLevelPercent(91.5)
                .setExtraMetrics(Map.of("oUserPresences.AVAILABLE", 2.0))
                .build();
        // warm the caches: register once, fetch once
        wireBytes = serializer.serialize(TOPIC, stat);
        deserializer.deserialize(TOPIC, wireBytes);
        avroBytes = plainSerialize();
        if (wireBytes.length != avroBytes.length + 5) {
            throw new IllegalStateException("wire format should be plain Avro plus 5 header bytes");
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        registry.close();
        broker.close();
    }

    @Benchmark
    public byte[] serdeSerialize() {
        return serializer.serialize(TOPIC, stat);
    }

    @Benchmark
    public byte[] plainAvroSerialize() throws IOException {
        return plainSerialize();
    }

    @Benchmark
    public QueueStat serdeDeserialize() {
        return deserializer.deserialize(TOPIC, wireBytes);
    }

    @Benchmark
    public QueueStat plainAvroDeserialize() throws IOException {
        avroDecoder = DecoderFactory.get().binaryDecoder(avroBytes, avroDecoder);
        return avroReader.read(null, avroDecoder);
    }

    private byte[] plainSerialize() throws IOException {
        avroOut.reset();
        avroEncoder = EncoderFactory.get().binaryEncoder(avroOut, avroEncoder);
        avroWriter.write(stat, avroEncoder);
        avroEncoder.flush();
        return avroOut.toByteArray();
    }
}
