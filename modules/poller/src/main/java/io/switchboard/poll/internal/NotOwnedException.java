package io.switchboard.poll.internal;

import io.switchboard.core.SwitchboardException;

/**
 * A finished poll was not written because its job's partition now belongs to another poller, which polls the job
 * again from the last committed progress. Not retriable, and not a failure of the role: the poll is dropped.
 */
public final class NotOwnedException extends SwitchboardException {

    private static final long serialVersionUID = 1L;

    public NotOwnedException(String jobId, int partition) {
        super("job " + jobId + " moved to another poller (partition " + partition + " revoked) before its poll was written;"
                + " the new owner polls it again");
    }
}
