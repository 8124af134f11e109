package io.switchboard.registry;

/**
 * The registry refused the credentials (HTTP 401) or the permission (HTTP 403). Not retriable: set
 * {@code basic.auth.user.info} (with {@code basic.auth.credentials.source=USER_INFO}) or
 * {@code bearer.auth.token} to a principal the registry accepts and that may use the subject.
 * Never carries the credentials.
 */
public class SchemaRegistryAuthenticationException extends SchemaRegistryException {

    private static final long serialVersionUID = 1L;

    /** @param message what is wrong and what to do */
    public SchemaRegistryAuthenticationException(int status, int errorCode, String message) {
        super(status, errorCode, message);
    }
}
