package io.switchboard.registry;

/**
 * The registry rejected the schema or a parameter as invalid (HTTP 422: 42201 invalid schema,
 * 42202 invalid version, 42203 invalid compatibility level). Not retriable: fix the schema or the
 * parameter named in the message.
 */
public class InvalidSchemaException extends SchemaRegistryException {

    private static final long serialVersionUID = 1L;

    /** Error code the Confluent API uses for this case. */
    public static final int ERROR_CODE = 42201;

    /** @param message what is wrong and what to do */
    public InvalidSchemaException(int status, int errorCode, String message) {
        super(status, errorCode, message);
    }

    /** Same, with a cause. */
    public InvalidSchemaException(int status, int errorCode, String message, Throwable cause) {
        super(status, errorCode, message, cause);
    }
}
