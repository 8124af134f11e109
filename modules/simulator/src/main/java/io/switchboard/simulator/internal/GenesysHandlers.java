package io.switchboard.simulator.internal;

import io.switchboard.simulator.SimulatorConfig;
import io.switchboard.simulator.SimulatorConfig.GenesysClient;
import io.switchboard.simulator.Vendor;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Genesys Cloud: the login host ({@code /genesys/login}) and the API host ({@code /genesys/api}).
 * Follows VENDORS.md "Genesys Cloud".
 */
final class GenesysHandlers extends VendorHandlers {

    static final String LOGIN = "/genesys/login";
    static final String API = "/genesys/api";
    static final Set<String> CONVERSATION_METRICS = Set.of("oWaiting", "oInteracting", "oAlerting", "oLongestWaiting",
            "oLongestInteracting");
    static final Set<String> USER_METRICS = Set.of("oActiveUsers", "oMemberUsers", "oOffQueueUsers", "oOnQueueUsers",
            "oUserPresences", "oUserRoutingStatuses");
    static final Set<String> AGGREGATE_METRICS = Set.of("nOffered", "nOverSla", "nTransferred", "tAnswered", "tAbandon",
            "tHandle", "tWait", "tTalk", "tAcw", "oServiceLevel");
    private static final Set<String> KNOWN_GRANTS = Set.of("client_credentials", "authorization_code", "password",
            "refresh_token", "urn:ietf:params:oauth:grant-type:saml2-bearer", "urn:ietf:params:oauth:grant-type:jwt-bearer");


    GenesysHandlers(SimState s, Http http) {
        super(s, http);
    }

    @Override
    void mount(Router r) {
        r.post(LOGIN + "/oauth/token").handler(this::token);
        r.post(API + "/api/v2/analytics/queues/observations/query").handler(this::observations);
        r.post(API + "/api/v2/analytics/conversations/aggregates/query").handler(this::aggregates);
        r.get(API + "/api/v2/routing/queues").handler(this::routingQueues);
    }

    // ------------------------------------------------------------------ login

    private void tokenError(RoutingContext ctx, int status, String error, String description) {
        http.json(ctx, status, new JsonObject().put("error", error).put("description", description)
                .put("error_description", description));
    }

    private void token(RoutingContext ctx) {
        // Basic only, raw "id:secret" (the official SDKs do not form-urlencode the parts).
        String[] basic = Forms.basic(ctx.request().getHeader("Authorization"));
        int invalidStatus = s.config.genesys().invalidClientStatus();
        GenesysClient client = basic == null ? null : s.genesysClients.get(basic[0]);
        if (client == null) {
            tokenError(ctx, invalidStatus, "invalid_client", "client not found");
            return;
        }
        if (!client.secret().matches(basic[1])) {
            tokenError(ctx, invalidStatus, "invalid_client", "authentication failed");
            return;
        }
        Map<String, String> form;
        try {
            form = Forms.parse(ctx.body().asString(), false);
        } catch (Forms.BadEncoding e) {
            tokenError(ctx, 400, "invalid_request", "malformed form body: " + e.getMessage());
            return;
        }
        String grant = form.get("grant_type");
        if (grant == null || grant.isEmpty()) {
            tokenError(ctx, 400, "invalid_request", "grant_type is required");
            return;
        }
        if (!KNOWN_GRANTS.contains(grant)) {
            tokenError(ctx, 400, "unsupported_grant_type", "grant type is not supported");
            return;
        }
        if (!grant.equals("client_credentials") || !client.grants().contains(grant)) {
            String name = grant.equals("client_credentials") ? "client_credential" : grant;
            tokenError(ctx, 400, "unauthorized_client", "client is not authorized to use the " + name + " grant type");
            return;
        }
        long lifetime = client.tokenLifetime().toMillis();
        String value = TokenStore.randomToken(48);
        s.tokens.issue(Vendor.GENESYS, value, client.clientId(), client.organization(), lifetime, client.permissions(), null);
        ctx.response().putHeader("Cache-Control", "no-store");
        http.json(ctx, 200, new JsonObject().put("access_token", value).put("token_type", "bearer")
                .put("expires_in", client.tokenLifetime().toSeconds() - 1));
    }

    // ------------------------------------------------------------------ API auth

    /** The caller's token after authentication, permission and rate-limit checks; null when an error was answered. */
    private IssuedToken authorize(RoutingContext ctx, String permission) {
        String auth = ctx.request().getHeader("Authorization");
        String bearer = Forms.bearer(auth);
        if (bearer == null || bearer.isEmpty()) {
            GenesysErrors.send(http, ctx, 401, "authentication.required",
                    "No authentication bearer token specified in authorization header.", null);
            return null;
        }
        IssuedToken t = s.tokens.valid(Vendor.GENESYS, bearer);
        if (t == null) {
            GenesysErrors.send(http, ctx, 401, "bad.credentials", "Invalid login credentials.", null);
            return null;
        }
        if (!t.grantsOrScopes.contains(permission)) {
            GenesysErrors.send(http, ctx, 403, "missing.permissions",
                    "Unable to perform the requested action. You are missing the following permission(s): " + permission,
                    Map.of("permissions", permission));
            return null;
        }
        long retry = t.acquire(s.clock.nowMillis(), s.config.genesys().rateLimitPerMinute());
        if (retry > 0) {
            http.tooManyRequests(ctx, Vendor.GENESYS, retry);
            return null;
        }
        return t;
    }

    private JsonObject body(RoutingContext ctx) {
        try {
            JsonObject b = ctx.body().asJsonObject();
            if (b == null) {
                GenesysErrors.send(http, ctx, 400, "bad.request", "The request body is required and must be a JSON object.", null);
            }
            return b;
        } catch (RuntimeException e) {
            GenesysErrors.send(http, ctx, 400, "bad.request", "The request could not be understood by the server due to malformed syntax.", null);
            return null;
        }
    }

    /** queueId and mediaType predicate values of a filter (predicates and nested clauses). */
    private static void collect(JsonObject filter, Set<String> queueIds, Set<String> media) {
        if (filter == null) {
            return;
        }
        JsonArray preds = filter.getJsonArray("predicates");
        if (preds != null) {
            for (Object o : preds) {
                if (o instanceof JsonObject p) {
                    Object v = p.getValue("value");
                    if ("queueId".equals(p.getString("dimension")) && v != null) {
                        queueIds.add(v.toString());
                    } else if ("mediaType".equals(p.getString("dimension")) && v != null) {
                        media.add(v.toString());
                    }
                }
            }
        }
        JsonArray clauses = filter.getJsonArray("clauses");
        if (clauses != null) {
            for (Object o : clauses) {
                if (o instanceof JsonObject c) {
                    collect(c, queueIds, media);
                }
            }
        }
    }

    // ------------------------------------------------------------------ observations

    private void observations(RoutingContext ctx) {
        if (authorize(ctx, SimulatorConfig.PERM_QUEUE_OBSERVATION) == null) {
            return;
        }
        JsonObject body = body(ctx);
        if (body == null) {
            return;
        }
        Set<String> queueIds = new LinkedHashSet<>();
        Set<String> media = new LinkedHashSet<>();
        Object filterValue = body.getValue("filter");
        collect(filterValue instanceof JsonObject f ? f : null, queueIds, media);
        if (queueIds.isEmpty()) {
            GenesysErrors.send(http, ctx, 400, "bad.request",
                    "The filter must contain at least one predicate on dimension queueId.", null);
            return;
        }
        int max = s.config.genesys().maxQueueIdsPerObservationQuery();
        if (queueIds.size() > max) {
            GenesysErrors.send(http, ctx, 400, "bad.request",
                    "The query has " + queueIds.size() + " queueId predicates; at most " + max
                            + " are allowed per observation query. Split the queue ids over several queries.",
                    Map.of("limit", Integer.toString(max)));
            return;
        }
        List<String> metrics = new ArrayList<>();
        JsonArray m = body.getJsonArray("metrics");
        if (m == null || m.isEmpty()) {
            GenesysErrors.send(http, ctx, 400, "bad.request", "metrics must contain at least one metric, e.g. oWaiting.", null);
            return;
        }
        for (Object o : m) {
            String name = String.valueOf(o);
            if (!CONVERSATION_METRICS.contains(name) && !USER_METRICS.contains(name)) {
                GenesysErrors.send(http, ctx, 400, "bad.request", "Invalid metric " + name + "; valid observation metrics are "
                        + new java.util.TreeSet<>(union()), Map.of("metric", name));
                return;
            }
            metrics.add(name);
        }
        boolean anyConversation = false;
        boolean anyUser = false;
        for (String name : metrics) {
            anyConversation |= CONVERSATION_METRICS.contains(name);
            anyUser |= USER_METRICS.contains(name);
        }
        long now = s.clock.nowMillis();
        boolean seq = s.config.sequenceField();
        StringBuilder sb = new StringBuilder(256 + queueIds.size() * 200);
        sb.append("{\"results\":[");
        boolean firstResult = true;
        for (String id : queueIds) {
            QueueModel q = s.queues.byId(id);
            if (q == null) {
                continue;
            }
            QueueSnapshot snap = Http.observe(ctx, q, now);
            List<String> types = q.spec.mediaTypes();
            if (anyConversation) {
                for (int i = 0; i < types.size(); i++) {
                    String type = types.get(i);
                    if (!media.isEmpty() && !media.contains(type)) {
                        continue;
                    }
                    firstResult = startGroup(sb, firstResult, id, type);
                    boolean firstData = true;
                    for (String metric : metrics) {
                        if (!CONVERSATION_METRICS.contains(metric)) {
                            continue;
                        }
                        firstData = conversationMetric(sb, firstData, metric, snap, types.size(), i);
                    }
                    endGroup(sb, seq, snap);
                }
            }
            if (anyUser) {
                firstResult = startGroup(sb, firstResult, id, null);
                boolean firstData = true;
                for (String metric : metrics) {
                    if (USER_METRICS.contains(metric)) {
                        firstData = userMetric(sb, firstData, metric, snap);
                    }
                }
                endGroup(sb, seq, snap);
            }
        }
        sb.append("]}");
        http.json(ctx, 200, sb.toString());
    }

    private static Set<String> union() {
        Set<String> all = new LinkedHashSet<>(CONVERSATION_METRICS);
        all.addAll(USER_METRICS);
        return all;
    }

    private static boolean startGroup(StringBuilder sb, boolean first, String queueId, String mediaType) {
        if (!first) {
            sb.append(',');
        }
        sb.append("{\"group\":{\"queueId\":\"").append(queueId).append('"');
        if (mediaType != null) {
            sb.append(",\"mediaType\":\"").append(mediaType).append('"');
        }
        sb.append("},\"data\":[");
        return false;
    }

    private static void endGroup(StringBuilder sb, boolean seq, QueueSnapshot snap) {
        sb.append(']');
        if (seq) {
            sb.append(",\"simSequence\":").append(snap.sequence());
        }
        sb.append('}');
    }

    private static boolean datum(StringBuilder sb, boolean first, String metric, String qualifier, String statName, long value) {
        if (!first) {
            sb.append(',');
        }
        sb.append("{\"metric\":\"").append(metric).append("\",\"qualifier\":");
        if (qualifier == null) {
            sb.append("null");
        } else {
            sb.append('"').append(qualifier).append('"');
        }
        sb.append(",\"stats\":{\"").append(statName).append("\":").append(value).append("}}");
        return false;
    }

    private static boolean conversationMetric(StringBuilder sb, boolean first, String metric, QueueSnapshot q, int parts, int i) {
        switch (metric) {
            case "oWaiting":
                return datum(sb, first, metric, null, "count", QueueSnapshot.share(q.waiting(), parts, i));
            case "oInteracting":
                return datum(sb, first, metric, null, "count", QueueSnapshot.share(q.interacting(), parts, i));
            case "oAlerting":
                return datum(sb, first, metric, null, "count", QueueSnapshot.share(q.alerting(), parts, i));
            case "oLongestWaiting":
                // The oldest waiting contact is counted in the first media type that has waiting contacts.
                return i == 0 && q.longestWaitingMs() > 0
                        ? datum(sb, first, metric, null, "calculatedMetricValue", q.longestWaitingMs()) : first;
            case "oLongestInteracting":
                return i == 0 && q.longestInteractingMs() > 0
                        ? datum(sb, first, metric, null, "calculatedMetricValue", q.longestInteractingMs()) : first;
            default:
                return first;
        }
    }

    private static boolean userMetric(StringBuilder sb, boolean first, String metric, QueueSnapshot q) {
        int interacting = q.busy() + q.alerting() + q.acw();
        switch (metric) {
            case "oOnQueueUsers":
                first = datum(sb, first, metric, "IDLE", "count", q.idle());
                return datum(sb, first, metric, "INTERACTING", "count", interacting);
            case "oActiveUsers":
                return datum(sb, first, metric, null, "count", q.onQueue() + q.offQueue());
            case "oMemberUsers":
                return datum(sb, first, metric, null, "count", q.members());
            case "oOffQueueUsers":
                return datum(sb, first, metric, null, "count", q.offQueue());
            case "oUserPresences":
                first = datum(sb, first, metric, "ON_QUEUE", "count", q.onQueue());
                first = datum(sb, first, metric, "AVAILABLE", "count", q.offQueue());
                return datum(sb, first, metric, "OFFLINE", "count", Math.max(0, q.members() - q.onQueue() - q.offQueue()));
            case "oUserRoutingStatuses":
                first = datum(sb, first, metric, "IDLE", "count", q.idle());
                first = datum(sb, first, metric, "INTERACTING", "count", interacting);
                return datum(sb, first, metric, "OFF_QUEUE", "count", q.offQueue());
            default:
                return first;
        }
    }

    // ------------------------------------------------------------------ aggregates

    private void aggregates(RoutingContext ctx) {
        if (authorize(ctx, SimulatorConfig.PERM_CONVERSATION_AGGREGATE) == null) {
            return;
        }
        JsonObject body = body(ctx);
        if (body == null) {
            return;
        }
        String interval = body.getString("interval");
        long start;
        long end;
        try {
            int slash = interval == null ? -1 : interval.indexOf('/');
            if (slash < 0) {
                throw new DateTimeParseException("no '/'", String.valueOf(interval), 0);
            }
            start = parseInstant(interval.substring(0, slash));
            end = parseInstant(interval.substring(slash + 1));
        } catch (DateTimeParseException e) {
            GenesysErrors.send(http, ctx, 400, "bad.request",
                    "interval must be two ISO-8601 instants separated by '/', e.g. 2024-05-01T00:00:00.000Z/2024-05-01T01:00:00.000Z", null);
            return;
        }
        if (end <= start) {
            GenesysErrors.send(http, ctx, 400, "bad.request", "The interval end must be after its start.", null);
            return;
        }
        long gran = end - start;
        String granularity = body.getString("granularity");
        if (granularity != null) {
            try {
                gran = Duration.parse(granularity).toMillis();
            } catch (DateTimeParseException e) {
                GenesysErrors.send(http, ctx, 400, "bad.request", "granularity must be an ISO-8601 duration such as PT15M, was "
                        + granularity, null);
                return;
            }
            if (gran < 60_000 || (end - start) / gran > 1000) {
                GenesysErrors.send(http, ctx, 400, "bad.request",
                        "granularity " + granularity + " gives too many buckets for the interval (at most 1000, each at least PT1M).", null);
                return;
            }
        }
        JsonArray groupBy = body.getJsonArray("groupBy", new JsonArray());
        if (!groupBy.contains("queueId")) {
            GenesysErrors.send(http, ctx, 400, "bad.request",
                    "The simulator answers aggregates grouped by queueId (optionally mediaType): add \"queueId\" to groupBy.", null);
            return;
        }
        boolean byMedia = groupBy.contains("mediaType");
        JsonArray m = body.getJsonArray("metrics");
        if (m == null || m.isEmpty()) {
            GenesysErrors.send(http, ctx, 400, "bad.request", "metrics must contain at least one metric, e.g. nOffered.", null);
            return;
        }
        List<String> metrics = new ArrayList<>();
        for (Object o : m) {
            String name = String.valueOf(o);
            if (!AGGREGATE_METRICS.contains(name)) {
                GenesysErrors.send(http, ctx, 400, "bad.request", "Invalid metric " + name + "; the simulator supports "
                        + new java.util.TreeSet<>(AGGREGATE_METRICS), Map.of("metric", name));
                return;
            }
            metrics.add(name);
        }
        Set<String> queueIds = new LinkedHashSet<>();
        Set<String> media = new LinkedHashSet<>();
        Object f = body.getValue("filter");
        collect(f instanceof JsonObject fo ? fo : null, queueIds, media);
        List<QueueModel> selected = new ArrayList<>();
        if (queueIds.isEmpty()) {
            selected.addAll(s.queues.all());
        } else {
            for (String id : queueIds) {
                QueueModel q = s.queues.byId(id);
                if (q != null) {
                    selected.add(q);
                }
            }
        }
        JsonArray results = new JsonArray();
        for (QueueModel q : selected) {
            List<String> types = q.spec.mediaTypes();
            int groups = byMedia ? types.size() : 1;
            for (int gi = 0; gi < groups; gi++) {
                if (byMedia && !media.isEmpty() && !media.contains(types.get(gi))) {
                    continue;
                }
                JsonArray data = new JsonArray();
                for (long b = start; b < end; b += gran) {
                    long be = Math.min(end, b + gran);
                    QueueData.IntervalStats st = s.queues.interval(q, b, be, byMedia ? gi : 0, byMedia ? groups : 1);
                    JsonArray ms = new JsonArray();
                    for (String metric : metrics) {
                        JsonObject stats = aggregateStats(metric, st);
                        if (stats != null) {
                            ms.add(new JsonObject().put("metric", metric).put("stats", stats));
                        }
                    }
                    if (!ms.isEmpty()) {
                        data.add(new JsonObject().put("interval", Instant.ofEpochMilli(b) + "/" + Instant.ofEpochMilli(be))
                                .put("metrics", ms));
                    }
                }
                if (!data.isEmpty()) {
                    JsonObject group = new JsonObject().put("queueId", q.spec.id());
                    if (byMedia) {
                        group.put("mediaType", types.get(gi));
                    }
                    results.add(new JsonObject().put("group", group).put("data", data));
                }
            }
        }
        http.json(ctx, 200, new JsonObject().put("results", results));
    }

    private static JsonObject timeStats(long count, long sum, long min, long max) {
        if (count == 0) {
            return null;
        }
        return new JsonObject().put("max", max).put("min", min).put("count", count).put("sum", sum);
    }

    private static JsonObject aggregateStats(String metric, QueueData.IntervalStats st) {
        switch (metric) {
            case "nOffered":
                return st.offered() == 0 ? null : new JsonObject().put("count", st.offered());
            case "nOverSla":
                return st.overSla() == 0 ? null : new JsonObject().put("count", st.overSla());
            case "nTransferred":
                return st.transferred() == 0 ? null : new JsonObject().put("count", st.transferred());
            case "tAnswered":
                return timeStats(st.answered(), st.answerWaitSumMs(), 1_000, st.maxWaitMs());
            case "tAbandon":
                return timeStats(st.abandoned(), st.abandonWaitSumMs(), 2_000, st.maxWaitMs() * 2);
            case "tHandle":
                return timeStats(st.answered(), st.handleSumMs(), st.minHandleMs(), st.maxHandleMs());
            case "tWait":
                return timeStats(st.offered(), st.waitSumMs(), 0, st.maxWaitMs());
            case "tTalk":
                return timeStats(st.answered(), st.talkSumMs(), st.minHandleMs() / 2, st.maxHandleMs());
            case "tAcw":
                return timeStats(st.answered(), st.acwSumMs(), 5_000, st.maxAcwMs());
            case "oServiceLevel": {
                long denom = st.answered();
                if (denom == 0) {
                    return null;
                }
                long num = st.answered() - st.overSla();
                return new JsonObject().put("ratio", (double) num / denom).put("numerator", num).put("denominator", denom)
                        .put("target", 0.8);
            }
            default:
                return null;
        }
    }

    // ------------------------------------------------------------------ routing queues

    private void routingQueues(RoutingContext ctx) {
        if (authorize(ctx, SimulatorConfig.PERM_ROUTING_QUEUE) == null) {
            return;
        }
        int pageSize;
        int pageNumber;
        try {
            pageSize = Integer.parseInt(ctx.request().params().get("pageSize") == null ? "25" : ctx.request().getParam("pageSize"));
            pageNumber = Integer.parseInt(ctx.request().params().get("pageNumber") == null ? "1" : ctx.request().getParam("pageNumber"));
        } catch (NumberFormatException e) {
            GenesysErrors.send(http, ctx, 400, "bad.request", "pageSize and pageNumber must be integers.", null);
            return;
        }
        if (pageSize < 1 || pageSize > 500 || pageNumber < 1) {
            GenesysErrors.send(http, ctx, 400, "bad.request", "pageSize must be 1..500 and pageNumber at least 1.", null);
            return;
        }
        String name = ctx.request().getParam("name");
        List<QueueModel> all = new ArrayList<>();
        for (QueueModel q : s.queues.all()) {
            if (name == null || q.spec.name().toLowerCase().startsWith(name.toLowerCase().replace("*", ""))) {
                all.add(q);
            }
        }
        int total = all.size();
        int pageCount = Math.max(1, (total + pageSize - 1) / pageSize);
        JsonArray entities = new JsonArray();
        int from = (pageNumber - 1) * pageSize;
        for (int i = from; i < Math.min(total, from + pageSize); i++) {
            QueueModel q = all.get(i);
            entities.add(new JsonObject().put("id", q.spec.id()).put("name", q.spec.name())
                    .put("division", new JsonObject().put("id", "00000000-0000-4000-8000-000000000001").put("name", "Home")
                            .put("selfUri", "/api/v2/authorization/divisions/00000000-0000-4000-8000-000000000001"))
                    .put("memberCount", q.spec.agents()).put("userMemberCount", q.spec.agents()).put("joinedMemberCount", q.spec.agents())
                    .put("mediaTypes", new JsonArray(q.spec.mediaTypes()))
                    .put("selfUri", "/api/v2/routing/queues/" + q.spec.id()));
        }
        String base = "/api/v2/routing/queues?pageSize=" + pageSize + "&pageNumber=";
        JsonObject page = new JsonObject().put("entities", entities).put("pageSize", pageSize).put("pageNumber", pageNumber)
                .put("total", total).put("firstUri", base + 1).put("selfUri", base + pageNumber);
        if (pageNumber < pageCount) {
            page.put("nextUri", base + (pageNumber + 1));
        }
        if (pageNumber > 1) {
            page.put("previousUri", base + (pageNumber - 1));
        }
        page.put("lastUri", base + pageCount).put("pageCount", pageCount);
        http.json(ctx, 200, page);
    }
}
