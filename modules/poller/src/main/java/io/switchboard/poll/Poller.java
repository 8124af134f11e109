package io.switchboard.poll;

import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.switchboard.core.SwitchboardException;
import io.switchboard.core.ops.OpsServer;
import io.switchboard.core.supervise.Health;
import io.switchboard.core.supervise.Supervisor;
import io.switchboard.poll.internal.JobAssignment;
import io.switchboard.poll.internal.JobScheduler;
import io.switchboard.poll.internal.PollTasks;
import io.switchboard.poll.internal.PollTopics;
import io.switchboard.poll.internal.PollerMetrics;
import io.switchboard.poll.internal.TransactionalPollWriter;
import io.vertx.core.Vertx;

/**
 * One poller instance (the role): takes its share of the poll jobs through the consumer group on {@code poll-jobs},
 * polls each job on its schedule with the injected {@link PollExecutor}, and writes each poll's {@code QueueStat}s,
 * {@code PollError}s and progress in one Kafka transaction. Start any number of instances with the same configuration
 * and different {@code poller.instanceId}s: each credential is polled by exactly one of them at a time.
 *
 * <pre>
 * TokenTable tokens = TokenTable.start(config.tokenTableConfig());
 * PollExecutor executor = ...;                     // production: the vendor executor over the token table
 * Poller poller = Poller.builder(config, executor)
 *         .discovery(discovery)                    // for the in-fleet job planning; optional
 *         .readiness("tokens-loaded", () -> tokens.isReady() ? Health.ok() : Health.down("token table loading"))
 *         .onFatal((component, reason, cause) -> exitWithCode1(reason))
 *         .start();
 * ...
 * poller.close();                                  // graceful: stop scheduling, finish in-flight polls, commit, leave
 * executor.close(); tokens.close();                // owned by the caller
 * </pre>
 *
 * <p>Background work (the consumer loop, the transactional writer, the scheduler, the planner) runs under one
 * {@link Supervisor}: retriable failures are retried with backoff and turn {@code /ready} DOWN with the reason; a fatal
 * one calls the fatal handler once (the CLI closes the poller and exits 1). Serves {@code /health}, {@code /ready} and
 * {@code /metrics} unless {@code poller.ops.port} is -1. Thread-safe.
 */
public final class Poller implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Poller.class);

    private final PollerConfig config;
    private final PrometheusMeterRegistry registry;
    private final PollerMetrics metrics;
    private final Supervisor supervisor;
    private final PollTasks.ExecutorPollTasks tasks;
    private final TransactionalPollWriter writer;
    private final JobScheduler scheduler;
    private final FleetPlanner planner;
    private final JobAssignment assignment;
    private final Map<String, Supplier<Health>> checks = new LinkedHashMap<>();
    private final Vertx vertx;
    private final boolean ownsVertx;
    private final OpsServer ops;
    private boolean closed;

    private Poller(Builder b) {
        this.config = b.config;
        this.registry = b.registry != null ? b.registry : new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        if (b.registry == null) {
            registry.config().commonTags("instance", config.instanceId());
        }
        this.metrics = new PollerMetrics(registry);
        Supervisor.FatalHandler fatal = b.onFatal;
        this.supervisor = b.supervisor != null ? b.supervisor : new Supervisor("poller", b.clock, ThreadLocalRandom.current(),
                (component, reason, cause) -> {
                    LOG.error("poller {} cannot go on: {}", config.instanceId(), reason);
                    fatal.onFatal(component, reason, cause);
                });
        PollTopics.ensure(config.kafkaClientProperties(), config.topics(), config.jobPartitions());
        this.tasks = PollTasks.singleThread("poller-scheduler-" + config.instanceId(), b.clock);
        OwnershipRef ownership = new OwnershipRef();
        this.writer = new TransactionalPollWriter(config.kafkaClientProperties(), config.topics(), config.transactionalId(),
                config.transactionTimeout(), config.schemaRegistry(), ownership, metrics, supervisor);
        this.scheduler = new JobScheduler(config.instanceId(), tasks, b.executor, writer, metrics, config.backfillLookBack(),
                supervisor.component("scheduler"));
        this.planner = new FleetPlanner(config, b.discovery, PollTasks.singleThread("poller-planner-" + config.instanceId(), b.clock),
                metrics, supervisor);
        this.assignment = new JobAssignment(config.kafkaClientProperties(), config.topics(), config.schemaRegistry(),
                config.instanceId(), config.credentials().stream().filter(c -> !c.polls().isEmpty())
                        .map(PollerConfig.CredentialPolls::credentialId).toList(),
                config.sessionTimeout(), config.shutdownTimeout(), scheduler, metrics, supervisor,
                planner::onLoaded, b.executor::credentialAcquired);
        ownership.target = assignment;
        checks.put("jobs-assigned", assignment::health);
        checks.put("producer", () -> writer.isReady() ? Health.ok()
                : Health.down("the transactional producer " + config.transactionalId() + " is not initialised yet"));
        checks.putAll(b.checks);
        assignment.start();
        planner.start(assignment);
        if (config.opsPort() >= 0) {
            this.ownsVertx = b.vertx == null;
            this.vertx = b.vertx != null ? b.vertx : Vertx.vertx();
            this.ops = startOps();
        } else {
            this.ownsVertx = false;
            this.vertx = null;
            this.ops = null;
        }
        LOG.info("poller {} started: transactional.id {}, topics under '{}', {} credential(s) with poll: sections{}",
                config.instanceId(), config.transactionalId(), config.topicPrefix(), config.credentials().size(),
                ops == null ? "" : ", ops on " + config.opsHost() + ":" + ops.port());
    }

    /** Starts a poller with defaults for everything but the configuration and the executor. */
    public static Poller start(PollerConfig config, PollExecutor executor) {
        return builder(config, executor).start();
    }

    /** A builder for a poller that polls with {@code executor} (owned by the caller: close it after the poller). */
    public static Builder builder(PollerConfig config, PollExecutor executor) {
        return new Builder(config, executor);
    }

    private OpsServer startOps() {
        OpsServer.Builder b = OpsServer.builder().host(config.opsHost()).port(config.opsPort()).metrics(registry).supervisor(supervisor);
        checks.forEach(b::health);
        try {
            return b.start(vertx).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            close();
            throw new SwitchboardException("cannot serve /health, /ready, /metrics on " + config.opsHost() + ":" + config.opsPort()
                    + " (" + (e.getCause() == null ? e : e.getCause()).getMessage()
                    + "); pick a free poller.ops.port, 0 for any, or -1 for none", e);
        }
    }

    /** The configuration it runs with. */
    public PollerConfig config() {
        return config;
    }

    /** UP when every check and every supervised component is UP; else DOWN naming each one that is not. */
    public Health readiness() {
        StringBuilder reasons = new StringBuilder();
        health().forEach((name, h) -> {
            if (!h.up()) {
                reasons.append(reasons.length() == 0 ? "" : "; ").append(name).append(": ").append(h.reason());
            }
        });
        return reasons.length() == 0 ? Health.ok() : Health.down(reasons.toString());
    }

    /** Every readiness check and supervised component, by name. */
    public Map<String, Health> health() {
        Map<String, Health> out = new LinkedHashMap<>();
        checks.forEach((name, check) -> {
            Health h;
            try {
                h = check.get();
            } catch (RuntimeException e) {
                h = Health.down("the check itself failed: " + e);
            }
            out.put(name, h);
        });
        out.putAll(supervisor.health());
        return out;
    }

    /** Whether {@link #readiness()} is UP. */
    public boolean isReady() {
        return readiness().up();
    }

    /** Completes with the first fatal failure; never completes while the poller is healthy. */
    public CompletableFuture<Supervisor.Fatal> fatal() {
        return supervisor.fatal();
    }

    /** Ids of the jobs running here now. */
    public Set<String> runningJobs() {
        return scheduler.running();
    }

    /** Partitions of poll-jobs owned here whose jobs have started. */
    public Set<Integer> ownedPartitions() {
        return assignment.loadedPartitions();
    }

    /** The last committed poll sequence of a job running here, if it runs here. */
    public Optional<Long> pollSequence(String jobId) {
        JobScheduler.JobView v = scheduler.view(jobId);
        return v == null ? Optional.empty() : Optional.of(v.pollSequence());
    }

    /** Skipped slots of a job running here (since it started here), if it runs here. */
    public Optional<Long> skippedSlots(String jobId) {
        JobScheduler.JobView v = scheduler.view(jobId);
        return v == null ? Optional.empty() : Optional.of(v.skippedSlots());
    }

    /** How many polls are in flight here now (executor or writer). */
    public int pollsInFlight() {
        return (int) scheduler.views().stream().filter(JobScheduler.JobView::inFlight).count();
    }

    /** Runs the in-fleet planning for every owned partition now and waits for it. */
    public void planNow() {
        planner.planNow();
    }

    /** Meters of this poller ({@code /metrics}). */
    public PrometheusMeterRegistry meterRegistry() {
        return registry;
    }

    /** Port of the ops server, or -1 when there is none. */
    public int opsPort() {
        return ops == null ? -1 : ops.port();
    }

    /**
     * Graceful shutdown: stops planning and scheduling, lets the polls in flight finish and commit (at most
     * {@code poller.shutdownTimeout}), leaves the group so the jobs move to the other pollers at once, closes the
     * producer and the ops server. Idempotent. The executor is the caller's to close afterwards.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        long started = System.nanoTime();
        planner.close();
        Collection<String> running = scheduler.running();
        try {
            scheduler.stopAll().get(config.shutdownTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            LOG.warn("poller {}: polls still running after {}; their results are dropped (the next owner polls again)",
                    config.instanceId(), config.shutdownTimeout());
        } catch (Exception e) {
            LOG.warn("poller {}: stopping jobs: {}", config.instanceId(), e.toString());
        }
        assignment.close();
        writer.close();
        tasks.close();
        supervisor.close();
        if (ops != null) {
            ops.close();
        }
        if (ownsVertx && vertx != null) {
            try {
                vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                LOG.warn("closing Vert.x: {}", e.toString());
            }
        }
        LOG.info("poller {} stopped ({} job(s) handed over in {} ms)", config.instanceId(), running.size(),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
    }

    /** How long {@link #close()} may take at most, for shutdown hooks. */
    public Duration shutdownTimeout() {
        return config.shutdownTimeout().plusSeconds(30);
    }

    /** Options of a {@link Poller}. Not thread-safe; build once. */
    public static final class Builder {

        private final PollerConfig config;
        private final PollExecutor executor;
        private QueueDiscovery discovery;
        private PrometheusMeterRegistry registry;
        private Clock clock = Clock.systemUTC();
        private Supervisor.FatalHandler onFatal = (c, r, e) -> { };
        private Vertx vertx;
        private Supervisor supervisor;
        private final Map<String, Supplier<Health>> checks = new LinkedHashMap<>();

        private Builder(PollerConfig config, PollExecutor executor) {
            this.config = Objects.requireNonNull(config, "config");
            this.executor = Objects.requireNonNull(executor, "executor");
        }

        /** Queue discovery for the in-fleet planning of entries with queue patterns or "all queues". */
        public Builder discovery(QueueDiscovery discovery) {
            this.discovery = discovery;
            return this;
        }

        /** Registry for the meters (share it with the executor so its meters appear on {@code /metrics}). */
        public Builder meterRegistry(PrometheusMeterRegistry registry) {
            this.registry = registry;
            return this;
        }

        /** Clock of the scheduler and planner (default: system UTC). */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * The role's supervisor, when other parts of the process (the token table) already report to it; its fatal
         * handler is then the one that runs, and {@link #onFatal} is not used. Default: a supervisor of its own.
         */
        public Builder supervisor(Supervisor supervisor) {
            this.supervisor = supervisor;
            return this;
        }

        /** Called once on the first fatal failure (the CLI closes the poller and exits 1). */
        public Builder onFatal(Supervisor.FatalHandler handler) {
            this.onFatal = Objects.requireNonNull(handler, "handler");
            return this;
        }

        /** Vert.x for the ops server (default: its own, closed with the poller). */
        public Builder vertx(Vertx vertx) {
            this.vertx = vertx;
            return this;
        }

        /** Adds a readiness check, e.g. {@code tokens-loaded}; {@code /ready} shows its reason when DOWN. */
        public Builder readiness(String name, Supplier<Health> check) {
            checks.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(check, "check"));
            return this;
        }

        /**
         * Creates the topics when missing, joins the group and starts polling.
         *
         * @throws SwitchboardException when Kafka cannot be reached to check the topics, or the ops port is taken
         */
        public Poller start() {
            return new Poller(this);
        }
    }

    /** The writer asks the assignment, which is created after it. */
    private static final class OwnershipRef implements TransactionalPollWriter.Ownership {
        volatile JobAssignment target;

        @Override
        public boolean owns(int partition) {
            JobAssignment a = target;
            return a != null && a.owns(partition);
        }

        @Override
        public Optional<ConsumerGroupMetadata> groupMetadata() {
            JobAssignment a = target;
            return a == null ? Optional.empty() : a.groupMetadata();
        }

        @Override
        public long position(int partition) {
            JobAssignment a = target;
            return a == null ? -1 : a.position(partition);
        }
    }
}
