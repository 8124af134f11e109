package io.switchboard.registry;

/**
 * The subject exists but not the version asked for (error code 40402). Not retriable: list the
 * subject's versions and ask for one of them, or for {@code latest}.
 */
public class VersionNotFoundException extends SchemaRegistryException {

    private static final long serialVersionUID = 1L;

    /** Error code the Confluent API uses for this case. */
    public static final int ERROR_CODE = 40402;

    /** @param message what is wrong and what to do */
    public VersionNotFoundException(int status, int errorCode, String message) {
        super(status, errorCode, message);
    }

    /** Same, with a cause. */
    public VersionNotFoundException(int status, int errorCode, String message, Throwable cause) {
        super(status, errorCode, message, cause);
    }
}
