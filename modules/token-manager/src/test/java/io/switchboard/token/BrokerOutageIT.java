package io.switchboard.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.switchboard.core.supervise.Supervisor;
import io.switchboard.registry.server.EmbeddedSchemaRegistry;
import io.switchboard.simulator.SimulatorConfig;
import io.switchboard.simulator.SimulatorConfig.GenesysClient;
import io.switchboard.simulator.VendorSimulator;
import io.switchboard.testkit.KafkaBroker;
import io.switchboard.testkit.WithKafka;
import io.switchboard.token.TokenFleetIT.Cred;

/**
 * The broker stops for 20 s under a running token manager, a token-table reader and the embedded registry, then
 * comes back on the same address: {@code /ready} goes DOWN with the reason and back UP, refreshes resume, the reader
 * catches up, nothing fails fatally. The broker is this class's own (it is stopped).
 */
@WithKafka
class BrokerOutageIT {

    static final Duration WAIT = Duration.ofSeconds(90);
    static final Duration OUTAGE = Duration.ofSeconds(20);

    static KafkaBroker broker;
    static EmbeddedSchemaRegistry registry;
    static VendorSimulator sim;

    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() {
        registry = EmbeddedSchemaRegistry.start(broker.bootstrapServers());
        sim = VendorSimulator.start(SimulatorConfig.builder().allowShortLifetimes(true)
                .genesysClient(GenesysClient.of("outage-1", "outage-secret-1").withTokenLifetime(Duration.ofSeconds(6)))
                .build());
    }

    @AfterAll
    static void stop() {
        sim.close();
        registry.close();
    }

    @Test
    void aTwentySecondBrokerOutageTurnsReadyDownAndEverythingRecoversByItself() throws Exception {
        List<Cred> creds = List.of(new Cred("genesys-outage", "outage-1", "outage-secret-1"));
        String prefix = "o" + UUID.randomUUID().toString().substring(0, 8);
        String tokenKey = Base64.getEncoder().encodeToString(TokenKeysForTests.randomKey());
        String yaml = TokenFleetIT.yaml(broker.bootstrapServers(), registry.url(), sim, prefix, 0, 3,
                "session.timeout.ms: 6000\nheartbeat.interval.ms: 1000", "lifetimeShare: 0.5\njitter: 0\nminRemaining: PT1S", creds);
        TokenManagerConfig config = TokenManagerConfig.parse(yaml, "outage-it.yaml", TokenFleetIT.env(tokenKey, creds)).withInstanceId("tm-1");
        List<String> readerFatals = new CopyOnWriteArrayList<>();
        try (TokenManager manager = TokenManager.start(config);
             Supervisor readerSupervisor = new Supervisor("poller", java.time.Clock.systemUTC(), new SplittableRandom(5),
                     (c, r, e) -> readerFatals.add(r));
             TokenTable reader = TokenTable.start(config.tokenTableConfig().withClientId("poller-1")
                     .withExpirySafetyMargin(Duration.ZERO), readerSupervisor)) {
            ConcurrentSkipListSet<Long> seen = new ConcurrentSkipListSet<>();
            List<Long> duplicates = new CopyOnWriteArrayList<>();
            reader.addListener((id, view) -> {
                if (!seen.add(view.version())) {
                    duplicates.add(view.version());
                }
            });
            String ready = "http://127.0.0.1:" + manager.opsPort() + "/ready";
            await().atMost(WAIT).until(() -> status(ready) == 200 && seen.size() >= 2); // up and refreshing
            assertThat(registry.health().up()).isTrue();

            broker.stop();
            long stoppedAt = System.nanoTime();
            await().atMost(WAIT).until(() -> status(ready) == 503);
            String down = body(ready);
            assertThat(down).contains("\"status\":\"DOWN\"").contains("token-table").contains("RETRYING");
            await().atMost(WAIT).until(() -> reader.health().reason() != null && reader.health().reason().contains("RETRYING"));
            await().atMost(WAIT).until(() -> !registry.health().up());
            assertThat(registry.health().reason()).contains("RETRYING");
            Duration left = OUTAGE.minus(Duration.ofNanos(System.nanoTime() - stoppedAt));
            if (!left.isNegative() && !left.isZero()) {
                // stays DOWN for the rest of the outage (no flapping UP while the broker is away)
                await().during(left).atMost(left.plus(WAIT)).until(() -> status(ready) == 503 && !reader.health().up());
            }
            long versionAtRestart = seen.isEmpty() ? 0 : seen.last();

            broker.restart();
            await().atMost(WAIT).until(() -> status(ready) == 200);
            await().atMost(WAIT).until(() -> reader.health().up() && registry.health().up());
            // refreshes resume (6 s tokens, refreshed at half-life) and the reader catches up with the owner
            await().atMost(WAIT).until(() -> seen.last() >= versionAtRestart + 2);
            await().atMost(WAIT).until(() -> reader.current("genesys-outage").map(TokenView::version).orElse(0L)
                    .equals(manager.tokenTable().current("genesys-outage").map(TokenView::version).orElse(-1L)));
            assertThat(duplicates).as("no version told twice").isEmpty();
            assertThat(manager.fatal()).isNotDone();
            assertThat(readerFatals).isEmpty();
            assertThat(registry.fatal()).isNotDone();
            await().atMost(WAIT).until(() -> manager.state("genesys-outage").orElse(null) == TokenState.VALID);
        }
    }

    private int status(String url) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (Exception e) {
            return -1;
        }
    }

    private String body(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }
}
