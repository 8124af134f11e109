package io.switchboard.simulator;

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
        HttpResponse<String> r = post(sim.genesysLoginUrl() + "/oauth/token", "grant_type=client_credentials",
                "Authorization", basic(id, secret), "Content-Type", "application/x-www-form-urlencoded");
        if (r.statusCode() != 200) {
            throw new AssertionError("Genesys login failed: " + r.statusCode() + " " + r.body());
        }
        return json(r).getString("access_token");
    }
}
