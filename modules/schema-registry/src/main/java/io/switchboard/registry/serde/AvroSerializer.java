package io.switchboard.registry.serde;

import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.generic.GenericContainer;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serializer;

import io.switchboard.registry.InvalidPayloadException;
import io.switchboard.registry.SchemaRegistryClient;
import io.switchboard.registry.SchemaResolutionException;
import io.switchboard.registry.RegisteredSchema;
import io.switchboard.registry.serde.internal.CompiledRecordWriter;
import io.switchboard.registry.serde.internal.EncodeBuffer;
import io.switchboard.registry.serde.internal.SharedClients;
import io.switchboard.registry.serde.internal.WireFormat;

/**
 * Kafka {@link Serializer} writing Avro specific or generic records in the Confluent wire format
 * (magic byte 0, 4-byte big-endian schema id, Avro binary), readable by Confluent's
 * {@code KafkaAvroDeserializer}.
 *
 * <p>Configure like Confluent's serializer ({@link #configure(Map, boolean)} with
 * {@code schema.registry.url}, {@code auto.register.schemas}, {@code use.latest.version},
 * {@code value.subject.name.strategy}, …; see {@link AvroSerdeConfig}), or construct it with a
 * client and a config. The schema id is resolved once per (topic, schema) and cached; the hot path
 * does no I/O, reuses a per-thread encoder and, for generated classes, writes through a
 * {@link CompiledRecordWriter} (Avro's bytes, field writers chosen once per schema). {@code null} serializes to {@code null} (tombstones).
 *
 * <p>Thread-safe.
 *
 * @param <T> {@link SpecificRecord} or {@link org.apache.avro.generic.GenericRecord}
 */
public class AvroSerializer<T> implements Serializer<T> {

    private SchemaRegistryClient client;
    private AvroSerdeConfig config;
    private boolean isKey;
    private final ConcurrentHashMap<TopicSchema, Target> targets = new ConcurrentHashMap<>();
    private volatile Target last;

    private record TopicSchema(String topic, Schema schema) {
    }

    /** What to write for one (topic, data schema): the id and how to encode. */
    private static final class Target {
        final String topic;
        final Schema dataSchema;
        final int id;
        final DatumWriter<Object> writer;
        /** Non-null when the data must be converted to the registry's (latest) schema first. */
        final Schema convertTo;

        Target(String topic, Schema dataSchema, int id, DatumWriter<Object> writer, Schema convertTo) {
            this.topic = topic;
            this.dataSchema = dataSchema;
            this.id = id;
            this.writer = writer;
            this.convertTo = convertTo;
        }
    }

    /** For Kafka to instantiate; call {@link #configure(Map, boolean)}. */
    public AvroSerializer() {
    }

    /** A configured serializer using the given client. */
    public AvroSerializer(SchemaRegistryClient client, AvroSerdeConfig config, boolean isKey) {
        this.client = client;
        this.config = config;
        this.isKey = isKey;
    }

    /**
     * Reads the Confluent-named keys; the registry client is shared with every serde configured with
     * the same registry settings.
     *
     * @throws io.switchboard.core.ConfigException listing every problem
     */
    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        this.config = AvroSerdeConfig.fromConfigs(configs);
        this.client = SharedClients.forConfig(config.registry());
        this.isKey = isKey;
    }

    @Override
    public byte[] serialize(String topic, T data) {
        if (data == null) {
            return null;
        }
        if (!(data instanceof GenericContainer container)) {
            throw new IllegalArgumentException("AvroSerializer writes Avro records (generated SpecificRecord classes or GenericRecord);"
                    + " got " + data.getClass().getName() + " for topic '" + topic + "'. Use a Kafka serializer for that type instead.");
        }
        if (config == null) {
            throw new IllegalStateException("AvroSerializer is not configured: call configure(configs, isKey) with schema.registry.url");
        }
        Schema schema = container.getSchema();
        Target target = last;
        if (target == null || target.topic != topic || target.dataSchema != schema) {
            target = targets.computeIfAbsent(new TopicSchema(topic, schema), k -> resolve(k.topic(), k.schema(), data));
            last = target;
        }
        Object datum = target.convertTo == null ? data : convert(data, schema, target.convertTo);
        EncodeBuffer buffer = EncodeBuffer.get(WireFormat.HEADER_SIZE);
        try {
            target.writer.write(datum, buffer.encoder());
        } catch (IOException | RuntimeException e) {
            throw new InvalidPayloadException("Cannot encode a " + schema.getFullName() + " for topic '" + topic + "' with schema id "
                    + target.id + ": " + e.getMessage() + ". A required field is probably null or of the wrong type.", e);
        }
        WireFormat.writeHeader(buffer.array(), target.id);
        return buffer.toByteArray();
    }

    private Target resolve(String topic, Schema schema, Object data) {
        String subject = config.strategy(isKey).subject(topic, isKey, schema);
        if (config.useLatestVersion()) {
            RegisteredSchema latest = client.getLatestVersion(subject);
            if (latest.schema().equals(schema)) {
                return new Target(topic, schema, latest.id(), writerFor(schema, data), null);
            }
            SchemaCompatibility.SchemaPairCompatibility pair = SchemaCompatibility.checkReaderWriterCompatibility(latest.schema(), schema);
            if (pair.getType() != SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE) {
                throw new SchemaResolutionException("use.latest.version=true: the latest schema of subject '" + subject + "' (version "
                        + latest.version() + ", id " + latest.id() + ") cannot take a record of " + schema.getFullName() + ": "
                        + pair.getResult().getIncompatibilities() + ". Produce records of the latest schema or turn use.latest.version off.", null);
            }
            return new Target(topic, schema, latest.id(), new GenericDatumWriter<>(latest.schema(), GenericData.get()), latest.schema());
        }
        int id = config.autoRegister() ? client.register(subject, schema) : client.getId(subject, schema);
        return new Target(topic, schema, id, writerFor(schema, data), null);
    }

    @SuppressWarnings("unchecked")
    private static DatumWriter<Object> writerFor(Schema schema, Object data) {
        if (data instanceof SpecificRecord) {
            CompiledRecordWriter compiled = CompiledRecordWriter.of(schema);
            if (compiled != null) {
                return compiled; // the same bytes, without Avro's per-value dispatch (most of the encoding time)
            }
            // the generated class's own model carries its logical-type conversions (e.g. Instant for timestamp-millis)
            return (DatumWriter<Object>) (DatumWriter<?>) new SpecificDatumWriter<>(schema, SpecificData.getForClass(data.getClass()));
        }
        return new GenericDatumWriter<>(schema, GenericData.get());
    }

    /** Re-reads the datum through Avro schema resolution into the target schema (use.latest.version with a differing schema). */
    private static Object convert(Object data, Schema from, Schema to) {
        try {
            EncodeBuffer buffer = EncodeBuffer.get(0);
            writerFor(from, data).write(data, buffer.encoder());
            return new GenericDatumReader<>(from, to, GenericData.get())
                    .read(null, DecoderFactory.get().binaryDecoder(buffer.array(), 0, buffer.size(), null));
        } catch (IOException e) {
            throw new InvalidPayloadException("Cannot convert a " + from.getFullName() + " to the subject's latest schema: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        // the client is shared per configuration and holds no resources that need closing on Java 17
    }
}
