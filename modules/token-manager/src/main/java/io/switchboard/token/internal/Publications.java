package io.switchboard.token.internal;

import java.util.concurrent.CompletableFuture;

import io.switchboard.events.token.TokenRecord;
import io.switchboard.events.token.TokenStatus;

/** Where the scheduler's results go: {@code tokens} and {@code token-status}. Thread-safe. */
public interface Publications {

    /** Publishes a token; completes when the broker acknowledged it (acks=all). */
    CompletableFuture<Void> publish(TokenRecord record);

    /** Publishes a tombstone for a removed credential. */
    CompletableFuture<Void> tombstone(String credentialId);

    /** Publishes a status event; best effort. */
    void status(TokenStatus status);
}
