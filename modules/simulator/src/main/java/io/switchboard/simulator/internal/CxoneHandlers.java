package io.switchboard.simulator.internal;

import io.switchboard.simulator.SimulatorConfig.CxoneAccessKey;
import io.switchboard.simulator.SimulatorConfig.CxoneClient;
import io.switchboard.simulator.SimulatorConfig.CxoneTenant;
import io.switchboard.simulator.Vendor;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** NICE CXone: auth host {@code /cxone}, API hosts {@code /cxone/api-{area}}. Follows VENDORS.md "NICE CXone". */
final class CxoneHandlers extends VendorHandlers {

    static final String PREFIX = "/cxone";

    CxoneHandlers(SimState s, Http http) {
        super(s, http);
    }

    @Override
    void mount(Router r) {
        r.post(PREFIX + "/auth/token").handler(this::token);
        r.get(PREFIX + "/.well-known/cxone-configuration").handler(this::wellKnown);
        r.getWithRegex("/cxone/api-([a-z0-9]+)/inContactAPI/services/v([0-9]+)\\.0/skills/activity").handler(this::activity);
        r.getWithRegex("/cxone/api-([a-z0-9]+)/inContactAPI/services/v([0-9]+)\\.0/skills/summary").handler(this::summary);
    }

    private void oauthError(RoutingContext ctx, int status, String error, String description) {
        if (status == 401) {
            ctx.response().putHeader("WWW-Authenticate", "Basic realm=\"cxone\"");
        }
        http.json(ctx, status, new JsonObject().put("error", error).put("error_description", description));
    }

    private CxoneClient client(String[] basic) {
        if (basic == null) {
            return null;
        }
        CxoneClient c = s.cxoneClients.get(basic[0]);
        if (c != null && c.clientSecret().matches(basic[1])) {
            return c;
        }
        if (s.config.cxone().acceptFormUrlEncodedBasic()) {
            try {
                CxoneClient d = s.cxoneClients.get(Forms.decode(basic[0]));
                if (d != null && d.clientSecret().matches(Forms.decode(basic[1]))) {
                    return d;
                }
            } catch (Forms.BadEncoding e) {
                return null;
            }
        }
        return null;
    }

    private void token(RoutingContext ctx) {
        String[] basic = Forms.basic(ctx.request().getHeader("Authorization"));
        CxoneClient client = client(basic);
        if (client == null) {
            oauthError(ctx, 401, "invalid_client", basic == null
                    ? "Client authentication required: send the application's client id and secret as HTTP Basic"
                    : "Client authentication failed");
            return;
        }
        Map<String, String> form;
        try {
            // A raw '=' inside a value ends it: access keys must send '=' as %3D.
            form = Forms.parse(ctx.body().asString(), true);
        } catch (Forms.BadEncoding e) {
            oauthError(ctx, 400, "invalid_request", "Malformed form body: " + e.getMessage());
            return;
        }
        String grant = form.get("grant_type");
        CxoneAccessKey key;
        if ("password".equals(grant)) {
            key = s.cxoneKeys.get(form.get("username"));
            if (key == null || !key.accessKeySecret().matches(form.get("password"))) {
                oauthError(ctx, 400, "invalid_grant", "Invalid access key id or access key secret");
                return;
            }
        } else if ("refresh_token".equals(grant)) {
            TokenStore.RefreshGrant g = s.tokens.refresh(Vendor.CXONE, form.get("refresh_token"), s.config.cxone().refreshTokenSingleUse());
            if (g == null || !g.clientId().equals(client.clientId())) {
                oauthError(ctx, 400, "invalid_grant", "The refresh token is invalid, expired or revoked");
                return;
            }
            key = s.cxoneKeys.get(g.subject());
            if (key == null) {
                oauthError(ctx, 400, "invalid_grant", "The refresh token is invalid, expired or revoked");
                return;
            }
        } else if (grant == null || grant.isEmpty()) {
            oauthError(ctx, 400, "invalid_request", "grant_type is required (password with an access key, or refresh_token)");
            return;
        } else {
            oauthError(ctx, 400, "unsupported_grant_type", "Unsupported grant type " + grant + "; use password or refresh_token");
            return;
        }
        CxoneTenant tenant = s.cxoneTenants.get(key.tenantId());
        long lifetime = s.config.cxone().tokenLifetime().toMillis();
        String value = TokenStore.randomToken(48);
        s.tokens.issue(Vendor.CXONE, value, key.accessKeyId(), tenant.tenantId(), lifetime, Set.of(), tenant.area(), client.clientId());
        String refresh = s.tokens.addRefresh(Vendor.CXONE, client.clientId(), key.accessKeyId(), tenant.tenantId(), Set.of(),
                s.config.cxone().refreshTokenLifetime().toMillis());
        long now = s.clock.nowMillis() / 1000;
        String idToken = Jwt.sign(new JsonObject().put("iss", baseUrl(ctx) + PREFIX).put("sub", "user:" + key.accessKeyId())
                .put("aud", client.clientId()).put("iat", now).put("exp", now + lifetime / 1000)
                .put("tenantId", tenant.tenantId()).put("name", key.accessKeyId()));
        ctx.response().putHeader("Cache-Control", "no-store");
        http.json(ctx, 200, new JsonObject().put("access_token", value).put("token_type", "Bearer")
                .put("expires_in", lifetime / 1000).put("refresh_token", refresh).put("id_token", idToken)
                .put("issued_token_type", "urn:ietf:params:oauth:token-type:access_token"));
    }

    static String baseUrl(RoutingContext ctx) {
        io.vertx.core.net.HostAndPort a = ctx.request().authority();
        String scheme = ctx.request().isSSL() ? "https://" : "http://";
        if (a == null) {
            return scheme + "127.0.0.1:" + ctx.request().localAddress().port();
        }
        return scheme + a.host() + (a.port() > 0 ? ":" + a.port() : "");
    }

    private void wellKnown(RoutingContext ctx) {
        String tenantId = ctx.request().getParam("tenantId");
        if (tenantId == null || tenantId.isBlank()) {
            http.json(ctx, 400, new JsonObject().put("error", "invalid_request")
                    .put("error_description", "tenantId query parameter is required (take it from the id_token's tenantId claim)"));
            return;
        }
        CxoneTenant t = s.cxoneTenants.get(tenantId);
        if (t == null) {
            http.json(ctx, 404, new JsonObject().put("error", "not_found").put("error_description", "Unknown tenantId " + tenantId));
            return;
        }
        http.json(ctx, 200, new JsonObject().put("tenantId", t.tenantId()).put("area", t.area())
                .put("apiBaseUrl", baseUrl(ctx) + PREFIX + "/api-" + t.area())
                .put("authBaseUrl", baseUrl(ctx) + PREFIX));
    }

    private IssuedToken authorize(RoutingContext ctx) {
        String bearer = Forms.bearer(ctx.request().getHeader("Authorization"));
        if (bearer == null) {
            ctx.response().putHeader("WWW-Authenticate", "Bearer realm=\"cxone\"");
            http.json(ctx, 401, new JsonObject().put("error", "invalid_request").put("error_description", "Bearer token required"));
            return null;
        }
        IssuedToken t = s.tokens.valid(Vendor.CXONE, bearer);
        String area = ctx.pathParam("param0");
        if (t == null || !t.extra.equals(area)) {
            ctx.response().putHeader("WWW-Authenticate", "Bearer realm=\"cxone\", error=\"invalid_token\"");
            http.json(ctx, 401, new JsonObject().put("error", "invalid_token").put("error_description", t == null
                    ? "The access token is invalid, expired or revoked"
                    : "The token's tenant lives in area " + t.extra + ", not " + area + "; use the area from cxone-configuration"));
            return null;
        }
        long retry = t.acquire(s.clock.nowMillis(), s.config.cxone().rateLimitPerMinute());
        if (retry > 0) {
            http.tooManyRequests(ctx, Vendor.CXONE, retry);
            return null;
        }
        return t;
    }

    private void activity(RoutingContext ctx) {
        if (authorize(ctx) == null) {
            return;
        }
        List<QueueModel> queues = selectSkills(ctx.request().getParam("skills"));
        long now = s.clock.nowMillis();
        String serverTime = Instant.ofEpochMilli(now).toString();
        StringBuilder sb = new StringBuilder(64 + queues.size() * 420);
        boolean wrap = s.config.cxone().wrapActivityInResultSet();
        sb.append(wrap ? "{\"resultSet\":{\"lastPollTime\":\"" + serverTime + "\",\"skillActivity\":[" : "{\"skillActivity\":[");
        boolean first = true;
        for (QueueModel q : queues) {
            QueueSnapshot x = Http.observe(ctx, q, now);
            if (!first) {
                sb.append(',');
            }
            first = false;
            sb.append("{\"serverTime\":\"").append(serverTime).append("\",\"skillId\":").append(q.spec.skillId())
                    .append(",\"skillName\":\"").append(q.spec.name()).append("\",\"campaignId\":").append(1)
                    .append(",\"skillQueueCount\":").append(x.waiting())
                    .append(",\"queueCount\":").append(x.waiting())
                    .append(",\"earliestQueueTime\":");
            if (x.waiting() > 0) {
                sb.append('"').append(Instant.ofEpochMilli(now - x.longestWaitingMs())).append('"');
            } else {
                sb.append("null");
            }
            sb.append(",\"contactsActive\":").append(x.interacting() + x.alerting())
                    .append(",\"agentsLoggedIn\":").append(x.onQueue() + x.offQueue())
                    .append(",\"agentsWorking\":").append(x.busy() + x.alerting())
                    .append(",\"agentsUnavailable\":").append(x.offQueue())
                    .append(",\"agentsAvailable\":").append(x.idle())
                    .append(",\"agentsACW\":").append(x.acw())
                    .append(",\"agentsIdle\":").append(x.idle())
                    .append(",\"serviceLevel\":").append(x.serviceLevelPercent())
                    .append(",\"serviceLevelGoal\":80");
            if (s.config.sequenceField()) {
                sb.append(",\"simSequence\":").append(x.sequence());
            }
            sb.append('}');
        }
        sb.append(wrap ? "]}}" : "]}");
        http.json(ctx, 200, sb.toString());
    }

    /** The skills named by {@code skills=1001,1002} (unknown or non-numeric ids ignored, as the vendor does), or all. */
    private List<QueueModel> selectSkills(String skills) {
        return StatsJson.select(s, skills, id -> {
            try {
                return s.queues.bySkill(Integer.parseInt(id));
            } catch (NumberFormatException e) {
                return null;
            }
        });
    }

    private void summary(RoutingContext ctx) {
        if (authorize(ctx) == null) {
            return;
        }
        long start;
        long end;
        try {
            String sd = ctx.request().getParam("startDate");
            String ed = ctx.request().getParam("endDate");
            if (sd == null || ed == null) {
                throw new DateTimeParseException("missing", "", 0);
            }
            start = parseInstant(sd);
            end = parseInstant(ed);
        } catch (DateTimeParseException e) {
            http.json(ctx, 400, new JsonObject().put("error", "invalid_request").put("error_description",
                    "startDate and endDate are required ISO-8601 timestamps, e.g. 2024-05-01T00:00:00.000Z"));
            return;
        }
        if (end <= start) {
            http.json(ctx, 400, new JsonObject().put("error", "invalid_request").put("error_description", "endDate must be after startDate"));
            return;
        }
        JsonArray out = new JsonArray();
        for (QueueModel q : selectSkills(ctx.request().getParam("skills"))) {
            QueueData.IntervalStats st = s.queues.interval(q, start, end, 0, 1);
            out.add(new JsonObject().put("businessUnitId", 4600000).put("skillId", q.spec.skillId()).put("skillName", q.spec.name())
                    .put("campaignId", 1)
                    .put("abandonCount", st.abandoned()).put("contactsQueued", st.offered()).put("contactsHandled", st.answered())
                    .put("contactsOffered", st.offered())
                    .put("averageHandleTime", iso(st.avgHandleMs()))
                    .put("averageWrapTime", iso(st.avgAcwMs()))
                    .put("averageSpeedToAnswer", iso(st.avgAnswerWaitMs()))
                    .put("serviceLevel", st.answered() == 0 ? 100 : (st.answered() - st.overSla()) * 100 / Math.max(1, st.offered())));
        }
        http.json(ctx, 200, new JsonObject().put("skillSummaries", out));
    }

    static String iso(double millis) {
        return Duration.ofSeconds(Math.round(millis / 1000.0)).toString();
    }
}
