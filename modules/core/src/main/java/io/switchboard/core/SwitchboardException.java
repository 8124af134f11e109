package io.switchboard.core;

/**
 * Root of every exception Switchboard throws on purpose.
 *
 * <p>Unchecked. Each subclass says in its Javadoc whether the failure is retriable and what the
 * caller should do. Messages never contain secrets or token material: they name the setting, the
 * vendor answer or the record that is wrong and what would fix it.
 */
public class SwitchboardException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** @param message what is wrong and what to do about it; never a secret */
    public SwitchboardException(String message) {
        super(message);
    }

    /** @param message what is wrong and what to do about it; never a secret */
    public SwitchboardException(String message, Throwable cause) {
        super(message, cause);
    }

    /** Whether repeating the same operation later may succeed. Subclasses override. */
    public boolean isRetriable() {
        return false;
    }
}
