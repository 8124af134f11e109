package io.switchboard.token;

import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.switchboard.core.ConfigException;
import io.switchboard.core.ConfigProblem;
import io.switchboard.core.SwitchboardException;
import io.switchboard.core.ops.OpsServer;
import io.switchboard.core.supervise.Health;
import io.switchboard.core.supervise.Supervisor;
import io.switchboard.token.internal.ConfigFingerprint;
import io.switchboard.token.internal.KafkaPublications;
import io.switchboard.token.internal.OwnershipConsumer;
import io.switchboard.token.internal.PublishedTokens;
import io.switchboard.token.internal.RefreshPolicy;
import io.switchboard.token.internal.Tasks;
import io.switchboard.token.internal.TokenCipher;
import io.switchboard.token.internal.TokenMetrics;
import io.switchboard.token.internal.TokenRefreshScheduler;
import io.switchboard.token.internal.TopicSetup;
import io.switchboard.token.login.CredentialLogin;
import io.switchboard.token.login.LoginClient;
import io.vertx.core.Vertx;

/**
 * One token-manager instance: owns its share of the credentials through the consumer group on
 * {@code <prefix>.token-requests}, logs in when a token is due or a reader reports it rejected,
 * and publishes encrypted {@code TokenRecord}s to the compacted {@code <prefix>.tokens}.
 *
 * <p>Start any number of instances with the same configuration (different {@code instanceId}s):
 * each credential is owned by exactly one; when an instance stops, another takes its credentials
 * over, adopting the tokens already published. Serves {@code /health}, {@code /ready} (assigned,
 * token table loaded, and every supervised component UP — see {@link #readiness()}) and {@code /metrics}
 * unless {@code tokenManager.ops.port} is -1.
 *
 * <p>Background work runs under one {@link Supervisor}: the token table's reader ({@value TokenTable#COMPONENT}),
 * the ownership consumer ({@value OwnershipConsumer#COMPONENT}), the refresh scheduler's tasks
 * ({@value #SCHEDULER_COMPONENT}) and publishing ({@value #PUBLISHER_COMPONENT}). A broker or registry outage is
 * retried with backoff and jitter (the component is RETRYING, {@code /ready} DOWN with the reason, and UP again once
 * it recovers); a fatal failure completes {@link #fatal()}, on which the CLI stops the instance with exit code 1.
 *
 * <p>Thread-safe. {@link #close()} hands credentials over (leaves the group), flushes the producer
 * and stops every thread it started, including the {@link Vertx} instance if it created it.
 */
public final class TokenManager implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TokenManager.class);
    /** Supervised component: the refresh scheduler's tasks (each reports its own failure). */
    public static final String SCHEDULER_COMPONENT = "refresh-scheduler";
    /** Supervised component: publishing tokens (RETRYING while a broker or registry outage makes publishes fail). */
    public static final String PUBLISHER_COMPONENT = "token-publisher";

    private final TokenManagerConfig config;
    private final Vertx vertx;
    private final boolean ownsVertx;
    private final PrometheusMeterRegistry registry;
    private final TokenMetrics metrics;
    private final TokenTable table;
    private final KafkaPublications publications;
    private final Tasks.ExecutorTasks tasks;
    private final TokenRefreshScheduler scheduler;
    private final OwnershipConsumer ownership;
    private final OpsServer ops;
    private final Supervisor supervisor;
    private final AutoCloseable onClose;
    private boolean closed;

    private TokenManager(TokenManagerConfig config, Vertx vertx, boolean ownsVertx, List<CredentialLogin> logins,
                         AutoCloseable onClose) {
        this.config = config;
        this.vertx = vertx;
        this.ownsVertx = ownsVertx;
        this.onClose = onClose;
        this.registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        this.registry.config().commonTags("instance", config.instanceId());
        this.supervisor = new Supervisor("token-manager", Clock.systemUTC(), RandomGenerator.getDefault(), (component, reason, cause) ->
                LOG.error("token manager {} cannot go on ({}); /ready is DOWN and the process exits with code 1", config.instanceId(), reason));
        // The ops port first: a second instance on one host whose port is taken stops here, before it
        // creates topics or joins the consumer group (and so never disturbs the running instance).
        this.ops = config.opsPort() < 0 ? null : startOps();
        try {
            TopicSetup.ensureTopics(config.kafkaClientProperties(), config.topics(), config.requestPartitions());
        } catch (RuntimeException e) {
            if (ops != null) {
                ops.close();
            }
            throw e;
        }
        Clock clock = Clock.systemUTC();
        this.metrics = new TokenMetrics(registry, clock);
        TokenTableConfig tableConfig = config.tokenTableConfig();
        this.table = TokenTable.start(tableConfig, supervisor);
        this.publications = new KafkaPublications(config.kafkaClientProperties(), config.topics(), tableConfig.schemaRegistry(),
                config.instanceId());
        this.tasks = (Tasks.ExecutorTasks) Tasks.singleThread("token-scheduler-" + config.instanceId(),
                task -> supervisor.guard(SCHEDULER_COMPONENT, task));
        PublishedTokens published = PublishedTokens.of(table::current, table::latestVersion);
        Map<String, String> fingerprints = new HashMap<>();
        config.credentials().forEach(spec -> fingerprints.put(spec.id(), ConfigFingerprint.of(spec, config.keys())));
        this.scheduler = new TokenRefreshScheduler(config.instanceId(), logins, fingerprints, tasks, new RefreshPolicy(config.refresh()),
                published, publications, new TokenCipher(config.keys()), metrics, clock,
                () -> ThreadLocalRandom.current().nextDouble());
        this.scheduler.reportPublishingTo(supervisor.component(PUBLISHER_COMPONENT));
        this.ownership = new OwnershipConsumer(config.kafkaClientProperties(), config.topics(), tableConfig.schemaRegistry(),
                config.instanceId(), scheduler, table, publications, supervisor);
        this.ownership.start();
        LOG.info("token manager {} started: {} credential(s) configured, topics under '{}'{}", config.instanceId(),
                logins.size(), config.topicPrefix(), ops == null ? "" : ", ops on " + config.opsHost() + ":" + ops.port());
    }

    /**
     * Starts an instance that logs in with the configured credentials through the provider profiles
     * ({@link LoginClient}), on its own {@link Vertx}.
     *
     * @throws ConfigException     naming {@code tokenManager.ops.port} when the ops port is taken (e.g. a second instance on one host)
     * @throws SwitchboardException when Kafka cannot be reached to create the topics
     */
    public static TokenManager start(TokenManagerConfig config) {
        Vertx vertx = Vertx.vertx();
        LoginClient client = new LoginClient(vertx);
        try {
            List<CredentialLogin> logins = config.credentials().stream().map(client::bind).toList();
            return start(config, vertx, logins, client);
        } catch (RuntimeException e) {
            client.close();
            vertx.close();
            throw e;
        }
    }

    /**
     * Starts an instance with credential logins bound elsewhere (embedded demo, tests),
     * using {@code vertx} for HTTP; the caller keeps ownership of {@code vertx}.
     */
    public static TokenManager start(TokenManagerConfig config, Vertx vertx, List<CredentialLogin> logins) {
        return new TokenManager(config, vertx, false, List.copyOf(logins), null);
    }

    /**
     * Starts an instance with credential logins bound elsewhere and its own {@link Vertx}, closed by
     * {@link #close()} after {@code onClose} (e.g. the login client).
     */
    public static TokenManager start(TokenManagerConfig config, Vertx vertx, List<CredentialLogin> logins, AutoCloseable onClose) {
        return new TokenManager(config, vertx, true, List.copyOf(logins), onClose);
    }

    /**
     * Starts the ops server before anything else runs, so its readiness checks read the fields
     * assigned later through {@code this} (DOWN until they exist).
     *
     * @throws ConfigException naming {@code tokenManager.ops.port} when the port is taken
     */
    private OpsServer startOps() {
        try {
            return OpsServer.builder().host(config.opsHost()).port(config.opsPort()).metrics(registry)
                    .readiness("ownership-assigned", () -> this.ownership != null && this.ownership.isAssigned())
                    .readiness("token-table-loaded", () -> this.table != null && this.table.isReady())
                    .supervisor(supervisor)
                    .start(vertx).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            close();
            Throwable cause = e.getCause() == null ? e : e.getCause();
            if (portTaken(cause)) {
                String key = TokenManagerConfig.OPS_PORT.name();
                throw new ConfigException("the token-manager configuration", List.of(new ConfigProblem(key,
                        Integer.toString(config.opsPort()), "port " + config.opsPort() + " on " + config.opsHost()
                        + " is already in use (another token manager on this host?); give each instance on a host its own"
                        + " " + key + " (ops.port in older files), or " + key + ": 0 for any free port (the start-up log names"
                        + " the port), or -1 for no ops server; environment " + TokenManagerConfig.OPS_PORT.envVar())));
            }
            throw new SwitchboardException("cannot serve /health, /ready, /metrics on " + config.opsHost() + ":" + config.opsPort()
                    + " (" + cause.getMessage() + "); pick a free " + TokenManagerConfig.OPS_PORT.name() + ", 0 for any, or -1 for none", e);
        }
    }

    private static boolean portTaken(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof java.net.BindException
                    || (c.getMessage() != null && c.getMessage().toLowerCase(java.util.Locale.ROOT).contains("address already in use"))) {
                return true;
            }
        }
        return false;
    }

    /** The configuration it runs with. */
    public TokenManagerConfig config() {
        return config;
    }

    /**
     * Ready: the group assigned its partitions, the token table finished its first read and every supervised
     * component (token table, ownership consumer, refresh scheduler, publisher) is UP.
     */
    public boolean isReady() {
        return readiness().up();
    }

    /** What {@code /ready} says: UP, or DOWN naming each check or component that is not, with its reason. */
    public Health readiness() {
        List<String> reasons = new java.util.ArrayList<>();
        if (!ownership.isAssigned()) {
            reasons.add("ownership-assigned: the consumer group has not assigned this instance yet");
        }
        if (!table.isReady()) {
            reasons.add("token-table-loaded: still reading " + config.topics().tokens());
        }
        Health components = supervisor.readiness();
        if (!components.up()) {
            reasons.add(components.reason());
        }
        return reasons.isEmpty() ? Health.ok() : Health.down(String.join("; ", reasons));
    }

    /**
     * Completes with the first fatal failure of a supervised component (the role cannot go on: {@code /ready} is
     * DOWN with the reason); the CLI then stops the instance and exits with code 1. Never completes while healthy.
     */
    public CompletableFuture<Supervisor.Fatal> fatal() {
        return supervisor.fatal();
    }

    /** Credentials this instance owns now. */
    public Set<String> ownedCredentials() {
        return scheduler.ownedIds();
    }

    /** State of a credential this instance has decided about. */
    public Optional<TokenState> state(String credentialId) {
        return scheduler.state(credentialId);
    }

    /**
     * Why the last login of a credential this instance owns failed (the sentence the doctor would say), while it has
     * not logged in successfully since.
     */
    public Optional<String> lastError(String credentialId) {
        return scheduler.lastError(credentialId);
    }

    /** This instance's own view of the tokens topic. */
    public TokenTable tokenTable() {
        return table;
    }

    /** Meters of this instance ({@code /metrics}). */
    public PrometheusMeterRegistry meterRegistry() {
        return registry;
    }

    /** Logins of a credential by outcome ({@code success}, {@code rejected}, ...) counted by this instance. */
    public double logins(String credentialId, String outcome) {
        return metrics.logins(credentialId, outcome);
    }

    /** Port of the ops server, or -1 when there is none. */
    public int opsPort() {
        return ops == null ? -1 : ops.port();
    }

    /** Hands credentials over, flushes, stops. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (ownership != null) {
            ownership.close();
        }
        if (tasks != null) {
            tasks.close();
        }
        if (publications != null) {
            publications.close();
        }
        if (table != null) {
            table.close();
        }
        if (ops != null) {
            ops.close();
        }
        if (supervisor != null) {
            supervisor.close();
        }
        if (onClose != null) {
            try {
                onClose.close();
            } catch (Exception e) {
                LOG.warn("closing the login client: {}", e.toString());
            }
        }
        if (ownsVertx) {
            try {
                vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                LOG.warn("closing Vert.x: {}", e.toString());
            }
        }
        LOG.info("token manager {} stopped", config.instanceId());
    }

    /** How long {@link #close()} may take at most, for shutdown hooks. */
    public static Duration shutdownTimeout() {
        return Duration.ofSeconds(60);
    }
}
