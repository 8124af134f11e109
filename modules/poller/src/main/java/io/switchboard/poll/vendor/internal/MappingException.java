package io.switchboard.poll.vendor.internal;

import io.switchboard.core.SwitchboardException;

/**
 * A vendor answer whose shape no longer matches what the mapper reads (e.g. {@code results} is not a list). Becomes a
 * MAPPING poll error with a short excerpt of the answer; retriable in the sense that the next poll tries again.
 */
public final class MappingException extends SwitchboardException {

    private static final long serialVersionUID = 1L;

    public MappingException(String message) {
        super(message);
    }
}
