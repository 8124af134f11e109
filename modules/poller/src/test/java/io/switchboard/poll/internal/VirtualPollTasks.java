package io.switchboard.poll.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.PriorityQueue;

/**
 * {@link PollTasks} on a virtual clock for tests: nothing runs until the test calls {@link #runDue()} or
 * {@link #advance(Duration)}, which run the due tasks in time order on the calling thread.
 */
final class VirtualPollTasks implements PollTasks {

    private record Entry(Instant due, long order, Runnable task, boolean[] cancelled) {
    }

    private final PriorityQueue<Entry> queue = new PriorityQueue<>((a, b) -> a.due.equals(b.due)
            ? Long.compare(a.order, b.order) : a.due.compareTo(b.due));
    private Instant now;
    private long order;

    VirtualPollTasks(Instant start) {
        this.now = start;
    }

    @Override
    public synchronized Instant now() {
        return now;
    }

    @Override
    public synchronized void execute(Runnable task) {
        queue.add(new Entry(now, order++, task, new boolean[1]));
    }

    @Override
    public synchronized Cancellable schedule(Runnable task, Duration delay) {
        Entry e = new Entry(delay.isNegative() ? now : now.plus(delay), order++, task, new boolean[1]);
        queue.add(e);
        return () -> e.cancelled[0] = true;
    }

    /** Runs every task due now (and those they submit for now). */
    void runDue() {
        while (true) {
            Entry e;
            synchronized (this) {
                e = queue.peek();
                if (e == null || e.due.isAfter(now)) {
                    return;
                }
                queue.poll();
            }
            if (!e.cancelled[0]) {
                e.task.run();
            }
        }
    }

    /** Moves the clock forward by {@code d} in steps to each due task, running tasks as they fall due. */
    void advance(Duration d) {
        Instant end;
        synchronized (this) {
            end = now.plus(d);
        }
        while (true) {
            runDue();
            synchronized (this) {
                Entry next = queue.peek();
                if (next == null || next.due.isAfter(end)) {
                    now = end;
                    break;
                }
                now = next.due;
            }
        }
        runDue();
    }

    /** Moves the clock without running anything (a stalled thread). */
    synchronized void jump(Duration d) {
        now = now.plus(d);
    }
}
