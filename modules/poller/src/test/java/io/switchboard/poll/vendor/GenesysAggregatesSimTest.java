package io.switchboard.poll.vendor;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.switchboard.events.poll.QueueStat;
import io.switchboard.poll.Endpoints;
import io.switchboard.poll.PollOutcome;
import io.switchboard.poll.PollRequest;
import io.switchboard.simulator.Vendor;

/**
 * Genesys conversation aggregates on a frozen clock: one record per (queue, media type, interval) with the
 * simulator's own figures, re-fetched intervals are the same keys with their latest values, backfill after an outage.
 */
class GenesysAggregatesSimTest {

    SimFixture f;
    Instant closedEnd;

    @BeforeEach
    void start() {
        f = SimFixture.frozen();
        f.tokens.genesys("genesys-eu");
        long g = Duration.ofMinutes(15).toMillis();
        closedEnd = Instant.ofEpochMilli(Math.floorDiv(f.clock.millis(), g) * g);
    }

    @AfterEach
    void stop() throws Exception {
        f.close();
    }

    private PollOutcome poll(Map<String, String> params, Instant lastClosed, Duration lookBack) throws Exception {
        return f.executor.poll(Jobs.job("agg-1", "genesys-eu", Endpoints.GENESYS_CONVERSATION_AGGREGATES, f.sim.queueIds(), params),
                new PollRequest(7, f.clock.instant(), lastClosed, lookBack)).get();
    }

    @Test
    void oneRecordPerQueueMediaTypeAndIntervalWithTheSimulatorsOwnFigures() throws Exception {
        PollOutcome outcome = poll(Map.of(), null, Duration.ofHours(6));

        assertThat(outcome.errors()).isEmpty();
        assertThat(outcome.closedIntervalEnd()).isEqualTo(closedEnd);
        Instant from = closedEnd.minus(Duration.ofMinutes(30));
        Instant to = closedEnd.plus(Duration.ofMinutes(15));
        Set<String> keys = new HashSet<>();
        for (QueueStat s : outcome.stats()) {
            assertThat(keys.add(s.getQueueId() + "|" + s.getMediaType() + "|" + s.getIntervalStart()))
                    .as("one record per (queue, media type, interval)").isTrue();
            assertThat(s.getIntervalStart()).isBetween(from, closedEnd);
            assertThat(Duration.between(s.getIntervalStart(), s.getIntervalEnd())).isEqualTo(Duration.ofMinutes(15));
            assertThat(s.getMediaType()).isNotNull();
            assertThat(s.getObservedAt()).isBeforeOrEqualTo(s.getIntervalEnd());
        }

        JsonNode raw = f.tokens.withToken("genesys-eu", "POST", f.sim.genesysApiUrl() + "/api/v2/analytics/conversations/aggregates/query",
                "{\"interval\":\"" + from + "/" + to + "\",\"granularity\":\"PT15M\",\"groupBy\":[\"queueId\",\"mediaType\"],"
                        + "\"metrics\":[\"nOffered\",\"tAnswered\",\"tAbandon\",\"tHandle\",\"oServiceLevel\",\"nOverSla\"]}");
        Map<String, JsonNode> expected = new HashMap<>();
        for (JsonNode r : raw.get("results")) {
            for (JsonNode d : r.get("data")) {
                Map<String, JsonNode> m = new HashMap<>();
                d.get("metrics").forEach(x -> m.put(x.get("metric").asText(), x.get("stats")));
                String key = r.get("group").get("queueId").asText() + "|" + r.get("group").get("mediaType").asText() + "|"
                        + Instant.parse(d.get("interval").asText().split("/")[0]);
                expected.put(key, VendorJson.object(m));
            }
        }
        assertThat(keys).containsExactlyInAnyOrderElementsOf(expected.keySet());
        assertThat(outcome.stats()).hasSizeGreaterThan(9);
        for (QueueStat s : outcome.stats()) {
            JsonNode m = expected.get(s.getQueueId() + "|" + s.getMediaType() + "|" + s.getIntervalStart());
            assertThat(s.getOffered()).isEqualTo(m.path("nOffered").path("count").asLong());
            if (m.has("tAnswered")) {
                assertThat(s.getAnswered()).isEqualTo(m.get("tAnswered").get("count").asLong());
                assertThat(s.getWaitTimeSumMs()).isEqualTo(m.get("tAnswered").get("sum").asLong());
                assertThat(s.getHandleTimeSumMs()).isEqualTo(m.get("tHandle").get("sum").asLong());
                assertThat(s.getHandleTimeCount()).isEqualTo(m.get("tHandle").get("count").asLong());
                assertThat(s.getServiceLevelNumerator()).isEqualTo(m.get("oServiceLevel").get("numerator").asLong());
                assertThat(s.getServiceLevelDenominator()).isEqualTo(m.get("oServiceLevel").get("denominator").asLong());
                assertThat(s.getServiceLevelPercent()).isCloseTo(m.get("oServiceLevel").get("ratio").asDouble() * 100, org.assertj.core.data.Offset.offset(1e-9));
            } else {
                assertThat(s.getAnswered()).isNull();
            }
            if (m.has("tAbandon")) {
                assertThat(s.getAbandoned()).isEqualTo(m.get("tAbandon").get("count").asLong());
            }
            if (m.has("nOverSla")) {
                assertThat(s.getExtraMetrics()).containsEntry("nOverSla.count", m.get("nOverSla").get("count").asDouble());
            }
        }
    }

    @Test
    void aRefetchedIntervalComesBackUnderTheSameKeyWithItsLatestValueNeverAsAnAddition() throws Exception {
        List<QueueStat> first = poll(Map.of(), null, Duration.ofHours(6)).stats();
        f.sim.advanceClock(Duration.ofMinutes(15)); // one interval later: the open one closes, a new one opens
        SimFixture moved = f;
        PollOutcome second = moved.executor.poll(Jobs.job("agg-1", "genesys-eu", Endpoints.GENESYS_CONVERSATION_AGGREGATES,
                f.sim.queueIds(), Map.of()), new PollRequest(8, f.clock.instant().plus(Duration.ofMinutes(15)), closedEnd,
                Duration.ofHours(6))).get();
        // the executor's clock is fixed: it still plans the same intervals, which the vendor answers with the same keys
        Map<String, QueueStat> byKey = new HashMap<>();
        first.forEach(s -> byKey.put(s.getQueueId() + "|" + s.getMediaType() + "|" + s.getIntervalStart(), s));
        assertThat(second.stats()).hasSameSizeAs(first);
        for (QueueStat s : second.stats()) {
            QueueStat before = byKey.get(s.getQueueId() + "|" + s.getMediaType() + "|" + s.getIntervalStart());
            assertThat(before).as("re-fetched interval has the same key").isNotNull();
            if (s.getIntervalEnd().isAfter(closedEnd)) {
                continue; // the formerly open interval may have grown
            }
            assertThat(s.getOffered()).isEqualTo(before.getOffered());
            assertThat(s.getPollSequence()).isEqualTo(8);
        }
    }

    @Test
    void backfillsMissedClosedIntervalsUpToTheLookBackInChunks() throws Exception {
        f.sim.requests().clear();
        PollOutcome outcome = poll(Map.of("maxIntervalsPerRequest", "2"), closedEnd.minus(Duration.ofHours(5)), Duration.ofHours(1));

        assertThat(outcome.errors()).isEmpty();
        assertThat(outcome.closedIntervalEnd()).isEqualTo(closedEnd);
        // 4 closed intervals within the hour of look-back plus the open one, two per request
        assertThat(f.sim.requests().matching(Vendor.GENESYS, "/aggregates/query")).hasSize(3);
        assertThat(outcome.vendorRequests()).isEqualTo(3);
        assertThat(outcome.stats().stream().map(QueueStat::getIntervalStart).distinct().sorted().toList())
                .first().isEqualTo(closedEnd.minus(Duration.ofHours(1)));
    }

    @Test
    void aFailedChunkKeepsProgressAtTheLastCompleteOne() throws Exception {
        f.sim.faults().set(Vendor.GENESYS, io.switchboard.simulator.FaultSpec.none().withServerErrors(1.0));
        PollOutcome outcome = f.executor.poll(Jobs.job("agg-1", "genesys-eu", Endpoints.GENESYS_CONVERSATION_AGGREGATES,
                        f.sim.queueIds(), Map.of()), new PollRequest(9, f.clock.instant(), closedEnd.minus(Duration.ofMinutes(45)),
                        Duration.ofHours(6))).get();
        assertThat(outcome.stats()).isEmpty();
        assertThat(outcome.closedIntervalEnd()).isNull();
        assertThat(outcome.errors()).singleElement().satisfies(e -> {
            assertThat(e.getKind()).isEqualTo("VENDOR_ERROR");
            assertThat(e.getRetriable()).isTrue();
            assertThat(e.getHttpStatus()).isEqualTo(503);
            assertThat(e.getAttempt()).isEqualTo(3);
        });
    }
}
