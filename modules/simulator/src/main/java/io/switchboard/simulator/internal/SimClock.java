package io.switchboard.simulator.internal;

import java.util.concurrent.atomic.AtomicLong;

/** Wall clock plus an offset tests can advance (to expire tokens and sessions without waiting). Thread-safe. */
public final class SimClock {

    private final AtomicLong offsetMillis = new AtomicLong();

    public long nowMillis() {
        return System.currentTimeMillis() + offsetMillis.get();
    }

    public void advance(long millis) {
        offsetMillis.addAndGet(millis);
    }
}
