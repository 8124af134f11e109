package io.switchboard.registry;

/**
 * The registry does not know the subject (error code 40401). Not retriable: register a schema under the
 * subject first (enable {@code auto.register.schemas}, or POST it), or check the subject name strategy.
 */
public class SubjectNotFoundException extends SchemaRegistryException {

    private static final long serialVersionUID = 1L;

    /** Error code the Confluent API uses for this case. */
    public static final int ERROR_CODE = 40401;

    /** @param message what is wrong and what to do */
    public SubjectNotFoundException(int status, int errorCode, String message) {
        super(status, errorCode, message);
    }

    /** Same, with a cause. */
    public SubjectNotFoundException(int status, int errorCode, String message, Throwable cause) {
        super(status, errorCode, message, cause);
    }
}
