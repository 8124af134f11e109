package io.switchboard.token.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Map;

import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

import io.switchboard.registry.SchemaRegistryConfig;
import io.switchboard.registry.serde.AvroSerdes;

/**
 * The one place that decides how token records, refresh requests and status events are encoded on Kafka.
 * Values use Avro in the Confluent wire format through the schema registry; keys are plain UTF-8 credential ids (so the default partitioner places a
 * request exactly where the owner expects it).
 */
public final class TokenSerdes {

    private TokenSerdes() {
    }

    /**
     * Value serde for {@code type}.
     *
     * @param registryUrl schema registry URL
     */
    public static <T extends SpecificRecord> Serde<T> value(Class<T> type, String registryUrl) {
        return AvroSerdes.specific(type, Map.of(SchemaRegistryConfig.URL, registryUrl), false);
    }

    /** Plain Avro binary without the registry (a fallback for tools that cannot reach one). */
    static <T extends SpecificRecord> Serde<T> plainAvro(Class<T> type) {
        SpecificDatumWriter<T> writer = new SpecificDatumWriter<>(type);
        SpecificDatumReader<T> reader = new SpecificDatumReader<>(type);
        Serializer<T> serializer = (topic, data) -> {
            if (data == null) {
                return null;
            }
            try {
                ByteArrayOutputStream out = new ByteArrayOutputStream(256);
                BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
                writer.write(data, encoder);
                encoder.flush();
                return out.toByteArray();
            } catch (IOException e) {
                throw new SerializationException("cannot encode " + type.getSimpleName() + " for " + topic, e);
            }
        };
        Deserializer<T> deserializer = (topic, bytes) -> {
            if (bytes == null) {
                return null;
            }
            try {
                return reader.read(null, DecoderFactory.get().binaryDecoder(bytes, null));
            } catch (IOException | RuntimeException e) {
                throw new SerializationException("cannot decode a " + type.getSimpleName() + " from " + topic, e);
            }
        };
        return Serdes.serdeFrom(serializer, deserializer);
    }
}
