package io.switchboard.token;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A real HTTP server (127.0.0.1, port 0) in front of a schema registry that answers 401 with Confluent's body unless
 * the request carries the expected {@code Authorization} header, and forwards everything else: a registry that
 * requires credentials. Shared through this module's test-jar with the token-manager and poller tests, which check
 * that every role sends the registry credentials of its configuration. Thread-safe; {@link #close()} stops the server.
 */
public final class AuthenticatingRegistryProxy implements AutoCloseable {

    private final HttpServer server;
    private final HttpClient client = HttpClient.newHttpClient();
    private final String target;
    private final String expectedAuthorization;
    private final AtomicInteger authorized = new AtomicInteger();
    private final AtomicInteger rejected = new AtomicInteger();

    /**
     * Starts the proxy.
     *
     * @param targetUrl             base URL of the registry behind it
     * @param expectedAuthorization the whole {@code Authorization} header value a request must carry, e.g. {@code Basic ...}
     */
    public AuthenticatingRegistryProxy(String targetUrl, String expectedAuthorization) throws IOException {
        this.target = targetUrl;
        this.expectedAuthorization = expectedAuthorization;
        this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    /** Base URL of the proxy. */
    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Requests that carried the expected header and were forwarded, so far. */
    public int authorizedRequests() {
        return authorized.get();
    }

    /** Requests answered 401 because they did not carry it, so far. */
    public int rejectedRequests() {
        return rejected.get();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!expectedAuthorization.equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
                rejected.incrementAndGet();
                reply(exchange, 401, "{\"error_code\":40101,\"message\":\"Unauthorized\"}");
                return;
            }
            authorized.incrementAndGet();
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readAllBytes();
            }
            HttpRequest.Builder forward = HttpRequest.newBuilder(URI.create(target + exchange.getRequestURI()))
                    .method(exchange.getRequestMethod(), body.length == 0 ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofByteArray(body));
            String type = exchange.getRequestHeaders().getFirst("Content-Type");
            if (type != null) {
                forward.header("Content-Type", type);
            }
            HttpResponse<String> answer = client.send(forward.build(), HttpResponse.BodyHandlers.ofString());
            reply(exchange, answer.statusCode(), answer.body());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void reply(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/vnd.schemaregistry.v1+json");
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
