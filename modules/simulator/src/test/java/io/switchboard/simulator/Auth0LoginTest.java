package io.switchboard.simulator;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.Map;
import java.util.Set;

import static io.switchboard.simulator.SimHttp.json;
import static org.assertj.core.api.Assertions.assertThat;

class Auth0LoginTest extends SimulatorFixture {
    private static final String AUD = "https://beeapp.open-cosmos.com";

    private HttpResponse<String> json(JsonObject body) {
        return http.post(sim.auth0Url() + "/oauth/token", body.encode(), "Content-Type", "application/json");
    }

    private static JsonObject req(String id, String secret, String audience) {
        JsonObject o = new JsonObject().put("grant_type", "client_credentials").put("client_id", id).put("client_secret", secret);
        return audience == null ? o : o.put("audience", audience);
    }

    @Test
    void jsonAndFormBodiesBothWorkAndCarryRateLimitHeaders() {
        start(SimulatorConfig.defaults());

        HttpResponse<String> r = json(req("auth0-client", "auth0-secret", AUD));
        assertThat(r.statusCode()).isEqualTo(200);
        JsonObject body = SimHttp.json(r);
        assertThat(body.getLong("expires_in")).isEqualTo(86400L);
        assertThat(body.getString("token_type")).isEqualTo("Bearer");
        assertThat(body.getString("scope")).isEqualTo("read:stats");
        assertThat(r.headers().firstValue("x-ratelimit-limit")).hasValue("100");
        assertThat(r.headers().firstValue("x-ratelimit-remaining")).hasValue("99");
        assertThat(r.headers().firstValue("x-ratelimit-reset")).isPresent();

        HttpResponse<String> f = http.post(sim.auth0Url() + "/oauth/token", "grant_type=client_credentials&client_id=auth0-client"
                + "&client_secret=auth0-secret&audience=" + SimHttp.form(AUD), "Content-Type", "application/x-www-form-urlencoded");
        assertThat(f.statusCode()).isEqualTo(200);
        assertThat(sim.issuedTokenCount(Vendor.AUTH0, "auth0-client")).isEqualTo(2);
        assertThat(sim.requests().of(Vendor.AUTH0).get(0).body()).contains("\"client_secret\":\"****\"").doesNotContain("auth0-secret");
    }

    @Test
    void documentedErrorBodies() {
        start(SimulatorConfig.builder().auth0(a -> a.withApi("https://other.example")).build());

        HttpResponse<String> bad = json(req("auth0-client", "nope", AUD));
        assertThat(bad.statusCode()).isEqualTo(401);
        assertThat(SimHttp.json(bad)).isEqualTo(new JsonObject().put("error", "access_denied").put("error_description", "Unauthorized"));

        HttpResponse<String> unknownAud = json(req("auth0-client", "auth0-secret", "https://nope.example"));
        assertThat(unknownAud.statusCode()).isEqualTo(403);
        assertThat(SimHttp.json(unknownAud)).isEqualTo(new JsonObject().put("error", "access_denied")
                .put("error_description", "Service not enabled within domain: https://nope.example"));

        HttpResponse<String> noGrant = json(req("auth0-client", "auth0-secret", "https://other.example"));
        assertThat(noGrant.statusCode()).isEqualTo(403);
        assertThat(SimHttp.json(noGrant).getString("error")).isEqualTo("access_denied");
        assertThat(SimHttp.json(noGrant).getString("error_description"))
                .startsWith("Client \"auth0-client\" is not authorized to access resource server \"https://other.example\"");

        HttpResponse<String> noAud = json(req("auth0-client", "auth0-secret", null));
        assertThat(noAud.statusCode()).isEqualTo(403);
        assertThat(SimHttp.json(noAud).getString("error_description")).contains("No audience parameter was provided");
    }

    @Test
    void tooManyTokenRequestsAre429WithRetryAfter() {
        start(SimulatorConfig.builder().auth0(a -> a.withRateLimitPerMinute(2)).build());
        assertThat(json(req("auth0-client", "auth0-secret", AUD)).statusCode()).isEqualTo(200);
        assertThat(json(req("auth0-client", "auth0-secret", AUD)).statusCode()).isEqualTo(200);
        HttpResponse<String> r = json(req("auth0-client", "auth0-secret", AUD));
        assertThat(r.statusCode()).isEqualTo(429);
        assertThat(r.headers().firstValue("x-ratelimit-remaining")).hasValue("0");
        assertThat(r.headers().firstValue("Retry-After")).isPresent();
        assertThat(SimHttp.json(r).getString("error")).isEqualTo("too_many_requests");
    }

    @Test
    void protectedApiNeedsTheAudienceAndScope() {
        start(SimulatorConfig.builder()
                .auth0Client(SimulatorConfig.Auth0Client.of("noscope", "s").withGrants(Map.of(AUD, Set.of()))).build());
        String url = sim.auth0Url() + "/api/v1/queues/stats";
        assertThat(http.get(url).statusCode()).isEqualTo(401);

        String scoped = SimHttp.json(json(req("auth0-client", "auth0-secret", AUD))).getString("access_token");
        HttpResponse<String> ok = http.get(url, "Authorization", "Bearer " + scoped);
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(SimHttp.json(ok).getJsonArray("queues")).hasSize(5);

        String unscoped = SimHttp.json(json(req("noscope", "s", AUD))).getString("access_token");
        HttpResponse<String> forbidden = http.get(url, "Authorization", "Bearer " + unscoped);
        assertThat(forbidden.statusCode()).isEqualTo(403);
        assertThat(forbidden.headers().firstValue("WWW-Authenticate").orElseThrow()).contains("insufficient_scope");
    }
}
