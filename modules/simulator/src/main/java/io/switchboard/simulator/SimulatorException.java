package io.switchboard.simulator;

import io.switchboard.core.SwitchboardException;

/**
 * The simulator could not start (port taken, Vert.x failure) or was used after {@code close()}.
 * Not retriable as such: change the port or configuration and start again.
 */
public class SimulatorException extends SwitchboardException {

    private static final long serialVersionUID = 1L;

    public SimulatorException(String message, Throwable cause) {
        super(message, cause);
    }

    public SimulatorException(String message) {
        super(message);
    }
}
