package io.switchboard.poll.vendor.internal;

import io.switchboard.core.SwitchboardException;
import io.switchboard.events.poll.PollError;

/** A failed vendor call carried through a future chain (discovery, paging); holds the poll error. */
public final class CallFailure extends SwitchboardException {

    private static final long serialVersionUID = 1L;
    private final transient PollError error;

    public CallFailure(PollError error) {
        super(error.getMessage());
        this.error = error;
    }

    public PollError error() {
        return error;
    }

    @Override
    public boolean isRetriable() {
        return error.getRetriable();
    }
}
