package io.switchboard.simulator;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;

/** A plain java.net.http client for tests: every call goes over the real socket to the simulator. */
final class SimHttp {

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    static String form(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    HttpResponse<String> send(String method, String url, String body, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        try {
            return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    HttpResponse<String> post(String url, String body, String... headers) {
        return send("POST", url, body, headers);
    }

    HttpResponse<String> get(String url, String... headers) {
        return send("GET", url, null, headers);
    }

    static JsonObject json(HttpResponse<String> r) {
        return new JsonObject(r.body());
    }

    /** A Genesys token for the default client. */
    String genesysToken(VendorSimulator sim) {
        return genesysToken(sim, "genesys-client", "genesys-secret");
    }

    String genesysToken(VendorSimulator sim, String id, String secret) {
        return accessToken("Genesys", post(sim.genesysLoginUrl() + "/oauth/token", "grant_type=client_credentials",
                "Authorization", basic(id, secret), "Content-Type", "application/x-www-form-urlencoded"));
    }

    /** A CXone token for the default application and access key (password grant, key secret form-encoded). */
    String cxoneToken(VendorSimulator sim) {
        return accessToken("CXone", post(sim.cxoneAuthUrl() + "/auth/token",
                "grant_type=password&username=cxone-key-id&password=" + form("cxone/key+secret=="),
                "Authorization", basic("cxone-client", "cxone-client-secret"), "Content-Type", "application/x-www-form-urlencoded"));
    }

    /** An Auth0 token for the default client and API (JSON body). */
    String auth0Token(VendorSimulator sim) {
        return auth0Token(sim, "auth0-client", "auth0-secret");
    }

    String auth0Token(VendorSimulator sim, String id, String secret) {
        return accessToken("Auth0", post(sim.auth0Url() + "/oauth/token", new JsonObject().put("grant_type", "client_credentials")
                .put("client_id", id).put("client_secret", secret).put("audience", "https://beeapp.open-cosmos.com").encode(),
                "Content-Type", "application/json"));
    }

    /** A generic RFC 6749 token for the default client (client_secret_basic, parts form-encoded per §2.3.1). */
    String oauth2Token(VendorSimulator sim) {
        return oauth2Token(sim, "oauth2-client", "p@ss+w%rd/=");
    }

    String oauth2Token(VendorSimulator sim, String id, String secret) {
        return accessToken("OAuth2", post(sim.oauth2Issuer() + "/token", "grant_type=client_credentials",
                "Authorization", basic(form(id), form(secret)), "Content-Type", "application/x-www-form-urlencoded"));
    }

    /** A Cognos session of the default LDAP user. */
    CognosSession cognosLogin(VendorSimulator sim) {
        return cognosLogin(sim, "LDAP", "cognos-user", "cognos-password");
    }

    CognosSession cognosLogin(VendorSimulator sim, String namespace, String user, String password) {
        HttpResponse<String> r = send("PUT", sim.cognosUrl() + "/api/v1/session",
                cognosParams("CAMNamespace", namespace, "CAMUsername", user, "CAMPassword", password), "Content-Type", "application/json");
        if (r.statusCode() != 201) {
            throw new AssertionError("Cognos login failed: " + r.statusCode() + " " + r.body());
        }
        return new CognosSession(json(r).getString("session_key"), cookie(r, "XSRF-TOKEN"), cookie(r, "cam_passport"));
    }

    /** A Cognos session: the {@code session_key} ("CAM ..."), the XSRF-TOKEN and cam_passport cookie values. */
    record CognosSession(String key, String xsrf, String passport) {
    }

    /** The Cognos login body {@code {"parameters":[{"name":..,"value":..},..]}}. */
    static String cognosParams(String... nameValues) {
        JsonArray a = new JsonArray();
        for (int i = 0; i < nameValues.length; i += 2) {
            a.add(new JsonObject().put("name", nameValues[i]).put("value", nameValues[i + 1]));
        }
        return new JsonObject().put("parameters", a).encode();
    }

    /** The value of a {@code Set-Cookie} of the answer. */
    static String cookie(HttpResponse<String> r, String name) {
        for (String c : r.headers().allValues("Set-Cookie")) {
            if (c.startsWith(name + "=")) {
                return c.substring(name.length() + 1, c.indexOf(';') > 0 ? c.indexOf(';') : c.length());
            }
        }
        throw new AssertionError("no cookie " + name + " in " + r.headers().allValues("Set-Cookie"));
    }

    private static String accessToken(String vendor, HttpResponse<String> r) {
        if (r.statusCode() != 200) {
            throw new AssertionError(vendor + " login failed: " + r.statusCode() + " " + r.body());
        }
        return json(r).getString("access_token");
    }
}
