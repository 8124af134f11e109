package io.switchboard.registry.serde.internal;

import io.switchboard.registry.InvalidPayloadException;

/**
 * The Confluent wire format: byte 0 is the magic byte 0, bytes 1-4 the schema id as a big-endian
 * signed 32-bit int, then the Avro binary encoding of the datum.
 */
public final class WireFormat {

    /** The only magic byte in use. */
    public static final byte MAGIC = 0;
    /** Bytes before the Avro payload. */
    public static final int HEADER_SIZE = 5;

    private WireFormat() {
    }

    /** Writes the 5-byte header into {@code buffer} at 0. */
    public static void writeHeader(byte[] buffer, int schemaId) {
        buffer[0] = MAGIC;
        buffer[1] = (byte) (schemaId >>> 24);
        buffer[2] = (byte) (schemaId >>> 16);
        buffer[3] = (byte) (schemaId >>> 8);
        buffer[4] = (byte) schemaId;
    }

    /**
     * Checks the header and returns the schema id.
     *
     * @throws InvalidPayloadException when the bytes are too short or the magic byte is wrong
     */
    public static int readSchemaId(String topic, byte[] data) {
        if (data.length < HEADER_SIZE) {
            throw new InvalidPayloadException("Record on topic '" + topic + "' has " + data.length + " byte(s); a Confluent wire-format"
                    + " record has at least 5 (magic byte 0 and a 4-byte schema id). It was not written by a Confluent-format"
                    + " Avro serializer, or was truncated.");
        }
        if (data[0] != MAGIC) {
            throw new InvalidPayloadException(String.format("Record on topic '%s' starts with magic byte 0x%02x, expected 0x00 (Confluent"
                    + " wire format). It was written by another serializer (plain Avro, JSON, string?); read it with that"
                    + " deserializer or fix the producer's value.serializer.", topic, data[0] & 0xff));
        }
        return ((data[1] & 0xff) << 24) | ((data[2] & 0xff) << 16) | ((data[3] & 0xff) << 8) | (data[4] & 0xff);
    }
}
