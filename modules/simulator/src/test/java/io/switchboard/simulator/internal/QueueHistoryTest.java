package io.switchboard.simulator.internal;

import io.switchboard.simulator.SimulatorConfig;
import io.switchboard.simulator.internal.QueueData.IntervalStats;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The deterministic history behind Genesys aggregates and CXone summaries: consistent and additive. */
class QueueHistoryTest {

    private static final long DAY = Instant.parse("2024-05-06T00:00:00Z").toEpochMilli();
    private static final long HOUR = 3_600_000L;

    @Test
    void everyIntervalIsConsistentAndHoursAndMediaTypesAddUpToTheDay() {
        List<String> violations = new ArrayList<>();
        for (long seed : new long[] {1, 42, 777}) {
            QueueData data = new QueueData(SimulatorConfig.builder().seed(seed).generatedQueues(6).build(), DAY);
            for (QueueModel q : data.all()) {
                int media = q.spec.mediaTypes().size();
                IntervalStats day = data.interval(q, DAY, DAY + 24 * HOUR, 0, 1);
                check("seed " + seed + " " + q.spec.name() + " day", day, violations);
                IntervalStats hours = null;
                for (int h = 0; h < 24; h++) {
                    IntervalStats hour = data.interval(q, DAY + h * HOUR, DAY + (h + 1) * HOUR, 0, 1);
                    check("seed " + seed + " " + q.spec.name() + " hour " + h, hour, violations);
                    hours = plus(hours, hour);
                }
                IntervalStats byMedia = null;
                for (int m = 0; m < media; m++) {
                    IntervalStats part = data.interval(q, DAY, DAY + 24 * HOUR, m, media);
                    check("seed " + seed + " " + q.spec.name() + " media " + m, part, violations);
                    byMedia = plus(byMedia, part);
                }
                if (!counts(hours).equals(counts(day))) {
                    violations.add("seed " + seed + " " + q.spec.name() + ": 24 hours " + counts(hours) + " != day " + counts(day));
                }
                if (!counts(byMedia).equals(counts(day))) {
                    violations.add("seed " + seed + " " + q.spec.name() + ": media types " + counts(byMedia) + " != queue " + counts(day));
                }
            }
        }
        assertThat(violations).isEmpty();
    }

    @Test
    void theSameQuestionGetsTheSameAnswer() {
        QueueData a = new QueueData(SimulatorConfig.defaults(), DAY);
        QueueData b = new QueueData(SimulatorConfig.defaults(), DAY + 5 * HOUR); // the live start does not matter
        for (int i = 0; i < a.all().size(); i++) {
            assertThat(b.interval(b.all().get(i), DAY + 8 * HOUR, DAY + 11 * HOUR, 0, 1))
                    .isEqualTo(a.interval(a.all().get(i), DAY + 8 * HOUR, DAY + 11 * HOUR, 0, 1));
        }
    }

    private static void check(String where, IntervalStats s, List<String> violations) {
        boolean ok = s.offered() >= 0 && s.answered() >= 0 && s.abandoned() >= 0 && s.overSla() >= 0 && s.transferred() >= 0
                && s.offered() == s.answered() + s.abandoned()
                && s.overSla() <= s.answered() && s.transferred() <= s.answered()
                && s.minHandleMs() <= s.maxHandleMs()
                && s.handleSumMs() >= s.minHandleMs() * s.answered() && s.handleSumMs() <= s.maxHandleMs() * s.answered()
                && s.talkSumMs() <= s.handleSumMs() && s.acwSumMs() <= s.handleSumMs()
                && s.answerWaitSumMs() <= s.maxWaitMs() * s.answered() && s.waitSumMs() <= s.maxWaitMs() * s.offered()
                && s.acwSumMs() <= s.maxAcwMs() * s.answered();
        if (!ok) {
            violations.add(where + ": " + s);
        }
    }

    private static List<Long> counts(IntervalStats s) {
        return List.of(s.offered(), s.answered(), s.abandoned(), s.overSla(), s.transferred(), s.handleSumMs(), s.talkSumMs(),
                s.acwSumMs(), s.answerWaitSumMs(), s.abandonWaitSumMs(), s.waitSumMs());
    }

    private static IntervalStats plus(IntervalStats a, IntervalStats b) {
        if (a == null) {
            return b;
        }
        return new IntervalStats(a.offered() + b.offered(), a.answered() + b.answered(), a.abandoned() + b.abandoned(),
                a.overSla() + b.overSla(), a.transferred() + b.transferred(), a.handleSumMs() + b.handleSumMs(),
                a.talkSumMs() + b.talkSumMs(), a.acwSumMs() + b.acwSumMs(), a.answerWaitSumMs() + b.answerWaitSumMs(),
                a.abandonWaitSumMs() + b.abandonWaitSumMs(), a.waitSumMs() + b.waitSumMs(),
                Math.min(a.minHandleMs(), b.minHandleMs()), Math.max(a.maxHandleMs(), b.maxHandleMs()),
                Math.max(a.maxAcwMs(), b.maxAcwMs()), Math.max(a.maxWaitMs(), b.maxWaitMs()));
    }
}
