package io.switchboard.simulator;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;

import static io.switchboard.simulator.SimHttp.json;
import static org.assertj.core.api.Assertions.assertThat;

class CxoneReportingTest extends SimulatorFixture {

    @Test
    void skillActivityHasTheDocumentedFields() {
        start(SimulatorConfig.defaults());
        String token = http.cxoneToken(sim);

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
        start(SimulatorConfig.builder().cxone(c -> c.withWrapActivityInResultSet(true)).build());
        JsonObject body = json(http.get(sim.cxoneApiUrl("na1") + "/inContactAPI/services/v31.0/skills/activity",
                "Authorization", "Bearer " + http.cxoneToken(sim)));
        assertThat(body.getJsonObject("resultSet").getString("lastPollTime")).isNotBlank();
        assertThat(body.getJsonObject("resultSet").getJsonArray("skillActivity")).hasSize(5);
    }

    @Test
    void skillSummaryUsesIsoDurations() {
        start(SimulatorConfig.defaults());
        HttpResponse<String> r = http.get(sim.cxoneApiUrl("na1") + "/inContactAPI/services/v31.0/skills/summary"
                + "?startDate=2024-05-06T09:00:00.000Z&endDate=2024-05-06T12:00:00.000Z", "Authorization", "Bearer " + http.cxoneToken(sim));
        assertThat(r.statusCode()).isEqualTo(200);
        JsonObject s = json(r).getJsonArray("skillSummaries").getJsonObject(0);
        assertThat(s.fieldNames()).contains("skillId", "abandonCount", "contactsQueued", "contactsHandled", "contactsOffered");
        assertThat(s.getString("averageHandleTime")).matches("PT(\\d+M)?(\\d+S)?");
        assertThat(s.getString("averageSpeedToAnswer")).startsWith("PT");
        assertThat(s.getLong("contactsOffered")).isPositive();

        HttpResponse<String> missing = http.get(sim.cxoneApiUrl("na1") + "/inContactAPI/services/v31.0/skills/summary",
                "Authorization", "Bearer " + http.cxoneToken(sim));
        assertThat(missing.statusCode()).isEqualTo(400);
        assertThat(json(missing).getString("error_description")).contains("startDate");
    }
}
