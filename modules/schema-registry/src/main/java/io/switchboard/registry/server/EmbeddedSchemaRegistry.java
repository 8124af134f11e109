package io.switchboard.registry.server;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.switchboard.core.supervise.Health;
import io.switchboard.core.supervise.Supervisor;
import io.switchboard.registry.server.internal.InMemorySchemaLog;
import io.switchboard.registry.server.internal.KafkaSchemaLog;
import io.switchboard.registry.server.internal.RegistryHttpApi;
import io.switchboard.registry.server.internal.RegistryService;
import io.switchboard.registry.server.internal.RegistryState;
import io.switchboard.registry.server.internal.SchemaLog;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;

/**
 * A small schema registry speaking the Confluent REST API subset that clients and serdes use
 * (register, ids, subjects, versions, lookup, compatibility, config), storing schemas in a
 * compacted Kafka topic so it survives restarts and several instances agree on ids.
 *
 * <p><b>A development convenience</b> for the embedded demo and tests. In production point
 * {@code schema.registry.url} at a real registry (Confluent, Apicurio, Karapace, Redpanda). Avro
 * only, no schema references, no deletes, no auth. See docs/schema-registry.md for the storage
 * model and its limits.
 *
 * <pre>{@code
 * try (EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start(broker.bootstrapServers())) {
 *     props.put("schema.registry.url", registry.url());
 * }
 * }</pre>
 *
 * <p>{@link #startInMemory()} keeps the schemas in memory instead, for tests that have no broker (Kafka Streams'
 * {@code TopologyTestDriver}): the same HTTP API and rules, one instance, nothing kept after {@link #close()}.
 *
 * Thread-safe.
 */
public final class EmbeddedSchemaRegistry implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedSchemaRegistry.class);

    private final Vertx vertx;
    private final HttpServer server;
    private final SchemaLog log;
    private final RegistryHttpApi api;
    private final String url;
    private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();

    private final Supervisor supervisor;
    private final boolean ownsSupervisor;

    private EmbeddedSchemaRegistry(Vertx vertx, HttpServer server, SchemaLog log, RegistryHttpApi api, String url,
                                   Supervisor supervisor, boolean ownsSupervisor) {
        this.vertx = vertx;
        this.server = server;
        this.log = log;
        this.api = api;
        this.url = url;
        this.supervisor = supervisor;
        this.ownsSupervisor = ownsSupervisor;
    }

    /** Starts on 127.0.0.1, a free port, topic {@code _schemas}. */
    public static EmbeddedSchemaRegistry start(String bootstrapServers) {
        return start(EmbeddedSchemaRegistryOptions.defaults(bootstrapServers));
    }

    /**
     * Starts with options: creates the topic if needed, replays it to the end, then listens.
     *
     * @throws IllegalStateException when Kafka or the port is not available, saying which
     */
    public static EmbeddedSchemaRegistry start(EmbeddedSchemaRegistryOptions options) {
        return start(options, null);
    }

    /**
     * Starts with options, its schema-log reader running as component {@value KafkaSchemaLog#COMPONENT} of
     * {@code supervisor} (a broker outage is retried with backoff and shows as RETRYING; a fatal failure runs the
     * role's fatal handler: the CLI exits 1).
     *
     * @param supervisor the role's supervisor, or {@code null} for one of the registry's own (see {@link #health()})
     * @throws IllegalStateException when Kafka or the port is not available, saying which
     */
    public static EmbeddedSchemaRegistry start(EmbeddedSchemaRegistryOptions options, Supervisor supervisor) {
        boolean owns = supervisor == null;
        Supervisor supervising = owns ? Supervisor.create("schema-registry") : supervisor;
        RegistryState state = new RegistryState(options.defaultCompatibility());
        KafkaSchemaLog log;
        try {
            log = new KafkaSchemaLog(options.bootstrapServers(), options.topic(), options.kafkaProperties(), state, options.timeout(),
                    supervising);
        } catch (RuntimeException e) {
            if (owns) {
                supervising.close();
            }
            throw e;
        }
        return listen(options.host(), options.port(), options.timeout(), state, log, supervising, owns,
                "storing schemas in topic " + options.topic() + " at " + options.bootstrapServers());
    }

    /**
     * Starts a registry that keeps its schemas in memory, on 127.0.0.1 and a free port: for tests without a broker.
     * Same HTTP API and compatibility rules; ids start at 1 again after a restart.
     */
    public static EmbeddedSchemaRegistry startInMemory() {
        return startInMemory("127.0.0.1", 0);
    }

    /** As {@link #startInMemory()} on {@code host}:{@code port} (0 = a free port). */
    public static EmbeddedSchemaRegistry startInMemory(String host, int port) {
        RegistryState state = new RegistryState(io.switchboard.registry.CompatibilityLevel.BACKWARD);
        return listen(host, port, java.time.Duration.ofSeconds(30), state, new InMemorySchemaLog(state),
                Supervisor.create("schema-registry"), true, "keeping schemas in memory");
    }

    private static EmbeddedSchemaRegistry listen(String hostName, int port, java.time.Duration timeout, RegistryState state, SchemaLog log,
                                                 Supervisor supervising, boolean owns, String storage) {
        RegistryHttpApi api = new RegistryHttpApi(new RegistryService(state, log));
        Vertx vertx = Vertx.vertx();
        try {
            HttpServer server = vertx.createHttpServer()
                    .requestHandler(api.router(vertx))
                    .listen(port, hostName)
                    .await(timeout.toMillis(), TimeUnit.MILLISECONDS);
            String host = hostName.contains(":") ? "[" + hostName + "]" : hostName;
            String url = "http://" + host + ":" + server.actualPort();
            LOG.info("Embedded schema registry on {} {}", url, storage);
            return new EmbeddedSchemaRegistry(vertx, server, log, api, url, supervising, owns);
        } catch (Exception e) {
            vertx.close();
            log.close();
            if (owns) {
                supervising.close();
            }
            throw new IllegalStateException("Cannot listen on " + hostName + ":" + port + " (" + e.getMessage()
                    + "); choose another --port or 0 for a free one", e);
        }
    }

    /** Base URL for {@code schema.registry.url}, e.g. {@code http://127.0.0.1:40123}. */
    public String url() {
        return url;
    }

    /** Port listened on. */
    public int port() {
        return server.actualPort();
    }

    /**
     * Health of the registry's schema-log reader: UP, RETRYING during a broker outage (writes answer 500
     * meanwhile), FAILED after a fatal failure; with the reason.
     */
    public Health health() {
        return supervisor.component(KafkaSchemaLog.COMPONENT).health();
    }

    /** Completes with the reader's fatal failure, after which this instance cannot serve writes; the CLI exits 1. */
    public CompletableFuture<Supervisor.Fatal> fatal() {
        return supervisor.fatal();
    }

    /** HTTP requests served so far. */
    public long requestCount() {
        return api.requestCount();
    }

    /**
     * HTTP requests served by one route.
     *
     * @param method e.g. {@code GET}
     * @param route  the route pattern, e.g. {@code /schemas/ids/:id} or {@code /subjects/:subject/versions}
     */
    public long requestCount(String method, String route) {
        return api.requestCount(method, route);
    }

    /** Stops listening and closes the Kafka clients. Idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            vertx.close().await(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.debug("Vert.x close: {}", e.toString());
        }
        log.close();
        if (ownsSupervisor) {
            supervisor.close();
        }
    }

    /** For log lines. */
    @Override
    public String toString() {
        return "EmbeddedSchemaRegistry[" + url + "]";
    }
}
