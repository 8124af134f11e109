package io.switchboard.simulator;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

import static io.switchboard.simulator.SimHttp.json;
import static org.assertj.core.api.Assertions.assertThat;

class CognosLoginTest {

    private final SimHttp http = new SimHttp();
    private VendorSimulator sim;

    @AfterEach
    void stop() {
        if (sim != null) {
            sim.close();
        }
    }

    static String params(String... nameValues) {
        JsonArray a = new JsonArray();
        for (int i = 0; i < nameValues.length; i += 2) {
            a.add(new JsonObject().put("name", nameValues[i]).put("value", nameValues[i + 1]));
        }
        return new JsonObject().put("parameters", a).encode();
    }

    private HttpResponse<String> login(String body) {
        return http.send("PUT", sim.cognosUrl() + "/api/v1/session", body, "Content-Type", "application/json");
    }

    static String cookie(HttpResponse<String> r, String name) {
        for (String c : r.headers().allValues("Set-Cookie")) {
            if (c.startsWith(name + "=")) {
                return c.substring(name.length() + 1, c.indexOf(';') > 0 ? c.indexOf(';') : c.length());
            }
        }
        throw new AssertionError("no cookie " + name + " in " + r.headers().allValues("Set-Cookie"));
    }

    @Test
    void namespaceLoginGivesASessionThatNeedsTheXsrfToken() {
        sim = VendorSimulator.start(SimulatorConfig.defaults());

        HttpResponse<String> r = login(params("CAMNamespace", "LDAP", "CAMUsername", "cognos-user", "CAMPassword", "cognos-password"));

        assertThat(r.statusCode()).isEqualTo(201);
        String key = json(r).getString("session_key");
        assertThat(key).startsWith("CAM ");
        String xsrf = cookie(r, "XSRF-TOKEN");
        String passport = cookie(r, "cam_passport");
        String report = sim.cognosUrl() + "/bi/v1/disp/rds/reportData/report/iQueueStatsReport?fmt=DataSetJSON";

        assertThat(http.get(report, "Cookie", "cam_passport=" + passport).statusCode()).isEqualTo(403);
        assertThat(http.get(report, "X-XSRF-Token", xsrf).statusCode()).isEqualTo(401);
        HttpResponse<String> ok = http.get(report, "Cookie", "cam_passport=" + passport + "; XSRF-TOKEN=" + xsrf, "X-XSRF-Token", xsrf);
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(http.get(report, "IBM-BA-Authorization", key, "X-XSRF-Token", xsrf).statusCode()).isEqualTo(200);
        assertThat(sim.issuedTokenCount(Vendor.COGNOS, "cognos-user")).isEqualTo(1);

        RecordedRequest rec = sim.requests().matching(Vendor.COGNOS, "/api/v1/session").get(0);
        assertThat(rec.body()).contains("\"CAMUsername\"").doesNotContain("cognos-password");
        List<RecordedRequest> reports = sim.requests().matching(Vendor.COGNOS, "/iQueueStatsReport");
        assertThat(reports.get(reports.size() - 1).header("IBM-BA-Authorization")).isEqualTo("****");

        HttpResponse<String> out = http.send("DELETE", sim.cognosUrl() + "/api/v1/session", null, "IBM-BA-Authorization", key,
                "X-XSRF-Token", xsrf);
        assertThat(out.statusCode()).isEqualTo(204);
        assertThat(http.get(report, "IBM-BA-Authorization", key, "X-XSRF-Token", xsrf).statusCode()).isEqualTo(401);
    }

    @Test
    void wrongNamespaceWrongPasswordAndMissingNamespaceAreRejected() {
        sim = VendorSimulator.start(SimulatorConfig.defaults());

        HttpResponse<String> ns = login(params("CAMNamespace", "AD", "CAMUsername", "cognos-user", "CAMPassword", "cognos-password"));
        assertThat(ns.statusCode()).isEqualTo(401);
        assertThat(json(ns).getString("errorCodeString")).isEqualTo("camAuthUnrecoverable");
        assertThat(json(ns).getJsonArray("messages").getString(0)).contains("'AD'");

        HttpResponse<String> pw = login(params("CAMNamespace", "LDAP", "CAMUsername", "cognos-user", "CAMPassword", "x"));
        assertThat(pw.statusCode()).isEqualTo(401);
        assertThat(json(pw).getString("errorCodeString")).isEqualTo("camAuthUserRecoverable");

        HttpResponse<String> lower = login(params("camnamespace", "LDAP", "CAMUsername", "cognos-user", "CAMPassword", "cognos-password"));
        assertThat(lower.statusCode()).isEqualTo(401);
        assertThat(json(lower).getJsonObject("promptInfo").encode()).contains("CAMNamespace");
    }

    @Test
    void apiKeyLoginWorksAndSessionsEndAfterIdleTimeout() {
        sim = VendorSimulator.start(SimulatorConfig.builder().cognos(c -> c.withSessionIdleTimeout(Duration.ofMinutes(5))).build());

        HttpResponse<String> r = login(params("CAMAPILoginKey", "cognos-api-key"));
        assertThat(r.statusCode()).isEqualTo(201);
        String key = json(r).getString("session_key");
        assertThat(login(params("CAMAPILoginKey", "bad")).statusCode()).isEqualTo(401);

        String url = sim.cognosUrl() + "/api/v1/session";
        assertThat(http.get(url, "IBM-BA-Authorization", key).statusCode()).isEqualTo(200);
        sim.advanceClock(Duration.ofMinutes(4));
        assertThat(http.get(url, "IBM-BA-Authorization", key).statusCode()).isEqualTo(200);
        sim.advanceClock(Duration.ofMinutes(6));
        assertThat(http.get(url, "IBM-BA-Authorization", key).statusCode()).isEqualTo(401);
    }
}
