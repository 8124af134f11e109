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
        int id = ((data[1] & 0xff) << 24) | ((data[2] & 0xff) << 16) | ((data[3] & 0xff) << 8) | (data[4] & 0xff);
        if (id == 0 && data.length >= LEGACY_APICURIO_HEADER_SIZE) {
            long longId = 0;
            for (int i = 1; i < LEGACY_APICURIO_HEADER_SIZE; i++) {
                longId = (longId << 8) | (data[i] & 0xff);
            }
            if (longId > 0) {
                // No Confluent-compatible registry hands out id 0: this is an 8-byte id (Apicurio's default before 3.0).
                throw new InvalidPayloadException("Record on topic '" + topic + "' starts with magic byte 0 and schema id 0,"
                        + " followed by more id bytes: it is Apicurio's own wire format (an 8-byte id, here " + longId + "),"
                        + " not the Confluent one (a 4-byte id). Switch the producer's Apicurio serializer to the Confluent"
                        + " format: apicurio.registry.as-confluent=true (a 4-byte id) with apicurio.registry.use-id=contentId"
                        + " (the id Apicurio's Confluent-compatible API /apis/ccompat/v7 serves) and"
                        + " apicurio.registry.headers.enabled=false; or produce with a Confluent-format serializer.");
            }
        }
        return id;
    }

    /** Apicurio's legacy header: magic byte 0 and an 8-byte (long) global or content id. */
    static final int LEGACY_APICURIO_HEADER_SIZE = 9;
}
