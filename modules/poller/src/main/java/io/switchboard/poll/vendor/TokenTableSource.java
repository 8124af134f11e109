package io.switchboard.poll.vendor;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.switchboard.core.SwitchboardException;
import io.switchboard.token.TokenListener;
import io.switchboard.token.TokenTable;
import io.switchboard.token.TokenView;

/**
 * {@link TokenSource} over a {@link TokenTable}: the only class of the vendor side that touches the table, so that
 * changes of its API are absorbed here. A refresh sends a {@code TokenRefreshRequest} carrying the rejected version
 * and waits, through a table listener, for a newer version to be read from {@code switchboard.tokens}.
 *
 * <p>Thread-safe. Does not own the table: closing the table is the caller's business.
 */
public final class TokenTableSource implements TokenSource {

    private final TokenTable table;

    /** @param table a started table (it may still be loading) */
    public TokenTableSource(TokenTable table) {
        this.table = table;
    }

    @Override
    public Optional<TokenView> current(String credentialId) {
        return table.current(credentialId);
    }

    @Override
    public CompletableFuture<TokenView> refresh(String credentialId, long rejectedVersion, String reason, Integer httpStatus,
                                                Duration wait) {
        CompletableFuture<TokenView> newer = new CompletableFuture<>();
        TokenListener listener = new TokenListener() {
            @Override
            public void onToken(String id, TokenView token) {
                if (id.equals(credentialId) && token.version() > rejectedVersion) {
                    newer.complete(token);
                }
            }

            @Override
            public void onRemoved(String id) {
                if (id.equals(credentialId)) {
                    newer.completeExceptionally(new TokenWaitException("credential '" + credentialId
                            + "' was removed from the token topic while a poll waited for a new token", false));
                }
            }
        };
        table.addListener(listener);
        newer.whenComplete((t, e) -> table.removeListener(listener));
        // A newer version may have arrived before the listener was added.
        table.current(credentialId).filter(t -> t.version() > rejectedVersion).ifPresent(newer::complete);
        if (newer.isDone()) {
            return newer;
        }
        CompletableFuture<Void> sent;
        try {
            sent = table.requestRefresh(credentialId, rejectedVersion, reason, httpStatus);
        } catch (RuntimeException e) {
            sent = CompletableFuture.failedFuture(e);
        }
        sent.whenComplete((ok, error) -> {
            if (error != null) {
                newer.completeExceptionally(new TokenWaitException("the refresh request for credential '" + credentialId
                        + "' (rejected version " + rejectedVersion + ") could not be written to the token-requests topic ("
                        + error.getClass().getSimpleName() + ": " + error.getMessage() + "); the poll retries at its next slot", true));
            }
        });
        return newer.orTimeout(wait.toMillis(), TimeUnit.MILLISECONDS).handle((t, e) -> {
            if (e == null) {
                return CompletableFuture.completedFuture(t);
            }
            Throwable cause = e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e;
            if (cause instanceof TimeoutException) {
                return CompletableFuture.<TokenView>failedFuture(new TokenWaitException("no token newer than version "
                        + rejectedVersion + " of credential '" + credentialId + "' arrived within " + wait.toSeconds()
                        + " s of the refresh request; check that a token manager owns the credential and can log in"
                        + " (switchboard.token-status, switchboard doctor)", true));
            }
            return CompletableFuture.<TokenView>failedFuture(cause);
        }).thenCompose(f -> f);
    }

    /** No newer token could be had: the request was not sent, or nothing arrived in time. */
    public static final class TokenWaitException extends SwitchboardException {
        private static final long serialVersionUID = 1L;
        private final boolean retriable;

        public TokenWaitException(String message, boolean retriable) {
            super(message);
            this.retriable = retriable;
        }

        @Override
        public boolean isRetriable() {
            return retriable;
        }
    }
}
