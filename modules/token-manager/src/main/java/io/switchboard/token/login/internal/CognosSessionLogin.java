package io.switchboard.token.login.internal;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.switchboard.core.Secret;
import io.switchboard.token.login.CredentialSpec;
import io.switchboard.token.login.LoginException;
import io.switchboard.token.login.LoginException.Kind;
import io.switchboard.token.login.LoginResult;
import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;

/**
 * IBM Cognos Analytics session login ({@code PUT /api/v1/session} with CAMNamespace +
 * CAMUsername/CAMPassword, or CAMAPILoginKey). The result carries the session as
 * {@code IBM-BA-Authorization} (cookie-less mode), the {@code X-XSRF-Token} header and the cookies
 * Cognos set; its lifetime is the configured idle timeout, so the token manager logs in again
 * before the session idles out.
 *
 * <p>Given a previous result, {@link #login} first asks Cognos whether that session is still alive
 * ({@code GET /api/v1/session}, which also resets the idle timer); when Cognos answers that a login
 * is required (401/403/441, or an anonymous session) it logs in afresh. Thread-safe, stateless.
 */
public final class CognosSessionLogin extends SpecBoundLogin {

    /** The cookie-less session header. */
    public static final String SESSION_HEADER = "IBM-BA-Authorization";
    /** The XSRF header every later call must send. */
    public static final String XSRF_HEADER = "X-XSRF-Token";

    private static final Logger LOG = LoggerFactory.getLogger(CognosSessionLogin.class);
    private static final ObjectMapper JSON = new ObjectMapper();


    public CognosSessionLogin(CredentialSpec spec, LoginHttp http) {
        super(spec, http);
    }

    @Override
    public Future<LoginResult> login(LoginResult previous) {
        if (previous == null || !previous.headers().containsKey(SESSION_HEADER)) {
            return fullLogin();
        }
        return http.send(spec, HttpMethod.GET, spec.tokenUrl(), reveal(previous.headers()), null).compose(reply -> {
            JsonNode json = reply.json();
            boolean anonymous = json != null && json.path("isAnonymous").asBoolean(false);
            if (reply.ok() && !anonymous) {
                LOG.debug("credential {}: Cognos session still alive, idle timer reset", spec.id());
                return Future.succeededFuture(new LoginResult(previous.headers(), http.options().clock().instant(),
                        spec.idleTimeout(), previous.grantedScopes(), previous.apiBaseUrl(), previous.tenantId(),
                        withDate(previous.metadata(), reply.date(), "session_reused"), previous.refreshToken()));
            }
            LOG.info("credential {}: Cognos answered {} for the existing session (login required), logging in again",
                    spec.id(), reply.status());
            return fullLogin();
        }, failure -> fullLogin());
    }

    @Override
    public Future<Void> logout(LoginResult current) {
        if (current == null || !current.headers().containsKey(SESSION_HEADER)) {
            return Future.succeededFuture();
        }
        return http.send(spec, HttpMethod.DELETE, spec.tokenUrl(), reveal(current.headers()), null)
                .<Void>map(r -> null)
                .otherwise(t -> null);
    }

    private Future<LoginResult> fullLogin() {
        ObjectNode body = JSON.createObjectNode();
        ArrayNode params = body.putArray("parameters");
        if (spec.apiKey() != null) {
            params.addObject().put("name", "CAMAPILoginKey").put("value", spec.apiKey().reveal());
        } else {
            params.addObject().put("name", "CAMNamespace").put("value", spec.namespace());
            params.addObject().put("name", "CAMUsername").put("value", spec.username());
            params.addObject().put("name", "CAMPassword").put("value", spec.password().reveal());
        }
        Map<String, String> headers = Map.of("Content-Type", "application/json");
        return http.send(spec, HttpMethod.PUT, spec.tokenUrl(), headers, body.toString()).compose(reply -> {
            if (!reply.ok()) {
                return Future.failedFuture(error(reply));
            }
            JsonNode json = reply.json();
            String sessionKey = json == null ? null : json.path("session_key").asText(null);
            if (sessionKey == null || sessionKey.isBlank()) {
                return Future.failedFuture(new LoginException(Kind.TRANSIENT, "Cognos answered " + reply.status()
                        + " without a session_key at " + reply.url() + " — check that baseUrl points at the Cognos REST API"
                        + " (…/api/v1/session must exist); Switchboard retries", reply.status(), null, null, null, reply.date(), null));
            }
            Map<String, Secret> out = new LinkedHashMap<>();
            out.put(SESSION_HEADER, Secret.of(sessionKey));
            String xsrf = reply.cookie("XSRF-TOKEN");
            if (xsrf != null) {
                out.put(XSRF_HEADER, Secret.of(xsrf));
            }
            StringBuilder cookie = new StringBuilder();
            for (String c : reply.cookies()) {
                String pair = c.split(";", 2)[0].trim();
                if (!pair.isEmpty()) {
                    cookie.append(cookie.length() == 0 ? "" : "; ").append(pair);
                }
            }
            if (cookie.length() > 0) {
                out.put("Cookie", Secret.of(cookie.toString()));
            }
            Map<String, String> meta = withDate(Map.of(), reply.date(), "session_login");
            meta.put("namespace", spec.apiKey() != null ? "(api key)" : spec.namespace());
            meta.put("idleTimeout", spec.idleTimeout().toString());
            LOG.debug("credential {}: Cognos session opened", spec.id());
            return Future.succeededFuture(new LoginResult(out, http.options().clock().instant(), spec.idleTimeout(),
                    null, spec.apiBaseUrl(), null, meta, null));
        });
    }

    private LoginException error(Reply reply) {
        JsonNode json = reply.json();
        String code = VendorErrors.code(json);
        String desc = VendorErrors.description(json, spec);
        if (desc == null && json == null && !reply.body().isBlank() && reply.body().length() < 300) {
            desc = VendorErrors.scrub(reply.body(), spec);
        }
        int status = reply.status();
        String all = ((code == null ? "" : code) + " " + (desc == null ? "" : desc)).toLowerCase(Locale.ROOT);
        String head = "Cognos answered " + status + (code != null ? " " + code : "") + (desc != null ? " (" + desc + ")" : "") + ": ";
        if (status == 429) {
            var retry = VendorErrors.retryAfter(reply, http.options().clock().instant());
            return VendorErrors.ex(Kind.RATE_LIMITED, head + "too many logins — Switchboard waits "
                    + (retry != null ? retry.toSeconds() + " s" : "with backoff") + " before the next attempt", reply, code, desc, retry);
        }
        if (status >= 500 && !all.contains("namespace")) {
            return VendorErrors.ex(Kind.TRANSIENT, head + "Cognos has a server-side problem — Switchboard retries with backoff",
                    reply, code, desc, null);
        }
        if (status == 404 || status == 405) {
            return VendorErrors.ex(Kind.CONFIGURATION, head + "there is no session endpoint at " + reply.url()
                    + " — check baseUrl (e.g. https://cognos.example.com/ibmcognos)", reply, code, desc, null);
        }
        if (all.contains("namespace")) {
            return VendorErrors.ex(Kind.REJECTED, head + "namespace '" + spec.namespace() + "' is not known to Cognos"
                    + " — set namespace to the namespace ID (not its display name) from Manage > Namespaces", reply, code, desc, null);
        }
        if (spec.apiKey() != null) {
            return VendorErrors.ex(Kind.REJECTED, head + "the API key was not accepted — create a new one under"
                    + " My profile > Credentials > API key and update apiKey", reply, code, desc, null);
        }
        if (status == 400 || status == 401 || status == 403 || status == 441) {
            return VendorErrors.ex(Kind.REJECTED, head + "Cognos rejected user '" + spec.username() + "' in namespace '"
                    + spec.namespace() + "' — check the password (and that the account is not locked)", reply, code, desc, null);
        }
        return VendorErrors.ex(Kind.CONFIGURATION, head + "the session login was not accepted — run `switchboard doctor --credential "
                + spec.id() + "`", reply, code, desc, null);
    }

    private static Map<String, String> withDate(Map<String, String> base, Instant date, String how) {
        Map<String, String> meta = new LinkedHashMap<>(base);
        meta.put("login", how);
        if (date != null) {
            meta.put("vendor_date", date.toString());
        }
        return meta;
    }

    private static Map<String, String> reveal(Map<String, Secret> headers) {
        Map<String, String> out = new LinkedHashMap<>();
        headers.forEach((k, v) -> out.put(k, v.reveal()));
        return out;
    }
}
