package io.switchboard.simulator.internal;

import io.switchboard.simulator.SimulatorConfig.QueueSpec;

/**
 * The evolving state of one queue. Advanced lazily, one-second ticks at a time, when it is observed:
 * arrivals follow a busy-hour curve, agents answer, contacts abandon, interactions end in after-call
 * work, agents drift on and off queue. Deterministic for a given seed and observation times.
 * Thread-safe (synchronized; contention is per queue).
 */
final class QueueModel {

    /** Share of the peak arrival rate for each hour of the day (UTC). */
    private static final double[] BUSY = {
        0.05, 0.04, 0.03, 0.03, 0.04, 0.08, 0.2, 0.45, 0.75, 0.95, 1.0, 1.0,
        0.8, 0.85, 1.0, 0.95, 0.85, 0.6, 0.4, 0.3, 0.22, 0.15, 0.1, 0.07};
    private static final int MAX_CATCH_UP_TICKS = 120;
    private static final double AVG_HANDLE_S = 240;
    private static final double AVG_ACW_S = 30;
    private static final double PATIENCE_S = 150;

    final QueueSpec spec;
    final int index;
    private long rng;
    private long lastTickSec;
    private long sequence;
    private int waiting;
    private int alerting;
    private int interacting;
    private int acw;
    private int idle;
    private int offQueue;
    private long oldestWaitStartMs;
    private long oldestInteractionStartMs;
    private long offered;
    private long answered;
    private long abandoned;
    private long answeredInSla;
    private long handleSumMs;
    private long completed;
    private long waitSumMs;
    private long acwSumMs;

    QueueModel(QueueSpec spec, int index, long seed, long nowMillis) {
        this.spec = spec;
        this.index = index;
        this.rng = mix(seed ^ (0x9E3779B97F4A7C15L * (index + 1)));
        this.lastTickSec = nowMillis / 1000;
        double f = busy(nowMillis);
        int members = spec.agents();
        int on = (int) Math.round(members * (0.3 + 0.6 * f));
        this.offQueue = members - on;
        // Start near the steady state of this hour rather than empty.
        this.interacting = (int) Math.min(on, Math.round(on * 0.8 * f));
        this.idle = on - interacting;
        this.waiting = (int) Math.round(f * members * 0.1 * next());
        this.oldestWaitStartMs = waiting > 0 ? nowMillis - (long) (next() * 60_000) : 0;
        this.oldestInteractionStartMs = interacting > 0 ? nowMillis - (long) (next() * 300_000) : 0;
    }

    static double busy(long millis) {
        int hour = (int) ((millis / 3_600_000L) % 24);
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
        long nowSec = nowMillis / 1000;
        long ticks = nowSec - lastTickSec;
        if (ticks > 0) {
            long start = Math.max(lastTickSec + 1, nowSec - MAX_CATCH_UP_TICKS + 1);
            for (long s = start; s <= nowSec; s++) {
                tick(s * 1000);
            }
            lastTickSec = nowSec;
        }
        sequence++;
        int busyAgents = interacting;
        int onQueue = idle + busyAgents + acw + alerting;
        return new QueueSnapshot(sequence, nowMillis, waiting, alerting, interacting,
                waiting > 0 ? Math.max(0, nowMillis - oldestWaitStartMs) : 0,
                interacting > 0 ? Math.max(0, nowMillis - oldestInteractionStartMs) : 0,
                spec.agents(), onQueue, idle, busyAgents, acw, offQueue, offered, answered, abandoned, answeredInSla,
                handleSumMs, completed, waitSumMs, acwSumMs);
    }

    synchronized long sequence() {
        return sequence;
    }

    private void tick(long ms) {
        double f = busy(ms);
        // Agents drift toward this hour's staffing.
        int target = (int) Math.round(spec.agents() * (0.3 + 0.6 * f));
        int on = idle + interacting + acw;
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
                handleSumMs += (long) ((AVG_HANDLE_S * (0.4 + 1.2 * next()) + AVG_ACW_S) * 1000);
            }
            oldestInteractionStartMs = interacting > 0 ? oldestInteractionStartMs + (long) (AVG_HANDLE_S * 1000 / (interacting + 1)) : 0;
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
        // Alerting contacts get answered; idle agents get offered the waiting contacts (FIFO).
        if (alerting > 0) {
            int answer = alerting;
            alerting = 0;
            answered += answer;
            interacting += answer;
            if (oldestInteractionStartMs == 0) {
                oldestInteractionStartMs = ms;
            }
        }
        int offer = Math.min(waiting, idle);
        if (offer > 0) {
            long age = Math.max(0, ms - oldestWaitStartMs);
            for (int i = 0; i < offer; i++) {
                long w = (long) (age * (1 - (double) i / (waiting + 1)));
                waitSumMs += w;
                if (w <= 20_000) {
                    answeredInSla++;
                }
            }
            waiting -= offer;
            idle -= offer;
            alerting += offer;
            oldestWaitStartMs = waiting > 0 ? ms - age * waiting / (waiting + offer) : 0;
        }
        if (waiting == 0) {
            oldestWaitStartMs = 0;
        }
    }
}
