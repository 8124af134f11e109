package io.switchboard.poll.vendor;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.switchboard.core.Secret;
import io.switchboard.simulator.VendorSimulator;
import io.switchboard.token.TokenView;

/**
 * A real, in-memory {@link TokenSource} for tests without Kafka: logs in to the vendor simulator with plain HTTP
 * (java.net.http), the way the token manager's profiles do, and keeps one versioned token per credential. A refresh
 * logs in again when the rejected version is still the current one; every refresh call is recorded, so tests can
 * assert "one refresh per rejected version". {@link #stopDelivering()} makes refreshes go unanswered, like a missing
 * token manager.
 */
final class SimulatorTokens implements TokenSource {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** One refresh call as the executor made it. */
    record Refresh(String credentialId, long rejectedVersion, String reason, Integer httpStatus) {
    }

    private final VendorSimulator sim;
    private final Clock clock;
    private final HttpClient http;
    private final Map<String, TokenView> current = new ConcurrentHashMap<>();
    private final Map<String, Supplier<TokenView>> logins = new ConcurrentHashMap<>();
    private final List<Refresh> refreshes = new ArrayList<>();
    private volatile boolean delivering = true;
    private volatile boolean bogus;

    SimulatorTokens(VendorSimulator sim, Clock clock) {
        this(sim, clock, null);
    }

    /** Logs in over HTTPS to a simulator with a private CA, trusting {@code tls} (the poller side is what is tested). */
    SimulatorTokens(VendorSimulator sim, Clock clock, javax.net.ssl.SSLContext tls) {
        this.sim = sim;
        this.clock = clock;
        HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10));
        this.http = (tls == null ? b : b.sslContext(tls)).build();
    }

    // ------------------------------------------------------------------ credentials

    SimulatorTokens genesys(String credentialId, String clientId, String secret) {
        return register(credentialId, () -> {
            JsonNode t = send("POST", sim.genesysLoginUrl() + "/oauth/token", "grant_type=client_credentials",
                    "Authorization", basic(clientId, secret), "Content-Type", "application/x-www-form-urlencoded");
            return view(credentialId, "genesys-cloud", "Bearer " + t.get("access_token").asText(), t.get("expires_in").asLong(),
                    sim.genesysApiUrl(), "org-1", Map.of());
        });
    }

    SimulatorTokens genesys(String credentialId) {
        return genesys(credentialId, "genesys-client", "genesys-secret");
    }

    SimulatorTokens cxone(String credentialId) {
        return register(credentialId, () -> {
            JsonNode t = send("POST", sim.cxoneAuthUrl() + "/auth/token",
                    "grant_type=password&username=cxone-key-id&password=" + URLEncoder.encode("cxone/key+secret==", StandardCharsets.UTF_8),
                    "Authorization", basic("cxone-client", "cxone-client-secret"), "Content-Type", "application/x-www-form-urlencoded");
            String idToken = t.get("id_token").asText();
            JsonNode claims = read(new String(Base64.getUrlDecoder().decode(idToken.split("\\.")[1]), StandardCharsets.UTF_8));
            String tenant = claims.get("tenantId").asText();
            JsonNode area = send("GET", sim.cxoneAuthUrl() + "/.well-known/cxone-configuration?tenantId=" + tenant, null);
            return view(credentialId, "nice-cxone", "Bearer " + t.get("access_token").asText(), t.get("expires_in").asLong(),
                    area.get("apiBaseUrl").asText(), tenant,
                    Map.of("apiPath", "/inContactAPI/services/v31.0", "apiVersion", "v31.0", "area", area.get("area").asText()));
        });
    }

    SimulatorTokens cognos(String credentialId) {
        return register(credentialId, () -> {
            HttpResponse<String> r = raw("PUT", sim.cognosUrl() + "/api/v1/session",
                    "{\"parameters\":[{\"name\":\"CAMNamespace\",\"value\":\"LDAP\"},{\"name\":\"CAMUsername\",\"value\":\"cognos-user\"},"
                            + "{\"name\":\"CAMPassword\",\"value\":\"cognos-password\"}]}", "Content-Type", "application/json");
            JsonNode t = read(r.body());
            Map<String, Secret> headers = new LinkedHashMap<>();
            headers.put("IBM-BA-Authorization", Secret.of(t.get("session_key").asText()));
            StringBuilder cookies = new StringBuilder();
            for (String c : r.headers().allValues("set-cookie")) {
                String pair = c.split(";", 2)[0].trim();
                cookies.append(cookies.length() == 0 ? "" : "; ").append(pair);
                if (pair.startsWith("XSRF-TOKEN=")) {
                    headers.put("X-XSRF-Token", Secret.of(pair.substring("XSRF-TOKEN=".length())));
                }
            }
            headers.put("Cookie", Secret.of(cookies.toString()));
            Instant now = clock.instant();
            return new TokenView(credentialId, "cognos-analytics", 0, now, now.plus(Duration.ofMinutes(60)), now.plus(Duration.ofMinutes(50)),
                    headers, sim.cognosUrl(), null, List.of(), Map.of("namespace", "LDAP"), "sim-tokens");
        });
    }

    SimulatorTokens auth0(String credentialId) {
        return register(credentialId, () -> {
            JsonNode t = send("POST", sim.auth0Url() + "/oauth/token",
                    "{\"grant_type\":\"client_credentials\",\"client_id\":\"auth0-client\",\"client_secret\":\"auth0-secret\","
                            + "\"audience\":\"https://beeapp.open-cosmos.com\"}", "Content-Type", "application/json");
            return view(credentialId, "auth0", "Bearer " + t.get("access_token").asText(), t.get("expires_in").asLong(),
                    sim.auth0Url(), null, Map.of());
        });
    }

    SimulatorTokens oauth2(String credentialId) {
        return register(credentialId, () -> {
            String id = URLEncoder.encode("oauth2-client", StandardCharsets.UTF_8);
            String secret = URLEncoder.encode("p@ss+w%rd/=", StandardCharsets.UTF_8);
            JsonNode t = send("POST", sim.oauth2Issuer() + "/token", "grant_type=client_credentials&scope=queues%3Aread",
                    "Authorization", basic(id, secret), "Content-Type", "application/x-www-form-urlencoded");
            return view(credentialId, "oauth2", "Bearer " + t.get("access_token").asText(), t.get("expires_in").asLong(),
                    sim.oauth2Issuer(), null, Map.of());
        });
    }

    private SimulatorTokens register(String credentialId, Supplier<TokenView> login) {
        logins.put(credentialId, login);
        current.put(credentialId, withVersion(login.get(), 1));
        return this;
    }

    /** Replaces the current token of a credential by a newer version with other headers (e.g. a token the vendor rejects). */
    synchronized void publish(String credentialId, Map<String, Secret> headers, Instant expiresAt) {
        TokenView t = current.get(credentialId);
        current.put(credentialId, new TokenView(t.credentialId(), t.provider(), t.version() + 1, t.issuedAt(), expiresAt,
                t.refreshAfter(), headers, t.apiBaseUrl(), t.tenantId(), t.grantedScopes(), t.metadata(), t.ownerId()));
    }

    /** From now on refreshes are recorded but never answered (a token manager that is down). */
    void stopDelivering() {
        delivering = false;
    }

    /** From now on refreshes deliver a newer version that the vendor does not accept (a broken login). */
    void deliverRejectedTokens() {
        bogus = true;
    }

    synchronized List<Refresh> refreshes() {
        return List.copyOf(refreshes);
    }

    long version(String credentialId) {
        return current.get(credentialId).version();
    }

    // ------------------------------------------------------------------ TokenSource

    @Override
    public Optional<TokenView> current(String credentialId) {
        return Optional.ofNullable(current.get(credentialId));
    }

    @Override
    public CompletableFuture<TokenView> refresh(String credentialId, long rejectedVersion, String reason, Integer httpStatus,
                                                Duration wait) {
        synchronized (this) {
            refreshes.add(new Refresh(credentialId, rejectedVersion, reason, httpStatus));
        }
        if (!delivering) {
            return CompletableFuture.<TokenView>failedFuture(new TokenTableSource.TokenWaitException(
                    "no token newer than version " + rejectedVersion + " arrived (test token source stopped)", true));
        }
        return CompletableFuture.supplyAsync(() -> {
            synchronized (this) {
                TokenView now = current.get(credentialId);
                if (now.version() > rejectedVersion) {
                    return now;
                }
                TokenView fresh = withVersion(logins.get(credentialId).get(), now.version() + 1);
                if (bogus) {
                    fresh = new TokenView(fresh.credentialId(), fresh.provider(), fresh.version(), fresh.issuedAt(), fresh.expiresAt(),
                            fresh.refreshAfter(), Map.of("Authorization", Secret.of("Bearer not-a-token-the-vendor-knows")),
                            fresh.apiBaseUrl(), fresh.tenantId(), fresh.grantedScopes(), fresh.metadata(), fresh.ownerId());
                }
                current.put(credentialId, fresh);
                return fresh;
            }
        });
    }

    // ------------------------------------------------------------------ HTTP

    private TokenView view(String credentialId, String provider, String authorization, long expiresIn, String apiBase,
                           String tenant, Map<String, String> metadata) {
        Instant now = clock.instant();
        return new TokenView(credentialId, provider, 0, now, now.plusSeconds(expiresIn), now.plusSeconds(expiresIn / 2),
                Map.of("Authorization", Secret.of(authorization)), apiBase, tenant, List.of(), metadata, "sim-tokens");
    }

    private static TokenView withVersion(TokenView t, long version) {
        return new TokenView(t.credentialId(), t.provider(), version, t.issuedAt(), t.expiresAt(), t.refreshAfter(), t.headers(),
                t.apiBaseUrl(), t.tenantId(), t.grantedScopes(), t.metadata(), t.ownerId());
    }

    static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    private JsonNode send(String method, String url, String body, String... headers) {
        HttpResponse<String> r = raw(method, url, body, headers);
        if (r.statusCode() / 100 != 2) {
            throw new IllegalStateException(method + " " + url + " answered " + r.statusCode() + ": " + r.body());
        }
        return read(r.body());
    }

    HttpResponse<String> raw(String method, String url, String body, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        try {
            return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Sends a request with the credential's current token headers (for reading the simulator's own numbers). */
    JsonNode withToken(String credentialId, String method, String url, String body) {
        List<String> h = new ArrayList<>();
        current.get(credentialId).headers().forEach((k, v) -> {
            h.add(k);
            h.add(v.reveal());
        });
        if (body != null) {
            h.add("Content-Type");
            h.add("application/json");
        }
        return send(method, url, body, h.toArray(String[]::new));
    }

    static JsonNode read(String s) {
        try {
            return JSON.readTree(s);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
