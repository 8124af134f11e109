package io.switchboard.simulator;

import io.switchboard.core.Secret;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.SocketException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.switchboard.simulator.SimHttp.basic;
import static io.switchboard.simulator.SimHttp.form;
import static io.switchboard.simulator.SimHttp.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FaultsTest extends SimulatorFixture {

    private String token;
    private String url;

    /** The frozen simulated instant of the tests' default simulator, so that Date headers can be checked exactly. */
    private static final Instant FROZEN_AT = Instant.parse("2024-05-06T12:00:00Z");

    @BeforeEach
    void startWithASecondGenesysOrganization() {
        start(SimulatorConfig.builder().clock(SimulatorConfig.Clock.frozenAt(FROZEN_AT))
                .genesysClient(SimulatorConfig.GenesysClient.of("other-org", "s").withOrganization("org-2")).build());
        token = http.genesysToken(sim);
        url = sim.genesysApiUrl() + "/api/v2/routing/queues";
    }

    private HttpResponse<String> call() {
        return call(token);
    }

    private HttpResponse<String> call(String bearer) {
        return http.get(url, "Authorization", "Bearer " + bearer);
    }

    @Test
    void serverErrorsAndClearing() {
        sim.faults().set(Vendor.GENESYS, FaultSpec.none().withServerErrors(1.0, 502));
        HttpResponse<String> r = call();
        assertThat(r.statusCode()).isEqualTo(502);
        assertThat(sim.requests().matching(Vendor.GENESYS, "/routing/queues").get(0).status()).isEqualTo(502);
        // Other vendors are untouched.
        assertThat(http.get(sim.oauth2Issuer() + "/.well-known/openid-configuration").statusCode()).isEqualTo(200);
        sim.faults().clear(Vendor.GENESYS);
        assertThat(call().statusCode()).isEqualTo(200);
    }

    @Test
    void tooManyRequestsBurstThenRecovers() {
        sim.faults().set(Vendor.GENESYS, FaultSpec.none().withTooManyRequests(2, 7));
        for (int i = 0; i < 2; i++) {
            HttpResponse<String> r = call();
            assertThat(r.statusCode()).isEqualTo(429);
            assertThat(r.headers().firstValue("Retry-After")).hasValue("7");
            assertThat(json(r).getString("code")).isEqualTo("too.many.requests.retry.after");
        }
        assertThat(call().statusCode()).isEqualTo(200);
    }

    @Test
    void clockSkewMovesTheDateHeader() {
        sim.faults().set(Vendor.GENESYS, FaultSpec.none().withClockSkew(Duration.ofHours(-2)));
        assertThat(minutesBehind(call())).isEqualTo(120L);
    }

    @Test
    void malformedAndTruncatedJson() {
        sim.faults().set(Vendor.GENESYS, FaultSpec.none().withMalformedJson(1.0));
        assertNotJson(call());
        sim.faults().set(Vendor.GENESYS, FaultSpec.none().withTruncatedJson(1.0));
        assertTruncated(call());
    }

    @Test
    void bodyShapeFaultsHtmlDroppedFieldsAndOversizedAnswers() {
        sim.faults().set(Vendor.GENESYS, FaultSpec.none().withNonJsonBodies(1.0));
        HttpResponse<String> html = call();
        assertThat(html.statusCode()).isEqualTo(200);
        assertThat(html.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/html"));
        assertThat(html.body()).startsWith("<!DOCTYPE html>");

        sim.faults().set(Vendor.GENESYS, FaultSpec.none().withDroppedFields("name", "pageCount"));
        JsonObject dropped = json(call());
        assertThat(dropped.containsKey("pageCount")).isFalse();
        assertThat(dropped.getJsonArray("entities")).isNotEmpty().allSatisfy(q -> {
            assertThat(((JsonObject) q).containsKey("name")).isFalse();
            assertThat(((JsonObject) q).containsKey("id")).isTrue();
        });

        sim.faults().set(Vendor.GENESYS, FaultSpec.none().withOversizedBodies(200_000));
        HttpResponse<String> big = call();
        assertThat(big.body()).hasSize(200_000);
        assertThat(json(big).getJsonArray("entities")).as("padding keeps it valid JSON").isNotEmpty();

        HttpResponse<String> put = http.send("PUT", sim.baseUrl() + "/_admin/faults/genesys", new JsonObject()
                .put("nonJsonBodyRate", 0.5).put("droppedFields", new io.vertx.core.json.JsonArray().add("a").add("b"))
                .put("oversizedBodyBytes", 1024).encode(), "Content-Type", "application/json");
        assertThat(put.statusCode()).isEqualTo(200);
        assertThat(sim.faults().get(Vendor.GENESYS))
                .isEqualTo(FaultSpec.none().withNonJsonBodies(0.5).withDroppedFields("a", "b").withOversizedBodies(1024));
        assertThat(json(http.get(sim.baseUrl() + "/_admin/faults")).getJsonObject("genesys").getJsonArray("droppedFields"))
                .containsExactly("a", "b");
    }

    @Test
    void connectionResetIsATcpResetNotACleanEndOfStream() throws IOException {
        sim.faults().set(Vendor.GENESYS, FaultSpec.none().withConnectionResets(1.0));
        try (Socket socket = new Socket("127.0.0.1", sim.port())) {
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            out.write(("GET /genesys/api/api/v2/routing/queues HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + token
                    + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            // An orderly close would make read() return -1; an RST makes it throw.
            assertThatThrownBy(() -> {
                while (in.read() >= 0) {
                    // no byte of an answer may arrive; keep reading until the reset surfaces
                }
            }).isInstanceOf(SocketException.class).hasMessageContaining("Connection reset");
        }
        assertThat(sim.requests().matching(Vendor.GENESYS, "/routing/queues").get(0).status()).isZero();
        // The JDK HTTP client sees the reset too.
        assertThatThrownBy(this::call).isInstanceOf(UncheckedIOException.class);
    }

    @Test
    void latencyAndSlowBodyStillDeliverTheFullAnswer() {
        sim.faults().set(Vendor.GENESYS, FaultSpec.none().withLatency(Duration.ofMillis(50)).withSlowBody(Duration.ofMillis(100)));
        HttpResponse<String> r = call();
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(json(r).getJsonArray("entities")).hasSize(5);
    }

    @Test
    void randomFaultDecisionsFollowTheSeed() {
        List<String> first = outcomesUnderHalfFaults(42);
        List<String> again = outcomesUnderHalfFaults(42);
        List<String> otherSeed = outcomesUnderHalfFaults(43);

        assertThat(again).isEqualTo(first);
        assertThat(first).contains("200", "503", "200-malformed");
        assertThat(otherSeed).isNotEqualTo(first);
    }

    /** 30 calls with 50 % server errors and 30 % malformed JSON; one outcome per call. */
    private List<String> outcomesUnderHalfFaults(long seed) {
        start(SimulatorConfig.builder().seed(seed).build());
        String bearer = http.genesysToken(sim);
        url = sim.genesysApiUrl() + "/api/v2/routing/queues";
        sim.faults().set(Vendor.GENESYS, FaultSpec.none().withServerErrors(0.5).withMalformedJson(0.3));
        List<String> outcomes = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            HttpResponse<String> r = call(bearer);
            outcomes.add(r.statusCode() + (r.statusCode() == 200 && !isJson(r.body()) ? "-malformed" : ""));
        }
        return outcomes;
    }

    @Test
    void everyFaultKindCanBeScopedToOneTenant() {
        String org2 = http.genesysToken(sim, "other-org", "s");

        scopeToOrg2(FaultSpec.none().withServerErrors(1.0, 502));
        assertThat(call(org2).statusCode()).isEqualTo(502);

        scopeToOrg2(FaultSpec.none().withTooManyRequests(1, 9));
        HttpResponse<String> limited = call(org2);
        assertThat(limited.statusCode()).isEqualTo(429);
        assertThat(limited.headers().firstValue("Retry-After")).hasValue("9");

        scopeToOrg2(FaultSpec.none().withClockSkew(Duration.ofHours(-2)));
        assertThat(minutesBehind(call(org2))).isEqualTo(120L);

        scopeToOrg2(FaultSpec.none().withMalformedJson(1.0));
        assertNotJson(call(org2));

        scopeToOrg2(FaultSpec.none().withTruncatedJson(1.0));
        assertTruncated(call(org2));

        scopeToOrg2(FaultSpec.none().withConnectionResets(1.0));
        assertThatThrownBy(() -> call(org2)).isInstanceOf(UncheckedIOException.class);

        // Latency and slow bodies delay without changing the answer: a lower bound only (they cannot end early).
        scopeToOrg2(FaultSpec.none().withLatency(Duration.ofMillis(300)));
        assertDelayedButComplete(() -> call(org2), 300);

        scopeToOrg2(FaultSpec.none().withSlowBody(Duration.ofMillis(300)));
        assertDelayedButComplete(() -> call(org2), 270);
    }

    /** Applies {@code spec} to org-2 only and checks that the default client's org-1 is untouched. */
    private void scopeToOrg2(FaultSpec spec) {
        sim.faults().clear(Vendor.GENESYS);
        sim.faults().set(Vendor.GENESYS, "org-2", spec);
        HttpResponse<String> clean = call();
        assertThat(clean.statusCode()).as("org-1 under %s", spec).isEqualTo(200);
        assertThat(isJson(clean.body())).isTrue();
        assertThat(minutesBehind(clean)).isZero();
    }

    @Test
    void tenantScopedFaultsFindTheTenantOfEveryVendor() {
        start(SimulatorConfig.builder()
                .genesysClient(SimulatorConfig.GenesysClient.of("other-org", "s").withOrganization("org-2"))
                .cxoneTenant(new SimulatorConfig.CxoneTenant("tenant-2", "na1"))
                .cxoneAccessKey(SimulatorConfig.CxoneAccessKey.of("key-2", "secret-2", "tenant-2"))
                .cognosUser(SimulatorConfig.CognosUser.of("AD", "ad-user", "ad-password"))
                .auth0Client(new SimulatorConfig.Auth0Client("auth0-t2", Secret.of("s"), Duration.ofHours(24),
                        Map.of("https://beeapp.open-cosmos.com", Set.of("read:stats")), "t2"))
                .oauth2Client(new SimulatorConfig.OAuth2Client("oauth2-t2", Secret.of("s"), Set.of("client_secret_basic", "client_secret_post"),
                        Set.of("client_credentials"), Set.of("queues:read"), Duration.ofHours(1), false, "t2", Map.of()))
                .build());
        FaultSpec down = FaultSpec.none().withServerErrors(1.0, 500);

        // Genesys: the organization of the Basic client, then of the bearer token.
        String org2 = http.genesysToken(sim, "other-org", "s");
        sim.faults().set(Vendor.GENESYS, "org-2", down);
        assertThat(genesysLogin("other-org", "s")).isEqualTo(500);
        assertThat(genesysLogin("genesys-client", "genesys-secret")).isEqualTo(200);
        assertThat(http.get(sim.genesysApiUrl() + "/api/v2/routing/queues", "Authorization", "Bearer " + org2).statusCode()).isEqualTo(500);

        // CXone: the tenant of the access key (login), of the token (API) and the tenantId parameter (discovery).
        String tenant2Token = json(cxoneLogin("key-2", "secret-2")).getString("access_token");
        sim.faults().set(Vendor.CXONE, "tenant-2", down);
        assertThat(cxoneLogin("key-2", "secret-2").statusCode()).isEqualTo(500);
        assertThat(cxoneLogin("cxone-key-id", form("cxone/key+secret==")).statusCode()).isEqualTo(200);
        assertThat(http.get(sim.cxoneApiUrl("na1") + "/inContactAPI/services/v31.0/skills/activity",
                "Authorization", "Bearer " + tenant2Token).statusCode()).isEqualTo(500);
        assertThat(http.get(sim.cxoneAuthUrl() + "/.well-known/cxone-configuration?tenantId=tenant-2").statusCode()).isEqualTo(500);
        assertThat(http.get(sim.cxoneAuthUrl() + "/.well-known/cxone-configuration?tenantId=tenant-1").statusCode()).isEqualTo(200);

        // Cognos: the namespace of the login body, then of the session.
        SimHttp.CognosSession ad = http.cognosLogin(sim, "AD", "ad-user", "ad-password");
        SimHttp.CognosSession ldap = http.cognosLogin(sim);
        sim.faults().set(Vendor.COGNOS, "AD", down);
        String report = sim.cognosUrl() + "/bi/v1/disp/rds/reportData/report/iQueueStatsReport?fmt=DataSetJSON";
        assertThat(http.get(report, "IBM-BA-Authorization", ad.key(), "X-XSRF-Token", ad.xsrf()).statusCode()).isEqualTo(500);
        assertThat(http.get(report, "IBM-BA-Authorization", ldap.key(), "X-XSRF-Token", ldap.xsrf()).statusCode()).isEqualTo(200);
        assertThat(http.send("PUT", sim.cognosUrl() + "/api/v1/session",
                SimHttp.cognosParams("CAMNamespace", "AD", "CAMUsername", "ad-user", "CAMPassword", "ad-password"),
                "Content-Type", "application/json").statusCode()).isEqualTo(500);

        // Auth0 and the generic server: the client's configured tenant (JSON body, form body, Basic).
        sim.faults().set(Vendor.AUTH0, "t2", down);
        assertThatThrownBy(() -> http.auth0Token(sim, "auth0-t2", "s")).hasMessageContaining("500");
        assertThat(http.auth0Token(sim)).isNotBlank();
        sim.faults().set(Vendor.OAUTH2, "t2", down);
        assertThatThrownBy(() -> http.oauth2Token(sim, "oauth2-t2", "s")).hasMessageContaining("500");
        assertThat(http.post(sim.oauth2Issuer() + "/token", "grant_type=client_credentials&client_id=oauth2-t2&client_secret=s",
                "Content-Type", "application/x-www-form-urlencoded").statusCode()).isEqualTo(500);
        assertThat(http.oauth2Token(sim)).isNotBlank();
    }

    private int genesysLogin(String id, String secret) {
        return http.post(sim.genesysLoginUrl() + "/oauth/token", "grant_type=client_credentials",
                "Authorization", basic(id, secret), "Content-Type", "application/x-www-form-urlencoded").statusCode();
    }

    private HttpResponse<String> cxoneLogin(String keyId, String formEncodedSecret) {
        return http.post(sim.cxoneAuthUrl() + "/auth/token", "grant_type=password&username=" + keyId + "&password=" + formEncodedSecret,
                "Authorization", basic("cxone-client", "cxone-client-secret"), "Content-Type", "application/x-www-form-urlencoded");
    }

    @Test
    void adminEndpointSwitchesFaultsRevokesAndListsRequests() {
        HttpResponse<String> put = http.send("PUT", sim.baseUrl() + "/_admin/faults/genesys",
                new JsonObject().put("serverErrorRate", 1.0).put("serverErrorStatus", 500).encode(), "Content-Type", "application/json");
        assertThat(put.statusCode()).isEqualTo(200);
        assertThat(sim.faults().get(Vendor.GENESYS).serverErrorStatus()).isEqualTo(500);
        assertThat(call().statusCode()).isEqualTo(500);
        assertThat(json(http.get(sim.baseUrl() + "/_admin/faults")).getJsonObject("genesys").getDouble("serverErrorRate")).isEqualTo(1.0);
        assertThat(http.send("DELETE", sim.baseUrl() + "/_admin/faults", null).statusCode()).isEqualTo(204);
        assertThat(call().statusCode()).isEqualTo(200);

        HttpResponse<String> tenant = http.send("PUT", sim.baseUrl() + "/_admin/faults/genesys?tenant=org-2",
                new JsonObject().put("tooManyRequests", 1).encode(), "Content-Type", "application/json");
        assertThat(tenant.statusCode()).isEqualTo(200);
        assertThat(json(http.get(sim.baseUrl() + "/_admin/faults")).getJsonObject("genesys/org-2").getInteger("tooManyRequests")).isEqualTo(1);
        assertThat(call().statusCode()).isEqualTo(200);
        assertThat(http.send("DELETE", sim.baseUrl() + "/_admin/faults/genesys", null).statusCode()).isEqualTo(204);
        assertThat(json(http.get(sim.baseUrl() + "/_admin/faults"))).isEqualTo(new JsonObject());

        HttpResponse<String> revoke = http.post(sim.baseUrl() + "/_admin/tokens/revoke?vendor=genesys", "");
        assertThat(json(revoke).getInteger("revoked")).isEqualTo(1);
        assertThat(call().statusCode()).isEqualTo(401);

        String listed = http.get(sim.baseUrl() + "/_admin/requests").body();
        assertThat(listed).contains("/genesys/api/api/v2/routing/queues").contains("Bearer ****").doesNotContain(token);
        assertThat(http.send("PUT", sim.baseUrl() + "/_admin/faults/nope", "{}").statusCode()).isEqualTo(400);
        assertThat(http.send("DELETE", sim.baseUrl() + "/_admin/requests", null).statusCode()).isEqualTo(204);
        assertThat(sim.requests().size()).isZero();
        assertThat(json(http.get(sim.baseUrl() + "/_admin/state")).getJsonObject("issuedTokens").getLong("genesys")).isEqualTo(1L);
    }

    private static boolean isJson(String body) {
        try {
            new JsonObject(body);
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static void assertNotJson(HttpResponse<String> r) {
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(isJson(r.body())).as("body is not JSON: %s", r.body()).isFalse();
    }

    private static void assertTruncated(HttpResponse<String> r) {
        assertNotJson(r);
        assertThat(r.headers().firstValueAsLong("Content-Length").orElseThrow()).isEqualTo(r.body().length());
    }

    /** How far the answer's {@code Date} header is behind the simulator's own (frozen) clock, in minutes. */
    private long minutesBehind(HttpResponse<String> r) {
        ZonedDateTime date = ZonedDateTime.parse(r.headers().firstValue("Date").orElseThrow(), DateTimeFormatter.RFC_1123_DATE_TIME);
        return Duration.between(date.toInstant(), sim.now()).toMinutes();
    }

    private static void assertDelayedButComplete(java.util.function.Supplier<HttpResponse<String>> call, long atLeastMillis) {
        long start = System.nanoTime();
        HttpResponse<String> r = call.get();
        long tookMillis = (System.nanoTime() - start) / 1_000_000;
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(json(r).getJsonArray("entities")).hasSize(5);
        assertThat(tookMillis).as("delay").isGreaterThanOrEqualTo(atLeastMillis);
    }
}
