package io.switchboard.simulator;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.switchboard.simulator.SimHttp.json;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The queue invariants as the vendors' shapes show them, over HTTP on a real simulator (127.0.0.1, port 0) whose
 * clock starts frozen at a fixed instant and is moved with {@code POST /_admin/clock/advance}: jumps of an hour
 * through more than a day, each followed by small steps, so every hour of the day is seen live and in history.
 */
class QueueInvariantsOverHttpTest extends SimulatorFixture {

    private static final String OBSERVATIONS = "/api/v2/analytics/queues/observations/query";
    private static final String AGGREGATES = "/api/v2/analytics/conversations/aggregates/query";
    private static final String CXONE = "/inContactAPI/services/v31.0/skills/";

    private final List<String> violations = new ArrayList<>();
    /** Tokens and session of the current hour (CXone and OAuth2 tokens live 1 h, Cognos sessions idle out after 60 min). */
    private Map<String, String> tokens = new HashMap<>();
    private SimHttp.CognosSession cognos;

    @Test
    void everyVendorShapeKeepsTheInvariantsAcrossHourJumps() {
        for (long seed : new long[] {42, 5}) {
            Instant start = Instant.parse("2024-05-06T19:40:00Z"); // the hour the fresh clone failed at
            start(SimulatorConfig.builder().seed(seed).generatedQueues(5).clock(SimulatorConfig.Clock.frozenAt(start)).build());
            Map<String, JsonObject> before = new HashMap<>();
            long offeredGrowth = 0;
            for (int jump = 0; jump <= 26; jump++) {
                if (jump > 0) {
                    advance(3_600);
                }
                tokens = Map.of("oauth2", http.oauth2Token(sim), "auth0", http.auth0Token(sim), "cxone", http.cxoneToken(sim),
                        "genesys", http.genesysToken(sim));
                cognos = http.cognosLogin(sim);
                for (int step = 0; step < 3; step++) {
                    if (step > 0) {
                        advance(step == 1 ? 1 : 45);
                    }
                    Instant now = Instant.parse(json(http.get(sim.baseUrl() + "/_admin/state")).getString("now"));
                    String at = "seed " + seed + " at " + now;
                    offeredGrowth += checkStats(at, before);
                    checkCxoneActivity(at);
                    checkGenesysObservations(at);
                    checkCognosRows(at);
                }
                Instant now = sim.now();
                checkGenesysAggregates("seed " + seed + " hour before " + now, now.minusSeconds(3_600), now);
                checkCxoneSummary("seed " + seed + " hour before " + now, now.minusSeconds(3_600), now);
            }
            assertThat(offeredGrowth).as("contacts offered over a simulated day (seed %d)", seed).isGreaterThan(1_000);
        }
        assertThat(violations).isEmpty();
    }

    @Test
    void clockAdvanceRefusesToGoBackOrToGuess() {
        start(SimulatorConfig.builder().clock(SimulatorConfig.Clock.frozenAt(Instant.parse("2024-05-06T10:00:00Z"))).build());
        HttpResponse<String> back = http.post(sim.baseUrl() + "/_admin/clock/advance?seconds=-60", "");
        assertThat(back.statusCode()).isEqualTo(400);
        assertThat(json(back).getString("error_description")).contains("seconds", ">= 0");
        assertThat(http.post(sim.baseUrl() + "/_admin/clock/advance?seconds=soon", "").statusCode()).isEqualTo(400);
        assertThat(sim.now()).isEqualTo(Instant.parse("2024-05-06T10:00:00Z"));
        assertThat(json(http.get(sim.baseUrl() + "/_admin/state")).getBoolean("clockFrozen")).isTrue();
    }

    private void advance(long seconds) {
        HttpResponse<String> r = http.post(sim.baseUrl() + "/_admin/clock/advance?seconds=" + seconds, "");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    }

    private void expect(boolean holds, String at, String what, Object shown) {
        if (!holds && violations.size() < 50) {
            violations.add(at + ": " + what + " in " + shown);
        }
    }

    /** OAuth2 (generic) stats; returns the growth of offered since the last call. */
    private long checkStats(String at, Map<String, JsonObject> before) {
        JsonArray queues = json(http.get(sim.oauth2Issuer() + "/api/queues/stats", "Authorization", "Bearer " + tokens.get("oauth2")))
                .getJsonArray("queues");
        JsonArray auth0 = json(http.get(sim.auth0Url() + "/api/v1/queues/stats", "Authorization", "Bearer " + tokens.get("auth0")))
                .getJsonArray("queues");
        long growth = 0;
        for (JsonArray rows : List.of(queues, auth0)) {
            for (int i = 0; i < rows.size(); i++) {
                JsonObject q = rows.getJsonObject(i);
                long offered = q.getLong("offered");
                long answered = q.getLong("answered");
                long abandoned = q.getLong("abandoned");
                int waiting = q.getInteger("waiting");
                expect(waiting >= 0 && q.getInteger("interacting") >= 0 && q.getLong("longestWaitSeconds") >= 0, at, "counts >= 0", q);
                expect(answered >= 0 && abandoned >= 0, at, "answered, abandoned >= 0", q);
                expect(answered + abandoned + waiting <= offered, at, "answered + abandoned + waiting <= offered", q);
                expect(between(q.getInteger("serviceLevelPercent"), 0, 100), at, "service level 0..100 %", q);
                expect(q.getInteger("agentsAvailable") >= 0 && q.getInteger("agentsAvailable") <= q.getInteger("agentsOnQueue"), at,
                        "0 <= agents available <= on queue", q);
                JsonObject b = before.put(q.getString("id"), q);
                if (b != null) {
                    expect(offered >= b.getLong("offered") && answered >= b.getLong("answered") && abandoned >= b.getLong("abandoned"),
                            at, "counters never decrease (before " + b + ")", q);
                    expect(q.getLong("simSequence") > b.getLong("simSequence"), at, "sequence grows", q);
                    if (rows == queues) {
                        growth += offered - b.getLong("offered");
                    }
                }
            }
        }
        return growth;
    }

    private void checkCxoneActivity(String at) {
        JsonArray skills = json(http.get(sim.cxoneApiUrl("na1") + CXONE + "activity", "Authorization", "Bearer " + tokens.get("cxone")))
                .getJsonArray("skillActivity");
        for (Object o : skills) {
            JsonObject s = (JsonObject) o;
            int available = s.getInteger("agentsAvailable");
            int working = s.getInteger("agentsWorking");
            int acw = s.getInteger("agentsACW");
            int unavailable = s.getInteger("agentsUnavailable");
            expect(available >= 0 && working >= 0 && acw >= 0 && unavailable >= 0 && s.getInteger("skillQueueCount") >= 0
                    && s.getInteger("contactsActive") >= 0, at, "CXone counts >= 0", s);
            expect(s.getInteger("agentsLoggedIn") == available + working + acw + unavailable, at,
                    "agentsLoggedIn = available + working + ACW + unavailable", s);
            expect(between(s.getInteger("serviceLevel"), 0, 100), at, "CXone serviceLevel 0..100", s);
            expect(s.getInteger("agentsIdle").equals(s.getInteger("agentsAvailable"))
                    && s.getInteger("queueCount").equals(s.getInteger("skillQueueCount")), at, "CXone idle = available, queueCount = skillQueueCount", s);
            expect((s.getInteger("skillQueueCount") > 0) == (s.getValue("earliestQueueTime") != null), at,
                    "earliestQueueTime exactly when contacts queue", s);
        }
    }

    private void checkGenesysObservations(String at) {
        String body = GenesysReportingTest.observationQuery(sim.queueIds(), "oWaiting", "oInteracting", "oAlerting",
                "oOnQueueUsers", "oOffQueueUsers", "oMemberUsers", "oActiveUsers", "oLongestWaiting", "oLongestInteracting",
                "oUserPresences", "oUserRoutingStatuses");
        JsonArray results = json(http.post(sim.genesysApiUrl() + OBSERVATIONS, body, "Authorization", "Bearer " + tokens.get("genesys"),
                "Content-Type", "application/json")).getJsonArray("results");
        Map<String, Map<String, Long>> perQueue = new HashMap<>();
        for (Object o : results) {
            JsonObject group = (JsonObject) o;
            Map<String, Long> m = perQueue.computeIfAbsent(group.getJsonObject("group").getString("queueId"), k -> new HashMap<>());
            for (Object d : group.getJsonArray("data")) {
                JsonObject datum = (JsonObject) d;
                JsonObject stats = datum.getJsonObject("stats");
                long value = stats.containsKey("count") ? stats.getLong("count") : stats.getLong("calculatedMetricValue");
                expect(value >= 0, at, "Genesys " + datum.getString("metric") + " >= 0", group);
                String key = datum.getString("metric") + (datum.getString("qualifier") == null ? "" : "/" + datum.getString("qualifier"));
                m.merge(key, value, Long::sum);
            }
        }
        for (Map.Entry<String, Map<String, Long>> e : perQueue.entrySet()) {
            Map<String, Long> m = e.getValue();
            long idle = m.get("oOnQueueUsers/IDLE");
            long busy = m.get("oOnQueueUsers/INTERACTING");
            expect(idle + busy + m.get("oOffQueueUsers") == m.get("oActiveUsers"), at,
                    "Genesys on-queue IDLE + INTERACTING + off queue = active users", e);
            expect(m.get("oActiveUsers") <= m.get("oMemberUsers"), at, "Genesys active <= member users", e);
            expect(m.get("oInteracting") + m.get("oAlerting") <= busy, at, "Genesys interacting + alerting contacts <= busy agents", e);
            expect(m.get("oUserRoutingStatuses/IDLE") + m.get("oUserRoutingStatuses/INTERACTING") + m.get("oUserRoutingStatuses/OFF_QUEUE")
                    == m.get("oActiveUsers"), at, "Genesys routing statuses add up to the active users", e);
            expect(m.get("oUserPresences/ON_QUEUE") + m.get("oUserPresences/AVAILABLE") + m.get("oUserPresences/OFFLINE")
                    == m.get("oMemberUsers"), at, "Genesys presences add up to the member users", e);
            expect(m.get("oWaiting") > 0 || !m.containsKey("oLongestWaiting"), at,
                    "Genesys oLongestWaiting only while contacts wait", e);
            expect(m.get("oInteracting") > 0 || !m.containsKey("oLongestInteracting"), at,
                    "Genesys oLongestInteracting only while contacts interact", e);
        }
    }

    private void checkCognosRows(String at) {
        SimHttp.CognosSession session = cognos;
        JsonArray rows = json(http.get(sim.cognosUrl() + "/bi/v1/disp/rds/reportData/report/iQueueStatsReport?fmt=DataSetJSON",
                "IBM-BA-Authorization", session.key(), "X-XSRF-Token", session.xsrf()))
                .getJsonObject("dataSet").getJsonArray("dataTable").getJsonObject(0).getJsonArray("row");
        for (Object o : rows) {
            JsonObject r = (JsonObject) o;
            expect(r.getLong("Answered") + r.getLong("Abandoned") + r.getLong("Waiting") <= r.getLong("Offered"), at,
                    "Cognos Answered + Abandoned + Waiting <= Offered", r);
            expect(between(r.getInteger("Service level"), 0, 100), at, "Cognos service level 0..100", r);
            expect(r.getInteger("Agents available") <= r.getInteger("Agents on queue"), at, "Cognos available <= on queue", r);
        }
    }

    private void checkGenesysAggregates(String at, Instant from, Instant to) {
        JsonObject query = new JsonObject().put("interval", from + "/" + to).put("granularity", "PT15M")
                .put("groupBy", new JsonArray().add("queueId").add("mediaType"))
                .put("metrics", new JsonArray(List.of("nOffered", "tAnswered", "tAbandon", "nOverSla", "oServiceLevel", "tHandle")));
        HttpResponse<String> r = http.post(sim.genesysApiUrl() + AGGREGATES, query.encode(), "Authorization", "Bearer " + tokens.get("genesys"),
                "Content-Type", "application/json");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        for (Object g : json(r).getJsonArray("results")) {
            for (Object d : ((JsonObject) g).getJsonArray("data")) {
                JsonObject bucket = (JsonObject) d;
                Map<String, JsonObject> stats = new HashMap<>();
                for (Object m : bucket.getJsonArray("metrics")) {
                    stats.put(((JsonObject) m).getString("metric"), ((JsonObject) m).getJsonObject("stats"));
                }
                long offered = count(stats, "nOffered");
                long answered = count(stats, "tAnswered");
                long abandoned = count(stats, "tAbandon");
                expect(offered >= answered + abandoned, at, "Genesys nOffered >= tAnswered + tAbandon counts", bucket);
                expect(count(stats, "nOverSla") <= answered, at, "Genesys nOverSla <= answered", bucket);
                JsonObject sl = stats.get("oServiceLevel");
                if (sl != null) {
                    expect(sl.getLong("numerator") <= sl.getLong("denominator") && sl.getDouble("ratio") >= 0 && sl.getDouble("ratio") <= 1,
                            at, "Genesys oServiceLevel numerator <= denominator, ratio 0..1", bucket);
                }
                for (String t : List.of("tAnswered", "tAbandon", "tHandle")) {
                    JsonObject s = stats.get(t);
                    if (s != null) {
                        expect(s.getLong("min") <= s.getLong("max") && s.getLong("sum") >= s.getLong("min") * s.getLong("count")
                                && s.getLong("sum") <= s.getLong("max") * s.getLong("count"), at, "Genesys " + t + " min <= avg <= max", bucket);
                    }
                }
            }
        }
    }

    private void checkCxoneSummary(String at, Instant from, Instant to) {
        JsonArray summaries = json(http.get(sim.cxoneApiUrl("na1") + CXONE + "summary?startDate=" + from + "&endDate=" + to,
                "Authorization", "Bearer " + tokens.get("cxone"))).getJsonArray("skillSummaries");
        for (Object o : summaries) {
            JsonObject s = (JsonObject) o;
            expect(s.getLong("contactsOffered") >= s.getLong("contactsHandled") + s.getLong("abandonCount"), at,
                    "CXone contactsOffered >= handled + abandoned", s);
            expect(s.getLong("abandonCount") >= 0 && s.getLong("contactsHandled") >= 0, at, "CXone counts >= 0", s);
            expect(between(s.getInteger("serviceLevel"), 0, 100), at, "CXone summary serviceLevel 0..100", s);
        }
    }

    private static long count(Map<String, JsonObject> stats, String metric) {
        JsonObject s = stats.get(metric);
        return s == null ? 0 : s.getLong("count");
    }

    private static boolean between(long v, long min, long max) {
        return v >= min && v <= max;
    }
}
