package io.switchboard.token.doctor;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.switchboard.simulator.FaultSpec;
import io.switchboard.simulator.SimulatorConfig;
import io.switchboard.simulator.Vendor;
import io.switchboard.simulator.VendorSimulator;
import io.switchboard.token.doctor.Diagnosis.Severity;
import io.switchboard.token.login.CredentialSpec;
import io.switchboard.token.login.SimLoginFixture;

/** One test per diagnosis, each against the simulator configured with that fault. */
class DoctorSimTest {

    private static final Map<String, String> ENV = Map.of(
            "GENESYS_SECRET", "genesys-secret",
            "GENESYS_PADDED", " genesys-secret\t",
            "GENESYS_TRUNCATED", "genesys-sec",
            "AUTH0_SECRET", "auth0-secret",
            "OAUTH2_SECRET", "p@ss+w%rd/=",
            "POST_SECRET", "post-secret",
            "COGNOS_PASSWORD", "cognos-password",
            "CXONE_SECRET", "cxone-client-secret",
            "CXONE_KEY_SECRET", "cxone/key+secret==");

    @RegisterExtension
    static final SimLoginFixture LOGINS = new SimLoginFixture();

    private Doctor doctor;
    private VendorSimulator sim;

    @BeforeEach
    void doctor() {
        doctor = new Doctor(LOGINS.client());
    }

    private CredentialReport check(SimulatorConfig config, String yamlItem) {
        sim = LOGINS.startSim(config);
        return doctor.check(LOGINS.spec(yamlItem, ENV));
    }

    private static void assertDecisive(CredentialReport r, String code, String sentencePart, String changePart) {
        assertThat(r.ok()).isFalse();
        Diagnosis d = r.diagnoses().get(0);
        assertThat(d.code()).as("decisive diagnosis of %s", r.diagnoses()).isEqualTo(code);
        assertThat(d.severity()).isEqualTo(Severity.ERROR);
        assertThat(d.sentence()).contains(sentencePart);
        if (changePart != null) {
            assertThat(d.change()).contains(changePart);
        }
    }

    private static final String GENESYS = """
            - id: genesys
              provider: genesys-cloud
              region: mypurecloud.ie
              loginBaseUrl: {base}/genesys/login
              clientId: %s
              clientSecret: ${env:%s}
            """;

    @Test
    void successReportsLifetimeScopesAndJwtAudienceAndExpiry() {
        CredentialReport r = check(SimulatorConfig.defaults(), """
                - id: datacosmos
                  provider: auth0
                  tokenUrl: {base}/auth0/oauth/token
                  audience: https://beeapp.open-cosmos.com
                  clientId: auth0-client
                  clientSecret: ${env:AUTH0_SECRET}
                """);
        assertThat(r.ok()).isTrue();
        assertThat(r.codes()).containsExactly("login-ok");
        assertThat(r.lifetime()).isEqualTo(Duration.ofHours(24));
        assertThat(r.grantedScopes()).containsExactly("read:stats");
        assertThat(r.audience()).isEqualTo("https://beeapp.open-cosmos.com");
        assertThat(r.expiresAt()).isNotNull();
        assertThat(r.diagnoses().get(0).sentence()).contains("the token lives 24 h", "granted scopes: read:stats",
                "JWT audience https://beeapp.open-cosmos.com", "JWT expires ");
    }

    @Test
    void serverNeedsClientSecretPostWhileConfigSaysBasic() {
        CredentialReport r = check(SimulatorConfig.builder()
                .oauth2Client(SimulatorConfig.OAuth2Client.of("post-only", "post-secret").withAuthMethods("client_secret_post")).build(), """
                - id: generic
                  provider: oauth2
                  tokenUrl: {base}/oauth2/token
                  clientAuth: client_secret_basic
                  clientId: post-only
                  clientSecret: ${env:POST_SECRET}
                """);
        assertDecisive(r, "client-auth-method", "accepts client_id/client_secret in the form body", "clientAuth: client_secret_post");
        assertThat(r.lifetime()).as("facts of the working variant").isEqualTo(Duration.ofSeconds(3600).minusSeconds(
                sim.config().oauth2().expiresInOneLess() ? 1 : 0));
    }

    @Test
    void serverThatNeedsAResourceParameterTheConfigDoesNotSend() {
        SimulatorConfig config = SimulatorConfig.builder()
                .oauth2Client(SimulatorConfig.OAuth2Client.of("needs-resource", "post-secret")
                        .withRequiredParam("resource", "https://stats.example.com"))
                .build();
        String item = """
                - id: generic
                  provider: oauth2
                  tokenUrl: {base}/oauth2/token
                  clientId: needs-resource
                  clientSecret: ${env:POST_SECRET}
                """;
        CredentialReport r = check(config, item);
        assertDecisive(r, "missing-parameter", "resource", "extraParams: {resource:");

        // With the parameter configured, the same credential logs in.
        sim.close();
        CredentialReport fixed = check(config, item + "  extraParams: {resource: https://stats.example.com}\n");
        assertThat(fixed.ok()).as("report %s", fixed.diagnoses()).isTrue();
    }

    @Test
    void secretThatNeedsFormUrlEncodingInTheBasicHeader() {
        CredentialReport r = check(SimulatorConfig.defaults(), """
                - id: generic
                  provider: oauth2
                  tokenUrl: {base}/oauth2/token
                  basicEncoding: raw
                  clientId: oauth2-client
                  clientSecret: ${env:OAUTH2_SECRET}
                """);
        assertDecisive(r, "basic-encoding", "RFC 6749 §2.3.1", "basicEncoding: form-urlencoded");
    }

    @Test
    void trailingWhitespaceInTheSecret() {
        CredentialReport r = check(SimulatorConfig.defaults(), GENESYS.formatted("genesys-client", "GENESYS_PADDED"));
        assertDecisive(r, "secret-whitespace", "${env:GENESYS_PADDED} has leading or trailing whitespace (2 characters)",
                "remove the whitespace from ${env:GENESYS_PADDED}");
    }

    @Test
    void truncatedSecret() {
        CredentialReport r = check(SimulatorConfig.defaults(), GENESYS.formatted("genesys-client", "GENESYS_TRUNCATED"));
        assertDecisive(r, "secret-wrong", "the client secret is wrong for client id 'genesys-client'", "${env:GENESYS_TRUNCATED}");
        assertThat(r.diagnoses().get(0).sentence()).contains("has 11 characters").contains("truncated");
    }

    @Test
    void unknownClientIdPointsAtTheRegion() {
        CredentialReport r = check(SimulatorConfig.defaults(), GENESYS.formatted("someone-else", "GENESYS_SECRET"));
        assertDecisive(r, "client-unknown", "does not exist in region mypurecloud.ie", "region");
    }

    @Test
    void grantTypeNotAllowedForTheClient() {
        CredentialReport r = check(SimulatorConfig.builder().genesysClient(SimulatorConfig.GenesysClient.of("genesys-client",
                "genesys-secret").withGrants("urn:ietf:params:oauth:grant-type:saml2-bearer")).build(),
                GENESYS.formatted("genesys-client", "GENESYS_SECRET"));
        assertDecisive(r, "grant-not-allowed", "not allowed to use the client_credentials grant", "Grant Type to Client Credentials");
    }

    @Test
    void missingAudience() {
        // The auth0 profile refuses a config without audience; a generic profile pointed at Auth0 shows the server's answer.
        CredentialReport r = check(SimulatorConfig.defaults(), """
                - id: cosmos-generic
                  provider: oauth2
                  tokenUrl: {base}/auth0/oauth/token
                  clientAuth: client_secret_post
                  clientId: auth0-client
                  clientSecret: ${env:AUTH0_SECRET}
                """);
        assertDecisive(r, "missing-audience", "the request carries no audience", "audience:");
    }

    @Test
    void wrongAudience() {
        CredentialReport r = check(SimulatorConfig.defaults(), """
                - id: datacosmos
                  provider: auth0
                  tokenUrl: {base}/auth0/oauth/token
                  audience: https://beeapp.example.org
                  clientId: auth0-client
                  clientSecret: ${env:AUTH0_SECRET}
                """);
        assertDecisive(r, "wrong-audience", "audience 'https://beeapp.example.org' is not an API of this tenant", "audience:");
    }

    @Test
    void scopeNotAllowedNamesTheRefusedScope() {
        CredentialReport r = check(SimulatorConfig.defaults(), """
                - id: generic
                  provider: oauth2
                  tokenUrl: {base}/oauth2/token
                  scopes: [queues:read, admin:all]
                  clientId: oauth2-client
                  clientSecret: ${env:OAUTH2_SECRET}
                """);
        assertDecisive(r, "scope-not-allowed", "refused: admin:all", "scopes: [queues:read]");
        assertThat(r.diagnoses().get(0).sentence()).contains("accepted alone: queues:read")
                .contains("without any scope the server grants: queues:read stats:read");
    }

    @Test
    void wrongHostDoesNotResolve() {
        CredentialReport r = check(SimulatorConfig.defaults(), """
                - id: genesys
                  provider: genesys-cloud
                  region: mypurecloud.ie
                  tokenUrl: http://login.mypurecloud.invalid/oauth/token
                  clientId: genesys-client
                  clientSecret: ${env:GENESYS_SECRET}
                """);
        assertDecisive(r, "host-unresolved", "does not resolve", "set region");
    }

    @Test
    void wrongPathIs404() {
        CredentialReport r = check(SimulatorConfig.defaults(), """
                - id: genesys
                  provider: genesys-cloud
                  loginBaseUrl: {base}/genesys/api
                  clientId: genesys-client
                  clientSecret: ${env:GENESYS_SECRET}
                """);
        assertDecisive(r, "endpoint-not-found", "no token endpoint at", "region");
    }

    @Test
    void clockSkewFromTheVendorsDateHeader() {
        // The simulator's clock and the doctor's are both fixed at the same instant: the skew is exactly the fault's.
        Instant now = Instant.parse("2024-05-06T10:00:00Z");
        sim = LOGINS.startSim(SimulatorConfig.builder().clock(SimulatorConfig.Clock.frozenAt(now)).build());
        sim.faults().set(Vendor.GENESYS, FaultSpec.none().withClockSkew(Duration.ofMinutes(-7)));
        CredentialSpec spec = LOGINS.spec(GENESYS.formatted("genesys-client", "GENESYS_SECRET"), ENV);
        CredentialReport r = new Doctor(LOGINS.client(), Clock.fixed(now, ZoneOffset.UTC), Duration.ofSeconds(60)).check(spec);
        assertThat(r.ok()).isTrue();
        Diagnosis skew = r.find("clock-skew").orElseThrow(() -> new AssertionError("no clock-skew in " + r.diagnoses()));
        assertThat(skew.severity()).isEqualTo(Severity.WARNING);
        assertThat(skew.sentence()).contains("is 7 min behind this machine's clock");
        assertThat(skew.change()).contains("NTP");
    }

    @Test
    void cognosUnknownNamespaceAndBadPassword() {
        CredentialReport ns = check(SimulatorConfig.defaults(), """
                - id: cognos
                  provider: cognos-analytics
                  baseUrl: {base}/cognos
                  namespace: ActiveDirectory
                  username: cognos-user
                  password: ${env:COGNOS_PASSWORD}
                """);
        assertDecisive(ns, "cognos-namespace", "namespace 'ActiveDirectory' is not known", "namespace:");
        sim.close();
        CredentialReport pw = check(SimulatorConfig.defaults(), """
                - id: cognos
                  provider: cognos-analytics
                  baseUrl: {base}/cognos
                  namespace: LDAP
                  username: cognos-user
                  password: ${env:GENESYS_SECRET}
                """);
        assertDecisive(pw, "cognos-credentials", "Cognos rejected user 'cognos-user' in namespace 'LDAP'", "password");
    }

    @Test
    void rateLimitedVendorErrorAndUnreachable() {
        sim = LOGINS.startSim(SimulatorConfig.defaults());
        CredentialSpec spec = LOGINS.spec(GENESYS.formatted("genesys-client", "GENESYS_SECRET"), ENV);
        sim.faults().set(Vendor.GENESYS, FaultSpec.none().withTooManyRequests(1, 42));
        CredentialReport limited = doctor.check(spec);
        assertDecisive(limited, "rate-limited", "waits 42 s", "wait 42 s");

        sim.faults().set(Vendor.GENESYS, FaultSpec.none().withServerErrors(1.0, 502));
        assertDecisive(doctor.check(spec), "vendor-error", "502", "try again later");

        sim.close();
        CredentialReport down = doctor.check(spec);
        sim = null;
        assertDecisive(down, "vendor-unreachable", "was refused", "port");
    }

    @Test
    void missingExpiresInAndNarrowedScopesAreWarnings() {
        CredentialReport r = check(SimulatorConfig.builder().oauth2(o -> o.withOmitExpiresIn(true)).build(), """
                - id: generic
                  provider: oauth2
                  issuer: {base}/oauth2
                  scopes: [queues:read]
                  clientId: oauth2-client
                  clientSecret: ${env:OAUTH2_SECRET}
                  defaultLifetime: PT15M
                """);
        assertThat(r.ok()).isTrue();
        assertThat(r.codes()).containsExactly("login-ok", "lifetime-unknown");
        assertThat(r.find("lifetime-unknown").orElseThrow().sentence()).contains("assumes defaultLifetime 15 min");
        assertThat(r.grantedScopes()).containsExactly("queues:read");

        sim.close();
        CredentialReport narrowed = check(SimulatorConfig.defaults(), """
                - id: datacosmos
                  provider: auth0
                  tokenUrl: {base}/auth0/oauth/token
                  audience: https://beeapp.open-cosmos.com
                  scopes: [read:stats, write:stats]
                  clientId: auth0-client
                  clientSecret: ${env:AUTH0_SECRET}
                """);
        assertThat(narrowed.ok()).isTrue();
        assertThat(narrowed.find("scopes-narrowed").orElseThrow().sentence()).contains("write:stats missing");
    }

    @Test
    void cxoneWrongAccessKeyAndWorkingTenantDiscovery() {
        CredentialReport bad = check(SimulatorConfig.defaults(), """
                - id: cxone
                  provider: nice-cxone
                  authBaseUrl: {base}/cxone
                  apiHostTemplate: {base}/cxone/api-{area}
                  clientId: cxone-client
                  clientSecret: ${env:CXONE_SECRET}
                  accessKeyId: cxone-key-id
                  accessKeySecret: ${env:GENESYS_SECRET}
                """);
        assertDecisive(bad, "access-key-wrong", "access key id 'cxone-key-id'", "accessKeySecret");
        sim.close();
        CredentialReport ok = check(SimulatorConfig.defaults(), """
                - id: cxone
                  provider: nice-cxone
                  authBaseUrl: {base}/cxone
                  apiHostTemplate: {base}/cxone/api-{area}
                  clientId: cxone-client
                  clientSecret: ${env:CXONE_SECRET}
                  accessKeyId: cxone-key-id
                  accessKeySecret: ${env:CXONE_KEY_SECRET}
                """);
        assertThat(ok.ok()).isTrue();
        assertThat(ok.tenantId()).isEqualTo("tenant-1");
        assertThat(ok.apiBaseUrl()).startsWith(sim.baseUrl() + "/cxone/api-");
        assertThat(ok.diagnoses().get(0).sentence()).contains("tenant tenant-1").contains("the token lives 1 h");
    }
}
