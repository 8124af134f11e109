package io.switchboard.simulator;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.switchboard.simulator.SimHttp.basic;
import static io.switchboard.simulator.SimHttp.cognosParams;
import static io.switchboard.simulator.SimHttp.form;
import static io.switchboard.simulator.SimHttp.json;
import static org.assertj.core.api.Assertions.assertThat;

/** Every request is recorded, and no secret or token survives in the record (Java API and admin endpoint). */
class RequestRecordingTest extends SimulatorFixture {

    @Test
    void everySecretAndTokenIsMaskedInTheRecord() {
        start(SimulatorConfig.builder().cxone(c -> c.withRefreshTokenSingleUse(false)).build());
        String oauth2Secret = "p@ss+w%rd/=";

        // Genesys: Basic id:secret, then a bearer token.
        String genesys = http.genesysToken(sim);
        http.get(sim.genesysApiUrl() + "/api/v2/routing/queues", "Authorization", "Bearer " + genesys);
        // CXone: client Basic, access key secret as the password, then the refresh token in the body.
        JsonObject cxone = json(http.post(sim.cxoneAuthUrl() + "/auth/token",
                "grant_type=password&username=cxone-key-id&password=" + form("cxone/key+secret=="),
                "Authorization", basic("cxone-client", "cxone-client-secret"), "Content-Type", "application/x-www-form-urlencoded"));
        String refresh = cxone.getString("refresh_token");
        http.post(sim.cxoneAuthUrl() + "/auth/token", "grant_type=refresh_token&refresh_token=" + form(refresh),
                "Authorization", basic("cxone-client", "cxone-client-secret"), "Content-Type", "application/x-www-form-urlencoded");
        // Cognos: CAMPassword, CAMAPILoginKey, then session cookie, XSRF token, IBM-BA-Authorization.
        SimHttp.CognosSession session = http.cognosLogin(sim);
        http.send("PUT", sim.cognosUrl() + "/api/v1/session", cognosParams("CAMAPILoginKey", "cognos-api-key"),
                "Content-Type", "application/json");
        http.get(sim.cognosUrl() + "/bi/v1/disp/rds/reportData/report/iQueueStatsReport?fmt=DataSetJSON",
                "Cookie", "cam_passport=" + session.passport() + "; XSRF-TOKEN=" + session.xsrf(), "X-XSRF-Token", session.xsrf());
        http.get(sim.cognosUrl() + "/api/v1/session", "IBM-BA-Authorization", session.key());
        // Auth0: client_secret in JSON; generic server: client_secret_post in a form, a token in JSON and in the query.
        String auth0 = http.auth0Token(sim);
        http.post(sim.oauth2Issuer() + "/token", "grant_type=client_credentials&client_id=oauth2-client&client_secret=" + form(oauth2Secret),
                "Content-Type", "application/x-www-form-urlencoded");
        http.post(sim.oauth2Issuer() + "/token", new JsonObject().put("access_token", auth0).put("id_token", cxone.getString("id_token"))
                .encode(), "Content-Type", "application/json");
        http.get(sim.oauth2Issuer() + "/api/queues/stats?access_token=" + auth0);

        List<String> secrets = List.of("genesys-secret", genesys, "cxone-client-secret", "cxone/key+secret==", form("cxone/key+secret=="),
                refresh, form(refresh), cxone.getString("access_token"), cxone.getString("id_token"), "cognos-password", "cognos-api-key",
                session.key().substring(4), session.xsrf(), auth0, "auth0-secret", oauth2Secret, form(oauth2Secret));
        String recorded = sim.requests().all().toString();
        String admin = http.get(sim.baseUrl() + "/_admin/requests").body();
        assertThat(sim.requests().size()).isEqualTo(12);
        for (String secret : secrets) {
            assertThat(recorded).as("recorded requests").doesNotContain(secret);
            assertThat(admin).as("/_admin/requests").doesNotContain(secret);
        }
        // What was sent stays visible apart from the secrets.
        assertThat(sim.requests().matching(Vendor.GENESYS, "/oauth/token").get(0).header("Authorization")).isEqualTo("Basic genesys-client:****");
        assertThat(recorded).contains("username=cxone-key-id&password=****", "grant_type=refresh_token&refresh_token=****",
                "\"CAMUsername\",\"value\":\"cognos-user\"", "\"CAMPassword\",\"value\":\"****\"", "\"CAMAPILoginKey\",\"value\":\"****\"",
                "cam_passport=****; XSRF-TOKEN=****", "x-xsrf-token=****", "ibm-ba-authorization=****", "\"client_secret\":\"****\"",
                "client_id=oauth2-client&client_secret=****", "\"access_token\":\"****\"", "\"id_token\":\"****\"", "access_token=****");
    }
}
