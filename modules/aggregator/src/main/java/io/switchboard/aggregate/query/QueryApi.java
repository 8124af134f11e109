package io.switchboard.aggregate.query;

import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import io.switchboard.aggregate.AggregatorConfig;
import io.switchboard.aggregate.WindowSize;
import io.switchboard.aggregate.query.QueryService.Answer;
import io.switchboard.aggregate.query.QueryService.Kind;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.CorsHandler;
import io.vertx.ext.web.handler.StaticHandler;

/**
 * The aggregator's HTTP surface (Vert.x Web), JSON throughout:
 * <ul>
 *   <li>{@code GET /api/queues?tenant=&stale=&sort=&order=&page=&pageSize=} — latest snapshots;</li>
 *   <li>{@code GET /api/queues/{id}} — one queue ({@code id} = {@code credentialId/queueId}, the slash
 *       written as is or as {@code %2F});</li>
 *   <li>{@code GET /api/queues/{id}/windows?size=1m|15m|1h&from=&to=} — windows whose start is in
 *       [from, to] (ISO-8601; default the last hour);</li>
 *   <li>{@code GET /api/tenants}, {@code GET /api/tenants/{id}} — tenant summaries;</li>
 *   <li>{@code GET /api/alerts?state=firing|all&tenant=} — firing alerts, or the recent history;</li>
 *   <li>{@code GET /api/events} — server-sent events for the live page ({@link DashboardFeed});</li>
 *   <li>{@code GET /api/openapi.json} — the OpenAPI 3 description of all this;</li>
 *   <li>{@code GET /} — the live dashboard page (when enabled).</li>
 * </ul>
 * Every answer carries {@code source} ({@code instance}, {@code replica} active/standby,
 * {@code offsetLag}) and the headers {@value #REPLICA_HEADER}, {@value #LAG_HEADER} and
 * {@value #SERVED_BY_HEADER}; a missing key is 404, a store that is migrating 503 with
 * {@code Retry-After}, a bad parameter 400. {@code /internal/*} is for other instances.
 */
public final class QueryApi {

    /** active or standby (or mixed, for lists). */
    public static final String REPLICA_HEADER = "X-Switchboard-Replica";
    /** How many changelog records the answering replica was behind (0 for the active one). */
    public static final String LAG_HEADER = "X-Switchboard-Offset-Lag";
    /** host:port of the instance whose store answered. */
    public static final String SERVED_BY_HEADER = "X-Switchboard-Served-By";

    private static final Set<String> SORTS = Set.of("id", "queueName", "waiting", "longestWaitingMs", "agentsAvailable",
            "serviceLevelPercent", "updatedAt", "interacting");

    private final QueryService service;
    private final DashboardFeed feed;
    private final AggregatorConfig config;
    private final Clock clock;
    private final String openApi;

    /**
     * @param feed the live feed for {@code /api/events}, or null for none (503)
     */
    public QueryApi(QueryService service, DashboardFeed feed, AggregatorConfig config, Clock clock) {
        this.service = service;
        this.feed = feed;
        this.config = config;
        this.clock = clock;
        this.openApi = resource("/io/switchboard/aggregate/query/openapi.json");
    }

    /** The router with every route. */
    public Router router(Vertx vertx) {
        Router router = Router.router(vertx);
        if (!config.corsOrigins().isEmpty()) {
            CorsHandler cors = CorsHandler.create().allowedMethod(HttpMethod.GET).allowedHeader("Content-Type")
                    .exposedHeader(REPLICA_HEADER).exposedHeader(LAG_HEADER).exposedHeader(SERVED_BY_HEADER).exposedHeader("Retry-After");
            if (config.corsOrigins().contains("*")) {
                cors.addOrigin("*");
            } else {
                cors.addOrigins(config.corsOrigins());
            }
            router.route("/api/*").handler(cors);
        }
        router.get("/api/openapi.json").handler(ctx -> ctx.response().putHeader("Content-Type", "application/json").end(openApi));
        router.get("/api/events").handler(ctx -> {
            if (feed == null) {
                write(ctx, Answer.error(503, "the live feed is not running on this instance"));
            } else {
                feed.handle(ctx);
            }
        });
        router.get("/api/queues").handler(this::queues);
        router.get("/api/queues/*").handler(this::queue);
        router.get("/api/tenants").handler(ctx -> send(ctx, service.scan(Kind.TENANTS).map(this::tenantList)));
        router.get("/api/tenants/:id").handler(ctx -> send(ctx, service.tenant(ctx.pathParam("id"))));
        router.get("/api/alerts").handler(this::alerts);
        router.route("/api/*").handler(ctx -> send(ctx, Future.succeededFuture(Answer.error(404,
                "no such endpoint " + ctx.request().method() + " " + ctx.request().path() + "; see /api/openapi.json"))));

        router.get(QueryService.INTERNAL + "/queues/:key").handler(ctx -> internal(ctx, () ->
                service.localQueue(ctx.pathParam("key"), partition(ctx), standby(ctx))));
        router.get(QueryService.INTERNAL + "/tenants/:key").handler(ctx -> internal(ctx, () ->
                service.localTenant(ctx.pathParam("key"), partition(ctx), standby(ctx))));
        router.get(QueryService.INTERNAL + "/windows/:key").handler(ctx -> internal(ctx, () -> {
            WindowSize size = WindowSize.parse(ctx.queryParams().get("size")).orElse(WindowSize.ONE_MINUTE);
            return service.localWindows(ctx.pathParam("key"), size, Instant.parse(ctx.queryParams().get("from")),
                    Instant.parse(ctx.queryParams().get("to")), partition(ctx), standby(ctx));
        }));
        router.get(QueryService.INTERNAL + "/scan/:kind").handler(ctx -> internal(ctx, () -> {
            Kind kind = Kind.of(ctx.pathParam("kind"));
            List<Integer> parts = Arrays.stream(ctx.queryParams().get("partitions").split(",")).filter(s -> !s.isBlank())
                    .map(Integer::valueOf).toList();
            return service.localScan(kind, parts, standby(ctx));
        }));

        if (config.dashboardEnabled()) {
            router.get("/").handler(ctx -> ctx.redirect("/dashboard/"));
            router.get("/dashboard/*").handler(StaticHandler.create("io/switchboard/aggregate/dashboard")
                    .setCachingEnabled(false).setIndexPage("index.html"));
        }
        return router;
    }

    // ---------------------------------------------------------------------------------------------

    private static int partition(RoutingContext ctx) {
        return Integer.parseInt(ctx.queryParams().get("partition"));
    }

    private static boolean standby(RoutingContext ctx) {
        return "true".equals(ctx.queryParams().get("standby"));
    }

    private interface LocalAnswer {
        Answer get();
    }

    private void internal(RoutingContext ctx, LocalAnswer read) {
        ctx.vertx().<Answer>executeBlocking(() -> {
            try {
                return read.get();
            } catch (RuntimeException e) {
                return Answer.error(400, "bad internal request: " + e.getMessage());
            }
        }, false).onComplete(ar -> write(ctx, ar.succeeded() ? ar.result() : Answer.error(500, ar.cause().toString())));
    }

    private void queue(RoutingContext ctx) {
        String rest = ctx.normalizedPath().substring("/api/queues/".length());
        boolean windows = rest.endsWith("/windows");
        String id = URLDecoder.decode(windows ? rest.substring(0, rest.length() - "/windows".length()) : rest, StandardCharsets.UTF_8);
        if (!id.contains("/") || id.startsWith("/") || id.endsWith("/")) {
            send(ctx, Future.succeededFuture(Answer.error(400, "queue id '" + id + "' is not credentialId/queueId")));
            return;
        }
        if (!windows) {
            send(ctx, service.queue(id));
            return;
        }
        String sizeText = ctx.queryParams().get("size");
        WindowSize size = sizeText == null ? WindowSize.ONE_MINUTE : WindowSize.parse(sizeText).orElse(null);
        if (size == null) {
            send(ctx, Future.succeededFuture(Answer.error(400, "size=" + sizeText + " is not a window size; use 1m, 15m or 1h")));
            return;
        }
        Instant to;
        Instant from;
        try {
            to = ctx.queryParams().get("to") == null ? clock.instant() : Instant.parse(ctx.queryParams().get("to"));
            from = ctx.queryParams().get("from") == null ? to.minus(Duration.ofHours(1)) : Instant.parse(ctx.queryParams().get("from"));
        } catch (DateTimeParseException e) {
            send(ctx, Future.succeededFuture(Answer.error(400, "from and to are ISO-8601 instants such as 2026-11-20T10:00:00Z ("
                    + e.getParsedString() + ")")));
            return;
        }
        if (from.isAfter(to)) {
            send(ctx, Future.succeededFuture(Answer.error(400, "from " + from + " is after to " + to)));
            return;
        }
        send(ctx, service.windows(id, size, from, to));
    }

    private void queues(RoutingContext ctx) {
        String tenant = ctx.queryParams().get("tenant");
        String staleText = ctx.queryParams().get("stale");
        String sort = ctx.queryParams().get("sort") == null ? "waiting" : ctx.queryParams().get("sort");
        String order = ctx.queryParams().get("order") == null ? (sort.equals("id") || sort.equals("queueName") ? "asc" : "desc")
                : ctx.queryParams().get("order").toLowerCase(Locale.ROOT);
        int page;
        int pageSize;
        try {
            page = ctx.queryParams().get("page") == null ? 1 : Integer.parseInt(ctx.queryParams().get("page"));
            pageSize = ctx.queryParams().get("pageSize") == null ? 50 : Integer.parseInt(ctx.queryParams().get("pageSize"));
        } catch (NumberFormatException e) {
            send(ctx, Future.succeededFuture(Answer.error(400, "page and pageSize are whole numbers")));
            return;
        }
        if (!SORTS.contains(sort) || !(order.equals("asc") || order.equals("desc")) || page < 1 || pageSize < 1 || pageSize > 1000
                || (staleText != null && !staleText.equals("true") && !staleText.equals("false"))) {
            send(ctx, Future.succeededFuture(Answer.error(400, "sort is one of " + new java.util.TreeSet<>(SORTS)
                    + ", order asc or desc, page >= 1, pageSize 1-1000, stale true or false")));
            return;
        }
        int p = page;
        int size = pageSize;
        send(ctx, service.scan(Kind.QUEUES).map(answer -> {
            if (answer.status() != 200) {
                return answer;
            }
            List<JsonObject> items = new ArrayList<>();
            answer.body().getJsonArray("items").forEach(o -> items.add((JsonObject) o));
            List<JsonObject> filtered = new ArrayList<>();
            for (JsonObject q : items) {
                if (tenant != null && !tenant.equals(q.getString("credentialId")) && !tenant.equals(q.getString("tenantId"))) {
                    continue;
                }
                if (staleText != null && Boolean.parseBoolean(staleText) != q.getBoolean("stale", false)) {
                    continue;
                }
                filtered.add(q);
            }
            Comparator<JsonObject> byValue = comparator(sort);
            if (order.equals("desc")) {
                byValue = byValue.reversed();
            }
            Comparator<JsonObject> cmp = nullsLast(sort, byValue).thenComparing(q -> q.getString("id"));
            filtered.sort(cmp);
            int from = Math.min((p - 1) * size, filtered.size());
            int to = Math.min(from + size, filtered.size());
            JsonObject body = new JsonObject().put("items", new JsonArray(new ArrayList<>(filtered.subList(from, to))))
                    .put("total", filtered.size()).put("page", p).put("pageSize", size).put("sort", sort).put("order", order);
            return new Answer(200, body, answer.source(), null);
        }));
    }

    private static Comparator<JsonObject> comparator(String sort) {
        return switch (sort) {
            case "id", "queueName", "updatedAt" -> Comparator.comparing(q -> q.getString(sort, ""));
            default -> Comparator.comparingDouble(q -> q.getValue(sort) instanceof Number n ? n.doubleValue() : 0);
        };
    }

    private static Comparator<JsonObject> nullsLast(String sort, Comparator<JsonObject> cmp) {
        return (a, b) -> {
            boolean na = a.getValue(sort) == null;
            boolean nb = b.getValue(sort) == null;
            if (na != nb) {
                return na ? 1 : -1;
            }
            return na ? 0 : cmp.compare(a, b);
        };
    }

    private Answer tenantList(Answer answer) {
        if (answer.status() != 200) {
            return answer;
        }
        List<JsonObject> items = new ArrayList<>();
        answer.body().getJsonArray("items").forEach(o -> items.add((JsonObject) o));
        items.sort(Comparator.comparing(t -> t.getString("id")));
        return new Answer(200, new JsonObject().put("items", new JsonArray(new ArrayList<>(items))).put("total", items.size()),
                answer.source(), null);
    }

    private void alerts(RoutingContext ctx) {
        String state = ctx.queryParams().get("state") == null ? "firing" : ctx.queryParams().get("state");
        String tenant = ctx.queryParams().get("tenant");
        if (!state.equals("firing") && !state.equals("all")) {
            send(ctx, Future.succeededFuture(Answer.error(400, "state=" + state + " is not firing or all")));
            return;
        }
        send(ctx, service.scan(Kind.ALERTS).map(answer -> {
            if (answer.status() != 200) {
                return answer;
            }
            List<JsonObject> history = new ArrayList<>();
            answer.body().getJsonArray("items").forEach(o -> history.add((JsonObject) o));
            history.removeIf(a -> tenant != null && !tenant.equals(a.getString("credentialId")));
            history.sort(Comparator.comparing((JsonObject a) -> a.getString("raisedAt")).reversed()
                    .thenComparing(a -> a.getString("id")).thenComparing(a -> a.getString("rule")));
            List<JsonObject> items;
            if (state.equals("all")) {
                items = history;
            } else {
                Map<String, JsonObject> latestFiring = new HashMap<>();
                for (JsonObject a : history) { // newest first
                    latestFiring.putIfAbsent(a.getString("id") + "|" + a.getString("rule"), a);
                }
                items = new ArrayList<>();
                for (Object o : answer.body().getJsonArray("firing")) {
                    JsonObject f = (JsonObject) o;
                    if (tenant != null && !tenant.equals(f.getString("credentialId"))) {
                        continue;
                    }
                    JsonObject a = latestFiring.get(f.getString("id") + "|" + f.getString("rule"));
                    if (a != null && "FIRING".equals(a.getString("state"))) {
                        items.add(a.copy().put("since", f.getString("since")));
                    } else {
                        // raised longer ago than the history keeps: what the queue state knows
                        items.add(new JsonObject().put("id", f.getString("id")).put("credentialId", f.getString("credentialId"))
                                .put("queueId", f.getString("queueId")).put("queueName", f.getString("queueName"))
                                .put("rule", f.getString("rule")).put("state", "FIRING").put("raisedAt", f.getString("since"))
                                .put("since", f.getString("since")));
                    }
                }
                items.sort(Comparator.comparing((JsonObject a) -> a.getString("raisedAt")).reversed()
                        .thenComparing(a -> a.getString("id")).thenComparing(a -> a.getString("rule")));
            }
            return new Answer(200, new JsonObject().put("items", new JsonArray(new ArrayList<>(items))).put("total", items.size())
                    .put("state", state), answer.source(), null);
        }));
    }

    private void send(RoutingContext ctx, Future<Answer> answer) {
        answer.onComplete(ar -> write(ctx, ar.succeeded() ? ar.result()
                : Answer.error(503, "the query failed (" + ar.cause().getMessage() + "); retry shortly")));
    }

    private static void write(RoutingContext ctx, Answer a) {
        if (ctx.response().ended() || ctx.response().closed()) {
            return;
        }
        JsonObject body = a.body() == null ? new JsonObject() : a.body().copy();
        if (a.source() != null) {
            body.put("source", a.source().toJson());
            ctx.response().putHeader(REPLICA_HEADER, a.source().replica())
                    .putHeader(LAG_HEADER, String.valueOf(a.source().offsetLag()))
                    .putHeader(SERVED_BY_HEADER, a.source().instance());
        }
        if (a.retryAfterSeconds() != null) {
            ctx.response().putHeader("Retry-After", String.valueOf(a.retryAfterSeconds()));
        }
        ctx.response().setStatusCode(a.status()).putHeader("Content-Type", "application/json").end(body.encode());
    }

    private static String resource(String path) {
        try (InputStream in = QueryApi.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException(path + " is missing from the jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + path, e);
        }
    }
}
