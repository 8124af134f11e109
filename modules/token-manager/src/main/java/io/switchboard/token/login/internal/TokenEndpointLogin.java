package io.switchboard.token.login.internal;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.switchboard.core.Secret;
import io.switchboard.token.login.CredentialSpec;
import io.switchboard.token.login.CredentialSpec.ClientAuth;
import io.switchboard.token.login.LoginException;
import io.switchboard.token.login.LoginException.Kind;
import io.switchboard.token.login.LoginResult;
import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;

/**
 * OAuth2 token-endpoint login shared by the genesys-cloud, nice-cxone, auth0 and oauth2 profiles:
 * the spec says the grant, client authentication, body format, Basic encoding, scopes, audience and
 * extra parameters. Adds RFC 8414 discovery (oauth2 with {@code issuer}), the refresh_token grant
 * (falling back to a full login when it is refused) and CXone's tenant / API host discovery.
 * Thread-safe; holds only the discovered token endpoint.
 */
public final class TokenEndpointLogin extends SpecBoundLogin {

    private static final Logger LOG = LoggerFactory.getLogger(TokenEndpointLogin.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final AtomicReference<String> discoveredTokenUrl = new AtomicReference<>();

    public TokenEndpointLogin(CredentialSpec spec, LoginHttp http) {
        super(spec, http);
    }

    @Override
    public Future<LoginResult> login(LoginResult previous) {
        if (previous != null && previous.refreshToken() != null && spec.useRefreshToken()) {
            return request(previous).recover(t -> {
                if (t instanceof LoginException le && le.httpStatus() != null
                        && le.httpStatus() >= 400 && le.httpStatus() < 500 && le.kind() != Kind.RATE_LIMITED) {
                    LOG.info("credential {}: refresh token refused ({} {}), doing a full login", spec.id(), le.httpStatus(), le.vendorCode());
                    return request(null);
                }
                return Future.failedFuture(t);
            });
        }
        return request(null);
    }

    private Future<LoginResult> request(LoginResult previous) {
        return tokenUrl().compose(url -> {
            String grant = previous != null ? "refresh_token" : spec.grantType();
            Map<String, String> params = new LinkedHashMap<>();
            params.put("grant_type", grant);
            if (previous != null) {
                params.put("refresh_token", previous.refreshToken().reveal());
            } else {
                if ("password".equals(grant)) {
                    params.put("username", spec.username());
                    params.put("password", spec.password().reveal());
                }
                if (!spec.scopes().isEmpty()) {
                    params.put("scope", String.join(" ", spec.scopes()));
                }
                if (spec.audience() != null) {
                    params.put("audience", spec.audience());
                }
                params.putAll(spec.extraParams());
            }
            Map<String, String> headers = new LinkedHashMap<>();
            String body;
            ClientAuth auth = spec.clientAuth();
            if (auth == ClientAuth.BASIC) {
                headers.put("Authorization", FormEncoding.basic(spec.clientId(), spec.clientSecret().reveal(), spec.basicEncoding()));
            } else {
                params.put("client_id", spec.clientId());
                params.put("client_secret", spec.clientSecret().reveal());
            }
            if (auth == ClientAuth.JSON) {
                ObjectNode node = JSON.createObjectNode();
                params.forEach(node::put);
                body = node.toString();
                headers.put("Content-Type", "application/json");
            } else {
                body = FormEncoding.form(params);
                headers.put("Content-Type", "application/x-www-form-urlencoded");
            }
            LOG.debug("credential {}: {} grant at {} with {}", spec.id(), grant, url, auth.configName());
            return http.send(spec, HttpMethod.POST, url, headers, body).compose(reply -> {
                if (!reply.ok()) {
                    LoginException e = VendorErrors.tokenError(spec, reply, grant, http.options().clock().instant());
                    LOG.debug("credential {}: login failed: {}", spec.id(), e.getMessage());
                    return Future.failedFuture(e);
                }
                return success(reply, grant, previous);
            });
        });
    }

    private Future<LoginResult> success(Reply reply, String grant, LoginResult previous) {
        JsonNode json = reply.json();
        JsonNode token = json == null ? null : json.get("access_token");
        if (token == null || !token.isTextual() || token.asText().isEmpty()) {
            return Future.failedFuture(new LoginException(Kind.TRANSIENT, VendorErrors.vendor(spec, reply.url()) + " answered "
                    + reply.status() + " without an access_token (content type " + reply.headers().get("Content-Type")
                    + ") — check that tokenUrl points at the token endpoint and not a login page; Switchboard retries",
                    reply.status(), null, null, null, reply.date(), null));
        }
        String access = token.asText();
        Instant now = http.options().clock().instant();
        Duration lifetime = null;
        JsonNode exp = json.get("expires_in");
        if (exp != null && (exp.isNumber() || exp.asText().matches("\\d+"))) {
            lifetime = Duration.ofSeconds(exp.asLong());
        }
        String type = json.hasNonNull("token_type") ? json.get("token_type").asText() : "Bearer";
        String scheme = type.equalsIgnoreCase("bearer") ? "Bearer" : type;
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("token_type", type);
        meta.put("grant", grant);
        if (reply.date() != null) {
            meta.put("vendor_date", reply.date().toString());
        }
        List<String> scopes = new ArrayList<>();
        if (json.hasNonNull("scope")) {
            for (String s : json.get("scope").asText().trim().split("\\s+")) {
                if (!s.isEmpty()) {
                    scopes.add(s);
                }
            }
        }
        Jwt.claims(access).ifPresent(claims -> {
            putIf(meta, "jwt.aud", Jwt.text(claims, "aud"));
            putIf(meta, "jwt.iss", Jwt.text(claims, "iss"));
            putIf(meta, "jwt.sub", Jwt.text(claims, "sub"));
            if (claims.hasNonNull("exp")) {
                meta.put("jwt.exp", Instant.ofEpochSecond(claims.get("exp").asLong()).toString());
            }
            if (claims.hasNonNull("iat")) {
                meta.put("jwt.iat", Instant.ofEpochSecond(claims.get("iat").asLong()).toString());
            }
            if (scopes.isEmpty()) {
                String s = Jwt.text(claims, claims.has("scope") ? "scope" : "scp");
                if (s != null) {
                    for (String one : s.trim().split("\\s+")) {
                        if (!one.isEmpty()) {
                            scopes.add(one);
                        }
                    }
                }
            }
        });
        Secret refresh = null;
        if (spec.useRefreshToken() && json.hasNonNull("refresh_token") && !json.get("refresh_token").asText().isEmpty()) {
            refresh = Secret.of(json.get("refresh_token").asText());
        } else if (spec.useRefreshToken() && previous != null && previous.refreshToken() != null && grant.equals("refresh_token")) {
            refresh = previous.refreshToken(); // servers that do not rotate refresh tokens
        }
        Map<String, Secret> headers = Map.of("Authorization", Secret.of(scheme + " " + access));
        String apiBase = spec.apiBaseUrl();
        if (apiBase == null && json.hasNonNull("resource_server_base_uri")) {
            apiBase = json.get("resource_server_base_uri").asText(); // legacy inContact
        }
        if (!spec.provider().equals(CredentialSpec.NICE_CXONE)) {
            LoginResult result = new LoginResult(headers, now, lifetime, scopes, apiBase, null, meta, refresh);
            LOG.debug("credential {}: logged in, lifetime {}", spec.id(), lifetime);
            return Future.succeededFuture(result);
        }
        // CXone: the id_token names the tenant; the tenant's area names the API host.
        String tenant = null;
        if (json.hasNonNull("id_token")) {
            tenant = Jwt.claims(json.get("id_token").asText())
                    .map(c -> Jwt.text(c, c.has("tenantId") ? "tenantId" : "tenant_id"))
                    .orElse(null);
        }
        if (tenant == null && previous != null) {
            tenant = previous.tenantId();
        }
        meta.put("apiVersion", spec.apiVersion());
        meta.put("apiPath", "/inContactAPI/services/" + spec.apiVersion());
        Duration lt = lifetime;
        Secret rt = refresh;
        String tenantId = tenant;
        if (apiBase != null) {
            return Future.succeededFuture(new LoginResult(headers, now, lt, scopes, apiBase, tenantId, meta, rt));
        }
        if (previous != null && previous.apiBaseUrl() != null && (tenantId == null || tenantId.equals(previous.tenantId()))) {
            return Future.succeededFuture(new LoginResult(headers, now, lt, scopes, previous.apiBaseUrl(), tenantId, meta, rt));
        }
        if (tenantId == null) {
            return Future.failedFuture(new LoginException(Kind.CONFIGURATION, "NICE CXone answered " + reply.status()
                    + " without a tenantId in the id_token, so the API host cannot be discovered — set apiBaseUrl for credential '"
                    + spec.id() + "' (e.g. https://api-na1.niceincontact.com)", reply.status(), null, null, null, reply.date(), null));
        }
        return discoverCxoneArea(tenantId).map(base -> {
            meta.put("area", base.area());
            return new LoginResult(headers, now, lt, scopes, base.url(), tenantId, meta, rt);
        });
    }

    private record Area(String area, String url) {
    }

    private Future<Area> discoverCxoneArea(String tenantId) {
        String url = spec.discoveryUrl() + "?tenantId=" + FormEncoding.encode(tenantId);
        return http.send(spec, HttpMethod.GET, url, Map.of(), null).compose(reply -> {
            JsonNode json = reply.json();
            String area = json == null ? null : json.path("area").asText(null);
            if (!reply.ok() || area == null || area.isBlank()) {
                Kind kind = reply.status() >= 500 || reply.status() == 429 ? Kind.TRANSIENT : Kind.CONFIGURATION;
                return Future.failedFuture(new LoginException(kind, "NICE CXone answered " + reply.status()
                        + " to the API host discovery for tenant " + tenantId + " at " + spec.discoveryUrl()
                        + (area == null ? " without an area" : "") + " — "
                        + (kind == Kind.TRANSIENT ? "Switchboard retries" : "check authBaseUrl, or set apiBaseUrl to skip discovery"),
                        reply.status(), VendorErrors.code(json), null, VendorErrors.description(json, spec), reply.date(), null));
            }
            return Future.succeededFuture(new Area(area, spec.apiHostTemplate().replace("{area}", area)));
        });
    }

    /** The token endpoint: configured, or found through RFC 8414 / OpenID discovery and then cached. */
    private Future<String> tokenUrl() {
        if (spec.tokenUrl() != null) {
            return Future.succeededFuture(spec.tokenUrl());
        }
        String cached = discoveredTokenUrl.get();
        if (cached != null) {
            return Future.succeededFuture(cached);
        }
        return discover(metadataUrls(spec.issuer()), 0, null).map(url -> {
            discoveredTokenUrl.set(url);
            return url;
        });
    }

    /** Where RFC 8414 §3.1 and OpenID Connect Discovery put the metadata of {@code issuer}, in the order tried. */
    public static List<String> metadataUrls(String issuer) {
        URI uri = URI.create(issuer);
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        if (path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        String origin = uri.getScheme() + "://" + uri.getRawAuthority();
        List<String> urls = new ArrayList<>();
        urls.add(origin + "/.well-known/oauth-authorization-server" + path);
        if (!path.isEmpty()) {
            urls.add(origin + path + "/.well-known/oauth-authorization-server");
        }
        urls.add(origin + path + "/.well-known/openid-configuration");
        return urls;
    }

    private Future<String> discover(List<String> urls, int i, Reply last) {
        if (i >= urls.size()) {
            int status = last == null ? 0 : last.status();
            Kind kind = status >= 500 || status == 429 ? Kind.TRANSIENT : Kind.CONFIGURATION;
            return Future.failedFuture(new LoginException(kind, VendorErrors.vendor(spec, spec.issuer()) + " publishes no"
                    + " authorization server metadata for issuer " + spec.issuer() + " (last answer " + status + " at "
                    + (last == null ? "-" : last.url()) + ") — check issuer, or set tokenUrl instead",
                    status == 0 ? null : status, null, null, null, last == null ? null : last.date(), null));
        }
        return http.send(spec, HttpMethod.GET, urls.get(i), Map.of(), null).compose(reply -> {
            JsonNode json = reply.json();
            if (reply.ok() && json != null && json.hasNonNull("token_endpoint")) {
                String issuer = json.path("issuer").asText(null);
                if (issuer != null && !stripSlash(issuer).equals(stripSlash(spec.issuer()))) {
                    return Future.failedFuture(new LoginException(Kind.CONFIGURATION, VendorErrors.vendor(spec, reply.url())
                            + " publishes metadata for issuer " + issuer + " at " + reply.url() + ", not for the configured "
                            + spec.issuer() + " — set issuer to " + issuer + " (RFC 8414 §3.3)",
                            reply.status(), null, null, null, reply.date(), null));
                }
                return Future.succeededFuture(json.get("token_endpoint").asText());
            }
            return discover(urls, i + 1, reply);
        });
    }

    private static String stripSlash(String s) {
        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }

    private static void putIf(Map<String, String> map, String key, String value) {
        if (value != null) {
            map.put(key, value);
        }
    }
}
