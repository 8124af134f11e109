package io.switchboard.simulator.internal;

import io.switchboard.simulator.SimulatorConfig;
import io.switchboard.simulator.SimulatorConfig.QueueSpec;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The seeded data generator: every configured (and generated) queue with its evolving state, and a
 * deterministic history for interval queries. Thread-safe.
 */
public final class QueueData {

    /** Copy-on-write: readers take the current list without locking; {@link #add} and {@link #remove} replace it. */
    private volatile List<QueueModel> models;
    private final Map<String, QueueModel> byId;
    private final Map<Integer, QueueModel> bySkill;
    private final long seed;
    private int nextIndex;

    QueueData(SimulatorConfig config, long nowMillis) {
        this.seed = config.seed();
        List<QueueSpec> specs = new ArrayList<>(config.queues());
        java.util.Random r = new java.util.Random(config.seed());
        String[] media = {"voice", "chat", "email", "message", "callback"};
        for (int i = 0; i < config.generatedQueues(); i++) {
            long hi = (r.nextLong() & 0xffffffffffff0fffL) | 0x0000000000004000L;
            long lo = (r.nextLong() & 0x3fffffffffffffffL) | 0x8000000000000000L;
            List<String> m = (i % 3 == 0) ? List.of("voice", media[1 + i % 4]) : List.of("voice");
            specs.add(new QueueSpec(new UUID(hi, lo).toString(), String.format("Queue %05d", i), 20_000 + i, m, 5 + r.nextInt(60)));
        }
        List<QueueModel> list = new ArrayList<>(specs.size());
        Map<String, QueueModel> ids = new java.util.concurrent.ConcurrentHashMap<>(specs.size() * 2);
        Map<Integer, QueueModel> skills = new java.util.concurrent.ConcurrentHashMap<>(specs.size() * 2);
        for (int i = 0; i < specs.size(); i++) {
            QueueModel m = new QueueModel(specs.get(i), i, config.seed(), nowMillis);
            list.add(m);
            ids.put(m.spec.id(), m);
            skills.put(m.spec.skillId(), m);
        }
        this.models = Collections.unmodifiableList(list);
        this.byId = ids;
        this.bySkill = skills;
        this.nextIndex = list.size();
    }

    /**
     * Adds a queue at run time (every vendor reports it from now on, as when an admin creates a queue).
     *
     * @return false when a queue with that id or skill id exists
     */
    public synchronized boolean add(QueueSpec spec, long nowMillis) {
        if (byId.containsKey(spec.id()) || bySkill.containsKey(spec.skillId())) {
            return false;
        }
        QueueModel m = new QueueModel(spec, nextIndex++, seed, nowMillis);
        List<QueueModel> list = new ArrayList<>(models);
        list.add(m);
        byId.put(spec.id(), m);
        bySkill.put(spec.skillId(), m);
        models = Collections.unmodifiableList(list);
        return true;
    }

    /** Removes a queue at run time (no vendor reports it any more). Returns whether it existed. */
    public synchronized boolean remove(String queueId) {
        QueueModel m = byId.remove(queueId);
        if (m == null) {
            return false;
        }
        bySkill.remove(m.spec.skillId());
        List<QueueModel> list = new ArrayList<>(models);
        list.remove(m);
        models = Collections.unmodifiableList(list);
        return true;
    }

    public List<String> ids() {
        List<String> out = new ArrayList<>(models.size());
        for (QueueModel m : models) {
            out.add(m.spec.id());
        }
        return out;
    }

    List<QueueModel> all() {
        return models;
    }

    QueueModel byId(String id) {
        return byId.get(id);
    }

    QueueModel bySkill(int skillId) {
        return bySkill.get(skillId);
    }

    /** Current observation counter of a queue (how many answers included it), or -1 for an unknown queue. */
    public long sequence(String queueId) {
        QueueModel m = byId.get(queueId);
        return m == null ? -1 : m.sequence();
    }

    /**
     * Deterministic totals of one queue over one interval (for aggregate and summary queries): the same
     * arguments always give the same figures. Traffic follows the same busy-hour curve as the live state.
     */
    IntervalStats interval(QueueModel q, long startMillis, long endMillis, int mediaIndex, int mediaCount) {
        long offered = 0;
        // Sum per started minute, so that adjacent intervals add up to their union.
        long firstMinute = Math.floorDiv(startMillis, 60_000L);
        long lastMinute = Math.floorDiv(endMillis - 1, 60_000L);
        if (lastMinute - firstMinute > 60L * 24 * 93) {
            lastMinute = firstMinute + 60L * 24 * 93;
        }
        double perMinute = q.spec.agents() / 240.0 * 60;
        for (long m = firstMinute; m <= lastMinute; m++) {
            double f = QueueModel.busy(m * 60_000L);
            double u = unit(q.index, m, 1);
            double expected = perMinute * f * (0.8 + 0.4 * u);
            long n = (long) expected + (unit(q.index, m, 2) < expected - (long) expected ? 1 : 0);
            offered += n;
        }
        offered = QueueSnapshot.share((int) Math.min(Integer.MAX_VALUE, offered), mediaCount, mediaIndex);
        double key = unit(q.index, firstMinute * 31 + lastMinute, 3);
        long abandoned = Math.round(offered * (0.02 + 0.08 * key));
        long answered = offered - abandoned;
        long overSla = Math.round(answered * (0.05 + 0.25 * key));
        long handleAvg = (long) (180_000 + 120_000 * unit(q.index, firstMinute, 4));
        long waitAvg = (long) (5_000 + 40_000 * key);
        long acwAvg = 20_000 + (long) (20_000 * unit(q.index, firstMinute, 5));
        return new IntervalStats(offered, answered, abandoned, overSla, handleAvg, waitAvg, acwAvg,
                answered == 0 ? 0 : handleAvg / 3, answered == 0 ? 0 : handleAvg * 3, (long) (waitAvg * 4.5));
    }

    private double unit(int queue, long bucket, int salt) {
        long z = seed ^ (queue * 0xD1B54A32D192ED03L) ^ (bucket * 0x9E3779B97F4A7C15L) ^ (salt * 0xABCDEF1234567L);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        z = z ^ (z >>> 31);
        return (z >>> 11) * 0x1.0p-53;
    }

    /** Totals over an interval; times in milliseconds. */
    public record IntervalStats(long offered, long answered, long abandoned, long overSla, long avgHandleMs,
                                long avgWaitMs, long avgAcwMs, long minHandleMs, long maxHandleMs, long maxWaitMs) {
    }
}
