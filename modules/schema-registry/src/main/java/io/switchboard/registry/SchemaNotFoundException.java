package io.switchboard.registry;

/**
 * The registry has no schema with the id, or the subject has no such schema (error code 40403).
 * Not retriable: the record was written against another registry, or the schema was deleted; point
 * {@code schema.registry.url} at the registry the producer used, or register the schema.
 */
public class SchemaNotFoundException extends SchemaRegistryException {

    private static final long serialVersionUID = 1L;

    /** Error code the Confluent API uses for this case. */
    public static final int ERROR_CODE = 40403;

    /** @param message what is wrong and what to do */
    public SchemaNotFoundException(int status, int errorCode, String message) {
        super(status, errorCode, message);
    }

    /** Same, with a cause. */
    public SchemaNotFoundException(int status, int errorCode, String message, Throwable cause) {
        super(status, errorCode, message, cause);
    }
}
