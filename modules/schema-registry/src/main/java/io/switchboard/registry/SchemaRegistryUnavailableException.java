package io.switchboard.registry;

/**
 * The registry could not be reached, timed out, or kept answering 5xx after every retry.
 * Retriable: the client already retried with backoff ({@code max.retries}); try again later, check
 * that {@code schema.registry.url} points at a running registry, and that TLS settings match it.
 */
public class SchemaRegistryUnavailableException extends SchemaRegistryException {

    private static final long serialVersionUID = 1L;

    /** @param status the last HTTP status, or -1 when there was no answer */
    public SchemaRegistryUnavailableException(int status, int errorCode, String message, Throwable cause) {
        super(status, errorCode, message, cause);
    }

    @Override
    public boolean isRetriable() {
        return true;
    }
}
