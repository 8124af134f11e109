package io.switchboard.simulator.internal;

import java.time.Instant;
import java.util.function.LongSupplier;

/**
 * The simulator's clock: a running base plus an offset tests can advance (to expire tokens and sessions without
 * waiting); can be frozen so that several answers are taken at exactly the same simulated instant. Thread-safe.
 *
 * <p>The base is either the wall clock or, when a start instant is configured, that instant plus the time elapsed
 * since the clock was made (monotonic, so the simulated time never depends on the wall clock's hour or date).
 */
public final class SimClock {

    /** Simulated time before the offset: wall clock, or start instant + monotonic elapsed time. */
    private final LongSupplier base;
    /** The frozen instant, or {@code Long.MIN_VALUE} while the clock runs. Written under the lock. */
    private volatile long frozenAt = Long.MIN_VALUE;
    /** Simulated minus base time while the clock runs. Written under the lock. */
    private volatile long offset;

    /** A running clock that follows the wall clock. */
    public SimClock() {
        this(null, false);
    }

    /**
     * A clock that starts at {@code start} (or the wall clock when null) and is frozen there when {@code frozen}.
     */
    public SimClock(Instant start, boolean frozen) {
        if (start == null) {
            base = System::currentTimeMillis;
        } else {
            long startMillis = start.toEpochMilli();
            long startNanos = System.nanoTime();
            base = () -> startMillis + (System.nanoTime() - startNanos) / 1_000_000L;
        }
        if (frozen) {
            frozenAt = start != null ? start.toEpochMilli() : base.getAsLong();
        }
    }

    public long nowMillis() {
        long f = frozenAt;
        return f != Long.MIN_VALUE ? f : base.getAsLong() + offset;
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
            frozenAt = base.getAsLong() + offset;
        }
    }

    /** Lets simulated time run on from where it was frozen. */
    public synchronized void resume() {
        if (frozenAt != Long.MIN_VALUE) {
            offset = frozenAt - base.getAsLong();
            frozenAt = Long.MIN_VALUE;
        }
    }

    /** True while the clock is frozen. */
    public boolean frozen() {
        return frozenAt != Long.MIN_VALUE;
    }
}
