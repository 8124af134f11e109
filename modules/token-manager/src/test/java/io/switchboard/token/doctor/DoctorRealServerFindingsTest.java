package io.switchboard.token.doctor;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.switchboard.simulator.SimulatorConfig;
import io.switchboard.simulator.VendorSimulator;
import io.switchboard.token.doctor.Diagnosis.Severity;
import io.switchboard.token.login.SimLoginFixture;

/**
 * What the doctor got wrong when tried against real third-party servers (issue 8), each reproduced
 * against the simulator over HTTP: token URLs that redirect to a browser login page, issuers without
 * metadata, a client id that needs form-urlencoding, advice to run the doctor inside the doctor's own
 * report, "1 characters" and "; The".
 */
class DoctorRealServerFindingsTest {

    private static final Map<String, String> ENV = Map.of(
            "OAUTH2_SECRET", "p@ss+w%rd/=",
            "PLAIN_SECRET", "plain-secret",
            "PADDED_ONE", "plain-secret ",
            "GENESYS_SECRET", "genesys-secret",
            "GENESYS_WRONG", "g");

    @RegisterExtension
    static final SimLoginFixture LOGINS = new SimLoginFixture();

    private Doctor doctor;
    private VendorSimulator sim;

    @BeforeEach
    void doctor() {
        doctor = new Doctor(LOGINS.client());
    }

    /** Checks the credential against a fresh simulator, and every sentence against the rules the findings share. */
    private CredentialReport check(SimulatorConfig config, String yamlItem) {
        sim = LOGINS.startSim(config);
        CredentialReport r = doctor.check(LOGINS.spec(yamlItem, ENV));
        for (Diagnosis d : r.diagnoses()) {
            String text = d.sentence() + " " + (d.change() == null ? "" : d.change());
            assertThat(text).as("%s: the doctor's own report never sends the user to the doctor", d.code())
                    .doesNotContain("switchboard doctor").doesNotContainIgnoringCase("run doctor");
            assertThat(text).as("%s: sentences are joined in lower case", d.code()).doesNotContain("; The ");
            assertThat(text).as("%s: plural", d.code()).doesNotContainPattern("\\b1 characters");
            assertThat(text).as("%s: no advice to follow a redirect blindly", d.code()).doesNotContain("final URL");
        }
        return r;
    }

    private static Diagnosis decisive(CredentialReport r, String code) {
        assertThat(r.ok()).isFalse();
        Diagnosis d = r.diagnoses().get(0);
        assertThat(d.code()).as("decisive diagnosis of %s", r.diagnoses()).isEqualTo(code);
        assertThat(d.severity()).isEqualTo(Severity.ERROR);
        return d;
    }

    private static SimulatorConfig withLoginPage() {
        return SimulatorConfig.builder().oauth2(o -> o.withLoginPageRedirect(true)).build();
    }

    @Test
    void theIssuerUrlUsedAsTokenUrlRedirectsToALoginPageAndTheChangeNamesTheTokenEndpoint() {
        CredentialReport r = check(withLoginPage(), """
                - id: sso
                  provider: oauth2
                  tokenUrl: {base}/oauth2
                  clientId: oauth2-client
                  clientSecret: ${env:OAUTH2_SECRET}
                """);
        Diagnosis d = decisive(r, "token-url-login-page");
        assertThat(d.sentence()).contains(sim.oauth2Issuer() + " is not a token endpoint", "302",
                "redirect to " + sim.oauth2Issuer() + "/login", "an HTML login page");
        // The token path from the server's own metadata, not the login page the redirect ends on.
        assertThat(d.change()).startsWith("tokenUrl: " + sim.oauth2Issuer() + "/token ").doesNotContain("/login");
    }

    @Test
    void aMistypedTokenPathOnAServerWithABrowserLoginPointsAtTheTokenPath() {
        CredentialReport r = check(withLoginPage(), """
                - id: sso
                  provider: oauth2
                  tokenUrl: {base}/oauth2/oauth/token
                  clientId: oauth2-client
                  clientSecret: ${env:OAUTH2_SECRET}
                """);
        Diagnosis d = decisive(r, "token-url-login-page");
        assertThat(d.sentence()).contains("/oauth2/oauth/token is not a token endpoint", "an HTML login page");
        assertThat(d.change()).startsWith("tokenUrl: " + sim.oauth2Issuer() + "/token ");

        // With the change applied, the same credential logs in.
        CredentialReport fixed = check(withLoginPage(), """
                - id: sso
                  provider: oauth2
                  tokenUrl: {base}/oauth2/token
                  clientId: oauth2-client
                  clientSecret: ${env:OAUTH2_SECRET}
                """);
        assertThat(fixed.ok()).as("report %s", fixed.diagnoses()).isTrue();
    }

    @Test
    void anIssuerWithoutMetadataHasItsOwnCodeAndAChangeLine() {
        CredentialReport oneTooMany = check(SimulatorConfig.defaults(), """
                - id: generic
                  provider: oauth2
                  issuer: {base}/oauth2/v1
                  clientId: oauth2-client
                  clientSecret: ${env:OAUTH2_SECRET}
                """);
        Diagnosis d = decisive(oneTooMany, "issuer-metadata-not-found");
        assertThat(d.sentence()).contains("no authorization server metadata for issuer " + sim.baseUrl() + "/oauth2/v1",
                sim.baseUrl() + "/.well-known/oauth-authorization-server/oauth2/v1 answered 404",
                sim.baseUrl() + "/oauth2/v1/.well-known/openid-configuration answered 404",
                "the server publishes metadata for issuer " + sim.oauth2Issuer());
        assertThat(d.change()).isEqualTo("issuer: " + sim.oauth2Issuer());

        CredentialReport none = check(SimulatorConfig.defaults(), """
                - id: generic
                  provider: oauth2
                  issuer: {base}/auth0
                  clientId: oauth2-client
                  clientSecret: ${env:OAUTH2_SECRET}
                """);
        Diagnosis n = decisive(none, "issuer-metadata-not-found");
        assertThat(n.sentence()).contains("no authorization server metadata for issuer " + sim.baseUrl() + "/auth0");
        assertThat(n.change()).startsWith("tokenUrl: <the server's token endpoint, e.g. " + sim.baseUrl() + "/auth0/token>")
                .contains("or issuer:");
    }

    @Test
    void aClientIdThatNeedsFormUrlEncodingIsNamedInTheSentence() {
        SimulatorConfig config = SimulatorConfig.builder()
                .oauth2Client(SimulatorConfig.OAuth2Client.of("stats+reader@example", "plain-secret")).build();
        CredentialReport r = check(config, """
                - id: generic
                  provider: oauth2
                  tokenUrl: {base}/oauth2/token
                  basicEncoding: raw
                  clientId: stats+reader@example
                  clientSecret: ${env:PLAIN_SECRET}
                """);
        Diagnosis d = decisive(r, "basic-encoding");
        assertThat(d.sentence()).contains("the client id 'stats+reader@example' contains '+', '@'")
                .doesNotContain("the secret contains");
        assertThat(d.change()).isEqualTo("basicEncoding: form-urlencoded");

        // Both need it: both are named, the secret without its characters.
        CredentialReport both = check(SimulatorConfig.builder()
                .oauth2Client(SimulatorConfig.OAuth2Client.of("stats+reader@example", "p@ss+w%rd/=")).build(), """
                - id: generic
                  provider: oauth2
                  tokenUrl: {base}/oauth2/token
                  basicEncoding: raw
                  clientId: stats+reader@example
                  clientSecret: ${env:OAUTH2_SECRET}
                """);
        assertThat(decisive(both, "basic-encoding").sentence())
                .contains("the client id 'stats+reader@example' contains '+', '@', and the secret characters such as + % =")
                .doesNotContain("p@ss");
    }

    @Test
    void oneWhitespaceCharacterIsSingularAndTheGenericServerIsLowerCaseInTheSentence() {
        SimulatorConfig config = SimulatorConfig.builder()
                .oauth2Client(SimulatorConfig.OAuth2Client.of("plain", "plain-secret")).build();
        CredentialReport r = check(config, """
                - id: generic
                  provider: oauth2
                  tokenUrl: {base}/oauth2/token
                  clientId: plain
                  clientSecret: ${env:PADDED_ONE}
                """);
        Diagnosis d = decisive(r, "secret-whitespace");
        assertThat(d.sentence()).contains("has leading or trailing whitespace (1 character); the OAuth2 server accepts the secret without it");
    }

    @Test
    void aWrongSecretNeverAdvisesRunningTheDoctor() {
        SimulatorConfig config = SimulatorConfig.builder()
                .oauth2Client(SimulatorConfig.OAuth2Client.of("plain", "plain-secret")).build();
        CredentialReport r = check(config, """
                - id: generic
                  provider: oauth2
                  tokenUrl: {base}/oauth2/token
                  clientId: plain
                  clientSecret: ${env:GENESYS_WRONG}
                """);
        Diagnosis d = decisive(r, "secret-wrong");
        // The login's own message says "or run `switchboard doctor …`"; here only the facts and the change remain.
        assertThat(d.sentence()).contains("was not accepted with a Basic Authorization header — check the secret (the configured"
                + " clientSecret from ${env:GENESYS_WRONG} has 1 character:", "Basic and body client authentication were both tried");
        assertThat(d.change()).contains("copy the clientSecret again into ${env:GENESYS_WRONG}");
    }

    @Test
    void ownSentenceRemovesEveryFormOfTheAdviceAndKeepsTheRest() {
        assertThat(Doctor.ownSentence("X answered 401 invalid_client: the secret of client id 'c' was not accepted with Basic"
                + " — check the secret, or run `switchboard doctor --credential g` to try the other client authentication methods"
                + " and encodings")).isEqualTo("X answered 401 invalid_client: the secret of client id 'c' was not accepted with Basic"
                + " — check the secret");
        assertThat(Doctor.ownSentence("X answered 400 invalid_request: the server found the login request malformed — run"
                + " `switchboard doctor --credential g` to try the documented variants"))
                .isEqualTo("X answered 400 invalid_request: the server found the login request malformed");
        assertThat(Doctor.ownSentence("X answered 403: the server refused client id 'c' — check the client secret;"
                + " `switchboard doctor --credential g` tries Basic vs body authentication and the encodings"))
                .isEqualTo("X answered 403: the server refused client id 'c' — check the client secret");
        assertThat(Doctor.ownSentence("A — check the secret, or run `switchboard doctor --credential g` to try encodings (the configured"
                + " clientSecret has 3 characters)")).isEqualTo("A — check the secret (the configured clientSecret has 3 characters)");
        assertThat(Doctor.ownSentence("Cognos answered 400: the session login was not accepted — run `switchboard doctor --credential c`"))
                .isEqualTo("Cognos answered 400: the session login was not accepted");
        assertThat(Doctor.ownSentence("X answered 302: the token endpoint redirects to https://h/login — set tokenUrl to the final URL"))
                .isEqualTo("X answered 302: the token endpoint redirects to https://h/login");
        assertThat(Doctor.characters(1)).isEqualTo("1 character");
        assertThat(Doctor.characters(2)).isEqualTo("2 characters");
    }
}
