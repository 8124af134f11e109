package io.switchboard.simulator.internal;

import io.switchboard.simulator.SimulatorConfig.QueueSpec;

/**
 * The evolving state of one queue. Advanced lazily, one-second ticks at a time, when it is observed:
 * arrivals follow a busy-hour curve, agents answer, contacts abandon, interactions end in after-call
 * work, agents drift on and off queue. Deterministic for a given seed and observation times.
 * Thread-safe (synchronized; contention is per queue).
 *
 * <p>Invariants, true after every tick and in every {@link QueueSnapshot}:
 * <ul>
 *   <li>every contact is counted as offered when it first appears (those present at start-up too):
 *       {@code offered = answered + abandoned + waiting + alerting};</li>
 *   <li>a contact is counted as answered (and its wait, and whether it was within the service level) when an agent
 *       answers it: {@code answered = interacting + completed}, {@code answeredInSla <= answered}, so the service
 *       level stays within 0–100 %;</li>
 *   <li>every agent is in exactly one state: {@code idle + alerting + interacting + acw + offQueue = members};</li>
 *   <li>no count is negative and the cumulative counters never decrease.</li>
 * </ul>
 *
 * <p>A gap longer than {@value #MAX_CATCH_UP_TICKS} s between observations (a clock jump, or a slow poller) is not
 * ticked through: the contacts in flight finish, the gap's traffic is added from the deterministic
 * {@link QueueHistory}, the queue settles into the state of the new hour, and the last
 * {@value #MAX_CATCH_UP_TICKS} s are ticked.
 */
final class QueueModel {

    /** Share of the peak arrival rate for each hour of the day (UTC). */
    private static final double[] BUSY = {
        0.05, 0.04, 0.03, 0.03, 0.04, 0.08, 0.2, 0.45, 0.75, 0.95, 1.0, 1.0,
        0.8, 0.85, 1.0, 0.95, 0.85, 0.6, 0.4, 0.3, 0.22, 0.15, 0.1, 0.07};
    static final int MAX_CATCH_UP_TICKS = 120;
    private static final double AVG_HANDLE_S = 240;
    private static final double AVG_ACW_S = 30;
    private static final double PATIENCE_S = 150;
    /** Service-level threshold: answered within this wait counts towards the service level. */
    static final long SLA_MS = 20_000;

    final QueueSpec spec;
    final int index;
    private final QueueHistory history;
    private long rng;
    private long lastTickSec;
    private long sequence;
    /** Sequences served in answers that never reached the client intact, oldest dropped beyond the bound. */
    private final java.util.TreeSet<Long> undelivered = new java.util.TreeSet<>();
    private long undeliveredCount;
    // Contacts.
    private int waiting;
    private int interacting;
    /** Waits of the alerting contacts (one per alerting agent), measured when they were offered. */
    private long[] alertingWaitsMs = new long[8];
    private long alertingSinceMs;
    // Agents (alerting agents = alerting contacts, interacting agents = interacting contacts).
    private int alerting;
    private int acw;
    private int idle;
    private int offQueue;
    private long oldestWaitStartMs;
    private long oldestInteractionStartMs;
    // Cumulative counters.
    private long offered;
    private long answered;
    private long abandoned;
    private long answeredInSla;
    private long handleSumMs;
    private long completed;
    private long waitSumMs;
    private long acwSumMs;

    QueueModel(QueueSpec spec, int index, long seed, long nowMillis, QueueHistory history) {
        this.spec = spec;
        this.index = index;
        this.history = history;
        this.rng = mix(seed ^ (0x9E3779B97F4A7C15L * (index + 1)));
        this.lastTickSec = Math.floorDiv(nowMillis, 1000L);
        settle(nowMillis);
    }

    static double busy(long millis) {
        int hour = (int) Math.floorMod(Math.floorDiv(millis, 3_600_000L), 24L);
        return BUSY[hour];
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** Uniform in [0,1). */
    private double next() {
        rng += 0x9E3779B97F4A7C15L;
        return (mix(rng) >>> 11) * 0x1.0p-53;
    }

    private int binomial(int n, double p) {
        if (n <= 0 || p <= 0) {
            return 0;
        }
        int k = 0;
        if (n > 64) {
            // Normal approximation keeps large queues cheap.
            double mean = n * p;
            double sd = Math.sqrt(mean * (1 - p));
            k = (int) Math.round(mean + sd * (next() + next() + next() - 1.5) * 2);
            return Math.max(0, Math.min(n, k));
        }
        for (int i = 0; i < n; i++) {
            if (next() < p) {
                k++;
            }
        }
        return k;
    }

    synchronized QueueSnapshot observe(long nowMillis) {
        long nowSec = Math.floorDiv(nowMillis, 1000L);
        if (nowSec - lastTickSec > MAX_CATCH_UP_TICKS) {
            long resumeSec = nowSec - MAX_CATCH_UP_TICKS;
            skip((lastTickSec + 1) * 1000, resumeSec * 1000);
            lastTickSec = resumeSec;
        }
        for (long s = lastTickSec + 1; s <= nowSec; s++) {
            tick(s * 1000);
        }
        lastTickSec = Math.max(lastTickSec, nowSec);
        sequence++;
        int onQueue = idle + interacting + acw + alerting;
        return new QueueSnapshot(sequence, nowMillis, waiting, alerting, interacting,
                waiting > 0 ? Math.max(0, nowMillis - oldestWaitStartMs) : 0,
                interacting > 0 ? Math.max(0, nowMillis - oldestInteractionStartMs) : 0,
                spec.agents(), onQueue, idle, interacting, acw, offQueue, offered, answered, abandoned, answeredInSla,
                handleSumMs, completed, waitSumMs, acwSumMs);
    }

    synchronized long sequence() {
        return sequence;
    }

    /** Most undelivered sequences a queue remembers (the count goes on beyond it). */
    static final int MAX_UNDELIVERED = 10_000;

    /**
     * Marks observation {@code seq} as served in an answer that did not reach the client intact (its body was garbled
     * or cut by a fault, or the client had gone when it was written): no client can have used it.
     */
    synchronized void undelivered(long seq) {
        if (undelivered.add(seq)) {
            undeliveredCount++;
            if (undelivered.size() > MAX_UNDELIVERED) {
                undelivered.pollFirst();
            }
        }
    }

    /** The newest undelivered sequences (at most {@link #MAX_UNDELIVERED}), ascending. */
    synchronized java.util.List<Long> undeliveredSequences() {
        return java.util.List.copyOf(undelivered);
    }

    /** How many sequences were undelivered in all (more than {@link #undeliveredSequences()} lists past the bound). */
    synchronized long undeliveredCount() {
        return undeliveredCount;
    }

    /**
     * Puts the queue into a state near the steady state of the hour of {@code ms}: every agent re-assigned, and the
     * contacts this creates (waiting, and interacting ones already answered) counted as offered. Only called when no
     * contact is in flight and no agent is alerting or in after-call work.
     */
    private void settle(long ms) {
        double f = busy(ms);
        int members = spec.agents();
        int on = (int) Math.round(members * (0.3 + 0.6 * f));
        offQueue = members - on;
        interacting = (int) Math.min(on, Math.round(on * 0.8 * f));
        idle = on - interacting;
        waiting = (int) Math.round(f * members * 0.1 * next());
        offered += waiting + interacting;
        answered += interacting;
        for (int i = 0; i < interacting; i++) {
            long w = (long) (next() * 30_000);
            waitSumMs += w;
            if (w <= SLA_MS) {
                answeredInSla++;
            }
        }
        oldestWaitStartMs = waiting > 0 ? ms - (long) (next() * 60_000) : 0;
        oldestInteractionStartMs = interacting > 0 ? ms - (long) (next() * 300_000) : 0;
    }

    /**
     * Passes over {@code [fromMs, toMs)} without ticking: the contacts in flight finish (alerting ones are answered,
     * interactions and after-call work end, waiting ones abandon), the gap's traffic comes from the history, and the
     * queue settles into the state of {@code toMs}.
     */
    private void skip(long fromMs, long toMs) {
        answerAlerting(fromMs);
        for (int i = 0; i < interacting; i++) {
            handleSumMs += handleMs();
        }
        completed += interacting;
        acwSumMs += (long) (interacting + acw) * (long) (AVG_ACW_S * 1000);
        abandoned += waiting;
        waiting = 0;
        interacting = 0;
        acw = 0;
        if (toMs > fromMs) {
            QueueData.IntervalStats gap = history.interval(this, fromMs, toMs, 0, 1);
            offered += gap.offered();
            answered += gap.answered();
            abandoned += gap.abandoned();
            answeredInSla += gap.answered() - gap.overSla();
            completed += gap.answered();
            handleSumMs += gap.handleSumMs();
            waitSumMs += gap.answerWaitSumMs();
            acwSumMs += gap.acwSumMs();
        }
        settle(toMs);
    }

    private long handleMs() {
        return (long) ((AVG_HANDLE_S * (0.4 + 1.2 * next()) + AVG_ACW_S) * 1000);
    }

    /** The alerting contacts are answered at {@code ms}: counted as answered, with their wait and service level. */
    private void answerAlerting(long ms) {
        if (alerting == 0) {
            return;
        }
        long ringMs = Math.max(0, ms - alertingSinceMs);
        for (int i = 0; i < alerting; i++) {
            long w = alertingWaitsMs[i] + ringMs;
            waitSumMs += w;
            if (w <= SLA_MS) {
                answeredInSla++;
            }
        }
        answered += alerting;
        if (interacting == 0) {
            oldestInteractionStartMs = ms;
        }
        interacting += alerting;
        alerting = 0;
    }

    private void tick(long ms) {
        double f = busy(ms);
        // Agents drift toward this hour's staffing.
        int target = (int) Math.round(spec.agents() * (0.3 + 0.6 * f));
        int on = idle + interacting + acw + alerting;
        if (on < target && offQueue > 0 && next() < 0.05) {
            offQueue--;
            idle++;
        } else if (on > target && idle > 0 && next() < 0.05) {
            idle--;
            offQueue++;
        }
        // Interactions end into after-call work; after-call work ends into idle.
        int ended = binomial(interacting, 1 / AVG_HANDLE_S);
        if (ended > 0) {
            interacting -= ended;
            acw += ended;
            completed += ended;
            for (int i = 0; i < ended; i++) {
                handleSumMs += handleMs();
            }
            oldestInteractionStartMs = interacting > 0
                    ? Math.min(ms, oldestInteractionStartMs + (long) (AVG_HANDLE_S * 1000 / (interacting + 1))) : 0;
        }
        int acwEnded = binomial(acw, 1 / AVG_ACW_S);
        acw -= acwEnded;
        idle += acwEnded;
        acwSumMs += acwEnded * (long) (AVG_ACW_S * 1000);
        // Arrivals: peak capacity of the staffed agents, times the hour's curve, a little over at peak.
        double lambda = spec.agents() / AVG_HANDLE_S * 1.05 * f * (0.85 + 0.3 * next());
        int arrivals = (int) lambda + (next() < lambda - (int) lambda ? 1 : 0);
        if (arrivals > 0) {
            if (waiting == 0) {
                oldestWaitStartMs = ms;
            }
            waiting += arrivals;
            offered += arrivals;
        }
        // Abandons.
        int gone = binomial(waiting, 1 / PATIENCE_S);
        if (gone > 0) {
            waiting -= gone;
            abandoned += gone;
        }
        // Alerting contacts get answered (counted now); idle agents get offered the waiting contacts (FIFO).
        answerAlerting(ms);
        int offer = Math.min(waiting, idle);
        if (offer > 0) {
            long age = Math.max(0, ms - oldestWaitStartMs);
            if (alertingWaitsMs.length < offer) {
                alertingWaitsMs = new long[Math.max(offer, alertingWaitsMs.length * 2)];
            }
            for (int i = 0; i < offer; i++) {
                alertingWaitsMs[i] = (long) (age * (1 - (double) i / (waiting + 1)));
            }
            alertingSinceMs = ms;
            waiting -= offer;
            idle -= offer;
            alerting = offer;
            oldestWaitStartMs = waiting > 0 ? ms - age * waiting / (waiting + offer) : 0;
        }
        if (waiting == 0) {
            oldestWaitStartMs = 0;
        }
    }
}
