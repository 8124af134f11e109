package io.switchboard.simulator;

import io.switchboard.core.ConfigException;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Duration;

import static io.switchboard.simulator.SimHttp.basic;
import static io.switchboard.simulator.SimHttp.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class GenesysLoginTest extends SimulatorFixture {

    private HttpResponse<String> login(String auth, String body) {
        return http.post(sim.genesysLoginUrl() + "/oauth/token", body, "Authorization", auth,
                "Content-Type", "application/x-www-form-urlencoded");
    }

    @Test
    void clientCredentialsWithRawBasicGetsADayLongTokenOneSecondShort() {
        start(SimulatorConfig.defaults());
        assertThat(sim.baseUrl()).matches("http://127\\.0\\.0\\.1:\\d+");

        HttpResponse<String> r = login(basic("genesys-client", "genesys-secret"), "grant_type=client_credentials");

        assertThat(r.statusCode()).isEqualTo(200);
        JsonObject body = json(r);
        assertThat(body.fieldNames()).containsExactlyInAnyOrder("access_token", "token_type", "expires_in");
        assertThat(body.getString("token_type")).isEqualTo("bearer");
        assertThat(body.getLong("expires_in")).isEqualTo(86399L);
        assertThat(r.headers().firstValue("Inin-Correlation-Id")).isPresent();
        assertThat(sim.issuedTokenCount(Vendor.GENESYS, "genesys-client")).isEqualTo(1);
        assertThat(sim.issuedTokenCount(Vendor.GENESYS)).isEqualTo(1);

        RecordedRequest rec = sim.requests().matching(Vendor.GENESYS, "/oauth/token").get(0);
        assertThat(rec.method()).isEqualTo("POST");
        assertThat(rec.header("Authorization")).isEqualTo("Basic genesys-client:****");
        assertThat(rec.body()).isEqualTo("grant_type=client_credentials");
        assertThat(rec.status()).isEqualTo(200);
        assertThat(rec.toString()).doesNotContain("genesys-secret");
    }

    @Test
    void wrongSecretAndUnknownClientAnswerInvalidClientWithTheDocumentedBodies() {
        start(SimulatorConfig.defaults());

        HttpResponse<String> wrong = login(basic("genesys-client", "nope"), "grant_type=client_credentials");
        assertThat(wrong.statusCode()).isEqualTo(400);
        assertThat(json(wrong)).isEqualTo(new JsonObject().put("error", "invalid_client")
                .put("description", "authentication failed").put("error_description", "authentication failed"));

        HttpResponse<String> unknown = login(basic("who", "x"), "grant_type=client_credentials");
        assertThat(unknown.statusCode()).isEqualTo(400);
        assertThat(json(unknown)).isEqualTo(new JsonObject().put("error", "invalid_client")
                .put("description", "client not found").put("error_description", "client not found"));
        assertThat(sim.issuedTokenCount(Vendor.GENESYS)).isZero();
    }

    @Test
    void invalidClientStatusIsASwitch() {
        start(SimulatorConfig.builder().genesys(g -> g.withInvalidClientStatus(401)).build());
        assertThat(login(basic("genesys-client", "nope"), "grant_type=client_credentials").statusCode()).isEqualTo(401);
    }

    @Test
    void grantNotAllowedIsUnauthorizedClient() {
        start(SimulatorConfig.builder()
                .genesysClient(SimulatorConfig.GenesysClient.of("code-only", "s").withGrants("authorization_code")).build());

        HttpResponse<String> r = login(basic("code-only", "s"), "grant_type=client_credentials");

        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(json(r).getString("error")).isEqualTo("unauthorized_client");
        assertThat(json(r).getString("description")).isEqualTo("client is not authorized to use the client_credential grant type");
        assertThat(json(r).getString("error_description")).isEqualTo(json(r).getString("description"));
    }

    @Test
    void basicPartsAreNotFormDecodedLikeTheOfficialSdk() {
        start(SimulatorConfig.builder()
                .genesysClient(SimulatorConfig.GenesysClient.of("gc", "s+cret/=%")).build());

        assertThat(login(basic("gc", "s+cret/=%"), "grant_type=client_credentials").statusCode()).isEqualTo(200);
        assertThat(login(basic("gc", SimHttp.form("s+cret/=%")), "grant_type=client_credentials").statusCode()).isEqualTo(400);
    }

    @Test
    void clientSecretInTheBodyIsNotAccepted() {
        start(SimulatorConfig.defaults());
        HttpResponse<String> r = http.post(sim.genesysLoginUrl() + "/oauth/token",
                "grant_type=client_credentials&client_id=genesys-client&client_secret=genesys-secret",
                "Content-Type", "application/x-www-form-urlencoded");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(json(r).getString("error")).isEqualTo("invalid_client");
    }

    @Test
    void lifetimesOutsideGenesysRangeAreRejectedUnlessShortLifetimesAreAllowed() {
        assertThatThrownBy(() -> SimulatorConfig.builder()
                .genesysClient(SimulatorConfig.GenesysClient.of("short", "s").withTokenLifetime(Duration.ofSeconds(2)))
                .genesysClient(SimulatorConfig.GenesysClient.of("long", "s").withTokenLifetime(Duration.ofHours(49))).build())
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("2 problems")
                .hasMessageContaining("genesys.clients[1].tokenLifetime")
                .hasMessageContaining("allowShortLifetimes");

        // The bounds themselves are valid: 300 s and 48 h, expires_in one second less.
        start(SimulatorConfig.builder()
                .genesysClient(SimulatorConfig.GenesysClient.of("min", "s").withTokenLifetime(Duration.ofSeconds(300)))
                .genesysClient(SimulatorConfig.GenesysClient.of("max", "s").withTokenLifetime(Duration.ofHours(48))).build());
        assertThat(json(login(basic("min", "s"), "grant_type=client_credentials")).getLong("expires_in")).isEqualTo(299L);
        assertThat(json(login(basic("max", "s"), "grant_type=client_credentials")).getLong("expires_in")).isEqualTo(172_799L);

        start(SimulatorConfig.builder().allowShortLifetimes(true)
                .genesysClient(SimulatorConfig.GenesysClient.of("short", "s").withTokenLifetime(Duration.ofSeconds(2))).build());
        HttpResponse<String> r = login(basic("short", "s"), "grant_type=client_credentials");
        assertThat(json(r).getLong("expires_in")).isEqualTo(1L);
    }

    @Test
    void expiredAndRevokedTokensAreBadCredentialsAndMissingTokenIsAuthenticationRequired() {
        start(SimulatorConfig.defaults());
        String url = sim.genesysApiUrl() + "/api/v2/routing/queues";

        HttpResponse<String> none = http.get(url);
        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(json(none).getString("code")).isEqualTo("authentication.required");
        assertThat(json(none).getString("contextId")).isEqualTo(none.headers().firstValue("Inin-Correlation-Id").orElseThrow());

        String token = http.genesysToken(sim);
        assertThat(http.get(url, "Authorization", "Bearer " + token).statusCode()).isEqualTo(200);

        assertThat(sim.faults().revokeTokens(Vendor.GENESYS, "genesys-client")).isEqualTo(1);
        HttpResponse<String> revoked = http.get(url, "Authorization", "Bearer " + token);
        assertThat(revoked.statusCode()).isEqualTo(401);
        assertThat(json(revoked).getString("code")).isEqualTo("bad.credentials");
        assertThat(json(revoked).getString("message")).isEqualTo("Invalid login credentials.");

        String second = http.genesysToken(sim);
        sim.advanceClock(Duration.ofHours(25));
        assertThat(json(http.get(url, "Authorization", "Bearer " + second)).getString("code")).isEqualTo("bad.credentials");
        assertThat(sim.issuedTokenCount(Vendor.GENESYS, "genesys-client")).isEqualTo(2);
    }
}
