package io.switchboard.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Produced;

import io.switchboard.aggregate.Aggregator;
import io.switchboard.aggregate.AggregatorConfig;
import io.switchboard.aggregate.AggregatorTopology;
import io.switchboard.aggregate.internal.AggregatorMetrics;
import io.switchboard.registry.serde.DeadLetterDeserializationExceptionHandler;
import io.switchboard.registry.serde.DeadLetterListener;
import io.switchboard.registry.serde.DeadLetterProcessingExceptionHandler;
import io.switchboard.events.aggregate.QueueSnapshot;
import io.switchboard.events.poll.QueueStat;
import io.switchboard.registry.serde.AvroSerdes;
import io.switchboard.registry.server.EmbeddedSchemaRegistry;
import io.switchboard.testkit.EmbeddedKafkaBroker;
import io.vertx.core.json.JsonObject;

/**
 * Load driver for the aggregator, on an in-process broker and the embedded schema registry:
 * <ol>
 *   <li><b>Throughput</b>: N QueueStat records for Q queues (point-in-time observations every 10 s of
 *       vendor time, one in ten an interval record) are produced once; then the aggregator topology
 *       ({@code buildTopology}, exactly-once v2, the runtime's Streams settings) and, in the same run
 *       on the same input, a bare re-key + {@code count()} topology (exactly-once v2, byte serdes)
 *       each consume all of it. Rate = records between 10 % and 90 % of progress over that time
 *       (committed offsets), so start-up is left out. Ratio = aggregator / baseline (target &gt;= 0.4).</li>
 *   <li><b>State size</b>: bytes of the aggregator's state directory after the run (stores flushed and
 *       closed), scaled to 10,000 queues, with the RocksDB key estimate per store.</li>
 *   <li><b>Latency</b>: a full {@link Aggregator} (API, live feed) with the default commit interval (500 ms since 2026-12-02 12:00, 1 s before; {@code --latency-commit-interval 100ms} for another); one
 *       record at a time, time from the producer's acknowledgement to the new snapshot being visible
 *       through {@code GET /api/queues/{id}} and on the snapshot topic (read_committed), p50 / p99.</li>
 * </ol>
 *
 * <pre>
 * ./mvnw -B -q -pl modules/bench -am package exec:exec -DskipTests \
 *     -Dbench.main=io.switchboard.bench.AggregatorBenchmark \
 *     -Dbench.args="--records 200000 --queues 10000 --partitions 6 --threads 1 --latency-samples 300 --baseline-key queue"
 * </pre>
 */
public final class AggregatorBenchmark {

    private static final Instant T0 = Instant.now().truncatedTo(ChronoUnit.HOURS).minus(Duration.ofHours(1));

    private AggregatorBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            opts.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        int records = Integer.parseInt(opts.getOrDefault("records", "200000"));
        int queues = Integer.parseInt(opts.getOrDefault("queues", "10000"));
        int partitions = Integer.parseInt(opts.getOrDefault("partitions", "6"));
        int threads = Integer.parseInt(opts.getOrDefault("threads", "1"));
        int latencySamples = Integer.parseInt(opts.getOrDefault("latency-samples", "300"));
        boolean baselineFirst = Boolean.parseBoolean(opts.getOrDefault("baseline-first", "true"));
        String baselineKey = opts.getOrDefault("baseline-key", "queue");
        // commit.interval.ms of both topologies in the throughput part: the aggregator's default (500 ms) unless told
        // (100 ms: the figures before 2026-12-02 14:00)
        commitIntervalMs = Long.parseLong(opts.getOrDefault("commit-interval-ms",
                String.valueOf(AggregatorConfig.COMMIT_INTERVAL.defaultValue().toMillis())));
        // poll (default): each queue's poll as the Genesys pollers write it, one record per media type (voice, chat) and the
        // all-media one, side by side; alternating: one record per queue and step, voice and chat by turns (before 2026-12-02 14:00)
        shape = opts.getOrDefault("shape", "poll");
        if (!shape.equals("poll") && !shape.equals("alternating")) {
            throw new IllegalArgumentException("--shape must be poll or alternating, not " + shape);
        }
        // rounds run first and not counted: the JIT compiles both topologies' paths in them
        int warmupRounds = Integer.parseInt(opts.getOrDefault("warmup-rounds", "1"));
        // extra Streams properties for the aggregator topology only, k=v,k=v (e.g. statestore.cache.max.bytes=0)
        for (String kv : opts.getOrDefault("streams", "").split(",")) {
            if (!kv.isBlank()) {
                AGGREGATOR_STREAMS.put(kv.substring(0, kv.indexOf('=')).trim(), kv.substring(kv.indexOf('=') + 1).trim());
            }
        }
        Path work = Files.createTempDirectory("aggregator-bench");

        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start();
             EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start(broker.bootstrapServers())) {
            String input = "bench.queue-stats";
            broker.createTopic(input, partitions, Map.of());
            broker.createTopic("bench.baseline-counts", partitions, Map.of());
            System.out.printf("input: %,d records for %,d queues on %d partitions (%s shape); %d stream thread(s); exactly-once v2,"
                    + " commit interval %d ms; %d warm-up round(s)%n", records, queues, partitions, shape, threads, commitIntervalMs, warmupRounds);
            long bytes = produce(broker, registry.url(), input, records, queues);
            System.out.printf("produced %,d records (%,d bytes of values)%n", records, bytes);

            int rounds = Integer.parseInt(opts.getOrDefault("rounds", "2"));
            Map<String, Object> section = section(broker, registry.url(), "bench", work.resolve("agg-state"), threads);
            // outputs with as many partitions as the input, like the baseline's repartition and output topics
            section.put("aggregator.outputPartitions", String.valueOf(partitions));
            List<Double> baselines = new ArrayList<>();
            List<Double> aggregators = new ArrayList<>();
            for (int round = 1 - warmupRounds; round <= rounds; round++) {
                if (round == 1 && warmupRounds > 0) {
                    System.out.printf("(%d warm-up round(s) done, not counted)%n", warmupRounds);
                    baselines.clear();
                    aggregators.clear();
                    CPU_US_PER_RECORD.clear();
                    STREAM_THREAD_US_PER_RECORD.clear();
                }
                // alternate the order, so a change of machine load hits both about equally
                boolean baselineNow = baselineFirst == (Math.floorMod(round, 2) == 1);
                for (int step = 0; step < 2; step++) {
                    if (baselineNow) {
                        baselines.add(runBaseline(broker, input, records, threads, work.resolve("baseline-state-r" + round), baselineKey,
                                "r" + round));
                    } else {
                        Map<String, Object> s = new LinkedHashMap<>(section);
                        s.put("aggregator.applicationId", "bench-aggregator-r" + round);
                        s.put("aggregator.streams.stateDir", work.resolve("agg-state-r" + round).toString());
                        aggregators.add(runAggregatorTopology(broker, s, input, records));
                    }
                    baselineNow = !baselineNow;
                }
            }
            for (int r = 0; r < rounds; r++) {
                System.out.printf("round %d: aggregator %,.0f records/s, baseline %,.0f records/s, ratio %.2f%n", r + 1, aggregators.get(r),
                        baselines.get(r), aggregators.get(r) / baselines.get(r));
            }
            double aggregator = median(aggregators);
            double baseline = median(baselines);
            System.out.printf("%nTHROUGHPUT (median of %d rounds) aggregator %,.0f records/s, re-key (by %s) + count() %,.0f records/s,"
                    + " ratio %.2f (target >= 0.4)%n", rounds, aggregator, baselineKey, baseline, aggregator / baseline);

            // CPU time of the whole JVM (stream threads, producers, the in-process broker) per record over the same
            // 10%..90% span: less at the mercy of other processes on the machine than records/s
            double aggCpu = median(CPU_US_PER_RECORD.get("aggregator"));
            double baseCpu = median(CPU_US_PER_RECORD.get("baseline"));
            System.out.printf("CPU (median of %d rounds, whole JVM incl. broker) aggregator %.1f µs per record %s, baseline %.1f µs per record %s,"
                    + " ratio baseline/aggregator %.2f%n", rounds, aggCpu, CPU_US_PER_RECORD.get("aggregator"), baseCpu,
                    CPU_US_PER_RECORD.get("baseline"), baseCpu / aggCpu);
            System.out.printf("CPU (median of %d rounds, stream threads only) aggregator %.1f µs per record %s, baseline %.1f µs per record %s,"
                    + " ratio baseline/aggregator %.2f%n", rounds, median(STREAM_THREAD_US_PER_RECORD.get("aggregator")),
                    STREAM_THREAD_US_PER_RECORD.get("aggregator"), median(STREAM_THREAD_US_PER_RECORD.get("baseline")),
                    STREAM_THREAD_US_PER_RECORD.get("baseline"),
                    median(STREAM_THREAD_US_PER_RECORD.get("baseline")) / median(STREAM_THREAD_US_PER_RECORD.get("aggregator")));

            long stateBytes = directorySize(work.resolve("agg-state-r" + rounds));
            System.out.printf("STATE aggregator state dir after the run: %,d bytes for %,d queues = %.1f MB per 10,000 queues%n",
                    stateBytes, queues, stateBytes / 1e6 * 10_000 / queues);

            if (latencySamples > 0) {
                latency(broker, registry.url(), work, threads, latencySamples, opts.get("latency-commit-interval"));
            }
        } finally {
            deleteTree(work);
        }
    }

    private static Map<String, Object> section(EmbeddedKafkaBroker broker, String registryUrl, String prefix, Path stateDir, int threads) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("aggregator.applicationId", prefix + "-aggregator");
        m.put("aggregator.instanceId", prefix);
        m.put("kafka.bootstrapServers", broker.bootstrapServers());
        m.put("kafka.topicPrefix", prefix);
        m.put("schemaRegistry.url", registryUrl);
        m.put("aggregator.streams.stateDir", stateDir.toString());
        m.put("aggregator.streams.threads", String.valueOf(threads));
        m.put("aggregator.streams.standbyReplicas", "0");
        m.put("aggregator.http.port", "0");
        m.put("aggregator.ops.port", "-1");
        m.put("aggregator.alerts", Map.of("rules", List.of(
                Map.of("name", "busy", "kind", "waiting-above", "threshold", "15"),
                Map.of("name", "long-wait", "kind", "longest-wait-above", "threshold", "2m"))));
        return m;
    }

    /** Observations every 10 s of vendor time per queue (voice and chat alternating), every tenth record an interval. */
    private static long produce(EmbeddedKafkaBroker broker, String registryUrl, String topic, int records, int queues) throws Exception {
        var serializer = AvroSerdes.specific(QueueStat.class, Map.of("schema.registry.url", registryUrl), false).serializer();
        Properties p = broker.clientProperties();
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, "131072");
        long bytes = 0;
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer())) {
            int sent = 0;
            for (int step = 0; sent < records; step++) {
                for (int q = 0; q < queues && sent < records; q++) {
                    List<QueueStat> poll = shape.equals("poll") ? poll(q, step) : List.of(record(q, step, step * queues + q));
                    for (int k = 0; k < poll.size() && sent < records; k++, sent++) {
                        QueueStat stat = poll.get(k);
                        byte[] value = serializer.serialize(topic, stat);
                        bytes += value.length;
                        producer.send(new ProducerRecord<>(topic, stat.getCredentialId() + "/" + stat.getQueueId(), value));
                    }
                }
            }
            producer.flush();
        }
        return bytes;
    }

    /**
     * One poll of queue {@code q} at {@code step} (10 s of vendor time apart) as a Genesys poller writes it: a record
     * per media type (voice, chat) and the all-media one (agents), the same observation time; once a minute also the
     * last minute's interval record.
     */
    private static List<QueueStat> poll(int q, int step) {
        Instant observed = T0.plusSeconds(10L * step);
        List<QueueStat> out = new ArrayList<>(4);
        long voice = (q + step) % 12;
        long chat = (q * 3 + step) % 8;
        long longestVoice = 1_000L * ((q * 7 + step) % 180);
        long longestChat = 1_000L * ((q * 5 + step) % 90);
        out.add(observation(q, step, observed, "voice").setWaiting(voice).setInteracting(2L).setLongestWaitingMs(longestVoice).build());
        out.add(observation(q, step, observed, "chat").setWaiting(chat).setInteracting(1L).setLongestWaitingMs(longestChat).build());
        out.add(observation(q, step, observed, null).setWaiting(voice + chat).setInteracting(3L)
                .setLongestWaitingMs(Math.max(longestVoice, longestChat)).setAgentsOnQueue(6L).setAgentsAvailable((long) ((q + step) % 4))
                .setAgentsLoggedIn(8L).build());
        if (step % 6 == 5) {
            Instant start = observed.truncatedTo(ChronoUnit.MINUTES);
            out.add(observation(q, step, start.plusSeconds(60), "voice").setIntervalStart(start).setIntervalEnd(start.plusSeconds(60))
                    .setOffered(10L + step % 5).setAnswered(9L).setAbandoned(1L).setHandleTimeSumMs(9 * 240_000L).setHandleTimeCount(9L)
                    .setWaitTimeSumMs(9 * 15_000L).setWaitTimeCount(9L).setServiceLevelNumerator(8L).setServiceLevelDenominator(10L).build());
        }
        return out;
    }

    private static QueueStat.Builder observation(int q, int step, Instant observed, String mediaType) {
        return QueueStat.newBuilder().setCredentialId("tenant-" + (q % 20)).setProvider("genesys-cloud").setJobId("job-" + (q % 20))
                .setPollSequence(step).setQueueId("q-" + q).setQueueName("Queue " + q).setPolledAt(observed.plusMillis(300))
                .setMediaType(mediaType).setObservedAt(observed);
    }

    private static QueueStat record(int q, int step, int i) {
        Instant observed = T0.plusSeconds(10L * step);
        QueueStat.Builder b = QueueStat.newBuilder().setCredentialId("tenant-" + (q % 20)).setProvider("genesys-cloud")
                .setJobId("job-" + (q % 20)).setPollSequence(step).setQueueId("q-" + q).setQueueName("Queue " + q)
                .setPolledAt(observed.plusMillis(300));
        if (i % 10 == 9) {
            Instant start = observed.truncatedTo(ChronoUnit.MINUTES);
            return b.setMediaType("voice").setObservedAt(start.plusSeconds(60)).setIntervalStart(start).setIntervalEnd(start.plusSeconds(60))
                    .setOffered(10L + step % 5).setAnswered(9L).setAbandoned(1L).setHandleTimeSumMs(9 * 240_000L).setHandleTimeCount(9L)
                    .setWaitTimeSumMs(9 * 15_000L).setWaitTimeCount(9L).setServiceLevelNumerator(8L).setServiceLevelDenominator(10L).build();
        }
        return b.setMediaType(step % 2 == 0 ? "voice" : "chat").setObservedAt(observed).setWaiting((long) ((q + step) % 20))
                .setInteracting(3L).setLongestWaitingMs(1_000L * ((q * 7 + step) % 180)).setAgentsOnQueue(6L)
                .setAgentsAvailable((long) ((q + step) % 4)).setAgentsLoggedIn(8L).build();
    }

    private static Properties streamsProps(EmbeddedKafkaBroker broker, String appId, Path stateDir, int threads) {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, appId);
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, threads);
        props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, commitIntervalMs);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        return props;
    }

    /**
     * Re-key (a repartition) and count: Kafka Streams' own cost for a keyed aggregation. {@code queue}
     * (default) re-keys by queue id, as many keys as the aggregator's queues; {@code tenant} by credential
     * id (20 keys, so the record cache folds most updates away).
     */
    private static double runBaseline(EmbeddedKafkaBroker broker, String input, int records, int threads, Path stateDir, String key,
                                      String round) throws Exception {
        StreamsBuilder b = new StreamsBuilder();
        b.stream(input, Consumed.with(Serdes.String(), Serdes.ByteArray()))
                .selectKey((k, v) -> key.equals("tenant") ? k.substring(0, k.indexOf('/')) : k.substring(k.indexOf('/') + 1))
                .groupByKey(Grouped.with("by-tenant", Serdes.String(), Serdes.ByteArray()))
                .count(Materialized.as("counts"))
                .toStream()
                .to("bench.baseline-counts", Produced.with(Serdes.String(), Serdes.Long()));
        // (the repartition and count topics are per application id, so every round starts empty)
        return run("re-key (by " + key + ") + count()", broker, b.build(), streamsProps(broker, "bench-baseline-" + key + "-" + round, stateDir, threads),
                input, records);
    }

    private static double runAggregatorTopology(EmbeddedKafkaBroker broker, Map<String, Object> section, String input, int records)
            throws Exception {
        Map<String, Object> s = new LinkedHashMap<>(section);
        s.put("kafka.topicPrefix", "bench");
        AggregatorConfig config = AggregatorConfig.fromMap(s);
        io.switchboard.aggregate.internal.TopicSetup.ensureTopics(config);
        Properties props = streamsProps(broker, config.applicationId(), config.stateDir(), config.streamThreads());
        props.putAll(AggregatorTopology.streamsDefaults()); // as the runtime does; the baseline keeps Streams' defaults
        props.putAll(AGGREGATOR_STREAMS);
        props.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterDeserializationExceptionHandler.class);
        props.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterProcessingExceptionHandler.class);
        props.put(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, config.topics().deadLetters());
        AggregatorMetrics metrics = new AggregatorMetrics();
        props.put(AggregatorMetrics.CONFIG_KEY, metrics);
        props.put(DeadLetterListener.CONFIG, metrics);
        Topology topology = AggregatorTopology.buildTopology(config);
        double rate = run("aggregator", broker, topology, props, input, records);
        System.out.printf("  aggregator counted %,d processed, %,d duplicates, %,d late (1m), %,d dead-lettered%n",
                metrics.processedCount(), metrics.duplicateCount(), metrics.droppedLateCount(io.switchboard.aggregate.WindowSize.ONE_MINUTE),
                metrics.deadLetteredCount());
        return rate;
    }

    private static double run(String name, EmbeddedKafkaBroker broker, Topology topology, Properties props, String input, int records)
            throws Exception {
        String group = props.getProperty(StreamsConfig.APPLICATION_ID_CONFIG);
        long t10 = 0;
        long t90 = 0;
        long cpu10 = 0;
        long cpu90 = 0;
        long thread10 = 0;
        long thread90 = 0;
        long start = System.nanoTime();
        try (KafkaStreams streams = new KafkaStreams(topology, props); Admin admin = broker.admin()) {
            streams.start();
            while (true) {
                long done = committed(admin, group, input);
                long now = System.nanoTime();
                if (t10 == 0 && done >= records / 10) {
                    t10 = now;
                    cpu10 = processCpuNanos();
                    thread10 = streamThreadCpuNanos(group);
                }
                if (t90 == 0 && done >= records * 9L / 10) {
                    t90 = now;
                    cpu90 = processCpuNanos();
                    thread90 = streamThreadCpuNanos(group);
                }
                if (done >= records) {
                    break;
                }
                if (now - start > TimeUnit.MINUTES.toNanos(15)) {
                    throw new IllegalStateException(name + " did not finish within 15 minutes (" + done + " of " + records + ")");
                }
                if (streams.state() == KafkaStreams.State.ERROR) {
                    throw new IllegalStateException(name + " failed");
                }
                Thread.sleep(100);
            }
            double rate = records * 0.8 / ((t90 - t10) / 1e9);
            double cpuUs = (cpu90 - cpu10) / 1e3 / (records * 0.8);
            double threadUs = (thread90 - thread10) / 1e3 / (records * 0.8);
            STREAM_THREAD_US_PER_RECORD.computeIfAbsent(name.startsWith("aggregator") ? "aggregator" : "baseline", k -> new ArrayList<>())
                    .add(threadUs);
            CPU_US_PER_RECORD.computeIfAbsent(name.startsWith("aggregator") ? "aggregator" : "baseline", k -> new ArrayList<>()).add(cpuUs);
            System.out.printf("%s: %,.0f records/s (10%%..90%% in %.1f s, all in %.1f s from start), %.1f CPU µs per record"
                    + " (stream threads %.1f)%n", name, rate, (t90 - t10) / 1e9, (System.nanoTime() - start) / 1e9, cpuUs, threadUs);
            streams.close(Duration.ofSeconds(60));
            return rate;
        }
    }

    private static long committed(Admin admin, String group, String topic) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata()
                .get(30, TimeUnit.SECONDS);
        long sum = 0;
        for (Map.Entry<TopicPartition, OffsetAndMetadata> e : offsets.entrySet()) {
            if (e.getKey().topic().equals(topic) && e.getValue() != null) {
                sum += e.getValue().offset();
            }
        }
        return sum;
    }

    private static void latency(EmbeddedKafkaBroker broker, String registryUrl, Path work, int threads, int samples,
                                String latencyCommitInterval) throws Exception {
        Map<String, Object> section = section(broker, registryUrl, "lat", work.resolve("lat-state"), threads);
        section.put("aggregator.outputPartitions", "6");
        // the runtime default (500 ms; 1 s from 08:10 to 12:00 on 2026-12-02, 100 ms before) unless --latency-commit-interval says otherwise
        if (latencyCommitInterval != null) {
            section.put("aggregator.streams.commitInterval", latencyCommitInterval);
        }
        String commitUsed = AggregatorConfig.fromMap(section).commitInterval().toMillis() + " ms";
        var serializer = AvroSerdes.specific(QueueStat.class, Map.of("schema.registry.url", registryUrl), false).serializer();
        HttpClient http = HttpClient.newHttpClient();
        try (Aggregator aggregator = Aggregator.start(AggregatorConfig.fromMap(section))) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (!aggregator.isReady()) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("aggregator not ready: " + aggregator.notReadyReason());
                }
                Thread.sleep(100);
            }
            Map<Long, Long> sentAt = new ConcurrentHashMap<>();
            Map<Long, Long> onTopic = new ConcurrentHashMap<>();
            AtomicBoolean reading = new AtomicBoolean(true);
            Thread reader = new Thread(() -> readSnapshots(broker, registryUrl, sentAt, onTopic, reading), "snapshot-reader");
            reader.start();
            Properties p = broker.clientProperties();
            p.put(ProducerConfig.ACKS_CONFIG, "all");
            p.put(ProducerConfig.LINGER_MS_CONFIG, "0");
            List<Long> viaApi = new ArrayList<>();
            try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer())) {
                for (int i = 0; i < samples + 20; i++) { // the first 20 warm up
                    long seq = 1_000_000L + i;
                    String queue = "lat-" + (i % 50);
                    QueueStat stat = QueueStat.newBuilder().setCredentialId("lat").setProvider("genesys-cloud").setJobId("lat")
                            .setPollSequence(seq).setQueueId(queue).setObservedAt(T0.plusSeconds(i)).setPolledAt(Instant.now())
                            .setMediaType("voice").setWaiting((long) i % 7).build();
                    byte[] value = serializer.serialize("lat.queue-stats", stat);
                    producer.send(new ProducerRecord<>("lat.queue-stats", "lat/" + queue, value)).get();
                    long acked = System.nanoTime();
                    sentAt.put(seq, acked);
                    while (true) {
                        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + aggregator.httpPort()
                                + "/api/queues/lat/" + queue)).build(), HttpResponse.BodyHandlers.ofString());
                        if (r.statusCode() == 200 && new JsonObject(r.body()).getJsonObject("data").getLong("pollSequence") == seq) {
                            break;
                        }
                        if (System.nanoTime() - acked > TimeUnit.SECONDS.toNanos(30)) {
                            throw new IllegalStateException("record " + seq + " not visible through the API within 30 s");
                        }
                        Thread.sleep(2);
                    }
                    if (i >= 20) {
                        viaApi.add(System.nanoTime() - acked);
                    }
                }
            }
            long wait = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (onTopic.size() < samples + 20 && System.nanoTime() < wait) {
                Thread.sleep(50);
            }
            reading.set(false);
            reader.join(10_000);
            List<Long> topic = new ArrayList<>();
            for (int i = 20; i < samples + 20; i++) {
                // visible = the first snapshot of its queue at this record or a later one: snapshots leave once per
                // queue and commit, so a record superseded within the commit interval has none of its own
                for (int j = i; j < samples + 20; j += 50) {
                    Long seen = onTopic.get(1_000_000L + j);
                    if (seen != null) {
                        topic.add(seen - sentAt.get(1_000_000L + i));
                        break;
                    }
                }
            }
            System.out.printf("LATENCY produce ack -> visible via GET /api/queues/{id}: p50 %.0f ms, p99 %.0f ms (%d samples, commit interval %s)%n",
                    pct(viaApi, 50), pct(viaApi, 99), viaApi.size(), commitUsed);
            System.out.printf("LATENCY produce ack -> on the snapshot topic (read_committed): p50 %.0f ms, p99 %.0f ms (%d samples)%n",
                    pct(topic, 50), pct(topic, 99), topic.size());
        }
    }

    private static void readSnapshots(EmbeddedKafkaBroker broker, String registryUrl, Map<Long, Long> sentAt, Map<Long, Long> onTopic,
                                      AtomicBoolean reading) {
        Properties c = broker.clientProperties();
        c.put(ConsumerConfig.GROUP_ID_CONFIG, "lat-reader");
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        var deserializer = AvroSerdes.specific(QueueSnapshot.class, Map.of("schema.registry.url", registryUrl), false).deserializer();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(c, new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of("lat.dashboard.queue-snapshots"));
            while (reading.get()) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(50))) {
                    long now = System.nanoTime();
                    QueueSnapshot s = deserializer.deserialize(r.topic(), r.value());
                    onTopic.putIfAbsent(s.getPollSequence(), now);
                }
            }
        }
    }

    private static long commitIntervalMs = 500;
    private static String shape = "poll";
    private static final Map<String, String> AGGREGATOR_STREAMS = new LinkedHashMap<>();

    /** CPU microseconds per record of each round, by "aggregator" / "baseline". */
    private static final Map<String, List<Double>> CPU_US_PER_RECORD = new LinkedHashMap<>();
    private static final Map<String, List<Double>> STREAM_THREAD_US_PER_RECORD = new LinkedHashMap<>();

    /** CPU time of the stream threads of application {@code appId} (the processing itself, without the broker and the producers' I/O threads). */
    private static long streamThreadCpuNanos(String appId) {
        java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
        long sum = 0;
        for (java.lang.management.ThreadInfo t : mx.getThreadInfo(mx.getAllThreadIds())) {
            if (t != null && t.getThreadName().startsWith(appId + "-") && t.getThreadName().contains("-StreamThread-")
                    && !t.getThreadName().contains("producer")) {
                sum += Math.max(0, mx.getThreadCpuTime(t.getThreadId()));
            }
        }
        return sum;
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    private static double pct(List<Long> nanos, int p) {
        if (nanos.isEmpty()) {
            return Double.NaN;
        }
        List<Long> sorted = new ArrayList<>(nanos);
        Collections.sort(sorted);
        int idx = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(idx, sorted.size() - 1))) / 1e6;
    }

    private static long directorySize(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return 0;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(f -> {
                try {
                    return Files.size(f);
                } catch (IOException e) {
                    return 0;
                }
            }).sum();
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Collections.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException e) {
            // temp dir; best effort
        }
    }
}
