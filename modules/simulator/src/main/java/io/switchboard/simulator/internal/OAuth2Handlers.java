package io.switchboard.simulator.internal;

import io.switchboard.simulator.SimulatorConfig.OAuth2Client;
import io.switchboard.simulator.Vendor;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A generic RFC 6749 authorization server (issuer {@code /oauth2}), RFC 8414 metadata, and an RFC 6750 resource
 * server ({@code /oauth2/api/queues/stats}).
 */
final class OAuth2Handlers extends VendorHandlers {

    static final String PREFIX = "/oauth2";

    OAuth2Handlers(SimState s, Http http) {
        super(s, http);
    }

    @Override
    void mount(Router r) {
        r.post(PREFIX + "/token").handler(this::token);
        r.get("/.well-known/oauth-authorization-server" + PREFIX).handler(this::metadata);
        r.get(PREFIX + "/.well-known/oauth-authorization-server").handler(this::metadata);
        r.get(PREFIX + "/.well-known/openid-configuration").handler(this::metadata);
        r.get(PREFIX + "/api/queues/stats").handler(this::stats);
        r.get(PREFIX + "/login").handler(this::loginPage);
        // Last: with loginPageRedirect, whatever else comes to this server goes to its browser login page.
        r.route(PREFIX).handler(this::redirectToLoginPage);
        r.route(PREFIX + "/*").handler(this::redirectToLoginPage);
    }

    /** The HTML sign-in page a browser is sent to: what a token client finds when its tokenUrl is not the token endpoint. */
    private void loginPage(RoutingContext ctx) {
        if (!s.config.oauth2().loginPageRedirect()) {
            ctx.next();
            return;
        }
        http.send(ctx, 200, "text/html; charset=utf-8", """
                <!DOCTYPE html>
                <html lang="en"><head><meta charset="utf-8"><title>Please sign in</title></head>
                <body><form method="post" action="%s/login"><h2>Please sign in</h2>
                <label>Username <input name="username"></label> <label>Password <input name="password" type="password"></label>
                <button type="submit">Sign in</button></form></body></html>
                """.formatted(PREFIX));
    }

    private void redirectToLoginPage(RoutingContext ctx) {
        if (!s.config.oauth2().loginPageRedirect()) {
            ctx.next();
            return;
        }
        ctx.response().putHeader("Location", CxoneHandlers.baseUrl(ctx) + PREFIX + "/login");
        http.send(ctx, 302, null, null);
    }

    private void error(RoutingContext ctx, int status, String error, String description) {
        ctx.response().putHeader("Cache-Control", "no-store").putHeader("Pragma", "no-cache");
        http.json(ctx, status, new JsonObject().put("error", error).put("error_description", description));
    }

    private void invalidClient(RoutingContext ctx, boolean viaBasic, String description) {
        if (viaBasic) {
            ctx.response().putHeader("WWW-Authenticate", "Basic realm=\"oauth2\"");
        }
        if (s.config.oauth2().emptyInvalidClientBody()) {
            http.empty(ctx, 401);
            return;
        }
        error(ctx, 401, "invalid_client", description);
    }

    private void token(RoutingContext ctx) {
        String type = ctx.request().getHeader("Content-Type");
        if (type == null || !type.toLowerCase().startsWith("application/x-www-form-urlencoded")) {
            error(ctx, 400, "invalid_request", "The token request must be application/x-www-form-urlencoded (RFC 6749 §4.4.2)");
            return;
        }
        Map<String, String> form;
        try {
            form = Forms.parse(ctx.body().asString(), false);
        } catch (Forms.BadEncoding e) {
            error(ctx, 400, "invalid_request", "The body is not valid form-urlencoding: " + e.getMessage());
            return;
        }
        String[] basic = Forms.basic(ctx.request().getHeader("Authorization"));
        String clientId;
        String secret;
        String method;
        if (basic != null) {
            if (form.containsKey("client_secret")) {
                error(ctx, 400, "invalid_request", "The client used more than one authentication method (Basic and client_secret in the body)");
                return;
            }
            try {
                // RFC 6749 §2.3.1: id and secret are form-urlencoded before Base64; decode strictly.
                clientId = Forms.decode(basic[0]);
                secret = Forms.decode(basic[1]);
            } catch (Forms.BadEncoding e) {
                error(ctx, 400, "invalid_request", "The Basic credentials are not form-urlencoded as RFC 6749 §2.3.1 requires: "
                        + e.getMessage() + " (encode '%' as %25, '+' as %2B)");
                return;
            }
            method = "client_secret_basic";
        } else if (form.containsKey("client_secret")) {
            clientId = form.get("client_id");
            secret = form.get("client_secret");
            method = "client_secret_post";
        } else {
            invalidClient(ctx, false, "Client authentication required: use client_secret_basic or client_secret_post");
            return;
        }
        OAuth2Client client = clientId == null ? null : s.oauth2Clients.get(clientId);
        if (client == null || !client.secret().matches(secret)) {
            invalidClient(ctx, basic != null, "Client authentication failed");
            return;
        }
        if (!client.authMethods().contains(method)) {
            invalidClient(ctx, basic != null, "Client authentication method " + method + " is not allowed for this client; allowed: "
                    + new TreeSet<>(client.authMethods()));
            return;
        }
        String grant = form.get("grant_type");
        if (grant == null || grant.isEmpty()) {
            error(ctx, 400, "invalid_request", "Missing grant_type");
            return;
        }
        if (!grant.equals("client_credentials") && !grant.equals("refresh_token")) {
            error(ctx, 400, "unsupported_grant_type", "Unsupported grant_type " + grant);
            return;
        }
        if (!client.grants().contains(grant)) {
            error(ctx, 400, "unauthorized_client", "The client is not allowed to use the " + grant + " grant");
            return;
        }
        for (Map.Entry<String, String> required : client.requiredParams().entrySet()) {
            String given = form.get(required.getKey());
            if (given == null || given.isEmpty()) {
                error(ctx, 400, "invalid_request", "Missing required parameter: " + required.getKey());
                return;
            }
            if (!given.equals(required.getValue())) {
                error(ctx, 400, "invalid_target", "The requested " + required.getKey() + " is not one this client may obtain a token for");
                return;
            }
        }
        Set<String> allowed = client.scopes();
        if (grant.equals("refresh_token")) {
            TokenStore.RefreshGrant g = s.tokens.refresh(Vendor.OAUTH2, form.get("refresh_token"), false);
            if (g == null || !g.clientId().equals(client.clientId())) {
                error(ctx, 400, "invalid_grant", "The refresh token is invalid, expired, revoked or issued to another client");
                return;
            }
            allowed = g.scopes();
        }
        Set<String> scopes = new LinkedHashSet<>();
        String requested = form.get("scope");
        if (requested == null || requested.isBlank()) {
            scopes.addAll(new TreeSet<>(allowed));
        } else {
            for (String sc : requested.trim().split(" +")) {
                if (!allowed.contains(sc)) {
                    error(ctx, 400, "invalid_scope", "Scope " + sc + " is not allowed for this client; allowed: " + new TreeSet<>(allowed));
                    return;
                }
                scopes.add(sc);
            }
        }
        long lifetime = client.tokenLifetime().toMillis();
        String value = TokenStore.randomToken(32);
        s.tokens.issue(Vendor.OAUTH2, value, client.clientId(), client.tenant(), lifetime, Set.copyOf(scopes), null);
        JsonObject out = new JsonObject().put("access_token", value).put("token_type", "Bearer");
        if (!s.config.oauth2().omitExpiresIn()) {
            out.put("expires_in", lifetime / 1000 - (s.config.oauth2().expiresInOneLess() ? 1 : 0));
        }
        out.put("scope", String.join(" ", scopes));
        if (client.issueRefreshToken()) {
            out.put("refresh_token", s.tokens.addRefresh(Vendor.OAUTH2, client.clientId(), client.clientId(), client.tenant(),
                    Set.copyOf(scopes), lifetime * 24));
        }
        ctx.response().putHeader("Cache-Control", "no-store").putHeader("Pragma", "no-cache");
        http.json(ctx, 200, out);
    }

    private void metadata(RoutingContext ctx) {
        String issuer = CxoneHandlers.baseUrl(ctx) + PREFIX;
        Set<String> scopes = new TreeSet<>();
        for (OAuth2Client c : s.config.oauth2().clients()) {
            scopes.addAll(c.scopes());
        }
        http.json(ctx, 200, new JsonObject().put("issuer", issuer).put("token_endpoint", issuer + "/token")
                .put("token_endpoint_auth_methods_supported", new JsonArray().add("client_secret_basic").add("client_secret_post"))
                .put("grant_types_supported", new JsonArray().add("client_credentials").add("refresh_token"))
                .put("scopes_supported", new JsonArray(java.util.List.copyOf(scopes)))
                .put("response_types_supported", new JsonArray().add("token")));
    }

    private void stats(RoutingContext ctx) {
        String auth = ctx.request().getHeader("Authorization");
        String bearer = Forms.bearer(auth);
        if (bearer == null) {
            ctx.response().putHeader("WWW-Authenticate", "Bearer realm=\"oauth2\"");
            http.empty(ctx, 401);
            return;
        }
        IssuedToken t = s.tokens.valid(Vendor.OAUTH2, bearer);
        if (t == null) {
            ctx.response().putHeader("WWW-Authenticate",
                    "Bearer realm=\"oauth2\", error=\"invalid_token\", error_description=\"The access token is invalid, expired or revoked\"");
            http.json(ctx, 401, new JsonObject().put("error", "invalid_token")
                    .put("error_description", "The access token is invalid, expired or revoked"));
            return;
        }
        String required = s.config.oauth2().protectedApiScope();
        if (!required.isEmpty() && !t.grantsOrScopes.contains(required)) {
            ctx.response().putHeader("WWW-Authenticate",
                    "Bearer realm=\"oauth2\", error=\"insufficient_scope\", scope=\"" + required + "\"");
            http.json(ctx, 403, new JsonObject().put("error", "insufficient_scope")
                    .put("error_description", "This API requires scope " + required));
            return;
        }
        http.json(ctx, 200, StatsJson.render(ctx, s, StatsJson.select(s, ctx.request().getParam("queueIds"))));
    }
}
