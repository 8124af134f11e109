package io.switchboard.aggregate;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * Debian's {@code chromium} in headless mode, driven over the Chrome DevTools protocol from Java
 * (java.net.http WebSocket; no driver download): a fresh user-data dir, {@code --remote-debugging-port=0}
 * and the port read from {@code DevToolsActivePort}.
 */
final class HeadlessChromium implements AutoCloseable {

    static final Path BINARY = Path.of(System.getProperty("switchboard.chromium", "/usr/bin/chromium"));

    private final Process process;
    private final WebSocket socket;
    private final HttpClient http = HttpClient.newHttpClient();
    private final AtomicInteger ids = new AtomicInteger();
    private final Map<Integer, CompletableFuture<JsonObject>> pending = new ConcurrentHashMap<>();
    private final Path logFile;

    static boolean available() {
        return Files.isExecutable(BINARY);
    }

    HeadlessChromium(Path userDataDir, String url) throws Exception {
        Files.createDirectories(userDataDir);
        logFile = userDataDir.resolve("chromium.log");
        List<String> command = new ArrayList<>(List.of(BINARY.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-background-networking", "--no-first-run", "--disable-component-update", "--disable-sync",
                "--remote-allow-origins=*", "--remote-debugging-port=0", "--user-data-dir=" + userDataDir, "--window-size=1400,1000",
                url));
        process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(logFile.toFile()).start();
        Path portFile = userDataDir.resolve("DevToolsActivePort");
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50))
                .failFast("chromium exited", () -> !process.isAlive())
                .until(() -> Files.exists(portFile) && Files.readAllLines(portFile).size() >= 2);
        int port = Integer.parseInt(Files.readAllLines(portFile).get(0).trim());
        AtomicReference<String> pageSocket = new AtomicReference<>();
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> {
            HttpResponse<String> list = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/json/list")).build(),
                    HttpResponse.BodyHandlers.ofString());
            for (Object o : new JsonArray(list.body())) {
                JsonObject target = (JsonObject) o;
                if ("page".equals(target.getString("type"))) {
                    pageSocket.set(target.getString("webSocketDebuggerUrl"));
                }
            }
            return pageSocket.get() != null;
        });
        socket = http.newWebSocketBuilder().buildAsync(URI.create(pageSocket.get()), new Listener()).get(30, TimeUnit.SECONDS);
        send("Runtime.enable", new JsonObject());
    }

    private final class Listener implements WebSocket.Listener {
        private final StringBuilder buffer = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            buffer.append(data);
            if (last) {
                JsonObject message = new JsonObject(buffer.toString());
                buffer.setLength(0);
                Integer id = message.getInteger("id");
                if (id != null) {
                    CompletableFuture<JsonObject> f = pending.remove(id);
                    if (f != null) {
                        f.complete(message);
                    }
                }
            }
            webSocket.request(1);
            return null;
        }
    }

    /** Sends a DevTools command and waits for its result. */
    JsonObject send(String method, JsonObject params) throws Exception {
        int id = ids.incrementAndGet();
        CompletableFuture<JsonObject> f = new CompletableFuture<>();
        pending.put(id, f);
        socket.sendText(new JsonObject().put("id", id).put("method", method).put("params", params).encode(), true).get(10, TimeUnit.SECONDS);
        JsonObject answer = f.get(30, TimeUnit.SECONDS);
        if (answer.containsKey("error")) {
            throw new IllegalStateException(method + " failed: " + answer.getJsonObject("error"));
        }
        return answer.getJsonObject("result");
    }

    /** Evaluates a JavaScript expression in the page; its value (strings, numbers, booleans, null). */
    Object eval(String expression) {
        try {
            JsonObject r = send("Runtime.evaluate", new JsonObject().put("expression", expression).put("returnByValue", true));
            if (r.containsKey("exceptionDetails")) {
                throw new IllegalStateException("page threw: " + r.getJsonObject("exceptionDetails"));
            }
            return r.getJsonObject("result").getValue("value");
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Saves a PNG screenshot of the page. */
    void screenshot(Path file) throws Exception {
        send("Emulation.setDeviceMetricsOverride", new JsonObject().put("width", 1400).put("height", 1000).put("deviceScaleFactor", 1)
                .put("mobile", false));
        JsonObject shot = send("Page.captureScreenshot", new JsonObject().put("format", "png").put("captureBeyondViewport", true));
        Files.createDirectories(file.getParent());
        Files.write(file, Base64.getDecoder().decode(shot.getString("data")));
    }

    @Override
    public void close() {
        try {
            if (socket != null) {
                socket.sendClose(WebSocket.NORMAL_CLOSURE, "done");
            }
        } catch (RuntimeException e) {
            // the browser goes anyway
        }
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    String log() {
        try {
            return Files.readString(logFile);
        } catch (IOException e) {
            return e.toString();
        }
    }
}
