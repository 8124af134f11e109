package io.switchboard.testkit;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * What a test or fixture started, closed in reverse order of starting: a poller before the token manager it reads
 * from, the token manager before the registry and the simulator. Every resource is closed even when an earlier one
 * fails to close.
 */
public final class Closer implements AutoCloseable {

    private final Deque<AutoCloseable> resources = new ArrayDeque<>();

    /** Registers a resource to close; returns it, so it can be registered where it is created. */
    public synchronized <T extends AutoCloseable> T add(T resource) {
        resources.push(resource);
        return resource;
    }

    /**
     * Closes everything registered, the latest first, and forgets it.
     *
     * @throws Exception the first failure to close, with the later ones suppressed in it
     */
    @Override
    public void close() throws Exception {
        Exception first = closeAll();
        if (first != null) {
            throw first;
        }
    }

    /** Closes everything like {@link #close()} but ignores failures: for teardown that must go on whatever happens. */
    public void closeQuietly() {
        closeAll();
    }

    private Exception closeAll() {
        Exception first = null;
        for (AutoCloseable r = poll(); r != null; r = poll()) {
            try {
                r.close();
            } catch (Exception e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        return first;
    }

    private synchronized AutoCloseable poll() {
        return resources.poll();
    }
}
