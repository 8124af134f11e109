package io.switchboard.simulator;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;

import static io.switchboard.simulator.SimHttp.json;
import static org.assertj.core.api.Assertions.assertThat;

class GenesysReportingTest extends SimulatorFixture {

    static String observationQuery(List<String> queueIds, String... metrics) {
        JsonArray preds = new JsonArray();
        queueIds.forEach(id -> preds.add(new JsonObject().put("dimension", "queueId").put("value", id)));
        return new JsonObject().put("filter", new JsonObject().put("type", "or").put("predicates", preds))
                .put("metrics", new JsonArray(List.of(metrics))).encode();
    }

    private HttpResponse<String> observe(String token, String body) {
        return http.post(sim.genesysApiUrl() + "/api/v2/analytics/queues/observations/query", body,
                "Authorization", "Bearer " + token, "Content-Type", "application/json");
    }

    @Test
    void observationsAreGroupedPerQueueAndMediaTypeWithOnlyTheRequestedMetrics() {
        start(SimulatorConfig.defaults());
        String token = http.genesysToken(sim);
        List<String> ids = sim.queueIds();

        HttpResponse<String> r = observe(token, observationQuery(List.of(ids.get(0), ids.get(1), "unknown-queue"), "oWaiting", "oInteracting"));

        assertThat(r.statusCode()).isEqualTo(200);
        JsonArray results = json(r).getJsonArray("results");
        // Support routes voice+chat, Sales voice only; unknown queues are left out.
        assertThat(results).hasSize(3);
        JsonObject first = results.getJsonObject(0);
        assertThat(first.getJsonObject("group")).isEqualTo(new JsonObject().put("queueId", ids.get(0)).put("mediaType", "voice"));
        assertThat(results.getJsonObject(1).getJsonObject("group").getString("mediaType")).isEqualTo("chat");
        JsonArray data = first.getJsonArray("data");
        assertThat(data).hasSize(2);
        assertThat(data.getJsonObject(0).getString("metric")).isEqualTo("oWaiting");
        assertThat(data.getJsonObject(0).getJsonObject("stats").getLong("count")).isNotNull();
        assertThat(data.getJsonObject(0).containsKey("qualifier")).isTrue();
        assertThat(first.getLong("simSequence")).isEqualTo(1L);
        assertThat(sim.queueSequence(ids.get(0))).isEqualTo(1L);

        JsonArray users = json(observe(token, observationQuery(List.of(ids.get(1)), "oOnQueueUsers"))).getJsonArray("results");
        assertThat(users).hasSize(1);
        assertThat(users.getJsonObject(0).getJsonObject("group").containsKey("mediaType")).isFalse();
        assertThat(users.getJsonObject(0).getLong("simSequence")).isEqualTo(2L);
    }

    @Test
    void queueIdCapAndUnknownMetricsAreClear400s() {
        start(SimulatorConfig.builder().genesys(g -> g.withMaxQueueIdsPerObservationQuery(3)).build());
        String token = http.genesysToken(sim);
        List<String> four = sim.queueIds().subList(0, 4);

        HttpResponse<String> tooMany = observe(token, observationQuery(four, "oWaiting"));
        assertThat(tooMany.statusCode()).isEqualTo(400);
        assertThat(json(tooMany).getString("code")).isEqualTo("bad.request");
        assertThat(json(tooMany).getString("message")).contains("4 queueId predicates").contains("at most 3");

        HttpResponse<String> badMetric = observe(token, observationQuery(four.subList(0, 1), "oBogus"));
        assertThat(badMetric.statusCode()).isEqualTo(400);
        assertThat(json(badMetric).getString("message")).contains("oBogus");
    }

    @Test
    void missingPermissionIsNamedIn403() {
        start(SimulatorConfig.builder()
                .genesysClient(SimulatorConfig.GenesysClient.of("limited", "s").withPermissions(SimulatorConfig.PERM_ROUTING_QUEUE)).build());
        String token = http.genesysToken(sim, "limited", "s");

        HttpResponse<String> r = observe(token, observationQuery(sim.queueIds().subList(0, 1), "oWaiting"));

        assertThat(r.statusCode()).isEqualTo(403);
        JsonObject body = json(r);
        assertThat(body.getString("code")).isEqualTo("missing.permissions");
        assertThat(body.getString("message")).endsWith("You are missing the following permission(s): analytics:queueObservation:view");
        assertThat(body.fieldNames()).contains("status", "messageWithParams", "messageParams", "contextId", "details", "errors");
        assertThat(body.getInteger("status")).isEqualTo(403);
    }

    @Test
    void rateLimitPerTokenAnswers429WithRetryAfter() {
        start(SimulatorConfig.builder().genesys(g -> g.withRateLimitPerMinute(3)).build());
        String token = http.genesysToken(sim);
        String url = sim.genesysApiUrl() + "/api/v2/routing/queues";
        for (int i = 0; i < 3; i++) {
            assertThat(http.get(url, "Authorization", "Bearer " + token).statusCode()).isEqualTo(200);
        }
        HttpResponse<String> r = http.get(url, "Authorization", "Bearer " + token);
        assertThat(r.statusCode()).isEqualTo(429);
        assertThat(json(r).getString("code")).isEqualTo("too.many.requests.retry.after");
        long retryAfter = Long.parseLong(r.headers().firstValue("Retry-After").orElseThrow());
        assertThat(retryAfter).isBetween(1L, 60L);
        assertThat(json(r).getString("message")).isEqualTo("Rate limit exceeded the maximum. Retry the request in [" + retryAfter + "] seconds");
        // Another token has its own budget.
        assertThat(http.get(url, "Authorization", "Bearer " + http.genesysToken(sim)).statusCode()).isEqualTo(200);
    }

    @Test
    void conversationAggregatesPerIntervalWithDocumentedStats() {
        start(SimulatorConfig.defaults());
        String token = http.genesysToken(sim);
        String q = sim.queueIds().get(0);
        JsonObject body = new JsonObject().put("interval", "2024-05-06T09:00:00.000Z/2024-05-06T10:00:00.000Z").put("granularity", "PT15M")
                .put("groupBy", new JsonArray().add("queueId"))
                .put("filter", new JsonObject().put("type", "or").put("predicates",
                        new JsonArray().add(new JsonObject().put("dimension", "queueId").put("value", q))))
                .put("metrics", new JsonArray().add("nOffered").add("tAnswered").add("oServiceLevel"));

        HttpResponse<String> r = http.post(sim.genesysApiUrl() + "/api/v2/analytics/conversations/aggregates/query", body.encode(),
                "Authorization", "Bearer " + token, "Content-Type", "application/json");

        assertThat(r.statusCode()).isEqualTo(200);
        JsonArray results = json(r).getJsonArray("results");
        assertThat(results).hasSize(1);
        JsonArray data = results.getJsonObject(0).getJsonArray("data");
        assertThat(data).hasSize(4);
        assertThat(data.getJsonObject(0).getString("interval")).isEqualTo("2024-05-06T09:00:00Z/2024-05-06T09:15:00Z");
        JsonObject tAnswered = data.getJsonObject(0).getJsonArray("metrics").getJsonObject(1);
        assertThat(tAnswered.getString("metric")).isEqualTo("tAnswered");
        JsonObject t = tAnswered.getJsonObject("stats");
        assertThat(t.fieldNames()).containsExactlyInAnyOrder("max", "min", "count", "sum");
        assertThat(t.getLong("count")).isPositive();
        assertThat(t.getLong("min")).isLessThanOrEqualTo(t.getLong("max"));
        assertThat(t.getLong("sum")).isBetween(t.getLong("min") * t.getLong("count"), t.getLong("max") * t.getLong("count"));
        JsonObject nOffered = data.getJsonObject(0).getJsonArray("metrics").getJsonObject(0);
        assertThat(nOffered.getString("metric")).isEqualTo("nOffered");
        assertThat(nOffered.getJsonObject("stats").fieldNames()).containsExactly("count");
        JsonObject sl = data.getJsonObject(0).getJsonArray("metrics").getJsonObject(2).getJsonObject("stats");
        assertThat(sl.fieldNames()).containsExactlyInAnyOrder("ratio", "numerator", "denominator", "target");
        assertThat(sl.getDouble("ratio")).isEqualTo((double) sl.getLong("numerator") / sl.getLong("denominator"));
        assertThat(sl.getDouble("target")).isEqualTo(0.8);

        // Same question, same answer (deterministic history).
        HttpResponse<String> again = http.post(sim.genesysApiUrl() + "/api/v2/analytics/conversations/aggregates/query", body.encode(),
                "Authorization", "Bearer " + token, "Content-Type", "application/json");
        assertThat(json(again)).isEqualTo(json(r));
    }

    @Test
    void routingQueuesArePaged() {
        start(SimulatorConfig.builder().generatedQueues(7).build());
        String token = http.genesysToken(sim);
        List<String> seen = new ArrayList<>();
        String next = "/api/v2/routing/queues?pageSize=5&pageNumber=1";
        int pages = 0;
        while (next != null) {
            JsonObject page = json(http.get(sim.genesysApiUrl() + next, "Authorization", "Bearer " + token));
            page.getJsonArray("entities").forEach(e -> seen.add(((JsonObject) e).getString("id")));
            assertThat(page.getInteger("pageCount")).isEqualTo(3);
            next = page.getString("nextUri");
            pages++;
        }
        assertThat(pages).isEqualTo(3);
        assertThat(seen).containsExactlyElementsOf(sim.queueIds());
    }
}
