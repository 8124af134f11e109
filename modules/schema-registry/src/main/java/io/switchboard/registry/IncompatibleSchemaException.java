package io.switchboard.registry;

/**
 * The schema breaks the subject's compatibility rule (HTTP 409, error code 409). Not retriable: change
 * the schema so it stays compatible (e.g. give new fields a default), or change the subject's
 * compatibility level on purpose. The message carries the registry's reasons.
 */
public class IncompatibleSchemaException extends SchemaRegistryException {

    private static final long serialVersionUID = 1L;

    /** Error code the Confluent API uses for this case. */
    public static final int ERROR_CODE = 409;

    /** @param message what is wrong and what to do */
    public IncompatibleSchemaException(int status, int errorCode, String message) {
        super(status, errorCode, message);
    }

    /** Same, with a cause. */
    public IncompatibleSchemaException(int status, int errorCode, String message, Throwable cause) {
        super(status, errorCode, message, cause);
    }
}
