package io.switchboard.token.login;

import static io.switchboard.token.login.SimSupport.await;
import static io.switchboard.token.login.SimSupport.failure;
import static io.switchboard.token.login.SimSupport.specs;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.switchboard.simulator.FaultSpec;
import io.switchboard.simulator.RecordedRequest;
import io.switchboard.simulator.SimulatorConfig;
import io.switchboard.simulator.Vendor;
import io.switchboard.simulator.VendorSimulator;
import io.switchboard.token.login.LoginException.Kind;

/** Every provider profile and failure mode against the vendor simulator over a real 127.0.0.1 socket. */
class LoginProfilesSimTest {

    private static final Map<String, String> ENV = Map.of(
            "GENESYS_SECRET", "genesys-secret",
            "GENESYS_PLUS", "gen+sec%ret=",
            "WRONG_SECRET", "not-the-secret",
            "CXONE_SECRET", "cxone-client-secret",
            "CXONE_KEY_SECRET", "cxone/key+secret==",
            "COGNOS_PASSWORD", "cognos-password",
            "COGNOS_API_KEY", "cognos-api-key",
            "AUTH0_SECRET", "auth0-secret",
            "OAUTH2_SECRET", "p@ss+w%rd/=");

    @RegisterExtension
    static final SimLoginFixture LOGINS = new SimLoginFixture();

    private LoginClient client;
    private VendorSimulator sim;

    @BeforeEach
    void client() {
        client = LOGINS.client();
    }

    private VendorSimulator sim(SimulatorConfig config) {
        sim = LOGINS.startSim(config);
        return sim;
    }

    private CredentialSpec spec(String yamlItem) {
        return LOGINS.spec(yamlItem, ENV);
    }

    /** The generic OAuth2 client with a wrong secret. */
    private static final String OAUTH2_WRONG_SECRET = """
            - id: wrong
              provider: oauth2
              tokenUrl: {base}/oauth2/token
              clientId: oauth2-client
              clientSecret: ${env:WRONG_SECRET}
            """;

    private CredentialSpec genesys(String clientId, String secretEnv) {
        return spec("""
                - id: genesys
                  provider: genesys-cloud
                  region: mypurecloud.ie
                  loginBaseUrl: {base}/genesys/login
                  apiBaseUrl: {base}/genesys/api
                  clientId: %s
                  clientSecret: ${env:%s}
                """.formatted(clientId, secretEnv));
    }

    // ------------------------------------------------------------------ Genesys

    @Test
    void genesysLogsInWithRawBasicAndForm() {
        // A secret with + % = proves the Basic header is raw: the Genesys simulator compares it undecoded.
        sim(SimulatorConfig.builder().genesysClient(SimulatorConfig.GenesysClient.of("genesys-plus", "gen+sec%ret=")).build());
        LoginResult plus = await(client.bind(genesys("genesys-plus", "GENESYS_PLUS")).login(null));
        assertThat(plus.headers().get("Authorization").reveal()).startsWith("Bearer ");
        sim.requests().clear();
        LoginResult r = await(client.bind(genesys("genesys-client", "GENESYS_SECRET")).login(null));
        assertThat(r.headers().get("Authorization").reveal()).startsWith("Bearer ");
        assertThat(r.lifetime()).isEqualTo(Duration.ofSeconds(86399));
        assertThat(r.apiBaseUrl()).isEqualTo(sim.baseUrl() + "/genesys/api");
        RecordedRequest req = sim.requests().matching(Vendor.GENESYS, "/oauth/token").get(0);
        assertThat(req.header("Authorization")).as("recorded with the secret masked").startsWith("Basic genesys-client:");
        assertThat(req.header("Content-Type")).startsWith("application/x-www-form-urlencoded");
        assertThat(req.body()).isEqualTo("grant_type=client_credentials");
    }

    @Test
    void genesysWrongSecretIsRejectedWithAnActionableSentence() {
        sim(SimulatorConfig.defaults());
        LoginException e = failure(client.bind(genesys("genesys-client", "WRONG_SECRET")).login(null));
        assertThat(e.kind()).isEqualTo(Kind.REJECTED);
        assertThat(e.isRetriable()).isFalse();
        assertThat(e.httpStatus()).isEqualTo(400);
        assertThat(e.vendorCode()).isEqualTo("invalid_client");
        assertThat(e.getMessage()).isEqualTo("Genesys answered 400 invalid_client (authentication failed): the client secret is"
                + " wrong for client id 'genesys-client' in region mypurecloud.ie — copy it again from Admin > OAuth");
    }

    @Test
    void genesysInvalidClientAs401AndUnknownClient() {
        sim(SimulatorConfig.builder().genesys(g -> g.withInvalidClientStatus(401)).build());
        LoginException e = failure(client.bind(genesys("nobody", "GENESYS_SECRET")).login(null));
        assertThat(e.kind()).isEqualTo(Kind.REJECTED);
        assertThat(e.httpStatus()).isEqualTo(401);
        assertThat(e.getMessage()).contains("client id 'nobody' does not exist in region mypurecloud.ie");
    }

    @Test
    void genesysGrantNotAllowedIsRejected() {
        sim(SimulatorConfig.builder().genesysClient(SimulatorConfig.GenesysClient.of("genesys-client", "genesys-secret")
                .withGrants("urn:ietf:params:oauth:grant-type:saml2-bearer")).build());
        LoginException e = failure(client.bind(genesys("genesys-client", "GENESYS_SECRET")).login(null));
        assertThat(e.kind()).isEqualTo(Kind.REJECTED);
        assertThat(e.vendorCode()).isEqualTo("unauthorized_client");
        assertThat(e.getMessage()).contains("is not allowed to use the client_credentials grant").contains("Admin > OAuth");
    }

    @Test
    void rateLimitedWithRetryAfterThenServerErrorIsTransient() {
        sim(SimulatorConfig.defaults());
        CredentialLogin login = client.bind(genesys("genesys-client", "GENESYS_SECRET"));
        sim.faults().set(Vendor.GENESYS, FaultSpec.none().withTooManyRequests(1, 7));
        LoginException limited = failure(login.login(null));
        assertThat(limited.kind()).isEqualTo(Kind.RATE_LIMITED);
        assertThat(limited.isRetriable()).isTrue();
        assertThat(limited.retryAfter()).isEqualTo(Duration.ofSeconds(7));
        assertThat(limited.getMessage()).contains("waits 7 s");

        sim.faults().set(Vendor.GENESYS, FaultSpec.none().withServerErrors(1.0, 503));
        LoginException down = failure(login.login(null));
        assertThat(down.kind()).isEqualTo(Kind.TRANSIENT);
        assertThat(down.httpStatus()).isEqualTo(503);

        sim.faults().set(Vendor.GENESYS, FaultSpec.none().withMalformedJson(1.0));
        LoginException garbled = failure(login.login(null));
        assertThat(garbled.kind()).isEqualTo(Kind.TRANSIENT);
        assertThat(garbled.getMessage()).contains("without an access_token");

        sim.faults().set(Vendor.GENESYS, FaultSpec.none().withConnectionResets(1.0));
        LoginException reset = failure(login.login(null));
        assertThat(reset.kind()).isEqualTo(Kind.TRANSIENT);
        assertThat(reset.httpStatus()).isNull();

        sim.faults().clearAll();
        assertThat(await(login.login(null)).headers()).containsKey("Authorization");
    }

    @Test
    void connectionRefusedIsTransientAnd404IsConfiguration() {
        sim(SimulatorConfig.defaults());
        CredentialSpec missingPath = spec("""
                - id: g404
                  provider: genesys-cloud
                  loginBaseUrl: {base}/genesys/wrong-login
                  clientId: genesys-client
                  clientSecret: ${env:GENESYS_SECRET}
                """);
        LoginException notFound = failure(client.bind(missingPath).login(null));
        assertThat(notFound.kind()).isEqualTo(Kind.CONFIGURATION);
        assertThat(notFound.httpStatus()).isEqualTo(404);
        assertThat(notFound.getMessage()).contains("there is no token endpoint at " + sim.baseUrl() + "/genesys/wrong-login/oauth/token");

        String base = sim.baseUrl();
        sim.close();
        sim = null;
        CredentialSpec refused = specs(("credentials:\n" + """
                - id: gone
                  provider: oauth2
                  tokenUrl: %s/oauth2/token
                  clientId: oauth2-client
                  clientSecret: ${env:OAUTH2_SECRET}
                """.formatted(base).indent(2)), ENV).get("gone");
        LoginException e = failure(client.bind(refused).login(null));
        assertThat(e.kind()).isEqualTo(Kind.TRANSIENT);
        assertThat(e.httpStatus()).isNull();
        assertThat(e.vendorCode()).isEqualTo("connection_refused");
        assertThat(e.getMessage()).contains("was refused");
    }

    @Test
    void unknownHostIsConfiguration() {
        sim(SimulatorConfig.defaults());
        CredentialSpec s = spec("""
                - id: nowhere
                  provider: genesys-cloud
                  region: mypurecloud.ie
                  tokenUrl: http://login.no-such-region.invalid/oauth/token
                  clientId: genesys-client
                  clientSecret: ${env:GENESYS_SECRET}
                """);
        LoginException e = failure(client.bind(s).login(null));
        assertThat(e.kind()).isEqualTo(Kind.CONFIGURATION);
        assertThat(e.vendorCode()).isEqualTo("dns");
        assertThat(e.getMessage()).contains("host login.no-such-region.invalid does not resolve").contains("region 'mypurecloud.ie'");
    }

    // ------------------------------------------------------------------ CXone

    private CredentialSpec cxone(String keySecretEnv) {
        return spec("""
                - id: cxone
                  provider: nice-cxone
                  authBaseUrl: {base}/cxone
                  apiHostTemplate: {base}/cxone/api-{area}
                  clientId: cxone-client
                  clientSecret: ${env:CXONE_SECRET}
                  accessKeyId: cxone-key-id
                  accessKeySecret: ${env:%s}
                """.formatted(keySecretEnv));
    }

    @Test
    void cxonePasswordGrantDiscoversTenantAndApiHostThenRefreshes() {
        sim(SimulatorConfig.defaults());
        CredentialLogin login = client.bind(cxone("CXONE_KEY_SECRET"));
        LoginResult r = await(login.login(null));
        String area = sim.config().cxone().tenants().stream().filter(t -> t.tenantId().equals("tenant-1")).findFirst().orElseThrow().area();
        assertThat(r.tenantId()).isEqualTo("tenant-1");
        assertThat(r.apiBaseUrl()).isEqualTo(sim.cxoneApiUrl(area));
        assertThat(r.metadata()).containsEntry("apiPath", "/inContactAPI/services/v31.0").containsEntry("area", area);
        assertThat(r.lifetime()).isEqualTo(Duration.ofSeconds(3600));
        assertThat(r.refreshToken()).isNotNull();
        RecordedRequest token = sim.requests().matching(Vendor.CXONE, "/auth/token").get(0);
        assertThat(token.header("Authorization")).startsWith("Basic ");
        // The access key secret has '=' '+' '/': the simulator cuts a value at a raw '=', so this login only
        // succeeds because they went out as %3D %2B %2F (the recorded body has the secret masked).
        assertThat(token.body()).contains("grant_type=password").contains("username=cxone-key-id");
        assertThat(sim.requests().matching(Vendor.CXONE, "/.well-known/cxone-configuration")).hasSize(1);

        sim.requests().clear();
        LoginResult refreshed = await(login.login(r));
        assertThat(sim.requests().matching(Vendor.CXONE, "/auth/token").get(0).body()).startsWith("grant_type=refresh_token");
        assertThat(refreshed.headers().get("Authorization")).isNotEqualTo(r.headers().get("Authorization"));
        assertThat(refreshed.tenantId()).isEqualTo("tenant-1");
        assertThat(refreshed.apiBaseUrl()).isEqualTo(r.apiBaseUrl());
    }

    @Test
    void cxoneRefusedRefreshTokenFallsBackToFullLogin() {
        sim(SimulatorConfig.builder().cxone(c -> c.withRefreshTokenSingleUse(true)).build());
        CredentialLogin login = client.bind(cxone("CXONE_KEY_SECRET"));
        LoginResult first = await(login.login(null));
        await(login.login(first)); // uses the single-use refresh token
        sim.requests().clear();
        LoginResult again = await(login.login(first)); // same refresh token again: refused, then a full login
        List<RecordedRequest> tokens = sim.requests().matching(Vendor.CXONE, "/auth/token");
        assertThat(tokens).extracting(RecordedRequest::status).containsExactly(400, 200);
        assertThat(tokens.get(1).body()).startsWith("grant_type=password");
        assertThat(again.tenantId()).isEqualTo("tenant-1");
    }

    @Test
    void cxoneWrongAccessKeySecretIsRejected() {
        sim(SimulatorConfig.defaults());
        LoginException e = failure(client.bind(cxone("WRONG_SECRET")).login(null));
        assertThat(e.kind()).isEqualTo(Kind.REJECTED);
        assertThat(e.vendorCode()).isEqualTo("invalid_grant");
        assertThat(e.getMessage()).contains("access key id 'cxone-key-id'").contains("create a new access key");
    }

    // ------------------------------------------------------------------ Cognos

    private CredentialSpec cognos(String namespace, String secretLine) {
        return spec("""
                - id: cognos
                  provider: cognos-analytics
                  baseUrl: {base}/cognos
                  idleTimeout: PT20M
                %s
                """.formatted((namespace == null ? "" : "  namespace: " + namespace + "\n") + secretLine));
    }

    @Test
    void cognosSessionCarriesSessionAndXsrfHeadersAndIsReusedUntilLoginIsRequired() {
        sim(SimulatorConfig.defaults());
        CredentialLogin login = client.bind(cognos("LDAP", "  username: cognos-user\n  password: ${env:COGNOS_PASSWORD}"));
        LoginResult r = await(login.login(null));
        assertThat(r.headers()).containsKeys("IBM-BA-Authorization", "X-XSRF-Token", "Cookie");
        assertThat(r.headers().get("IBM-BA-Authorization").reveal()).startsWith("CAM ");
        assertThat(r.headers().get("Cookie").reveal()).contains("XSRF-TOKEN=").contains("cam_passport=");
        assertThat(r.lifetime()).isEqualTo(Duration.ofMinutes(20));
        assertThat(r.apiBaseUrl()).isEqualTo(sim.cognosUrl());
        RecordedRequest put = sim.requests().matching(Vendor.COGNOS, "/api/v1/session").get(0);
        assertThat(put.method()).isEqualTo("PUT");
        assertThat(put.body()).contains("\"CAMNamespace\"").contains("\"LDAP\"").contains("\"CAMUsername\"");

        // Before the idle timeout: the same session is kept alive, no new login.
        LoginResult kept = await(login.login(r));
        assertThat(kept.headers()).isEqualTo(r.headers());
        assertThat(sim.requests().matching(Vendor.COGNOS, "/api/v1/session")).extracting(RecordedRequest::method)
                .containsExactly("PUT", "GET");

        // Cognos answers that a login is required (the session ended): a fresh login follows.
        sim.faults().revokeTokens(Vendor.COGNOS);
        LoginResult fresh = await(login.login(r));
        assertThat(fresh.headers().get("IBM-BA-Authorization")).isNotEqualTo(r.headers().get("IBM-BA-Authorization"));
        assertThat(sim.requests().matching(Vendor.COGNOS, "/api/v1/session")).extracting(RecordedRequest::method)
                .containsExactly("PUT", "GET", "GET", "PUT");

        await(login.logout(fresh));
        assertThat(sim.requests().matching(Vendor.COGNOS, "/api/v1/session")).last()
                .satisfies(q -> assertThat(q.method()).isEqualTo("DELETE"))
                .satisfies(q -> assertThat(q.status()).isEqualTo(204));
    }

    @Test
    void cognosApiKeyLogin() {
        sim(SimulatorConfig.defaults());
        LoginResult r = await(client.bind(cognos(null, "  apiKey: ${env:COGNOS_API_KEY}")).login(null));
        assertThat(r.headers()).containsKeys("IBM-BA-Authorization", "X-XSRF-Token");
        assertThat(sim.requests().matching(Vendor.COGNOS, "/api/v1/session").get(0).body()).contains("CAMAPILoginKey");
    }

    @Test
    void cognosBadPasswordAndUnknownNamespaceAreRejected() {
        sim(SimulatorConfig.defaults());
        LoginException bad = failure(client.bind(cognos("LDAP", "  username: cognos-user\n  password: ${env:WRONG_SECRET}")).login(null));
        assertThat(bad.kind()).isEqualTo(Kind.REJECTED);
        assertThat(bad.getMessage()).contains("Cognos rejected user 'cognos-user' in namespace 'LDAP'").contains("CAM-AAA-0036");

        LoginException ns = failure(client.bind(cognos("AD", "  username: cognos-user\n  password: ${env:COGNOS_PASSWORD}")).login(null));
        assertThat(ns.kind()).isEqualTo(Kind.REJECTED);
        assertThat(ns.getMessage()).contains("namespace 'AD' is not known to Cognos");
    }

    // ------------------------------------------------------------------ Auth0

    private CredentialSpec auth0(String audience, String secretEnv) {
        return spec("""
                - id: datacosmos
                  provider: auth0
                  tokenUrl: {base}/auth0/oauth/token
                  audience: %s
                  clientId: auth0-client
                  clientSecret: ${env:%s}
                """.formatted(audience, secretEnv));
    }

    @Test
    void auth0SendsJsonWithAudienceAndReadsTheJwt() {
        sim(SimulatorConfig.defaults());
        LoginResult r = await(client.bind(auth0(SimulatorConfig.DEFAULT_AUTH0_AUDIENCE, "AUTH0_SECRET")).login(null));
        assertThat(r.lifetime()).isEqualTo(Duration.ofHours(24));
        assertThat(r.grantedScopes()).containsExactly("read:stats");
        assertThat(r.metadata()).containsEntry("jwt.aud", SimulatorConfig.DEFAULT_AUTH0_AUDIENCE).containsKey("jwt.exp");
        RecordedRequest req = sim.requests().matching(Vendor.AUTH0, "/oauth/token").get(0);
        assertThat(req.header("Content-Type")).startsWith("application/json");
        assertThat(req.body()).contains("\"audience\":\"https://beeapp.open-cosmos.com\"").contains("\"grant_type\":\"client_credentials\"");
    }

    @Test
    void auth0Failures() {
        sim(SimulatorConfig.builder().auth0(a -> a.withApi("https://other.example.com")).build());
        LoginException secret = failure(client.bind(auth0(SimulatorConfig.DEFAULT_AUTH0_AUDIENCE, "WRONG_SECRET")).login(null));
        assertThat(secret.kind()).isEqualTo(Kind.REJECTED);
        assertThat(secret.vendorCode()).isEqualTo("access_denied");
        assertThat(secret.getMessage()).contains("the client secret is wrong for client id 'auth0-client'");

        LoginException unknown = failure(client.bind(auth0("https://unknown.example.com", "AUTH0_SECRET")).login(null));
        assertThat(unknown.kind()).isEqualTo(Kind.CONFIGURATION);
        assertThat(unknown.getMessage()).contains("audience 'https://unknown.example.com' is not an API of this tenant");

        LoginException noGrant = failure(client.bind(auth0("https://other.example.com", "AUTH0_SECRET")).login(null));
        assertThat(noGrant.kind()).isEqualTo(Kind.REJECTED);
        assertThat(noGrant.getMessage()).contains("has no grant for API 'https://other.example.com'");
    }

    @Test
    void auth0RateLimitUsesRetryAfter() {
        // Frozen simulated clock: both logins fall into the same rate-limit minute however slow the machine is.
        sim(SimulatorConfig.builder().clock(SimulatorConfig.Clock.frozenAt(java.time.Instant.parse("2024-05-06T10:00:00Z")))
                .auth0(a -> a.withRateLimitPerMinute(1)).build());
        CredentialLogin login = client.bind(auth0(SimulatorConfig.DEFAULT_AUTH0_AUDIENCE, "AUTH0_SECRET"));
        await(login.login(null));
        LoginException e = failure(login.login(null));
        assertThat(e.kind()).isEqualTo(Kind.RATE_LIMITED);
        assertThat(e.retryAfter()).isPositive().isLessThanOrEqualTo(Duration.ofSeconds(60));
    }

    // ------------------------------------------------------------------ generic OAuth2

    @Test
    void oauth2DiscoversTheTokenEndpointAndEncodesBasicPerRfc6749() {
        sim(SimulatorConfig.defaults());
        CredentialSpec s = spec("""
                - id: generic
                  provider: oauth2
                  issuer: {base}/oauth2
                  scopes: [queues:read]
                  extraParams: {resource: https://api.example.com}
                  clientId: oauth2-client
                  clientSecret: ${env:OAUTH2_SECRET}
                """);
        LoginResult r = await(client.bind(s).login(null));
        assertThat(r.grantedScopes()).containsExactly("queues:read");
        assertThat(r.lifetime()).isNotNull();
        RecordedRequest token = sim.requests().matching(Vendor.OAUTH2, "/token").get(0);
        assertThat(token.body()).contains("scope=queues%3Aread").contains("resource=https%3A%2F%2Fapi.example.com");
        assertThat(token.header("Authorization")).startsWith("Basic ");
    }

    @Test
    void oauth2ClientSecretPostRefreshTokenAndMissingExpiresIn() {
        sim(SimulatorConfig.builder()
                .oauth2Client(SimulatorConfig.OAuth2Client.of("oauth2-client", "p@ss+w%rd/=").withRefreshTokens())
                .oauth2(o -> o.withOmitExpiresIn(true)).build());
        CredentialSpec s = spec("""
                - id: generic
                  provider: oauth2
                  tokenUrl: {base}/oauth2/token
                  clientAuth: client_secret_post
                  clientId: oauth2-client
                  clientSecret: ${env:OAUTH2_SECRET}
                  defaultLifetime: PT10M
                """);
        CredentialLogin login = client.bind(s);
        LoginResult r = await(login.login(null));
        assertThat(r.lifetime()).as("vendor did not say").isNull();
        assertThat(s.defaultLifetime()).isEqualTo(Duration.ofMinutes(10));
        assertThat(r.refreshToken()).isNotNull();
        assertThat(sim.requests().matching(Vendor.OAUTH2, "/token").get(0).body()).contains("client_id=oauth2-client");
        sim.requests().clear();
        LoginResult refreshed = await(login.login(r));
        assertThat(sim.requests().matching(Vendor.OAUTH2, "/token").get(0).body()).startsWith("grant_type=refresh_token");
        assertThat(refreshed.headers().get("Authorization")).isNotEqualTo(r.headers().get("Authorization"));
    }

    @Test
    void oauth2FailureModes() {
        sim(SimulatorConfig.defaults());
        CredentialSpec scope = spec("""
                - id: scope
                  provider: oauth2
                  tokenUrl: {base}/oauth2/token
                  scopes: [queues:read, admin:all]
                  clientId: oauth2-client
                  clientSecret: ${env:OAUTH2_SECRET}
                """);
        LoginException e = failure(client.bind(scope).login(null));
        assertThat(e.kind()).isEqualTo(Kind.CONFIGURATION);
        assertThat(e.vendorCode()).isEqualTo("invalid_scope");
        assertThat(e.getMessage()).contains("scope 'queues:read admin:all' is not allowed");

        CredentialSpec wrong = spec(OAUTH2_WRONG_SECRET);
        LoginException invalid = failure(client.bind(wrong).login(null));
        assertThat(invalid.kind()).isEqualTo(Kind.REJECTED);
        assertThat(invalid.httpStatus()).isEqualTo(401);
        assertThat(invalid.vendorCode()).isEqualTo("invalid_client");
        assertThat(invalid.getMessage()).contains("switchboard doctor --credential wrong");
    }

    @Test
    void oauth2EmptyInvalidClientBodyIsRejected() {
        sim(SimulatorConfig.builder().oauth2(o -> o.withEmptyInvalidClientBody(true)).build());
        CredentialSpec wrong = spec(OAUTH2_WRONG_SECRET);
        LoginException e = failure(client.bind(wrong).login(null));
        assertThat(e.kind()).isEqualTo(Kind.REJECTED);
        assertThat(e.vendorCode()).isNull();
        assertThat(e.getMessage()).contains("without saying why");
        assertThat(Set.of(e.httpStatus())).containsExactly(401);
    }
}
