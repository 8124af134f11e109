package io.switchboard.simulator;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;

import static io.switchboard.simulator.SimHttp.basic;
import static io.switchboard.simulator.SimHttp.form;
import static io.switchboard.simulator.SimHttp.json;
import static org.assertj.core.api.Assertions.assertThat;

class OAuth2LoginTest extends SimulatorFixture {
    private static final String SECRET = "p@ss+w%rd/=";

    private HttpResponse<String> token(String auth, String body) {
        return auth == null
                ? http.post(sim.oauth2Issuer() + "/token", body, "Content-Type", "application/x-www-form-urlencoded")
                : http.post(sim.oauth2Issuer() + "/token", body, "Authorization", auth, "Content-Type", "application/x-www-form-urlencoded");
    }

    @Test
    void basicNeedsFormUrlEncodingBeforeBase64() {
        start(SimulatorConfig.defaults());

        HttpResponse<String> ok = token(basic(form("oauth2-client"), form(SECRET)), "grant_type=client_credentials");
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(json(ok).getString("token_type")).isEqualTo("Bearer");
        assertThat(json(ok).getLong("expires_in")).isEqualTo(3600L);
        assertThat(json(ok).getString("scope")).isEqualTo("queues:read stats:read");
        assertThat(ok.headers().firstValue("Cache-Control")).hasValue("no-store");

        // Raw secret: "%rd" is not a valid escape -> 400 invalid_request.
        HttpResponse<String> raw = token(basic("oauth2-client", SECRET), "grant_type=client_credentials");
        assertThat(raw.statusCode()).isEqualTo(400);
        assertThat(json(raw).getString("error")).isEqualTo("invalid_request");

        // A raw '+' decodes to a space -> wrong secret -> 401 with WWW-Authenticate.

        start(SimulatorConfig.builder().oauth2Client(SimulatorConfig.OAuth2Client.of("c2", "a+b")).build());
        HttpResponse<String> plus = token(basic("c2", "a+b"), "grant_type=client_credentials");
        assertThat(plus.statusCode()).isEqualTo(401);
        assertThat(json(plus).getString("error")).isEqualTo("invalid_client");
        assertThat(plus.headers().firstValue("WWW-Authenticate")).hasValue("Basic realm=\"oauth2\"");
        assertThat(token(basic("c2", "a%2Bb"), "grant_type=client_credentials").statusCode()).isEqualTo(200);
    }

    @Test
    void clientSecretPostAndScopes() {
        start(SimulatorConfig.defaults());
        String creds = "client_id=oauth2-client&client_secret=" + form(SECRET);

        HttpResponse<String> ok = token(null, "grant_type=client_credentials&scope=queues%3Aread&" + creds);
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(json(ok).getString("scope")).isEqualTo("queues:read");

        HttpResponse<String> bad = token(null, "grant_type=client_credentials&scope=admin&" + creds);
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(json(bad).getString("error")).isEqualTo("invalid_scope");

        HttpResponse<String> wrong = token(null, "grant_type=client_credentials&client_id=oauth2-client&client_secret=x");
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(wrong.headers().firstValue("WWW-Authenticate")).isEmpty();

        HttpResponse<String> grant = token(null, "grant_type=password&" + creds);
        assertThat(json(grant).getString("error")).isEqualTo("unsupported_grant_type");
        assertThat(sim.issuedTokenCount(Vendor.OAUTH2, "oauth2-client")).isEqualTo(1);
    }

    @Test
    void metadataIsServedAtTheRfc8414AndOidcLocations() {
        start(SimulatorConfig.defaults());
        for (String url : new String[] {sim.baseUrl() + "/.well-known/oauth-authorization-server/oauth2",
                sim.oauth2Issuer() + "/.well-known/oauth-authorization-server", sim.oauth2Issuer() + "/.well-known/openid-configuration"}) {
            JsonObject m = json(http.get(url));
            assertThat(m.getString("issuer")).isEqualTo(sim.oauth2Issuer());
            assertThat(m.getString("token_endpoint")).isEqualTo(sim.oauth2Issuer() + "/token");
            assertThat(m.getJsonArray("token_endpoint_auth_methods_supported").getList()).contains("client_secret_basic");
        }
    }

    @Test
    void loginPageRedirectSendsEverythingButTheEndpointsToAnHtmlSignInPage() {
        start(SimulatorConfig.builder().oauth2(o -> o.withLoginPageRedirect(true)).build());
        String login = sim.oauth2Issuer() + "/login";
        // A token request to the issuer URL itself, or to a mistyped token path, lands on the browser login.
        for (String url : new String[] {sim.oauth2Issuer(), sim.oauth2Issuer() + "/oauth/token"}) {
            HttpResponse<String> r = token(basic("oauth2-client", form(SECRET)), "grant_type=client_credentials", url);
            assertThat(r.statusCode()).as(url).isEqualTo(302);
            assertThat(r.headers().firstValue("Location")).as(url).hasValue(login);
        }
        HttpResponse<String> page = http.get(login);
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/html");
        assertThat(page.body()).contains("<form", "Please sign in");
        // The real endpoints still answer as before.
        assertThat(token(basic("oauth2-client", form(SECRET)), "grant_type=client_credentials").statusCode()).isEqualTo(200);
        assertThat(json(http.get(sim.oauth2Issuer() + "/.well-known/openid-configuration")).getString("token_endpoint"))
                .isEqualTo(sim.oauth2Issuer() + "/token");

        // Off (the default): the same requests get the simulator's JSON 404, and there is no login page.
        start(SimulatorConfig.defaults());
        HttpResponse<String> off = token(basic("oauth2-client", form(SECRET)), "grant_type=client_credentials", sim.oauth2Issuer());
        assertThat(off.statusCode()).isEqualTo(404);
        assertThat(json(off).getString("error")).isEqualTo("not_found");
        assertThat(http.get(sim.oauth2Issuer() + "/login").statusCode()).isEqualTo(404);
    }

    private HttpResponse<String> token(String auth, String body, String url) {
        return http.post(url, body, "Authorization", auth, "Content-Type", "application/x-www-form-urlencoded");
    }

    @Test
    void refreshTokensAndExpiresInSwitches() {
        start(SimulatorConfig.builder()
                .oauth2Client(SimulatorConfig.OAuth2Client.of("r", "s").withRefreshTokens())
                .oauth2(o -> o.withExpiresInOneLess(true)).build());
        JsonObject first = json(token(basic("r", "s"), "grant_type=client_credentials"));
        assertThat(first.getLong("expires_in")).isEqualTo(3599L);
        HttpResponse<String> refreshed = token(basic("r", "s"), "grant_type=refresh_token&refresh_token=" + form(first.getString("refresh_token")));
        assertThat(refreshed.statusCode()).isEqualTo(200);
        assertThat(json(token(basic("r", "s"), "grant_type=refresh_token&refresh_token=nope")).getString("error")).isEqualTo("invalid_grant");


        start(SimulatorConfig.builder().oauth2(o -> o.withOmitExpiresIn(true)).build());
        assertThat(json(token(basic("oauth2-client", form(SECRET)), "grant_type=client_credentials")).containsKey("expires_in")).isFalse();
    }

    @Test
    void protectedApiAnswersRfc6750Challenges() {
        start(SimulatorConfig.builder()
                .oauth2Client(SimulatorConfig.OAuth2Client.of("stats-only", "s").withScopes("stats:read")).build());
        String url = sim.oauth2Issuer() + "/api/queues/stats";

        HttpResponse<String> none = http.get(url);
        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(none.headers().firstValue("WWW-Authenticate")).hasValue("Bearer realm=\"oauth2\"");

        HttpResponse<String> invalid = http.get(url, "Authorization", "Bearer nope");
        assertThat(invalid.statusCode()).isEqualTo(401);
        assertThat(invalid.headers().firstValue("WWW-Authenticate").orElseThrow()).contains("error=\"invalid_token\"");

        String weak = json(token(basic("stats-only", "s"), "grant_type=client_credentials")).getString("access_token");
        HttpResponse<String> forbidden = http.get(url, "Authorization", "Bearer " + weak);
        assertThat(forbidden.statusCode()).isEqualTo(403);
        assertThat(forbidden.headers().firstValue("WWW-Authenticate").orElseThrow())
                .contains("error=\"insufficient_scope\"").contains("scope=\"queues:read\"");

        String good = json(token(basic("oauth2-client", form(SECRET)), "grant_type=client_credentials")).getString("access_token");
        assertThat(http.get(url, "Authorization", "Bearer " + good).statusCode()).isEqualTo(200);
    }
}
