package io.switchboard.poll.vendor;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.switchboard.events.poll.QueueStat;
import io.switchboard.poll.Endpoints;
import io.switchboard.poll.PollOutcome;
import io.switchboard.simulator.SimulatorConfig;
import io.switchboard.simulator.Vendor;

/** The generic JSON adapter: JSON Pointer mapping, Auth0 / OAuth2 protected APIs, next-link and page-number paging. */
class GenericJsonSimTest {

    static final Map<String, String> STATS = Map.ofEntries(Map.entry("url", "/api/v1/queues/stats"), Map.entry("items", "/queues"),
            Map.entry("field.queueId", "/id"), Map.entry("field.queueName", "/name"), Map.entry("field.waiting", "/waiting"),
            Map.entry("field.interacting", "/interacting"), Map.entry("field.longestWaitingMs", "/longestWaitSeconds"),
            Map.entry("scale.longestWaitingMs", "1000"), Map.entry("field.agentsOnQueue", "/agentsOnQueue"),
            Map.entry("field.agentsAvailable", "/agentsAvailable"), Map.entry("field.offered", "/offered"),
            Map.entry("field.answered", "/answered"), Map.entry("field.abandoned", "/abandoned"),
            Map.entry("field.serviceLevelPercent", "/serviceLevelPercent"), Map.entry("root.observedAt", "/generatedAt"),
            Map.entry("extra.simSequence", "/simSequence"), Map.entry("queueIdsParam", "queueIds"));

    SimFixture f;

    @AfterEach
    void stop() throws Exception {
        f.close();
    }

    private PollOutcome poll(String credential, Map<String, String> params, List<String> queues) throws Exception {
        return f.executor.poll(Jobs.job("gen", credential, Endpoints.GENERIC_JSON, queues, params), Jobs.request(4, f.clock.instant())).get();
    }

    @Test
    void anAuth0ProtectedApiIsMappedWithJsonPointers() throws Exception {
        f = SimFixture.frozen();
        f.tokens.auth0("datacosmos");
        PollOutcome o = poll("datacosmos", STATS, List.of(f.sim.queueIds().get(0), f.sim.queueIds().get(3)));
        assertThat(o.errors()).isEmpty();
        assertThat(o.stats()).hasSize(2);
        assertThat(f.sim.requests().matching(Vendor.AUTH0, "/api/v1/queues/stats")).singleElement()
                .satisfies(r -> assertThat(r.query()).startsWith("queueIds="));

        JsonNode raw = f.tokens.withToken("datacosmos", "GET", f.sim.auth0Url() + "/api/v1/queues/stats", null);
        Map<String, JsonNode> byId = new HashMap<>();
        raw.get("queues").forEach(q -> byId.put(q.get("id").asText(), q));
        for (QueueStat s : o.stats()) {
            JsonNode q = byId.get(s.getQueueId());
            assertThat(s.getProvider()).isEqualTo("auth0");
            assertThat(s.getObservedAt()).isEqualTo(Instant.parse(raw.get("generatedAt").asText()));
            assertThat(s.getQueueName()).isEqualTo(q.get("name").asText());
            assertThat(s.getWaiting()).isEqualTo(q.get("waiting").asLong());
            assertThat(s.getInteracting()).isEqualTo(q.get("interacting").asLong());
            assertThat(s.getLongestWaitingMs()).isEqualTo(q.get("longestWaitSeconds").asLong() * 1000);
            assertThat(s.getAgentsOnQueue()).isEqualTo(q.get("agentsOnQueue").asLong());
            assertThat(s.getAgentsAvailable()).isEqualTo(q.get("agentsAvailable").asLong());
            assertThat(s.getOffered()).isEqualTo(q.get("offered").asLong());
            assertThat(s.getAnswered()).isEqualTo(q.get("answered").asLong());
            assertThat(s.getAbandoned()).isEqualTo(q.get("abandoned").asLong());
            assertThat(s.getServiceLevelPercent()).isEqualTo(q.get("serviceLevelPercent").asDouble());
            assertThat(s.getAgentsLoggedIn()).isNull();
        }
    }

    @Test
    void anOAuth2ProtectedApiWithoutQueueFilterParameterIsFilteredOnTheAnswer() throws Exception {
        f = SimFixture.frozen();
        f.tokens.oauth2("generic");
        Map<String, String> params = new HashMap<>(STATS);
        params.put("url", "/api/queues/stats");
        params.remove("queueIdsParam");
        PollOutcome o = poll("generic", params, List.of(f.sim.queueIds().get(4)));
        assertThat(o.errors()).isEmpty();
        assertThat(o.stats()).extracting(QueueStat::getQueueId).containsExactly(f.sim.queueIds().get(4));
        assertThat(o.stats().get(0).getProvider()).isEqualTo("oauth2");
    }

    @Test
    void insufficientScopeNamesTheScopeToGrant() throws Exception {
        f = SimFixture.frozen(SimulatorConfig.builder().auth0Client(SimulatorConfig.Auth0Client.of("auth0-client", "auth0-secret")
                .withGrants(Map.of(SimulatorConfig.DEFAULT_AUTH0_AUDIENCE, Set.of()))).build(), b -> b);
        f.tokens.auth0("datacosmos");
        PollOutcome o = poll("datacosmos", STATS, List.of());
        assertThat(o.errors()).singleElement().satisfies(e -> {
            assertThat(e.getKind()).isEqualTo("PERMISSION");
            assertThat(e.getVendorCode()).isEqualTo("insufficient_scope");
            assertThat(e.getMessage()).contains("lacks read:stats").contains("list it in the credential's scopes");
        });
    }

    @Test
    void followsNextLinksAndPageNumbers() throws Exception {
        f = SimFixture.frozen(SimulatorConfig.builder().generatedQueues(7).build(), b -> b);
        f.tokens.genesys("genesys-eu");
        Map<String, String> base = Map.of("items", "/entities", "field.queueId", "/id", "field.queueName", "/name",
                "field.agentsLoggedIn", "/memberCount");
        Map<String, String> next = new HashMap<>(base);
        next.putAll(Map.of("url", "/api/v2/routing/queues?pageSize=5", "pagination", "next-link", "nextLink", "/nextUri"));
        PollOutcome byLink = poll("genesys-eu", next, List.of());
        assertThat(byLink.errors()).isEmpty();
        assertThat(byLink.vendorRequests()).isEqualTo(3);
        assertThat(byLink.stats()).extracting(QueueStat::getQueueId).containsExactlyElementsOf(f.sim.queueIds());

        Map<String, String> numbered = new HashMap<>(base);
        numbered.putAll(Map.of("url", "/api/v2/routing/queues", "pagination", "page-number", "pageParam", "pageNumber",
                "pageSizeParam", "pageSize", "pageSize", "4", "pageCount", "/pageCount"));
        PollOutcome byNumber = poll("genesys-eu", numbered, List.of());
        assertThat(byNumber.errors()).isEmpty();
        assertThat(byNumber.vendorRequests()).isEqualTo(3);
        assertThat(byNumber.stats()).hasSize(12);
        assertThat(f.sim.requests().matching(Vendor.GENESYS, "/routing/queues").stream().map(r -> r.query()).toList())
                .contains("pageNumber=1&pageSize=4", "pageNumber=3&pageSize=4");
        assertThat(byNumber.stats().get(0).getAgentsLoggedIn()).isEqualTo(40);
    }

    @Test
    void badPointersAndAMissingListAreNamed() throws Exception {
        f = SimFixture.frozen();
        f.tokens.auth0("datacosmos");
        Map<String, String> bad = new HashMap<>(STATS);
        bad.put("field.waiting", "waiting");
        assertThat(poll("datacosmos", bad, List.of()).errors()).singleElement().satisfies(e -> {
            assertThat(e.getKind()).isEqualTo("CONFIGURATION");
            assertThat(e.getMessage()).contains("'waiting' is not a JSON Pointer");
        });
        Map<String, String> wrongList = new HashMap<>(STATS);
        wrongList.put("items", "/rows");
        assertThat(poll("datacosmos", wrongList, List.of()).errors()).singleElement().satisfies(e -> {
            assertThat(e.getKind()).isEqualTo("MAPPING");
            assertThat(e.getMessage()).contains("no item list at /rows").contains("excerpt: {\"generatedAt\"");
        });
    }
}
