package io.switchboard.aggregate.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;

import org.junit.jupiter.api.Test;

import io.switchboard.aggregate.WindowSize;
import io.switchboard.events.poll.QueueStat;

/** The aggregator's own state encoding round-trips every field, long strings included, and rejects garbage clearly. */
class StateCodecTest {

    private static final Instant T0 = Instant.parse("2026-11-20T10:00:00Z");

    @Test
    void queueStateRoundTrips() {
        QueueStat stat = QueueStat.newBuilder().setCredentialId("c").setProvider("nice-cxone").setJobId("j").setPollSequence(7)
                .setQueueId("q").setQueueName("x".repeat(70_000)).setTenantId("t").setObservedAt(T0).setPolledAt(T0).build();
        QueueState s = QueueState.first("c/q", stat);
        s.touch(stat, T0.toEpochMilli());
        QueueState.MediaState voice = s.mediaOrNew("voice");
        voice.observedAt = T0.toEpochMilli();
        voice.waiting = 3L;
        voice.agentsAvailable = null;
        voice.serviceLevelNumerator = 4L;
        voice.serviceLevelDenominator = 5L;
        s.mediaOrNew("").serviceLevelPercent = 90.0;
        s.firing.put("busy", 42L);
        s.stale = true;

        var serde = QueueState.serde();
        QueueState copy = serde.deserializer().deserialize("t", serde.serializer().serialize("t", s));
        assertThat(copy.toSnapshot(T0.toEpochMilli(), 60_000)).isEqualTo(s.toSnapshot(T0.toEpochMilli(), 60_000));
        assertThat(copy.firingSince()).containsEntry("busy", 42L);
        assertThat(copy.queueName()).hasSize(70_000);
        assertThat(TenantPartial.of("c", "0_1", java.util.List.of(copy), 60_000))
                .isEqualTo(TenantPartial.of("c", "0_1", java.util.List.of(s), 60_000));
        var partials = TenantPartial.serde();
        TenantPartial p = TenantPartial.of("c", "0_1", java.util.List.of(s), 60_000);
        assertThat(partials.deserializer().deserialize("t", partials.serializer().serialize("t", p))).isEqualTo(p);
    }

    @Test
    void windowAggregateRoundTrips() {
        WindowAggregate w = new WindowAggregate();
        w.queueName = "Support";
        w.addObservation(1_000, "voice", new WindowAggregate.Observation(2L, 1L, 500L, 3L, 1L));
        w.addObservation(2_000, "voice", new WindowAggregate.Observation(4L, null, 900L, 3L, 0L));
        w.addObservation(2_000, "chat", new WindowAggregate.Observation(1L, null, 100L, 2L, 0L));
        w.addInterval("voice|0|900000", new WindowAggregate.Interval(5, 1, 10L, 9L, 1L, 100L, 9L, 20L, 9L, 8L, 10L, null));
        var serde = WindowAggregate.serde();
        WindowAggregate copy = serde.deserializer().deserialize("t", serde.serializer().serialize("t", w));
        assertThat(copy.toStats("c", "q", WindowSize.ONE_HOUR, 0)).isEqualTo(w.toStats("c", "q", WindowSize.ONE_HOUR, 0));
        assertThat(copy.toStats("c", "q", WindowSize.ONE_HOUR, 0).getSamples()).isEqualTo(2);
        assertThat(copy.toStats("c", "q", WindowSize.ONE_HOUR, 0).getWaitingMax()).isEqualTo(5);
        assertThat(copy.addObservation(2_000, "chat", new WindowAggregate.Observation(9L, null, 1L, 1L, 1L)))
                .as("the copy remembers the times it folded").isFalse();
        assertThat(copy.addObservation(1_500, "chat", new WindowAggregate.Observation(9L, null, 1L, 1L, 1L))).isTrue();
    }

    @Test
    void garbageIsAClearError() {
        assertThatThrownBy(() -> QueueState.serde().deserializer().deserialize("t", new byte[] {1, 0, 0}))
                .hasMessageContaining("reset the application's state");
    }
}
