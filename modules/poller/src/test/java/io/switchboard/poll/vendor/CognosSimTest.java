package io.switchboard.poll.vendor;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.switchboard.core.Secret;
import io.switchboard.events.poll.QueueStat;
import io.switchboard.poll.Endpoints;
import io.switchboard.poll.PollOutcome;
import io.switchboard.simulator.RecordedRequest;
import io.switchboard.simulator.Vendor;

/** IBM Cognos report data rows with a configured column mapping and the session headers of the token. */
class CognosSimTest {

    static final Map<String, String> COLUMNS = Map.ofEntries(
            Map.entry("reportStoreId", "iQueueStatsReport"),
            Map.entry("column.queueId", "Queue ID"), Map.entry("column.queueName", "Queue"), Map.entry("column.observedAt", "Time"),
            Map.entry("column.waiting", "Waiting"), Map.entry("column.interacting", "Interacting"),
            Map.entry("column.agentsOnQueue", "Agents on queue"), Map.entry("column.agentsAvailable", "Agents available"),
            Map.entry("column.offered", "Offered"), Map.entry("column.answered", "Answered"), Map.entry("column.abandoned", "Abandoned"),
            Map.entry("column.serviceLevelPercent", "Service level"), Map.entry("extra.simSequence", "Sequence"));

    SimFixture f;

    @BeforeEach
    void start() {
        f = SimFixture.frozen();
        f.tokens.cognos("cognos-bi").genesys("genesys-eu");
    }

    @AfterEach
    void stop() throws Exception {
        f.close();
    }

    private PollOutcome poll(Map<String, String> params, List<String> queues) throws Exception {
        return f.executor.poll(Jobs.job("rds", "cognos-bi", Endpoints.COGNOS_REPORT_DATA, queues, params),
                Jobs.request(2, f.clock.instant())).get();
    }

    @Test
    void reportRowsAreMappedByTheConfiguredColumnsWithTheSessionHeaders() throws Exception {
        PollOutcome o = poll(COLUMNS, List.of());
        assertThat(o.errors()).isEmpty();
        assertThat(o.stats()).hasSize(5);
        RecordedRequest sent = f.sim.requests().matching(Vendor.COGNOS, "/reportData/report/iQueueStatsReport").get(0);
        assertThat(sent.query()).isEqualTo("fmt=DataSetJSON");
        assertThat(sent.header("ibm-ba-authorization")).isEqualTo("****");
        assertThat(sent.header("x-xsrf-token")).isEqualTo("****");

        JsonNode raw = f.tokens.withToken("cognos-bi", "GET", f.sim.cognosUrl()
                + "/bi/v1/disp/rds/reportData/report/iQueueStatsReport?fmt=DataSetJSON", null);
        Map<String, JsonNode> rows = new HashMap<>();
        raw.at("/dataSet/dataTable/0/row").forEach(r -> rows.put(r.get("Queue ID").asText(), r));
        for (QueueStat s : o.stats()) {
            JsonNode r = rows.get(s.getQueueId());
            assertThat(s.getProvider()).isEqualTo("cognos-analytics");
            assertThat(s.getQueueName()).isEqualTo(r.get("Queue").asText());
            assertThat(s.getObservedAt()).isEqualTo(Instant.parse(r.get("Time").asText()));
            assertThat(s.getWaiting()).isEqualTo(r.get("Waiting").asLong());
            assertThat(s.getInteracting()).isEqualTo(r.get("Interacting").asLong());
            assertThat(s.getAgentsOnQueue()).isEqualTo(r.get("Agents on queue").asLong());
            assertThat(s.getAgentsAvailable()).isEqualTo(r.get("Agents available").asLong());
            assertThat(s.getOffered()).isEqualTo(r.get("Offered").asLong());
            assertThat(s.getAnswered()).isEqualTo(r.get("Answered").asLong());
            assertThat(s.getAbandoned()).isEqualTo(r.get("Abandoned").asLong());
            assertThat(s.getServiceLevelPercent()).isEqualTo(r.get("Service level").asDouble());
            assertThat(s.getExtraMetrics().get("simSequence")).isEqualTo(r.get("Sequence").asDouble() - 1);
            assertThat(s.getLongestWaitingMs()).as("not mapped: null, not zero").isNull();
        }

        // Same instant, Genesys's all-media view of the same queues.
        PollOutcome genesys = f.executor.poll(Jobs.job("obs", "genesys-eu", Endpoints.GENESYS_QUEUE_OBSERVATIONS, f.sim.queueIds(),
                Map.of()), Jobs.request(2, f.clock.instant())).get();
        Map<String, QueueStat> all = new HashMap<>();
        genesys.stats().stream().filter(s -> s.getMediaType() == null).forEach(s -> all.put(s.getQueueId(), s));
        for (QueueStat s : o.stats()) {
            assertThat(s.getWaiting()).isEqualTo(all.get(s.getQueueId()).getWaiting());
            assertThat(s.getAgentsOnQueue()).isEqualTo(all.get(s.getQueueId()).getAgentsOnQueue());
        }
    }

    @Test
    void jobQueuesFilterTheRowsAndAMissingColumnIsANull() throws Exception {
        Map<String, String> params = new HashMap<>(COLUMNS);
        params.put("column.agentsLoggedIn", "No such column");
        PollOutcome o = poll(params, List.of(f.sim.queueIds().get(2)));
        assertThat(o.errors()).isEmpty();
        assertThat(o.stats()).singleElement().satisfies(s -> {
            assertThat(s.getQueueId()).isEqualTo(f.sim.queueIds().get(2));
            assertThat(s.getAgentsLoggedIn()).isNull();
        });
    }

    @Test
    void anEndedSessionIsReplacedThroughTheTokenSourceAndAStaleXsrfTokenToo() throws Exception {
        f.sim.faults().revokeTokens(Vendor.COGNOS);
        PollOutcome afterLogout = poll(COLUMNS, List.of());
        assertThat(afterLogout.errors()).isEmpty();
        assertThat(afterLogout.stats()).hasSize(5);
        assertThat(f.tokens.refreshes()).singleElement().satisfies(r -> assertThat(r.httpStatus()).isEqualTo(401));

        Map<String, Secret> stale = new HashMap<>(f.tokens.current("cognos-bi").orElseThrow().headers());
        stale.put("X-XSRF-Token", Secret.of("stale-xsrf-value"));
        f.tokens.publish("cognos-bi", stale, f.clock.instant().plusSeconds(3600));
        PollOutcome afterXsrf = poll(COLUMNS, List.of());
        assertThat(afterXsrf.errors()).isEmpty();
        assertThat(f.tokens.refreshes()).hasSize(2).last().satisfies(r -> assertThat(r.httpStatus()).isEqualTo(403));
    }

    @Test
    void configurationMistakesAreNamed() throws Exception {
        PollOutcome noStore = poll(Map.of("column.queueId", "Queue ID"), List.of());
        assertThat(noStore.errors()).singleElement().satisfies(e -> {
            assertThat(e.getKind()).isEqualTo("CONFIGURATION");
            assertThat(e.getMessage()).contains("reportStoreId is required");
        });
        PollOutcome noId = poll(Map.of("reportStoreId", "iQueueStatsReport"), List.of());
        assertThat(noId.errors()).singleElement().satisfies(e -> assertThat(e.getMessage()).contains("column.queueId is required"));
        PollOutcome typo = poll(Map.of("reportStoreId", "iQueueStatsReport", "column.queueId", "Queue ID", "column.waitng", "Waiting"),
                List.of());
        assertThat(typo.errors()).singleElement().satisfies(e -> assertThat(e.getMessage())
                .contains("column.waitng names no QueueStat field").contains("column.waiting"));
        PollOutcome unknownReport = poll(Map.of("reportStoreId", "nope", "column.queueId", "Queue ID"), List.of());
        assertThat(unknownReport.errors()).singleElement().satisfies(e -> {
            assertThat(e.getKind()).isEqualTo("VENDOR_ERROR");
            assertThat(e.getHttpStatus()).isEqualTo(404);
            assertThat(e.getVendorCode()).isEqualTo("reportNotFound");
        });
    }
}
