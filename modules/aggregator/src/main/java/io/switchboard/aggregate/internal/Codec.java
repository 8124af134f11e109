package io.switchboard.aggregate.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Compact binary encoding of the aggregator's own state (store values and the tenant repartition
 * topic): a leading format version byte, then fields in a fixed order (big-endian numbers, nullable
 * numbers and strings behind a presence byte, varints for counts and time deltas; the queue state,
 * written for every record, uses signed varints and presence bit masks throughout). Not part of the
 * topic contract: only the aggregator reads it. Written straight into a byte array (this runs for
 * every record, twice). Stateless and thread-safe; {@link Out} and {@link In} are single-use.
 */
public final class Codec {

    private static final ThreadLocal<Out> BUFFERS = ThreadLocal.withInitial(() -> new Out(1024));

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
        Out out = BUFFERS.get();
        out.reset();
        try {
            out.writeByte(version);
            writer.write(value, out);
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode " + value.getClass().getSimpleName(), e);
        }
        return out.toByteArray();
    }

    static <T> T decode(Reader<T> reader, byte[] bytes) {
        In in = new In(bytes);
        try {
            int version = in.readUnsignedByte();
            return reader.read(in, version);
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("aggregator state of " + bytes.length + " bytes does not decode (" + e
                    + "); the state store or repartition topic holds data of another format: reset the application's state", e);
        }
    }

    /** A growable byte array with the writes the state needs. */
    static final class Out {
        private byte[] buf;
        private int pos;

        Out(int capacity) {
            buf = new byte[capacity];
        }

        void reset() {
            pos = 0;
            if (buf.length > 1 << 20) {
                buf = new byte[1024]; // do not keep a huge buffer per thread
            }
        }

        byte[] toByteArray() {
            return Arrays.copyOf(buf, pos);
        }

        /** Bytes written so far. */
        int position() {
            return pos;
        }

        /** A copy of what was written from {@code from} on. */
        byte[] copyFrom(int from) {
            return Arrays.copyOfRange(buf, from, pos);
        }

        /** Appends bytes as they are (an encoding written before). */
        void raw(byte[] b) {
            ensure(b.length);
            System.arraycopy(b, 0, buf, pos, b.length);
            pos += b.length;
        }

        private void ensure(int n) {
            if (pos + n > buf.length) {
                buf = Arrays.copyOf(buf, Math.max(buf.length * 2, pos + n));
            }
        }

        void writeByte(int v) {
            ensure(1);
            buf[pos++] = (byte) v;
        }

        void writeBoolean(boolean v) {
            writeByte(v ? 1 : 0);
        }

        void writeShort(int v) {
            ensure(2);
            buf[pos++] = (byte) (v >>> 8);
            buf[pos++] = (byte) v;
        }

        void writeInt(int v) {
            ensure(4);
            buf[pos++] = (byte) (v >>> 24);
            buf[pos++] = (byte) (v >>> 16);
            buf[pos++] = (byte) (v >>> 8);
            buf[pos++] = (byte) v;
        }

        void writeLong(long v) {
            ensure(8);
            for (int shift = 56; shift >= 0; shift -= 8) {
                buf[pos++] = (byte) (v >>> shift);
            }
        }

        void writeDouble(double v) {
            writeLong(Double.doubleToLongBits(v));
        }

        /** An unsigned LEB128 varint (1 byte up to 127, 2 up to 16383, ...). */
        void varLong(long v) {
            ensure(10);
            long x = v;
            while ((x & ~0x7FL) != 0) {
                buf[pos++] = (byte) ((x & 0x7F) | 0x80);
                x >>>= 7;
            }
            buf[pos++] = (byte) x;
        }

        /** A signed varint (zigzag, then LEB128): small magnitudes of either sign take one or two bytes. */
        void zigzag(long v) {
            varLong((v << 1) ^ (v >> 63));
        }

        /** A value whose presence is a bit of a mask written before it: a signed varint, nothing when null. */
        void present(Long v) {
            if (v != null) {
                zigzag(v);
            }
        }

        /** UTF-8 with a varint length. */
        void string(String v) {
            int n = v.length();
            if (n < 128 && ascii(v, n)) { // ids, media types, interval keys: written as they are, without a copy
                ensure(n + 1);
                buf[pos++] = (byte) n;
                for (int i = 0; i < n; i++) {
                    buf[pos++] = (byte) v.charAt(i);
                }
                return;
            }
            byte[] b = v.getBytes(StandardCharsets.UTF_8);
            varLong(b.length);
            ensure(b.length);
            System.arraycopy(b, 0, buf, pos, b.length);
            pos += b.length;
        }

        private static boolean ascii(String v, int n) {
            for (int i = 0; i < n; i++) {
                if (v.charAt(i) >= 0x80) {
                    return false;
                }
            }
            return true;
        }

        void nullableLong(Long v) {
            writeBoolean(v != null);
            if (v != null) {
                writeLong(v);
            }
        }

        void nullableDouble(Double v) {
            writeBoolean(v != null);
            if (v != null) {
                writeDouble(v);
            }
        }

        void nullableString(String v) {
            writeBoolean(v != null);
            if (v != null) {
                string(v);
            }
        }
    }

    /** Reads what {@link Out} wrote. */
    static final class In {
        private final byte[] buf;
        private int pos;

        In(byte[] bytes) {
            this.buf = bytes;
        }

        private void need(int n) throws IOException {
            if (pos + n > buf.length) {
                throw new IOException("truncated: " + n + " more bytes needed at " + pos + " of " + buf.length);
            }
        }

        int readUnsignedByte() throws IOException {
            need(1);
            return buf[pos++] & 0xFF;
        }

        boolean readBoolean() throws IOException {
            return readUnsignedByte() != 0;
        }

        int readUnsignedShort() throws IOException {
            need(2);
            int v = ((buf[pos] & 0xFF) << 8) | (buf[pos + 1] & 0xFF);
            pos += 2;
            return v;
        }

        int readInt() throws IOException {
            need(4);
            int v = ((buf[pos] & 0xFF) << 24) | ((buf[pos + 1] & 0xFF) << 16) | ((buf[pos + 2] & 0xFF) << 8) | (buf[pos + 3] & 0xFF);
            pos += 4;
            return v;
        }

        long readLong() throws IOException {
            need(8);
            long v = 0;
            for (int i = 0; i < 8; i++) {
                v = (v << 8) | (buf[pos++] & 0xFF);
            }
            return v;
        }

        double readDouble() throws IOException {
            return Double.longBitsToDouble(readLong());
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

        /** Reads what {@link Out#zigzag} wrote. */
        long zigzag() throws IOException {
            long v = varLong();
            return (v >>> 1) ^ -(v & 1);
        }

        /** Reads what {@link Out#present} wrote: the value when {@code bit} is set in {@code mask}, else null. */
        Long present(int mask, int bit) throws IOException {
            return (mask & bit) != 0 ? zigzag() : null;
        }

        String string() throws IOException {
            long n = varLong();
            if (n < 0 || n > buf.length - pos) {
                throw new IOException("string length " + n + " is not plausible at " + pos + " of " + buf.length);
            }
            String s = new String(buf, pos, (int) n, StandardCharsets.UTF_8);
            pos += (int) n;
            return s;
        }

        Long nullableLong() throws IOException {
            return readBoolean() ? readLong() : null;
        }

        Double nullableDouble() throws IOException {
            return readBoolean() ? readDouble() : null;
        }

        String nullableString() throws IOException {
            return readBoolean() ? string() : null;
        }
    }
}
