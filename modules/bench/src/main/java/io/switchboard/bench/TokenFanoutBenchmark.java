package io.switchboard.bench;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import io.micrometer.core.instrument.Counter;
import io.switchboard.registry.server.EmbeddedSchemaRegistry;
import io.switchboard.simulator.SimulatorConfig;
import io.switchboard.simulator.SimulatorConfig.GenesysClient;
import io.switchboard.simulator.Vendor;
import io.switchboard.simulator.VendorSimulator;
import io.switchboard.testkit.EmbeddedKafkaBroker;
import io.switchboard.token.RefreshSettings;
import io.switchboard.token.TokenManager;
import io.switchboard.token.TokenManagerConfig;
import io.switchboard.token.TokenTable;
import io.switchboard.token.TokenTableConfig;
import io.switchboard.token.internal.RefreshPolicy;

/**
 * Load driver for the token fan-out: one token manager with N credentials (short lifetimes) on the
 * vendor simulator, and 1, 10, 50 "polling clients" (each its own {@link TokenTable}) that
 * <ul>
 *   <li>keep asking for refreshes of versions that are already replaced (stale 401s, must cause no login), and</li>
 *   <li>every few seconds all report the current version of one credential rejected at once (a 401 storm,
 *       must cause exactly one login however many clients ask).</li>
 * </ul>
 * Prints vendor logins per credential per refresh period (target: ~1, independent of the number of
 * clients), logins per storm (target: 1.0), and the time from a token being issued to it being in a
 * reader's table (p50/p99), next to the raw KafkaProducer-to-KafkaConsumer latency on the same broker.
 *
 * <pre>
 * ./mvnw -B -q -pl modules/bench exec:exec -Dbench.main=io.switchboard.bench.TokenFanoutBenchmark \
 *     -Dbench.args="--credentials 5 --lifetime 20 --seconds 45 --clients 1,10,50"
 * </pre>
 */
public final class TokenFanoutBenchmark {

    private TokenFanoutBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            opts.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        int credentials = Integer.parseInt(opts.getOrDefault("credentials", "5"));
        int lifetime = Integer.parseInt(opts.getOrDefault("lifetime", "20"));
        int seconds = Integer.parseInt(opts.getOrDefault("seconds", "45"));
        int staleRatePerClient = Integer.parseInt(opts.getOrDefault("stale-rate", "2"));
        int stormEvery = Integer.parseInt(opts.getOrDefault("storm-every", "5"));
        List<Integer> clientCounts = new ArrayList<>();
        for (String c : opts.getOrDefault("clients", "1,10,50").split(",")) {
            clientCounts.add(Integer.parseInt(c.trim()));
        }

        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start();
             EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start(broker.bootstrapServers())) {
            SimulatorConfig.Builder sb = SimulatorConfig.builder().allowShortLifetimes(true).maxRecordedRequests(0);
            for (int phase = 0; phase < clientCounts.size(); phase++) {
                for (int i = 0; i < credentials; i++) {
                    sb.genesysClient(GenesysClient.of(clientId(phase, i), "bench-secret-" + phase + "-" + i)
                            .withTokenLifetime(Duration.ofSeconds(lifetime)));
                }
            }
            try (VendorSimulator sim = VendorSimulator.start(sb.build())) {
                Latencies baseline = rawKafkaLatency(broker.bootstrapServers(), 2000);
                System.out.printf("%nToken fan-out: %d credentials, token lifetime %d s, %d s per run, "
                                + "stale requests %d/s per client, a 401 storm every %d s%n", credentials, lifetime, seconds,
                        staleRatePerClient, stormEvery);
                System.out.printf("baseline raw KafkaProducer->KafkaConsumer (acks=all, linger 0): p50 %.1f ms, p99 %.1f ms (%d records)%n",
                        baseline.p(50), baseline.p(99), baseline.size());
                System.out.println("clients | vendor logins | per credential per refresh period | storms | logins per storm"
                        + " | stale requests | issued->visible p50 / p99 ms | p50 vs raw Kafka");
                for (int phase = 0; phase < clientCounts.size(); phase++) {
                    runPhase(phase, clientCounts.get(phase), credentials, lifetime, seconds, staleRatePerClient, stormEvery,
                            broker, registry, sim, baseline);
                }
            }
        }
        System.exit(0);
    }

    private static String clientId(int phase, int i) {
        return "bench-" + phase + "-" + i;
    }

    private static void runPhase(int phase, int clients, int credentials, int lifetime, int seconds, int staleRate, int stormEvery,
                                 EmbeddedKafkaBroker broker, EmbeddedSchemaRegistry registry, VendorSimulator sim,
                                 Latencies baseline) throws Exception {
        String key = Base64.getEncoder().encodeToString(randomKey());
        Map<String, String> env = new HashMap<>();
        env.put("TOKEN_KEY", key);
        StringBuilder yaml = new StringBuilder("""
                kafka: {bootstrapServers: "%s", topicPrefix: "bench%d", requestPartitions: 6}
                schemaRegistry: {url: "%s"}
                encryption: {activeKeyId: k1, keys: {k1: "${env:TOKEN_KEY}"}}
                ops: {port: -1}
                credentials:
                """.formatted(broker.bootstrapServers(), phase, registry.url()));
        for (int i = 0; i < credentials; i++) {
            env.put("SECRET_" + i, "bench-secret-" + phase + "-" + i);
            yaml.append("""
                      - {id: "cred-%d", provider: genesys-cloud, tokenUrl: "%s/oauth/token", apiBaseUrl: "%s", clientId: "%s", clientSecret: "${env:SECRET_%d}"}
                    """.formatted(i, sim.genesysLoginUrl(), sim.genesysApiUrl(), clientId(phase, i), i));
        }
        TokenManagerConfig config = TokenManagerConfig.parse(yaml.toString(), "bench.yaml", env).withInstanceId("bench-tm-" + phase);
        Latencies visible = new Latencies();
        List<TokenTable> readers = new ArrayList<>();
        long stale = 0;
        int storms = 0;
        try (TokenManager manager = TokenManager.start(config)) {
            for (int c = 0; c < clients; c++) {
                TokenTable t = TokenTable.start(config.withInstanceId("poller-" + phase + "-" + c).tokenTableConfig());
                readers.add(t);
            }
            for (TokenTable t : readers) {
                if (!t.awaitReady(Duration.ofSeconds(60))) {
                    throw new IllegalStateException("a reader did not load the token table within 60 s");
                }
            }
            // first tokens of every credential before the clock starts
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (readers.get(0).credentialIds().size() < credentials && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            for (TokenTable t : readers) {
                t.addListener((id, view) -> visible.add(System.currentTimeMillis() - view.issuedAt().toEpochMilli()));
            }
            long loginsBefore = totalLogins(sim, phase, credentials);
            long start = System.nanoTime();
            long end = start + TimeUnit.SECONDS.toNanos(seconds);
            long nextStorm = start + TimeUnit.SECONDS.toNanos(stormEvery);
            long tickNanos = TimeUnit.MILLISECONDS.toNanos(1000L / Math.max(1, staleRate));
            long nextTick = start;
            ThreadLocalRandom rnd = ThreadLocalRandom.current();
            while (System.nanoTime() < end) {
                long now = System.nanoTime();
                if (now >= nextTick) {
                    nextTick += tickNanos;
                    for (TokenTable t : readers) {
                        String id = "cred-" + rnd.nextInt(credentials);
                        long current = t.current(id).map(v -> v.version()).orElse(1L);
                        if (current > 1) {
                            t.requestRefresh(id, rnd.nextLong(1, current), "stale 401 (benchmark)", 401);
                            stale++;
                        }
                    }
                }
                if (now >= nextStorm) {
                    nextStorm += TimeUnit.SECONDS.toNanos(stormEvery);
                    String id = "cred-" + rnd.nextInt(credentials);
                    long current = readers.get(0).current(id).map(v -> v.version()).orElse(1L);
                    for (TokenTable t : readers) {
                        t.requestRefresh(id, current, "401 storm (benchmark)", 401);
                    }
                    storms++;
                }
                Thread.sleep(5);
            }
            Thread.sleep(1000); // let the last requests be handled before counting
            long logins = totalLogins(sim, phase, credentials) - loginsBefore;
            double requestLogins = counter(manager, "login");
            // mean planned refresh interval of the default policy (u = 0.5: the mean of the jitter)
            double periodSeconds = new RefreshPolicy(RefreshSettings.defaults())
                    .refreshDelay(Duration.ofSeconds(lifetime), 0.5).toMillis() / 1000.0;
            double periods = credentials * (seconds / periodSeconds);
            double perPeriod = (logins - requestLogins) / periods;
            System.out.printf("%7d | %13d | %33.2f | %6d | %16.2f | %14d | %12.1f / %.1f | %.1fx%n", clients, logins, perPeriod,
                    storms, storms == 0 ? 0 : requestLogins / storms, stale, visible.p(50), visible.p(99),
                    visible.p(50) / Math.max(0.01, baseline.p(50)));
        } finally {
            readers.forEach(TokenTable::close);
        }
    }

    private static long totalLogins(VendorSimulator sim, int phase, int credentials) {
        long sum = 0;
        for (int i = 0; i < credentials; i++) {
            sum += sim.issuedTokenCount(Vendor.GENESYS, clientId(phase, i));
        }
        return sum;
    }

    private static double counter(TokenManager manager, String outcome) {
        return manager.meterRegistry().find("switchboard.token.refresh.requests").tag("outcome", outcome).counters().stream()
                .mapToDouble(Counter::count).sum();
    }

    /** Raw produce-to-consume latency of small records on the same broker, one at a time. */
    private static Latencies rawKafkaLatency(String bootstrap, int records) throws Exception {
        String topic = "bench-raw-latency";
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        Properties c = new Properties();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        Latencies out = new Latencies();
        try (var admin = org.apache.kafka.clients.admin.Admin.create(Map.<String, Object>of("bootstrap.servers", bootstrap))) {
            admin.createTopics(List.of(new org.apache.kafka.clients.admin.NewTopic(topic, 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
             KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            TopicPartition tp = new TopicPartition(topic, 0);
            consumer.assign(List.of(tp));
            consumer.seekToEnd(List.of(tp));
            consumer.position(tp);
            for (int i = 0; i < records; i++) {
                byte[] value = ByteBuffer.allocate(200).putLong(System.nanoTime()).array();
                producer.send(new ProducerRecord<>(topic, value));
                boolean got = false;
                while (!got) {
                    for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                        long sent = ByteBuffer.wrap(r.value()).getLong();
                        if (i >= records / 10) { // the first 10 % warm up
                            out.add((System.nanoTime() - sent) / 1_000_000.0);
                        }
                        got = true;
                    }
                }
            }
        }
        return out;
    }

    private static byte[] randomKey() {
        byte[] k = new byte[32];
        new java.security.SecureRandom().nextBytes(k);
        return k;
    }

    /** Latencies in milliseconds. Thread-safe. */
    static final class Latencies {
        private final List<Double> values = Collections.synchronizedList(new ArrayList<>());

        void add(double ms) {
            values.add(ms);
        }

        int size() {
            return values.size();
        }

        double p(int percentile) {
            List<Double> copy;
            synchronized (values) {
                copy = new ArrayList<>(values);
            }
            if (copy.isEmpty()) {
                return Double.NaN;
            }
            Collections.sort(copy);
            int idx = (int) Math.ceil(percentile / 100.0 * copy.size()) - 1;
            return copy.get(Math.max(0, Math.min(idx, copy.size() - 1)));
        }
    }
}
