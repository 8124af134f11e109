package io.switchboard.token;

import io.switchboard.core.SwitchboardException;

/**
 * The {@link TokenTable} was closed before a {@link TokenTable#catchUp()} or {@link TokenTable#requestRefresh}
 * completed, or was already closed when it was called. Not retriable on this table: the caller is shutting down, or
 * must use a table that is open.
 */
public class TokenTableClosedException extends SwitchboardException {

    private static final long serialVersionUID = 1L;

    public TokenTableClosedException(String message) {
        super(message);
    }
}
