package io.switchboard.simulator;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

import static io.switchboard.simulator.SimHttp.basic;
import static io.switchboard.simulator.SimHttp.form;
import static io.switchboard.simulator.SimHttp.json;
import static org.assertj.core.api.Assertions.assertThat;

class QueueDataTest {

    private final SimHttp http = new SimHttp();
    private VendorSimulator sim;

    @AfterEach
    void stop() {
        if (sim != null) {
            sim.close();
        }
    }

    @Test
    void everyAnswerTakesTheNextSequenceNumberOfEachQueueAcrossVendors() {
        sim = VendorSimulator.start(SimulatorConfig.defaults());
        String q = sim.queueIds().get(1);
        String genesys = http.genesysToken(sim);
        String auth0 = json(http.post(sim.auth0Url() + "/oauth/token", new JsonObject().put("grant_type", "client_credentials")
                .put("client_id", "auth0-client").put("client_secret", "auth0-secret")
                .put("audience", "https://beeapp.open-cosmos.com").encode(), "Content-Type", "application/json")).getString("access_token");

        long g1 = json(http.post(sim.genesysApiUrl() + "/api/v2/analytics/queues/observations/query",
                GenesysReportingTest.observationQuery(List.of(q), "oWaiting"), "Authorization", "Bearer " + genesys))
                .getJsonArray("results").getJsonObject(0).getLong("simSequence");
        JsonObject a = json(http.get(sim.auth0Url() + "/api/v1/queues/stats?queueIds=" + q, "Authorization", "Bearer " + auth0))
                .getJsonArray("queues").getJsonObject(0);
        long g3 = json(http.post(sim.genesysApiUrl() + "/api/v2/analytics/queues/observations/query",
                GenesysReportingTest.observationQuery(List.of(q), "oWaiting"), "Authorization", "Bearer " + genesys))
                .getJsonArray("results").getJsonObject(0).getLong("simSequence");

        assertThat(List.of(g1, a.getLong("simSequence"), g3)).containsExactly(1L, 2L, 3L);
        assertThat(sim.queueSequence(q)).isEqualTo(3L);
        assertThat(sim.queueSequence("nope")).isEqualTo(-1L);
    }

    @Test
    void queuesEvolvePlausiblyAndCountersOnlyGrow() {
        sim = VendorSimulator.start(SimulatorConfig.builder().generatedQueues(20).build());
        String token = json(http.post(sim.oauth2Issuer() + "/token", "grant_type=client_credentials",
                "Authorization", basic("oauth2-client", form("p@ss+w%rd/=")),
                "Content-Type", "application/x-www-form-urlencoded")).getString("access_token");
        String url = sim.oauth2Issuer() + "/api/queues/stats";

        JsonArray before = json(http.get(url, "Authorization", "Bearer " + token)).getJsonArray("queues");
        sim.advanceClock(Duration.ofMinutes(2));
        JsonArray after = json(http.get(url, "Authorization", "Bearer " + token)).getJsonArray("queues");

        assertThat(after).hasSize(25);
        long offeredBefore = 0;
        long offeredAfter = 0;
        for (int i = 0; i < after.size(); i++) {
            JsonObject b = before.getJsonObject(i);
            JsonObject x = after.getJsonObject(i);
            assertThat(x.getLong("offered")).isGreaterThanOrEqualTo(b.getLong("offered"));
            assertThat(x.getLong("answered") + x.getLong("abandoned")).isLessThanOrEqualTo(x.getLong("offered"));
            assertThat(x.getInteger("waiting")).isNotNegative();
            assertThat(x.getInteger("agentsAvailable")).isLessThanOrEqualTo(x.getInteger("agentsOnQueue"));
            assertThat(x.getLong("simSequence")).isEqualTo(b.getLong("simSequence") + 1);
            offeredBefore += b.getLong("offered");
            offeredAfter += x.getLong("offered");
        }
        // 25 queues over two simulated minutes: traffic arrives at any hour of the day.
        assertThat(offeredAfter).isGreaterThan(offeredBefore);
    }

    @Test
    void sameSeedSameQueuesAndHistory() {
        SimulatorConfig config = SimulatorConfig.builder().seed(7).generatedQueues(3).build();
        List<String> first;
        try (VendorSimulator a = VendorSimulator.start(config)) {
            first = a.queueIds();
        }
        sim = VendorSimulator.start(config);
        assertThat(sim.queueIds()).isEqualTo(first).hasSize(8);
        try (VendorSimulator other = VendorSimulator.start(SimulatorConfig.builder().seed(8).generatedQueues(3).build())) {
            assertThat(other.queueIds().get(5)).isNotEqualTo(first.get(5));
        }
    }

    @Test
    void cognosReportRowsAreDataSetJson() {
        sim = VendorSimulator.start(SimulatorConfig.defaults());
        HttpResponse<String> login = http.send("PUT", sim.cognosUrl() + "/api/v1/session",
                CognosLoginTest.params("CAMNamespace", "LDAP", "CAMUsername", "cognos-user", "CAMPassword", "cognos-password"),
                "Content-Type", "application/json");
        String key = json(login).getString("session_key");
        String xsrf = CognosLoginTest.cookie(login, "XSRF-TOKEN");
        HttpResponse<String> r = http.get(sim.cognosUrl() + "/bi/v1/disp/rds/reportData/report/iQueueStatsReport?fmt=DataSetJSON",
                "IBM-BA-Authorization", key, "X-XSRF-Token", xsrf);
        JsonArray rows = json(r).getJsonObject("dataSet").getJsonArray("dataTable").getJsonObject(0).getJsonArray("row");
        assertThat(rows).hasSize(5);
        assertThat(rows.getJsonObject(0).fieldNames()).contains("Queue ID", "Queue", "Waiting", "Offered", "Sequence");
        assertThat(http.get(sim.cognosUrl() + "/bi/v1/disp/rds/reportData/report/nope?fmt=DataSetJSON",
                "IBM-BA-Authorization", key, "X-XSRF-Token", xsrf).statusCode()).isEqualTo(404);
    }
}
