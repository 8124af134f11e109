package io.switchboard.simulator;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.switchboard.simulator.SimHttp.json;
import static org.awaitility.Awaitility.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The seeded data generator seen through the vendors' shapes, over HTTP. */
class QueueDataTest extends SimulatorFixture {

    private static final String OBSERVATIONS = "/api/v2/analytics/queues/observations/query";
    private static final String AGGREGATES = "/api/v2/analytics/conversations/aggregates/query";
    private static final String ACTIVITY = "/inContactAPI/services/v31.0/skills/activity";

    @Test
    void everyAnswerTakesTheNextSequenceNumberOfEachQueueAcrossVendors() {
        start(SimulatorConfig.defaults());
        String q = sim.queueIds().get(1);
        String genesys = http.genesysToken(sim);
        String auth0 = http.auth0Token(sim);

        long g1 = json(http.post(sim.genesysApiUrl() + OBSERVATIONS,
                GenesysReportingTest.observationQuery(List.of(q), "oWaiting"), "Authorization", "Bearer " + genesys))
                .getJsonArray("results").getJsonObject(0).getLong("simSequence");
        JsonObject a = json(http.get(sim.auth0Url() + "/api/v1/queues/stats?queueIds=" + q, "Authorization", "Bearer " + auth0))
                .getJsonArray("queues").getJsonObject(0);
        long g3 = json(http.post(sim.genesysApiUrl() + OBSERVATIONS,
                GenesysReportingTest.observationQuery(List.of(q), "oWaiting"), "Authorization", "Bearer " + genesys))
                .getJsonArray("results").getJsonObject(0).getLong("simSequence");

        assertThat(List.of(g1, a.getLong("simSequence"), g3)).containsExactly(1L, 2L, 3L);
        assertThat(sim.queueSequence(q)).isEqualTo(3L);
        assertThat(sim.queueSequence("nope")).isEqualTo(-1L);
        // the admin state shows every queue's counter, for processes that cannot call queueSequence (system tests)
        JsonArray counters = json(http.get(sim.baseUrl() + "/_admin/state")).getJsonArray("queueSequences");
        assertThat(counters).hasSize(sim.queueIds().size());
        JsonObject counter = counters.getJsonObject(1);
        assertThat(counter.getString("id")).isEqualTo(q);
        assertThat(counter.getLong("sequence")).isEqualTo(3L);
        assertThat(counter.getString("name")).isNotBlank();
        assertThat(counter.getInteger("skillId")).isPositive();
        assertThat(counters.getJsonObject(0).getLong("sequence")).isZero();
    }

    @Test
    void answersThatDoNotReachTheClientIntactListTheirSequencesAsUndelivered() throws Exception {
        start(SimulatorConfig.defaults());
        String q = sim.queueIds().get(1);
        String token = http.genesysToken(sim);
        String query = GenesysReportingTest.observationQuery(List.of(q), "oWaiting");

        sim.faults().set(Vendor.GENESYS, FaultSpec.none().withTruncatedJson(1.0));
        assertThat(http.post(sim.genesysApiUrl() + OBSERVATIONS, query, "Authorization", "Bearer " + token).body())
                .doesNotEndWith("}");
        sim.faults().set(Vendor.GENESYS, FaultSpec.none().withMalformedJson(1.0));
        http.post(sim.genesysApiUrl() + OBSERVATIONS, query, "Authorization", "Bearer " + token);
        sim.faults().set(Vendor.GENESYS, FaultSpec.none().withNonJsonBodies(1.0));
        http.post(sim.genesysApiUrl() + OBSERVATIONS, query, "Authorization", "Bearer " + token);
        // faults that answer before the queue is looked at take no sequence at all
        sim.faults().set(Vendor.GENESYS, FaultSpec.none().withServerErrors(1.0));
        assertThat(http.post(sim.genesysApiUrl() + OBSERVATIONS, query, "Authorization", "Bearer " + token).statusCode()).isEqualTo(503);
        sim.faults().clearAll();
        assertThat(json(http.post(sim.genesysApiUrl() + OBSERVATIONS, query, "Authorization", "Bearer " + token))
                .getJsonArray("results").getJsonObject(0).getLong("simSequence")).isEqualTo(4L);

        // an answer written after the client gave up (its timeout shorter than the vendor's latency)
        sim.faults().set(Vendor.GENESYS, FaultSpec.none().withLatency(Duration.ofMillis(1_500)));
        HttpClient impatient = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        HttpRequest request = HttpRequest.newBuilder(URI.create(sim.genesysApiUrl() + OBSERVATIONS))
                .timeout(Duration.ofMillis(200)).header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(query)).build();
        assertThatThrownBy(() -> impatient.send(request, HttpResponse.BodyHandlers.ofString()))
                .isInstanceOf(HttpTimeoutException.class);
        await().atMost(Duration.ofSeconds(10)).until(() -> sim.queueSequence(q) == 5L);

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(counters().getJsonObject(1).getJsonArray("undelivered")
                .getList()).as("sequences of the cut, garbled, HTML and too-late answers").containsExactly(1, 2, 3, 5));
        JsonObject counter = counters().getJsonObject(1);
        assertThat(counter.getString("id")).isEqualTo(q);
        assertThat(counter.getLong("undeliveredCount")).isEqualTo(4L);
        assertThat(counters().getJsonObject(0).getJsonArray("undelivered")).as("a queue no answer included").isEmpty();
    }

    @Test
    void adminIntervalsAreTheFiguresTheAggregatesAnswer() {
        start(SimulatorConfig.builder().clock(SimulatorConfig.Clock.frozenAt(Instant.parse("2024-05-06T10:40:00Z"))).build());
        String interval = "2024-05-06T10:00:00Z/2024-05-06T10:30:00Z";
        JsonObject body = new JsonObject().put("interval", interval).put("granularity", "PT15M")
                .put("groupBy", new JsonArray().add("queueId").add("mediaType")).put("metrics", new JsonArray().add("nOffered").add("tAbandon"));
        HttpResponse<String> r = http.post(sim.genesysApiUrl() + AGGREGATES, body.encode(),
                "Authorization", "Bearer " + http.genesysToken(sim), "Content-Type", "application/json");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        Map<String, Long> answered = new HashMap<>();
        for (Object g : json(r).getJsonArray("results")) {
            JsonObject group = ((JsonObject) g).getJsonObject("group");
            for (Object d : ((JsonObject) g).getJsonArray("data")) {
                for (Object m : ((JsonObject) d).getJsonArray("metrics")) {
                    JsonObject metric = (JsonObject) m;
                    answered.put(group.getString("queueId") + "|" + group.getString("mediaType") + "|"
                            + ((JsonObject) d).getString("interval").split("/")[0] + "|" + metric.getString("metric"),
                            metric.getJsonObject("stats").getLong("count"));
                }
            }
        }
        JsonArray admin = new JsonArray(http.get(sim.baseUrl() + "/_admin/intervals?from=2024-05-06T10:00:00Z&to=2024-05-06T10:30:00Z"
                + "&granularity=PT15M").body());
        Map<String, Long> listed = new HashMap<>();
        for (Object o : admin) {
            JsonObject i = (JsonObject) o;
            String key = i.getString("queueId") + "|" + i.getString("mediaType") + "|" + Instant.parse(i.getString("intervalStart"));
            listed.put(key + "|nOffered", i.getLong("offered"));
            if (i.getLong("abandoned") > 0) {
                listed.put(key + "|tAbandon", i.getLong("abandoned"));
            }
        }
        Map<String, Long> expected = new HashMap<>();
        answered.forEach((key, count) -> {
            String[] k = key.split("\\|");
            expected.put(k[0] + "|" + k[1] + "|" + Instant.parse(k[2]) + "|" + k[3], count);
        });
        assertThat(listed).isNotEmpty().isEqualTo(expected);
        assertThat(http.get(sim.baseUrl() + "/_admin/intervals?from=yesterday&to=2024-05-06T10:30:00Z").statusCode()).isEqualTo(400);
    }

    @Test
    void queuesEvolvePlausiblyAndCountersOnlyGrow() {
        // 19:40 UTC: the hour a fresh clone once failed at, when the contacts present at start were not counted as offered.
        start(SimulatorConfig.builder().generatedQueues(20).clock(SimulatorConfig.Clock.frozenAt(Instant.parse("2024-05-06T19:40:00Z")))
                .build());
        String token = http.oauth2Token(sim);
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
            assertThat(x.getLong("answered") + x.getLong("abandoned") + x.getInteger("waiting"))
                    .as("answered + abandoned + waiting of %s", x).isLessThanOrEqualTo(x.getLong("offered"));
            assertThat(x.getInteger("waiting")).isNotNegative();
            assertThat(x.getInteger("serviceLevelPercent")).isBetween(0, 100);
            assertThat(x.getInteger("agentsAvailable")).isLessThanOrEqualTo(x.getInteger("agentsOnQueue"));
            assertThat(x.getLong("simSequence")).isEqualTo(b.getLong("simSequence") + 1);
            offeredBefore += b.getLong("offered");
            offeredAfter += x.getLong("offered");
        }
        // 25 queues over two simulated minutes in the evening: traffic arrives.
        assertThat(offeredAfter).isGreaterThan(offeredBefore);
    }

    @Test
    void liveFiguresAgreeAcrossGenesysCxoneCognosAndAuth0AtTheSameInstant() {
        // A busy hour, so that there is something to compare; frozen, so every answer is taken at the same instant.
        start(SimulatorConfig.builder().clock(SimulatorConfig.Clock.frozenAt(Instant.parse("2024-05-06T10:30:00Z"))).build());
        String q = sim.queueIds().get(0); // Support: voice + chat, skill 1001
        String genesys = http.genesysToken(sim);

        JsonArray groups = json(http.post(sim.genesysApiUrl() + OBSERVATIONS, GenesysReportingTest.observationQuery(List.of(q),
                "oWaiting", "oInteracting", "oAlerting", "oOnQueueUsers", "oOffQueueUsers"), "Authorization", "Bearer " + genesys))
                .getJsonArray("results");
        JsonObject skill = json(http.get(sim.cxoneApiUrl("na1") + ACTIVITY + "?skills=1001", "Authorization", "Bearer " + http.cxoneToken(sim)))
                .getJsonArray("skillActivity").getJsonObject(0);
        SimHttp.CognosSession session = http.cognosLogin(sim);
        JsonObject row = json(http.get(sim.cognosUrl() + "/bi/v1/disp/rds/reportData/report/iQueueStatsReport?fmt=DataSetJSON",
                "IBM-BA-Authorization", session.key(), "X-XSRF-Token", session.xsrf()))
                .getJsonObject("dataSet").getJsonArray("dataTable").getJsonObject(0).getJsonArray("row").getJsonObject(0);
        JsonObject stats = json(http.get(sim.auth0Url() + "/api/v1/queues/stats?queueIds=" + q, "Authorization", "Bearer " + http.auth0Token(sim)))
                .getJsonArray("queues").getJsonObject(0);

        // Genesys: one group per media type for conversation metrics (their counts add up), one without for user metrics.
        assertThat(groups).hasSize(3);
        Map<String, Long> g = new HashMap<>();
        for (int i = 0; i < groups.size(); i++) {
            for (Object d : groups.getJsonObject(i).getJsonArray("data")) {
                JsonObject datum = (JsonObject) d;
                String key = datum.getString("metric") + (datum.getString("qualifier") == null ? "" : "/" + datum.getString("qualifier"));
                g.merge(key, datum.getJsonObject("stats").getLong("count"), Long::sum);
            }
        }
        assertThat(g.get("oWaiting") + g.get("oInteracting")).as("Genesys oWaiting + oInteracting at 10:30").isPositive();
        assertThat(skill.getLong("skillQueueCount")).as("CXone skillQueueCount").isEqualTo(g.get("oWaiting"));
        assertThat(skill.getLong("contactsActive")).isEqualTo(g.get("oInteracting") + g.get("oAlerting"));
        assertThat(skill.getLong("agentsAvailable")).isEqualTo(g.get("oOnQueueUsers/IDLE"));
        assertThat(skill.getLong("agentsUnavailable")).isEqualTo(g.get("oOffQueueUsers"));
        assertThat(row.getLong("Waiting")).as("Cognos Waiting").isEqualTo(g.get("oWaiting"));
        assertThat(row.getLong("Interacting")).isEqualTo(g.get("oInteracting"));
        assertThat(row.getLong("Agents available")).isEqualTo(g.get("oOnQueueUsers/IDLE"));
        assertThat(stats.getLong("waiting")).as("Auth0 waiting").isEqualTo(g.get("oWaiting"));
        assertThat(stats.getLong("offered")).isPositive().isEqualTo(row.getLong("Offered"));
        assertThat(stats.getLong("answered")).isEqualTo(row.getLong("Answered"));
        assertThat(stats.getLong("abandoned")).isEqualTo(row.getLong("Abandoned"));
        // Each answer took the queue's next number.
        assertThat(List.of(groups.getJsonObject(0).getLong("simSequence"), skill.getLong("simSequence"), row.getLong("Sequence"),
                stats.getLong("simSequence"))).containsExactly(1L, 2L, 3L, 4L);
    }

    @Test
    void historyAgreesBetweenGenesysAggregatesAndCxoneSkillSummary() {
        start(SimulatorConfig.defaults());
        String q = sim.queueIds().get(2); // skill 1003
        String start = "2024-05-06T08:00:00.000Z";
        String end = "2024-05-06T11:00:00.000Z";
        JsonObject genesys = aggregates(q, start + "/" + end, "PT3H", "nOffered", "tAbandon", "tHandle").getJsonObject(0);
        JsonObject cxone = json(http.get(sim.cxoneApiUrl("na1") + "/inContactAPI/services/v31.0/skills/summary?skills=1003&startDate="
                + start + "&endDate=" + end, "Authorization", "Bearer " + http.cxoneToken(sim))).getJsonArray("skillSummaries").getJsonObject(0);

        JsonArray metrics = genesys.getJsonArray("data").getJsonObject(0).getJsonArray("metrics");
        JsonObject handle = metrics.getJsonObject(2).getJsonObject("stats");
        assertThat(metrics.getJsonObject(0).getJsonObject("stats").getLong("count")).isPositive()
                .isEqualTo(cxone.getLong("contactsOffered"));
        assertThat(metrics.getJsonObject(1).getJsonObject("stats").getLong("count")).isEqualTo(cxone.getLong("abandonCount"));
        assertThat(handle.getLong("count")).isEqualTo(cxone.getLong("contactsHandled"));
        assertThat(Duration.parse(cxone.getString("averageHandleTime")).toSeconds())
                .isEqualTo(Math.round(handle.getLong("sum") / (double) handle.getLong("count") / 1000));
    }

    @Test
    void busyHoursCarryFarMoreTrafficThanTheNight() {
        start(SimulatorConfig.builder().generatedQueues(20).clock(SimulatorConfig.Clock.frozenAt(Instant.parse("2024-05-06T01:00:00Z")))
                .build());
        // History: the same queues, 03:00-04:00 against 10:00-11:00 UTC.
        long night = offered(aggregates(null, "2024-05-06T03:00:00.000Z/2024-05-06T04:00:00.000Z", "PT1H", "nOffered"));
        long peak = offered(aggregates(null, "2024-05-06T10:00:00.000Z/2024-05-06T11:00:00.000Z", "PT1H", "nOffered"));
        assertThat(peak).as("offered 10-11 h vs 03-04 h (night %d)", night).isGreaterThan(5 * Math.max(1, night));

        // Live state: arrivals during two simulated minutes at 03:00 and at 10:00.
        long quietArrivals = arrivalsOverTwoMinutesAt(3);
        long busyArrivals = arrivalsOverTwoMinutesAt(10);
        assertThat(busyArrivals).as("live arrivals at 10:00 vs 03:00 (night %d)", quietArrivals)
                .isGreaterThan(5 * Math.max(1, quietArrivals));
    }

    @Test
    void sameSeedAndStartInstantServeTheSameFiguresWhateverTheWallClock() {
        SimulatorConfig config = SimulatorConfig.builder().seed(11).generatedQueues(3)
                .clock(SimulatorConfig.Clock.frozenAt(Instant.parse("2024-05-06T14:05:00Z"))).build();
        List<String> first = new java.util.ArrayList<>();
        try (VendorSimulator a = VendorSimulator.start(config)) {
            first.add(statsBody(a));
            a.advanceClock(Duration.ofMinutes(90));
            first.add(statsBody(a));
        }
        start(config);
        List<String> second = new java.util.ArrayList<>();
        second.add(statsBody(sim));
        sim.advanceClock(Duration.ofMinutes(90));
        second.add(statsBody(sim));
        assertThat(second).isEqualTo(first);
        assertThat(first.get(1)).contains("\"generatedAt\":\"2024-05-06T15:35:00Z\"");
    }

    @Test
    void aRunningClockStartsAtTheConfiguredInstant() {
        Instant startAt = Instant.parse("2031-01-02T03:04:05Z");
        start(SimulatorConfig.builder().startInstant(startAt).build());
        assertThat(sim.now()).isAfterOrEqualTo(startAt).isBefore(startAt.plus(Duration.ofHours(1)));
        Instant atStart = sim.now();
        await().atMost(Duration.ofSeconds(30)).until(() -> sim.now().isAfter(atStart));
        sim.advanceClock(Duration.ofDays(1));
        assertThat(sim.now()).isAfter(startAt.plus(Duration.ofDays(1)));
        assertThat(json(http.get(sim.baseUrl() + "/_admin/state")).getBoolean("clockFrozen")).isFalse();
    }

    private String statsBody(VendorSimulator s) {
        return http.get(s.oauth2Issuer() + "/api/queues/stats", "Authorization", "Bearer " + http.oauth2Token(s)).body();
    }

    @Test
    void sameSeedSameQueuesAndHistory() {
        SimulatorConfig config = SimulatorConfig.builder().seed(7).generatedQueues(3).build();
        List<String> first;
        try (VendorSimulator a = VendorSimulator.start(config)) {
            first = a.queueIds();
        }
        start(config);
        assertThat(sim.queueIds()).isEqualTo(first).hasSize(8);
        try (VendorSimulator other = VendorSimulator.start(SimulatorConfig.builder().seed(8).generatedQueues(3).build())) {
            assertThat(other.queueIds().get(5)).isNotEqualTo(first.get(5));
        }
    }

    @Test
    void cognosReportRowsAreDataSetJsonWithAStrictlyIncreasingSequencePerQueue() {
        start(SimulatorConfig.defaults());
        SimHttp.CognosSession session = http.cognosLogin(sim);
        String report = sim.cognosUrl() + "/bi/v1/disp/rds/reportData/report/iQueueStatsReport?fmt=DataSetJSON";

        for (long round = 1; round <= 3; round++) {
            HttpResponse<String> r = http.get(report, "IBM-BA-Authorization", session.key(), "X-XSRF-Token", session.xsrf());
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");
            JsonArray tables = json(r).getJsonObject("dataSet").getJsonArray("dataTable");
            assertThat(tables).hasSize(1);
            assertThat(tables.getJsonObject(0).getString("id")).isEqualTo("QueueStatistics");
            JsonArray rows = tables.getJsonObject(0).getJsonArray("row");
            assertThat(rows).hasSize(5);
            for (int i = 0; i < rows.size(); i++) {
                JsonObject row = rows.getJsonObject(i);
                assertThat(row.fieldNames()).containsExactly("Queue ID", "Queue", "Time", "Waiting", "Interacting", "Agents on queue",
                        "Agents available", "Offered", "Answered", "Abandoned", "Service level", "Sequence");
                assertThat(row.getString("Queue ID")).isEqualTo(sim.queueIds().get(i));
                assertThat(Instant.parse(row.getString("Time"))).isNotNull();
                assertThat(row.getLong("Sequence")).as("Sequence of %s in round %d", row.getString("Queue"), round).isEqualTo(round);
                assertThat(sim.queueSequence(row.getString("Queue ID"))).isEqualTo(round);
            }
        }
        assertThat(http.get(sim.cognosUrl() + "/bi/v1/disp/rds/reportData/report/nope?fmt=DataSetJSON",
                "IBM-BA-Authorization", session.key(), "X-XSRF-Token", session.xsrf()).statusCode()).isEqualTo(404);
    }

    /** Moves the (frozen) simulated clock forward to the next hh:mm UTC. */
    private void moveTo(int hour, int minute) {
        Instant now = sim.now();
        Instant target = now.truncatedTo(ChronoUnit.DAYS).plus(hour, ChronoUnit.HOURS).plus(minute, ChronoUnit.MINUTES);
        if (!target.isAfter(now)) {
            target = target.plus(1, ChronoUnit.DAYS);
        }
        sim.advanceClock(Duration.between(now, target));
    }

    private long arrivalsOverTwoMinutesAt(int hour) {
        moveTo(hour, 0);
        String token = http.oauth2Token(sim);
        long before = totalOffered(token);
        sim.advanceClock(Duration.ofMinutes(2));
        return totalOffered(token) - before;
    }

    private JsonArray counters() {
        return json(http.get(sim.baseUrl() + "/_admin/state")).getJsonArray("queueSequences");
    }

    private long totalOffered(String token) {
        long sum = 0;
        for (Object q : json(http.get(sim.oauth2Issuer() + "/api/queues/stats", "Authorization", "Bearer " + token)).getJsonArray("queues")) {
            sum += ((JsonObject) q).getLong("offered");
        }
        return sum;
    }

    private JsonArray aggregates(String queueId, String interval, String granularity, String... metrics) {
        JsonObject body = new JsonObject().put("interval", interval).put("granularity", granularity)
                .put("groupBy", new JsonArray().add("queueId")).put("metrics", new JsonArray(List.of(metrics)));
        if (queueId != null) {
            body.put("filter", new JsonObject().put("type", "or").put("predicates",
                    new JsonArray().add(new JsonObject().put("dimension", "queueId").put("value", queueId))));
        }
        HttpResponse<String> r = http.post(sim.genesysApiUrl() + AGGREGATES, body.encode(),
                "Authorization", "Bearer " + http.genesysToken(sim), "Content-Type", "application/json");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return json(r).getJsonArray("results");
    }

    private static long offered(JsonArray results) {
        long sum = 0;
        for (Object g : results) {
            for (Object d : ((JsonObject) g).getJsonArray("data")) {
                for (Object m : ((JsonObject) d).getJsonArray("metrics")) {
                    sum += ((JsonObject) m).getJsonObject("stats").getLong("count");
                }
            }
        }
        return sum;
    }
}
