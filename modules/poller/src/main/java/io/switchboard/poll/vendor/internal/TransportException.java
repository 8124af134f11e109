package io.switchboard.poll.vendor.internal;

import io.switchboard.core.SwitchboardException;

/**
 * A request that got no (complete) HTTP answer: refused or reset connection, timeout, TLS failure, an answer larger
 * than the body bound. Retriable unless {@link Kind#retriable} says otherwise; the message names the host and what to
 * check, never a secret.
 */
public final class TransportException extends SwitchboardException {

    private static final long serialVersionUID = 1L;

    /** What went wrong on the way. */
    public enum Kind {
        CONNECTION_REFUSED(true), DNS(false), CONNECT_TIMEOUT(true), TIMEOUT(true), CONNECTION_RESET(true),
        CONNECTION_CLOSED(true), TLS(false), BODY_TOO_LARGE(false), IO(true);

        final boolean retriable;

        Kind(boolean retriable) {
            this.retriable = retriable;
        }

        /** Whether sending the same request again may get an answer. */
        public boolean retriable() {
            return retriable;
        }
    }

    private final Kind kind;

    public TransportException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }

    @Override
    public boolean isRetriable() {
        return kind.retriable;
    }
}
