package io.switchboard.aggregate;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A real HTTP server on 127.0.0.1 answering the part of the Confluent Schema Registry REST API the
 * serdes use (register, look up, schema by id), kept in memory, for TopologyTestDriver tests that
 * need no broker (the project's EmbeddedSchemaRegistry stores schemas in Kafka). {@link #down(boolean)}
 * makes every request answer 503, as a registry outage.
 */
final class InMemorySchemaRegistry implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final ExecutorService executor = Executors.newFixedThreadPool(2);
    private final Map<String, Integer> idsBySchema = new ConcurrentHashMap<>();
    private final Map<Integer, String> schemasById = new ConcurrentHashMap<>();
    private final AtomicInteger nextId = new AtomicInteger(1);
    private final AtomicBoolean down = new AtomicBoolean();
    private final AtomicInteger requests = new AtomicInteger();

    InMemorySchemaRegistry() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 50);
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    void down(boolean isDown) {
        down.set(isDown);
    }

    int requests() {
        return requests.get();
    }

    private void handle(HttpExchange exchange) throws IOException {
        requests.incrementAndGet();
        try (exchange) {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            if (down.get()) {
                answer(exchange, 503, "{\"error_code\":50301,\"message\":\"registry down for the test\"}");
                return;
            }
            String path = exchange.getRequestURI().getRawPath();
            String method = exchange.getRequestMethod();
            if (method.equals("GET") && path.startsWith("/schemas/ids/")) {
                int id = Integer.parseInt(path.substring("/schemas/ids/".length()).replaceAll("[?/].*", ""));
                String schema = schemasById.get(id);
                if (schema == null) {
                    answer(exchange, 404, "{\"error_code\":40403,\"message\":\"Schema " + id + " not found\"}");
                } else {
                    ObjectNode n = JSON.createObjectNode().put("schema", schema);
                    answer(exchange, 200, n.toString());
                }
                return;
            }
            if (method.equals("POST") && path.startsWith("/subjects/")) {
                String rest = path.substring("/subjects/".length());
                boolean register = rest.endsWith("/versions");
                String subject = URLDecoder.decode(register ? rest.substring(0, rest.length() - "/versions".length()) : rest,
                        StandardCharsets.UTF_8);
                JsonNode req = JSON.readTree(body);
                String schema = req.path("schema").asText();
                Integer id = idsBySchema.get(schema);
                if (id == null && !register) {
                    answer(exchange, 404, "{\"error_code\":40403,\"message\":\"Schema not found\"}");
                    return;
                }
                if (id == null) {
                    id = idsBySchema.computeIfAbsent(schema, s -> nextId.getAndIncrement());
                    schemasById.put(id, schema);
                }
                ObjectNode n = JSON.createObjectNode().put("id", id);
                if (!register) {
                    n.put("subject", subject).put("version", 1).put("schema", schema);
                }
                answer(exchange, 200, n.toString());
                return;
            }
            answer(exchange, 404, "{\"error_code\":404,\"message\":\"not supported by the test registry: " + method + " " + path + "\"}");
        }
    }

    private static void answer(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/vnd.schemaregistry.v1+json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
