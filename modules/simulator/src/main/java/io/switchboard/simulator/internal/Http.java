package io.switchboard.simulator.internal;

import io.switchboard.simulator.RecordedRequest;
import io.switchboard.simulator.Vendor;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/**
 * The one way answers leave the simulator: records the request (masked) before the answer is written,
 * sets {@code Date} (with clock skew), applies body faults (malformed, truncated, slow). Also the
 * before-handler faults (latency, connection reset, 5xx, 429 bursts). Thread-safe.
 */
public final class Http {

    static final String VENDOR = "sim.vendor";
    static final String FAULT = "sim.fault";
    static final String FAULT_REQUEST = "sim.faultRequest";
    static final String CORRELATION = "sim.correlation";
    /** The (queue, sequence) pairs an answer carries, until it has left intact or is known not to have. */
    static final String OBSERVED = "sim.observed";
    /** Form / JSON / query fields whose values are secrets or token material, masked in recorded requests. */
    static final String SECRET_FIELDS = "client_secret|password|refresh_token|access_token|id_token|token|client_assertion|assertion";
    private static final DateTimeFormatter HTTP_DATE = DateTimeFormatter.RFC_1123_DATE_TIME.withZone(ZoneOffset.UTC);
    private static final Pattern JSON_SECRET = Pattern.compile(
            "(\"(?:" + SECRET_FIELDS + ")\"\\s*:\\s*)\"[^\"]*\"");
    private static final Pattern COGNOS_SECRET = Pattern.compile(
            "(\"name\"\\s*:\\s*\"(?:CAMPassword|CAMAPILoginKey)\"\\s*,\\s*\"value\"\\s*:\\s*)\"[^\"]*\"");
    private static final Pattern FORM_SECRET = Pattern.compile("((?:^|&)(?:" + SECRET_FIELDS + ")=)[^&]*");

    private final SimState state;
    private final Vertx vertx;
    private volatile long dateSecond = -1;
    private volatile String dateText = "";

    Http(SimState state, Vertx vertx) {
        this.state = state;
        this.vertx = vertx;
    }

    static Vendor vendorOf(String path) {
        if (path.length() < 2) {
            return null;
        }
        switch (path.charAt(1)) {
            case 'g':
                return path.startsWith("/genesys/") ? Vendor.GENESYS : null;
            case 'c':
                if (path.startsWith("/cxone/") || path.equals("/cxone")) {
                    return Vendor.CXONE;
                }
                return path.startsWith("/cognos/") ? Vendor.COGNOS : null;
            case 'a':
                return path.startsWith("/auth0/") ? Vendor.AUTH0 : null;
            case 'o':
                return path.startsWith("/oauth2/") ? Vendor.OAUTH2 : null;
            case '.':
                return path.startsWith("/.well-known/oauth-authorization-server/oauth2") ? Vendor.OAUTH2 : null;
            default:
                return null;
        }
    }

    static String newId() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        long hi = (r.nextLong() & 0xffffffffffff0fffL) | 0x0000000000004000L;
        long lo = (r.nextLong() & 0x3fffffffffffffffL) | 0x8000000000000000L;
        return new UUID(hi, lo).toString();
    }

    // ------------------------------------------------------------------ before-handler faults

    /** First handler of every request: vendor, correlation id, faults that act before the vendor logic. */
    void prepare(RoutingContext ctx) {
        String path = ctx.request().path();
        Vendor vendor = vendorOf(path);
        ctx.put(VENDOR, vendor);
        if (vendor == Vendor.GENESYS) {
            String id = newId();
            ctx.put(CORRELATION, id);
            ctx.response().putHeader("Inin-Correlation-Id", id);
        }
        if (vendor == null || !state.faults.any()) {
            ctx.next();
            return;
        }
        String tenant = state.faults.anyTenantScoped() ? Tenants.of(state, vendor, ctx) : null;
        FaultRegistry.Active active = state.faults.lookup(vendor, tenant);
        if (active == null) {
            ctx.next();
            return;
        }
        ctx.put(FAULT, active);
        ctx.put(FAULT_REQUEST, active.nextRequest());
        long latency = active.spec.latency().toMillis();
        if (latency > 0) {
            vertx.setTimer(latency, id -> applyBefore(ctx, vendor, active));
        } else {
            applyBefore(ctx, vendor, active);
        }
    }

    private void applyBefore(RoutingContext ctx, Vendor vendor, FaultRegistry.Active active) {
        long n = ctx.get(FAULT_REQUEST);
        if (active.hits(active.spec.connectionResetRate(), n, FaultRegistry.RESET)) {
            record(ctx, 0);
            ConnectionReset.reset(ctx.request().connection());
            return;
        }
        if (active.hits(active.spec.serverErrorRate(), n, FaultRegistry.SERVER_ERROR)) {
            int status = active.spec.serverErrorStatus();
            if (vendor == Vendor.GENESYS) {
                GenesysErrors.send(this, ctx, status, status == 503 ? "service.unavailable" : "internal.server.error",
                        status == 503 ? "The service is currently unavailable." : "The server encountered an internal error.", null);
            } else {
                json(ctx, status, new JsonObject().put("error", "server_error")
                        .put("error_description", "simulated " + status + " (fault injection)"));
            }
            return;
        }
        if (active.spec.tooManyRequests() > 0 && active.burstLeft.getAndUpdate(x -> x > 0 ? x - 1 : 0) > 0) {
            tooManyRequests(ctx, vendor, active.spec.retryAfterSeconds());
            return;
        }
        ctx.next();
    }

    /** A 429 in the vendor's shape, with {@code Retry-After}. */
    void tooManyRequests(RoutingContext ctx, Vendor vendor, long retryAfter) {
        ctx.response().putHeader("Retry-After", Long.toString(retryAfter));
        if (vendor == Vendor.GENESYS) {
            GenesysErrors.send(this, ctx, 429, "too.many.requests.retry.after",
                    "Rate limit exceeded the maximum. Retry the request in [" + retryAfter + "] seconds",
                    Map.of("retryAfterSeconds", Long.toString(retryAfter)));
        } else {
            json(ctx, 429, new JsonObject().put("error", "too_many_requests")
                    .put("error_description", "Rate limit exceeded; retry after " + retryAfter + " s"));
        }
    }

    // ------------------------------------------------------------------ observations

    /** One observation an answer carries. */
    private record Observed(QueueModel queue, long sequence) {
    }

    /**
     * Observes {@code q} for the answer to {@code ctx}: the queue takes its next sequence, and the answer remembers it so
     * that, if the answer does not reach the client intact ({@link #send}: a garbled or cut body, a client that has gone),
     * the sequence is marked undelivered ({@code /_admin/state} lists it). Reconciliation then knows exactly which of
     * the sequences served no client can have used.
     */
    static QueueSnapshot observe(RoutingContext ctx, QueueModel q, long nowMillis) {
        QueueSnapshot snap = q.observe(nowMillis);
        if (ctx != null) {
            java.util.List<Observed> taken = ctx.get(OBSERVED);
            if (taken == null) {
                taken = new java.util.ArrayList<>();
                ctx.put(OBSERVED, taken);
            }
            taken.add(new Observed(q, snap.sequence()));
        }
        return snap;
    }

    /** The observations of this answer did not reach the client intact. */
    private static void undelivered(RoutingContext ctx) {
        java.util.List<Observed> taken = ctx.get(OBSERVED);
        if (taken != null) {
            taken.forEach(o -> o.queue().undelivered(o.sequence()));
            ctx.remove(OBSERVED);
        }
    }

    // ------------------------------------------------------------------ answers

    void json(RoutingContext ctx, int status, JsonObject body) {
        send(ctx, status, "application/json", body.encode());
    }

    void json(RoutingContext ctx, int status, String encodedJson) {
        send(ctx, status, "application/json", encodedJson);
    }

    void empty(RoutingContext ctx, int status) {
        send(ctx, status, null, null);
    }

    /** Records the request, then writes the answer with the faults that act on it. */
    void send(RoutingContext ctx, int status, String contentType, String body) {
        HttpServerResponse resp = ctx.response();
        if (resp.ended() || resp.closed()) {
            undelivered(ctx); // the client gave up (its timeout) while the answer was being prepared
            return;
        }
        record(ctx, status);
        FaultRegistry.Active active = ctx.get(FAULT);
        long skewMs = active == null ? 0 : active.spec.clockSkew().toMillis();
        resp.putHeader("Date", date(state.clock.nowMillis() + skewMs));
        resp.setStatusCode(status);
        if (contentType != null) {
            resp.putHeader("Content-Type", contentType);
        }
        if (body == null) {
            resp.end();
            return;
        }
        if (active != null && contentType != null && contentType.contains("json")) {
            long n = ctx.get(FAULT_REQUEST);
            if (!active.spec.droppedFields().isEmpty()) {
                body = withoutFields(body, active.spec.droppedFields());
            }
            if (active.hits(active.spec.malformedJsonRate(), n, FaultRegistry.MALFORMED)) {
                body = malformed(body);
                undelivered(ctx);
            } else if (active.hits(active.spec.truncatedJsonRate(), n, FaultRegistry.TRUNCATED)) {
                body = body.substring(0, body.length() / 2);
                undelivered(ctx);
            } else if (active.hits(active.spec.nonJsonBodyRate(), n, FaultRegistry.NON_JSON)) {
                resp.putHeader("Content-Type", "text/html; charset=utf-8");
                body = PROXY_PAGE;
                undelivered(ctx);
            }
            int size = active.spec.oversizedBodyBytes();
            if (size > body.length()) {
                body = body + " ".repeat(size - body.length()); // trailing blanks: still valid JSON
            }
        }
        if (active != null && !active.spec.slowBody().isZero()) {
            writeSlowly(ctx, resp, Buffer.buffer(body), active.spec.slowBody().toMillis());
            return;
        }
        resp.end(body);
    }

    /** What a proxy or a sign-in page in front of a vendor answers instead of its JSON. */
    static final String PROXY_PAGE = "<!DOCTYPE html><html><head><title>Sign in</title></head><body><h1>Sign in to continue</h1>"
            + "<p>Your session with the corporate proxy has expired (simulated page).</p></body></html>";

    /** The JSON text without the named fields, at every depth; the text unchanged when it is not JSON. */
    static String withoutFields(String body, java.util.Set<String> fields) {
        Object tree;
        try {
            tree = io.vertx.core.json.Json.decodeValue(body);
        } catch (RuntimeException e) {
            return body;
        }
        drop(tree, fields);
        return io.vertx.core.json.Json.encode(tree);
    }

    private static void drop(Object node, java.util.Set<String> fields) {
        if (node instanceof io.vertx.core.json.JsonObject o) {
            fields.forEach(o::remove);
            o.forEach(e -> drop(e.getValue(), fields));
        } else if (node instanceof io.vertx.core.json.JsonArray a) {
            a.forEach(v -> drop(v, fields));
        }
    }

    private static String malformed(String body) {
        int colon = body.indexOf(':');
        if (colon > 0) {
            return body.substring(0, colon) + ";" + body.substring(colon + 1);
        }
        return body + "{";
    }

    private void writeSlowly(RoutingContext ctx, HttpServerResponse resp, Buffer body, long totalMillis) {
        int chunks = 10;
        int len = body.length();
        resp.putHeader("Content-Length", Integer.toString(len));
        long step = Math.max(1, totalMillis / chunks);
        writeChunk(ctx, resp, body, 0, Math.max(1, (len + chunks - 1) / chunks), step);
    }

    private void writeChunk(RoutingContext ctx, HttpServerResponse resp, Buffer body, int from, int size, long step) {
        if (resp.closed()) {
            undelivered(ctx); // the client gave up before the last chunk
            return;
        }
        int to = Math.min(body.length(), from + size);
        if (to >= body.length()) {
            resp.end(body.slice(from, to));
            return;
        }
        resp.write(body.slice(from, to));
        vertx.setTimer(step, id -> writeChunk(ctx, resp, body, to, size, step));
    }

    private String date(long millis) {
        long sec = millis / 1000;
        if (sec == dateSecond) {
            return dateText;
        }
        String text = HTTP_DATE.format(Instant.ofEpochSecond(sec));
        dateText = text;
        dateSecond = sec;
        return text;
    }

    // ------------------------------------------------------------------ recording

    void record(RoutingContext ctx, int status) {
        if (state.config.maxRecordedRequests() == 0) {
            return;
        }
        HttpServerRequest req = ctx.request();
        if (req.path().startsWith("/_admin")) {
            return;
        }
        Map<String, String> headers = new LinkedHashMap<>();
        for (Map.Entry<String, String> h : req.headers()) {
            String name = h.getKey().toLowerCase(Locale.ROOT);
            String value = mask(name, h.getValue());
            headers.merge(name, value, (a, b) -> a + ", " + b);
        }
        Buffer buf = ctx.body() == null ? null : ctx.body().buffer();
        String body = buf == null ? "" : maskBody(buf.toString(StandardCharsets.UTF_8));
        String query = req.query();
        state.recorder.add(new RecordedRequest(Instant.ofEpochMilli(state.clock.nowMillis()), ctx.get(VENDOR), req.method().name(),
                req.path(), query == null ? "" : FORM_SECRET.matcher(query).replaceAll("$1****"), Map.copyOf(headers), body, status));
    }

    static String mask(String lowerName, String value) {
        switch (lowerName) {
            case "authorization": {
                String[] basic = Forms.basic(value);
                if (basic != null) {
                    return "Basic " + basic[0] + ":****";
                }
                int sp = value.indexOf(' ');
                return sp > 0 ? value.substring(0, sp) + " ****" : "****";
            }
            case "cookie": {
                StringBuilder sb = new StringBuilder();
                for (String c : value.split(";")) {
                    int eq = c.indexOf('=');
                    if (sb.length() > 0) {
                        sb.append("; ");
                    }
                    sb.append(eq < 0 ? c.trim() : c.substring(0, eq).trim() + "=****");
                }
                return sb.toString();
            }
            case "x-xsrf-token":
            case "ibm-ba-authorization":
                return "****";
            default:
                return value;
        }
    }

    static String maskBody(String body) {
        if (body.isEmpty()) {
            return body;
        }
        char first = body.charAt(0);
        if (first == '{' || first == '[' || Character.isWhitespace(first)) {
            if (body.indexOf("secret") < 0 && body.indexOf("password") < 0 && body.indexOf("token") < 0
                    && body.indexOf("assertion") < 0 && body.indexOf("CAM") < 0) {
                return body;
            }
            String s = JSON_SECRET.matcher(body).replaceAll("$1\"****\"");
            return COGNOS_SECRET.matcher(s).replaceAll("$1\"****\"");
        }
        return FORM_SECRET.matcher(body).replaceAll("$1****");
    }
}
