package io.switchboard.simulator;

import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

import static io.switchboard.simulator.SimHttp.cognosParams;
import static io.switchboard.simulator.SimHttp.cookie;
import static io.switchboard.simulator.SimHttp.json;
import static org.assertj.core.api.Assertions.assertThat;

class CognosLoginTest extends SimulatorFixture {

    private HttpResponse<String> login(String body) {
        return http.send("PUT", sim.cognosUrl() + "/api/v1/session", body, "Content-Type", "application/json");
    }

    @Test
    void namespaceLoginGivesASessionThatNeedsTheXsrfToken() {
        start(SimulatorConfig.defaults());

        HttpResponse<String> r = login(cognosParams("CAMNamespace", "LDAP", "CAMUsername", "cognos-user", "CAMPassword", "cognos-password"));

        assertThat(r.statusCode()).isEqualTo(201);
        String key = json(r).getString("session_key");
        assertThat(key).startsWith("CAM ");
        String xsrf = cookie(r, "XSRF-TOKEN");
        String passport = cookie(r, "cam_passport");
        String report = sim.cognosUrl() + "/bi/v1/disp/rds/reportData/report/iQueueStatsReport?fmt=DataSetJSON";

        // Session without X-XSRF-Token, or with another session's value: 403; X-XSRF-Token without a session: 401.
        HttpResponse<String> noXsrf = http.get(report, "Cookie", "cam_passport=" + passport);
        assertThat(noXsrf.statusCode()).isEqualTo(403);
        assertThat(json(noXsrf).getString("errorCodeString")).isEqualTo("xsrfTokenInvalid");
        assertThat(json(noXsrf).getJsonArray("messages").getString(0)).contains("X-XSRF-Token header missing");
        assertThat(http.get(report, "IBM-BA-Authorization", key).statusCode()).isEqualTo(403);
        assertThat(http.get(report, "IBM-BA-Authorization", key, "X-XSRF-Token", "not-" + xsrf).statusCode()).isEqualTo(403);
        assertThat(http.get(report, "X-XSRF-Token", xsrf).statusCode()).isEqualTo(401);
        assertThat(http.get(report, "IBM-BA-Authorization", "CAM nope", "X-XSRF-Token", xsrf).statusCode()).isEqualTo(401);
        HttpResponse<String> ok = http.get(report, "Cookie", "cam_passport=" + passport + "; XSRF-TOKEN=" + xsrf, "X-XSRF-Token", xsrf);
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(http.get(report, "IBM-BA-Authorization", key, "X-XSRF-Token", xsrf).statusCode()).isEqualTo(200);
        assertThat(sim.issuedTokenCount(Vendor.COGNOS, "cognos-user")).isEqualTo(1);

        RecordedRequest rec = sim.requests().matching(Vendor.COGNOS, "/api/v1/session").get(0);
        assertThat(rec.body()).contains("\"CAMUsername\"").doesNotContain("cognos-password");
        List<RecordedRequest> reports = sim.requests().matching(Vendor.COGNOS, "/iQueueStatsReport");
        assertThat(reports.get(reports.size() - 1).header("IBM-BA-Authorization")).isEqualTo("****");

        // Logout needs the XSRF token too; afterwards the session is gone in both modes.
        String session = sim.cognosUrl() + "/api/v1/session";
        assertThat(http.send("DELETE", session, null, "IBM-BA-Authorization", key).statusCode()).isEqualTo(403);
        HttpResponse<String> out = http.send("DELETE", session, null, "IBM-BA-Authorization", key, "X-XSRF-Token", xsrf);
        assertThat(out.statusCode()).isEqualTo(204);
        assertThat(http.get(report, "IBM-BA-Authorization", key, "X-XSRF-Token", xsrf).statusCode()).isEqualTo(401);
        assertThat(http.get(report, "Cookie", "cam_passport=" + passport, "X-XSRF-Token", xsrf).statusCode()).isEqualTo(401);
        assertThat(http.get(session, "IBM-BA-Authorization", key).statusCode()).isEqualTo(401);
    }

    @Test
    void cookieModeLogoutEndsTheSessionForTheHeaderModeToo() {
        start(SimulatorConfig.defaults());
        SimHttp.CognosSession s = http.cognosLogin(sim);
        String cookies = "cam_passport=" + s.passport() + "; XSRF-TOKEN=" + s.xsrf();
        String session = sim.cognosUrl() + "/api/v1/session";

        HttpResponse<String> current = http.get(session, "Cookie", cookies);
        assertThat(current.statusCode()).isEqualTo(200);
        assertThat(json(current).getString("username")).isEqualTo("cognos-user");
        assertThat(http.send("DELETE", session, null, "Cookie", cookies, "X-XSRF-Token", s.xsrf()).statusCode()).isEqualTo(204);
        assertThat(http.get(session, "Cookie", cookies).statusCode()).isEqualTo(401);
        assertThat(http.get(session, "IBM-BA-Authorization", s.key()).statusCode()).isEqualTo(401);
    }

    @Test
    void wrongNamespaceWrongPasswordAndMissingNamespaceAreRejected() {
        start(SimulatorConfig.defaults());

        HttpResponse<String> ns = login(cognosParams("CAMNamespace", "AD", "CAMUsername", "cognos-user", "CAMPassword", "cognos-password"));
        assertThat(ns.statusCode()).isEqualTo(401);
        assertThat(json(ns).getString("errorCodeString")).isEqualTo("camAuthUnrecoverable");
        assertThat(json(ns).getJsonArray("messages").getString(0)).contains("'AD'");

        HttpResponse<String> pw = login(cognosParams("CAMNamespace", "LDAP", "CAMUsername", "cognos-user", "CAMPassword", "x"));
        assertThat(pw.statusCode()).isEqualTo(401);
        assertThat(json(pw).getString("errorCodeString")).isEqualTo("camAuthUserRecoverable");

        HttpResponse<String> lower = login(cognosParams("camnamespace", "LDAP", "CAMUsername", "cognos-user", "CAMPassword", "cognos-password"));
        assertThat(lower.statusCode()).isEqualTo(401);
        assertThat(json(lower).getJsonObject("promptInfo").encode()).contains("CAMNamespace");
    }

    @Test
    void apiKeyLoginWorksAndSessionsEndAfterIdleTimeout() {
        start(SimulatorConfig.builder().cognos(c -> c.withSessionIdleTimeout(Duration.ofMinutes(5))).build());

        HttpResponse<String> r = login(cognosParams("CAMAPILoginKey", "cognos-api-key"));
        assertThat(r.statusCode()).isEqualTo(201);
        String key = json(r).getString("session_key");
        assertThat(login(cognosParams("CAMAPILoginKey", "bad")).statusCode()).isEqualTo(401);

        String url = sim.cognosUrl() + "/api/v1/session";
        assertThat(http.get(url, "IBM-BA-Authorization", key).statusCode()).isEqualTo(200);
        sim.advanceClock(Duration.ofMinutes(4));
        assertThat(http.get(url, "IBM-BA-Authorization", key).statusCode()).isEqualTo(200);
        sim.advanceClock(Duration.ofMinutes(6));
        assertThat(http.get(url, "IBM-BA-Authorization", key).statusCode()).isEqualTo(401);
    }
}
