package io.switchboard.core.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.core.buffer.Buffer;

class OpsServerTest {

    private final Vertx vertx = Vertx.vertx();
    private final WebClient client = WebClient.create(vertx);

    @AfterEach
    void close() throws Exception {
        client.close();
        vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    @Test
    void servesHealthReadinessAndPrometheusMetricsOnARealSocket() throws Exception {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        registry.counter("switchboard.test.events").increment(3);
        AtomicBoolean assigned = new AtomicBoolean(false);
        OpsServer server = await(OpsServer.builder().port(0).metrics(registry)
                .readiness("consumer-assigned", assigned::get).start(vertx));
        try {
            assertThat(server.port()).isPositive();
            assertThat(get(server, "/health").statusCode()).isEqualTo(200);

            HttpResponse<Buffer> notReady = get(server, "/ready");
            assertThat(notReady.statusCode()).isEqualTo(503);
            assertThat(notReady.bodyAsString()).contains("\"consumer-assigned\":\"DOWN\"");

            assigned.set(true);
            assertThat(get(server, "/ready").statusCode()).isEqualTo(200);

            HttpResponse<Buffer> metrics = get(server, "/metrics");
            assertThat(metrics.statusCode()).isEqualTo(200);
            assertThat(metrics.getHeader("Content-Type")).startsWith("text/plain");
            assertThat(metrics.bodyAsString()).contains("switchboard_test_events_total 3.0");
        } finally {
            server.close();
        }
    }

    private HttpResponse<Buffer> get(OpsServer server, String path) throws Exception {
        return await(client.get(server.port(), "127.0.0.1", path).send());
    }

    private static <T> T await(Future<T> future) throws Exception {
        return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
}
