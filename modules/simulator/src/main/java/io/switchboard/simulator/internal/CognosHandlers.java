package io.switchboard.simulator.internal;

import io.switchboard.simulator.SimulatorConfig.CognosApiKey;
import io.switchboard.simulator.SimulatorConfig.CognosUser;
import io.switchboard.simulator.Vendor;
import io.vertx.core.http.Cookie;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** IBM Cognos Analytics REST session API and report data service under {@code /cognos}. VENDORS.md "IBM Cognos Analytics". */
final class CognosHandlers extends VendorHandlers {

    static final String PREFIX = "/cognos";
    static final String PASSPORT_COOKIE = "cam_passport";
    static final String XSRF_COOKIE = "XSRF-TOKEN";

    CognosHandlers(SimState s, Http http) {
        super(s, http);
    }

    @Override
    void mount(Router r) {
        r.put(PREFIX + "/api/v1/session").handler(this::login);
        r.get(PREFIX + "/api/v1/session").handler(this::current);
        r.delete(PREFIX + "/api/v1/session").handler(this::logout);
        r.get(PREFIX + "/bi/v1/disp/rds/reportData/report/:storeId").handler(this::report);
        r.post(PREFIX + "/bi/v1/disp/rds/reportData/report/:storeId").handler(this::report);
    }

    private void error(RoutingContext ctx, int status, String code, String message, JsonObject promptInfo) {
        JsonObject body = new JsonObject().put("errorCodeString", code).put("messages", new JsonArray().add(message));
        if (promptInfo != null) {
            body.put("promptInfo", promptInfo);
        }
        http.json(ctx, status, body);
    }

    private static JsonObject prompt(String... names) {
        JsonArray objs = new JsonArray();
        for (String n : names) {
            objs.add(new JsonObject().put("name", n).put("promptType", n.equals("CAMPassword") ? "textnoecho" : "text"));
        }
        return new JsonObject().put("displayObjects", objs).put("captions", new JsonArray().add("Log in"));
    }

    private void login(RoutingContext ctx) {
        JsonObject body;
        try {
            body = ctx.body().asJsonObject();
        } catch (RuntimeException e) {
            body = null;
        }
        JsonArray params = body == null ? null : body.getJsonArray("parameters");
        if (params == null) {
            error(ctx, 400, "invalidRequest", "The body must be JSON {\"parameters\":[{\"name\":\"CAMNamespace\",\"value\":\"...\"},...]}", null);
            return;
        }
        Map<String, String> p = new HashMap<>();
        for (Object o : params) {
            if (o instanceof JsonObject j && j.getString("name") != null && j.getValue("value") != null) {
                p.put(j.getString("name"), j.getValue("value").toString()); // names are case-sensitive
            }
        }
        String apiKey = p.get("CAMAPILoginKey");
        String namespace;
        String user;
        if (apiKey != null) {
            CognosApiKey key = s.cognosApiKeys.get(apiKey);
            if (key == null) {
                error(ctx, 401, "camAuthUnrecoverable", "CAM-AAA-0226 The API login key is not valid or has been revoked.", null);
                return;
            }
            namespace = key.namespace();
            user = key.username();
        } else {
            namespace = p.get("CAMNamespace");
            if (namespace == null) {
                error(ctx, 401, "camAuthUserRecoverable", "CAM-AAA-0055 User input is required: CAMNamespace.", prompt("CAMNamespace"));
                return;
            }
            if (!s.config.cognos().namespaces().contains(namespace)) {
                error(ctx, 401, "camAuthUnrecoverable", "CAM-AAA-0102 The namespace '" + namespace + "' is not configured.", null);
                return;
            }
            user = p.get("CAMUsername");
            String password = p.get("CAMPassword");
            if (user == null || password == null) {
                error(ctx, 401, "camAuthUserRecoverable", "CAM-AAA-0055 User input is required: CAMUsername and CAMPassword.",
                        prompt("CAMUsername", "CAMPassword"));
                return;
            }
            CognosUser u = s.cognosUsers.get(namespace + '\u0000' + user);
            if (u == null || !u.password().matches(password)) {
                error(ctx, 401, "camAuthUserRecoverable",
                        "CAM-AAA-0036 Unable to authenticate because the credentials are invalid.", prompt("CAMUsername", "CAMPassword"));
                return;
            }
        }
        String passport = TokenStore.randomToken(32);
        String xsrf = TokenStore.randomToken(24);
        s.tokens.issue(Vendor.COGNOS, passport, user, namespace, Long.MAX_VALUE / 4, Set.of(), xsrf);
        ctx.response().addCookie(Cookie.cookie(PASSPORT_COOKIE, passport).setPath("/").setHttpOnly(true));
        ctx.response().addCookie(Cookie.cookie("usersessionid", TokenStore.randomToken(16)).setPath("/").setHttpOnly(true));
        ctx.response().addCookie(Cookie.cookie(XSRF_COOKIE, xsrf).setPath("/"));
        http.json(ctx, 201, new JsonObject().put("session_key", "CAM " + passport).put("isAnonymous", false)
                .put("generic_properties", new JsonObject().put("namespace", namespace)));
    }

    /** The valid session of a request (cookie or IBM-BA-Authorization), touching its idle timer; null when none. */
    static IssuedToken sessionOf(SimState s, RoutingContext ctx) {
        String header = ctx.request().getHeader("IBM-BA-Authorization");
        String key = null;
        if (header != null) {
            key = header.startsWith("CAM ") ? header.substring(4).trim() : header.trim();
        } else {
            Cookie c = ctx.request().getCookie(PASSPORT_COOKIE);
            if (c != null) {
                key = c.getValue();
            }
        }
        IssuedToken t = s.tokens.valid(Vendor.COGNOS, key);
        if (t == null) {
            return null;
        }
        long now = s.clock.nowMillis();
        if (now - t.lastUsedMillis() > s.config.cognos().sessionIdleTimeout().toMillis()) {
            t.revoke();
            return null;
        }
        return t;
    }

    private IssuedToken requireSession(RoutingContext ctx, boolean xsrf) {
        IssuedToken t = sessionOf(s, ctx);
        if (t == null) {
            error(ctx, 401, "camAuthUnrecoverable",
                    "No valid session (it is missing, ended or timed out after inactivity): log in with PUT /api/v1/session.", null);
            return null;
        }
        if (xsrf) {
            String sent = ctx.request().getHeader("X-XSRF-Token");
            if (sent == null || !sent.equals(t.extra)) {
                error(ctx, 403, "xsrfTokenInvalid", sent == null
                        ? "X-XSRF-Token header missing: send the XSRF-TOKEN cookie value from the login answer."
                        : "X-XSRF-Token does not match this session's XSRF-TOKEN cookie.", null);
                return null;
            }
        }
        t.touch(s.clock.nowMillis());
        return t;
    }

    private void current(RoutingContext ctx) {
        IssuedToken t = requireSession(ctx, false);
        if (t != null) {
            http.json(ctx, 200, new JsonObject().put("isAnonymous", false).put("username", t.clientId)
                    .put("generic_properties", new JsonObject().put("namespace", t.tenant)));
        }
    }

    private void logout(RoutingContext ctx) {
        IssuedToken t = requireSession(ctx, true);
        if (t != null) {
            t.revoke();
            http.empty(ctx, 204);
        }
    }

    private void report(RoutingContext ctx) {
        if (requireSession(ctx, true) == null) {
            return;
        }
        String storeId = ctx.pathParam("storeId");
        if (!s.config.cognos().reportStoreIds().contains(storeId)) {
            error(ctx, 404, "reportNotFound", "No report with storeID " + storeId + "; known reports: " + s.config.cognos().reportStoreIds(), null);
            return;
        }
        String fmt = ctx.request().getParam("fmt");
        if (fmt == null || !fmt.equals("DataSetJSON")) {
            error(ctx, 400, "unsupportedFormat", "The simulator answers fmt=DataSetJSON only (was " + fmt + ").", null);
            return;
        }
        List<QueueModel> queues = s.queues.all();
        StringBuilder sb = new StringBuilder(128 + queues.size() * 300);
        sb.append("{\"dataSet\":{\"dataTable\":[{\"id\":\"QueueStatistics\",\"row\":");
        StatsJson.rows(ctx, sb, s, queues, s.clock.nowMillis(), StatsJson.COGNOS);
        sb.append("}]}}");
        http.json(ctx, 200, sb.toString());
    }
}
