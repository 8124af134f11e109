package io.switchboard.simulator.internal;

import io.switchboard.simulator.FaultSpec;
import io.switchboard.simulator.RecordedRequest;
import io.switchboard.simulator.Vendor;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * {@code /_admin}: faults, recorded requests, token revocation, clock, counters. For tests and the demo;
 * admin requests are not recorded and no fault applies to them.
 */
final class AdminHandlers extends VendorHandlers {


    AdminHandlers(SimState s, Http http) {
        super(s, http);
    }

    @Override
    void mount(Router r) {
        r.get("/_admin/requests").handler(this::requests);
        r.delete("/_admin/requests").handler(ctx -> {
            s.recorder.clear();
            http.empty(ctx, 204);
        });
        r.get("/_admin/faults").handler(this::faults);
        r.put("/_admin/faults/:vendor").handler(this::putFault);
        r.delete("/_admin/faults/:vendor").handler(ctx -> withVendor(ctx, v -> {
            s.faults.clear(v);
            http.empty(ctx, 204);
        }));
        r.delete("/_admin/faults").handler(ctx -> {
            s.faults.clearAll();
            http.empty(ctx, 204);
        });
        r.post("/_admin/tokens/revoke").handler(ctx -> withVendor(ctx, v -> {
            String client = ctx.request().getParam("clientId");
            int n = client == null ? s.faults.revokeTokens(v) : s.faults.revokeTokens(v, client);
            http.json(ctx, 200, new JsonObject().put("revoked", n));
        }));
        r.post("/_admin/clock/advance").handler(this::advance);
        r.get("/_admin/state").handler(this::state);
        r.get("/_admin/intervals").handler(this::intervals);
    }

    private interface VendorAction {
        void run(Vendor v);
    }

    private void withVendor(RoutingContext ctx, VendorAction action) {
        String id = ctx.pathParam("vendor") != null ? ctx.pathParam("vendor") : ctx.request().getParam("vendor");
        try {
            action.run(Vendor.fromId(String.valueOf(id)));
        } catch (IllegalArgumentException e) {
            http.json(ctx, 400, new JsonObject().put("error", "bad_request").put("error_description", e.getMessage()));
        }
    }

    private void requests(RoutingContext ctx) {
        JsonArray out = new JsonArray();
        for (RecordedRequest r : s.recorder.all()) {
            JsonObject h = new JsonObject();
            r.headers().forEach(h::put);
            out.add(new JsonObject().put("at", r.at().toString()).put("vendor", r.vendor() == null ? null : r.vendor().id())
                    .put("method", r.method()).put("path", r.path()).put("query", r.query()).put("headers", h)
                    .put("body", r.body()).put("status", r.status()));
        }
        http.json(ctx, 200, out.encode());
    }

    static JsonObject toJson(FaultSpec f) {
        return new JsonObject().put("latencyMs", f.latency().toMillis()).put("serverErrorRate", f.serverErrorRate())
                .put("serverErrorStatus", f.serverErrorStatus()).put("tooManyRequests", f.tooManyRequests())
                .put("retryAfterSeconds", f.retryAfterSeconds()).put("clockSkewMs", f.clockSkew().toMillis())
                .put("malformedJsonRate", f.malformedJsonRate()).put("truncatedJsonRate", f.truncatedJsonRate())
                .put("connectionResetRate", f.connectionResetRate()).put("slowBodyMs", f.slowBody().toMillis())
                .put("nonJsonBodyRate", f.nonJsonBodyRate()).put("droppedFields", new JsonArray(List.copyOf(new java.util.TreeSet<>(f.droppedFields()))))
                .put("oversizedBodyBytes", f.oversizedBodyBytes());
    }

    static FaultSpec fromJson(JsonObject j) {
        FaultSpec none = FaultSpec.none();
        return new FaultSpec(Duration.ofMillis(j.getLong("latencyMs", 0L)), j.getDouble("serverErrorRate", 0.0),
                j.getInteger("serverErrorStatus", none.serverErrorStatus()), j.getInteger("tooManyRequests", 0),
                j.getInteger("retryAfterSeconds", none.retryAfterSeconds()), Duration.ofMillis(j.getLong("clockSkewMs", 0L)),
                j.getDouble("malformedJsonRate", 0.0), j.getDouble("truncatedJsonRate", 0.0),
                j.getDouble("connectionResetRate", 0.0), Duration.ofMillis(j.getLong("slowBodyMs", 0L)),
                j.getDouble("nonJsonBodyRate", 0.0), droppedFields(j.getJsonArray("droppedFields")),
                j.getInteger("oversizedBodyBytes", 0));
    }

    private static java.util.Set<String> droppedFields(JsonArray a) {
        java.util.Set<String> out = new java.util.HashSet<>();
        if (a != null) {
            a.forEach(v -> out.add(String.valueOf(v)));
        }
        return out;
    }

    private void faults(RoutingContext ctx) {
        JsonObject out = new JsonObject();
        for (Map.Entry<String, FaultSpec> e : s.faults.snapshot().entrySet()) {
            out.put(e.getKey(), toJson(e.getValue()));
        }
        http.json(ctx, 200, out);
    }

    private void putFault(RoutingContext ctx) {
        withVendor(ctx, v -> {
            FaultSpec spec;
            try {
                JsonObject body = ctx.body().asJsonObject();
                spec = fromJson(body == null ? new JsonObject() : body);
            } catch (RuntimeException e) {
                http.json(ctx, 400, new JsonObject().put("error", "bad_request").put("error_description",
                        "Body must be a JSON fault spec (latencyMs, serverErrorRate, serverErrorStatus, tooManyRequests, "
                                + "retryAfterSeconds, clockSkewMs, malformedJsonRate, truncatedJsonRate, connectionResetRate, "
                                + "slowBodyMs, nonJsonBodyRate, droppedFields, oversizedBodyBytes): " + e.getMessage()));
                return;
            }
            s.faults.set(v, ctx.request().getParam("tenant"), spec);
            http.json(ctx, 200, toJson(spec));
        });
    }

    private void advance(RoutingContext ctx) {
        long seconds;
        try {
            seconds = Long.parseLong(String.valueOf(ctx.request().getParam("seconds")));
        } catch (NumberFormatException e) {
            http.json(ctx, 400, new JsonObject().put("error", "bad_request").put("error_description",
                    "seconds=<integer> is required, e.g. POST /_admin/clock/advance?seconds=3600"));
            return;
        }
        if (seconds < 0) {
            http.json(ctx, 400, new JsonObject().put("error", "bad_request").put("error_description",
                    "seconds must be >= 0 (was " + seconds + "): the simulated clock only moves forward"));
            return;
        }
        s.clock.advance(seconds * 1000);
        http.json(ctx, 200, new JsonObject().put("advancedSeconds", seconds)
                .put("now", java.time.Instant.ofEpochMilli(s.clock.nowMillis()).toString()));
    }

    private void state(RoutingContext ctx) {
        JsonObject issued = new JsonObject();
        for (Vendor v : Vendor.values()) {
            issued.put(v.id(), s.tokens.issuedCount(v, null));
        }
        http.json(ctx, 200, new JsonObject().put("now", java.time.Instant.ofEpochMilli(s.clock.nowMillis()).toString())
                .put("clockFrozen", s.clock.frozen()).put("issuedTokens", issued).put("liveTokens", s.tokens.size())
                .put("queues", s.queues.all().size()).put("recordedRequests", s.recorder.size())
                .put("queueSequences", queueSequences()));
    }

    /**
     * Each queue's observation counter (how many live answers included it: the last {@code simSequence} served) and the
     * sequences of those answers that did not reach the client intact ({@code undelivered}, at most
     * {@value QueueModel#MAX_UNDELIVERED} of the newest; {@code undeliveredCount} counts them all).
     */
    private JsonArray queueSequences() {
        JsonArray out = new JsonArray();
        for (QueueModel m : s.queues.all()) {
            out.add(new JsonObject().put("id", m.spec.id()).put("name", m.spec.name()).put("skillId", m.spec.skillId())
                    .put("sequence", m.sequence()).put("undelivered", new JsonArray(m.undeliveredSequences()))
                    .put("undeliveredCount", m.undeliveredCount()));
        }
        return out;
    }

    /**
     * {@code GET /_admin/intervals?from=&to=&granularity=PT15M}: the simulator's own interval figures, per queue, media
     * type and interval of {@code granularity} in {@code [from, to)}, as the Genesys aggregates and CXone summary answer
     * them (the history is a pure function of the seed, so these are the figures every answer for that interval
     * carried). Intervals without contacts are left out, as the vendors do.
     */
    private void intervals(RoutingContext ctx) {
        long from;
        long to;
        long gran;
        try {
            from = java.time.Instant.parse(String.valueOf(ctx.request().getParam("from"))).toEpochMilli();
            to = java.time.Instant.parse(String.valueOf(ctx.request().getParam("to"))).toEpochMilli();
            String g = ctx.request().getParam("granularity");
            gran = g == null ? Duration.ofMinutes(15).toMillis() : Duration.parse(g).toMillis();
        } catch (java.time.DateTimeException e) {
            http.json(ctx, 400, new JsonObject().put("error", "bad_request").put("error_description",
                    "from and to must be ISO-8601 instants and granularity an ISO-8601 duration, e.g."
                            + " /_admin/intervals?from=2024-05-06T10:00:00Z&to=2024-05-06T11:00:00Z&granularity=PT15M"));
            return;
        }
        if (gran < 60_000 || to <= from || (to - from) / gran > 10_000) {
            http.json(ctx, 400, new JsonObject().put("error", "bad_request").put("error_description",
                    "need from < to, a granularity of at least PT1M and at most 10000 intervals (from " + ctx.request().getParam("from")
                            + ", to " + ctx.request().getParam("to") + ", granularity " + ctx.request().getParam("granularity") + ")"));
            return;
        }
        JsonArray out = new JsonArray();
        for (QueueModel q : s.queues.all()) {
            List<String> types = q.spec.mediaTypes();
            for (int i = 0; i < types.size(); i++) {
                for (long b = from; b < to; b += gran) {
                    long e = Math.min(to, b + gran);
                    QueueData.IntervalStats st = s.queues.interval(q, b, e, i, types.size());
                    if (st.offered() == 0) {
                        continue;
                    }
                    out.add(new JsonObject().put("queueId", q.spec.id()).put("skillId", q.spec.skillId())
                            .put("mediaType", types.get(i)).put("intervalStart", java.time.Instant.ofEpochMilli(b).toString())
                            .put("intervalEnd", java.time.Instant.ofEpochMilli(e).toString()).put("offered", st.offered())
                            .put("answered", st.answered()).put("abandoned", st.abandoned()));
                }
            }
        }
        http.json(ctx, 200, out.encode());
    }
}
