package io.switchboard.cli.demo;

import java.io.PrintWriter;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.switchboard.aggregate.Aggregator;
import io.switchboard.aggregate.AggregatorConfig;
import io.switchboard.cli.AggregatorSection;
import io.switchboard.core.Topics;
import io.switchboard.poll.PollerConfig;
import io.switchboard.poll.PollerProcess;
import io.switchboard.registry.server.EmbeddedSchemaRegistry;
import io.switchboard.registry.server.EmbeddedSchemaRegistryOptions;
import io.switchboard.simulator.Vendor;
import io.switchboard.simulator.VendorSimulator;
import io.switchboard.testkit.EmbeddedKafkaBroker;
import io.switchboard.token.TokenKeys;
import io.switchboard.token.TokenManager;
import io.switchboard.token.TokenManagerConfig;
import io.switchboard.token.TokenState;
import io.switchboard.token.TokenView;

/**
 * The whole pipeline in one JVM: the in-process KRaft broker, the embedded schema registry, the vendor simulator
 * with one tenant per vendor, the token manager, the pollers and the aggregator with its dashboard — started in
 * that order with progress shown, stopped in the reverse order. Every role is started from one generated
 * configuration file, the same way a user's own file starts them.
 *
 * <p>Not thread-safe for start/close; {@link #snapshot()} may be called from any thread.
 */
public final class EmbeddedDemo implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedDemo.class);

    private final DemoOptions options;
    private final PrintWriter progress;
    private final List<AutoCloseable> started = new ArrayList<>();
    private final Instant startedAt = Instant.now();
    private final Map<String, Long> loginsAtRevocation = new LinkedHashMap<>();
    private EmbeddedKafkaBroker broker;
    private EmbeddedSchemaRegistry registry;
    private VendorSimulator sim;
    private TokenManager tokenManager;
    private final List<PollerProcess> pollers = new ArrayList<>();
    private Aggregator aggregator;
    private final java.util.concurrent.CompletableFuture<String> fatal = new java.util.concurrent.CompletableFuture<>();
    private final java.net.http.HttpClient http = java.net.http.HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(5)).build();
    private String configYaml;
    private Map<String, String> env;
    private volatile Instant revokedAt;
    private int step;
    private final int steps;

    private EmbeddedDemo(DemoOptions options, PrintWriter progress) {
        this.options = options;
        this.progress = progress;
        this.steps = 5 + options.pollers();
    }

    /**
     * Starts every component; on a failure stops what was started and rethrows.
     *
     * @param progress where each component's progress is shown
     */
    public static EmbeddedDemo start(DemoOptions options, PrintWriter progress) {
        EmbeddedDemo demo = new EmbeddedDemo(options, progress);
        try {
            demo.startAll();
            return demo;
        } catch (RuntimeException e) {
            demo.close();
            throw e;
        }
    }

    private void startAll() {
        broker = stage("Kafka broker (KRaft, in-process, data in " + options.dataDir().resolve("kafka") + ")",
                () -> EmbeddedKafkaBroker.startPersistent(options.dataDir().resolve("kafka"), Map.of("num.partitions", "6")),
                b -> "at " + b.bootstrapServers());
        registry = stage("schema registry (Confluent REST API)",
                () -> EmbeddedSchemaRegistry.start(EmbeddedSchemaRegistryOptions.defaults(broker.bootstrapServers())),
                r -> "at " + r.url());
        sim = stage("vendor simulator (" + DemoScenario.POLLING.size() + " tenants, " + options.queues() + " queues)",
                () -> VendorSimulator.start(DemoScenario.simulator(options)),
                s -> "at " + s.baseUrl());
        env = DemoScenario.env(demoKey());
        configYaml = configYaml();
        tokenManager = stage("token manager (" + DemoScenario.ALL.size() + " credentials)",
                () -> TokenManager.start(TokenManagerConfig.parse(configYaml, "demo switchboard.yaml", env).withInstanceId("token-manager-1")),
                t -> t.opsPort() > 0 ? "ops on http://127.0.0.1:" + t.opsPort() + "/ready" : "");
        awaitFirstTokens();
        for (int i = 1; i <= options.pollers(); i++) {
            String id = "poller-" + i;
            PollerProcess p = stage("poller " + id,
                    () -> PollerProcess.start(PollerConfig.parse(configYaml, "demo switchboard.yaml", env).withInstanceId(id),
                            (component, reason, cause) -> fatal.complete(id + " " + reason)),
                    x -> x.poller().opsPort() > 0 ? "ops on http://127.0.0.1:" + x.poller().opsPort() + "/ready" : "");
            pollers.add(p);
        }
        aggregator = stage("aggregator (Kafka Streams, exactly-once) with the query API and dashboard",
                () -> Aggregator.start(AggregatorConfig.fromMap(AggregatorSection.of(configYaml, "demo switchboard.yaml", env),
                        "demo switchboard.yaml"), new Aggregator.Options().onFatal(r -> fatal.complete("aggregator " + r))),
                a -> "dashboard " + dashboardUrl(a));
    }

    private static String dashboardUrl(Aggregator a) {
        return "http://127.0.0.1:" + a.httpPort() + "/";
    }

    /** Completes with the reason when a role of the demo fails for good. */
    public java.util.concurrent.CompletableFuture<String> fatal() {
        return fatal;
    }

    private <T extends AutoCloseable> T stage(String what, Callable<T> start, java.util.function.Function<T, String> detail) {
        step++;
        progress.printf("[%d/%d] starting %s ...%n", step, steps, what);
        progress.flush();
        long t0 = System.nanoTime();
        T component;
        try {
            component = start.call();
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(what + " did not start: " + e.getMessage(), e);
        }
        started.add(component);
        progress.printf("      ready in %.1f s %s%n", (System.nanoTime() - t0) / 1e9, detail.apply(component));
        progress.flush();
        return component;
    }

    private void awaitFirstTokens() {
        progress.printf("      waiting for the first logins ...%n");
        progress.flush();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            boolean all = DemoScenario.ALL.stream().allMatch(t -> tokenManager.state(t.credentialId())
                    .filter(s -> s == TokenState.VALID || s == TokenState.PARKED).isPresent());
            if (all) {
                return;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        LOG.warn("not every demo credential was decided within 60 s; the summary shows where each one stands");
    }

    /** A fresh AES-256 key for this run's token encryption (the demo keeps no secrets on disk). */
    private static String demoKey() {
        byte[] key = new byte[TokenKeys.KEY_BYTES];
        new SecureRandom().nextBytes(key);
        return Base64.getEncoder().encodeToString(key);
    }

    private String configYaml() {
        return """
                # Generated by `switchboard demo`: every role of the demo runs from this one file.
                kafka:
                  bootstrapServers: %s
                  topicPrefix: %s
                schemaRegistry:
                  url: %s
                encryption:
                  activeKeyId: demo
                  keys:
                    demo: ${env:SWITCHBOARD_TOKEN_KEY}
                tokenManager:
                  ops:
                    port: 0
                poller:
                  ops:
                    port: 0
                  planInterval: 30s
                aggregator:
                  applicationId: switchboard-demo-aggregator
                  streams:
                    stateDir: %s
                  http:
                    port: %d
                  ops:
                    port: 0
                  staleness:
                    after: 1m
                  alerts:
                    rules:
                      - name: long-queue
                        kind: waiting-above
                        threshold: 15
                      - name: no-agent
                        kind: no-agent-available
                """.formatted(broker.bootstrapServers(), Topics.DEFAULT_PREFIX, registry.url(),
                        options.dataDir().resolve("aggregator").toAbsolutePath(), options.apiPort())
                + DemoScenario.credentialsYaml(sim);
    }

    /**
     * Makes the simulator revoke every Genesys token now: the pollers' next calls get 401, they report the rejected
     * version, and the token manager logs in once for the whole fleet.
     */
    public void revokeGenesysTokens() {
        for (DemoScenario.Tenant t : DemoScenario.POLLING) {
            loginsAtRevocation.put(t.credentialId(), logins(t.credentialId()));
        }
        int revoked = sim.faults().revokeTokens(Vendor.GENESYS);
        revokedAt = Instant.now();
        LOG.info("demo: the simulator revoked {} Genesys token(s); the fleet should log in exactly once", revoked);
    }

    private long logins(String credentialId) {
        return (long) tokenManager.logins(credentialId, "success");
    }

    /** Where every credential and role stands now. */
    public DemoSnapshot snapshot() {
        List<DemoSnapshot.Credential> credentials = new ArrayList<>();
        for (DemoScenario.Tenant t : DemoScenario.ALL) {
            String id = t.credentialId();
            TokenView token = tokenManager.tokenTable().current(id).orElse(null);
            credentials.add(new DemoSnapshot.Credential(id, t.provider(), t.vendor(),
                    tokenManager.state(id).map(Enum::name).orElse("PENDING"),
                    tokenManager.lastError(id).orElse(null),
                    logins(id), (long) tokenManager.logins(id, "rejected"),
                    token == null ? 0 : token.version(), token == null ? null : token.expiresAt(),
                    loginsAtRevocation.containsKey(id) ? logins(id) - loginsAtRevocation.get(id) : null));
        }
        List<DemoSnapshot.Poller> pollerStats = new ArrayList<>();
        for (PollerProcess p : pollers) {
            var reg = p.poller().meterRegistry();
            long polls = (long) reg.find("switchboard.poller.polls").counters().stream().mapToDouble(c -> c.count()).sum();
            long records = (long) reg.find("switchboard.poller.records").tag("topic", "queue-stats")
                    .counters().stream().mapToDouble(c -> c.count()).sum();
            Map<String, Long> errors = new java.util.TreeMap<>();
            reg.find("switchboard.poller.poll.errors").counters().forEach(c -> {
                String kind = c.getId().getTag("kind");
                if (c.count() > 0) {
                    errors.merge(kind == null ? "UNKNOWN" : kind, (long) c.count(), Long::sum);
                }
            });
            pollerStats.add(new DemoSnapshot.Poller(p.poller().config().instanceId(), polls, records, errors));
        }
        DemoSnapshot.Aggregator agg = null;
        List<DemoSnapshot.Tenant> tenants = new ArrayList<>();
        String dashboard = null;
        String api = null;
        if (aggregator != null) {
            dashboard = dashboardUrl(aggregator);
            api = dashboard + "api/queues";
            long snapshots = 0;
            for (DemoScenario.Tenant t : DemoScenario.POLLING) {
                DemoSnapshot.Tenant seen = tenant(t, api);
                tenants.add(seen);
                snapshots += seen.snapshots();
            }
            agg = new DemoSnapshot.Aggregator(aggregator.metrics().processedCount(), snapshots);
        }
        return new DemoSnapshot(Instant.now(), startedAt, revokedAt, credentials, pollerStats, agg, tenants,
                new DemoSnapshot.Urls(sim.baseUrl(), registry.url(), broker.bootstrapServers(), dashboard, api));
    }

    /** QueueStat records the pollers committed for a credential. */
    private long records(String credentialId) {
        return (long) pollers.stream().mapToDouble(p -> p.poller().meterRegistry().find("switchboard.poller.records")
                .tags("credential", credentialId, "topic", "queue-stats").counters().stream().mapToDouble(c -> c.count()).sum()).sum();
    }

    /** What the query API answers for one tenant's queues (as a dashboard would see them). */
    private DemoSnapshot.Tenant tenant(DemoScenario.Tenant t, String api) {
        try {
            java.net.http.HttpResponse<String> r = http.send(java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create(api + "?pageSize=1000&tenant=" + t.credentialId())).timeout(Duration.ofSeconds(5)).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                return new DemoSnapshot.Tenant(t.credentialId(), t.provider(), 0, records(t.credentialId()), 0, null);
            }
            io.vertx.core.json.JsonObject body = new io.vertx.core.json.JsonObject(r.body());
            long total = body.getLong("total", 0L);
            Long newest = null;
            for (Object o : body.getJsonArray("items")) {
                Long age = ((io.vertx.core.json.JsonObject) o).getLong("ageMs");
                if (age != null && (newest == null || age < newest)) {
                    newest = age;
                }
            }
            return new DemoSnapshot.Tenant(t.credentialId(), t.provider(), total, records(t.credentialId()), total, newest);
        } catch (java.io.IOException e) {
            return new DemoSnapshot.Tenant(t.credentialId(), t.provider(), 0, records(t.credentialId()), 0, null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new DemoSnapshot.Tenant(t.credentialId(), t.provider(), 0, records(t.credentialId()), 0, null);
        }
    }

    /** The broker's address, for tools and tests. */
    public String bootstrapServers() {
        return broker.bootstrapServers();
    }

    /** The vendor simulator (tests ask it which tokens it issued). */
    VendorSimulator simulator() {
        return sim;
    }

    /** The secrets the configuration's references resolve to, by variable name (tests scan for them). */
    Map<String, String> secretValues() {
        return Map.copyOf(env);
    }

    /** The ops port (/health, /ready, /metrics) of every role, by role name; roles without an ops server are left out. */
    Map<String, Integer> opsPorts() {
        Map<String, Integer> ports = new LinkedHashMap<>();
        if (tokenManager != null && tokenManager.opsPort() > 0) {
            ports.put("token-manager", tokenManager.opsPort());
        }
        for (PollerProcess p : pollers) {
            if (p.poller().opsPort() > 0) {
                ports.put(p.poller().config().instanceId(), p.poller().opsPort());
            }
        }
        if (aggregator != null && aggregator.opsPort() > 0) {
            ports.put("aggregator", aggregator.opsPort());
        }
        return ports;
    }

    /** The configuration every role of the demo runs from (secrets as references). */
    public String configYamlText() {
        return configYaml;
    }

    /** Stops every component, the last started first. Idempotent. */
    @Override
    public void close() {
        for (int i = started.size() - 1; i >= 0; i--) {
            AutoCloseable c = started.get(i);
            try {
                c.close();
            } catch (Exception e) {
                LOG.warn("demo: closing {} failed: {}", c, e.toString());
            }
        }
        started.clear();
    }
}
