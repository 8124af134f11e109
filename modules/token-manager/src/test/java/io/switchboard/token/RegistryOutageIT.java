package io.switchboard.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.switchboard.registry.SchemaRegistryConfig;
import io.switchboard.registry.server.EmbeddedSchemaRegistry;
import io.switchboard.registry.server.EmbeddedSchemaRegistryOptions;
import io.switchboard.simulator.SimulatorConfig;
import io.switchboard.simulator.SimulatorConfig.GenesysClient;
import io.switchboard.simulator.VendorSimulator;
import io.switchboard.testkit.KafkaBroker;
import io.switchboard.testkit.WithKafka;
import io.switchboard.token.TokenFleetIT.Cred;

/**
 * The schema registry stops under a running token manager and comes back on the same address: the token manager
 * keeps refreshing (it knows its schemas), a reader that starts during the outage and must fetch the writer schema
 * retries (RETRYING, nothing skipped) and reads every version once the registry is back.
 */
@WithKafka
class RegistryOutageIT {

    static final Duration WAIT = Duration.ofSeconds(90);

    static KafkaBroker broker;
    static VendorSimulator sim;

    @BeforeAll
    static void start() {
        sim = VendorSimulator.start(SimulatorConfig.builder().allowShortLifetimes(true)
                .genesysClient(GenesysClient.of("registry-1", "registry-secret-1").withTokenLifetime(Duration.ofSeconds(6)))
                .build());
    }

    @AfterAll
    static void stop() {
        sim.close();
    }

    @Test
    void refreshesContinueWhileTheRegistryIsDownAndAColdReaderRetriesUntilItIsBack() throws Exception {
        EmbeddedSchemaRegistryOptions options = EmbeddedSchemaRegistryOptions.defaults(broker.bootstrapServers()).withTopic("_schemas-outage");
        EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start(options);
        int port = registry.port();
        List<Cred> creds = List.of(new Cred("genesys-registry", "registry-1", "registry-secret-1"));
        String prefix = "r" + UUID.randomUUID().toString().substring(0, 8);
        String tokenKey = Base64.getEncoder().encodeToString(TokenKeysForTests.randomKey());
        String yaml = TokenFleetIT.yaml(broker.bootstrapServers(), registry.url(), sim, prefix, -1, 3,
                "heartbeat.interval.ms: 1000", "lifetimeShare: 0.5\njitter: 0\nminRemaining: PT1S", creds);
        TokenManagerConfig config = TokenManagerConfig.parse(yaml, "registry-outage-it.yaml", TokenFleetIT.env(tokenKey, creds))
                .withInstanceId("tm-1");
        try (TokenManager manager = TokenManager.start(config)) {
            await().atMost(WAIT).until(() -> manager.isReady()
                    && manager.tokenTable().current("genesys-registry").map(TokenView::version).orElse(0L) >= 2);

            registry.close();
            long versionAtStop = manager.tokenTable().current("genesys-registry").orElseThrow().version();
            // a reader with its own registry client: it has to fetch the writer schema, and cannot
            TokenTableConfig cold = config.tokenTableConfig().withClientId("poller-cold").withExpirySafetyMargin(Duration.ZERO)
                    .withSchemaRegistry(SchemaRegistryConfig.of(registry.url()).withRetries(1, Duration.ofMillis(100), Duration.ofMillis(200)));
            try (TokenTable reader = TokenTable.start(cold)) {
                ConcurrentSkipListSet<Long> seen = new ConcurrentSkipListSet<>();
                List<Long> duplicates = new CopyOnWriteArrayList<>();
                reader.addListener((id, view) -> {
                    if (!seen.add(view.version())) {
                        duplicates.add(view.version());
                    }
                });
                await().atMost(WAIT).until(() -> reader.health().reason() != null && reader.health().reason().contains("RETRYING")
                        && reader.health().reason().contains("schema registry"));
                // the owner knows its schemas: refreshes go on during the outage, and it stays ready
                await().atMost(WAIT).until(() -> manager.tokenTable().current("genesys-registry").orElseThrow().version() >= versionAtStop + 2);
                assertThat(manager.isReady()).as(manager.readiness().toString()).isTrue();
                assertThat(reader.current("genesys-registry")).isEmpty();
                assertThat(reader.problems()).as("an outage is not a poison record").isEmpty();

                registry = EmbeddedSchemaRegistry.start(options.withPort(port));
                await().atMost(WAIT).until(() -> reader.health().up()
                        && reader.current("genesys-registry").map(TokenView::version).orElse(0L)
                        .equals(manager.tokenTable().current("genesys-registry").map(TokenView::version).orElse(-1L)));
                assertThat(duplicates).isEmpty();
                assertThat(seen.first()).isEqualTo(1L); // read from the first version on, none skipped
                assertThat(reader.problems()).isEmpty();
                assertThat(manager.fatal()).isNotDone();
            }
        } finally {
            registry.close();
        }
    }
}
