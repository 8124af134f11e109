package io.switchboard.aggregate.query;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.streams.state.HostInfo;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.switchboard.aggregate.AggregatorConfig;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;

/**
 * The HTTP surface on a real socket before Kafka Streams runs: 503 with Retry-After while stores are
 * not available, 400 for bad parameters, the OpenAPI document, CORS; answers conform to the document.
 */
class QueryApiTest {

    private Vertx vertx;
    private HttpServer server;
    private final HttpClient http = HttpClient.newHttpClient();
    private final OpenApiValidator openApi = OpenApiValidator.fromJar();

    @BeforeEach
    void start() throws Exception {
        vertx = Vertx.vertx();
        AggregatorConfig config = AggregatorConfig.fromMap(Map.of("kafka.bootstrapServers", "unused:9092",
                "schemaRegistry.url", "http://127.0.0.1:1", "aggregator.http.corsOrigins", List.of("*")));
        Clock clock = Clock.fixed(Instant.parse("2026-11-20T10:00:00Z"), ZoneOffset.UTC);
        QueryService service = new QueryService(vertx, () -> null, new HostInfo("127.0.0.1", 1), config, clock, () -> 6);
        server = vertx.createHttpServer().requestHandler(new QueryApi(service, null, config, clock).router(vertx))
                .listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @AfterEach
    void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private HttpResponse<String> get(String path, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.actualPort() + path));
        for (int i = 0; i + 1 < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void storesNotYetAvailableAnswer503WithRetryAfter() throws Exception {
        for (String path : List.of("/api/queues/genesys-eu/q-1", "/api/queues", "/api/tenants", "/api/tenants/genesys-eu",
                "/api/alerts", "/api/queues/genesys-eu/q-1/windows?size=15m")) {
            HttpResponse<String> r = get(path);
            assertThat(r.statusCode()).as(path).isEqualTo(503);
            assertThat(r.headers().firstValue("Retry-After")).as(path).hasValue("1");
            assertThat(openApi.validate(new JsonObject(r.body()), "Error")).as(path + ": " + r.body()).isEmpty();
        }
        assertThat(get("/api/events").statusCode()).isEqualTo(503);
    }

    @Test
    void badParametersAnswer400WithTheFix() throws Exception {
        assertThat(get("/api/queues/no-slash").statusCode()).isEqualTo(400);
        HttpResponse<String> size = get("/api/queues/a/b/windows?size=7m");
        assertThat(size.statusCode()).isEqualTo(400);
        assertThat(new JsonObject(size.body()).getString("error")).contains("use 1m, 15m or 1h");
        assertThat(new JsonObject(get("/api/queues/a/b/windows?from=yesterday").body()).getString("error"))
                .contains("ISO-8601");
        assertThat(get("/api/queues/a/b/windows?from=2026-11-20T11:00:00Z&to=2026-11-20T10:00:00Z").statusCode()).isEqualTo(400);
        assertThat(get("/api/queues?pageSize=0").statusCode()).isEqualTo(400);
        assertThat(get("/api/queues?order=up").statusCode()).isEqualTo(400);
        assertThat(get("/api/alerts?state=maybe").statusCode()).isEqualTo(400);
        assertThat(get("/api/nope").statusCode()).isEqualTo(404);
    }

    @Test
    void servesItsOpenApiDocumentAndCors() throws Exception {
        HttpResponse<String> doc = get("/api/openapi.json", "Origin", "https://any.example.com");
        assertThat(doc.statusCode()).isEqualTo(200);
        JsonObject json = new JsonObject(doc.body());
        assertThat(json.getString("openapi")).isEqualTo("3.0.3");
        assertThat(json.getJsonObject("paths").fieldNames()).contains("/api/queues", "/api/queues/{id}", "/api/queues/{id}/windows",
                "/api/tenants", "/api/tenants/{id}", "/api/alerts", "/api/events");
        assertThat(doc.headers().firstValue("Access-Control-Allow-Origin")).hasValue("*");
    }
}
