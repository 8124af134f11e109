package io.switchboard.bench;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import io.switchboard.core.Topics;
import io.switchboard.poll.JobPlan;
import io.switchboard.poll.JobPlanner;
import io.switchboard.poll.PollerConfig;
import io.switchboard.registry.server.EmbeddedSchemaRegistry;
import io.switchboard.simulator.SimulatorConfig;
import io.switchboard.simulator.SimulatorConfig.GenesysClient;
import io.switchboard.simulator.VendorSimulator;
import io.switchboard.testkit.Closer;
import io.switchboard.testkit.EmbeddedKafkaBroker;
import io.switchboard.token.TokenKeys;
import io.switchboard.token.TokenManager;
import io.switchboard.token.TokenManagerConfig;

/**
 * Load driver for one poller: the embedded broker, schema registry and vendor simulator (Genesys, {@code --queues}
 * generated queues, its rate limit off) and a token manager in this JVM; the poller ({@link PollerBenchChild}: the
 * production {@code PollerProcess} with the vendor executor) alone in a child JVM with {@code -Xmx256m}, polling
 * Genesys queue observations of 100 queues per job, with the credential's request budget off. {@code --entries}
 * poll entries over the same queues multiply the offered load (entries x queues every interval), to find the
 * poller's ceiling. {@code --rpm N} turns the rate limit on (the credential's budget and the simulator's Genesys limit
 * per token), for sizing: how many queues one credential covers at an interval ({@code --interval PT10S}).
 *
 * <p>Prints QueueStat records/s committed to {@code queue-stats} (transactions, read_committed-visible), vendor
 * requests per record, the child's CPU seconds per 1,000 records, its heap (after GC and in use) and RSS, skipped
 * slots and job lag — beside Kafka's own {@code ProducerPerformance} in a child JVM with the same record size and
 * producer settings (acks=all, linger 5 ms, 128 KiB batches, no compression), run on the same broker right after.
 *
 * <p>{@code --credentials 5,10,20,40} is the sizing mode for credentials per poller: for each N, a fresh run with N
 * Genesys credentials (each its own simulator client and token, its own budget and simulator limit of {@code --rpm},
 * default 300, each polling the same {@code --queues}, default 500, at {@code --interval}, default PT10S); per step it
 * prints records/s, polls done against the slots offered, skipped slots, 429s and the p50 / p99 / max of every job's
 * lag ({@code switchboard.poller.job.lag}: seconds since its last clean poll) sampled once a second over the measured
 * window. It stops after the first step whose p99 exceeds one interval and prints the largest N that kept it within.
 *
 * <pre>
 * ./mvnw -B -q -pl modules/bench -am package exec:exec -DskipTests -Dbench.main=io.switchboard.bench.PollerBenchmark \
 *     -Dbench.args="--queues 10000 --entries 1 --warmup 20 --seconds 60"
 * ./mvnw -B -q -pl modules/bench -am package exec:exec -DskipTests -Dbench.main=io.switchboard.bench.PollerBenchmark \
 *     -Dbench.args="--credentials 5,10,20,40,80 --queues 500 --interval PT10S --rpm 300 --warmup 30 --seconds 60"
 * </pre>
 */
public final class PollerBenchmark {

    private static final Pattern STATS = Pattern.compile("STATS (\\d+) records=(\\d+) polls=(\\d+) requests=(\\d+) skipped=(\\d+)"
            + " heapAfterGc=(\\d+) heapUsed=(\\d+) rss=(-?\\d+) maxLag=([0-9.]+) requestMs=([0-9.]+) throttled=(\\d+) lags=([0-9.,]*)");

    private PollerBenchmark() {
    }

    record Stats(long at, long records, long polls, long requests, long skipped, long heapAfterGc, long heapUsed, long rssKb,
                 double maxLag, double requestMs, long throttled, double[] lags) {
    }

    /** What one run offers the poller: {@code credentials} Genesys credentials, each with {@code entries} x {@code queues}. */
    record Load(int credentials, int queues, int entries, String interval, int rpm, String xmx, String connections, List<String> childJvm) {
    }

    /** The measured window of one run: its first and last sample, every sample in between, the child's CPU time. */
    record Window(Stats first, Stats end, List<Stats> samples, Duration cpu, Duration benchCpu, String loadBefore, String loadAfter) {
        double seconds() {
            return (end.at() - first.at()) / 1000.0;
        }

        long records() {
            return end.records() - first.records();
        }

        /** The {@code q}-quantile (nearest rank) of every job's lag over every sample of the window. */
        double lag(double q) {
            double[] all = samples.stream().flatMapToDouble(s -> java.util.Arrays.stream(s.lags())).sorted().toArray();
            return all.length == 0 ? 0 : all[Math.max(0, (int) Math.ceil(q * all.length) - 1)];
        }
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            opts.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        boolean sizing = opts.containsKey("credentials");
        int warmup = Integer.parseInt(opts.getOrDefault("warmup", sizing ? "30" : "20"));
        int seconds = Integer.parseInt(opts.getOrDefault("seconds", "60"));
        // --rpm N: the credential's request budget (and the simulator's Genesys limit per token), for sizing with the
        // rate limit on; 0 = off, the throughput run
        Load load = new Load(1, Integer.parseInt(opts.getOrDefault("queues", sizing ? "500" : "10000")),
                Integer.parseInt(opts.getOrDefault("entries", "1")), opts.getOrDefault("interval", sizing ? "PT10S" : "PT1S"),
                Integer.parseInt(opts.getOrDefault("rpm", sizing ? "300" : "0")), opts.getOrDefault("xmx", "256m"),
                opts.getOrDefault("connections", "8"),
                // --child-jvm: extra JVM options of the poller child, separated by '|' (e.g. a JFR recording)
                opts.containsKey("child-jvm") ? List.of(opts.get("child-jvm").split("\\|")) : List.of());
        if (sizing) {
            sizeCredentials(load, java.util.Arrays.stream(opts.get("credentials").split(",")).map(String::trim).map(Integer::valueOf)
                    .toList(), warmup, seconds);
        } else {
            throughput(load, warmup, seconds, Long.parseLong(opts.getOrDefault("raw-records", "1000000")));
        }
        System.exit(0);
    }

    private static void throughput(Load load, int warmup, int seconds, long rawRecords) throws Exception {
        try (Fleet fleet = new Fleet(load)) {
            Window w = fleet.measure(warmup, seconds);
            List<Stats> stats = fleet.stats;
            long maxRss = stats.stream().mapToLong(Stats::rssKb).max().orElse(-1);
            long maxHeapAfterGc = stats.stream().mapToLong(Stats::heapAfterGc).max().orElse(-1);
            long maxHeapUsed = stats.stream().mapToLong(Stats::heapUsed).max().orElse(-1);
            double maxLag = w.samples().stream().mapToDouble(Stats::maxLag).max().orElse(0);
            long live = fleet.liveHeap();
            boolean fatal = fleet.stop();

            double rate = w.records() / w.seconds();
            double requestsPerRecord = (double) (w.end().requests() - w.first().requests()) / Math.max(1, w.records());
            double cpuPer1000 = (w.cpu().toMillis() / 1000.0) / Math.max(1, w.records()) * 1000;
            int recordBytes = averageRecordBytes(fleet.broker, new Topics("bench").queueStats());

            double raw = producerPerformance(fleet.broker, rawRecords, recordBytes, load.xmx(), fleet.env);
            long offered = (long) load.entries() * load.queues();
            System.out.printf("%nPoller benchmark: %d queues, %d poll entr%s of %s (%d jobs of up to 100 queues), vendor budget %s,"
                            + " %s HTTP connections per host, poller alone in a child JVM with -Xmx%s; %d s warm-up, %.1f s measured%n",
                    load.queues(), load.entries(), load.entries() == 1 ? "y" : "ies", load.interval(), fleet.jobCount,
                    load.rpm() == 0 ? "off" : load.rpm() + " requests/min", load.connections(), load.xmx(), warmup, w.seconds());
            System.out.printf("poller: %,.0f QueueStat records/s committed (%,d records, %,d polls), %.4f vendor requests per record,"
                            + " %.3f CPU s per 1,000 records, skipped slots %d, max job lag %.1f s%s%n",
                    rate, w.records(), w.end().polls() - w.first().polls(), requestsPerRecord, cpuPer1000,
                    w.end().skipped() - w.first().skipped(), maxLag, fatal ? " (THE POLLER FAILED)" : "");
            System.out.printf("cpu: poller child %.2f cores, this JVM (broker, registry, simulator, token manager) %.2f cores, over the"
                            + " measured window; load average (1 / 5 / 15 min) %s at its start, %s at its end; %d cores%n",
                    w.cpu().toMillis() / 1000.0 / w.seconds(), w.benchCpu().toMillis() / 1000.0 / w.seconds(), w.loadBefore(),
                    w.loadAfter(), Runtime.getRuntime().availableProcessors());
            System.out.printf("memory: live heap after a full GC at the end %.1f MB; heap in use max %.1f MB, after-GC pool usage max %.1f MB;"
                    + " RSS max %.1f MB (-Xmx%s); mean vendor request %.1f ms%n",
                    live / 1e6, maxHeapUsed / 1e6, maxHeapAfterGc / 1e6, maxRss / 1024.0, load.xmx(), w.end().requestMs());
            System.out.printf("baseline: ProducerPerformance %,.0f records/s with %d-byte records (the poller's average key + value)%n",
                    raw, recordBytes);
            System.out.printf("ratio poller / raw producer: %.2f  (offered: %,d queue observations per interval)%n", rate / raw, offered);
            double pollsDone = (w.end().polls() - w.first().polls()) / w.seconds();
            double pollsOffered = fleet.jobCount / (Duration.parse(load.interval()).toMillis() / 1000.0);
            System.out.printf("offered load: %,.0f of %,.0f polls/s done (%.0f %%)%s%n", pollsDone, pollsOffered, 100 * pollsDone / pollsOffered,
                    pollsDone >= 0.95 * pollsOffered ? " — the offered load is the limit, not the poller: raise --entries to measure its capacity"
                            : "");
        }
    }

    /**
     * One fresh run per step of {@code steps} credentials; stops after the first whose p99 job lag exceeds one interval.
     * The baseline of each step is what it offered: the slots (polls) per minute of its jobs.
     */
    private static void sizeCredentials(Load load, List<Integer> steps, int warmup, int seconds) throws Exception {
        double interval = Duration.parse(load.interval()).toMillis() / 1000.0;
        System.out.printf("%nPoller sizing: credentials per poller, each with %d queues (%s of 100-queue jobs) every %s and its own budget"
                        + " of %d requests/min (the simulator's limit per token too); poller alone in a child JVM with -Xmx%s;"
                        + " %d s warm-up, %d s measured per step%n",
                load.queues(), load.entries() == 1 ? "one entry" : load.entries() + " entries", load.interval(), load.rpm(), load.xmx(),
                warmup, seconds);
        System.out.println("credentials | jobs | records/s | polls/min done / offered | skipped slots | 429s | job lag p50 / p99 / max s"
                + " | mean vendor request ms | load average");
        Integer kept = null;
        for (int n : steps) {
            Load step = new Load(n, load.queues(), load.entries(), load.interval(), load.rpm(), load.xmx(), load.connections(),
                    load.childJvm());
            Window w;
            boolean fatal;
            int jobs;
            try (Fleet fleet = new Fleet(step)) {
                w = fleet.measure(warmup, seconds);
                fatal = fleet.stop();
                jobs = fleet.jobCount;
            }
            double p99 = w.lag(0.99);
            System.out.printf("%d | %d | %,.0f | %,.0f / %,.0f | %d | %d | %.1f / %.1f / %.1f | %.0f | %s%s%n", n, jobs,
                    w.records() / w.seconds(), (w.end().polls() - w.first().polls()) * 60 / w.seconds(), jobs * 60 / interval,
                    w.end().skipped() - w.first().skipped(), w.end().throttled() - w.first().throttled(), w.lag(0.5), p99,
                    w.lag(1.0), w.end().requestMs(), loadAverage(), fatal ? " (THE POLLER FAILED)" : "");
            if (p99 > interval || fatal) {
                break;
            }
            kept = n;
        }
        System.out.println(kept == null ? "no step kept the p99 job lag within one interval (" + load.interval() + ")"
                : "largest number of credentials that kept the p99 job lag within one interval (" + load.interval() + "): " + kept);
    }

    private static String loadAverage() {
        try {
            return String.join(" ", java.util.Arrays.copyOf(Files.readString(Path.of("/proc/loadavg")).trim().split(" "), 3));
        } catch (java.io.IOException e) {
            return "n/a";
        }
    }

    /**
     * The embedded broker, registry, simulator (one Genesys client per credential) and token manager in this JVM, the
     * jobs planned onto {@code bench.poll-jobs}, and the poller child, ready. {@link #close()} stops all of it.
     */
    private static final class Fleet implements AutoCloseable {
        final List<Stats> stats = new CopyOnWriteArrayList<>();
        final List<String> output = new CopyOnWriteArrayList<>();
        private final Closer started = new Closer();
        Map<String, String> env;
        EmbeddedKafkaBroker broker;
        int jobCount;
        private Process child;

        Fleet(Load load) throws Exception {
            try {
                child = start(load);
            } catch (Exception | Error e) {
                close();
                throw e;
            }
            long readyBy = System.nanoTime() + Duration.ofSeconds(120).toNanos();
            while (output.stream().noneMatch(l -> l.startsWith("READY"))) {
                if (!child.isAlive() || System.nanoTime() > readyBy) {
                    close();
                    throw new IllegalStateException("the poller did not get ready:\n" + String.join("\n", output));
                }
                Thread.sleep(200);
            }
        }

        /** Starts everything but the wait for the child's READY; returns the child. */
        private Process start(Load load) throws Exception {
            byte[] key = new byte[TokenKeys.KEY_BYTES];
            new SecureRandom().nextBytes(key);
            env = new HashMap<>(Map.of("TOKEN_KEY", Base64.getEncoder().encodeToString(key), "GENESYS_SECRET", "bench-secret"));
            broker = started.add(EmbeddedKafkaBroker.start());
            EmbeddedSchemaRegistry registry = started.add(EmbeddedSchemaRegistry.start(broker.bootstrapServers()));
            SimulatorConfig.Builder simConfig = SimulatorConfig.builder().generatedQueues(Math.max(0, load.queues() - 5))
                    .maxRecordedRequests(0).genesys(g -> g.withRateLimitPerMinute(load.rpm()));
            for (int c = 1; c <= load.credentials(); c++) {
                simConfig.genesysClient(GenesysClient.of("bench-client-" + c, "bench-secret"));
            }
            VendorSimulator sim = started.add(VendorSimulator.start(simConfig.build()));
            String common = """
                    kafka:
                      bootstrapServers: %s
                      topicPrefix: bench
                      properties: {compression.type: none}
                    schemaRegistry: {url: "%s"}
                    encryption: {activeKeyId: k1, keys: {k1: "${env:TOKEN_KEY}"}}
                    """.formatted(broker.bootstrapServers(), registry.url());
            StringBuilder logins = new StringBuilder(common).append("ops: {port: -1}\ncredentials:\n");
            StringBuilder jobs = new StringBuilder(common).append("poller: {instanceId: bench-poller, jobPartitions: 12, planInterval: PT0S,"
                    + " ops: {port: -1}}\ncredentials:\n");
            StringBuilder childYaml = new StringBuilder(jobs);
            String ids = String.join(", ", sim.queueIds());
            for (int c = 1; c <= load.credentials(); c++) {
                logins.append("  - {id: genesys-bench-%d, provider: genesys-cloud, tokenUrl: \"%s/oauth/token\", apiBaseUrl: \"%s\", clientId: bench-client-%d, clientSecret: \"${env:GENESYS_SECRET}\"}\n"
                        .formatted(c, sim.genesysLoginUrl(), sim.genesysApiUrl(), c));
                String credential = """
                          - id: genesys-bench-%d
                            provider: genesys-cloud
                            poll:
                              requestsPerMinute: %d
                        """.formatted(c, load.rpm());
                // the poller itself needs no job definitions (planning is off): the jobs are on the topic
                childYaml.append(credential).append("      jobs: []\n");
                jobs.append(credential).append("      jobs:\n");
                for (int e = 1; e <= load.entries(); e++) {
                    jobs.append("        - {endpoint: genesys.queue-observations, name: live-").append(e).append(", interval: ")
                            .append(load.interval()).append(", batchSize: 100, queueIds: [").append(ids).append("]}\n");
                }
            }
            started.add(TokenManager.start(TokenManagerConfig.parse(logins.toString(), "tm.yaml", env).withInstanceId("bench-tm")));
            try (JobPlanner planner = JobPlanner.create(PollerConfig.parse(jobs.toString(), "jobs.yaml", env), null)) {
                JobPlan plan = planner.plan();
                planner.apply(plan);
                jobCount = plan.credentials().stream().mapToInt(c -> c.jobs().size()).sum();
            }
            Path yaml = Files.writeString(Files.createTempDirectory("poller-bench").resolve("poller.yaml"), childYaml);
            List<String> mainAndArgs = new ArrayList<>(load.childJvm());
            mainAndArgs.addAll(List.of(PollerBenchChild.class.getName(), yaml.toString(), load.connections()));
            return java(load.xmx(), mainAndArgs, env, stats, output);
        }

        /** Waits {@code warmup} seconds, then measures over {@code seconds}. */
        Window measure(int warmup, int seconds) throws InterruptedException {
            Thread.sleep(warmup * 1000L);
            Stats first = last(stats);
            String loadBefore = loadAverage();
            Duration cpu0 = child.info().totalCpuDuration().orElse(Duration.ZERO);
            long own0 = ownCpuNanos();
            Thread.sleep(seconds * 1000L);
            Stats end = last(stats);
            Duration cpu1 = child.info().totalCpuDuration().orElse(Duration.ZERO);
            long own1 = ownCpuNanos();
            return new Window(first, end, stats.stream().filter(s -> s.at() >= first.at() && s.at() <= end.at()).toList(),
                    cpu1.minus(cpu0), Duration.ofNanos(own1 - own0), loadBefore, loadAverage());
        }

        /** Heap in use in the child right after a full collection (its live set), or -1. */
        long liveHeap() throws Exception {
            child.getOutputStream().write("gc\n".getBytes(StandardCharsets.UTF_8));
            child.getOutputStream().flush();
            long liveBy = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (output.stream().noneMatch(l -> l.startsWith("LIVE ")) && System.nanoTime() < liveBy) {
                Thread.sleep(100);
            }
            return output.stream().filter(l -> l.startsWith("LIVE ")).mapToLong(l -> Long.parseLong(l.substring(5).trim()))
                    .findFirst().orElse(-1);
        }

        /** Stops the child gracefully; whether it reported a fatal failure or ran out of memory. */
        boolean stop() throws Exception {
            child.getOutputStream().close();
            child.waitFor();
            return output.stream().anyMatch(l -> l.startsWith("FATAL") || l.contains("OutOfMemoryError"));
        }

        @Override
        public void close() throws Exception {
            if (child != null && child.isAlive()) {
                child.destroyForcibly().waitFor();
            }
            started.close();
        }
    }

    /** CPU time of this JVM (the broker, registry, simulator and token manager), or 0. */
    private static long ownCpuNanos() {
        return java.lang.management.ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
                ? os.getProcessCpuTime() : 0;
    }

    private static Stats last(List<Stats> stats) {
        return stats.get(stats.size() - 1);
    }

    private static Process java(String xmx, List<String> mainAndArgs, Map<String, String> env, List<Stats> stats, List<String> output)
            throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx" + xmx,
                "-cp", System.getProperty("java.class.path")));
        cmd.addAll(mainAndArgs);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p = pb.start();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    Matcher m = STATS.matcher(line);
                    if (m.find()) {
                        stats.add(new Stats(Long.parseLong(m.group(1)), Long.parseLong(m.group(2)), Long.parseLong(m.group(3)),
                                Long.parseLong(m.group(4)), Long.parseLong(m.group(5)), Long.parseLong(m.group(6)),
                                Long.parseLong(m.group(7)), Long.parseLong(m.group(8)), Double.parseDouble(m.group(9)),
                                Double.parseDouble(m.group(10)), Long.parseLong(m.group(11)), m.group(12).isEmpty() ? new double[0]
                                : java.util.Arrays.stream(m.group(12).split(",")).mapToDouble(Double::parseDouble).toArray()));
                    } else {
                        output.add(line);
                        if (line.contains("ERROR") || line.startsWith("FATAL") || line.contains("records sent")) {
                            System.out.println("  | " + line);
                        }
                    }
                }
            } catch (Exception ignored) {
                // child gone
            }
        }, "child-output");
        reader.setDaemon(true);
        reader.start();
        return p;
    }

    /** Average key + value size of the first records on {@code topic}. */
    private static int averageRecordBytes(EmbeddedKafkaBroker broker, String topic) {
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

    /** Kafka's ProducerPerformance in a child JVM: records/s with the poller's producer settings, minus transactions. */
    private static double producerPerformance(EmbeddedKafkaBroker broker, long records, int recordBytes, String xmx,
                                              Map<String, String> env) throws Exception {
        String topic = "bench.raw-producer";
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(topic, Optional.of(12), Optional.empty()))).all().get();
        }
        List<String> output = new CopyOnWriteArrayList<>();
        Process p = java(xmx, List.of("org.apache.kafka.tools.ProducerPerformance", "--topic", topic, "--num-records",
                String.valueOf(records), "--record-size", String.valueOf(recordBytes), "--throughput", "-1", "--producer-props",
                "bootstrap.servers=" + broker.bootstrapServers(), "acks=all", "linger.ms=5", "batch.size=131072", "compression.type=none",
                "enable.idempotence=true"), env, new ArrayList<>(), output);
        p.waitFor();
        Thread.sleep(200);
        Pattern rate = Pattern.compile("records sent, ([0-9.]+) records/sec");
        for (int i = output.size() - 1; i >= 0; i--) {
            Matcher m = rate.matcher(output.get(i));
            if (m.find()) {
                return Double.parseDouble(m.group(1));
            }
        }
        throw new IllegalStateException("ProducerPerformance printed no result:\n" + String.join("\n", output));
    }
}
