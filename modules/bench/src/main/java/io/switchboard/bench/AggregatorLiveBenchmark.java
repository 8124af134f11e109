package io.switchboard.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import io.switchboard.aggregate.Aggregator;
import io.switchboard.aggregate.AggregatorConfig;
import io.switchboard.events.poll.QueueStat;
import io.switchboard.registry.serde.AvroSerdes;
import io.switchboard.registry.server.EmbeddedSchemaRegistry;
import io.switchboard.testkit.EmbeddedKafkaBroker;
import io.vertx.core.json.JsonObject;

/**
 * Live aggregator under a poller-like transactional writer: a small, fast reproduction of the
 * end-to-end finding "the aggregator folds far fewer records per second while pollers write than when
 * they stop". In one JVM: the test kit's broker, the embedded schema registry, a full {@link Aggregator}
 * (exactly-once v2, its query API) and a transactional producer writing QueueStat records for Q queues at
 * a fixed rate, committing a transaction every {@code --txn} (like a poller). Every second it prints the
 * records committed and folded in that second, the aggregator's lag, and produce → visible latency of a
 * probe queue (one probe record per transaction, time from its commit until {@code GET /api/queues/{id}}
 * shows its {@code pollSequence}); after {@code --seconds} the writer stops and {@code --drain} seconds
 * show the catch-up rate.
 *
 * <pre>
 * ./mvnw -B -q -pl modules/bench -am package exec:exec -DskipTests \
 *     -Dbench.main=io.switchboard.bench.AggregatorLiveBenchmark \
 *     -Dbench.args="--rate 5000 --queues 10000 --seconds 30 --drain 15 --txn 1000"
 * </pre>
 * Options: {@code --streams k=v,k=v} (into {@code aggregator.streams.properties}), {@code --broker k=v,k=v}
 * (broker overrides), {@code --commit-interval 100ms}, {@code --transactional false} (plain idempotent writer).
 */
public final class AggregatorLiveBenchmark {

    private AggregatorLiveBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            opts.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        int rate = Integer.parseInt(opts.getOrDefault("rate", "5000"));
        int queues = Integer.parseInt(opts.getOrDefault("queues", "10000"));
        int seconds = Integer.parseInt(opts.getOrDefault("seconds", "30"));
        int drain = Integer.parseInt(opts.getOrDefault("drain", "15"));
        long txnMs = Long.parseLong(opts.getOrDefault("txn", "1000"));
        boolean transactional = Boolean.parseBoolean(opts.getOrDefault("transactional", "true"));
        Path work = Files.createTempDirectory("aggregator-live-bench");

        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(pairs(opts.getOrDefault("broker", "")));
             EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start(broker.bootstrapServers())) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("aggregator.applicationId", "live-aggregator");
            m.put("aggregator.instanceId", "live");
            m.put("kafka.bootstrapServers", broker.bootstrapServers());
            m.put("kafka.topicPrefix", "live");
            m.put("schemaRegistry.url", registry.url());
            m.put("aggregator.streams.stateDir", work.resolve("agg").toString());
            m.put("aggregator.streams.threads", "1");
            m.put("aggregator.streams.standbyReplicas", "0");
            m.put("aggregator.streams.commitInterval", opts.getOrDefault("commit-interval", "100ms"));
            m.put("aggregator.http.port", "0");
            m.put("aggregator.ops.port", "-1");
            m.put("aggregator.alerts", Map.of("rules", List.of(Map.of("name", "busy", "kind", "waiting-above", "threshold", "15"))));
            Map<String, String> streamsProps = pairs(opts.getOrDefault("streams", ""));
            if (!streamsProps.isEmpty()) {
                m.put("aggregator.streams.properties", new LinkedHashMap<>(streamsProps));
            }
            System.out.printf("writer: %,d records/s for %,d queues, %s, a transaction every %d ms; aggregator commit %s, streams %s,"
                            + " broker %s%n", rate, queues, transactional ? "transactional" : "idempotent", txnMs,
                    m.get("aggregator.streams.commitInterval"), streamsProps, opts.getOrDefault("broker", "{}"));
            try (Aggregator agg = Aggregator.start(AggregatorConfig.fromMap(m))) {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
                while (!agg.isReady()) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("aggregator not ready: " + agg.notReadyReason());
                    }
                    Thread.sleep(100);
                }
                String topic = "live.queue-stats";
                AtomicBoolean writing = new AtomicBoolean(true);
                AtomicLong committed = new AtomicLong();
                Map<Long, Long> probeCommittedAt = new ConcurrentHashMap<>();
                Thread writer = new Thread(() -> write(broker, registry.url(), topic, rate, queues, txnMs, transactional, writing, committed,
                        probeCommittedAt), "live-writer");
                writer.setDaemon(true);
                writer.start();

                HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
                URI probe = URI.create("http://127.0.0.1:" + agg.httpPort() + "/api/queues/probe/p-0");
                List<Long> latencies = new ArrayList<>();
                List<Double> liveRates = new ArrayList<>();
                List<Double> drainRates = new ArrayList<>();
                long lastSeen = -1;
                long t0 = System.nanoTime();
                long nextTick = t0 + TimeUnit.SECONDS.toNanos(1);
                double lastProcessed = agg.metrics().processedCount();
                long lastCommitted = 0;
                int second = 0;
                List<Long> secondLatencies = new ArrayList<>();
                while (second < seconds + drain) {
                    try {
                        HttpResponse<String> r = http.send(HttpRequest.newBuilder(probe).timeout(Duration.ofSeconds(5)).build(),
                                HttpResponse.BodyHandlers.ofString());
                        if (r.statusCode() == 200) {
                            long seq = new JsonObject(r.body()).getJsonObject("data").getLong("pollSequence");
                            if (seq != lastSeen) {
                                Long at = probeCommittedAt.get(seq);
                                if (at != null && second < seconds) {
                                    long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - at);
                                    latencies.add(ms);
                                    secondLatencies.add(ms);
                                }
                                lastSeen = seq;
                            }
                        }
                    } catch (java.io.IOException e) {
                        // a slow answer on a loaded machine; the next loop asks again
                    }
                    Thread.sleep(20);
                    long now = System.nanoTime();
                    if (now >= nextTick) {
                        second++;
                        nextTick += TimeUnit.SECONDS.toNanos(1);
                        if (second == seconds) {
                            writing.set(false);
                        }
                        double processed = agg.metrics().processedCount();
                        long c = committed.get();
                        double folded = processed - lastProcessed;
                        if (second <= seconds) {
                            liveRates.add(folded);
                        } else {
                            drainRates.add(folded);
                        }
                        System.out.printf("t=%3ds %s committed %,6d/s folded %,6.0f/s lag %,8.0f visible-latency max %s ms load %s%n", second,
                                second <= seconds ? "live " : "drain", c - lastCommitted, folded, c - processed,
                                secondLatencies.isEmpty() ? "-" : String.valueOf(secondLatencies.stream().max(Comparator.naturalOrder()).get()),
                                loadAverage());
                        secondLatencies.clear();
                        lastProcessed = processed;
                        lastCommitted = c;
                    }
                }
                writer.join(10_000);
                List<Double> steady = liveRates.subList(Math.min(liveRates.size(), 10), liveRates.size());
                System.out.printf("%nLIVE (seconds 11..%d) folded median %,.0f records/s (writer %,d/s); DRAIN median %,.0f records/s;"
                                + " probe produce(commit) -> visible p50 %.0f ms, p99 %.0f ms, max %.0f ms (%d samples); load %s%n", seconds,
                        median(steady), rate, median(drainRates), pct(latencies, 50), pct(latencies, 99), pct(latencies, 100),
                        latencies.size(), loadAverage());
            }
        } finally {
            deleteTree(work);
        }
    }

    private static void write(EmbeddedKafkaBroker broker, String registryUrl, String topic, int rate, int queues, long txnMs,
                              boolean transactional, AtomicBoolean writing, AtomicLong committed, Map<Long, Long> probeCommittedAt) {
        var serializer = AvroSerdes.specific(QueueStat.class, Map.of("schema.registry.url", registryUrl), false).serializer();
        Properties p = broker.clientProperties();
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, "131072");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        if (transactional) {
            p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "live-writer");
        }
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer())) {
            if (transactional) {
                producer.initTransactions();
            }
            long perTxn = Math.max(1, rate * txnMs / 1000);
            long sequence = 0;
            long txn = 0;
            long next = System.nanoTime();
            while (writing.get()) {
                if (transactional) {
                    producer.beginTransaction();
                }
                long start = System.nanoTime();
                for (long i = 0; i < perTxn; i++) {
                    int q = (int) (sequence % queues);
                    long step = sequence / queues;
                    Instant now = Instant.now();
                    QueueStat stat = QueueStat.newBuilder().setCredentialId("tenant-" + (q % 12)).setProvider("genesys-cloud")
                            .setJobId("job-" + (q % 12)).setPollSequence(step).setQueueId("q-" + q).setQueueName("Queue " + q)
                            .setObservedAt(now).setPolledAt(now).setMediaType(step % 2 == 0 ? "voice" : "chat")
                            .setWaiting((long) ((q + step) % 20)).setInteracting(3L).setLongestWaitingMs(1_000L * ((q * 7 + step) % 180))
                            .setAgentsOnQueue(6L).setAgentsAvailable((long) ((q + step) % 4)).setAgentsLoggedIn(8L).build();
                    producer.send(new ProducerRecord<>(topic, stat.getCredentialId() + "/" + stat.getQueueId(), serializer.serialize(topic, stat)));
                    sequence++;
                    // spread the transaction's records over its duration, like a poller's requests
                    long due = start + (i + 1) * TimeUnit.MILLISECONDS.toNanos(txnMs) / perTxn;
                    long wait = due - System.nanoTime();
                    if (wait > 1_000_000) {
                        Thread.sleep(wait / 1_000_000);
                    }
                }
                txn++;
                Instant now = Instant.now();
                QueueStat probe = QueueStat.newBuilder().setCredentialId("probe").setProvider("genesys-cloud").setJobId("probe")
                        .setPollSequence(txn).setQueueId("p-0").setObservedAt(now).setPolledAt(now).setMediaType("voice")
                        .setWaiting(txn % 7).build();
                producer.send(new ProducerRecord<>(topic, "probe/p-0", serializer.serialize(topic, probe)));
                if (transactional) {
                    producer.commitTransaction();
                } else {
                    producer.flush();
                }
                probeCommittedAt.put(txn, System.nanoTime());
                committed.addAndGet(perTxn + 1);
                next += TimeUnit.MILLISECONDS.toNanos(txnMs);
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    Thread.sleep(TimeUnit.NANOSECONDS.toMillis(wait));
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            System.out.println("writer failed: " + e);
        }
    }

    private static Map<String, String> pairs(String spec) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String kv : spec.split(",")) {
            if (!kv.isBlank()) {
                int eq = kv.indexOf('=');
                m.put(kv.substring(0, eq).trim(), kv.substring(eq + 1).trim());
            }
        }
        return m;
    }

    private static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return f[0];
        } catch (java.io.IOException e) {
            return "?";
        }
    }

    private static double median(List<Double> xs) {
        if (xs.isEmpty()) {
            return Double.NaN;
        }
        List<Double> s = new ArrayList<>(xs);
        s.sort(null);
        return s.get(s.size() / 2);
    }

    private static double pct(List<Long> xs, int p) {
        if (xs.isEmpty()) {
            return Double.NaN;
        }
        List<Long> s = new ArrayList<>(xs);
        s.sort(null);
        return s.get(Math.min(s.size() - 1, (int) Math.ceil(p / 100.0 * s.size()) - 1));
    }

    private static void deleteTree(Path root) {
        try (var paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (java.io.IOException e) {
            // temp dir; best effort
        }
    }
}
