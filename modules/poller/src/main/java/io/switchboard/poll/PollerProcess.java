package io.switchboard.poll;

import java.util.Objects;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.switchboard.core.supervise.Supervisor;
import io.switchboard.poll.vendor.TokenTableSource;
import io.switchboard.poll.vendor.VendorHttpOptions;
import io.switchboard.poll.vendor.VendorPollExecutor;
import io.switchboard.token.TokenTable;
import io.vertx.core.Vertx;

/**
 * A poller as {@code switchboard poller} runs it: one Vert.x instance for the process, the {@link TokenTable}, the
 * {@link VendorPollExecutor} (HTTP clients, rate limiters, mappers) with each credential's {@code requestsPerMinute} and
 * {@code caBundle} from its {@code poll:} section, its queue discovery for the in-fleet planning, and the
 * {@link Poller} — sharing one meter registry, so {@code /metrics} shows the fleet and the vendor meters together.
 *
 * <pre>
 * PollerProcess process = PollerProcess.start(PollerConfig.load(path), (component, reason, cause) -> exit(1));
 * Runtime.getRuntime().addShutdownHook(new Thread(process::close));
 * </pre>
 *
 * {@link #close()} shuts down in order: the poller (graceful: in-flight polls finish and commit, the group is left),
 * then the executor, the token table and Vert.x. Thread-safe.
 */
public final class PollerProcess implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PollerProcess.class);

    private final Vertx vertx;
    private final TokenTable tokens;
    private final VendorPollExecutor executor;
    private final Poller poller;
    private boolean closed;

    private PollerProcess(Vertx vertx, TokenTable tokens, VendorPollExecutor executor, Poller poller) {
        this.vertx = vertx;
        this.tokens = tokens;
        this.executor = executor;
        this.poller = poller;
    }

    /** Starts with the HTTP options of the configuration ({@code poller.http.*}). */
    public static PollerProcess start(PollerConfig config, Supervisor.FatalHandler onFatal) {
        return start(config, config.http(), onFatal);
    }

    /**
     * Starts the token table, the vendor executor and the poller.
     *
     * @param onFatal called once when a background loop fails for good (the CLI closes the process and exits 1)
     * @throws io.switchboard.core.SwitchboardException when Kafka cannot be reached to check the topics, or the ops
     *                                                  port is taken
     */
    public static PollerProcess start(PollerConfig config, VendorHttpOptions options, Supervisor.FatalHandler onFatal) {
        Objects.requireNonNull(onFatal, "onFatal");
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        registry.config().commonTags("instance", config.instanceId());
        Vertx vertx = Vertx.vertx();
        TokenTable tokens = null;
        VendorPollExecutor executor = null;
        // one supervisor for the role: the token table's reader is one of its components, so /ready shows it and a
        // fatal failure of it ends the poller like any other
        Supervisor supervisor = new Supervisor("poller", java.time.Clock.systemUTC(), java.util.concurrent.ThreadLocalRandom.current(),
                (component, reason, cause) -> {
                    LOG.error("poller {} cannot go on: {}", config.instanceId(), reason);
                    onFatal.onFatal(component, reason, cause);
                });
        try {
            tokens = TokenTable.start(config.tokenTableConfig(), supervisor);
            executor = VendorPollExecutor.builder(new TokenTableSource(tokens))
                    .vertx(vertx)
                    .options(options)
                    .credentialSettings(config::credentialHttpSettings)
                    .meterRegistry(registry)
                    .build();
            TokenTable table = tokens;
            Poller poller = Poller.builder(config, executor)
                    .discovery(executor.queueDiscovery())
                    .meterRegistry(registry)
                    .vertx(vertx)
                    .supervisor(supervisor)
                    .readiness("tokens-loaded", table::health)
                    .start();
            return new PollerProcess(vertx, tokens, executor, poller);
        } catch (RuntimeException e) {
            if (executor != null) {
                executor.close();
            }
            if (tokens != null) {
                tokens.close();
            }
            vertx.close();
            throw e;
        }
    }

    /** The poller role. */
    public Poller poller() {
        return poller;
    }

    /** The vendor executor (rate limiters, counters). */
    public VendorPollExecutor executor() {
        return executor;
    }

    /** The token table. */
    public TokenTable tokenTable() {
        return tokens;
    }

    /** Graceful shutdown of everything started here, in order. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        poller.close();
        executor.close();
        tokens.close();
        try {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.warn("closing Vert.x: {}", e.toString());
        }
    }
}
