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
 * <pre>
 * ./mvnw -B -q -pl modules/bench -am package exec:exec -DskipTests -Dbench.main=io.switchboard.bench.PollerBenchmark \
 *     -Dbench.args="--queues 10000 --entries 1 --warmup 20 --seconds 60"
 * </pre>
 */
public final class PollerBenchmark {

    private static final Pattern STATS = Pattern.compile("STATS (\\d+) records=(\\d+) polls=(\\d+) requests=(\\d+) skipped=(\\d+)"
            + " heapAfterGc=(\\d+) heapUsed=(\\d+) rss=(-?\\d+) maxLag=([0-9.]+) requestMs=([0-9.]+)");

    private PollerBenchmark() {
    }

    record Stats(long at, long records, long polls, long requests, long skipped, long heapAfterGc, long heapUsed, long rssKb,
                 double maxLag, double requestMs) {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            opts.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        int queues = Integer.parseInt(opts.getOrDefault("queues", "10000"));
        int entries = Integer.parseInt(opts.getOrDefault("entries", "1"));
        int warmup = Integer.parseInt(opts.getOrDefault("warmup", "20"));
        int seconds = Integer.parseInt(opts.getOrDefault("seconds", "60"));
        String interval = opts.getOrDefault("interval", "PT1S");
        String xmx = opts.getOrDefault("xmx", "256m");
        long rawRecords = Long.parseLong(opts.getOrDefault("raw-records", "1000000"));
        String connections = opts.getOrDefault("connections", "8");
        // --rpm N: the credential's request budget (and the simulator's Genesys limit per token), for sizing with the
        // rate limit on; 0 (default) = off, the throughput run
        int rpm = Integer.parseInt(opts.getOrDefault("rpm", "0"));

        Path dir = Files.createTempDirectory("poller-bench");
        byte[] key = new byte[TokenKeys.KEY_BYTES];
        new SecureRandom().nextBytes(key);
        Map<String, String> env = new HashMap<>(Map.of("TOKEN_KEY", Base64.getEncoder().encodeToString(key), "GENESYS_SECRET", "bench-secret"));

        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start();
             EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start(broker.bootstrapServers());
             VendorSimulator sim = VendorSimulator.start(SimulatorConfig.builder().generatedQueues(Math.max(0, queues - 5))
                     .maxRecordedRequests(0).genesys(g -> g.withRateLimitPerMinute(rpm))
                     .genesysClient(GenesysClient.of("bench-client", "bench-secret")).build())) {
            String common = """
                    kafka:
                      bootstrapServers: %s
                      topicPrefix: bench
                      properties: {compression.type: none}
                    schemaRegistry: {url: "%s"}
                    encryption: {activeKeyId: k1, keys: {k1: "${env:TOKEN_KEY}"}}
                    """.formatted(broker.bootstrapServers(), registry.url());
            TokenManagerConfig tm = TokenManagerConfig.parse(common + """
                    ops: {port: -1}
                    credentials:
                      - {id: genesys-bench, provider: genesys-cloud, tokenUrl: "%s/oauth/token", apiBaseUrl: "%s", clientId: bench-client, clientSecret: "${env:GENESYS_SECRET}"}
                    """.formatted(sim.genesysLoginUrl(), sim.genesysApiUrl()), "tm.yaml", env).withInstanceId("bench-tm");
            try (TokenManager manager = TokenManager.start(tm)) {
                String pollerSection = """
                        poller: {instanceId: bench-poller, jobPartitions: 12, planInterval: PT0S, ops: {port: -1}}
                        credentials:
                          - id: genesys-bench
                            provider: genesys-cloud
                            poll:
                              requestsPerMinute: %d
                              jobs:
                        """;
                pollerSection = pollerSection.formatted(rpm);
                StringBuilder jobs = new StringBuilder(common).append(pollerSection);
                String ids = String.join(", ", sim.queueIds());
                for (int e = 1; e <= entries; e++) {
                    jobs.append("        - {endpoint: genesys.queue-observations, name: live-").append(e).append(", interval: ")
                            .append(interval).append(", batchSize: 100, queueIds: [").append(ids).append("]}\n");
                }
                PollerConfig plannerConfig = PollerConfig.parse(jobs.toString(), "jobs.yaml", env);
                int jobCount;
                try (JobPlanner planner = JobPlanner.create(plannerConfig, null)) {
                    JobPlan plan = planner.plan();
                    planner.apply(plan);
                    jobCount = plan.credentials().get(0).jobs().size();
                }
                // the poller itself needs no job definitions (planning is off): the jobs are on the topic
                Path childYaml = Files.writeString(dir.resolve("poller.yaml"), common + pollerSection.replace("jobs:\n", "jobs: []\n"));

                List<Stats> stats = new CopyOnWriteArrayList<>();
                List<String> output = new CopyOnWriteArrayList<>();
                Process child = java(xmx, List.of(PollerBenchChild.class.getName(), childYaml.toString(), connections), env, stats, output);
                long readyBy = System.nanoTime() + Duration.ofSeconds(120).toNanos();
                while (output.stream().noneMatch(l -> l.startsWith("READY"))) {
                    if (!child.isAlive() || System.nanoTime() > readyBy) {
                        throw new IllegalStateException("the poller did not get ready:\n" + String.join("\n", output));
                    }
                    Thread.sleep(200);
                }
                Thread.sleep(warmup * 1000L);
                Stats first = last(stats);
                Duration cpu0 = child.info().totalCpuDuration().orElse(Duration.ZERO);
                Thread.sleep(seconds * 1000L);
                Stats end = last(stats);
                Duration cpu1 = child.info().totalCpuDuration().orElse(Duration.ZERO);
                long maxRss = stats.stream().mapToLong(Stats::rssKb).max().orElse(-1);
                long maxHeapAfterGc = stats.stream().mapToLong(Stats::heapAfterGc).max().orElse(-1);
                long maxHeapUsed = stats.stream().mapToLong(Stats::heapUsed).max().orElse(-1);
                double maxLag = stats.stream().filter(s -> s.at() >= first.at()).mapToDouble(Stats::maxLag).max().orElse(0);
                double requestMs = end.requestMs();
                child.getOutputStream().write("gc\n".getBytes(StandardCharsets.UTF_8));
                child.getOutputStream().flush();
                long liveBy = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (output.stream().noneMatch(l -> l.startsWith("LIVE ")) && System.nanoTime() < liveBy) {
                    Thread.sleep(100);
                }
                long live = output.stream().filter(l -> l.startsWith("LIVE ")).mapToLong(l -> Long.parseLong(l.substring(5).trim()))
                        .findFirst().orElse(-1);
                child.getOutputStream().close(); // graceful shutdown
                child.waitFor();
                boolean fatal = output.stream().anyMatch(l -> l.startsWith("FATAL") || l.contains("OutOfMemoryError"));

                double window = (end.at() - first.at()) / 1000.0;
                long records = end.records() - first.records();
                double rate = records / window;
                double requestsPerRecord = (double) (end.requests() - first.requests()) / Math.max(1, records);
                double cpuPer1000 = (cpu1.minus(cpu0).toMillis() / 1000.0) / Math.max(1, records) * 1000;
                int recordBytes = averageRecordBytes(broker, new Topics("bench").queueStats());

                double raw = producerPerformance(broker, rawRecords, recordBytes, xmx, env);
                long offered = (long) entries * queues;
                System.out.printf("%nPoller benchmark: %d queues, %d poll entr%s of %s (%d jobs of up to 100 queues), vendor budget %s,"
                                + " %s HTTP connections per host, poller alone in a child JVM with -Xmx%s; %d s warm-up, %.1f s measured%n",
                        queues, entries, entries == 1 ? "y" : "ies", interval, jobCount, rpm == 0 ? "off" : rpm + " requests/min", connections, xmx,
                        warmup, window);
                System.out.printf("poller: %,.0f QueueStat records/s committed (%,d records, %,d polls), %.4f vendor requests per record,"
                                + " %.3f CPU s per 1,000 records, skipped slots %d, max job lag %.1f s%s%n",
                        rate, records, end.polls() - first.polls(), requestsPerRecord, cpuPer1000, end.skipped() - first.skipped(), maxLag,
                        fatal ? " (THE POLLER FAILED)" : "");
                System.out.printf("memory: live heap after a full GC at the end %.1f MB; heap in use max %.1f MB, after-GC pool usage max %.1f MB;"
                        + " RSS max %.1f MB (-Xmx%s); mean vendor request %.1f ms%n",
                        live / 1e6, maxHeapUsed / 1e6, maxHeapAfterGc / 1e6, maxRss / 1024.0, xmx, requestMs);
                System.out.printf("baseline: ProducerPerformance %,.0f records/s with %d-byte records (the poller's average key + value)%n",
                        raw, recordBytes);
                System.out.printf("ratio poller / raw producer: %.2f  (offered: %,d queue observations per interval)%n", rate / raw, offered);
            }
        }
        System.exit(0);
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
                                Double.parseDouble(m.group(10))));
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
