package io.switchboard.simulator;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;

import static io.switchboard.simulator.SimHttp.basic;
import static io.switchboard.simulator.SimHttp.form;
import static io.switchboard.simulator.SimHttp.json;
import static org.assertj.core.api.Assertions.assertThat;

class CxoneReportingTest {

    private final SimHttp http = new SimHttp();
    private VendorSimulator sim;

    @AfterEach
    void stop() {
        if (sim != null) {
            sim.close();
        }
    }

    private String token() {
        return json(http.post(sim.cxoneAuthUrl() + "/auth/token",
                "grant_type=password&username=cxone-key-id&password=" + form("cxone/key+secret=="),
                "Authorization", basic("cxone-client", "cxone-client-secret"),
                "Content-Type", "application/x-www-form-urlencoded")).getString("access_token");
    }

    @Test
    void skillActivityHasTheDocumentedFields() {
        sim = VendorSimulator.start(SimulatorConfig.defaults());
        String token = token();

        HttpResponse<String> r = http.get(sim.cxoneApiUrl("na1") + "/inContactAPI/services/v31.0/skills/activity",
                "Authorization", "Bearer " + token);

        assertThat(r.statusCode()).isEqualTo(200);
        JsonArray activity = json(r).getJsonArray("skillActivity");
        assertThat(activity).hasSize(5);
        assertThat(activity.getJsonObject(0).fieldNames()).contains("serverTime", "skillId", "skillName", "campaignId",
                "skillQueueCount", "queueCount", "earliestQueueTime", "contactsActive", "agentsLoggedIn", "agentsWorking",
                "agentsUnavailable", "agentsAvailable", "agentsACW", "agentsIdle", "serviceLevel", "serviceLevelGoal");
        assertThat(activity.getJsonObject(0).getInteger("skillId")).isEqualTo(1001);
        assertThat(activity.getJsonObject(0).getLong("simSequence")).isEqualTo(1L);

        assertThat(http.get(sim.cxoneApiUrl("eu1") + "/inContactAPI/services/v31.0/skills/activity",
                "Authorization", "Bearer " + token).statusCode()).isEqualTo(401);
        assertThat(http.get(sim.cxoneApiUrl("na1") + "/inContactAPI/services/v34.0/skills/activity",
                "Authorization", "Bearer " + token).statusCode()).isEqualTo(200);
    }

    @Test
    void olderResultSetWrapperIsASwitch() {
        sim = VendorSimulator.start(SimulatorConfig.builder().cxone(c -> c.withWrapActivityInResultSet(true)).build());
        JsonObject body = json(http.get(sim.cxoneApiUrl("na1") + "/inContactAPI/services/v31.0/skills/activity",
                "Authorization", "Bearer " + token()));
        assertThat(body.getJsonObject("resultSet").getString("lastPollTime")).isNotBlank();
        assertThat(body.getJsonObject("resultSet").getJsonArray("skillActivity")).hasSize(5);
    }

    @Test
    void skillSummaryUsesIsoDurations() {
        sim = VendorSimulator.start(SimulatorConfig.defaults());
        HttpResponse<String> r = http.get(sim.cxoneApiUrl("na1") + "/inContactAPI/services/v31.0/skills/summary"
                + "?startDate=2024-05-06T09:00:00.000Z&endDate=2024-05-06T12:00:00.000Z", "Authorization", "Bearer " + token());
        assertThat(r.statusCode()).isEqualTo(200);
        JsonObject s = json(r).getJsonArray("skillSummaries").getJsonObject(0);
        assertThat(s.fieldNames()).contains("skillId", "abandonCount", "contactsQueued", "contactsHandled", "contactsOffered");
        assertThat(s.getString("averageHandleTime")).matches("PT(\\d+M)?(\\d+S)?");
        assertThat(s.getString("averageSpeedToAnswer")).startsWith("PT");
        assertThat(s.getLong("contactsOffered")).isPositive();

        HttpResponse<String> missing = http.get(sim.cxoneApiUrl("na1") + "/inContactAPI/services/v31.0/skills/summary",
                "Authorization", "Bearer " + token());
        assertThat(missing.statusCode()).isEqualTo(400);
        assertThat(json(missing).getString("error_description")).contains("startDate");
    }
}
