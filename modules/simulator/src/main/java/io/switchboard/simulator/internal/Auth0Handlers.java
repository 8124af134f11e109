package io.switchboard.simulator.internal;

import io.switchboard.simulator.SimulatorConfig.Auth0Client;
import io.switchboard.simulator.Vendor;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/** An Auth0 tenant ({@code /auth0/oauth/token}) and the API it protects ({@code /auth0/api/v1/queues/stats}). */
final class Auth0Handlers extends VendorHandlers {

    static final String PREFIX = "/auth0";

    Auth0Handlers(SimState s, Http http) {
        super(s, http);
    }

    @Override
    void mount(Router r) {
        r.post(PREFIX + "/oauth/token").handler(this::token);
        r.get(PREFIX + "/api/v1/queues/stats").handler(this::stats);
    }

    private void error(RoutingContext ctx, int status, String error, String description) {
        http.json(ctx, status, new JsonObject().put("error", error).put("error_description", description));
    }

    private Map<String, String> params(RoutingContext ctx) throws Forms.BadEncoding {
        String body = ctx.body().asString();
        String type = ctx.request().getHeader("Content-Type");
        if (body != null && ((type != null && type.contains("json")) || body.trim().startsWith("{"))) {
            JsonObject j = new JsonObject(body);
            Map<String, String> m = new java.util.HashMap<>();
            for (Map.Entry<String, Object> e : j) {
                if (e.getValue() != null) {
                    m.put(e.getKey(), e.getValue().toString());
                }
            }
            return m;
        }
        return Forms.parse(body, false);
    }

    private void token(RoutingContext ctx) {
        Map<String, String> p;
        try {
            p = params(ctx);
        } catch (Forms.BadEncoding | RuntimeException e) {
            error(ctx, 400, "invalid_request", "Malformed body: send JSON or application/x-www-form-urlencoded");
            return;
        }
        String[] basic = Forms.basic(ctx.request().getHeader("Authorization"));
        String clientId = basic != null ? basic[0] : p.get("client_id");
        String secret = basic != null ? basic[1] : p.get("client_secret");
        RateWindow.Result rate = s.auth0Windows.computeIfAbsent(clientId == null ? "" : clientId, k -> new RateWindow())
                .acquire(s.clock.nowMillis(), s.config.auth0().rateLimitPerMinute());
        if (rate.limit() > 0) {
            ctx.response().putHeader("x-ratelimit-limit", Integer.toString(rate.limit()))
                    .putHeader("x-ratelimit-remaining", Integer.toString(rate.remaining()))
                    .putHeader("x-ratelimit-reset", Long.toString(rate.resetEpochSecond()));
        }
        if (rate.retryAfterSeconds() > 0) {
            ctx.response().putHeader("Retry-After", Long.toString(rate.retryAfterSeconds()));
            error(ctx, 429, "too_many_requests", "Global limit has been reached");
            return;
        }
        String grant = p.get("grant_type");
        if (grant == null) {
            error(ctx, 400, "invalid_request", "Missing required parameter: grant_type");
            return;
        }
        Auth0Client client = clientId == null ? null : s.auth0Clients.get(clientId);
        if (client == null || !client.secret().matches(secret)) {
            error(ctx, 401, "access_denied", "Unauthorized");
            return;
        }
        if (!grant.equals("client_credentials")) {
            error(ctx, 403, "unauthorized_client", "Grant type '" + grant + "' not allowed for the client.");
            return;
        }
        String audience = p.get("audience");
        if (audience == null || audience.isEmpty()) {
            error(ctx, 403, "access_denied", "No audience parameter was provided, and no default audience has been configured");
            return;
        }
        if (!s.config.auth0().apis().contains(audience)) {
            error(ctx, 403, "access_denied", "Service not enabled within domain: " + audience);
            return;
        }
        Set<String> granted = client.grants().get(audience);
        if (granted == null) {
            String msg = "Client \"" + client.clientId() + "\" is not authorized to access resource server \"" + audience
                    + "\". You need to create a \"client-grant\" associated to this API. "
                    + "See: https://auth0.com/docs/api/v2#!/Client_Grants/post_client_grants";
            error(ctx, 403, s.config.auth0().legacyUnauthorizedClientError() ? "unauthorized_client" : "access_denied", msg);
            return;
        }
        Set<String> scopes = new LinkedHashSet<>(granted);
        String requested = p.get("scope");
        if (requested != null && !requested.isBlank()) {
            scopes.retainAll(Set.of(requested.trim().split("\\s+")));
        }
        long lifetime = client.tokenLifetime().toMillis();
        long now = s.clock.nowMillis() / 1000;
        String scope = String.join(" ", scopes);
        String jwt = Jwt.sign(new JsonObject().put("iss", CxoneHandlers.baseUrl(ctx) + PREFIX + "/")
                .put("sub", client.clientId() + "@clients").put("aud", audience).put("iat", now).put("exp", now + lifetime / 1000)
                .put("scope", scope).put("gty", "client-credentials").put("azp", client.clientId())
                .put("jti", TokenStore.randomToken(9)));
        s.tokens.issue(Vendor.AUTH0, jwt, client.clientId(), client.tenant(), lifetime, Set.copyOf(scopes), audience);
        JsonObject out = new JsonObject().put("access_token", jwt);
        if (!scope.isEmpty()) {
            out.put("scope", scope);
        }
        out.put("expires_in", lifetime / 1000).put("token_type", "Bearer");
        ctx.response().putHeader("Cache-Control", "no-store");
        http.json(ctx, 200, out);
    }

    private void stats(RoutingContext ctx) {
        String bearer = Forms.bearer(ctx.request().getHeader("Authorization"));
        IssuedToken t = s.tokens.valid(Vendor.AUTH0, bearer);
        String aud = s.config.auth0().protectedApiAudience();
        if (t == null || !aud.equals(t.extra)) {
            String why = bearer == null ? "Missing bearer token" : t == null ? "Invalid, expired or revoked token"
                    : "Token audience is " + t.extra + ", this API is " + aud;
            ctx.response().putHeader("WWW-Authenticate", bearer == null ? "Bearer realm=\"auth0\""
                    : "Bearer realm=\"auth0\", error=\"invalid_token\", error_description=\"" + why + "\"");
            error(ctx, 401, "invalid_token", why);
            return;
        }
        String required = s.config.auth0().protectedApiScope();
        if (!required.isEmpty() && !t.grantsOrScopes.contains(required)) {
            ctx.response().putHeader("WWW-Authenticate",
                    "Bearer realm=\"auth0\", error=\"insufficient_scope\", scope=\"" + required + "\"");
            error(ctx, 403, "insufficient_scope", "Insufficient scope, expected: " + required);
            return;
        }
        http.json(ctx, 200, StatsJson.render(ctx, s, StatsJson.select(s, ctx.request().getParam("queueIds"))));
    }
}
