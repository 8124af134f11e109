package io.switchboard.poll.vendor;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.switchboard.events.poll.QueueStat;
import io.switchboard.poll.Endpoints;
import io.switchboard.poll.PollOutcome;
import io.switchboard.simulator.RecordedRequest;
import io.switchboard.simulator.SimulatorConfig;
import io.switchboard.simulator.Vendor;

/**
 * Genesys queue observations against the simulator on a frozen clock: every figure of every record equals the
 * simulator's own answer at the same instant, and agrees with what CXone reports for the same queues.
 */
class GenesysObservationsSimTest {

    SimFixture f;

    @BeforeEach
    void start() {
        f = SimFixture.frozen();
        f.tokens.genesys("genesys-eu").cxone("cxone-na");
    }

    @AfterEach
    void stop() throws Exception {
        f.close();
    }

    private PollOutcome poll(List<String> queueIds, Map<String, String> params) throws Exception {
        return f.executor.poll(Jobs.job("obs-1", "genesys-eu", Endpoints.GENESYS_QUEUE_OBSERVATIONS, queueIds, params),
                Jobs.request(41, f.clock.instant())).get();
    }

    @Test
    void everyRecordMatchesTheSimulatorsOwnObservationAtTheFrozenInstant() throws Exception {
        List<String> ids = f.sim.queueIds();
        PollOutcome outcome = poll(ids, Map.of());

        assertThat(outcome.errors()).isEmpty();
        assertThat(outcome.vendorRequests()).isEqualTo(1);
        // 9 (queue, media type) records for the five default queues, plus one all-media record per queue.
        assertThat(outcome.stats()).hasSize(9 + 5);
        Instant now = f.clock.instant();
        for (QueueStat s : outcome.stats()) {
            assertThat(s.getCredentialId()).isEqualTo("genesys-eu");
            assertThat(s.getProvider()).isEqualTo("genesys-cloud");
            assertThat(s.getTenantId()).isEqualTo("org-1");
            assertThat(s.getJobId()).isEqualTo("obs-1");
            assertThat(s.getPollSequence()).isEqualTo(41);
            assertThat(s.getPolledAt()).isEqualTo(now);
            // observedAt is the vendor's Date header: the frozen simulator instant, to the second
            assertThat(s.getObservedAt()).isEqualTo(Instant.ofEpochSecond(now.getEpochSecond()));
            assertThat(s.getIntervalStart()).isNull();
        }

        // The simulator's own answer at the same instant, read raw.
        JsonNode raw = f.tokens.withToken("genesys-eu", "POST", f.sim.genesysApiUrl() + "/api/v2/analytics/queues/observations/query",
                "{\"filter\":{\"type\":\"or\",\"predicates\":[" + ids.stream().map(id -> "{\"dimension\":\"queueId\",\"value\":\"" + id + "\"}")
                        .collect(Collectors.joining(",")) + "]},\"metrics\":[\"oWaiting\",\"oInteracting\",\"oAlerting\","
                        + "\"oLongestWaiting\",\"oOnQueueUsers\",\"oOffQueueUsers\",\"oActiveUsers\",\"oMemberUsers\",\"oUserRoutingStatuses\"]}");
        Map<String, Map<String, Long>> expected = new HashMap<>(); // queue|media -> metric(.qualifier) -> value
        for (JsonNode r : raw.get("results")) {
            String key = r.get("group").get("queueId").asText() + "|" + r.get("group").path("mediaType").asText("ALL");
            Map<String, Long> m = expected.computeIfAbsent(key, k -> new HashMap<>());
            for (JsonNode d : r.get("data")) {
                String name = d.get("metric").asText() + (d.get("qualifier").isNull() ? "" : "." + d.get("qualifier").asText());
                JsonNode stats = d.get("stats");
                m.put(name, stats.has("count") ? stats.get("count").asLong() : stats.get("calculatedMetricValue").asLong());
            }
        }
        Map<String, Long> allWaiting = new HashMap<>();
        for (QueueStat s : outcome.stats()) {
            if (s.getMediaType() == null) {
                continue;
            }
            Map<String, Long> m = expected.get(s.getQueueId() + "|" + s.getMediaType());
            assertThat(s.getWaiting()).as("waiting of %s %s", s.getQueueId(), s.getMediaType()).isEqualTo(m.get("oWaiting"));
            assertThat(s.getInteracting()).isEqualTo(m.get("oInteracting"));
            assertThat(s.getExtraMetrics().get("oAlerting")).isEqualTo(m.get("oAlerting").doubleValue());
            if (m.containsKey("oLongestWaiting")) {
                assertThat(s.getLongestWaitingMs()).isEqualTo(m.get("oLongestWaiting"));
            } else if (s.getWaiting() == 0) {
                assertThat(s.getLongestWaitingMs()).isZero();
            }
            assertThat(s.getAgentsOnQueue()).as("agents live on the all-media record").isNull();
            allWaiting.merge(s.getQueueId(), s.getWaiting(), Long::sum);
        }
        for (QueueStat s : outcome.stats()) {
            if (s.getMediaType() != null) {
                continue;
            }
            Map<String, Long> u = expected.get(s.getQueueId() + "|ALL");
            assertThat(s.getWaiting()).isEqualTo(allWaiting.get(s.getQueueId()));
            assertThat(s.getAgentsOnQueue()).isEqualTo(u.get("oOnQueueUsers.IDLE") + u.get("oOnQueueUsers.INTERACTING"));
            assertThat(s.getAgentsAvailable()).isEqualTo(u.get("oOnQueueUsers.IDLE"));
            assertThat(s.getAgentsLoggedIn()).isEqualTo(u.get("oActiveUsers"));
            assertThat(s.getExtraMetrics()).containsEntry("oMemberUsers", u.get("oMemberUsers").doubleValue())
                    .containsEntry("oOffQueueUsers", u.get("oOffQueueUsers").doubleValue())
                    .containsEntry("oUserRoutingStatuses.OFF_QUEUE", u.get("oUserRoutingStatuses.OFF_QUEUE").doubleValue());
            assertThat(s.getExtraMetrics().get("simSequence")).isPositive();
        }
    }

    @Test
    void allMediaRecordsAgreeWithCxoneSkillActivityAtTheSameInstant() throws Exception {
        PollOutcome outcome = poll(f.sim.queueIds(), Map.of());
        JsonNode activity = f.tokens.withToken("cxone-na", "GET",
                f.sim.cxoneApiUrl("na1") + "/inContactAPI/services/v31.0/skills/activity", null);
        Map<String, JsonNode> bySkillName = new HashMap<>();
        activity.get("skillActivity").forEach(a -> bySkillName.put(a.get("skillName").asText(), a));
        Map<String, String> names = new HashMap<>();
        f.sim.config().queues().forEach(q -> names.put(q.id(), q.name()));

        List<QueueStat> all = outcome.stats().stream().filter(s -> s.getMediaType() == null).toList();
        assertThat(all).hasSize(5);
        for (QueueStat s : all) {
            JsonNode a = bySkillName.get(names.get(s.getQueueId()));
            assertThat(s.getWaiting()).isEqualTo(a.get("queueCount").asLong());
            assertThat(s.getInteracting() + s.getExtraMetrics().get("oAlerting").longValue()).isEqualTo(a.get("contactsActive").asLong());
            assertThat(s.getAgentsAvailable()).isEqualTo(a.get("agentsAvailable").asLong());
            assertThat(s.getAgentsLoggedIn()).isEqualTo(a.get("agentsLoggedIn").asLong());
            assertThat(s.getAgentsOnQueue()).isEqualTo(a.get("agentsWorking").asLong() + a.get("agentsAvailable").asLong()
                    + a.get("agentsACW").asLong());
            if (s.getWaiting() > 0) {
                long earliest = Instant.parse(a.get("earliestQueueTime").asText()).toEpochMilli();
                assertThat(s.getLongestWaitingMs()).isEqualTo(f.sim.now().toEpochMilli() - earliest);
            }
        }
    }

    @Test
    void splitsQueuesIntoRequestsOfTheConfiguredSizeAndFiltersMediaTypes() throws Exception {
        f.sim.requests().clear();
        PollOutcome outcome = poll(f.sim.queueIds(), Map.of("maxQueuesPerRequest", "2", "mediaTypes", "voice"));

        assertThat(outcome.errors()).isEmpty();
        assertThat(outcome.vendorRequests()).isEqualTo(3);
        List<RecordedRequest> sent = f.sim.requests().matching(Vendor.GENESYS, "/observations/query");
        assertThat(sent).hasSize(3).allSatisfy(r -> assertThat(r.body()).contains("\"mediaType\"").contains("\"voice\""));
        assertThat(sent.stream().mapToInt(r -> r.body().split("\"queueId\"").length - 1).sum()).isEqualTo(5);
        Set<String> media = new java.util.HashSet<>();
        outcome.stats().forEach(s -> media.add(String.valueOf(s.getMediaType())));
        assertThat(media).containsExactlyInAnyOrder("voice", "null");
        assertThat(sent.get(0).header("authorization")).isEqualTo("Bearer ****");
    }

    @Test
    void aJobWithoutQueuesPollsEveryQueueTheRoutingQueueListNames() throws Exception {
        f.sim.requests().clear();
        PollOutcome outcome = poll(List.of(), Map.of());

        assertThat(outcome.errors()).isEmpty();
        assertThat(f.sim.requests().matching(Vendor.GENESYS, "/api/v2/routing/queues")).hasSize(1);
        assertThat(outcome.stats().stream().map(QueueStat::getQueueId).distinct().toList())
                .containsExactlyInAnyOrderElementsOf(f.sim.queueIds());
        assertThat(outcome.vendorRequests()).isEqualTo(2);
    }

    @Test
    void unknownQueuesAreLeftOutAndMissingMetricsAreNulls() throws Exception {
        List<String> ids = new ArrayList<>(List.of(f.sim.queueIds().get(1), "00000000-0000-4000-8000-00000000dead"));
        io.switchboard.events.poll.PollJob job = Jobs.job("obs-2", "genesys-eu", Endpoints.GENESYS_QUEUE_OBSERVATIONS, ids, Map.of());
        job.setMetrics(List.of("oWaiting"));
        PollOutcome outcome = f.executor.poll(job, Jobs.request(1, f.clock.instant())).get();

        assertThat(outcome.errors()).isEmpty();
        assertThat(outcome.stats()).extracting(QueueStat::getQueueId).containsOnly(ids.get(0));
        QueueStat all = outcome.stats().stream().filter(s -> s.getMediaType() == null).findFirst().orElseThrow();
        assertThat(all.getWaiting()).isNotNull();
        assertThat(all.getInteracting()).isNull();
        assertThat(all.getAgentsOnQueue()).isNull();
        assertThat(all.getLongestWaitingMs()).isNull();
    }

    @Test
    void aQueueCapBelowTheBatchSizeIsAVendorErrorThatNamesTheCap() throws Exception {
        try (SimFixture small = SimFixture.frozen(SimulatorConfig.builder().genesys(g -> g.withMaxQueueIdsPerObservationQuery(2)).build(),
                b -> b.options(VendorHttpOptions.defaults().withTokenRefreshWait(Duration.ofSeconds(5))))) {
            small.tokens.genesys("genesys-eu");
            PollOutcome outcome = small.executor.poll(Jobs.job("obs-3", "genesys-eu", Endpoints.GENESYS_QUEUE_OBSERVATIONS,
                    small.sim.queueIds(), Map.of()), Jobs.request(1, small.clock.instant())).get();
            assertThat(outcome.stats()).isEmpty();
            assertThat(outcome.errors()).singleElement().satisfies(e -> {
                assertThat(e.getKind()).isEqualTo("VENDOR_ERROR");
                assertThat(e.getRetriable()).isFalse();
                assertThat(e.getHttpStatus()).isEqualTo(400);
                assertThat(e.getMessage()).contains("at most 2").contains("check the job's");
            });
        }
    }

    @Test
    void recordsCarryTheQueueNameOnceADiscoveryOfTheCredentialHasListedIt() throws Exception {
        List<String> ids = f.sim.queueIds();
        assertThat(poll(ids, Map.of()).stats()).as("no listing yet: ids only").allSatisfy(s -> assertThat(s.getQueueName()).isNull());

        List<io.switchboard.poll.QueueDiscovery.DiscoveredQueue> discovered = f.executor.queueDiscovery()
                .discover("genesys-eu", Endpoints.GENESYS_QUEUE_OBSERVATIONS, Map.of()).get();
        Map<String, String> names = discovered.stream().collect(Collectors.toMap(
                io.switchboard.poll.QueueDiscovery.DiscoveredQueue::id, io.switchboard.poll.QueueDiscovery.DiscoveredQueue::name));
        assertThat(names).containsValue("Support");
        PollOutcome named = poll(ids, Map.of());
        assertThat(named.stats()).isNotEmpty().allSatisfy(s -> assertThat(s.getQueueName()).isEqualTo(names.get(s.getQueueId())));

        // a queue renamed at the vendor: the next listing (here: a job that polls every queue lists them itself) wins
        f.sim.removeQueue(ids.get(0));
        f.sim.addQueue(new SimulatorConfig.QueueSpec(ids.get(0), "Support (renamed)", 1001, List.of("voice"), 20));
        PollOutcome all = poll(List.of(), Map.of());
        assertThat(all.stats()).filteredOn(s -> s.getQueueId().equals(ids.get(0))).isNotEmpty()
                .allSatisfy(s -> assertThat(s.getQueueName()).isEqualTo("Support (renamed)"));
    }
}
