package io.switchboard.token;

/**
 * Told about every new token version a {@link TokenTable} reads. Called on the table's consumer
 * thread, in the order of the topic: implementations must be quick and must not block (hand long
 * work to another thread). An exception thrown is logged and ignored.
 */
@FunctionalInterface
public interface TokenListener {

    /** A new version of {@code credentialId}'s token is readable. */
    void onToken(String credentialId, TokenView token);

    /** The credential was removed or revoked (a tombstone): stop using its token. */
    default void onRemoved(String credentialId) {
    }
}
