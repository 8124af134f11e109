package io.switchboard.poll.vendor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.switchboard.events.poll.QueueStat;
import io.switchboard.poll.Endpoints;
import io.switchboard.poll.PollOutcome;
import io.switchboard.registry.server.EmbeddedSchemaRegistry;
import io.switchboard.simulator.SimulatorConfig.GenesysClient;
import io.switchboard.simulator.SimulatorConfig;
import io.switchboard.simulator.Vendor;
import io.switchboard.simulator.VendorSimulator;
import io.switchboard.testkit.Closer;
import io.switchboard.testkit.KafkaBroker;
import io.switchboard.testkit.WithKafka;
import io.switchboard.token.TokenManager;
import io.switchboard.token.TokenManagerConfig;
import io.switchboard.token.TokenTable;
import io.switchboard.token.TokenView;

/**
 * The real chain: a token manager logs in to the simulator and publishes encrypted tokens on a real broker (schemas in
 * the embedded registry); the executor reads them through a real {@link TokenTable} and polls the simulator. A token
 * revoked during the run is replaced through a refresh request on the token-requests topic: one vendor login for all
 * the polls that saw the 401, and no poll lost.
 */
@WithKafka
class VendorPollChainIT {

    static final Duration WAIT = Duration.ofSeconds(60);

    static KafkaBroker broker;
    static EmbeddedSchemaRegistry registry;
    static VendorSimulator sim;

    private final String prefix = "p" + UUID.randomUUID().toString().substring(0, 8);
    private final Closer closeables = new Closer();

    @BeforeAll
    static void start() {
        registry = EmbeddedSchemaRegistry.start(broker.bootstrapServers());
        sim = VendorSimulator.start(SimulatorConfig.builder()
                .genesysClient(GenesysClient.of("chain-client", "chain-secret")).build());
    }

    @AfterAll
    static void stop() {
        sim.close();
        registry.close();
    }

    @AfterEach
    void closeAll() throws Exception {
        closeables.close();
    }

    private TokenManagerConfig config(String instanceId, String tokenKey) {
        String yaml = """
                kafka:
                  bootstrapServers: %s
                  topicPrefix: %s
                  requestPartitions: 3
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
                credentials:
                  - id: genesys-chain
                    provider: genesys-cloud
                    tokenUrl: %s/oauth/token
                    apiBaseUrl: %s
                    clientId: chain-client
                    clientSecret: ${env:CHAIN_SECRET}
                """.formatted(broker.bootstrapServers(), prefix, registry.url(), sim.genesysLoginUrl(), sim.genesysApiUrl());
        return TokenManagerConfig.parse(yaml, "chain-it.yaml", Map.of("TOKEN_KEY", tokenKey, "CHAIN_SECRET", "chain-secret"))
                .withInstanceId(instanceId);
    }

    @Test
    void pollsWithTokensFromTheTopicAndHealsARevokedTokenWithOneLogin() throws Exception {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        String tokenKey = Base64.getEncoder().encodeToString(key);
        closeables.add(TokenManager.start(config("tm-1", tokenKey)));
        TokenTable table = TokenTable.start(config("poller-1", tokenKey).tokenTableConfig());
        closeables.add(table);
        await().atMost(WAIT).until(() -> table.current("genesys-chain").isPresent());
        TokenView first = table.current("genesys-chain").orElseThrow();
        assertThat(sim.issuedTokenCount(Vendor.GENESYS, "chain-client")).isEqualTo(1);

        VendorPollExecutor executor = VendorPollExecutor.builder(new TokenTableSource(table))
                .options(VendorHttpOptions.defaults().withTokenRefreshWait(WAIT)).build();
        closeables.add(executor);
        PollOutcome warm = executor.poll(Jobs.job("chain-obs", "genesys-chain", Endpoints.GENESYS_QUEUE_OBSERVATIONS,
                sim.queueIds(), Map.of()), Jobs.request(1, java.time.Instant.now())).get();
        assertThat(warm.errors()).isEmpty();
        assertThat(warm.stats()).hasSize(14).allSatisfy(s -> assertThat(s.getCredentialId()).isEqualTo("genesys-chain"));

        sim.faults().revokeTokens(Vendor.GENESYS, "chain-client");
        List<CompletableFuture<PollOutcome>> polls = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            polls.add(executor.poll(Jobs.job("chain-" + i, "genesys-chain", i % 2 == 0 ? Endpoints.GENESYS_QUEUE_OBSERVATIONS
                    : Endpoints.GENESYS_CONVERSATION_AGGREGATES, sim.queueIds(), Map.of()), Jobs.request(2, java.time.Instant.now())));
        }
        for (CompletableFuture<PollOutcome> p : polls) {
            PollOutcome o = p.get();
            assertThat(o.errors()).as("the 401 is healed by the new token from the topic").isEmpty();
            assertThat(o.stats()).isNotEmpty().allSatisfy(s -> assertThat(s.getPollSequence()).isEqualTo(2));
        }
        TokenView second = table.current("genesys-chain").orElseThrow();
        assertThat(second.version()).isEqualTo(first.version() + 1);
        assertThat(executor.tokenRefreshRequests()).as("one refresh request for the rejected version").isEqualTo(1);
        assertThat(sim.issuedTokenCount(Vendor.GENESYS, "chain-client")).as("one vendor login for every poll that saw the 401")
                .isEqualTo(2);
        List<QueueStat> all = new ArrayList<>();
        polls.forEach(p -> all.addAll(p.join().stats()));
        assertThat(all).extracting(QueueStat::getProvider).containsOnly("genesys-cloud");
    }
}
