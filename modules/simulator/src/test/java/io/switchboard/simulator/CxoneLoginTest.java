package io.switchboard.simulator;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

import static io.switchboard.simulator.SimHttp.basic;
import static io.switchboard.simulator.SimHttp.form;
import static io.switchboard.simulator.SimHttp.json;
import static org.assertj.core.api.Assertions.assertThat;

class CxoneLoginTest extends SimulatorFixture {

    private HttpResponse<String> token(String auth, String body) {
        return http.post(sim.cxoneAuthUrl() + "/auth/token", body, "Authorization", auth,
                "Content-Type", "application/x-www-form-urlencoded");
    }

    private static String passwordGrant(String keySecret) {
        return "grant_type=password&username=cxone-key-id&password=" + keySecret;
    }

    @Test
    void passwordGrantWithAccessKeyGivesTokensAndAnIdTokenNamingTheTenant() {
        start(SimulatorConfig.defaults());

        HttpResponse<String> r = token(basic("cxone-client", "cxone-client-secret"), passwordGrant(form("cxone/key+secret==")));

        assertThat(r.statusCode()).isEqualTo(200);
        JsonObject body = json(r);
        assertThat(body.getLong("expires_in")).isEqualTo(3600L);
        assertThat(body.getString("token_type")).isEqualTo("Bearer");
        assertThat(body.getString("refresh_token")).isNotBlank();
        String[] jwt = body.getString("id_token").split("\\.");
        JsonObject claims = new JsonObject(new String(Base64.getUrlDecoder().decode(jwt[1]), StandardCharsets.UTF_8));
        assertThat(claims.getString("tenantId")).isEqualTo("tenant-1");
        assertThat(sim.issuedTokenCount(Vendor.CXONE, "cxone-key-id")).isEqualTo(1);
        assertThat(sim.issuedTokenCount(Vendor.CXONE, "cxone-client")).isEqualTo(1);

        RecordedRequest rec = sim.requests().matching(Vendor.CXONE, "/auth/token").get(0);
        assertThat(rec.body()).isEqualTo("grant_type=password&username=cxone-key-id&password=****");

        HttpResponse<String> wk = http.get(sim.cxoneAuthUrl() + "/.well-known/cxone-configuration?tenantId=tenant-1");
        assertThat(json(wk).getString("area")).isEqualTo("na1");
        assertThat(json(wk).getString("apiBaseUrl")).isEqualTo(sim.cxoneApiUrl("na1"));
        assertThat(http.get(sim.cxoneAuthUrl() + "/.well-known/cxone-configuration?tenantId=nope").statusCode()).isEqualTo(404);
    }

    @Test
    void anAccessKeyWithRawEqualsSignsIsRejected() {
        start(SimulatorConfig.defaults());

        HttpResponse<String> raw = token(basic("cxone-client", "cxone-client-secret"),
                passwordGrant("cxone%2Fkey%2Bsecret=="));

        assertThat(raw.statusCode()).isEqualTo(400);
        assertThat(json(raw).getString("error")).isEqualTo("invalid_grant");
        assertThat(token(basic("cxone-client", "cxone-client-secret"), passwordGrant("cxone%2Fkey%2Bsecret%3D%3D")).statusCode())
                .isEqualTo(200);
    }

    @Test
    void wrongClientSecretIsInvalidClient() {
        start(SimulatorConfig.defaults());
        HttpResponse<String> r = token(basic("cxone-client", "wrong"), passwordGrant(form("cxone/key+secret==")));
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(json(r).getString("error")).isEqualTo("invalid_client");
        assertThat(r.headers().firstValue("WWW-Authenticate")).hasValue("Basic realm=\"cxone\"");
    }

    @Test
    void formEncodedBasicPartsAreASwitch() {
        SimulatorConfig.Builder b = SimulatorConfig.builder().cxoneClient(SimulatorConfig.CxoneClient.of("app@vendor", "s+c/t"));
        start(b.build());
        String key = passwordGrant(form("cxone/key+secret=="));
        assertThat(token(basic("app@vendor", "s+c/t"), key).statusCode()).isEqualTo(200);
        assertThat(token(basic(form("app@vendor"), form("s+c/t")), key).statusCode()).isEqualTo(200);


        start(b.cxone(c -> c.withAcceptFormUrlEncodedBasic(false)).build());
        assertThat(token(basic("app@vendor", "s+c/t"), key).statusCode()).isEqualTo(200);
        assertThat(token(basic(form("app@vendor"), form("s+c/t")), key).statusCode()).isEqualTo(401);
    }

    @Test
    void refreshGrantIssuesANewTokenAndSingleUseIsASwitch() {
        start(SimulatorConfig.builder().cxone(c -> c.withRefreshTokenSingleUse(true)).build());
        String auth = basic("cxone-client", "cxone-client-secret");
        String refresh = json(token(auth, passwordGrant(form("cxone/key+secret==")))).getString("refresh_token");

        HttpResponse<String> r = token(auth, "grant_type=refresh_token&refresh_token=" + form(refresh));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(json(r).getString("access_token")).isNotBlank();
        assertThat(sim.issuedTokenCount(Vendor.CXONE, "cxone-key-id")).isEqualTo(2);

        HttpResponse<String> again = token(auth, "grant_type=refresh_token&refresh_token=" + form(refresh));
        assertThat(again.statusCode()).isEqualTo(400);
        assertThat(json(again).getString("error")).isEqualTo("invalid_grant");
    }
}
