package io.switchboard.poll;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.switchboard.core.ConfigException;
import io.switchboard.core.config.ConfigKey;
import io.switchboard.poll.vendor.CredentialHttpSettings;
import io.switchboard.poll.vendor.VendorHttpOptions;
import io.switchboard.simulator.SimulatorConfig;

/** The poller: and poll: sections: defaults, overrides, and every problem reported at once. */
class PollerConfigTest {

    private static final String KEY = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";
    private static final Map<String, String> ENV = Map.of("TOKEN_KEY", KEY);

    private static final String BASE = """
            kafka:
              bootstrapServers: broker-1:9092,broker-2:9092
              topicPrefix: acme
              requestPartitions: 6          # the token manager's key: not checked here
            schemaRegistry:
              url: http://registry:8081
            encryption:
              activeKeyId: k1
              keys: {k1: "${env:TOKEN_KEY}"}
            """;

    @Test
    void readsThePollSectionsOfTheCredentialsWithDefaults() {
        PollerConfig c = PollerConfig.parse(BASE + """
                poller:
                  instanceId: poller-7
                  ops: {port: 0}
                credentials:
                  - id: genesys-eu
                    provider: genesys-cloud
                    clientId: abc                       # the token manager's keys are not checked here
                    poll:
                      - endpoint: genesys.queue-observations
                        queueNames: ["Support*"]
                        metrics: [oWaiting, oInteracting]
                      - endpoint: genesys.conversation-aggregates
                        name: intervals
                        interval: PT1M
                        batchSize: 50
                        params: {granularity: PT15M}
                  - id: cognos
                    provider: cognos-analytics
                    poll:
                      - {endpoint: cognos.report-data, interval: 30s, queueIds: [row-1], enabled: false}
                  - id: no-polls
                    provider: auth0
                  - id: cxone
                    provider: nice-cxone
                    poll:
                      requestsPerMinute: 0
                      jobs:
                        - {endpoint: cxone.skills-activity, interval: PT15S}
                """, "switchboard.yaml", ENV);

        assertThat(c.bootstrapServers()).isEqualTo("broker-1:9092,broker-2:9092");
        assertThat(c.instanceId()).isEqualTo("poller-7");
        assertThat(c.transactionalId()).isEqualTo("acme.poller-poller-7");
        assertThat(c.topics().pollProgress()).isEqualTo("acme.poll-progress");
        assertThat(c.jobPartitions()).isEqualTo(12);
        assertThat(c.shutdownTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(c.sessionTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(c.backfillLookBack()).isEqualTo(Duration.ofHours(6));
        assertThat(c.planInterval()).isEqualTo(Duration.ofMinutes(5));
        assertThat(c.opsPort()).isZero();
        assertThat(c.keys().activeKeyId()).isEqualTo("k1");
        assertThat(c.credentials()).extracting(PollerConfig.CredentialPolls::credentialId).containsExactly("genesys-eu", "cognos", "cxone");
        assertThat(c.credential("cxone").orElseThrow().requestsPerMinute()).isZero();
        assertThat(c.credential("cxone").orElseThrow().polls()).singleElement()
                .satisfies(p -> assertThat(p.interval()).isEqualTo(Duration.ofSeconds(15)));
        assertThat(c.credential("genesys-eu").orElseThrow().requestsPerMinute()).isNull();
        assertThat(c.credential("genesys-eu").orElseThrow().caBundle()).isNull();

        PollSpec live = c.credential("genesys-eu").orElseThrow().polls().get(0);
        assertThat(live.name()).isEqualTo("genesys.queue-observations");
        assertThat(live.interval()).isEqualTo(Duration.ofSeconds(10));
        assertThat(live.batchSize()).isEqualTo(100);
        assertThat(live.needsDiscovery()).isTrue();
        assertThat(live.matchesName("Support EU")).isTrue();
        assertThat(live.matchesName("Sales")).isFalse();
        PollSpec intervals = c.credential("genesys-eu").orElseThrow().polls().get(1);
        assertThat(intervals.batchSize()).isEqualTo(50);
        assertThat(intervals.params()).containsEntry("granularity", "PT15M");
        PollSpec report = c.credential("cognos").orElseThrow().polls().get(0);
        assertThat(report.batchSize()).isZero();
        assertThat(report.enabled()).isFalse();
        assertThat(report.interval()).isEqualTo(Duration.ofSeconds(30));
        assertThat(report.needsDiscovery()).isFalse();
    }

    @Test
    void environmentVariablesOverrideScalarKeys() {
        PollerConfig c = PollerConfig.parse(BASE, "switchboard.yaml", Map.of("TOKEN_KEY", KEY,
                "SWITCHBOARD_POLLER_OPS_PORT", "9500", "SWITCHBOARD_POLLER_INSTANCE_ID", "from-env",
                "SWITCHBOARD_KAFKA_BOOTSTRAP_SERVERS", "other:9092", "SWITCHBOARD_POLLER_SHUTDOWN_TIMEOUT", "PT3S"));
        assertThat(c.opsPort()).isEqualTo(9500);
        assertThat(c.instanceId()).isEqualTo("from-env");
        assertThat(c.bootstrapServers()).isEqualTo("other:9092");
        assertThat(c.shutdownTimeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(PollerConfig.configKeys()).extracting(k -> k.envVar()).contains("SWITCHBOARD_POLLER_BACKFILL_LOOK_BACK");
        assertThat(PollerConfig.reference()).contains("poller.planInterval", "queueNames", "batchSize");
    }

    @Test
    void everyProblemIsReportedAtOnceWithTheKeyAndWhatWouldBeValid() {
        assertThatThrownBy(() -> PollerConfig.parse("""
                kafka: {bootstrapServers: "not a list"}
                encryption: {activeKeyId: k1, keys: {k1: "${env:MISSING}"}}
                poller:
                  shutdownTimeout: soon
                  jobPartiton: 3
                  ops: {port: 70000}
                credentials:
                  - id: genesys-eu
                    poll:
                      - endpoint: genesys.queue-observation
                        interval: 500ms
                        batchSize: 0
                        colour: blue
                      - endpoint: genesys.queue-observations
                      - endpoint: genesys.queue-observations
                      - endpoint: genesys.queue-observations
                        name: with-secret
                        params: {password: "${env:P}"}
                  - id: cxone
                    poll: {endpoint: cxone.skills-activity}
                """, "bad.yaml", Map.of()))
                .isInstanceOfSatisfying(ConfigException.class, e -> {
                    assertThat(e.problems()).extracting(p -> p.key()).contains(
                            "kafka.bootstrapServers", "schemaRegistry.url", "encryption.keys.k1", "poller.shutdownTimeout",
                            "poller.jobPartiton", "poller.ops.port",
                            "credentials[0].poll[0].endpoint", "credentials[0].poll[0].interval", "credentials[0].poll[0].batchSize",
                            "credentials[0].poll[0].colour", "credentials[0].poll[2].name", "credentials[0].poll[3].params.password",
                            "credentials[1].poll.endpoint", "credentials[1].poll.jobs");
                    assertThat(e.getMessage())
                            .contains("bad.yaml")
                            .contains("is not an endpoint kind; use one of genesys.queue-observations")
                            .contains("must be at least 1 s")
                            .contains("is used twice in credential genesys-eu")
                            .contains("(did you mean jobPartitions?)")
                            .contains("secrets belong in the credential")
                            .doesNotContain("${env:P}");
                });
    }

    @Test
    void theHttpSettingsDefaultToTheDocumentedValuesAndTlsIsVerifiedWithoutACaBundle() {
        PollerConfig c = PollerConfig.parse(BASE, "switchboard.yaml", ENV);
        VendorHttpOptions http = c.http();
        assertThat(http.connectTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(http.idleTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(http.requestTimeout()).isEqualTo(Duration.ofSeconds(20));
        assertThat(http.maxBodyBytes()).isEqualTo(16 * 1024 * 1024);
        assertThat(http.maxAttempts()).isEqualTo(3);
        assertThat(http.http2()).isTrue();
        assertThat(http.requestsPerMinute("genesys-cloud")).isEqualTo(300);
        assertThat(http.requestsPerMinute("a-provider-not-listed")).isEqualTo(300);
        assertThat(c.credentialHttpSettings("not-configured")).isEqualTo(CredentialHttpSettings.DEFAULTS);
        assertThat(CredentialHttpSettings.DEFAULTS.caBundle()).as("no trust-all: no bundle means the JVM's CAs, verified").isNull();
    }

    @Test
    void httpKeysAndTheCredentialsHttpSettingsAreReadFromTheFileAndTheEnvironment(@TempDir Path dir) throws Exception {
        Path ca = SimulatorConfig.Tls.selfSigned(dir).certificate();
        PollerConfig c = PollerConfig.parse(BASE + """
                poller:
                  http:
                    connectTimeout: 2s
                    idleTimeout: PT1M
                    requestTimeout: 15s
                    maxConnectionsPerHost: 4
                    http2: false
                    maxBodyBytes: 4MiB
                    maxAttempts: 5
                    backoffInitial: 100ms
                    backoffMax: 2s
                    maxRetryAfter: 10s
                    tokenRefreshWait: 20s
                    requestsPerMinute: 120
                    userAgent: acme-poller
                credentials:
                  - id: genesys-eu
                    provider: genesys-cloud
                    poll:
                      caBundle: %s
                      requestsPerMinute: 250
                      jobs:
                        - {endpoint: genesys.queue-observations}
                  - id: cxone
                    provider: nice-cxone
                    poll:
                      - {endpoint: cxone.skills-activity}
                """.formatted(ca), "switchboard.yaml", Map.of("TOKEN_KEY", KEY,
                "SWITCHBOARD_POLLER_HTTP_MAX_BODY_BYTES", "1048576",
                "SWITCHBOARD_CREDENTIALS_CXONE_POLL_REQUESTS_PER_MINUTE", "60"));
        VendorHttpOptions http = c.http();
        assertThat(http.connectTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(http.idleTimeout()).isEqualTo(Duration.ofMinutes(1));
        assertThat(http.requestTimeout()).isEqualTo(Duration.ofSeconds(15));
        assertThat(http.maxConnectionsPerHost()).isEqualTo(4);
        assertThat(http.http2()).isFalse();
        assertThat(http.maxBodyBytes()).as("the environment wins").isEqualTo(1024 * 1024);
        assertThat(http.maxAttempts()).isEqualTo(5);
        assertThat(http.backoff().initial()).isEqualTo(Duration.ofMillis(100));
        assertThat(http.backoff().max()).isEqualTo(Duration.ofSeconds(2));
        assertThat(http.maxRetryAfter()).isEqualTo(Duration.ofSeconds(10));
        assertThat(http.tokenRefreshWait()).isEqualTo(Duration.ofSeconds(20));
        assertThat(http.requestsPerMinute("genesys-cloud")).isEqualTo(120);
        assertThat(http.requestsPerMinute("some-other-provider")).isEqualTo(120);
        assertThat(http.userAgent()).isEqualTo("acme-poller");
        assertThat(c.credentialHttpSettings("genesys-eu")).isEqualTo(new CredentialHttpSettings(ca, 250));
        assertThat(c.credentialHttpSettings("cxone")).as("SWITCHBOARD_CREDENTIALS_CXONE_POLL_REQUESTS_PER_MINUTE")
                .isEqualTo(new CredentialHttpSettings(null, 60));
        assertThat(PollerConfig.parseBytes("16MiB")).isEqualTo(16 * 1024 * 1024);
        assertThat(PollerConfig.parseBytes("512KiB")).isEqualTo(512 * 1024);
    }

    @Test
    void badHttpSettingsAreReportedTogetherNamingTheKeyAndWhatWouldBeValid(@TempDir Path dir) throws Exception {
        Path notPem = Files.writeString(dir.resolve("key.der"), "not a certificate");
        assertThatThrownBy(() -> PollerConfig.parse(BASE + """
                poller:
                  http:
                    connectTimeout: 90
                    maxBodyBytes: lots
                    backoffInitial: 5s
                    backoffMax: 1s
                    trustAll: true
                credentials:
                  - id: genesys-eu
                    poll:
                      caBundle: %s
                      requestsPerMinute: -1
                      jobs: [{endpoint: genesys.queue-observations}]
                  - id: cxone
                    poll:
                      caBundle: %s
                      jobs: [{endpoint: cxone.skills-activity}]
                """.formatted(dir.resolve("missing.pem"), notPem), "bad.yaml", ENV))
                .isInstanceOfSatisfying(ConfigException.class, e -> {
                    assertThat(e.problems()).extracting(p -> p.key()).containsExactlyInAnyOrder(
                            "poller.http.connectTimeout", "poller.http.maxBodyBytes", "poller.http.backoffMax",
                            "poller.http.trustAll", "credentials[0].poll.caBundle", "credentials[0].poll.requestsPerMinute",
                            "credentials[1].poll.caBundle");
                    assertThat(e.getMessage())
                            .contains("bare number")
                            .contains("KiB, MiB or GiB")
                            .contains("is shorter than poller.http.backoffInitial")
                            .contains("is not a readable file")
                            .contains("BEGIN CERTIFICATE");
                });
    }

    @Test
    void theReferenceListsEveryPollerKeyWithItsEnvironmentVariable() {
        String reference = PollerConfig.reference();
        for (ConfigKey<?> key : PollerConfig.configKeys()) {
            assertThat(reference).contains(key.name());
            if (key.envVar() != null) {
                assertThat(reference).contains(key.envVar());
            }
        }
        assertThat(reference).contains("SWITCHBOARD_POLLER_HTTP_MAX_BODY_BYTES", "SWITCHBOARD_CREDENTIALS_<ID>_POLL_CA_BUNDLE",
                "credentials[].poll[].endpoint", "credentials[].poll.caBundle");
    }

    @Test
    void theSharedRegistrySettingsReachTheTokenTableAndTheirProblemsAreReported() {
        String withRegistrySettings = BASE.replace("  url: http://registry:8081\n", """
                  url: http://registry:8081
                  properties:
                    basic.auth.credentials.source: USER_INFO
                    basic.auth.user.info: ${env:REGISTRY_USER_INFO}
                """);
        Map<String, String> env = Map.of("TOKEN_KEY", KEY, "REGISTRY_USER_INFO", "svc:registry-pass-42");

        PollerConfig c = PollerConfig.parse(withRegistrySettings, "switchboard.yaml", env);

        assertThat(c.tokenTableConfig().schemaRegistry().basicAuthUserInfo().reveal()).isEqualTo("svc:registry-pass-42");
        assertThat(c.toString()).doesNotContain("registry-pass-42");
        assertThatThrownBy(() -> PollerConfig.parse(withRegistrySettings.replace("basic.auth.user.info:", "basic.auth.user.inf:"),
                "switchboard.yaml", env))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("schemaRegistry.properties.basic.auth.user.inf")
                .hasMessageContaining("did you mean basic.auth.user.info?")
                .hasMessageNotContaining("registry-pass-42");
    }
}
