package io.switchboard.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.switchboard.core.Topics;
import io.switchboard.registry.server.EmbeddedSchemaRegistry;
import io.switchboard.testkit.KafkaBroker;
import io.switchboard.testkit.WithKafka;
import io.switchboard.token.login.CredentialLogin;
import io.switchboard.token.login.LoginException;
import io.vertx.core.Vertx;

/** Token managers against a real broker and schema registry: publishing, refresh, ownership, failover, single flight, parking. */
@WithKafka
class TokenFleetIT {

    private static final Duration WAIT = Duration.ofSeconds(90);

    static KafkaBroker broker;
    private static EmbeddedSchemaRegistry registry;

    private final String prefix = "t" + UUID.randomUUID().toString().substring(0, 8);
    private final TokenKeys keys = TokenKeys.random("k1");
    private final List<AutoCloseable> closeables = new ArrayList<>();

    @BeforeAll
    static void startRegistry() {
        registry = EmbeddedSchemaRegistry.start(broker.bootstrapServers());
    }

    @AfterAll
    static void stopRegistry() {
        registry.close();
    }

    @AfterEach
    void closeAll() throws Exception {
        for (int i = closeables.size() - 1; i >= 0; i--) {
            closeables.get(i).close();
        }
    }

    private TokenManagerConfig config(String instanceId) {
        Map<String, String> props = new HashMap<>();
        props.put("heartbeat.interval.ms", "500");
        return new TokenManagerConfig(broker.bootstrapServers(), prefix, props, registry.url(), instanceId, keys,
                RefreshSettings.defaults(), "127.0.0.1", -1, 6, List.of());
    }

    private TokenManager manager(String instanceId, List<CredentialLogin> logins) {
        Vertx vertx = Vertx.vertx();
        TokenManager m = TokenManager.start(config(instanceId), vertx, logins, () -> { });
        closeables.add(m);
        return m;
    }

    private TokenTable table(String clientId) throws InterruptedException {
        TokenTable t = TokenTable.start(new TokenTableConfig(Map.of("bootstrap.servers", broker.bootstrapServers()),
                new Topics(prefix), keys, registry.url(), clientId));
        closeables.add(t);
        await().atMost(WAIT).until(t::isReady);
        return t;
    }

    @Test
    void publishesAnEncryptedTokenThatTheTableDecryptsAndRefreshesBeforeExpiry() throws Exception {
        InTestLogin login = new InTestLogin("genesys-prod", Duration.ofSeconds(4), null);
        manager("tm-1", List.of(login));
        TokenTable table = table("poller-1");
        List<TokenView> seen = new CopyOnWriteArrayList<>();
        table.addListener((id, view) -> seen.add(view));

        await().atMost(WAIT).until(() -> table.current("genesys-prod").isPresent());
        TokenView v1 = table.current("genesys-prod").orElseThrow();
        assertThat(v1.headers().get("Authorization").reveal()).startsWith("Bearer tok-");
        assertThat(v1.apiBaseUrl()).isEqualTo("https://api.example.test");
        assertThat(v1.ownerId()).isEqualTo("tm-1");
        assertThat(v1.expiresAt()).isEqualTo(v1.issuedAt().plusSeconds(4));

        await().atMost(WAIT).until(() -> table.current("genesys-prod").orElseThrow().version() >= v1.version() + 1);
        TokenView v2 = table.current("genesys-prod").orElseThrow();
        assertThat(v2.version()).isEqualTo(v1.version() + 1);
        assertThat(v2.issuedAt()).isBefore(v1.expiresAt());
        assertThat(v2.headers().get("Authorization").reveal()).isNotEqualTo(v1.headers().get("Authorization").reveal());
    }

    @Test
    void threeInstancesOwnEachCredentialExactlyOnceAndCoalesceRefreshRequests() throws Exception {
        List<String> ids = List.of("c1", "c2", "c3", "c4", "c5", "c6", "c7", "c8");
        Map<String, Map<String, InTestLogin>> loginsByInstance = new ConcurrentHashMap<>();
        List<TokenManager> managers = new ArrayList<>();
        for (String instance : List.of("tm-a", "tm-b", "tm-c")) {
            Map<String, InTestLogin> logins = new HashMap<>();
            ids.forEach(id -> logins.put(id, new InTestLogin(id, Duration.ofMinutes(30), null)));
            loginsByInstance.put(instance, logins);
            managers.add(manager(instance, new ArrayList<>(logins.values())));
        }
        TokenTable table = table("poller-1");
        await().atMost(WAIT).until(() -> table.credentialIds().containsAll(ids));
        await().atMost(WAIT).until(() -> managers.stream().allMatch(TokenManager::isReady));
        // the group settles (cooperative rebalances move partitions in steps): every credential owned
        await().atMost(WAIT).until(() -> managers.stream().mapToInt(m -> m.ownedCredentials().size()).sum() == ids.size()
                && managers.stream().flatMap(m -> m.ownedCredentials().stream()).distinct().count() == ids.size());

        // exactly one owner per credential, and one login per credential in the whole fleet (handovers adopt)
        Set<String> owned = new HashSet<>();
        for (TokenManager m : managers) {
            for (String id : m.ownedCredentials()) {
                assertThat(owned.add(id)).as("credential %s owned twice", id).isTrue();
            }
        }
        assertThat(owned).containsExactlyInAnyOrderElementsOf(ids);
        for (String id : ids) {
            assertThat(totalLogins(loginsByInstance, id)).as("logins of %s", id).isEqualTo(1);
            assertThat(table.current(id).orElseThrow().version()).isEqualTo(1);
        }

        // 50 pollers report version 1 of c3 rejected: one login, version 2
        for (int i = 0; i < 50; i++) {
            table.requestRefresh("c3", 1L, "401 bad.credentials", 401).get();
        }
        TokenManager owner = managers.stream().filter(m -> m.ownedCredentials().contains("c3")).findFirst().orElseThrow();
        await().atMost(WAIT).until(() -> requestsHandled(owner, "c3") == 50);
        await().atMost(WAIT).until(() -> table.current("c3").orElseThrow().version() == 2);
        assertThat(totalLogins(loginsByInstance, "c3")).isEqualTo(2);
    }

    @Test
    void whenTheOwnerLeavesASurvivorTakesOverAdoptsTheTokenAndRefreshesBeforeExpiry() throws Exception {
        InTestLogin loginA = new InTestLogin("genesys-prod", Duration.ofSeconds(12), null);
        InTestLogin loginB = new InTestLogin("genesys-prod", Duration.ofSeconds(12), null);
        TokenManager ma = manager("tm-a", List.of(loginA));
        TokenManager mb = manager("tm-b", List.of(loginB));
        TokenTable table = table("poller-1");
        java.util.NavigableMap<Long, TokenView> byVersion = new java.util.concurrent.ConcurrentSkipListMap<>();
        table.addListener((id, view) -> byVersion.put(view.version(), view));
        await().atMost(WAIT).until(() -> table.current("genesys-prod").isPresent() && ma.isReady() && mb.isReady());
        table.current("genesys-prod").ifPresent(v -> byVersion.putIfAbsent(v.version(), v));
        java.util.Collection<TokenView> versions = byVersion.values();

        // the group may still be settling: pick the owner once exactly one instance owns the credential
        await().atMost(WAIT).until(() -> ma.ownedCredentials().contains("genesys-prod") != mb.ownedCredentials().contains("genesys-prod"));
        TokenManager owner = ma.ownedCredentials().contains("genesys-prod") ? ma : mb;
        TokenManager survivor = owner == ma ? mb : ma;

        long atClose = table.current("genesys-prod").orElseThrow().version();
        owner.close();
        await().atMost(WAIT).until(() -> survivor.ownedCredentials().contains("genesys-prod"));
        String survivorId = survivor.config().instanceId();
        await().atMost(WAIT).until(() -> versions.stream().anyMatch(v -> v.version() > atClose && survivorId.equals(v.ownerId())));

        // The survivor adopted the published token (no login at takeover) and logged in once when it was due:
        // one version up, issued before the token it replaced expired.
        TokenView first = versions.stream().filter(v -> v.version() > atClose && survivorId.equals(v.ownerId())).findFirst().orElseThrow();
        TokenView replaced = byVersion.get(first.version() - 1);
        assertThat(replaced.ownerId()).isEqualTo(owner.config().instanceId());
        assertThat(first.issuedAt()).isBefore(replaced.expiresAt());
        assertThat(first.issuedAt()).isAfterOrEqualTo(replaced.refreshAfter().minusMillis(1));
        assertThat(byVersion.firstKey()).isEqualTo(1);
        assertThat(byVersion.lastKey()).isEqualTo(byVersion.size()); // no gaps, one step per login
        // every login produced exactly one version: nobody logged in twice during handovers
        long published = byVersion.lastKey();
        assertThat(loginA.logins.get() + loginB.logins.get()).isEqualTo((int) published);
    }

    @Test
    void aRejectedCredentialIsParkedReportedAndNotRetriedInALoop() throws Exception {
        InTestLogin login = new InTestLogin("bad-client", Duration.ofMinutes(5), new LoginException(LoginException.Kind.REJECTED,
                "Genesys rejected client id bad-client (invalid_client): check the client secret", 401, "invalid_client", null, null));
        TokenManager m = manager("tm-1", List.of(login));
        TokenTable table = table("poller-1");
        await().atMost(WAIT).until(() -> m.state("bad-client").orElse(null) == TokenStatus.State.PARKED);
        for (int i = 0; i < 20; i++) {
            table.requestRefresh("bad-client", null, "no token", null).get();
        }
        await().atMost(WAIT).until(() -> counter(m, "switchboard.token.refresh.requests", "bad-client", "deferred") == 20);
        assertThat(login.logins.get()).isEqualTo(1);
        assertThat(m.logins("bad-client", "rejected")).isEqualTo(1);
        assertThat(m.meterRegistry().scrape()).contains("switchboard_token_last_error{code=\"invalid_client\",credential=\"bad-client\"");
        assertThat(table.current("bad-client")).isEmpty();
    }

    private static int totalLogins(Map<String, Map<String, InTestLogin>> byInstance, String id) {
        return byInstance.values().stream().mapToInt(m -> m.get(id).logins.get()).sum();
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
