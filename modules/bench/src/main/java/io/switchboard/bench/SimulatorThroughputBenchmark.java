package io.switchboard.bench;

import io.switchboard.simulator.SimulatorConfig;
import io.switchboard.simulator.VendorSimulator;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Load driver: Genesys queue-observation queries of 100 queues each against the embedded simulator serving
 * 10,000 queues, with a Vert.x HTTP client keeping {@code concurrency} requests in flight. Prints requests/s,
 * queue observations/s, the heap the simulator holds for 10,000 queues, and the ratio to a baseline: a bare
 * Vert.x server answering a pre-encoded body of the same size (the HTTP stack's ceiling on this machine).
 *
 * <p>Args: {@code [seconds=15] [concurrency=64] [queues=10000] [queuesPerRequest=100] [record=false]}.
 * Run: {@code ./mvnw -B -q -pl modules/bench exec:exec -Dbench.main=io.switchboard.bench.SimulatorThroughputBenchmark -Dbench.args="15 64"}
 */
public final class SimulatorThroughputBenchmark {

    private SimulatorThroughputBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 15;
        int concurrency = args.length > 1 ? Integer.parseInt(args[1]) : 64;
        int queues = args.length > 2 ? Integer.parseInt(args[2]) : 10_000;
        int perRequest = args.length > 3 ? Integer.parseInt(args[3]) : 100;
        boolean record = args.length > 4 && Boolean.parseBoolean(args[4]);
        int cores = Runtime.getRuntime().availableProcessors();
        System.out.printf("cores=%d seconds=%d concurrency=%d queues=%d queuesPerRequest=%d recordRequests=%s%n",
                cores, seconds, concurrency, queues, perRequest, record);

        long heapBefore = usedHeapAfterGc();
        SimulatorConfig config = SimulatorConfig.builder().queues(List.of()).generatedQueues(queues)
                .maxRecordedRequests(record ? 2_000 : 0)
                .genesys(g -> g.withRateLimitPerMinute(0).withMaxQueueIdsPerObservationQuery(Math.max(100, perRequest))).build();
        try (VendorSimulator sim = VendorSimulator.start(config)) {
            long heapWithSim = usedHeapAfterGc();
            System.out.printf("heap for the simulator with %d queues (after GC): %.1f MB%n", queues, (heapWithSim - heapBefore) / 1e6);

            String token = login(sim);
            List<String> ids = sim.queueIds();
            List<Buffer> bodies = new ArrayList<>();
            for (int start = 0; start + perRequest <= ids.size(); start += perRequest) {
                JsonArray preds = new JsonArray();
                for (String id : ids.subList(start, start + perRequest)) {
                    preds.add(new JsonObject().put("dimension", "queueId").put("value", id));
                }
                bodies.add(new JsonObject().put("filter", new JsonObject().put("type", "or").put("predicates", preds))
                        .put("metrics", new JsonArray().add("oWaiting").add("oInteracting").add("oOnQueueUsers")).toBuffer());
            }
            String path = "/genesys/api/api/v2/analytics/queues/observations/query";
            Result sample = run(sim.port(), path, token, bodies, concurrency, 3, false);
            System.out.printf("warm-up: %.0f requests/s%n", sample.requestsPerSecond());
            Result r = run(sim.port(), path, token, bodies, concurrency, seconds, true);
            long heapAfter = usedHeapAfterGc();
            System.out.printf("simulator: %.0f requests/s, %.0f queue observations/s, %d errors, avg answer %d bytes%n",
                    r.requestsPerSecond(), r.requestsPerSecond() * perRequest, r.errors, r.avgBytes());
            System.out.printf("heap for the simulator after the run (after GC): %.1f MB%n", (heapAfter - heapBefore) / 1e6);
            System.out.printf("queue %s observed %d times (per-queue sequence)%n", ids.get(0), sim.queueSequence(ids.get(0)));

            // Baseline: the bare HTTP stack answering a pre-encoded body of the same size.
            Buffer fixed = Buffer.buffer("x".repeat((int) r.avgBytes()));
            Vertx bv = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(cores));
            HttpServer base = bv.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(0))
                    .requestHandler(req -> req.body().onSuccess(b -> req.response().putHeader("Content-Type", "application/json").end(fixed)))
                    .listen().await(10, TimeUnit.SECONDS);
            int basePort = base.actualPort();
            run(basePort, path, token, bodies, concurrency, 3, false);
            Result b = run(basePort, path, token, bodies, concurrency, seconds, true);
            bv.close().await(10, TimeUnit.SECONDS);
            System.out.printf("baseline (bare Vert.x server, same event loops, same body sizes): %.0f requests/s%n", b.requestsPerSecond());
            System.out.printf("ratio simulator/baseline: %.2f%n", r.requestsPerSecond() / b.requestsPerSecond());
        }
    }

    private record Result(long requests, long errors, long bytes, double seconds) {
        double requestsPerSecond() {
            return requests / seconds;
        }

        long avgBytes() {
            return requests == 0 ? 0 : bytes / requests;
        }
    }

    private static Result run(int port, String path, String token, List<Buffer> bodies, int concurrency, int seconds,
                              boolean measure) throws InterruptedException {
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
        HttpClientAgent client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setTcpNoDelay(true),
                new PoolOptions().setHttp1MaxSize(concurrency));
        AtomicLong ok = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        AtomicLong bytes = new AtomicLong();
        AtomicLong next = new AtomicLong();
        AtomicBoolean stop = new AtomicBoolean();
        CountDownLatch done = new CountDownLatch(concurrency);
        RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1").setPort(port).setURI(path)
                .putHeader("Authorization", "Bearer " + token).putHeader("Content-Type", "application/json");
        long start = System.nanoTime();
        for (int i = 0; i < concurrency; i++) {
            vertx.runOnContext(v -> fire(client, options, bodies, next, ok, errors, bytes, stop, done));
        }
        Thread.sleep(seconds * 1000L);
        stop.set(true);
        done.await(30, TimeUnit.SECONDS);
        double elapsed = (System.nanoTime() - start) / 1e9;
        vertx.close();
        return new Result(ok.get(), errors.get(), bytes.get(), elapsed);
    }

    private static void fire(HttpClientAgent client, RequestOptions options, List<Buffer> bodies, AtomicLong next, AtomicLong ok,
                             AtomicLong errors, AtomicLong bytes, AtomicBoolean stop, CountDownLatch done) {
        if (stop.get()) {
            done.countDown();
            return;
        }
        Buffer body = bodies.get((int) (next.getAndIncrement() % bodies.size()));
        client.request(options).compose(req -> req.send(body)).compose(resp -> resp.body().map(b -> {
            if (resp.statusCode() == 200) {
                ok.incrementAndGet();
                bytes.addAndGet(b.length());
            } else {
                errors.incrementAndGet();
            }
            return b;
        })).onComplete(ar -> {
            if (ar.failed()) {
                errors.incrementAndGet();
            }
            fire(client, options, bodies, next, ok, errors, bytes, stop, done);
        });
    }

    private static String login(VendorSimulator sim) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(sim.genesysLoginUrl() + "/oauth/token"))
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString("genesys-client:genesys-secret".getBytes()))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials")).build(), HttpResponse.BodyHandlers.ofString());
        return new JsonObject(r.body()).getString("access_token");
    }

    private static long usedHeapAfterGc() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
