package io.switchboard.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.switchboard.core.Topics;
import io.switchboard.events.token.TokenStatus;
import io.switchboard.registry.server.EmbeddedSchemaRegistry;
import io.switchboard.simulator.SimulatorConfig.GenesysClient;
import io.switchboard.simulator.SimulatorConfig;
import io.switchboard.simulator.Vendor;
import io.switchboard.simulator.VendorSimulator;
import io.switchboard.testkit.Closer;
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
    /**
     * Lifetime of the crash test's token: refreshed at half of it (30 s), so a survivor has the other half (the time its
     * start, the SIGKILL, the 6 s session timeout and the rebalance take, however loaded the machine) before it expires.
     */
    static final Duration CRASH_LIFETIME = Duration.ofSeconds(60);

    static KafkaBroker broker;
    static EmbeddedSchemaRegistry registry;
    static VendorSimulator sim;

    private final String prefix = "t" + UUID.randomUUID().toString().substring(0, 8);
    private final String tokenKey = Base64.getEncoder().encodeToString(TokenKeysForTests.randomKey());
    private final Closer closeables = new Closer();
    private final List<Process> children = new ArrayList<>();

    @BeforeAll
    static void start() {
        registry = EmbeddedSchemaRegistry.start(broker.bootstrapServers());
        SimulatorConfig.Builder b = SimulatorConfig.builder().allowShortLifetimes(true);
        for (int i = 1; i <= 8; i++) {
            b.genesysClient(GenesysClient.of("own-" + i, "own-secret-" + i).withTokenLifetime(Duration.ofMinutes(30)));
        }
        // Short, but with seconds between the refresh (at half the lifetime) and the expiry, so that "refreshed before
        // expiry" does not depend on how fast a loaded machine schedules and runs the login.
        b.genesysClient(GenesysClient.of("short-1", "short-secret-1").withTokenLifetime(Duration.ofSeconds(12)));
        b.genesysClient(GenesysClient.of("failover-1", "failover-secret-1").withTokenLifetime(Duration.ofSeconds(20)));
        b.genesysClient(GenesysClient.of("parked-1", "the-right-secret").withTokenLifetime(Duration.ofMinutes(30)));
        b.genesysClient(GenesysClient.of("parked-2", "the-right-secret-2").withTokenLifetime(Duration.ofMinutes(30)));
        b.genesysClient(GenesysClient.of("keep-1", "keep-secret-1").withTokenLifetime(Duration.ofMinutes(30)));
        b.genesysClient(GenesysClient.of("drop-1", "drop-secret-1").withTokenLifetime(Duration.ofMinutes(30)));
        // long enough to outlive start-up, session timeout and rebalance after a crash, with the refresh at 30 s
        b.genesysClient(GenesysClient.of("crash-1", "crash-secret-1").withTokenLifetime(CRASH_LIFETIME));
        sim = VendorSimulator.start(b.build());
    }

    @AfterAll
    static void stop() {
        sim.close();
        registry.close();
    }

    @AfterEach
    void closeAll() throws Exception {
        closeables.close();
        for (Process p : children) {
            p.destroyForcibly().waitFor();
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
        return yaml(bootstrap, registryUrl, sim, prefix, opsPort, 6, "heartbeat.interval.ms: 500", "", creds);
    }

    /**
     * A token-manager configuration file for {@code creds} on {@code sim}'s Genesys.
     *
     * @param kafkaProperties lines under {@code kafka.properties}, separated by newlines
     * @param refresh         lines under {@code refresh}, separated by newlines, or ""
     */
    static String yaml(String bootstrap, String registryUrl, VendorSimulator sim, String prefix, int opsPort,
                       int requestPartitions, String kafkaProperties, String refresh, List<Cred> creds) {
        StringBuilder y = new StringBuilder("""
                kafka:
                  bootstrapServers: %s
                  topicPrefix: %s
                  requestPartitions: %d
                  properties:
                %s
                schemaRegistry:
                  url: %s
                encryption:
                  activeKeyId: k1
                  keys:
                    k1: ${env:TOKEN_KEY}
                ops:
                  port: %d
                """.formatted(bootstrap, prefix, requestPartitions, kafkaProperties.indent(4).stripTrailing(), registryUrl, opsPort));
        if (!refresh.isEmpty()) {
            y.append("refresh:\n").append(refresh.indent(2));
        }
        y.append("credentials:\n");
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
        // the simulator's tokens live seconds here: no expiry safety margin, or headers() would refuse most of them
        TokenTable t = TokenTable.start(config(clientId, creds).tokenTableConfig().withExpirySafetyMargin(Duration.ZERO));
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
        assertThat(Duration.between(v1.issuedAt(), v1.expiresAt())).isBetween(Duration.ofSeconds(11), Duration.ofSeconds(12));
        assertThat(table.headers("genesys-short", v1.issuedAt())).isPresent();

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
        await().atMost(WAIT).until(() -> m.state("genesys-bad").orElse(null) == TokenState.PARKED);
        for (int i = 0; i < 20; i++) {
            table.requestRefresh("genesys-bad", null, "no token", null).get();
        }
        await().atMost(WAIT).until(() -> counter(m, "switchboard.token.refresh.requests", "genesys-bad", "deferred") == 20);
        assertThat(loginRequests("parked-1")).isEqualTo(1);
        assertThat(m.logins("genesys-bad", "rejected")).isEqualTo(1);
        assertThat(m.meterRegistry().scrape()).contains("switchboard_token_last_error{code=\"invalid_client\",credential=\"genesys-bad\"");
        assertThat(table.current("genesys-bad")).isEmpty();
        List<TokenStatus> statuses = TokenTopicsForTests.statuses(broker, registry.url(), new Topics(prefix), 1);
        assertThat(statuses).last().satisfies(s -> {
            assertThat(s.getState()).isEqualTo(TokenState.PARKED.name());
            assertThat(s.getProvider()).isEqualTo("genesys-cloud");
            assertThat(s.getLastErrorCode()).isEqualTo("invalid_client");
            assertThat(s.getLastErrorKind()).isEqualTo("REJECTED");
            assertThat(s.getHttpStatus()).isIn(400, 401); // Genesys: status of invalid_client unconfirmed (VENDORS.md)
            assertThat(s.getLastError()).isNotBlank().doesNotContain("a-wrong-secret");
            assertThat(s.getNextAttemptAt()).isAfter(s.getUpdatedAt().plus(Duration.ofMinutes(59)));
            assertThat(s.getConfigFingerprint()).startsWith("k1:").doesNotContain("a-wrong-secret");
            assertThat(s.getVersion()).isNull();
        });
    }

    @Test
    void whenTheOwnerIsKilledASurvivorAdoptsItsTokenAndPublishesTheNextVersionBeforeItExpires(@TempDir Path dir) throws Exception {
        List<Cred> creds = List.of(new Cred("genesys-crash", "crash-1", "crash-secret-1"));
        // one request partition: the child keeps it when the survivor joins (sticky), so the child is the owner.
        // A 6 s session timeout (the broker's minimum) bounds how long a SIGKILLed owner holds it.
        String yaml = yaml(broker.bootstrapServers(), registry.url(), sim, prefix, -1, 1,
                "session.timeout.ms: 6000\nheartbeat.interval.ms: 1000", "lifetimeShare: 0.5\njitter: 0\nminRemaining: PT5S", creds);
        Path config = Files.writeString(dir.resolve("token-manager.yaml"), yaml);
        Path log = dir.resolve("child.log");
        Process child = startChild(config, "tm-child", env(tokenKey, creds), log);
        awaitChildReady(child, log); // it created the topics

        TokenTable table = table("poller-1", creds);
        NavigableMap<Long, TokenView> byVersion = new ConcurrentSkipListMap<>();
        Map<Long, Instant> seenAt = new ConcurrentHashMap<>();
        table.addListener((id, view) -> {
            byVersion.put(view.version(), view);
            seenAt.putIfAbsent(view.version(), Instant.now());
        });
        await().atMost(WAIT).until(() -> table.current("genesys-crash").isPresent());
        table.current("genesys-crash").ifPresent(v -> byVersion.putIfAbsent(v.version(), v)); // read before the listener
        TokenView v1 = byVersion.get(1L);
        assertThat(v1.ownerId()).isEqualTo("tm-child");
        assertThat(issued("crash-1")).isEqualTo(1);

        TokenManager survivor = TokenManager.start(TokenManagerConfig.parse(yaml, "survivor.yaml", env(tokenKey, creds))
                .withInstanceId("tm-survivor"));
        closeables.add(survivor);
        await().atMost(WAIT).until(survivor::isReady);
        assertThat(survivor.ownedCredentials()).as("the child keeps its partition when the survivor joins").isEmpty();

        child.destroyForcibly().waitFor(); // SIGKILL: no leave-group, the group notices after the session timeout
        await().atMost(WAIT).until(() -> survivor.ownedCredentials().contains("genesys-crash")
                && survivor.state("genesys-crash").orElse(null) == TokenState.VALID);
        // adopted, not logged in again: the vendor still issued one token, the survivor has not logged in
        assertThat(issued("crash-1")).as("vendor logins right after the takeover").isEqualTo(1);
        assertThat(survivor.logins("genesys-crash", "success")).isZero();

        await().atMost(WAIT).until(() -> byVersion.containsKey(2L));
        TokenView v2 = byVersion.get(2L);
        assertThat(v2.ownerId()).isEqualTo("tm-survivor");
        assertThat(v2.issuedAt()).isBefore(v1.expiresAt());
        assertThat(seenAt.get(2L)).as("when readers saw version 2").isBefore(v1.expiresAt());
        assertThat(issued("crash-1")).isEqualTo(2);
        assertThat(survivor.logins("genesys-crash", "success")).isEqualTo(1);
    }

    @Test
    void removingACredentialPublishesATombstoneAndTheOthersAreAdopted() {
        Cred keep = new Cred("genesys-keep", "keep-1", "keep-secret-1");
        Cred drop = new Cred("genesys-drop", "drop-1", "drop-secret-1");
        TokenManager before = manager("tm-1", List.of(keep, drop));
        TokenTable table = table("poller-1", List.of(keep, drop));
        List<String> removed = new CopyOnWriteArrayList<>();
        table.addListener(new TokenListener() {
            @Override
            public void onToken(String credentialId, TokenView token) {
            }

            @Override
            public void onRemoved(String credentialId) {
                removed.add(credentialId);
            }
        });
        await().atMost(WAIT).until(() -> table.credentialIds().containsAll(List.of(keep.id(), drop.id())));
        before.close();

        TokenManager after = manager("tm-2", List.of(keep));
        await().atMost(WAIT).until(() -> removed.contains(drop.id()));
        assertThat(table.current(drop.id())).isEmpty();
        assertThat(table.headers(drop.id())).isEmpty();
        assertThat(TokenTopicsForTests.tombstones(broker, new Topics(prefix))).containsExactly(drop.id());
        assertThat(TokenTopicsForTests.statuses(broker, registry.url(), new Topics(prefix),
                read -> read.stream().anyMatch(s -> s.getState().equals(TokenState.REMOVED.name()))))
                .anySatisfy(s -> {
                    assertThat(s.getCredentialId()).isEqualTo(drop.id());
                    assertThat(s.getState()).isEqualTo(TokenState.REMOVED.name());
                    assertThat(s.getInstanceId()).isEqualTo("tm-2");
                });

        await().atMost(WAIT).until(() -> after.state(keep.id()).orElse(null) == TokenState.VALID);
        assertThat(removed).containsExactly(drop.id());
        assertThat(after.logins(keep.id(), "success")).isZero();
        assertThat(issued("keep-1")).isEqualTo(1);
        assertThat(table.current(keep.id()).orElseThrow().version()).isEqualTo(1);
    }

    @Test
    void aParkedCredentialStaysParkedWhenAnotherInstanceTakesItOverUntilItsSecretChanges() throws Exception {
        List<Cred> wrong = List.of(new Cred("genesys-parked", "parked-2", "a-wrong-secret-2"));
        TokenManager first = manager("tm-1", wrong);
        await().atMost(WAIT).until(() -> first.state("genesys-parked").orElse(null) == TokenState.PARKED);
        TokenManager second = manager("tm-2", wrong);
        await().atMost(WAIT).until(second::isReady);
        first.close(); // hands everything over to tm-2

        await().atMost(WAIT).until(() -> second.ownedCredentials().contains("genesys-parked")
                && second.state("genesys-parked").orElse(null) == TokenState.PARKED);
        TokenTable table = table("poller-1", wrong);
        table.requestRefresh("genesys-parked", null, "no token", null).get();
        await().atMost(WAIT).until(() -> counter(second, "switchboard.token.refresh.requests", "genesys-parked", "deferred") == 1);
        assertThat(loginRequests("parked-2")).as("logins of the rejected client across the handover").isEqualTo(1);
        assertThat(second.logins("genesys-parked", "rejected")).isZero();
        assertThat(second.meterRegistry().scrape()).contains("switchboard_token_last_error{code=\"invalid_client\",credential=\"genesys-parked\"");
        List<TokenStatus> statuses = TokenTopicsForTests.statuses(broker, registry.url(), new Topics(prefix),
                read -> read.stream().anyMatch(s -> "tm-2".equals(s.getInstanceId())));
        TokenStatus parkedByFirst = statuses.stream().filter(s -> "tm-1".equals(s.getInstanceId())).reduce((a, b) -> b).orElseThrow();
        assertThat(statuses).last().satisfies(s -> {
            assertThat(s.getInstanceId()).isEqualTo("tm-2");
            assertThat(s.getState()).isEqualTo(TokenState.PARKED.name());
            assertThat(s.getNextAttemptAt()).isEqualTo(parkedByFirst.getNextAttemptAt());
            assertThat(s.getLastErrorCode()).isEqualTo("invalid_client");
        });

        // the operator fixes the secret: the new configuration's fingerprint differs, the next owner logs in at once
        second.close();
        TokenManager fixed = manager("tm-3", List.of(new Cred("genesys-parked", "parked-2", "the-right-secret-2")));
        await().atMost(WAIT).until(() -> table.current("genesys-parked").isPresent());
        assertThat(fixed.state("genesys-parked")).contains(TokenState.VALID);
        assertThat(issued("parked-2")).isEqualTo(1);
    }

    /** Starts a token manager in a child JVM on this test's classpath; its output goes to {@code log}. */
    private Process startChild(Path config, String instanceId, Map<String, String> env, Path log) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-cp", System.getProperty("java.class.path"), TokenManagerChild.class.getName(),
                config.toString(), instanceId);
        pb.environment().keySet().removeIf(k -> k.startsWith(TokenManagerConfig.ENV_PREFIX));
        pb.environment().putAll(env);
        pb.redirectErrorStream(true).redirectOutput(log.toFile());
        Process child = pb.start();
        children.add(child);
        return child;
    }

    private static void awaitChildReady(Process child, Path log) {
        await().atMost(WAIT).until(() -> {
            String out = Files.exists(log) ? Files.readString(log) : "";
            assertThat(child.isAlive()).as("child token manager exited; its output:%n%s", out).isTrue();
            return out.lines().anyMatch(l -> l.startsWith(TokenManagerChild.READY));
        });
    }

    /** Requests to the simulator's Genesys token endpoint by {@code clientId} (Basic header), whatever the answer. */
    private static long loginRequests(String clientId) {
        return sim.requests().matching(Vendor.GENESYS, "/oauth/token").stream()
                .filter(r -> r.header("Authorization") != null && r.header("Authorization").startsWith("Basic " + clientId + ":"))
                .count();
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
