package io.switchboard.token.doctor;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.switchboard.token.login.internal.TokenEndpointLogin;

/**
 * The doctor's own look at a URL when a login fails for a reason the login cannot see: where a
 * redirect leads, whether a page is HTML, which token endpoint the server's metadata names. Every
 * request is secret-free (no client id, no secret, no cookie) and follows no redirect by itself.
 *
 * <p>Blocking (java.net.http), like the rest of the doctor. Thread-safe.
 */
final class EndpointProbe {

    /** Redirect hops the doctor follows to see where a token URL leads. */
    static final int MAX_HOPS = 5;
    private static final int BODY_LIMIT = 64 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http;
    private final Duration timeout;

    EndpointProbe(Duration timeout) {
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER)
                .version(HttpClient.Version.HTTP_1_1).build();
    }

    /** One answer; {@code status} 0 when there was none (the reason is in {@code body}). */
    record Answer(String url, int status, String contentType, String location, String body) {

        boolean redirect() {
            return status >= 300 && status < 400 && location != null;
        }

        boolean html() {
            String head = body == null ? "" : body.stripLeading().toLowerCase(Locale.ROOT);
            return (contentType != null && contentType.toLowerCase(Locale.ROOT).contains("html"))
                    || head.startsWith("<!doctype html") || head.startsWith("<html");
        }

        /** An HTML page with a password form or a sign-in wording. */
        boolean loginPage() {
            if (!html()) {
                return false;
            }
            String b = body.toLowerCase(Locale.ROOT);
            return b.contains("type=\"password\"") || b.contains("type='password'") || b.contains("type=password")
                    || b.contains("sign in") || b.contains("log in") || b.contains("login");
        }

        /** A JSON object, as a token endpoint answers (RFC 6749 §5.1 and §5.2), or {@code null}. */
        JsonNode json() {
            try {
                JsonNode n = body == null || body.isBlank() ? null : JSON.readTree(body);
                return n != null && n.isObject() ? n : null;
            } catch (IOException e) {
                return null;
            }
        }

        String describe() {
            return status == 0 ? "no answer (" + body + ")"
                    : status + (contentType == null ? "" : " " + contentType.split(";", 2)[0].trim());
        }
    }

    /** Authorization server metadata found for an issuer, or the URLs tried without finding any. */
    record Metadata(String issuer, String tokenEndpoint, String foundAt, List<Answer> tried) {
        boolean found() {
            return tokenEndpoint != null;
        }
    }

    Answer get(String url) {
        return send(url, HttpRequest.newBuilder(URI.create(url)).GET().header("Accept", "application/json, text/html;q=0.5"));
    }

    /** A token request without any client credentials: enough to see how the URL answers a POST. */
    Answer postGrant(String url, String grantType) {
        String form = "grant_type=" + java.net.URLEncoder.encode(grantType == null ? "client_credentials" : grantType, StandardCharsets.UTF_8);
        return send(url, HttpRequest.newBuilder(URI.create(url)).POST(HttpRequest.BodyPublishers.ofString(form))
                .header("Content-Type", "application/x-www-form-urlencoded").header("Accept", "application/json"));
    }

    /** Follows redirects from {@code first} with GETs (as a browser does after a 302 to a POST), at most {@link #MAX_HOPS}. */
    Answer follow(Answer first) {
        Answer a = first;
        for (int hop = 0; hop < MAX_HOPS && a.redirect(); hop++) {
            a = get(resolve(a.url(), a.location()));
        }
        return a;
    }

    /** RFC 8414 / OpenID Connect Discovery for {@code issuer}, at the URLs the login tries, in its order. */
    Metadata metadata(String issuer) {
        List<Answer> tried = new ArrayList<>();
        for (String url : TokenEndpointLogin.metadataUrls(issuer)) {
            Answer a = get(url);
            tried.add(a);
            JsonNode json = a.status() >= 200 && a.status() < 300 ? a.json() : null;
            if (json != null && json.hasNonNull("token_endpoint")) {
                return new Metadata(json.path("issuer").asText(null), json.get("token_endpoint").asText(), url, tried);
            }
        }
        return new Metadata(null, null, null, tried);
    }

    /**
     * Metadata published for the issuer {@code url} names or for one of its parent paths (the
     * common mistakes: a token URL or issuer with one path segment too many).
     *
     * @param parentsOnly skip {@code url} itself (already tried)
     */
    Optional<Metadata> metadataAtOrAbove(String url, boolean parentsOnly) {
        List<String> candidates = selfAndParents(url);
        for (String candidate : parentsOnly ? candidates.subList(1, candidates.size()) : candidates) {
            Metadata m = metadata(candidate);
            if (m.found()) {
                return Optional.of(m);
            }
        }
        return Optional.empty();
    }

    /** {@code https://h/a/b} → {@code https://h/a/b}, {@code https://h/a}, {@code https://h}. */
    static List<String> selfAndParents(String url) {
        URI uri = URI.create(url);
        String origin = uri.getScheme() + "://" + uri.getRawAuthority();
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        List<String> out = new ArrayList<>();
        while (path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        while (true) {
            out.add(origin + path);
            if (path.isEmpty()) {
                return out;
            }
            path = path.substring(0, path.lastIndexOf('/'));
        }
    }

    static String origin(String url) {
        URI uri = URI.create(url);
        return uri.getScheme() + "://" + uri.getRawAuthority();
    }

    static String resolve(String base, String location) {
        try {
            return URI.create(base).resolve(location.trim()).toString();
        } catch (IllegalArgumentException e) {
            return location;
        }
    }

    private Answer send(String url, HttpRequest.Builder request) {
        try {
            HttpResponse<byte[]> r = http.send(request.timeout(timeout).header("User-Agent", "switchboard-doctor").build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            byte[] bytes = r.body();
            String body = new String(bytes, 0, Math.min(bytes.length, BODY_LIMIT), StandardCharsets.UTF_8);
            return new Answer(url, r.statusCode(), r.headers().firstValue("Content-Type").orElse(null),
                    r.headers().firstValue("Location").orElse(null), body);
        } catch (IOException | IllegalArgumentException e) {
            return new Answer(url, 0, null, null, e.getClass().getSimpleName());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Answer(url, 0, null, null, "interrupted");
        }
    }
}
