package io.switchboard.cli;

import java.util.ArrayList;
import java.util.List;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.switchboard.core.supervise.Supervisor;
import io.switchboard.poll.Poller;
import io.switchboard.poll.PollerConfig;
import io.switchboard.poll.vendor.TokenTableSource;
import io.switchboard.poll.vendor.VendorPollExecutor;
import io.switchboard.token.TokenTable;
import io.vertx.core.Vertx;

/**
 * One production poller: its token table (reading {@code <prefix>.tokens}), the vendor executor over it (Vert.x Web
 * Client, rate limits, 401/403/429 handling), queue discovery, and the {@link Poller} role on top, sharing one
 * meter registry. {@link #close()} stops them in reverse order: the role first (in-flight polls finish, the group is
 * left), then the executor and the token table. Not thread-safe.
 */
public final class PollerLauncher implements AutoCloseable {

    private final List<AutoCloseable> parts = new ArrayList<>();
    private final Poller poller;
    private final TokenTable tokens;
    private final VendorPollExecutor executor;

    private PollerLauncher(PollerConfig config, Vertx vertx, Supervisor.FatalHandler onFatal) {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        registry.config().commonTags("instance", config.instanceId());
        tokens = TokenTable.start(config.tokenTableConfig());
        parts.add(tokens);
        try {
            VendorPollExecutor.Builder b = VendorPollExecutor.builder(new TokenTableSource(tokens)).meterRegistry(registry);
            if (vertx != null) {
                b.vertx(vertx);
            }
            executor = b.build();
            parts.add(executor);
            Poller.Builder pb = Poller.builder(config, executor).discovery(executor.queueDiscovery()).meterRegistry(registry)
                    .onFatal(onFatal)
                    .readiness("token-table-loaded", () -> tokens.isReady()
                            ? io.switchboard.core.supervise.Health.ok()
                            : io.switchboard.core.supervise.Health.down("still reading " + config.topics().tokens()));
            if (vertx != null) {
                pb.vertx(vertx);
            }
            poller = pb.start();
            parts.add(poller);
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /**
     * Starts a poller.
     *
     * @param vertx   the process's Vert.x instance, or {@code null} for the poller's own
     * @param onFatal what to do when a background loop fails for good (the CLI exits 1)
     */
    public static PollerLauncher start(PollerConfig config, Vertx vertx, Supervisor.FatalHandler onFatal) {
        return new PollerLauncher(config, vertx, onFatal);
    }

    /** The role. */
    public Poller poller() {
        return poller;
    }

    /** The vendor side (request counts, limiters). */
    public VendorPollExecutor executor() {
        return executor;
    }

    /** The token table the executor reads. */
    public TokenTable tokens() {
        return tokens;
    }

    @Override
    public void close() {
        for (int i = parts.size() - 1; i >= 0; i--) {
            try {
                parts.get(i).close();
            } catch (Exception e) {
                // keep closing the rest; the role logs its own shutdown problems
            }
        }
        parts.clear();
    }
}
