package io.switchboard.simulator.internal;

/**
 * Wall clock plus an offset tests can advance (to expire tokens and sessions without waiting); can be frozen so
 * that several answers are taken at exactly the same simulated instant. Thread-safe.
 */
public final class SimClock {

    /** The frozen instant, or {@code Long.MIN_VALUE} while the clock runs. Written under the lock. */
    private volatile long frozenAt = Long.MIN_VALUE;
    /** Simulated minus wall-clock time while the clock runs. Written under the lock. */
    private volatile long offset;

    public long nowMillis() {
        long f = frozenAt;
        return f != Long.MIN_VALUE ? f : System.currentTimeMillis() + offset;
    }

    public synchronized void advance(long millis) {
        if (frozenAt != Long.MIN_VALUE) {
            frozenAt += millis;
        } else {
            offset += millis;
        }
    }

    /** Stops simulated time at the current instant ({@link #advance} still moves it). */
    public synchronized void freeze() {
        if (frozenAt == Long.MIN_VALUE) {
            frozenAt = System.currentTimeMillis() + offset;
        }
    }

    /** Lets simulated time run on from where it was frozen. */
    public synchronized void resume() {
        if (frozenAt != Long.MIN_VALUE) {
            offset = frozenAt - System.currentTimeMillis();
            frozenAt = Long.MIN_VALUE;
        }
    }
}
