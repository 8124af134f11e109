package io.switchboard.core.ops;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.switchboard.core.supervise.Health;
import io.switchboard.core.supervise.Supervisor;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * The operations endpoint every role serves: {@code GET /health} (the process is alive),
 * {@code GET /ready} (every readiness check passes; 503 with the failing checks otherwise) and
 * {@code GET /metrics} (Prometheus text format from the role's {@link PrometheusMeterRegistry}).
 *
 * <p>Start one with {@link #builder()}; readiness checks are named {@link BooleanSupplier}s that
 * must be cheap and thread-safe (they run on a Vert.x event loop). {@link #close()} stops the HTTP
 * server but not the {@link Vertx} instance, which belongs to the caller. Thread-safe.
 */
public final class OpsServer implements AutoCloseable {

    /** Content type of the Prometheus text exposition format 0.0.4. */
    public static final String PROMETHEUS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final HttpServer server;

    private OpsServer(HttpServer server) {
        this.server = server;
    }

    /** A builder with host {@code 127.0.0.1} and port 0 (any free port). */
    public static Builder builder() {
        return new Builder();
    }

    /** The port the server listens on (the real one when 0 was asked for). */
    public int port() {
        return server.actualPort();
    }

    /** Stops listening; waits at most a few seconds. Idempotent. */
    @Override
    public void close() {
        try {
            server.close().toCompletionStage().toCompletableFuture().get(5, java.util.concurrent.TimeUnit.SECONDS);
        } catch (Exception e) {
            // best effort: the process is going down anyway
        }
    }

    /** Options of an {@link OpsServer}. Not thread-safe; build once. */
    public static final class Builder {

        private String host = "127.0.0.1";
        private int port;
        private PrometheusMeterRegistry registry;
        private final Map<String, Supplier<Health>> readiness = new LinkedHashMap<>();
        private Supervisor supervisor;

        private Builder() {
        }

        /** Interface to bind: {@code 127.0.0.1} (default) or {@code 0.0.0.0} for every interface. */
        public Builder host(String host) {
            this.host = Objects.requireNonNull(host, "host");
            return this;
        }

        /** Port; 0 picks a free one (see {@link OpsServer#port()}). */
        public Builder port(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("ops port " + port + " is not a port; use 0 for any free port, or 1-65535");
            }
            this.port = port;
            return this;
        }

        /** Registry whose meters {@code /metrics} serves; without one {@code /metrics} answers 404. */
        public Builder metrics(PrometheusMeterRegistry registry) {
            this.registry = registry;
            return this;
        }

        /** Adds a readiness check; {@code /ready} answers 200 only when every check returns true. */
        public Builder readiness(String name, BooleanSupplier check) {
            Objects.requireNonNull(check, "check");
            readiness.put(Objects.requireNonNull(name, "name"), () -> check.getAsBoolean() ? Health.ok() : Health.down("not ready"));
            return this;
        }

        /** Adds a readiness check that says why it is DOWN; {@code /ready} shows the reason. */
        public Builder health(String name, Supplier<Health> check) {
            readiness.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(check, "check"));
            return this;
        }

        /**
         * Adds a readiness check that explains itself: {@code downReason} returns null while the check
         * passes and, when it fails, a sentence saying why (shown under {@code reasons} in {@code /ready}).
         */
        public Builder readinessWithReason(String name, Supplier<String> downReason) {
            Objects.requireNonNull(downReason, "downReason");
            return health(name, () -> {
                String reason = downReason.get();
                return reason == null ? Health.ok() : Health.down(reason);
            });
        }

        /** Every component of {@code supervisor} becomes a readiness check (those it gains later too). */
        public Builder supervisor(Supervisor supervisor) {
            this.supervisor = Objects.requireNonNull(supervisor, "supervisor");
            return this;
        }

        /** Starts listening. The future fails when the port cannot be bound. */
        public Future<OpsServer> start(Vertx vertx) {
            Map<String, Supplier<Health>> checks = new LinkedHashMap<>(readiness);
            Supervisor supervised = supervisor;
            PrometheusMeterRegistry metrics = registry;
            Router router = Router.router(vertx);
            router.get("/health").handler(ctx -> json(ctx, 200, new JsonObject().put("status", "UP")));
            router.get("/ready").handler(ctx -> ready(ctx, checks, supervised));
            if (metrics != null) {
                router.get("/metrics").handler(ctx -> ctx.response()
                        .putHeader("Content-Type", PROMETHEUS_CONTENT_TYPE)
                        .end(metrics.scrape()));
            }
            return vertx.createHttpServer()
                    .requestHandler(router)
                    .listen(port, host)
                    .map(OpsServer::new);
        }

        private static void ready(RoutingContext ctx, Map<String, Supplier<Health>> checks, Supervisor supervisor) {
            Map<String, Health> results = new LinkedHashMap<>();
            for (Map.Entry<String, Supplier<Health>> check : checks.entrySet()) {
                Health h;
                try {
                    h = check.getValue().get();
                } catch (RuntimeException e) {
                    h = Health.down("the check itself failed: " + e);
                }
                results.put(check.getKey(), h);
            }
            if (supervisor != null) {
                results.putAll(supervisor.health());
            }
            boolean ready = results.values().stream().allMatch(Health::up);
            JsonObject states = new JsonObject();
            JsonObject reasons = new JsonObject();
            results.forEach((name, h) -> {
                states.put(name, h.up() ? "UP" : "DOWN");
                if (!h.up()) {
                    reasons.put(name, h.reason());
                }
            });
            JsonObject body = new JsonObject().put("status", ready ? "UP" : "DOWN").put("checks", states);
            if (!reasons.isEmpty()) {
                body.put("reasons", reasons);
            }
            json(ctx, ready ? 200 : 503, body);
        }

        private static void json(RoutingContext ctx, int status, JsonObject body) {
            ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(body.encode());
        }
    }
}
