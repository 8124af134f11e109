package io.switchboard.token.login;

import static io.switchboard.token.login.SimSupport.await;
import static io.switchboard.token.login.SimSupport.failure;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import io.switchboard.core.ConfigException;
import io.switchboard.simulator.SimulatorConfig;
import io.switchboard.simulator.Vendor;
import io.switchboard.simulator.VendorSimulator;
import io.switchboard.token.doctor.CredentialReport;
import io.switchboard.token.doctor.Diagnosis;
import io.switchboard.token.doctor.Doctor;
import io.switchboard.token.login.LoginException.Kind;
import io.switchboard.token.login.internal.LoginHttp;

/**
 * The vendor simulator in its HTTPS mode, with a self-signed certificate generated for each test by the JDK's keytool
 * (nothing committed; subject alternative names localhost and 127.0.0.1, so the host name is verified too): a login
 * is refused by default, before any secret is sent, with an error naming TLS verification and the
 * {@code credentials[].caBundle} key; the doctor says so in one sentence; with the credential's {@code caBundle}
 * naming the certificate, the login works and a token is issued. Real sockets on 127.0.0.1.
 */
class LoginTlsSimTest {

    private static final Map<String, String> ENV = Map.of("GENESYS_SECRET", "genesys-secret", "COGNOS_PASSWORD", "cognos-password");

    @RegisterExtension
    static final SimLoginFixture LOGINS = new SimLoginFixture();

    @TempDir
    Path dir;

    private SimulatorConfig.Tls startHttpsSim() {
        SimulatorConfig.Tls tls = SimulatorConfig.Tls.selfSigned(dir.resolve("tls"));
        VendorSimulator sim = LOGINS.startSim(SimulatorConfig.builder().tls(tls).build());
        assertThat(sim.baseUrl()).startsWith("https://127.0.0.1:");
        return tls;
    }

    private static String genesys(String caBundleLine) {
        return """
                - id: genesys-eu
                  provider: genesys-cloud
                  region: mypurecloud.ie
                  loginBaseUrl: {base}/genesys/login
                  apiBaseUrl: {base}/genesys/api
                  clientId: genesys-client
                  clientSecret: ${env:GENESYS_SECRET}
                """ + (caBundleLine == null ? "" : "  " + caBundleLine + "\n");
    }

    @Test
    void aLoginToAVendorWithAnUntrustedCertificateIsRefusedNamingTlsVerificationAndTheKey() {
        startHttpsSim();
        CredentialSpec spec = LOGINS.spec(genesys(null), ENV);
        assertThat(spec.caBundle()).isNull();

        LoginException e = failure(LOGINS.client().bind(spec).login(null));

        assertThat(e.kind()).isEqualTo(Kind.CONFIGURATION);
        assertThat(e.isRetriable()).isFalse();
        assertThat(e.httpStatus()).isNull();
        assertThat(e.vendorCode()).isEqualTo(LoginHttp.TLS_UNTRUSTED);
        assertThat(e.getMessage()).contains("TLS verification failed", "the certificate is not trusted",
                        LOGINS.sim().baseUrl().substring("https://".length()), "credentials[].caBundle",
                        "SWITCHBOARD_CREDENTIALS_GENESYS_EU_CA_BUNDLE", "credential 'genesys-eu'")
                .doesNotContain("genesys-secret");
        assertThat(LOGINS.sim().requests().matching(Vendor.GENESYS, "/oauth/token")).as("refused before any request").isEmpty();
    }

    @Test
    void withTheCredentialsCaBundleTheLoginWorksAndATokenIsIssued() {
        SimulatorConfig.Tls tls = startHttpsSim();
        CredentialSpec spec = LOGINS.spec(genesys("caBundle: " + tls.certificate()), ENV);
        assertThat(spec.caBundle()).isEqualTo(tls.certificate());

        LoginResult r = await(LOGINS.client().bind(spec).login(null));

        assertThat(r.headers().get("Authorization").reveal()).startsWith("Bearer ");
        assertThat(r.apiBaseUrl()).isEqualTo(LOGINS.sim().baseUrl() + "/genesys/api");
        assertThat(LOGINS.sim().requests().matching(Vendor.GENESYS, "/oauth/token")).hasSize(1);
    }

    @Test
    void aCognosSessionLoginUsesTheCaBundleToo() {
        SimulatorConfig.Tls tls = startHttpsSim();
        String cognos = """
                - id: cognos
                  provider: cognos-analytics
                  baseUrl: {base}/cognos
                  namespace: LDAP
                  username: cognos-user
                  password: ${env:COGNOS_PASSWORD}
                """;
        LoginException refused = failure(LOGINS.client().bind(LOGINS.spec(cognos, ENV)).login(null));
        assertThat(refused.vendorCode()).isEqualTo(LoginHttp.TLS_UNTRUSTED);
        assertThat(refused.getMessage()).contains("credentials[].caBundle").doesNotContain("cognos-password");

        LoginResult r = await(LOGINS.client().bind(LOGINS.spec(cognos + "  caBundle: " + tls.certificate() + "\n", ENV)).login(null));
        assertThat(r.headers()).isNotEmpty();
    }

    @Test
    void aCaBundleThatDoesNotHoldTheIssuerSaysSo() {
        startHttpsSim();
        Path other = SimulatorConfig.Tls.selfSigned(dir.resolve("other")).certificate();
        CredentialSpec spec = LOGINS.spec(genesys("caBundle: " + other), ENV);

        LoginException e = failure(LOGINS.client().bind(spec).login(null));

        assertThat(e.vendorCode()).isEqualTo(LoginHttp.TLS_UNTRUSTED);
        assertThat(e.getMessage()).contains("TLS verification failed", "the CA bundle " + other, "does not hold the CA that issued it");
    }

    @Test
    void aCaBundleRemovedAfterStartUpIsReportedAsAConfigurationProblemNamingTheFile() throws Exception {
        SimulatorConfig.Tls tls = startHttpsSim();
        Path copy = Files.copy(tls.certificate(), dir.resolve("copy.pem"));
        CredentialSpec spec = LOGINS.spec(genesys("caBundle: " + copy), ENV);
        Files.delete(copy);
        try (LoginClient fresh = new LoginClient(LOGINS.vertx())) {
            LoginException e = failure(fresh.bind(spec).login(null));
            assertThat(e.kind()).isEqualTo(Kind.CONFIGURATION);
            assertThat(e.getMessage()).contains(copy.toString()).contains("credentials[].caBundle");
        }
    }

    @Test
    void theDoctorSaysInOneSentenceThatTheCertificateIsNotTrustedAndWhichKeyToSet() {
        SimulatorConfig.Tls tls = startHttpsSim();
        Doctor doctor = new Doctor(LOGINS.client());

        CredentialReport refused = doctor.check(LOGINS.spec(genesys(null), ENV));

        assertThat(refused.ok()).isFalse();
        Diagnosis d = refused.diagnoses().get(0);
        assertThat(d.code()).isEqualTo("tls-untrusted");
        assertThat(d.severity()).isEqualTo(Diagnosis.Severity.ERROR);
        assertThat(d.sentence()).startsWith("TLS verification failed: the vendor's certificate is not trusted")
                .contains("set credentials[].caBundle to a PEM file of the CA that issued it").endsWith(".");
        assertThat(d.sentence()).as("one sentence").doesNotContain(". ").doesNotContain("\n");
        assertThat(d.change()).contains("caBundle:");
        assertThat(LOGINS.sim().requests().matching(Vendor.GENESYS, "/oauth/token")).isEmpty();

        CredentialReport trusted = doctor.check(LOGINS.spec(genesys("caBundle: " + tls.certificate()), ENV));
        assertThat(trusted.ok()).as("%s", trusted.diagnoses()).isTrue();
        assertThat(trusted.diagnoses().get(0).code()).isEqualTo("login-ok");
    }

    @Test
    void theCaBundleIsCheckedAtConfigLoad() throws Exception {
        Path missing = dir.resolve("missing.pem");
        Path notPem = Files.writeString(dir.resolve("key.pem"), "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n");
        String yaml = """
                kafka: {bootstrapServers: "127.0.0.1:9092"}
                schemaRegistry: {url: "http://127.0.0.1:8081"}
                encryption: {activeKeyId: k1, keys: {k1: "${env:K}"}}
                credentials:
                  - id: a
                    provider: oauth2
                    tokenUrl: https://login.example.com/oauth/token
                    clientId: a
                    clientSecret: ${env:S}
                    caBundle: %s
                  - id: b
                    provider: oauth2
                    tokenUrl: https://login.example.com/oauth/token
                    clientId: b
                    clientSecret: ${env:S}
                    caBundle: %s
                """.formatted(missing, notPem);
        Map<String, String> env = Map.of("K", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", "S", "s");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> io.switchboard.token.TokenManagerConfig.parse(yaml, "switchboard.yaml", env))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("credentials[0].caBundle").hasMessageContaining("is not a readable file")
                .hasMessageContaining("credentials[1].caBundle").hasMessageContaining("has no -----BEGIN CERTIFICATE----- block");
    }

    @Test
    void theCaBundleIsOverriddenByTheCredentialsEnvironmentVariable() {
        SimulatorConfig.Tls tls = startHttpsSim();
        Map<String, String> env = new java.util.HashMap<>(ENV);
        env.put("SWITCHBOARD_CREDENTIALS_GENESYS_EU_CA_BUNDLE", tls.certificate().toString());
        String yaml = """
                kafka: {bootstrapServers: "127.0.0.1:9092"}
                schemaRegistry: {url: "http://127.0.0.1:8081"}
                encryption: {activeKeyId: k1, keys: {k1: "${env:K}"}}
                credentials:
                """ + genesys(null).replace("{base}", LOGINS.sim().baseUrl()).indent(2);
        env.put("K", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=");
        CredentialSpec spec = io.switchboard.token.TokenManagerConfig.parse(yaml, "switchboard.yaml", env).credentials().get(0);
        assertThat(spec.caBundle()).isEqualTo(tls.certificate());
        assertThat(await(LOGINS.client().bind(spec).login(null)).headers().get("Authorization").reveal()).startsWith("Bearer ");
    }
}
