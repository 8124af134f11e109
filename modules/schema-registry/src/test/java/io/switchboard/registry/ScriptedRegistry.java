package io.switchboard.registry;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A real HTTP server on 127.0.0.1 that answers scripted responses per "METHOD /path" and records
 * every request, for tests of what the embedded registry cannot be made to do (5xx, 401, slowness,
 * arbitrary ids). Like OkHttp's MockWebServer: the client's whole HTTP stack runs.
 */
public final class ScriptedRegistry implements AutoCloseable {

    /** One scripted answer. */
    public record Answer(int status, String body, long delayMs) {
    }

    /** One recorded request. */
    public record Request(String method, String path, Map<String, List<String>> headers, String body) {
        public String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name)).findFirst()
                    .map(e -> e.getValue().get(0)).orElse(null);
        }
    }

    private final HttpServer server;
    private final Map<String, Deque<Answer>> scripts = new ConcurrentHashMap<>();
    private final Map<String, Answer> defaults = new ConcurrentHashMap<>();
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final CountDownLatch release = new CountDownLatch(1);

    public ScriptedRegistry() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 50);
        server.setExecutor(Executors.newCachedThreadPool());
        server.createContext("/", this::handle);
        server.start();
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Answers the next request to {@code "GET /schemas/ids/1"} (path with query) with this, once. */
    public ScriptedRegistry enqueue(String methodAndPath, int status, String body) {
        return enqueue(methodAndPath, status, body, 0);
    }

    public ScriptedRegistry enqueue(String methodAndPath, int status, String body, long delayMs) {
        scripts.computeIfAbsent(methodAndPath, k -> new ArrayDeque<>()).add(new Answer(status, body, delayMs));
        return this;
    }

    /** Answers every request to the path with this once the queue is empty. */
    public ScriptedRegistry always(String methodAndPath, int status, String body) {
        defaults.put(methodAndPath, new Answer(status, body, 0));
        return this;
    }

    public List<Request> requests() {
        return List.copyOf(requests);
    }

    private void handle(HttpExchange exchange) throws IOException {
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        String path = exchange.getRequestURI().getRawPath();
        String query = exchange.getRequestURI().getRawQuery();
        String key = exchange.getRequestMethod() + " " + path;
        requests.add(new Request(exchange.getRequestMethod(), query == null ? path : path + "?" + query, exchange.getRequestHeaders(), body));
        Answer answer;
        synchronized (scripts) {
            Deque<Answer> queue = scripts.get(key);
            answer = queue != null && !queue.isEmpty() ? queue.poll() : defaults.get(key);
        }
        if (answer == null) {
            answer = new Answer(404, "{\"error_code\":404,\"message\":\"HTTP 404 Not Found\"}", 0);
        }
        if (answer.delayMs() > 0) {
            try {
                release.await(answer.delayMs(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        byte[] bytes = answer.body().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/vnd.schemaregistry.v1+json");
        try {
            exchange.sendResponseHeaders(answer.status(), bytes.length == 0 ? -1 : bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        } catch (IOException e) {
            // client gave up (timeout test)
        }
    }

    @Override
    public void close() {
        release.countDown();
        server.stop(0);
    }
}
