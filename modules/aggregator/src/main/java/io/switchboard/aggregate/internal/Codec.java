package io.switchboard.aggregate.internal;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Compact binary encoding of the aggregator's own state (store values and the tenant repartition
 * topic): a leading format version byte, then fields in a fixed order with nullable numbers and
 * strings. Not part of the topic contract: only the aggregator reads it. Stateless and thread-safe.
 */
public final class Codec {

    private Codec() {
    }

    /** Writes fields of one value. */
    interface Writer<T> {
        void write(T value, Out out) throws IOException;
    }

    /** Reads fields of one value; {@code version} is the leading byte that was written. */
    interface Reader<T> {
        T read(In in, int version) throws IOException;
    }

    /** A serde writing {@code version} first. */
    static <T> Serde<T> serde(int version, Writer<T> writer, Reader<T> reader) {
        Serializer<T> ser = (topic, value) -> value == null ? null : encode(version, writer, value);
        Deserializer<T> de = (topic, bytes) -> bytes == null ? null : decode(reader, bytes);
        return Serdes.serdeFrom(ser, de);
    }

    static <T> byte[] encode(int version, Writer<T> writer, T value) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(128);
        try (Out out = new Out(bytes)) {
            out.writeByte(version);
            writer.write(value, out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    static <T> T decode(Reader<T> reader, byte[] bytes) {
        try (In in = new In(bytes)) {
            int version = in.readUnsignedByte();
            return reader.read(in, version);
        } catch (IOException e) {
            throw new IllegalStateException("aggregator state of " + bytes.length + " bytes does not decode (" + e
                    + "); the state store or repartition topic holds data of another format: reset the application's state", e);
        }
    }

    /** Output with nullable helpers. */
    static final class Out extends DataOutputStream {
        Out(ByteArrayOutputStream bytes) {
            super(bytes);
        }

        void nullableLong(Long v) throws IOException {
            writeBoolean(v != null);
            if (v != null) {
                writeLong(v);
            }
        }

        void nullableDouble(Double v) throws IOException {
            writeBoolean(v != null);
            if (v != null) {
                writeDouble(v);
            }
        }

        /** An unsigned LEB128 varint (1 byte up to 127, 2 up to 16383, ...). */
        void varLong(long v) throws IOException {
            long x = v;
            while ((x & ~0x7FL) != 0) {
                write((int) ((x & 0x7F) | 0x80));
                x >>>= 7;
            }
            write((int) x);
        }

        /** UTF-8 with an int length (no 64 KB limit, unlike writeUTF). */
        void string(String v) throws IOException {
            byte[] b = v.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            writeInt(b.length);
            write(b);
        }

        void nullableString(String v) throws IOException {
            writeBoolean(v != null);
            if (v != null) {
                string(v);
            }
        }
    }

    /** Input with nullable helpers. */
    static final class In extends DataInputStream {
        In(byte[] bytes) {
            super(new java.io.ByteArrayInputStream(bytes));
        }

        Long nullableLong() throws IOException {
            return readBoolean() ? readLong() : null;
        }

        Double nullableDouble() throws IOException {
            return readBoolean() ? readDouble() : null;
        }

        long varLong() throws IOException {
            long result = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                int b = readUnsignedByte();
                result |= (long) (b & 0x7F) << shift;
                if ((b & 0x80) == 0) {
                    return result;
                }
            }
            throw new IOException("varint longer than 10 bytes");
        }

        String string() throws IOException {
            int n = readInt();
            if (n < 0 || n > 64 * 1024 * 1024) {
                throw new IOException("string length " + n + " is not plausible");
            }
            return new String(readNBytes(n), java.nio.charset.StandardCharsets.UTF_8);
        }

        String nullableString() throws IOException {
            return readBoolean() ? string() : null;
        }
    }
}
