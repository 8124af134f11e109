package io.switchboard.poll;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.switchboard.core.ConfigException;

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
        assertThat(PollerConfig.settings()).extracting(PollerConfig.Key::envVar).contains("SWITCHBOARD_POLLER_BACKFILL_LOOK_BACK");
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
}
