package io.switchboard.aggregate.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Plain Avro binary (no registry, no wire-format header) of a generated class, for the aggregator's
 * own state stores, which only this version of the aggregator reads. Thread-safe.
 */
final class AvroBinary {

    private AvroBinary() {
    }

    static <T extends SpecificRecord> Serde<T> serde(Class<T> type) {
        SpecificData model = SpecificData.getForClass(type);
        org.apache.avro.Schema schema = model.getSchema(type);
        SpecificDatumWriter<T> writer = new SpecificDatumWriter<>(schema, model);
        SpecificDatumReader<T> reader = new SpecificDatumReader<>(schema, schema, model);
        Serializer<T> ser = (topic, value) -> {
            if (value == null) {
                return null;
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream(256);
            BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
            try {
                synchronized (writer) {
                    writer.write(value, encoder);
                }
                encoder.flush();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return out.toByteArray();
        };
        Deserializer<T> de = (topic, bytes) -> {
            if (bytes == null) {
                return null;
            }
            try {
                synchronized (reader) {
                    return reader.read(null, DecoderFactory.get().binaryDecoder(bytes, null));
                }
            } catch (IOException e) {
                throw new IllegalStateException("stored " + type.getSimpleName() + " does not decode; reset the aggregator's state", e);
            }
        };
        return Serdes.serdeFrom(ser, de);
    }
}
