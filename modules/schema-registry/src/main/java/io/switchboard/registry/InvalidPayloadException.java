package io.switchboard.registry;

import io.switchboard.core.SwitchboardException;

/**
 * Bytes handed to a deserializer are not a record in the Confluent wire format: wrong magic byte,
 * fewer than 5 bytes, or Avro binary that does not decode with the writer schema named by its id
 * (truncated, or trailing bytes). Not retriable: the same bytes will fail again. In Kafka Streams
 * send such records to a dead-letter topic ({@code DeadLetterDeserializationExceptionHandler}); a
 * plain consumer should skip the offset and report it.
 */
public class InvalidPayloadException extends SwitchboardException {

    private static final long serialVersionUID = 1L;

    /** @param message what is wrong with the bytes and the likely cause */
    public InvalidPayloadException(String message) {
        super(message);
    }

    /** Same, with a cause. */
    public InvalidPayloadException(String message, Throwable cause) {
        super(message, cause);
    }
}
