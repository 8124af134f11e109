package io.switchboard.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentSkipListMap;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.switchboard.core.Topics;
import io.switchboard.registry.server.EmbeddedSchemaRegistry;
import io.switchboard.simulator.SimulatorConfig;
import io.switchboard.simulator.SimulatorConfig.GenesysClient;
import io.switchboard.simulator.Vendor;
import io.switchboard.simulator.VendorSimulator;
import io.switchboard.testkit.KafkaBroker;
import io.switchboard.testkit.WithKafka;

/**
 * Token managers with the real login client against the vendor simulator, a real broker and the
 * embedded schema registry: publishing and refresh, ownership, failover, single flight, parking.
 * Each test uses its own topic prefix and its own simulator clients, so logins are counted per test.
 */
@WithKafka(scope = WithKafka.Scope.JVM)
class TokenFleetIT {

    static final Duration WAIT = Duration.ofSeconds(90);

    static KafkaBroker broker;
    static EmbeddedSchemaRegistry registry;
    static VendorSimulator sim;

    private final String prefix = "t" + UUID.randomUUID().toString().substring(0, 8);
    private final String tokenKey = Base64.getEncoder().encodeToString(TokenKeysForTests.randomKey());
    private final List<AutoCloseable> closeables = new ArrayList<>();

    @BeforeAll
    static void start() {
        registry = EmbeddedSchemaRegistry.start(broker.bootstrapServers());
        SimulatorConfig.Builder b = SimulatorConfig.builder().allowShortLifetimes(true);
        for (int i = 1; i <= 8; i++) {
            b.genesysClient(GenesysClient.of("own-" + i, "own-secret-" + i).withTokenLifetime(Duration.ofMinutes(30)));
        }
        b.genesysClient(GenesysClient.of("short-1", "short-secret-1").withTokenLifetime(Duration.ofSeconds(4)));
        b.genesysClient(GenesysClient.of("failover-1", "failover-secret-1").withTokenLifetime(Duration.ofSeconds(10)));
        b.genesysClient(GenesysClient.of("parked-1", "the-right-secret").withTokenLifetime(Duration.ofMinutes(30)));
        sim = VendorSimulator.start(b.build());
    }

    @AfterAll
    static void stop() {
        sim.close();
        registry.close();
    }

    @AfterEach
    void closeAll() throws Exception {
        for (int i = closeables.size() - 1; i >= 0; i--) {
            closeables.get(i).close();
        }
    }

    /** A credential on the simulator's Genesys: id, client id and the secret the env var holds. */
    record Cred(String id, String clientId, String secret) {
    }

    private static String yaml(String prefix, int opsPort, List<Cred> creds) {
        return yaml(broker.bootstrapServers(), registry.url(), sim, prefix, opsPort, creds);
    }

    /** A token-manager configuration file for {@code creds} on {@code sim}'s Genesys. */
    static String yaml(String bootstrap, String registryUrl, VendorSimulator sim, String prefix, int opsPort, List<Cred> creds) {
        StringBuilder y = new StringBuilder("""
                kafka:
                  bootstrapServers: %s
                  topicPrefix: %s
                  requestPartitions: 6
                  properties:
                    heartbeat.interval.ms: 500
                schemaRegistry:
                  url: %s
                encryption:
                  activeKeyId: k1
                  keys:
                    k1: ${env:TOKEN_KEY}
                ops:
                  port: %d
                credentials:
                """.formatted(bootstrap, prefix, registryUrl, opsPort));
        for (Cred c : creds) {
            y.append("""
                      - id: %s
                        provider: genesys-cloud
                        tokenUrl: %s/oauth/token
                        apiBaseUrl: %s
                        clientId: %s
                        clientSecret: ${env:SECRET_%s}
                    """.formatted(c.id(), sim.genesysLoginUrl(), sim.genesysApiUrl(), c.clientId(), envName(c.id())));
        }
        return y.toString();
    }

    static Map<String, String> env(String tokenKey, List<Cred> creds) {
        Map<String, String> env = new HashMap<>();
        env.put("TOKEN_KEY", tokenKey);
        creds.forEach(c -> env.put("SECRET_" + envName(c.id()), c.secret()));
        return env;
    }

    private static String envName(String id) {
        return id.toUpperCase().replace('-', '_');
    }

    private TokenManagerConfig config(String instanceId, List<Cred> creds) {
        return TokenManagerConfig.parse(yaml(prefix, -1, creds), "fleet-it.yaml", env(tokenKey, creds)).withInstanceId(instanceId);
    }

    private TokenManager manager(String instanceId, List<Cred> creds) {
        TokenManager m = TokenManager.start(config(instanceId, creds));
        closeables.add(m);
        return m;
    }

    private TokenTable table(String clientId, List<Cred> creds) {
        TokenTable t = TokenTable.start(TokenTableConfig.from(config(clientId, creds)));
        closeables.add(t);
        await().atMost(WAIT).until(t::isReady);
        return t;
    }

    private static long issued(String clientId) {
        return sim.issuedTokenCount(Vendor.GENESYS, clientId);
    }

    @Test
    void publishesAnEncryptedTokenThatTheTableDecryptsAndRefreshesBeforeExpiry() {
        List<Cred> creds = List.of(new Cred("genesys-short", "short-1", "short-secret-1"));
        manager("tm-1", creds);
        TokenTable table = table("poller-1", creds);

        await().atMost(WAIT).until(() -> table.current("genesys-short").isPresent());
        TokenView v1 = table.current("genesys-short").orElseThrow();
        assertThat(v1.headers().get("Authorization").reveal()).startsWith("Bearer ");
        assertThat(v1.provider()).isEqualTo("genesys-cloud");
        assertThat(v1.apiBaseUrl()).isEqualTo(sim.genesysApiUrl());
        assertThat(v1.ownerId()).isEqualTo("tm-1");
        assertThat(Duration.between(v1.issuedAt(), v1.expiresAt())).isBetween(Duration.ofSeconds(3), Duration.ofSeconds(4));
        assertThat(table.headers("genesys-short")).isPresent();

        await().atMost(WAIT).until(() -> table.current("genesys-short").orElseThrow().version() > v1.version());
        TokenView v2 = table.current("genesys-short").orElseThrow();
        assertThat(v2.version()).isEqualTo(v1.version() + 1);
        assertThat(v2.issuedAt()).isBefore(v1.expiresAt());
        assertThat(v2.headers().get("Authorization").reveal()).isNotEqualTo(v1.headers().get("Authorization").reveal());
        assertThat(issued("short-1")).isGreaterThanOrEqualTo(2);
    }

    @Test
    void threeInstancesOwnEachCredentialExactlyOnceAndCoalesceRefreshRequests() throws Exception {
        List<Cred> creds = new ArrayList<>();
        for (int i = 1; i <= 8; i++) {
            creds.add(new Cred("cred-" + i, "own-" + i, "own-secret-" + i));
        }
        List<String> ids = creds.stream().map(Cred::id).toList();
        List<TokenManager> managers = List.of(manager("tm-a", creds), manager("tm-b", creds), manager("tm-c", creds));
        TokenTable table = table("poller-1", creds);
        await().atMost(WAIT).until(() -> table.credentialIds().containsAll(ids));
        await().atMost(WAIT).until(() -> managers.stream().allMatch(TokenManager::isReady));
        // the group settles (cooperative rebalances move partitions in steps): every credential owned once
        await().atMost(WAIT).until(() -> managers.stream().mapToInt(m -> m.ownedCredentials().size()).sum() == ids.size()
                && managers.stream().flatMap(m -> m.ownedCredentials().stream()).distinct().count() == ids.size());

        Set<String> owned = new HashSet<>();
        for (TokenManager m : managers) {
            for (String id : m.ownedCredentials()) {
                assertThat(owned.add(id)).as("credential %s owned twice", id).isTrue();
            }
        }
        assertThat(owned).containsExactlyInAnyOrderElementsOf(ids);
        // one vendor login per credential in the whole fleet: handovers during start-up adopted the token
        for (Cred c : creds) {
            assertThat(issued(c.clientId())).as("tokens the vendor issued to %s", c.clientId()).isEqualTo(1);
            assertThat(table.current(c.id()).orElseThrow().version()).isEqualTo(1);
        }

        // 50 pollers report version 1 of cred-3 rejected: the owner logs in once, version 2
        for (int i = 0; i < 50; i++) {
            table.requestRefresh("cred-3", 1L, "401 bad.credentials from POST /api/v2/analytics/queues/observations/query", 401).get();
        }
        TokenManager owner = managers.stream().filter(m -> m.ownedCredentials().contains("cred-3")).findFirst().orElseThrow();
        await().atMost(WAIT).until(() -> requestsHandled(owner, "cred-3") == 50);
        await().atMost(WAIT).until(() -> table.current("cred-3").orElseThrow().version() == 2);
        assertThat(issued("own-3")).isEqualTo(2);
        assertThat(issued("own-4")).isEqualTo(1);
    }

    @Test
    void whenTheOwnerLeavesASurvivorTakesOverAdoptsTheTokenAndRefreshesBeforeExpiry() {
        List<Cred> creds = List.of(new Cred("genesys-failover", "failover-1", "failover-secret-1"));
        TokenManager ma = manager("tm-a", creds);
        TokenManager mb = manager("tm-b", creds);
        TokenTable table = table("poller-1", creds);
        NavigableMap<Long, TokenView> byVersion = new ConcurrentSkipListMap<>();
        table.addListener((id, view) -> byVersion.put(view.version(), view));
        await().atMost(WAIT).until(() -> table.current("genesys-failover").isPresent() && ma.isReady() && mb.isReady());
        table.current("genesys-failover").ifPresent(v -> byVersion.putIfAbsent(v.version(), v));
        await().atMost(WAIT).until(() -> ma.ownedCredentials().isEmpty() != mb.ownedCredentials().isEmpty());
        TokenManager owner = ma.ownedCredentials().isEmpty() ? mb : ma;
        TokenManager survivor = owner == ma ? mb : ma;

        long atClose = table.current("genesys-failover").orElseThrow().version();
        owner.close();
        await().atMost(WAIT).until(() -> survivor.ownedCredentials().contains("genesys-failover"));
        String survivorId = survivor.config().instanceId();
        await().atMost(WAIT).until(() -> byVersion.values().stream().anyMatch(v -> v.version() > atClose && survivorId.equals(v.ownerId())));

        // The survivor adopted the published token and logged in when it was due: one version up,
        // issued before the token it replaced expired.
        TokenView first = byVersion.values().stream().filter(v -> v.version() > atClose && survivorId.equals(v.ownerId()))
                .findFirst().orElseThrow();
        TokenView replaced = byVersion.get(first.version() - 1);
        assertThat(replaced).as("version %d before the survivor's first", first.version() - 1).isNotNull();
        assertThat(first.issuedAt()).isBefore(replaced.expiresAt());
        assertThat(byVersion.firstKey()).isEqualTo(1);
        assertThat(byVersion.lastKey()).isEqualTo(byVersion.size()); // no gaps: one step per login
        // every vendor login became exactly one published version: nobody logged in twice around the handover
        assertThat(issued("failover-1")).isEqualTo(byVersion.lastKey());
    }

    @Test
    void aRejectedCredentialIsParkedReportedAndNotRetriedInALoop() throws Exception {
        List<Cred> creds = List.of(new Cred("genesys-bad", "parked-1", "a-wrong-secret"));
        TokenManager m = manager("tm-1", creds);
        TokenTable table = table("poller-1", creds);
        await().atMost(WAIT).until(() -> m.state("genesys-bad").orElse(null) == TokenStatus.State.PARKED);
        for (int i = 0; i < 20; i++) {
            table.requestRefresh("genesys-bad", null, "no token", null).get();
        }
        await().atMost(WAIT).until(() -> counter(m, "switchboard.token.refresh.requests", "genesys-bad", "deferred") == 20);
        assertThat(sim.requests().matching(Vendor.GENESYS, "/oauth/token").stream()
                .filter(r -> r.status() >= 400).count()).isEqualTo(1);
        assertThat(m.logins("genesys-bad", "rejected")).isEqualTo(1);
        assertThat(m.meterRegistry().scrape()).contains("switchboard_token_last_error{code=\"invalid_client\",credential=\"genesys-bad\"");
        assertThat(table.current("genesys-bad")).isEmpty();
        List<TokenStatus> statuses = TokenTopicsForTests.statuses(broker, new Topics(prefix), 1);
        assertThat(statuses).last().satisfies(s -> {
            assertThat(s.state()).isEqualTo(TokenStatus.State.PARKED);
            assertThat(s.vendorCode()).isEqualTo("invalid_client");
            assertThat(s.message()).isNotBlank().doesNotContain("a-wrong-secret");
            assertThat(s.nextAttemptAt()).isAfter(s.at().plus(Duration.ofMinutes(59)));
        });
    }

    private static double requestsHandled(TokenManager m, String id) {
        return m.meterRegistry().find("switchboard.token.refresh.requests").tag("credential", id).counters().stream()
                .mapToDouble(c -> c.count()).sum();
    }

    private static double counter(TokenManager m, String name, String id, String outcome) {
        var c = m.meterRegistry().find(name).tags("credential", id, "outcome", outcome).counter();
        return c == null ? 0 : c.count();
    }
}
