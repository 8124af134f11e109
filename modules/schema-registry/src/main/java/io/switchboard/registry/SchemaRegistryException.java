package io.switchboard.registry;

import io.switchboard.core.SwitchboardException;

/**
 * A schema registry answered with an error, or could not be asked.
 *
 * <p>Carries the HTTP status and the registry's {@code error_code} (e.g. 40401, 42201, 50001) so
 * callers can branch on them; {@code -1} when there was no answer. Subclasses name the common
 * cases. Retriable only for 5xx answers and transport failures ({@link SchemaRegistryUnavailableException});
 * everything else needs a change of schema, subject or configuration.
 */
public class SchemaRegistryException extends SwitchboardException {

    private static final long serialVersionUID = 1L;

    private final int status;
    private final int errorCode;

    /**
     * @param status    HTTP status, or -1 when there was no HTTP answer
     * @param errorCode the registry's {@code error_code}, or -1 when the body had none
     * @param message   what is wrong and what to do; never a secret
     */
    public SchemaRegistryException(int status, int errorCode, String message) {
        super(message);
        this.status = status;
        this.errorCode = errorCode;
    }

    /** Same, with a cause. */
    public SchemaRegistryException(int status, int errorCode, String message, Throwable cause) {
        super(message, cause);
        this.status = status;
        this.errorCode = errorCode;
    }

    /** HTTP status of the registry's answer, or -1 when there was none. */
    public int status() {
        return status;
    }

    /** The registry's {@code error_code} (e.g. 40401), or -1 when it gave none. */
    public int errorCode() {
        return errorCode;
    }

    @Override
    public boolean isRetriable() {
        return status >= 500;
    }
}
