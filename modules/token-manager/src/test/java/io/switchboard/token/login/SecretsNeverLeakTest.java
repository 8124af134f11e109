package io.switchboard.token.login;

import static io.switchboard.token.login.SimSupport.specs;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import io.switchboard.core.Secret;
import io.switchboard.simulator.FaultSpec;
import io.switchboard.simulator.SimulatorConfig;
import io.switchboard.simulator.Vendor;
import io.switchboard.simulator.VendorSimulator;
import io.switchboard.token.doctor.CredentialReport;
import io.switchboard.token.doctor.Doctor;
import io.switchboard.token.doctor.ReportFormat;
import io.vertx.core.Future;

/**
 * Captures every log event (root logger, all levels) while logins, refreshes, failures and the doctor
 * run against the simulator, then searches logs, exception messages, toString()s and doctor reports
 * for the configured secrets and every issued token.
 */
class SecretsNeverLeakTest {

    @RegisterExtension
    static final SimLoginFixture LOGINS = new SimLoginFixture();

    private static final Map<String, String> ENV = Map.of(
            "GENESYS_SECRET", "genesys-secret",
            "GENESYS_PADDED", "genesys-secret ",
            "WRONG_SECRET", "wrong-secret-xyz",
            "CXONE_SECRET", "cxone-client-secret",
            "CXONE_KEY_SECRET", "cxone/key+secret==",
            "COGNOS_PASSWORD", "cognos-password",
            "AUTH0_SECRET", "auth0-secret",
            "OAUTH2_SECRET", "p@ss+w%rd/=");

    @Test
    void noSecretOrTokenAppearsInLogsExceptionsOrReports() throws Exception {
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        Level before = root.getLevel();
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        root.addAppender(appender);
        root.setLevel(Level.ALL);

        List<String> texts = new ArrayList<>();
        List<String> issued = new ArrayList<>();
        VendorSimulator sim = LOGINS.startSim(SimulatorConfig.defaults());
        LoginClient client = LOGINS.client();
        try {
            String yaml = ("""
                    credentials:
                      - id: genesys
                        provider: genesys-cloud
                        loginBaseUrl: {base}/genesys/login
                        clientId: genesys-client
                        clientSecret: ${env:GENESYS_SECRET}
                      - id: genesys-wrong
                        provider: genesys-cloud
                        loginBaseUrl: {base}/genesys/login
                        clientId: genesys-client
                        clientSecret: ${env:WRONG_SECRET}
                      - id: genesys-padded
                        provider: genesys-cloud
                        loginBaseUrl: {base}/genesys/login
                        clientId: genesys-client
                        clientSecret: ${env:GENESYS_PADDED}
                      - id: cxone
                        provider: nice-cxone
                        authBaseUrl: {base}/cxone
                        apiHostTemplate: {base}/cxone/api-{area}
                        clientId: cxone-client
                        clientSecret: ${env:CXONE_SECRET}
                        accessKeyId: cxone-key-id
                        accessKeySecret: ${env:CXONE_KEY_SECRET}
                      - id: cognos
                        provider: cognos-analytics
                        baseUrl: {base}/cognos
                        namespace: LDAP
                        username: cognos-user
                        password: ${env:COGNOS_PASSWORD}
                      - id: cognos-wrong
                        provider: cognos-analytics
                        baseUrl: {base}/cognos
                        namespace: LDAP
                        username: cognos-user
                        password: ${env:WRONG_SECRET}
                      - id: auth0
                        provider: auth0
                        tokenUrl: {base}/auth0/oauth/token
                        audience: https://beeapp.open-cosmos.com
                        clientId: auth0-client
                        clientSecret: ${env:AUTH0_SECRET}
                      - id: oauth2
                        provider: oauth2
                        issuer: {base}/oauth2
                        clientId: oauth2-client
                        clientSecret: ${env:OAUTH2_SECRET}
                      - id: oauth2-raw
                        provider: oauth2
                        tokenUrl: {base}/oauth2/token
                        basicEncoding: raw
                        clientId: oauth2-client
                        clientSecret: ${env:OAUTH2_SECRET}
                    """).replace("{base}", sim.baseUrl());
            Map<String, CredentialSpec> specs = specs(yaml, ENV);
            for (CredentialSpec spec : specs.values()) {
                texts.add(spec.toString());
                CredentialLogin login = client.bind(spec);
                texts.add(login.toString());
                Object first = outcome(login.login(null));
                texts.add(String.valueOf(first));
                if (first instanceof LoginResult r) {
                    collect(r, issued);
                    Object second = outcome(login.login(r));
                    texts.add(String.valueOf(second));
                    if (second instanceof LoginResult r2) {
                        collect(r2, issued);
                    }
                    outcome(login.logout(second instanceof LoginResult r2 ? r2 : r));
                }
            }
            // Failures of every kind: rate limit, server error, malformed body.
            sim.faults().set(Vendor.GENESYS, FaultSpec.none().withTooManyRequests(1, 3));
            texts.add(String.valueOf(outcome(client.bind(specs.get("genesys")).login(null))));
            sim.faults().set(Vendor.GENESYS, FaultSpec.none().withMalformedJson(1.0));
            texts.add(String.valueOf(outcome(client.bind(specs.get("genesys")).login(null))));
            sim.faults().clearAll();

            Doctor doctor = new Doctor(client);
            List<CredentialReport> reports = new ArrayList<>();
            for (CredentialSpec spec : specs.values()) {
                CredentialReport report = doctor.check(spec);
                reports.add(report);
                texts.add(report.toString());
            }
            texts.add(ReportFormat.human(reports));
            texts.add(ReportFormat.json(reports));
        } finally {
            root.detachAppender(appender);
            root.setLevel(before);
        }

        // Event-loop threads may still be inside doAppend (which holds the appender's lock) after the detach: stop the
        // appender and copy its list under that lock, never iterate the live list.
        List<ILoggingEvent> events;
        synchronized (appender) {
            appender.stop();
            events = new ArrayList<>(appender.list);
        }
        for (ILoggingEvent event : events) {
            texts.add(event.getFormattedMessage());
            if (event.getThrowableProxy() != null) {
                texts.add(ThrowableProxyUtil.asString(event.getThrowableProxy()));
            }
        }
        assertThat(events).as("the run logged something").isNotEmpty();
        assertThat(issued).as("tokens were issued").hasSizeGreaterThan(8);
        List<String> secrets = new ArrayList<>(List.of("genesys-secret", "wrong-secret-xyz", "cxone-client-secret",
                "cxone/key+secret==", "cxone%2Fkey%2Bsecret%3D%3D", "cognos-password", "auth0-secret", "p@ss+w%rd/=",
                "p%40ss%2Bw%25rd%2F%3D"));
        secrets.addAll(issued);
        String all = String.join("\n", texts);
        for (String secret : secrets) {
            assertThat(all).as("output must not contain a secret or token").doesNotContain(secret);
        }
    }

    private static void collect(LoginResult r, List<String> issued) {
        for (Map.Entry<String, Secret> h : r.headers().entrySet()) {
            String v = h.getValue().reveal();
            if (h.getKey().equals("Cookie")) {
                for (String pair : v.split("; ")) {
                    issued.add(pair.substring(pair.indexOf('=') + 1));
                }
                continue;
            }
            issued.add(v.startsWith("Bearer ") ? v.substring(7) : v.startsWith("CAM ") ? v.substring(4) : v);
        }
        if (r.refreshToken() != null) {
            issued.add(r.refreshToken().reveal());
        }
    }

    /** The result, or the exception (its toString and message are checked). */
    private static Object outcome(Future<?> f) {
        try {
            return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            Throwable c = e.getCause();
            return c + " | " + c.getMessage() + " | " + (c.getCause() == null ? "" : c.getCause().toString());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
