package io.switchboard.aggregate;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.state.HostInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.switchboard.aggregate.internal.AggregatorMetrics;
import io.switchboard.aggregate.internal.TopicSetup;
import io.switchboard.aggregate.query.DashboardFeed;
import io.switchboard.aggregate.query.QueryApi;
import io.switchboard.aggregate.query.QueryService;
import io.switchboard.core.SwitchboardException;
import io.switchboard.core.ops.OpsServer;
import io.switchboard.core.supervise.Backoff;
import io.switchboard.core.supervise.Health;
import io.switchboard.core.supervise.Supervisor;
import io.switchboard.registry.serde.DeadLetterListener;
import io.switchboard.registry.serde.DeadLetterProcessingExceptionHandler;
import io.switchboard.registry.serde.ReplaceThreadOnRetriableFailure;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;

/**
 * One aggregator instance: the Kafka Streams application of {@link AggregatorTopology} (exactly-once
 * v2, Streams' own dead-letter queue, standby replicas), the query API and live dashboard on
 * {@code http.port}, and {@code /health}, {@code /ready}, {@code /metrics} on {@code ops.port}.
 *
 * <p>Supervision: a stream thread that dies of a retriable failure (the schema registry or broker
 * unreachable) is replaced after a backoff with jitter ({@code ReplaceThreadOnRetriableFailure}, shared with every
 * Streams application of the project) and re-reads from its last committed offset,
 * so nothing is skipped; any other failure stops the application: {@code /ready} turns DOWN with
 * the reason and the {@link Options#onFatal} callback runs once (the CLI exits 1 from it).
 *
 * <p>Start any number of instances with the same {@code applicationId}: partitions, and so queues
 * and tenants, are spread over them, and every instance answers every query. Thread-safe;
 * {@link #close()} stops everything it started.
 */
public final class Aggregator implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Aggregator.class);

    /** How an instance is embedded. Mutable builder-style holder; not thread-safe. */
    public static final class Options {
        Clock clock = Clock.systemUTC();
        Consumer<String> onFatal = reason -> { };
        Vertx vertx;

        /** Clock for ages and staleness in query answers (the topology uses Kafka Streams' time). */
        public Options clock(Clock clock) {
            this.clock = clock;
            return this;
        }

        /** Called once, on its own thread, when the application stops for a non-retriable reason. */
        public Options onFatal(Consumer<String> onFatal) {
            this.onFatal = onFatal;
            return this;
        }

        /** A Vert.x instance to serve HTTP on (the caller closes it); by default the aggregator makes its own. */
        public Options vertx(Vertx vertx) {
            this.vertx = vertx;
            return this;
        }
    }

    private final AggregatorConfig config;
    private final Options options;
    private final Vertx vertx;
    private final boolean ownsVertx;
    private final AggregatorMetrics metrics = new AggregatorMetrics();
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final AtomicReference<KafkaStreams> streams = new AtomicReference<>();
    private final AtomicReference<String> failure = new AtomicReference<>();
    private final AtomicBoolean everRunning = new AtomicBoolean();
    private final AtomicBoolean fatalReported = new AtomicBoolean();
    /** Replaces a stream thread that died of a retriable failure; a fatal one fails {@link #supervisor}'s component. */
    private final Supervisor supervisor;
    private final ReplaceThreadOnRetriableFailure onStreamThreadDeath;
    private final int inputPartitions;
    private DashboardFeed feed;
    private QueryService service;
    private HttpServer http;
    private OpsServer ops;
    private boolean closed;

    private Aggregator(AggregatorConfig config, Options options) {
        this.config = config;
        this.options = options;
        this.ownsVertx = options.vertx == null;
        this.vertx = ownsVertx ? Vertx.vertx() : options.vertx;
        this.supervisor = new Supervisor("aggregator " + config.instanceId(), Clock.systemUTC(), new SplittableRandom(),
                (component, reason, cause) -> failure.compareAndSet(null, "Kafka Streams stopped: " + reason));
        // 0.5 s doubling to 30 s, with jitter; the attempt count restarts once the client runs again for a while
        this.onStreamThreadDeath = new ReplaceThreadOnRetriableFailure(new Backoff(Duration.ofMillis(500), Duration.ofSeconds(30)),
                supervisor.component("streams"));
        try {
            this.inputPartitions = TopicSetup.ensureTopics(config);
            startHttp();
            startStreams();
            bindMeters();
            if (config.opsPort() >= 0) {
                startOps();
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
        LOG.info("aggregator {} started: application {}, {} input partitions, API on {}:{}{}", config.instanceId(), config.applicationId(),
                inputPartitions, config.httpHost(), httpPort(), ops == null ? "" : ", ops on " + config.opsHost() + ":" + ops.port());
    }

    /** Starts an instance with its own Vert.x and the system clock. */
    public static Aggregator start(AggregatorConfig config) {
        return new Aggregator(config, new Options());
    }

    /** Starts an instance with the given options. */
    public static Aggregator start(AggregatorConfig config, Options options) {
        return new Aggregator(config, options);
    }

    private void startHttp() {
        feed = new DashboardFeed(vertx, config);
        AtomicReference<Router> router = new AtomicReference<>();
        try {
            http = vertx.createHttpServer()
                    .requestHandler(req -> {
                        Router r = router.get();
                        if (r == null) {
                            req.response().setStatusCode(503).putHeader("Retry-After", "1").end("{\"error\":\"starting\",\"status\":503}");
                        } else {
                            r.handle(req);
                        }
                    })
                    .listen(config.httpPort(), config.httpHost())
                    .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new SwitchboardException("cannot serve the query API on " + config.httpHost() + ":" + config.httpPort() + " ("
                    + (e.getCause() == null ? e : e.getCause()).getMessage() + "); pick a free http.port, or 0 for any", e);
        }
        HostInfo self = new HostInfo(config.advertisedHost(), http.actualPort());
        service = new QueryService(vertx, streams::get, self, config, options.clock, () -> inputPartitions);
        router.set(new QueryApi(service, feed, config, options.clock).router(vertx));
    }

    private void startStreams() {
        Properties props = new Properties();
        props.putAll(AggregatorTopology.streamsDefaults());
        props.putAll(config.kafkaProperties());
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, config.applicationId());
        props.put(StreamsConfig.CLIENT_ID_CONFIG, config.applicationId() + "-" + config.instanceId());
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        props.put(StreamsConfig.STATE_DIR_CONFIG, config.stateDir().toString());
        props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, config.streamThreads());
        props.put(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, config.standbyReplicas());
        props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, config.commitInterval().toMillis());
        props.put(StreamsConfig.APPLICATION_SERVER_CONFIG, config.advertisedHost() + ":" + http.actualPort());
        // poison records (undecodable, or rejected by the processor) -> Streams' own dead-letter queue; retriable -> retried
        props.putAll(DeadLetterProcessingExceptionHandler.streamsProperties(config.topics().deadLetters()));
        props.put(DeadLetterListener.CONFIG, metrics);
        props.put(AggregatorMetrics.CONFIG_KEY, metrics);
        KafkaStreams s = new KafkaStreams(AggregatorTopology.buildTopology(config), props);
        s.setUncaughtExceptionHandler(onStreamThreadDeath);
        s.setStateListener(onStreamThreadDeath.stateListener((now, before) -> onState(now)));
        streams.set(s);
        s.start();
    }

    private void onState(KafkaStreams.State now) {
        if (now == KafkaStreams.State.RUNNING) {
            everRunning.set(true);
        }
        if (now == KafkaStreams.State.ERROR) {
            failure.compareAndSet(null, "Kafka Streams is in state ERROR");
            if (fatalReported.compareAndSet(false, true)) {
                String reason = failure.get();
                Thread t = new Thread(() -> options.onFatal.accept(reason), "aggregator-fatal-" + config.instanceId());
                t.setDaemon(true);
                t.start();
            }
        }
    }

    private void startOps() {
        try {
            ops = OpsServer.builder().host(config.opsHost()).port(config.opsPort()).metrics(registry)
                    .health("streams", () -> health(notReadyReason()))
                    .health("dashboard-feed", () -> health(feed.failure()))
                    .start(vertx).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new SwitchboardException("cannot serve /health, /ready, /metrics on " + config.opsHost() + ":" + config.opsPort() + " ("
                    + (e.getCause() == null ? e : e.getCause()).getMessage() + "); pick a free ops.port, 0 for any, or -1 for none", e);
        }
    }

    private static Health health(String downReason) {
        return downReason == null ? Health.ok() : Health.down(downReason);
    }

    /** Why the instance is not ready, or null when it is. */
    public String notReadyReason() {
        String f = failure.get();
        if (f != null) {
            return f;
        }
        KafkaStreams s = streams.get();
        if (s == null) {
            return "Kafka Streams is not started";
        }
        KafkaStreams.State state = s.state();
        if (state == KafkaStreams.State.RUNNING || (state == KafkaStreams.State.REBALANCING && everRunning.get())) {
            return null;
        }
        return "Kafka Streams is " + state + (state == KafkaStreams.State.REBALANCING ? " (first assignment and restore)" : "");
    }

    /** Whether {@code /ready} is UP. */
    public boolean isReady() {
        return notReadyReason() == null && feed.failure() == null;
    }

    /** Why the application stopped, if it did. */
    public String failure() {
        return failure.get();
    }

    /** Port of the query API and dashboard. */
    public int httpPort() {
        return http == null ? -1 : http.actualPort();
    }

    /** Port of {@code /health}, {@code /ready}, {@code /metrics}, or -1. */
    public int opsPort() {
        return ops == null ? -1 : ops.port();
    }

    /** The configuration it runs with. */
    public AggregatorConfig config() {
        return config;
    }

    /** The Kafka Streams application (for tests and diagnostics). */
    public KafkaStreams streams() {
        return streams.get();
    }

    /** The topology's counters. */
    public AggregatorMetrics metrics() {
        return metrics;
    }

    /** Meters served on {@code /metrics}. */
    public PrometheusMeterRegistry meterRegistry() {
        return registry;
    }

    /** The live feed (connected pages, events sent). */
    public DashboardFeed feed() {
        return feed;
    }

    private void bindMeters() {
        registry.config().commonTags("instance", config.instanceId());
        FunctionCounter.builder("aggregator.records.processed", metrics, AggregatorMetrics::processedCount)
                .description("QueueStat records taken in (duplicates and late ones included)").register(registry);
        FunctionCounter.builder("aggregator.records.duplicate", metrics, AggregatorMetrics::duplicateCount)
                .description("Records that repeated one already counted").register(registry);
        for (WindowSize size : WindowSize.values()) {
            FunctionCounter.builder("aggregator.records.dropped.late", metrics, m -> m.droppedLateCount(size)).tag("window", size.label())
                    .description("Records dropped for a window size because they came after its grace").register(registry);
        }
        FunctionCounter.builder("aggregator.records.dead.lettered", metrics, AggregatorMetrics::deadLetteredCount)
                .description("Poison records written to the dead-letter topic").register(registry);
        FunctionCounter.builder("aggregator.records.retriable.failures", metrics, AggregatorMetrics::retriableFailureCount)
                .description("Records that could not be read for a retriable reason (the task failed and retried them)").register(registry);
        FunctionCounter.builder("aggregator.alerts.raised", metrics, AggregatorMetrics::alertsRaisedCount).register(registry);
        FunctionCounter.builder("aggregator.alerts.cleared", metrics, AggregatorMetrics::alertsClearedCount).register(registry);
        Gauge.builder("aggregator.punctuation.lag", metrics, AggregatorMetrics::punctuationLagMs).baseUnit("milliseconds")
                .description("How late the last wall-clock punctuation (staleness check) ran").register(registry);
        Gauge.builder("aggregator.punctuation.lag.max", metrics, AggregatorMetrics::maxPunctuationLagMs).baseUnit("milliseconds")
                .register(registry);
        Gauge.builder("aggregator.streams.running", this, a -> a.streams() != null && a.streams().state().isRunningOrRebalancing() ? 1 : 0)
                .register(registry);
        Gauge.builder("aggregator.dashboard.clients", feed, DashboardFeed::clients).register(registry);
        java.util.List<String> stores = new java.util.ArrayList<>(java.util.List.of(AggregatorTopology.QUEUE_STORE,
                AggregatorTopology.ALERT_HISTORY_STORE, AggregatorTopology.TENANT_PARTIALS_STORE,
                AggregatorTopology.TENANT_STORE));
        for (WindowSize size : WindowSize.values()) {
            stores.add(AggregatorTopology.windowStore(size));
        }
        for (String store : stores) {
            Gauge.builder("aggregator.store.entries", this, a -> a.storeMetric(store, "estimate-num-keys")).tag("store", store)
                    .description("Estimated keys in the local RocksDB store (active and standby tasks)").register(registry);
            Gauge.builder("aggregator.store.size", this, a -> a.storeMetric(store, "total-sst-files-size")
                    + a.storeMetric(store, "size-all-mem-tables")).baseUnit("bytes").tag("store", store)
                    .description("Bytes of the local RocksDB store: SST files plus memtables").register(registry);
        }
    }

    /** Sum of a RocksDB property metric over every local instance (task, segment) of a store. */
    public double storeMetric(String store, String metric) {
        KafkaStreams s = streams.get();
        if (s == null) {
            return 0;
        }
        double sum = 0;
        for (Map.Entry<MetricName, ? extends Metric> e : s.metrics().entrySet()) {
            MetricName name = e.getKey();
            if (!name.name().equals(metric) || !name.group().equals("stream-state-metrics")) {
                continue;
            }
            boolean ofStore = name.tags().entrySet().stream().anyMatch(t -> t.getKey().startsWith("rocksdb-") && t.getValue().equals(store));
            if (ofStore && e.getValue().metricValue() instanceof Number n) {
                sum += n.doubleValue();
            }
        }
        return sum;
    }

    /** Stops Kafka Streams (committing), the feed and the servers. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        KafkaStreams s = streams.get();
        if (s != null) {
            s.close(Duration.ofSeconds(30));
        }
        if (feed != null) {
            feed.close();
        }
        if (ops != null) {
            ops.close();
        }
        if (http != null) {
            try {
                http.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
            } catch (Exception e) {
                // going down anyway
            }
        }
        if (service != null) {
            service.close();
        }
        registry.close();
        supervisor.close();
        if (ownsVertx) {
            try {
                vertx.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
            } catch (Exception e) {
                // going down anyway
            }
        }
        LOG.info("aggregator {} stopped", config.instanceId());
    }
}
