package io.switchboard.poll.vendor;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.switchboard.events.poll.QueueStat;
import io.switchboard.poll.Endpoints;
import io.switchboard.poll.PollOutcome;
import io.switchboard.poll.PollRequest;
import io.switchboard.simulator.RecordedRequest;
import io.switchboard.simulator.SimulatorConfig;
import io.switchboard.simulator.Vendor;

/** NICE CXone skills activity and summary on a frozen clock, against the tenant's discovered API host. */
class CxoneSimTest {

    static final String SERVICES = "/inContactAPI/services/v31.0";

    SimFixture f;

    @BeforeEach
    void start() {
        f = SimFixture.frozen();
        f.tokens.cxone("cxone-na").genesys("genesys-eu");
    }

    @AfterEach
    void stop() throws Exception {
        f.close();
    }

    @Test
    void skillActivityMatchesTheSimulatorsOwnAnswerFieldByField() throws Exception {
        PollOutcome o = f.executor.poll(Jobs.job("act", "cxone-na", Endpoints.CXONE_SKILLS_ACTIVITY, List.of(), Map.of()),
                Jobs.request(3, f.clock.instant())).get();
        assertThat(o.errors()).isEmpty();
        assertThat(o.stats()).hasSize(5);
        List<RecordedRequest> sent = f.sim.requests().matching(Vendor.CXONE, "/skills/activity");
        assertThat(sent).singleElement().satisfies(r -> assertThat(r.path()).isEqualTo("/cxone/api-na1" + SERVICES + "/skills/activity"));

        JsonNode raw = f.tokens.withToken("cxone-na", "GET", f.sim.cxoneApiUrl("na1") + SERVICES + "/skills/activity", null);
        Map<String, JsonNode> bySkill = new HashMap<>();
        raw.get("skillActivity").forEach(a -> bySkill.put(a.get("skillId").asText(), a));
        for (QueueStat s : o.stats()) {
            JsonNode a = bySkill.get(s.getQueueId());
            assertThat(s.getProvider()).isEqualTo("nice-cxone");
            assertThat(s.getTenantId()).isEqualTo("tenant-1");
            assertThat(s.getQueueName()).isEqualTo(a.get("skillName").asText());
            assertThat(s.getMediaType()).isNull();
            assertThat(s.getObservedAt()).isEqualTo(Instant.parse(a.get("serverTime").asText()));
            assertThat(s.getWaiting()).isEqualTo(a.get("queueCount").asLong());
            assertThat(s.getInteracting()).isEqualTo(a.get("contactsActive").asLong());
            assertThat(s.getAgentsAvailable()).isEqualTo(a.get("agentsAvailable").asLong());
            assertThat(s.getAgentsLoggedIn()).isEqualTo(a.get("agentsLoggedIn").asLong());
            assertThat(s.getAgentsOnQueue()).isEqualTo(a.get("agentsWorking").asLong() + a.get("agentsAvailable").asLong()
                    + a.get("agentsACW").asLong());
            assertThat(s.getServiceLevelPercent()).isEqualTo(a.get("serviceLevel").asDouble());
            assertThat(s.getExtraMetrics()).containsEntry("agentsUnavailable", a.get("agentsUnavailable").asDouble())
                    .containsEntry("serviceLevelGoal", 80.0);
            if (a.get("earliestQueueTime").isNull()) {
                assertThat(s.getLongestWaitingMs()).isZero();
            } else {
                assertThat(s.getLongestWaitingMs()).isEqualTo(Instant.parse(a.get("serverTime").asText()).toEpochMilli()
                        - Instant.parse(a.get("earliestQueueTime").asText()).toEpochMilli());
            }
            assertThat(s.getExtraMetrics().get("simSequence")).isEqualTo(a.get("simSequence").asDouble() - 1);
        }
    }

    @Test
    void namedSkillsAreAskedForAndTheOlderResultSetWrapperIsRead() throws Exception {
        try (SimFixture wrapped = SimFixture.frozen(SimulatorConfig.builder().cxone(c -> c.withWrapActivityInResultSet(true)).build(),
                b -> b)) {
            wrapped.tokens.cxone("cxone-na");
            PollOutcome o = wrapped.executor.poll(Jobs.job("act", "cxone-na", Endpoints.CXONE_SKILLS_ACTIVITY,
                    List.of("1002", "1004"), Map.of()), Jobs.request(1, wrapped.clock.instant())).get();
            assertThat(o.errors()).isEmpty();
            assertThat(o.stats()).extracting(QueueStat::getQueueId).containsExactly("1002", "1004");
            assertThat(wrapped.sim.requests().matching(Vendor.CXONE, "/skills/activity")).singleElement()
                    .satisfies(r -> assertThat(r.query()).isEqualTo("skills=1002%2C1004"));
        }
    }

    @Test
    void skillSummaryIsOneRecordPerSkillAndIntervalAndAgreesWithGenesysAggregates() throws Exception {
        long g = Duration.ofMinutes(15).toMillis();
        Instant closedEnd = Instant.ofEpochMilli(Math.floorDiv(f.clock.millis(), g) * g);
        PollOutcome o = f.executor.poll(Jobs.job("sum", "cxone-na", Endpoints.CXONE_SKILLS_SUMMARY, List.of(), Map.of()),
                new PollRequest(5, f.clock.instant(), null, Duration.ofHours(6))).get();
        assertThat(o.errors()).isEmpty();
        assertThat(o.closedIntervalEnd()).isEqualTo(closedEnd);
        assertThat(o.vendorRequests()).as("two closed intervals and the open one").isEqualTo(3);
        assertThat(o.stats()).hasSize(15);

        Instant start = closedEnd.minus(Duration.ofMinutes(15));
        JsonNode raw = f.tokens.withToken("cxone-na", "GET", f.sim.cxoneApiUrl("na1") + SERVICES + "/skills/summary?startDate="
                + start + "&endDate=" + closedEnd, null);
        Map<String, JsonNode> bySkill = new HashMap<>();
        raw.get("skillSummaries").forEach(s -> bySkill.put(s.get("skillId").asText(), s));
        List<QueueStat> last = o.stats().stream().filter(s -> s.getIntervalStart().equals(start)).toList();
        assertThat(last).hasSize(5);
        for (QueueStat s : last) {
            JsonNode e = bySkill.get(s.getQueueId());
            assertThat(s.getIntervalEnd()).isEqualTo(closedEnd);
            assertThat(s.getObservedAt()).isEqualTo(closedEnd);
            assertThat(s.getOffered()).isEqualTo(e.get("contactsOffered").asLong());
            assertThat(s.getAnswered()).isEqualTo(e.get("contactsHandled").asLong());
            assertThat(s.getAbandoned()).isEqualTo(e.get("abandonCount").asLong());
            long aht = Duration.parse(e.get("averageHandleTime").asText()).toMillis();
            assertThat(s.getHandleTimeSumMs()).isEqualTo(aht * s.getAnswered());
            assertThat(s.getWaitTimeSumMs()).isEqualTo(Duration.parse(e.get("averageSpeedToAnswer").asText()).toMillis() * s.getAnswered());
            assertThat(s.getExtraMetrics()).containsEntry("averageWrapTimeMs",
                    (double) Duration.parse(e.get("averageWrapTime").asText()).toMillis());
        }

        // Genesys reports the same traffic per media type: its offered counts add up to CXone's per skill.
        PollOutcome genesys = f.executor.poll(Jobs.job("agg", "genesys-eu", Endpoints.GENESYS_CONVERSATION_AGGREGATES,
                f.sim.queueIds(), Map.of()), new PollRequest(5, f.clock.instant(), null, Duration.ofHours(6))).get();
        Map<String, Integer> skillOf = new HashMap<>();
        f.sim.config().queues().forEach(q -> skillOf.put(q.id(), q.skillId()));
        Map<String, Long> offeredBySkill = new HashMap<>();
        genesys.stats().stream().filter(s -> s.getIntervalStart().equals(start))
                .forEach(s -> offeredBySkill.merge(String.valueOf(skillOf.get(s.getQueueId())), s.getOffered(), Long::sum));
        for (QueueStat s : last) {
            assertThat(offeredBySkill.getOrDefault(s.getQueueId(), 0L)).as("offered of skill %s", s.getQueueId()).isEqualTo(s.getOffered());
        }
    }
}
