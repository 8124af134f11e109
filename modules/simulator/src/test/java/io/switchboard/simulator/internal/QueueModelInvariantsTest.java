package io.switchboard.simulator.internal;

import io.switchboard.simulator.SimulatorConfig;
import io.switchboard.simulator.SimulatorConfig.QueueSpec;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The live queue model on a fixed clock: every invariant holds at every simulated hour, for every start hour and
 * several seeds, through one-second steps, minutes, and jumps of an hour (pure model, no server).
 */
class QueueModelInvariantsTest {

    private static final long[] SEEDS = {1, 7, 42, 1234, -99, 20240506};
    /** Midnight UTC of the day every sweep starts on. */
    private static final long DAY = Instant.parse("2024-05-06T00:00:00Z").toEpochMilli();
    private static final long HOUR = 3_600_000L;

    /** Every start hour x every seed: queues observed over a simulated day and a bit, with steps of every size. */
    @Test
    void everyInvariantHoldsAtEveryHourForEveryStartHourAndSeed() {
        List<String> violations = new ArrayList<>();
        long observations = 0;
        long offeredSeen = 0;
        for (long seed : SEEDS) {
            for (int startHour = 0; startHour < 24; startHour++) {
                long t = DAY + startHour * HOUR + 17 * 60_000L; // a few minutes into the hour, not on a boundary
                QueueData data = new QueueData(config(seed), t);
                List<QueueSnapshot> previous = new ArrayList<>();
                for (QueueModel q : data.all()) {
                    previous.add(null);
                }
                long[] steps = steps();
                for (long step : steps) {
                    t += step;
                    for (int i = 0; i < data.all().size(); i++) {
                        QueueModel q = data.all().get(i);
                        QueueSnapshot now = q.observe(t);
                        String where = "seed " + seed + ", start " + startHour + ":17 UTC, " + q.spec.name() + " ("
                                + q.spec.agents() + " agents) at " + Instant.ofEpochMilli(t);
                        check(where, now, previous.get(i), violations);
                        previous.set(i, now);
                        observations++;
                    }
                }
                for (QueueSnapshot last : previous) {
                    offeredSeen += last.offered();
                }
            }
        }
        assertThat(violations).as("invariant violations in %d observations", observations).isEmpty();
        assertThat(observations).isGreaterThan(24L * SEEDS.length * 100);
        assertThat(offeredSeen).as("contacts offered over all sweeps").isGreaterThan(10_000);
    }

    @Test
    void sameSeedAndStartInstantGiveTheSameSnapshots() {
        long t0 = DAY + 19 * HOUR + 40 * 60_000L;
        QueueData a = new QueueData(config(42), t0);
        QueueData b = new QueueData(config(42), t0);
        QueueData other = new QueueData(config(43), t0);
        List<QueueSnapshot> fromA = new ArrayList<>();
        List<QueueSnapshot> fromB = new ArrayList<>();
        List<QueueSnapshot> fromOther = new ArrayList<>();
        long t = t0;
        for (long step : new long[] {0, 1_000, 5_000, 60_000, HOUR, 30_000}) {
            t += step;
            for (int i = 0; i < a.all().size(); i++) {
                fromA.add(a.all().get(i).observe(t));
                fromB.add(b.all().get(i).observe(t));
                fromOther.add(other.all().get(i).observe(t));
            }
        }
        assertThat(fromB).isEqualTo(fromA);
        assertThat(fromOther).isNotEqualTo(fromA);
    }

    @Test
    void aJumpOfAnHourAddsAnHoursTrafficAndSettlesIntoTheNewHour() {
        long t = DAY + 3 * HOUR; // quiet night
        QueueData data = new QueueData(config(42), t);
        QueueModel support = data.all().get(0);
        QueueSnapshot night = support.observe(t);
        t += 7 * HOUR; // 10:00, a peak hour
        QueueSnapshot peak = support.observe(t);
        long expected = data.interval(support, DAY + 3 * HOUR, DAY + 10 * HOUR, 0, 1).offered();
        // The gap's traffic (history) plus the contacts the queue settled into: at least the history's figure.
        assertThat(peak.offered() - night.offered()).isGreaterThanOrEqualTo(expected).isPositive();
        assertThat(peak.onQueue()).as("agents on queue at 10:00 vs 03:00").isGreaterThan(night.onQueue());
        assertThat(peak.longestWaitingMs()).as("no contact waits through the jump").isLessThan(HOUR);
    }

    /** Small steps, minutes, just below and above the catch-up limit, and hour jumps across more than a day. */
    private static long[] steps() {
        List<Long> s = new ArrayList<>();
        s.add(0L);
        for (int i = 0; i < 5; i++) {
            s.add(1_000L);
        }
        s.add(250L);
        s.add(7_000L);
        s.add(60_000L);
        s.add(QueueModel.MAX_CATCH_UP_TICKS * 1000L);
        s.add(QueueModel.MAX_CATCH_UP_TICKS * 1000L + 1000L);
        for (int h = 0; h < 26; h++) {
            s.add(HOUR);
            s.add(1_000L);
            s.add(30_000L);
        }
        long[] out = new long[s.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = s.get(i);
        }
        return out;
    }

    private static SimulatorConfig config(long seed) {
        List<QueueSpec> queues = new ArrayList<>(SimulatorConfig.defaults().queues());
        // A large queue (normal approximation of the binomials), a tiny one and one without agents.
        queues.add(new QueueSpec("big", "Big", 3001, List.of("voice", "chat"), 400));
        queues.add(new QueueSpec("tiny", "Tiny", 3002, List.of("voice"), 1));
        queues.add(new QueueSpec("empty", "Empty", 3003, List.of("voice"), 0));
        return SimulatorConfig.builder().seed(seed).queues(queues).generatedQueues(4).build();
    }

    static void check(String where, QueueSnapshot s, QueueSnapshot before, List<String> violations) {
        expect(violations, where, s.waiting() >= 0 && s.alerting() >= 0 && s.interacting() >= 0, "contact counts >= 0", s);
        expect(violations, where, s.idle() >= 0 && s.busy() >= 0 && s.acw() >= 0 && s.offQueue() >= 0 && s.onQueue() >= 0,
                "agent counts >= 0", s);
        expect(violations, where, s.offered() == s.answered() + s.abandoned() + s.waiting() + s.alerting(),
                "offered = answered + abandoned + waiting + alerting", s);
        expect(violations, where, s.answered() == s.interacting() + s.completed(), "answered = interacting + completed", s);
        expect(violations, where, s.answeredInSla() >= 0 && s.answeredInSla() <= s.answered(), "0 <= answeredInSla <= answered", s);
        expect(violations, where, s.serviceLevelPercent() >= 0 && s.serviceLevelPercent() <= 100, "service level 0..100 %", s);
        expect(violations, where, s.idle() <= s.onQueue(), "agents available <= on queue", s);
        expect(violations, where, s.onQueue() == s.idle() + s.busy() + s.acw() + s.alerting(), "on queue = idle + busy + acw + alerting", s);
        expect(violations, where, s.onQueue() + s.offQueue() == s.members(), "on queue + off queue = members", s);
        expect(violations, where, s.busy() == s.interacting(), "busy agents = interacting contacts", s);
        expect(violations, where, s.longestWaitingMs() >= 0 && (s.waiting() > 0 || s.longestWaitingMs() == 0),
                "longest waiting >= 0, and 0 when none waits", s);
        expect(violations, where, s.longestInteractingMs() >= 0 && (s.interacting() > 0 || s.longestInteractingMs() == 0),
                "longest interacting >= 0, and 0 when none interacts", s);
        expect(violations, where, s.handleSumMs() >= 0 && s.waitSumMs() >= 0 && s.acwSumMs() >= 0, "time sums >= 0", s);
        if (before != null) {
            expect(violations, where, s.sequence() == before.sequence() + 1, "sequence + 1", s);
            expect(violations, where, s.offered() >= before.offered() && s.answered() >= before.answered()
                    && s.abandoned() >= before.abandoned() && s.answeredInSla() >= before.answeredInSla()
                    && s.completed() >= before.completed() && s.handleSumMs() >= before.handleSumMs()
                    && s.waitSumMs() >= before.waitSumMs() && s.acwSumMs() >= before.acwSumMs(),
                    "cumulative counters never decrease (before: " + before + ")", s);
        }
    }

    private static void expect(List<String> violations, String where, boolean holds, String invariant, QueueSnapshot s) {
        if (!holds && violations.size() < 50) {
            violations.add(where + ": " + invariant + " violated by " + s);
        }
    }
}
