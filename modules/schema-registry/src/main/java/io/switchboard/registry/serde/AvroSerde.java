package io.switchboard.registry.serde;

import java.util.Map;

import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

import io.switchboard.registry.SchemaRegistryClient;

/**
 * Kafka Streams {@link Serde} pairing {@link AvroSerializer} and {@link AvroDeserializer}. Usable as
 * {@code default.value.serde} (generic records, or specific with {@code specific.avro.reader=true});
 * for a given generated class use {@link AvroSerdes#specific(Class, Map, boolean)}. Thread-safe.
 *
 * @param <T> record type
 */
public class AvroSerde<T> implements Serde<T> {

    private final AvroSerializer<T> serializer;
    private final AvroDeserializer<T> deserializer;

    /** For Kafka to instantiate; configure with {@link #configure(Map, boolean)}. */
    public AvroSerde() {
        this(new AvroSerializer<>(), new AvroDeserializer<>());
    }

    /** A serde over a given client (tests, or sharing a client explicitly). */
    public AvroSerde(SchemaRegistryClient client, AvroSerdeConfig config, boolean isKey, Class<? extends T> readerClass) {
        this(new AvroSerializer<>(client, config, isKey), new AvroDeserializer<>(client, config, readerClass));
    }

    AvroSerde(AvroSerializer<T> serializer, AvroDeserializer<T> deserializer) {
        this.serializer = serializer;
        this.deserializer = deserializer;
    }

    void readerClass(Class<? extends T> type) {
        deserializer.readerClass(type);
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        serializer.configure(configs, isKey);
        deserializer.configure(configs, isKey);
    }

    @Override
    public Serializer<T> serializer() {
        return serializer;
    }

    @Override
    public Deserializer<T> deserializer() {
        return deserializer;
    }
}
