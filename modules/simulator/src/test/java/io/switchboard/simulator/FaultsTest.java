package io.switchboard.simulator;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;

import static io.switchboard.simulator.SimHttp.basic;
import static io.switchboard.simulator.SimHttp.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FaultsTest {

    private final SimHttp http = new SimHttp();
    private VendorSimulator sim;
    private String token;
    private String url;

    @BeforeEach
    void start() {
        sim = VendorSimulator.start(SimulatorConfig.builder()
                .genesysClient(SimulatorConfig.GenesysClient.of("other-org", "s").withOrganization("org-2")).build());
        token = http.genesysToken(sim);
        url = sim.genesysApiUrl() + "/api/v2/routing/queues";
    }

    @AfterEach
    void stop() {
        sim.close();
    }

    private HttpResponse<String> call() {
        return http.get(url, "Authorization", "Bearer " + token);
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
        HttpResponse<String> r = call();
        ZonedDateTime date = ZonedDateTime.parse(r.headers().firstValue("Date").orElseThrow(), DateTimeFormatter.RFC_1123_DATE_TIME);
        assertThat(Duration.between(date.toInstant(), java.time.Instant.now()).toMinutes()).isBetween(118L, 122L);
    }

    @Test
    void malformedAndTruncatedJson() {
        sim.faults().set(Vendor.GENESYS, FaultSpec.none().withMalformedJson(1.0));
        HttpResponse<String> bad = call();
        assertThat(bad.statusCode()).isEqualTo(200);
        assertThatThrownBy(() -> new JsonObject(bad.body())).isInstanceOf(RuntimeException.class);

        sim.faults().set(Vendor.GENESYS, FaultSpec.none().withTruncatedJson(1.0));
        sim.faults().set(Vendor.GENESYS, FaultSpec.none().withTruncatedJson(1.0));
        HttpResponse<String> cut = call();
        assertThat(cut.statusCode()).isEqualTo(200);
        assertThat(cut.headers().firstValueAsLong("Content-Length").orElseThrow()).isEqualTo(cut.body().length());
        assertThatThrownBy(() -> new JsonObject(cut.body())).isInstanceOf(RuntimeException.class);
    }

    @Test
    void connectionResetDropsTheConnectionWithoutAnswer() {
        sim.faults().set(Vendor.GENESYS, FaultSpec.none().withConnectionResets(1.0));
        assertThatThrownBy(this::call).isInstanceOf(UncheckedIOException.class);
        assertThat(sim.requests().matching(Vendor.GENESYS, "/routing/queues").get(0).status()).isZero();
    }

    @Test
    void latencyAndSlowBodyStillDeliverTheFullAnswer() {
        sim.faults().set(Vendor.GENESYS, FaultSpec.none().withLatency(Duration.ofMillis(50)).withSlowBody(Duration.ofMillis(100)));
        HttpResponse<String> r = call();
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(json(r).getJsonArray("entities")).hasSize(5);
    }

    @Test
    void tenantScopedFaultsOnlyHitThatTenant() {
        sim.faults().set(Vendor.GENESYS, "org-2", FaultSpec.none().withServerErrors(1.0));
        assertThat(call().statusCode()).isEqualTo(200);
        HttpResponse<String> login = http.post(sim.genesysLoginUrl() + "/oauth/token", "grant_type=client_credentials",
                "Authorization", basic("other-org", "s"), "Content-Type", "application/x-www-form-urlencoded");
        assertThat(login.statusCode()).isEqualTo(503);
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
}
