package io.switchboard.registry.serde;

import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;

import io.switchboard.registry.InvalidPayloadException;
import io.switchboard.registry.SchemaRegistryClient;
import io.switchboard.registry.SchemaResolutionException;
import io.switchboard.registry.serde.internal.SharedClients;
import io.switchboard.registry.serde.internal.WireFormat;

/**
 * Kafka {@link Deserializer} reading Avro records in the Confluent wire format, as written by this
 * module's {@link AvroSerializer} or Confluent's {@code KafkaAvroSerializer}.
 *
 * <p>The writer schema comes from the registry by the id in bytes 1-4 (fetched once per id). With
 * {@code specific.avro.reader=true}, or a reader class given to the constructor /
 * {@link AvroSerdes#specific}, records are read into the generated class using its schema as the
 * reader schema, so a consumer built against v2 reads v1 records and back (Avro schema resolution).
 * Otherwise records come back as {@link org.apache.avro.generic.GenericRecord} in the writer schema.
 *
 * <p>Bad bytes throw a typed exception: {@link InvalidPayloadException} (wrong magic byte, too short,
 * truncated or trailing Avro), {@link io.switchboard.registry.SchemaNotFoundException} (unknown id),
 * {@link SchemaResolutionException} (writer cannot be read as the reader). {@code null} gives {@code null}.
 *
 * <p>Thread-safe.
 *
 * @param <T> the generated class, or {@code GenericRecord}
 */
public class AvroDeserializer<T> implements Deserializer<T> {

    private static final ThreadLocal<BinaryDecoder> DECODER = new ThreadLocal<>();

    private SchemaRegistryClient client;
    private AvroSerdeConfig config;
    private Class<? extends T> readerClass;
    private Schema readerSchema;
    private final ConcurrentHashMap<Integer, Reader> readers = new ConcurrentHashMap<>();
    private volatile Reader last;

    /** How to read records of one writer schema id: a datum reader, or why it cannot be read. */
    private static final class Reader {
        final int id;
        final Schema writer;
        final DatumReader<Object> datumReader;
        final String resolutionProblem;

        Reader(int id, Schema writer, DatumReader<Object> datumReader, String resolutionProblem) {
            this.id = id;
            this.writer = writer;
            this.datumReader = datumReader;
            this.resolutionProblem = resolutionProblem;
        }
    }

    /** For Kafka to instantiate; call {@link #configure(Map, boolean)}. */
    public AvroDeserializer() {
    }

    /**
     * A configured deserializer using the given client.
     *
     * @param readerClass the generated class to read into (its schema is the reader schema), or null
     *                    for generic records (or {@code specific.avro.reader} to find the class by the writer's name)
     */
    public AvroDeserializer(SchemaRegistryClient client, AvroSerdeConfig config, Class<? extends T> readerClass) {
        this.client = client;
        this.config = config;
        this.readerClass = readerClass;
    }

    /**
     * Reads the Confluent-named keys ({@code schema.registry.url}, {@code specific.avro.reader}, …).
     *
     * @throws io.switchboard.core.ConfigException listing every problem
     */
    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        this.config = AvroSerdeConfig.fromConfigs(configs);
        this.client = SharedClients.forConfig(config.registry());
    }

    /**
     * A configured deserializer reading {@link org.apache.avro.generic.GenericRecord}s in a fixed
     * reader schema: records of any writer schema that resolves to it (schema evolution) come back
     * in {@code readerSchema}'s shape.
     */
    public AvroDeserializer(SchemaRegistryClient client, AvroSerdeConfig config, Schema readerSchema) {
        this.client = client;
        this.config = config;
        this.readerSchema = readerSchema;
    }

    /** Sets the generated class to read into; for {@link AvroSerdes}. */
    void readerClass(Class<? extends T> type) {
        this.readerClass = type;
    }

    @Override
    @SuppressWarnings("unchecked")
    public T deserialize(String topic, byte[] data) {
        if (data == null) {
            return null;
        }
        if (config == null) {
            throw new IllegalStateException("AvroDeserializer is not configured: call configure(configs, isKey) with schema.registry.url");
        }
        int id = WireFormat.readSchemaId(topic, data);
        Reader reader = last;
        if (reader == null || reader.id != id) {
            reader = readers.get(id);
            if (reader == null) {
                reader = readers.computeIfAbsent(id, this::reader);
            }
            last = reader;
        }
        if (reader.datumReader == null) {
            throw new SchemaResolutionException(reader.resolutionProblem, null);
        }
        BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(data, WireFormat.HEADER_SIZE, data.length - WireFormat.HEADER_SIZE,
                DECODER.get());
        DECODER.set(decoder);
        Object value;
        try {
            value = reader.datumReader.read(null, decoder);
        } catch (IOException | AvroRuntimeException | IndexOutOfBoundsException | NegativeArraySizeException e) {
            throw new InvalidPayloadException("Record on topic '" + topic + "' (" + data.length + " bytes) does not decode with its writer"
                    + " schema id " + id + " (" + reader.writer.getFullName() + "): " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : " " + e.getMessage()) + ". The payload is truncated or corrupt, or was written"
                    + " with a different schema than its id says.", e);
        }
        try {
            if (!decoder.isEnd()) {
                throw new InvalidPayloadException("Record on topic '" + topic + "' has bytes left after decoding it with writer schema id " + id
                        + " (" + reader.writer.getFullName() + "). It was written with a different schema than its id says, or two"
                        + " payloads were concatenated.");
            }
        } catch (IOException e) {
            throw new InvalidPayloadException("Cannot read the end of the record on topic '" + topic + "'", e);
        }
        return (T) value;
    }

    @SuppressWarnings("unchecked")
    private Reader reader(int id) {
        Schema writer = client.getSchemaById(id);
        Class<?> type = readerClass;
        if (type == null && config.specificReader()) {
            type = SpecificData.get().getClass(writer);
            if (type == null || !SpecificRecord.class.isAssignableFrom(type)) {
                return new Reader(id, writer, null, "specific.avro.reader=true but there is no generated class " + writer.getFullName()
                        + " (schema id " + id + ") on the classpath; add the generated classes, or set specific.avro.reader=false"
                        + " to read GenericRecords.");
            }
        }
        if ((type == null || !SpecificRecord.class.isAssignableFrom(type)) && readerSchema == null) {
            return new Reader(id, writer, new GenericDatumReader<>(writer, writer, GenericData.get()), null);
        }
        boolean specific = type != null && SpecificRecord.class.isAssignableFrom(type);
        SpecificData model = specific ? SpecificData.getForClass(type) : null;
        Schema reader = specific ? model.getSchema(type) : readerSchema;
        String readerName = specific ? type.getName() : "reader schema " + reader.getFullName();
        SchemaCompatibility.SchemaPairCompatibility pair = SchemaCompatibility.checkReaderWriterCompatibility(reader, writer);
        if (pair.getType() != SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE) {
            StringBuilder why = new StringBuilder();
            pair.getResult().getIncompatibilities().forEach(i -> why.append(why.length() == 0 ? "" : "; ")
                    .append(i.getType()).append(" at ").append(i.getLocation()).append(": ").append(i.getMessage()));
            return new Reader(id, writer, null, "Writer schema id " + id + " (" + writer.getFullName() + ") cannot be read as "
                    + readerName + ": " + why + ". Evolve the schema compatibly (new reader fields need defaults) or read with a"
                    + " matching class.");
        }
        DatumReader<?> datumReader = specific ? new SpecificDatumReader<>(writer, reader, model)
                : new GenericDatumReader<>(writer, reader, GenericData.get());
        return new Reader(id, writer, (DatumReader<Object>) datumReader, null);
    }

    @Override
    public void close() {
        // the client is shared per configuration
    }
}
