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

    /** A queue state as the benchmark's queues have it: two media types, a service level, open windows of every size. */
    private static QueueState busyState() {
        QueueStat stat = QueueStat.newBuilder().setCredentialId("genesys-eu").setProvider("genesys-cloud").setJobId("j").setPollSequence(42)
                .setQueueId("q-17").setQueueName("Support").setTenantId("t-1").setObservedAt(T0.plusSeconds(190))
                .setPolledAt(T0.plusSeconds(190).plusMillis(300)).build();
        QueueState s = QueueState.first("genesys-eu/q-17", stat);
        s.touch(stat, stat.getPolledAt().toEpochMilli());
        QueueState.MediaState voice = s.mediaOrNew("voice");
        voice.observedAt = T0.plusSeconds(180).toEpochMilli();
        voice.waiting = 12L;
        voice.interacting = 3L;
        voice.longestWaitingMs = 95_000L;
        voice.agentsOnQueue = 6L;
        voice.agentsAvailable = 0L;
        voice.agentsLoggedIn = 8L;
        voice.serviceLevelAt = T0.plusSeconds(180).toEpochMilli();
        voice.serviceLevelPolledAt = T0.plusSeconds(181).toEpochMilli();
        voice.serviceLevelNumerator = 8L;
        voice.serviceLevelDenominator = 10L;
        QueueState.MediaState chat = s.mediaOrNew("chat"); // no service level: the MIN_VALUE sentinels stay
        chat.observedAt = T0.plusSeconds(190).toEpochMilli();
        chat.waiting = 1L;
        s.mediaOrNew("").serviceLevelPercent = 87.5; // a service level without an observation
        s.firing.put("busy", T0.plusSeconds(100).toEpochMilli());
        for (WindowSize size : WindowSize.values()) {
            for (int step = 0; step < 20; step++) {
                long t = T0.plusSeconds(10L * step).toEpochMilli();
                WindowAggregate w = s.live(size).computeIfAbsent(size.windowStart(t), k -> new WindowAggregate());
                w.queueName = step == 7 ? "Support (renamed)" : "Support";
                w.addObservation(t, step % 2 == 0 ? "voice" : "chat", new WindowAggregate.Observation((long) step, 3L,
                        step == 3 ? null : 1_000L * step, 6L, (long) (step % 4)));
                if (step % 10 == 9) {
                    long start = T0.plusSeconds(60L * (step / 6)).toEpochMilli();
                    w.addInterval("voice|" + start + "|" + (start + 60_000), new WindowAggregate.Interval(t + 300, step, 10L, 9L, 1L,
                            2_160_000L, 9L, 135_000L, 9L, 8L, 10L, step == 19 ? 80.0 : null));
                }
            }
        }
        // out of order and off the cadence: the gaps between the times are no longer one run
        s.live(WindowSize.ONE_HOUR).get(T0.toEpochMilli()).addObservation(T0.plusMillis(5_500).toEpochMilli(), "voice",
                new WindowAggregate.Observation(1L, 1L, 1L, 1L, 1L));
        s.live(WindowSize.ONE_MINUTE).computeIfAbsent(T0.plusSeconds(600).toEpochMilli(), k -> new WindowAggregate()); // empty, no name
        return s;
    }

    @Test
    void compactQueueStateRoundTripsOpenWindowsAndSentinels() {
        QueueState s = busyState();
        var serde = QueueState.serde();
        byte[] bytes = serde.serializer().serialize("t", s);
        assertThat(bytes[0]).as("format version").isEqualTo((byte) 3);
        QueueState copy = serde.deserializer().deserialize("t", bytes);

        assertThat(serde.serializer().serialize("t", copy)).as("the copy encodes to the same bytes").isEqualTo(bytes);
        assertThat(copy.toSnapshot(T0.plusSeconds(200).toEpochMilli(), 60_000))
                .isEqualTo(s.toSnapshot(T0.plusSeconds(200).toEpochMilli(), 60_000));
        assertThat(copy.firingSince()).isEqualTo(s.firingSince());
        assertThat(copy.media("chat").serviceLevelAt).isEqualTo(Long.MIN_VALUE);
        assertThat(copy.media("").hasObservation()).isFalse();
        assertThat(copy.media("").serviceLevelPercent).isEqualTo(87.5);
        assertThat(copy.media("voice").serviceLevelPolledAt).isEqualTo(T0.plusSeconds(181).toEpochMilli());
        for (WindowSize size : WindowSize.values()) {
            assertThat(copy.live(size).keySet()).isEqualTo(s.live(size).keySet());
            s.live(size).forEach((start, w) -> {
                WindowAggregate c = copy.live(size).get(start);
                assertThat(c.toStats("genesys-eu", "q-17", size, start)).isEqualTo(w.toStats("genesys-eu", "q-17", size, start));
                assertThat(c.queueName).isEqualTo(w.queueName);
                assertThat(c.seen).containsOnlyKeys(w.seen.keySet());
                w.seen.forEach((media, times) -> assertThat(c.seen.get(media)).containsExactly(times));
            });
        }
        assertThat(copy.live(WindowSize.ONE_MINUTE).get(T0.plusSeconds(60).toEpochMilli())
                .addObservation(T0.plusSeconds(70).toEpochMilli(), "chat", new WindowAggregate.Observation(1L, 1L, 1L, 1L, 1L)))
                .as("the copy remembers the times it folded").isFalse();
    }

    @Test
    void aWindowEncodedBeforeIsWrittenAgainOnceItChangesOrTheQueueIsRenamed() {
        var serde = QueueState.serde();
        QueueState s = busyState();
        byte[] first = serde.serializer().serialize("t", s);
        assertThat(serde.serializer().serialize("t", s)).as("unchanged: the same bytes (copied)").isEqualTo(first);

        WindowAggregate minute = s.live(WindowSize.ONE_MINUTE).get(T0.toEpochMilli());
        minute.addObservation(T0.plusSeconds(45).toEpochMilli(), "voice", new WindowAggregate.Observation(99L, 1L, 1L, 1L, 1L));
        s.queueName = "Support 2"; // the windows named "Support" now write their own name
        QueueState copy = serde.deserializer().deserialize("t", serde.serializer().serialize("t", s));
        assertThat(copy.live(WindowSize.ONE_MINUTE).get(T0.toEpochMilli()).toStats("c", "q", WindowSize.ONE_MINUTE, T0.toEpochMilli()))
                .isEqualTo(minute.toStats("c", "q", WindowSize.ONE_MINUTE, T0.toEpochMilli()));
        assertThat(copy.live(WindowSize.ONE_HOUR).get(T0.toEpochMilli()).queueName).isEqualTo("Support");
        assertThat(serde.serializer().serialize("t", copy)).isEqualTo(serde.serializer().serialize("t", s));
    }

    @Test
    void aWindowWrittenAfterEveryChangeWritesWhatAWindowWrittenOnceWrites() {
        // the window keeps its encoding across records that do not change it;
        // after every step its bytes must be those of the same window folded from scratch and written once
        var serde = QueueState.serde(); // the queue state writes its open windows in the compact form, with that cache
        java.util.Random random = new java.util.Random(20261202);
        WindowAggregate written = new WindowAggregate();
        QueueState state = busyState();
        state.live(WindowSize.ONE_HOUR).put(T0.toEpochMilli(), written);
        java.util.List<java.util.function.Consumer<WindowAggregate>> steps = new java.util.ArrayList<>();
        String[] media = {"voice", "chat", QueueState.ALL_MEDIA, "email"};
        for (int i = 0; i < 400; i++) {
            String m = media[random.nextInt(media.length)];
            long t = T0.toEpochMilli() + (random.nextInt(10) == 0 ? random.nextInt(3_600) * 1_000L : (i / 3) * 10_000L); // mostly a steady cadence
            long p = i;
            java.util.function.Consumer<WindowAggregate> step = random.nextInt(8) == 0
                    ? w -> w.addInterval(m + "|" + (t / 900_000 * 900_000) + "|" + (t / 900_000 * 900_000 + 900_000),
                            new WindowAggregate.Interval(p, p, p, null, 1L, 2L, 3L, null, 4L, 5L, 6L, p % 2 == 0 ? 97.5 : null))
                    : w -> w.addObservation(t, m, new WindowAggregate.Observation(p, null, p * 10, 3L, p % 4));
            steps.add(step);
            step.accept(written);
            WindowAggregate once = new WindowAggregate();
            steps.forEach(s -> s.accept(once));
            QueueState fresh = busyState();
            fresh.live(WindowSize.ONE_HOUR).put(T0.toEpochMilli(), once);
            assertThat(serde.serializer().serialize("t", state)).as("after step %d", i).isEqualTo(serde.serializer().serialize("t", fresh));
        }
    }

    @Test
    void stateWrittenInTheFixedWidthFormatStillReadsAndTheCompactOneIsLessThanHalfItsSize() throws Exception {
        QueueState s = busyState();
        byte[] fixed = FixedWidthFormat.encode(s);
        QueueState copy = QueueState.serde().deserializer().deserialize("t", fixed);
        byte[] compact = QueueState.serde().serializer().serialize("t", s);
        assertThat(QueueState.serde().serializer().serialize("t", copy)).isEqualTo(compact);
        assertThat(compact.length).as("compact %d bytes vs fixed-width %d", compact.length, fixed.length).isLessThan(fixed.length / 2);
    }

    /** The queue state's format 2 (until 2026-12-02), written field by field as that version's codec did. */
    private static final class FixedWidthFormat {

        static byte[] encode(QueueState s) throws Exception {
            Codec.Out out = new Codec.Out(256);
            out.writeByte(2);
            out.string(s.credentialId);
            out.string(s.queueId);
            out.nullableString(s.queueName);
            out.nullableString(s.tenantId);
            out.nullableString(s.provider);
            out.writeLong(s.observedAt);
            out.writeLong(s.updatedAt);
            out.writeLong(s.pollSequence);
            out.writeBoolean(s.stale);
            out.writeShort(s.media.size());
            for (var e : s.media.entrySet()) {
                QueueState.MediaState m = e.getValue();
                out.string(e.getKey());
                out.writeLong(m.observedAt);
                for (Long v : new Long[] {m.waiting, m.interacting, m.longestWaitingMs, m.agentsOnQueue, m.agentsAvailable, m.agentsLoggedIn}) {
                    out.nullableLong(v);
                }
                out.writeLong(m.serviceLevelAt);
                out.writeLong(m.serviceLevelPolledAt);
                out.nullableLong(m.serviceLevelNumerator);
                out.nullableLong(m.serviceLevelDenominator);
                out.nullableDouble(m.serviceLevelPercent);
            }
            out.writeShort(s.firing.size());
            for (var e : s.firing.entrySet()) {
                out.string(e.getKey());
                out.writeLong(e.getValue());
            }
            out.writeByte(s.live.size());
            for (var e : s.live.entrySet()) {
                out.writeByte(e.getKey().ordinal());
                out.writeShort(e.getValue().size());
                for (var w : e.getValue().entrySet()) {
                    out.writeLong(w.getKey());
                    WindowAggregate.write(w.getValue(), out); // the window stores' format, unchanged
                }
            }
            return out.toByteArray();
        }
    }

    @Test
    void garbageIsAClearError() {
        assertThatThrownBy(() -> QueueState.serde().deserializer().deserialize("t", new byte[] {1, 0, 0}))
                .hasMessageContaining("reset the application's state");
    }
}
