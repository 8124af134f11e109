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
    private final QueueHistory history;
    private final long seed;
    private int nextIndex;

    QueueData(SimulatorConfig config, long nowMillis) {
        this.history = new QueueHistory(config.seed());
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
            QueueModel m = new QueueModel(specs.get(i), i, config.seed(), nowMillis, history);
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
        QueueModel m = new QueueModel(spec, nextIndex++, seed, nowMillis, history);
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

    /** The observations of a queue served in answers that never reached a client intact, ascending; empty when unknown. */
    public java.util.List<Long> undelivered(String queueId) {
        QueueModel m = byId.get(queueId);
        return m == null ? java.util.List.of() : m.undeliveredSequences();
    }

    /**
     * Deterministic totals of one queue over one interval (for aggregate and summary queries): the same
     * arguments always give the same figures, adjacent intervals add up to their union and the media types of a queue
     * add up to the queue. Traffic follows the same busy-hour curve as the live state. See {@link QueueHistory}.
     */
    IntervalStats interval(QueueModel q, long startMillis, long endMillis, int mediaIndex, int mediaCount) {
        return history.interval(q, startMillis, endMillis, mediaIndex, mediaCount);
    }

    /**
     * Totals over an interval; times in milliseconds. Counts: {@code offered = answered + abandoned},
     * {@code overSla <= answered}, {@code transferred <= answered}. Sums: handle, talk and after-call work over the
     * answered contacts, answer wait over the answered, abandon wait over the abandoned, wait over the offered.
     * Minimum and maximum are per contact; each average lies between them.
     */
    public record IntervalStats(long offered, long answered, long abandoned, long overSla, long transferred,
                                long handleSumMs, long talkSumMs, long acwSumMs, long answerWaitSumMs, long abandonWaitSumMs,
                                long waitSumMs, long minHandleMs, long maxHandleMs, long maxAcwMs, long maxWaitMs) {

        /** Average handle time of the answered contacts, 0 when none. */
        public double avgHandleMs() {
            return answered == 0 ? 0 : (double) handleSumMs / answered;
        }

        /** Average after-call work of the answered contacts, 0 when none. */
        public double avgAcwMs() {
            return answered == 0 ? 0 : (double) acwSumMs / answered;
        }

        /** Average speed of answer, 0 when none answered. */
        public double avgAnswerWaitMs() {
            return answered == 0 ? 0 : (double) answerWaitSumMs / answered;
        }
    }
}
