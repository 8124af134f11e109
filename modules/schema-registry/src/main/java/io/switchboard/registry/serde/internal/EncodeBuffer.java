package io.switchboard.registry.serde.internal;

import java.io.OutputStream;
import java.util.Arrays;

import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;

/**
 * A per-thread growable byte buffer with a direct Avro encoder writing into it, so encoding a
 * record allocates only the returned array. Not thread-safe: get one with {@link #get()}.
 */
public final class EncodeBuffer extends OutputStream {

    private static final ThreadLocal<EncodeBuffer> PER_THREAD = ThreadLocal.withInitial(EncodeBuffer::new);
    private static final int MAX_RETAINED = 1 << 20;

    private byte[] buf = new byte[512];
    private int count;
    private final BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(this, null);

    /** This thread's buffer, emptied, with {@code reserved} zero bytes at the start (room for a header). */
    public static EncodeBuffer get(int reserved) {
        EncodeBuffer b = PER_THREAD.get();
        if (b.buf.length > MAX_RETAINED) {
            b.buf = new byte[512];
        }
        b.count = reserved;
        return b;
    }

    /** The encoder writing into this buffer (direct: no flush needed). */
    public BinaryEncoder encoder() {
        return encoder;
    }

    /** The backing array; valid up to {@link #size()}. */
    public byte[] array() {
        return buf;
    }

    /** Bytes written, the reserved ones included. */
    public int size() {
        return count;
    }

    /** A copy of the content. */
    public byte[] toByteArray() {
        return Arrays.copyOf(buf, count);
    }

    @Override
    public void write(int b) {
        ensure(count + 1);
        buf[count++] = (byte) b;
    }

    @Override
    public void write(byte[] b, int off, int len) {
        ensure(count + len);
        System.arraycopy(b, off, buf, count, len);
        count += len;
    }

    private void ensure(int capacity) {
        if (capacity > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(capacity, buf.length * 2));
        }
    }
}
