package io.switchboard.bench.e2e;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Produced;

import io.micrometer.core.instrument.Counter;
import io.switchboard.aggregate.Aggregator;
import io.switchboard.aggregate.AggregatorConfig;
import io.switchboard.bench.PollerBenchChild;
import io.switchboard.core.Topics;
import io.switchboard.events.poll.QueueStat;
import io.switchboard.poll.JobPlan;
import io.switchboard.poll.JobPlanner;
import io.switchboard.poll.PollerConfig;
import io.switchboard.poll.PollerProcess;
import io.switchboard.poll.internal.CredentialPartitioner;
import io.switchboard.registry.serde.AvroSerdes;
import io.switchboard.registry.server.EmbeddedSchemaRegistry;
import io.switchboard.testkit.EmbeddedKafkaBroker;
import io.switchboard.token.RefreshSettings;
import io.switchboard.token.TokenKeys;
import io.switchboard.token.TokenManager;
import io.switchboard.token.TokenManagerConfig;
import io.switchboard.token.TokenState;
import io.switchboard.token.internal.RefreshPolicy;
import io.vertx.core.json.JsonObject;

/**
 * End-to-end load driver: vendor simulator → token manager → pollers → Kafka → aggregator, every role the production
 * class, on one in-process KRaft broker and the embedded schema registry.
 *
 * <p>Processes: the simulator alone in a child JVM ({@link SimulatorChild}: Genesys, rate limit off, one OAuth client
 * per credential); each poller alone in a child JVM ({@link PollerBenchChild}: the production {@code PollerProcess}
 * with the vendor executor); the broker, schema registry, token manager and aggregator (with its query API) in this
 * JVM. {@code --credentials} Genesys credentials (default 12, picked so that each lands on its own partition of
 * {@code poll-jobs}: the pollers share work by credential), the queues split among them, jobs of 100 queues polled
 * every {@code --interval}, request budgets off.
 *
 * <p>For every sweep point (queues 1k/10k/50k at the base poller count, pollers 1/2/4 at the base queue count) it
 * measures after {@code --warmup} seconds, and then until the aggregator has caught up with the pollers' start-up
 * backlog ({@code --settle-lag}, {@code --settle-max}; the CSV's {@code settle_s}), over {@code --seconds}:
 * <ul>
 *   <li>QueueStat records/s committed to {@code queue-stats} (the pollers' counters) and folded by the aggregator
 *       (its processed counter); vendor requests per record; vendor logins per credential over the whole point (the
 *       simulator's counters);</li>
 *   <li>freshness, p50/p99: the moment a new snapshot of one of 16 sampled queues is visible through
 *       {@code GET /api/queues/{id}} (polled in a loop) minus, (a) the record's {@code polledAt} (when the poller had the
 *       vendor's answer, ms resolution: a lower bound of observation → visible), and (b) its {@code observedAt} (the
 *       vendor's {@code Date} header, 1 s resolution, truncated: an upper bound);</li>
 *   <li>beside it, on the same broker right after: Kafka's {@code ProducerPerformance} in a child JVM with the same
 *       record size (acks=all, idempotent, linger 5 ms, 128 KiB batches, no compression: the pollers' settings minus
 *       transactions) → ratio pipeline / raw producer.</li>
 * </ul>
 * At the base point also: a fresh aggregator and a bare Kafka Streams {@code groupByKey().count()} (exactly-once v2,
 * byte serdes) each consume everything the pipeline wrote to {@code queue-stats} → ratio aggregator / bare count.
 * Then the single-login check: {@code --login-pollers} (1, 3, 10) pollers in this JVM, tokens of
 * {@code --lifetime} seconds, {@code --login-seconds} each: vendor logins per credential per planned refresh period.
 *
 * <p>Writes {@code e2e.csv} and SVG charts into {@code --out} (default: the repository's {@code docs/benchmarks}).
 * A speed figure is never asserted: this prints and records, the reader compares.
 *
 * <pre>
 * ./mvnw -B -q -pl modules/bench -am package exec:exec -DskipTests \
 *     -Dbench.main=io.switchboard.bench.e2e.PipelineBenchmark \
 *     -Dbench.args="--queues 1000,10000,50000 --pollers 1,2,4 --warmup 20 --seconds 25 --login-pollers 1,3,10 --login-seconds 45 --raw-records 500000"
 * </pre>
 * Other options: {@code --base-queues 10000 --base-pollers 2 --credentials 12 --interval PT1S --settle-lag 2000 --settle-max 60 [--commit-interval <the aggregator's default>]
 * --catch-up true --login-queues 240 --lifetime 20 --connections 8 --out <repo>/docs/benchmarks}; {@code --replot <csv>}
 * only redraws the charts from a CSV it wrote.
 */
public final class PipelineBenchmark {

    private static final Pattern STATS = Pattern.compile("STATS (\\d+) records=(\\d+) polls=(\\d+) requests=(\\d+) skipped=(\\d+)");
    private static final Pattern LOGINS = Pattern.compile("^LOGINS (\\d+)((?: \\d+)*)$");
    private static final int SAMPLE_QUEUES = 16;
    /** Pause between two rounds of API reads of the sampled queues. */
    private static final long QUERY_PAUSE_MS = 50;

    /** One sweep point's figures. */
    record Point(String sweep, int queues, int pollers, String load, double window, long records, double recordsPerSecond,
                 double aggregatedPerSecond, double requestsPerRecord, double loginsPerCredential, int freshnessSamples,
                 double freshP50, double freshP99, double dateP50, double dateP99, int ageSamples, double ageP50, double ageP99,
                 long aggregatorLag, int recordBytes, double rawProducer, long skipped, double settleSeconds) {
        double ratio() {
            return recordsPerSecond / rawProducer;
        }
    }

    /** One single-login run's figures ({@code minGapMs} -1: no credential logged in twice within the window). */
    record LoginRun(int pollers, double window, long logins, double period, double perCredentialPerPeriod, long requestLogins,
                    long sameSecondDuplicates, long minGapMs, long records, String load) {
    }

    private final Map<String, String> opts;
    private final EmbeddedKafkaBroker broker;
    private final EmbeddedSchemaRegistry registry;
    private final Path work;
    private final Map<String, String> env;
    private final int credentials;
    private final String interval;
    private final String connections;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private PipelineBenchmark(Map<String, String> opts, EmbeddedKafkaBroker broker, EmbeddedSchemaRegistry registry, Path work) {
        this.opts = opts;
        this.broker = broker;
        this.registry = registry;
        this.work = work;
        byte[] key = new byte[TokenKeys.KEY_BYTES];
        new SecureRandom().nextBytes(key);
        this.env = Map.of("TOKEN_KEY", Base64.getEncoder().encodeToString(key), "GENESYS_SECRET", "bench-secret");
        this.credentials = Integer.parseInt(opts.getOrDefault("credentials", "12"));
        this.interval = opts.getOrDefault("interval", "PT1S");
        this.connections = opts.getOrDefault("connections", "8");
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            opts.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        if (opts.containsKey("replot")) { // charts again from a CSV this benchmark wrote, e.g. after changing the chart writer
            replot(Path.of(opts.get("replot")), opts);
            return;
        }
        Path work = Files.createTempDirectory("pipeline-bench");
        System.out.println("machine: " + machine());
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start();
             EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start(broker.bootstrapServers())) {
            new PipelineBenchmark(opts, broker, registry, work).run();
        }
        System.exit(0);
    }

    private void run() throws Exception {
        List<Integer> queueSweep = ints(opts.getOrDefault("queues", "1000,10000,50000"));
        List<Integer> pollerSweep = ints(opts.getOrDefault("pollers", "1,2,4"));
        int baseQueues = Integer.parseInt(opts.getOrDefault("base-queues", "10000"));
        int basePollers = Integer.parseInt(opts.getOrDefault("base-pollers", "2"));
        List<Integer> loginPollers = ints(opts.getOrDefault("login-pollers", "1,3,10"));
        // exec:exec runs in modules/bench: the default is the repository's docs/benchmarks either way
        Path out = Path.of(opts.getOrDefault("out", Files.isDirectory(Path.of("docs")) ? "docs/benchmarks" : "../../docs/benchmarks"));
        boolean catchUp = Boolean.parseBoolean(opts.getOrDefault("catch-up", "true"));

        List<int[]> plan = new ArrayList<>();
        for (int q : queueSweep) {
            plan.add(new int[] {q, basePollers});
        }
        for (int p : pollerSweep) {
            if (p != basePollers || !queueSweep.contains(baseQueues)) {
                plan.add(new int[] {baseQueues, p});
            }
        }
        List<Point> points = new ArrayList<>();
        double[] streams = null;
        int n = 0;
        for (int[] pq : plan) {
            n++;
            String sweep = pq[1] == basePollers && pq[0] == baseQueues ? "both" : pq[1] == basePollers ? "queues" : "pollers";
            boolean base = pq[0] == baseQueues && pq[1] == basePollers;
            Point p = point("e2e" + n, sweep, pq[0], pq[1]);
            points.add(p);
            print(p);
            if (base && catchUp) {
                streams = streamsComparison("e2e" + n);
            }
        }
        List<LoginRun> logins = new ArrayList<>();
        int lifetime = Integer.parseInt(opts.getOrDefault("lifetime", "20"));
        for (int p : loginPollers) {
            LoginRun r = loginRun("login" + p, p, lifetime);
            logins.add(r);
            System.out.printf("LOGIN %d pollers: %d logins for %d credentials in %.0f s (planned refresh period %.1f s) = %.2f per credential"
                            + " per refresh period; %d caused by poller requests; %d same-second duplicates; shortest gap between two logins of one credential"
                            + " %.1f s; %,d records; load %s%n",
                    r.pollers(), r.logins(), credentials, r.window(), r.period(), r.perCredentialPerPeriod(), r.requestLogins(),
                    r.sameSecondDuplicates(), r.minGapMs() < 0 ? Double.NaN : r.minGapMs() / 1000.0, r.records(), r.load());
        }
        report(points, streams, logins, out, queueSweep, pollerSweep, baseQueues, basePollers);
    }

    // ------------------------------------------------------------------------------------------------ one sweep point

    private Point point(String prefix, String sweep, int queues, int pollers) throws Exception {
        int warmup = Integer.parseInt(opts.getOrDefault("warmup", "15"));
        int seconds = Integer.parseInt(opts.getOrDefault("seconds", "25"));
        String load0 = loadAverage();
        System.out.printf("%n== %s: %,d queues, %d poller(s), %d credentials, interval %s (load %s)%n", prefix, queues, pollers,
                credentials, interval, load0);
        Path dir = Files.createDirectories(work.resolve(prefix));
        Topics topics = new Topics(prefix);
        try (Sim sim = Sim.start(this, queues, 86_400, dir)) {
            List<String> creds = credentialIds();
            Map<String, List<String>> byCred = split(sim.queueIds, creds);
            String yaml = yaml(prefix, sim, byCred, "planner");
            try (TokenManager tm = TokenManager.start(TokenManagerConfig.parse(yaml, "e2e.yaml", env).withInstanceId(prefix + "-tm"))) {
                awaitTokens(tm, creds);
                applyJobs(yaml);
                Map<String, Object> section = aggregatorSection(prefix, dir.resolve("agg"), prefix + "-aggregator");
                try (Aggregator agg = Aggregator.start(AggregatorConfig.fromMap(section))) {
                    await("aggregator ready", 120, agg::isReady, agg::notReadyReason);
                    List<Child> children = new ArrayList<>();
                    try {
                        for (int i = 1; i <= pollers; i++) {
                            Path y = Files.writeString(dir.resolve("poller-" + i + ".yaml"), yaml(prefix, sim, byCred, prefix + "-poller-" + i));
                            children.add(Child.start(this, "256m", List.of(PollerBenchChild.class.getName(), y.toString(), connections)));
                        }
                        for (Child c : children) {
                            await("poller ready", 120, () -> c.lines.stream().anyMatch(l -> l.startsWith("READY")), () -> c.tail());
                        }
                        Freshness fresh = new Freshness(this, topics.queueStats(), agg.httpPort());
                        fresh.start();
                        progress(warmup, children, agg, fresh);
                        double settled = settle(topics.queueStats(), prefix + "-aggregator");
                        long t0 = System.currentTimeMillis();
                        long[] c0 = pollerTotals(children);
                        double a0 = agg.metrics().processedCount();
                        fresh.measuring.set(true);
                        progress(seconds, children, agg, fresh);
                        fresh.measuring.set(false);
                        long t1 = System.currentTimeMillis();
                        long[] c1 = pollerTotals(children);
                        double a1 = agg.metrics().processedCount();
                        long lag = endOffsets(topics.queueStats()) - committed(prefix + "-aggregator", topics.queueStats());
                        fresh.stop();
                        String load1 = loadAverage();
                        double window = (t1 - t0) / 1000.0;
                        long records = c1[0] - c0[0];
                        long logins = Arrays.stream(sim.logins()).sum();
                        List<Double> viaPolled = fresh.sincePolled();
                        List<Double> viaDate = fresh.sinceObserved();
                        List<Double> ages = new ArrayList<>(fresh.ages);
                        for (Child c : children) {
                            c.close();
                        }
                        children.clear();
                        int bytes = averageRecordBytes(topics.queueStats());
                        double raw = producerPerformance(prefix + ".raw-producer", Long.parseLong(opts.getOrDefault("raw-records", "500000")),
                                bytes);
                        return new Point(sweep, queues, pollers, load0 + " → " + load1, window, records, records / window, (a1 - a0) / window,
                                (double) (c1[1] - c0[1]) / Math.max(1, records), (double) logins / creds.size(), viaPolled.size(),
                                pct(viaPolled, 50), pct(viaPolled, 99), pct(viaDate, 50), pct(viaDate, 99), ages.size(), pct(ages, 50),
                                pct(ages, 99), lag, bytes, raw, c1[2] - c0[2], settled);
                    } finally {
                        for (Child c : children) {
                            c.close();
                        }
                    }
                }
            }
        }
    }

    /**
     * After the warm-up, waits until the aggregator has caught up with what the pollers wrote during their start
     * (lag at most {@code --settle-lag} records, default 2,000, about a tenth of a second of the base point), checking
     * every second, for at most {@code --settle-max} seconds (default 60; 0 skips this): the window then measures the
     * steady state, not the draining of the start-up backlog. Returns the seconds it waited (the full bound when the
     * aggregator never caught up: then the window measures a pipeline that does not keep up, and says so).
     */
    private double settle(String topic, String group) throws Exception {
        long maxLag = Long.parseLong(opts.getOrDefault("settle-lag", "2000"));
        int maxSeconds = Integer.parseInt(opts.getOrDefault("settle-max", "60"));
        long start = System.currentTimeMillis();
        long end = start + maxSeconds * 1000L;
        long lag = Long.MAX_VALUE;
        while (System.currentTimeMillis() < end) {
            lag = endOffsets(topic) - committed(group, topic);
            if (lag <= maxLag) {
                break;
            }
            Thread.sleep(1_000);
        }
        double waited = (System.currentTimeMillis() - start) / 1000.0;
        if (maxSeconds > 0) {
            System.out.printf("  settle: aggregator lag %,d records after %.1f s more (bound %,d records, %d s)%s%n", lag, waited, maxLag,
                    maxSeconds, lag <= maxLag ? "" : ": it did NOT catch up, the window measures a pipeline behind its input");
        }
        return waited;
    }

    /** Waits {@code seconds}, printing the counters every 5 s (so a stall shows where it is). */
    private static void progress(int seconds, List<Child> children, Aggregator agg, Freshness fresh) throws InterruptedException {
        long end = System.currentTimeMillis() + seconds * 1000L;
        while (System.currentTimeMillis() < end) {
            Thread.sleep(Math.min(5_000, Math.max(1, end - System.currentTimeMillis())));
            long[] t = pollerTotals(children);
            System.out.printf("  .. committed %,d, requests %,d, skipped %,d; aggregator processed %,.0f; API sightings %d, non-200 %d;"
                    + " load %s%n", t[0], t[1], t[2], (double) agg.metrics().processedCount(), fresh.visible.size(), fresh.failures.get(),
                    loadAverage());
        }
    }

    /** Sums of the pollers' latest counters: records committed, vendor requests, skipped slots. */
    private static long[] pollerTotals(List<Child> children) {
        long[] t = new long[3];
        for (Child c : children) {
            String last = null;
            for (int i = c.lines.size() - 1; i >= 0 && last == null; i--) {
                if (c.lines.get(i).startsWith("STATS ")) {
                    last = c.lines.get(i);
                }
            }
            if (last != null) {
                Matcher m = STATS.matcher(last);
                if (m.find()) {
                    t[0] += Long.parseLong(m.group(2));
                    t[1] += Long.parseLong(m.group(4));
                    t[2] += Long.parseLong(m.group(5));
                }
            }
        }
        return t;
    }

    // ------------------------------------------------------------------------------------------- the single-login run

    private LoginRun loginRun(String prefix, int pollers, int lifetime) throws Exception {
        int seconds = Integer.parseInt(opts.getOrDefault("login-seconds", "40"));
        int queues = Integer.parseInt(opts.getOrDefault("login-queues", "240"));
        String load0 = loadAverage();
        System.out.printf("%n== %s: single-login run, %d poller(s) in this JVM, %d credentials, %d queues, token lifetime %d s (load %s)%n",
                prefix, pollers, credentials, queues, lifetime, load0);
        Path dir = Files.createDirectories(work.resolve(prefix));
        try (Sim sim = Sim.start(this, queues, lifetime, dir)) {
            List<String> creds = credentialIds();
            Map<String, List<String>> byCred = split(sim.queueIds, creds);
            String yaml = yaml(prefix, sim, byCred, "planner");
            try (TokenManager tm = TokenManager.start(TokenManagerConfig.parse(yaml, "e2e.yaml", env).withInstanceId(prefix + "-tm"))) {
                awaitTokens(tm, creds);
                applyJobs(yaml);
                List<PollerProcess> started = new ArrayList<>();
                try {
                    for (int i = 1; i <= pollers; i++) {
                        String id = prefix + "-poller-" + i;
                        started.add(PollerProcess.start(PollerConfig.parse(yaml(prefix, sim, byCred, id), "e2e.yaml", env),
                                (component, reason, cause) -> System.out.println("FATAL " + id + " " + reason)));
                    }
                    for (PollerProcess p : started) {
                        await("poller ready", 120, () -> p.poller().isReady(), () -> "not ready");
                    }
                    int from = sim.loginLines.size();
                    long[] l0 = sim.logins();
                    double req0 = refreshRequests(tm, "login");
                    double rec0 = records(started);
                    long t0 = System.currentTimeMillis();
                    Thread.sleep(seconds * 1000L);
                    long t1 = System.currentTimeMillis();
                    Thread.sleep(1500); // the simulator's next LOGINS line
                    long[] l1 = sim.loginsAt(t1);
                    double req1 = refreshRequests(tm, "login");
                    double rec1 = records(started);
                    long logins = 0;
                    for (int i = 0; i < l0.length; i++) {
                        logins += l1[i] - l0[i];
                    }
                    long duplicates = 0;
                    long minGapMs = Long.MAX_VALUE;
                    List<long[]> lines = sim.loginLines.subList(from, sim.loginLines.size());
                    long[] lastLoginAt = new long[l0.length + 1];
                    for (int k = 1; k < lines.size(); k++) {
                        for (int i = 1; i < lines.get(k).length; i++) {
                            long delta = lines.get(k)[i] - lines.get(k - 1)[i];
                            duplicates += Math.max(0, delta - 1);
                            if (delta > 0) {
                                if (lastLoginAt[i] > 0) {
                                    minGapMs = Math.min(minGapMs, lines.get(k)[0] - lastLoginAt[i]);
                                }
                                lastLoginAt[i] = lines.get(k)[0];
                            }
                        }
                    }
                    double period = new RefreshPolicy(RefreshSettings.defaults()).refreshDelay(Duration.ofSeconds(lifetime), 0.5).toMillis()
                            / 1000.0;
                    double window = (t1 - t0) / 1000.0;
                    return new LoginRun(pollers, window, logins, period, logins / (creds.size() * window / period),
                            (long) (req1 - req0), duplicates, minGapMs == Long.MAX_VALUE ? -1 : minGapMs, (long) (rec1 - rec0),
                            load0 + " → " + loadAverage());
                } finally {
                    for (PollerProcess p : started) {
                        p.close();
                    }
                }
            }
        }
    }

    private static double refreshRequests(TokenManager tm, String outcome) {
        return tm.meterRegistry().find("switchboard.token.refresh.requests").tag("outcome", outcome).counters().stream()
                .mapToDouble(Counter::count).sum();
    }

    private static double records(List<PollerProcess> pollers) {
        return pollers.stream().mapToDouble(p -> p.poller().meterRegistry().find("switchboard.poller.records").tag("topic", "queue-stats")
                .counters().stream().mapToDouble(Counter::count).sum()).sum();
    }

    // ------------------------------------------------------------------------------------------------ configuration

    /** Credential ids on distinct partitions of poll-jobs (12), so the pollers can share them evenly. */
    private List<String> credentialIds() {
        List<String> ids = new ArrayList<>();
        Set<Integer> used = new HashSet<>();
        for (int k = 0; ids.size() < credentials && k < 10_000; k++) {
            String id = "tenant-" + k;
            if (used.add(CredentialPartitioner.partitionOf(id, 12)) || used.size() >= 12) {
                ids.add(id);
            }
        }
        return ids;
    }

    private static Map<String, List<String>> split(List<String> queueIds, List<String> creds) {
        Map<String, List<String>> m = new LinkedHashMap<>();
        int per = (queueIds.size() + creds.size() - 1) / creds.size();
        for (int i = 0; i < creds.size(); i++) {
            m.put(creds.get(i), queueIds.subList(Math.min(queueIds.size(), i * per), Math.min(queueIds.size(), (i + 1) * per)));
        }
        return m;
    }

    /** The one configuration every role reads, as in the demo; {@code instanceId} names the poller. */
    private String yaml(String prefix, Sim sim, Map<String, List<String>> byCred, String instanceId) {
        StringBuilder y = new StringBuilder("""
                kafka:
                  bootstrapServers: %s
                  topicPrefix: %s
                  properties: {compression.type: none}
                schemaRegistry: {url: "%s"}
                encryption: {activeKeyId: k1, keys: {k1: "${env:TOKEN_KEY}"}}
                tokenManager: {ops: {port: -1}}
                poller: {instanceId: %s, jobPartitions: 12, planInterval: PT0S, ops: {port: -1}}
                credentials:
                """.formatted(broker.bootstrapServers(), prefix, registry.url(), instanceId));
        int i = 0;
        for (Map.Entry<String, List<String>> e : byCred.entrySet()) {
            y.append("  - id: ").append(e.getKey()).append('\n')
                    .append("    provider: genesys-cloud\n")
                    .append("    tokenUrl: \"").append(sim.loginUrl).append("/oauth/token\"\n")
                    .append("    apiBaseUrl: \"").append(sim.apiUrl).append("\"\n")
                    .append("    clientId: ").append(SimulatorChild.clientId(i++)).append('\n')
                    .append("    clientSecret: \"${env:GENESYS_SECRET}\"\n")
                    .append("    poll:\n      requestsPerMinute: 0\n      jobs:\n")
                    .append("        - {endpoint: genesys.queue-observations, name: live, interval: ").append(interval)
                    .append(", batchSize: 100, queueIds: [").append(String.join(", ", e.getValue())).append("]}\n");
        }
        return y.toString();
    }

    private void applyJobs(String yaml) throws Exception {
        try (JobPlanner planner = JobPlanner.create(PollerConfig.parse(yaml, "e2e.yaml", env), null)) {
            JobPlan plan = planner.plan();
            planner.apply(plan);
        }
    }

    private Map<String, Object> aggregatorSection(String prefix, Path stateDir, String applicationId) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("aggregator.applicationId", applicationId);
        m.put("aggregator.instanceId", applicationId);
        m.put("kafka.bootstrapServers", broker.bootstrapServers());
        m.put("kafka.topicPrefix", prefix);
        m.put("schemaRegistry.url", registry.url());
        m.put("aggregator.streams.stateDir", stateDir.toString());
        m.put("aggregator.streams.threads", "1");
        m.put("aggregator.streams.standbyReplicas", "0");
        if (opts.containsKey("commit-interval")) { // otherwise the aggregator's own default
            m.put("aggregator.streams.commitInterval", opts.get("commit-interval"));
        }
        m.put("aggregator.http.port", "0");
        m.put("aggregator.ops.port", "-1");
        m.put("aggregator.alerts", Map.of("rules", List.of(Map.of("name", "busy", "kind", "waiting-above", "threshold", "15"))));
        return m;
    }

    private static void awaitTokens(TokenManager tm, List<String> creds) throws Exception {
        await("first logins", 120, () -> creds.stream().allMatch(c -> tm.state(c).filter(s -> s == TokenState.VALID).isPresent()),
                () -> creds.stream().map(c -> c + "=" + tm.state(c).map(Enum::name).orElse("PENDING") + tm.lastError(c).map(e -> " (" + e + ")")
                        .orElse("")).toList().toString());
    }

    private static void await(String what, int seconds, Supplier<Boolean> condition, Supplier<String> state) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!condition.get()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(what + ": not reached within " + seconds + " s: " + state.get());
            }
            Thread.sleep(100);
        }
    }

    // ----------------------------------------------------------------------------------------- Streams comparison

    /** A fresh aggregator and a bare groupByKey().count() over everything on the point's queue-stats: records/s each. */
    private double[] streamsComparison(String prefix) throws Exception {
        String topic = new Topics(prefix).queueStats();
        long total = endOffsets(topic);
        System.out.printf("%nstreams comparison over %s (%,d offsets), load %s%n", topic, total, loadAverage());
        Map<String, Object> section = aggregatorSection(prefix, work.resolve(prefix).resolve("catch-up-agg"), prefix + "-catch-up-aggregator");
        double agg;
        try (Aggregator a = Aggregator.start(AggregatorConfig.fromMap(section))) {
            agg = progress("aggregator (fresh application, from the beginning)", prefix + "-catch-up-aggregator", topic, total,
                    () -> a.failure() != null);
        }
        int partitions;
        try (Admin admin = broker.admin()) {
            partitions = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions().size();
        }
        broker.createTopic(prefix + ".bare-counts", partitions, Map.of());
        StreamsBuilder b = new StreamsBuilder();
        b.stream(topic, Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()))
                .groupByKey(Grouped.with(Serdes.ByteArray(), Serdes.ByteArray()))
                .count(Materialized.as("counts"))
                .toStream()
                .to(prefix + ".bare-counts", Produced.with(Serdes.ByteArray(), Serdes.Long()));
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, prefix + "-bare-count");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        props.put(StreamsConfig.STATE_DIR_CONFIG, work.resolve(prefix).resolve("bare-count").toString());
        props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, 1);
        props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        double bare;
        try (KafkaStreams streams = new KafkaStreams(b.build(), props)) {
            streams.start();
            bare = progress("bare groupByKey().count()", prefix + "-bare-count", topic, total,
                    () -> streams.state() == KafkaStreams.State.ERROR);
            streams.close(Duration.ofSeconds(60));
        }
        System.out.printf("STREAMS aggregator %,.0f records/s, bare count() %,.0f records/s, ratio %.2f%n", agg, bare, agg / bare);
        return new double[] {agg, bare, total};
    }

    /** Offsets/s the group commits on {@code topic} between 10 % and 90 % of {@code total}. */
    private double progress(String name, String group, String topic, long total, Supplier<Boolean> failed) throws Exception {
        long start = System.nanoTime();
        long t10 = 0;
        long t90 = 0;
        try (Admin admin = broker.admin()) {
            while (t90 == 0) {
                long done = 0;
                Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata()
                        .get(30, TimeUnit.SECONDS);
                for (Map.Entry<TopicPartition, OffsetAndMetadata> e : offsets.entrySet()) {
                    if (e.getKey().topic().equals(topic) && e.getValue() != null) {
                        done += e.getValue().offset();
                    }
                }
                long now = System.nanoTime();
                if (t10 == 0 && done >= total / 10) {
                    t10 = now;
                }
                if (done >= total * 9 / 10) {
                    t90 = now;
                }
                if (failed.get()) {
                    throw new IllegalStateException(name + " failed");
                }
                if (now - start > TimeUnit.MINUTES.toNanos(10)) {
                    throw new IllegalStateException(name + " did not get through " + total + " offsets within 10 minutes (" + done + ")");
                }
                Thread.sleep(100);
            }
        }
        double rate = total * 0.8 / ((t90 - t10) / 1e9);
        System.out.printf("  %s: %,.0f records/s (10%%..90%% in %.1f s)%n", name, rate, (t90 - t10) / 1e9);
        return rate;
    }

    private long committed(String group, String topic) throws Exception {
        try (Admin admin = broker.admin()) {
            return admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS).entrySet().stream()
                    .filter(e -> e.getKey().topic().equals(topic) && e.getValue() != null).mapToLong(e -> e.getValue().offset()).sum();
        }
    }

    private long endOffsets(String topic) throws Exception {
        try (Admin admin = broker.admin()) {
            var parts = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions();
            Map<TopicPartition, OffsetSpec> req = new HashMap<>();
            parts.forEach(p -> req.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
            return admin.listOffsets(req).all().get().values().stream().mapToLong(r -> r.offset()).sum();
        }
    }

    // ------------------------------------------------------------------------------------------------- baselines

    private int averageRecordBytes(String topic) {
        Properties props = broker.clientProperties();
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        long bytes = 0;
        int n = 0;
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> parts = c.partitionsFor(topic).stream().map(p -> new TopicPartition(topic, p.partition())).toList();
            c.assign(parts);
            c.seekToBeginning(parts);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (n < 5_000 && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
                    bytes += r.value().length + (r.key() == null ? 0 : r.key().length);
                    n++;
                }
            }
        }
        return n == 0 ? 200 : (int) (bytes / n);
    }

    /** Kafka's ProducerPerformance in a child JVM with the pollers' producer settings minus transactions. */
    private double producerPerformance(String topic, long records, int recordBytes) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(topic, Optional.of(12), Optional.empty()))).all().get();
        }
        Child p = Child.start(this, "256m", List.of("org.apache.kafka.tools.ProducerPerformance", "--topic", topic, "--num-records",
                String.valueOf(records), "--record-size", String.valueOf(recordBytes), "--throughput", "-1", "--producer-props",
                "bootstrap.servers=" + broker.bootstrapServers(), "acks=all", "linger.ms=5", "batch.size=131072", "compression.type=none",
                "enable.idempotence=true"));
        p.process.waitFor(10, TimeUnit.MINUTES);
        Thread.sleep(300);
        Pattern rate = Pattern.compile("records sent, ([0-9.]+) records/sec");
        for (int i = p.lines.size() - 1; i >= 0; i--) {
            Matcher m = rate.matcher(p.lines.get(i));
            if (m.find()) {
                double r = Double.parseDouble(m.group(1));
                System.out.printf("  ProducerPerformance: %,.0f records/s (%,d records of %d bytes)%n", r, records, recordBytes);
                return r;
            }
        }
        throw new IllegalStateException("ProducerPerformance printed no result:\n" + p.tail());
    }

    // ------------------------------------------------------------------------------------------------- output

    private static void print(Point p) {
        System.out.printf("POINT %,d queues, %d poller(s): %,.0f records/s committed (%,d in %.1f s), aggregator %,.0f records/s,"
                        + " %.4f requests/record, %.2f logins/credential, skipped slots %d; freshness (polledAt) p50 %.0f ms p99 %.0f ms,"
                        + " (Date header) p50 %.0f ms p99 %.0f ms (%d samples); age of the visible snapshot p50 %.0f ms p99 %.0f ms (%d reads);"
                        + " aggregator lag at the end %,d records; raw producer %,.0f records/s (%d B) → ratio %.2f; settled after %.1f s; load %s%n",
                p.queues(), p.pollers(), p.recordsPerSecond(), p.records(), p.window(), p.aggregatedPerSecond(), p.requestsPerRecord(),
                p.loginsPerCredential(), p.skipped(), p.freshP50(), p.freshP99(), p.dateP50(), p.dateP99(), p.freshnessSamples(),
                p.ageP50(), p.ageP99(), p.ageSamples(), p.aggregatorLag(),
                p.rawProducer(), p.recordBytes(), p.ratio(), p.settleSeconds(), p.load());
    }

    private void report(List<Point> points, double[] streams, List<LoginRun> logins, Path out, List<Integer> queueSweep,
                        List<Integer> pollerSweep, int baseQueues, int basePollers) throws Exception {
        Files.createDirectories(out);
        StringBuilder csv = new StringBuilder("kind,queues,pollers,window_s,records,records_per_s,aggregated_per_s,requests_per_record,"
                + "logins_per_credential,freshness_samples,fresh_polled_p50_ms,fresh_polled_p99_ms,fresh_date_p50_ms,fresh_date_p99_ms,"
                + "age_reads,age_p50_ms,age_p99_ms,aggregator_lag_records,record_bytes,raw_producer_per_s,ratio_raw,skipped_slots,load,settle_s\n");
        for (Point p : points) {
            csv.append(String.format(Locale.ROOT, "sweep-%s,%d,%d,%.1f,%d,%.0f,%.0f,%.5f,%.2f,%d,%.0f,%.0f,%.0f,%.0f,%d,%.0f,%.0f,%d,%d,%.0f,"
                            + "%.3f,%d,\"%s\",%.1f%n",
                    p.sweep(), p.queues(), p.pollers(), p.window(), p.records(), p.recordsPerSecond(), p.aggregatedPerSecond(),
                    p.requestsPerRecord(), p.loginsPerCredential(), p.freshnessSamples(), p.freshP50(), p.freshP99(), p.dateP50(),
                    p.dateP99(), p.ageSamples(), p.ageP50(), p.ageP99(), p.aggregatorLag(), p.recordBytes(), p.rawProducer(), p.ratio(), p.skipped(), p.load(),
                    p.settleSeconds()));
        }
        if (streams != null) {
            csv.append(String.format(Locale.ROOT, "streams-catch-up,%d,%d,,%.0f,,%.0f,,,,,,,,,,,,,%.0f,%.3f,,%n", baseQueues, basePollers,
                    streams[2], streams[0], streams[1], streams[0] / streams[1]));
        }
        csv.append("\nkind,pollers,window_s,logins,refresh_period_s,logins_per_credential_per_period,request_caused_logins,"
                + "same_second_duplicates,min_gap_between_logins_s,records,load\n");
        for (LoginRun r : logins) {
            csv.append(String.format(Locale.ROOT, "single-login,%d,%.1f,%d,%.1f,%.3f,%d,%d,%.1f,%d,\"%s\"%n", r.pollers(), r.window(),
                    r.logins(), r.period(), r.perCredentialPerPeriod(), r.requestLogins(), r.sameSecondDuplicates(), r.minGapMs() / 1000.0,
                    r.records(), r.load()));
        }
        Files.writeString(out.resolve("e2e.csv"), csv.toString());

        List<Point> byQueues = queueSweep.stream().map(q -> find(points, q, basePollers)).filter(p -> p != null).toList();
        List<Point> byPollers = pollerSweep.stream().map(p -> find(points, baseQueues, p)).filter(p -> p != null).toList();
        chart(byQueues, "queues", "End-to-end throughput vs queues (" + basePollers + " pollers)", out.resolve("e2e-throughput-queues.svg"),
                p -> String.format(Locale.ROOT, "%,d", p.queues()), true);
        chart(byQueues, "queues", "End-to-end freshness vs queues (" + basePollers + " pollers)", out.resolve("e2e-freshness-queues.svg"),
                p -> String.format(Locale.ROOT, "%,d", p.queues()), false);
        chart(byPollers, "pollers", String.format(Locale.ROOT, "End-to-end throughput vs pollers (%,d queues)", baseQueues),
                out.resolve("e2e-throughput-pollers.svg"), p -> String.valueOf(p.pollers()), true);
        chart(byPollers, "pollers", String.format(Locale.ROOT, "End-to-end freshness vs pollers (%,d queues)", baseQueues),
                out.resolve("e2e-freshness-pollers.svg"), p -> String.valueOf(p.pollers()), false);
        if (!logins.isEmpty()) {
            SvgChart c = new SvgChart("Vendor logins per credential per refresh period", "pollers", "logins",
                    logins.stream().map(r -> String.valueOf(r.pollers())).toList());
            c.series("measured (simulator's counters)", logins.stream().mapToDouble(LoginRun::perCredentialPerPeriod).toArray());
            c.series("target: one", logins.stream().mapToDouble(r -> 1.0).toArray());
            c.write(out.resolve("e2e-logins-pollers.svg"));
        }
        System.out.println("\nwrote " + out.toAbsolutePath().normalize().resolve("e2e.csv") + " and the SVG charts\n");
        System.out.print(csv);
    }

    private static void replot(Path csv, Map<String, String> opts) throws Exception {
        List<Point> points = new ArrayList<>();
        List<LoginRun> logins = new ArrayList<>();
        double[] streams = null;
        for (String line : Files.readAllLines(csv)) {
            List<String> f = csvFields(line);
            if (f.get(0).startsWith("sweep-")) {
                points.add(new Point(f.get(0).substring(6), Integer.parseInt(f.get(1)), Integer.parseInt(f.get(2)), f.get(22),
                        d(f.get(3)), Long.parseLong(f.get(4)), d(f.get(5)), d(f.get(6)), d(f.get(7)), d(f.get(8)), Integer.parseInt(f.get(9)),
                        d(f.get(10)), d(f.get(11)), d(f.get(12)), d(f.get(13)), Integer.parseInt(f.get(14)), d(f.get(15)), d(f.get(16)),
                        Long.parseLong(f.get(17)), Integer.parseInt(f.get(18)), d(f.get(19)), Long.parseLong(f.get(21)),
                        f.size() > 23 ? d(f.get(23)) : Double.NaN));
            } else if (f.get(0).equals("streams-catch-up")) {
                streams = new double[] {d(f.get(6)), d(f.get(19)), d(f.get(4))};
            } else if (f.get(0).equals("single-login")) {
                logins.add(new LoginRun(Integer.parseInt(f.get(1)), d(f.get(2)), Long.parseLong(f.get(3)), d(f.get(4)), d(f.get(5)),
                        Long.parseLong(f.get(6)), Long.parseLong(f.get(7)), (long) (d(f.get(8)) * 1000), Long.parseLong(f.get(9)), f.get(10)));
            }
        }
        new PipelineBenchmark(opts, null, null, null).report(points, streams, logins, csv.toAbsolutePath().getParent(),
                points.stream().filter(p -> !p.sweep().equals("pollers")).map(Point::queues).toList(),
                points.stream().filter(p -> !p.sweep().equals("queues")).map(Point::pollers).sorted().toList(),
                Integer.parseInt(opts.getOrDefault("base-queues", "10000")), Integer.parseInt(opts.getOrDefault("base-pollers", "2")));
    }

    private static double d(String s) {
        return s.isEmpty() ? Double.NaN : Double.parseDouble(s);
    }

    private static List<String> csvFields(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        for (char c : line.toCharArray()) {
            if (c == '"') {
                quoted = !quoted;
            } else if (c == ',' && !quoted) {
                out.add(cur.toString());
                cur.setLength(0);
            } else {
                cur.append(c);
            }
        }
        out.add(cur.toString());
        while (out.size() < 24) {
            out.add("");
        }
        return out;
    }

    private static Point find(List<Point> points, int queues, int pollers) {
        return points.stream().filter(p -> p.queues() == queues && p.pollers() == pollers).findFirst().orElse(null);
    }

    private static void chart(List<Point> ps, String x, String title, Path file, java.util.function.Function<Point, String> label,
                              boolean throughput) throws Exception {
        if (ps.isEmpty()) {
            return;
        }
        SvgChart c = new SvgChart(title, x, throughput ? "records/s" : "ms", ps.stream().map(label).toList());
        if (throughput) {
            c.series("pipeline (committed to queue-stats)", ps.stream().mapToDouble(Point::recordsPerSecond).toArray());
            c.series("aggregator (folded, live)", ps.stream().mapToDouble(Point::aggregatedPerSecond).toArray());
            c.series("raw ProducerPerformance", ps.stream().mapToDouble(Point::rawProducer).toArray());
        } else {
            c.series("p50 from polledAt", ps.stream().mapToDouble(Point::freshP50).toArray());
            c.series("p99 from polledAt", ps.stream().mapToDouble(Point::freshP99).toArray());
            c.series("p50 from vendor Date (1 s res.)", ps.stream().mapToDouble(Point::dateP50).toArray());
            c.series("p99 from vendor Date (1 s res.)", ps.stream().mapToDouble(Point::dateP99).toArray());
            c.series("p50 age of visible snapshot", ps.stream().mapToDouble(Point::ageP50).toArray());
            c.series("p99 age of visible snapshot", ps.stream().mapToDouble(Point::ageP99).toArray());
            c.series("target p99", ps.stream().mapToDouble(p -> 1000).toArray());
        }
        c.write(file);
    }

    // ------------------------------------------------------------------------------------------------- helpers

    private static List<Integer> ints(String csv) {
        return csv.isBlank() ? List.of() : Arrays.stream(csv.split(",")).map(String::trim).map(Integer::parseInt).toList();
    }

    static double pct(List<Double> values, int p) {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int idx = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(idx, sorted.size() - 1)));
    }

    private static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + "/" + f[1];
        } catch (Exception e) {
            return "?";
        }
    }

    private static String machine() {
        String cpu = "?";
        try {
            cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name")).findFirst()
                    .map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse("?");
        } catch (Exception ignored) {
            // not Linux
        }
        return String.format(Locale.ROOT, "%d cores (%s), JDK %s (%s), this JVM's max heap %d MB, load average (1/5 min) %s",
                Runtime.getRuntime().availableProcessors(), cpu, System.getProperty("java.version"), System.getProperty("java.vm.name"),
                Runtime.getRuntime().maxMemory() >> 20, loadAverage());
    }

    // ------------------------------------------------------------------------------------------------- child JVMs

    /** A child JVM on this classpath whose output lines are kept (and echoed when they look like trouble). */
    static final class Child implements AutoCloseable {
        final Process process;
        final List<String> lines = new CopyOnWriteArrayList<>();

        private Child(Process process) {
            this.process = process;
        }

        static Child start(PipelineBenchmark bench, String xmx, List<String> mainAndArgs) throws Exception {
            List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx" + xmx,
                    "-cp", System.getProperty("java.class.path")));
            cmd.addAll(mainAndArgs);
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
            pb.environment().putAll(bench.env);
            Child c = new Child(pb.start());
            Thread reader = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(c.process.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line; (line = r.readLine()) != null; ) {
                        c.accept(line);
                    }
                } catch (Exception ignored) {
                    // child gone
                }
            }, "child-output");
            reader.setDaemon(true);
            reader.start();
            return c;
        }

        void accept(String line) {
            if (lines.size() > 20_000) {
                lines.subList(0, 10_000).clear();
            }
            lines.add(line);
            if (line.contains("ERROR") || line.startsWith("FATAL") || line.contains("Exception")) {
                System.out.println("  | " + line);
            }
        }

        String tail() {
            int n = lines.size();
            return String.join("\n", lines.subList(Math.max(0, n - 30), n));
        }

        @Override
        public void close() {
            if (!process.isAlive()) {
                return;
            }
            try {
                process.getOutputStream().close(); // graceful shutdown
                if (!process.waitFor(60, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            } catch (Exception e) {
                process.destroyForcibly();
            }
        }
    }

    /** The simulator child: its URLs, queue ids and login counters. */
    static final class Sim implements AutoCloseable {
        final Child child;
        final String loginUrl;
        final String apiUrl;
        final List<String> queueIds;
        final List<long[]> loginLines = new CopyOnWriteArrayList<>();

        private Sim(Child child, String loginUrl, String apiUrl, List<String> queueIds) {
            this.child = child;
            this.loginUrl = loginUrl;
            this.apiUrl = apiUrl;
            this.queueIds = queueIds;
        }

        static Sim start(PipelineBenchmark bench, int queues, int lifetimeSeconds, Path dir) throws Exception {
            Path ids = dir.resolve("queue-ids.txt");
            Child c = Child.start(bench, "768m", List.of(SimulatorChild.class.getName(), String.valueOf(queues),
                    String.valueOf(bench.credentials), String.valueOf(lifetimeSeconds), ids.toString()));
            await("simulator started", 120, () -> c.lines.stream().anyMatch(l -> l.startsWith("SIM ")), c::tail);
            String[] f = c.lines.stream().filter(l -> l.startsWith("SIM ")).findFirst().orElseThrow().split(" ");
            Sim sim = new Sim(c, f[1], f[2], Files.readAllLines(ids));
            Thread t = new Thread(() -> {
                int seen = 0;
                while (c.process.isAlive()) {
                    List<String> all = c.lines;
                    for (; seen < all.size(); seen++) {
                        Matcher m = LOGINS.matcher(all.get(seen));
                        if (m.find()) {
                            String[] counts = m.group(2).trim().split(" ");
                            long[] v = new long[counts.length + 1];
                            v[0] = Long.parseLong(m.group(1));
                            for (int i = 0; i < counts.length; i++) {
                                v[i + 1] = Long.parseLong(counts[i]);
                            }
                            sim.loginLines.add(v);
                        }
                    }
                    try {
                        Thread.sleep(200);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "sim-logins");
            t.setDaemon(true);
            t.start();
            await("simulator login counters", 30, () -> !sim.loginLines.isEmpty(), c::tail);
            return sim;
        }

        /** The latest login counts, one per client. */
        long[] logins() {
            long[] last = loginLines.get(loginLines.size() - 1);
            return Arrays.copyOfRange(last, 1, last.length);
        }

        /** The first login counts printed at or after {@code epochMs}. */
        long[] loginsAt(long epochMs) {
            for (long[] l : loginLines) {
                if (l[0] >= epochMs) {
                    return Arrays.copyOfRange(l, 1, l.length);
                }
            }
            return logins();
        }

        @Override
        public void close() {
            child.close();
        }
    }

    /**
     * Freshness sampler: a read_committed consumer of partition 0 of queue-stats notes {@code polledAt} per
     * (queue, poll sequence) for the first 16 queues it sees there; a loop asks the query API for those queues and
     * notes when a new poll sequence becomes visible and the snapshot's {@code observedAt}.
     */
    static final class Freshness {
        private final PipelineBenchmark bench;
        private final String topic;
        private final int apiPort;
        final AtomicBoolean measuring = new AtomicBoolean();
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final Set<String> sample = ConcurrentHashMap.newKeySet();
        private final Map<String, Long> polledAt = new ConcurrentHashMap<>();
        private final java.util.concurrent.atomic.AtomicLong failures = new java.util.concurrent.atomic.AtomicLong();
        private final List<long[]> visible = new CopyOnWriteArrayList<>(); // visibleMs, observedAtMs
        private final List<String> visibleKeys = new CopyOnWriteArrayList<>();
        final List<Double> ages = new CopyOnWriteArrayList<>(); // read time minus the visible snapshot's observedAt
        private final List<Thread> threads = new ArrayList<>();

        Freshness(PipelineBenchmark bench, String topic, int apiPort) {
            this.bench = bench;
            this.topic = topic;
            this.apiPort = apiPort;
        }

        void start() {
            threads.add(new Thread(this::consume, "freshness-consumer"));
            threads.add(new Thread(this::query, "freshness-api"));
            threads.forEach(Thread::start);
        }

        void stop() throws InterruptedException {
            running.set(false);
            for (Thread t : threads) {
                t.join(30_000);
            }
        }

        private void consume() {
            Properties props = bench.broker.clientProperties();
            props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
            var deserializer = AvroSerdes.specific(QueueStat.class, Map.of("schema.registry.url", bench.registry.url()), false).deserializer();
            try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
                TopicPartition p0 = new TopicPartition(topic, 0);
                c.assign(List.of(p0));
                c.seekToEnd(List.of(p0));
                while (running.get()) {
                    for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(100))) {
                        String key = new String(r.key(), StandardCharsets.UTF_8);
                        if (!sample.contains(key)) {
                            if (sample.size() >= SAMPLE_QUEUES) {
                                continue;
                            }
                            sample.add(key);
                        }
                        QueueStat s = deserializer.deserialize(topic, r.value());
                        polledAt.putIfAbsent(key + "#" + s.getPollSequence(), s.getPolledAt().toEpochMilli());
                    }
                }
            } catch (Exception e) {
                System.out.println("  | freshness consumer failed: " + e);
            }
        }

        private void query() {
            Map<String, Long> lastSeq = new HashMap<>();
            while (running.get()) {
                List<String> keys = new ArrayList<>(sample);
                if (keys.isEmpty()) {
                    sleep(50);
                    continue;
                }
                sleep(QUERY_PAUSE_MS); // a round of 16 GETs, then a pause: the sampler must not eat a core itself
                for (String key : keys) {
                    try {
                        HttpResponse<String> r = bench.http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + apiPort
                                + "/api/queues/" + key)).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
                        long now = System.currentTimeMillis();
                        if (r.statusCode() != 200) {
                            if (failures.incrementAndGet() == 1) {
                                System.out.println("  | query API answered " + r.statusCode() + " for " + key + ": " + r.body());
                            }
                            continue;
                        }
                        JsonObject data = new JsonObject(r.body()).getJsonObject("data");
                        long seq = data.getLong("pollSequence");
                        Object obs = data.getValue("observedAt");
                        long observed = obs instanceof Number num ? num.longValue() : Instant.parse(String.valueOf(obs)).toEpochMilli();
                        if (measuring.get()) {
                            ages.add((double) (now - observed));
                        }
                        Long before = lastSeq.put(key, seq);
                        if (before != null && before != seq && measuring.get()) {
                            visible.add(new long[] {now, observed});
                            visibleKeys.add(key + "#" + seq);
                        }
                    } catch (Exception e) {
                        sleep(50);
                    }
                }
            }
        }

        /** Visible minus polledAt, ms (only sightings whose record the consumer saw). */
        List<Double> sincePolled() {
            List<Double> out = new ArrayList<>();
            for (int i = 0; i < visible.size(); i++) {
                Long p = polledAt.get(visibleKeys.get(i));
                if (p != null) {
                    out.add((double) (visible.get(i)[0] - p));
                }
            }
            return out;
        }

        /** Visible minus the vendor's observedAt (Date header, whole seconds), ms. */
        List<Double> sinceObserved() {
            List<Double> out = new ArrayList<>();
            for (long[] v : visible) {
                out.add((double) (v[0] - v[1]));
            }
            return out;
        }

        private static void sleep(long ms) {
            try {
                Thread.sleep(ms);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
