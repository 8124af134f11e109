package io.switchboard.poll;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.switchboard.registry.server.EmbeddedSchemaRegistry;
import io.switchboard.simulator.SimulatorConfig;
import io.switchboard.simulator.Vendor;
import io.switchboard.simulator.VendorSimulator;
import io.switchboard.testkit.Closer;
import io.switchboard.testkit.KafkaBroker;
import io.switchboard.testkit.WithKafka;
import io.switchboard.token.TokenKeys;
import io.switchboard.token.TokenManager;
import io.switchboard.token.TokenManagerConfig;

/**
 * A poller started before the token manager has published any token: its first plan of the credential fails (the
 * discovery has no token), and it must plan and poll the credential within seconds of the token's arrival, not only
 * after {@code poller.planInterval} (5 min here). One shared {@code switchboard.yaml} for both roles, as in production.
 */
@WithKafka(scope = WithKafka.Scope.JVM)
class PollerBeforeTokensIT {

    static KafkaBroker broker;

    private final Closer closeables = new Closer();

    @AfterEach
    void close() {
        closeables.closeQuietly();
    }

    @Test
    void aPollerStartedBeforeTheTokenManagerPlansAndPollsAsSoonAsTheTokenAppears() {
        VendorSimulator sim = VendorSimulator.start(SimulatorConfig.builder().generatedQueues(5).build());
        closeables.add(sim);
        EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start(broker.bootstrapServers());
        closeables.add(registry);
        byte[] key = new byte[TokenKeys.KEY_BYTES];
        for (int i = 0; i < key.length; i++) {
            key[i] = (byte) (i * 7 + 3); // fixed test key
        }
        Map<String, String> env = Map.of("TOKEN_KEY", Base64.getEncoder().encodeToString(key), "GENESYS_SECRET", "genesys-secret");
        String yaml = """
                kafka:
                  bootstrapServers: %s
                  topicPrefix: late%d
                  properties:
                    heartbeat.interval.ms: 500
                schemaRegistry:
                  url: %s
                encryption:
                  activeKeyId: k1
                  keys:
                    k1: ${env:TOKEN_KEY}
                ops:
                  port: -1
                poller:
                  instanceId: poller-early
                  jobPartitions: 2
                  sessionTimeout: PT6S
                  transactionTimeout: PT10S
                  shutdownTimeout: PT10S
                  planInterval: PT5M
                  ops:
                    port: 0
                credentials:
                  - id: genesys-late
                    provider: genesys-cloud
                    tokenUrl: %s/oauth/token
                    apiBaseUrl: %s
                    clientId: genesys-client
                    clientSecret: ${env:GENESYS_SECRET}
                    poll:
                      requestsPerMinute: 0
                      jobs:
                        - {endpoint: genesys.queue-observations, name: live, interval: PT2S, queueNames: ["*"], batchSize: 10}
                """.formatted(broker.bootstrapServers(), System.nanoTime() % 1_000_000, registry.url(), sim.genesysLoginUrl(),
                sim.genesysApiUrl());

        List<String> fatal = new CopyOnWriteArrayList<>();
        PollerProcess process = PollerProcess.start(PollerConfig.parse(yaml, "switchboard.yaml", env),
                (component, reason, cause) -> fatal.add(reason));
        closeables.add(process);
        Poller poller = process.poller();
        // the poller owns the credential's partition and its first plan has failed (no token): nothing polled yet
        await().atMost(Duration.ofSeconds(60)).until(() -> poller.meterRegistry().find("switchboard.poller.plan.runs")
                .tag("credential", "genesys-late").tag("outcome", "partial").counter() != null);
        assertThat(poller.runningJobs()).isEmpty();
        assertThat(sim.requests().matching(Vendor.GENESYS, "/observations/query")).isEmpty();

        TokenManager manager = TokenManager.start(TokenManagerConfig.parse(yaml, "switchboard.yaml", env).withInstanceId("tm-1"));
        closeables.add(manager);

        await().atMost(Duration.ofSeconds(60)).until(() -> !sim.requests().matching(Vendor.GENESYS, "/observations/query").isEmpty());
        assertThat(poller.runningJobs()).hasSize(1).allMatch(j -> j.startsWith("genesys-late/live/"));
        assertThat(fatal).isEmpty();
    }
}
