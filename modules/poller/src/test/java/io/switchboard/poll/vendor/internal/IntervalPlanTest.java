package io.switchboard.poll.vendor.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

class IntervalPlanTest {

    static final Instant NOW = Instant.parse("2024-05-01T10:37:12Z");
    static final Duration G = Duration.ofMinutes(15);

    @Test
    void refetchesTheLastClosedIntervalsAndTheOpenOne() {
        IntervalPlan p = IntervalPlan.of(NOW, G, 2, true, Instant.parse("2024-05-01T10:30:00Z"), Duration.ofHours(6));
        assertThat(p.from()).isEqualTo(Instant.parse("2024-05-01T10:00:00Z"));
        assertThat(p.closedEnd()).isEqualTo(Instant.parse("2024-05-01T10:30:00Z"));
        assertThat(p.to()).isEqualTo(Instant.parse("2024-05-01T10:45:00Z"));
        assertThat(p.intervals()).isEqualTo(3);
        assertThat(IntervalPlan.of(NOW, G, 1, false, null, Duration.ofHours(6)).intervals()).isEqualTo(1);
    }

    @Test
    void backfillsFromTheLastClosedIntervalButNotBeyondTheLookBack() {
        IntervalPlan recent = IntervalPlan.of(NOW, G, 2, true, Instant.parse("2024-05-01T09:15:00Z"), Duration.ofHours(6));
        assertThat(recent.from()).isEqualTo(Instant.parse("2024-05-01T09:15:00Z"));
        IntervalPlan old = IntervalPlan.of(NOW, G, 2, true, Instant.parse("2024-04-30T01:00:00Z"), Duration.ofHours(2));
        assertThat(old.from()).isEqualTo(Instant.parse("2024-05-01T08:30:00Z"));
        assertThat(old.intervals()).isEqualTo(9);
    }

    @Test
    void chunksAndProgressStopAtTheFirstFailedChunk() {
        IntervalPlan p = IntervalPlan.of(NOW, G, 4, true, null, Duration.ofHours(6));
        List<IntervalPlan.Range> chunks = p.chunks(2);
        assertThat(chunks).extracting(IntervalPlan.Range::iso).containsExactly(
                "2024-05-01T09:30:00Z/2024-05-01T10:00:00Z", "2024-05-01T10:00:00Z/2024-05-01T10:30:00Z",
                "2024-05-01T10:30:00Z/2024-05-01T10:45:00Z");
        assertThat(p.progress(chunks, new boolean[]{true, true, true})).isEqualTo(p.closedEnd());
        assertThat(p.progress(chunks, new boolean[]{true, false, true})).isEqualTo(Instant.parse("2024-05-01T10:00:00Z"));
        assertThat(p.progress(chunks, new boolean[]{false, true, true})).isNull();
    }

    @Test
    void aGranularityThatDoesNotDivideADayIsAConfigurationProblem() {
        assertThatThrownBy(() -> IntervalPlan.of(NOW, Duration.ofMinutes(7), 2, true, null, Duration.ofHours(6)))
                .hasMessageContaining("PT7M").hasMessageContaining("divide a day");
    }
}
