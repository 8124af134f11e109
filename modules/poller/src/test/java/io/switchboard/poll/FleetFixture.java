package io.switchboard.poll;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.function.Predicate;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

import io.switchboard.core.Topics;
import io.switchboard.core.supervise.Health;
import io.switchboard.events.poll.QueueStat;
import io.switchboard.poll.internal.CredentialPartitioner;
import io.switchboard.poll.internal.PollSerdes;
import io.switchboard.registry.server.EmbeddedSchemaRegistry;
import io.switchboard.simulator.FaultSpec;
import io.switchboard.simulator.RecordedRequest;
import io.switchboard.simulator.SimulatorConfig;
import io.switchboard.simulator.Vendor;
import io.switchboard.simulator.VendorSimulator;
import io.switchboard.testkit.Closer;
import io.switchboard.testkit.KafkaBroker;
import io.switchboard.token.TokenManager;
import io.switchboard.token.TokenTable;
import io.switchboard.token.fixtures.SimulatorTokenFleet;

/**
 * The whole stack the fleet tests run on: a real broker, the vendor simulator (Genesys, a little latency so polls take
 * time), the shared token side ({@link SimulatorTokenFleet}: the embedded schema registry and a real token manager
 * publishing one token per credential), and pollers with {@link SimObservationsExecutor} or in production wiring.
 * Each fixture has its own topic prefix (the token fleet's).
 */
final class FleetFixture implements AutoCloseable {

    static final Duration WAIT = Duration.ofSeconds(90);
    static final Duration SIM_LATENCY = Duration.ofMillis(150);

    final KafkaBroker broker;
    final VendorSimulator sim;
    /** The shared token side: embedded registry + a real token manager for the credentials, under its own prefix. */
    final SimulatorTokenFleet tokenFleet;
    final EmbeddedSchemaRegistry registry;
    final String prefix;
    final List<String> credentials;
    final int partitions;
    final TokenManager tokenManager;
    final TokenTable tokens;
    private final Closer closeables = new Closer();

    /**
     * @param credentialCount credentials, chosen so that each lands in its own partition of poll-jobs
     * @param partitions      partitions of poll-jobs
     */
    FleetFixture(KafkaBroker broker, int credentialCount, int partitions) {
        this(broker, credentialsInDistinctPartitions(credentialCount, partitions), partitions);
    }

    /**
     * @param credentials Genesys credential ids (each logs in with the simulator's Genesys client and has its own token)
     * @param partitions  partitions of poll-jobs
     */
    FleetFixture(KafkaBroker broker, List<String> credentials, int partitions) {
        this.broker = broker;
        this.partitions = partitions;
        this.credentials = List.copyOf(credentials);
        this.sim = VendorSimulator.start(SimulatorConfig.builder().generatedQueues(20).maxRecordedRequests(50_000).build());
        sim.faults().set(Vendor.GENESYS, FaultSpec.none().withLatency(SIM_LATENCY));
        try {
            this.tokenFleet = SimulatorTokenFleet.startGenesys(broker, sim, this.credentials);
        } catch (RuntimeException e) {
            sim.close();
            throw e;
        }
        this.registry = tokenFleet.registry();
        this.prefix = tokenFleet.topics().prefix();
        this.tokenManager = tokenFleet.tokenManager();
        this.tokens = tokenFleet.tokenTable("test-reader");
    }

    static List<String> credentialsInDistinctPartitions(int count, int partitions) {
        return credentialsInDistinctPartitions(count, partitions, p -> true);
    }

    /** {@code count} credential ids {@code genesys-<n>}, each in its own partition, all in partitions {@code where} accepts. */
    static List<String> credentialsInDistinctPartitions(int count, int partitions, java.util.function.IntPredicate where) {
        List<String> out = new ArrayList<>();
        Set<Integer> used = new HashSet<>();
        for (int i = 1; out.size() < count; i++) {
            String id = "genesys-" + i;
            int partition = CredentialPartitioner.partitionOf(id, partitions);
            if (where.test(partition) && used.add(partition)) {
                out.add(id);
            }
        }
        return out;
    }

    /** What the poller configuration's {@code ${env:…}} references resolve from (the token key, the fake secrets). */
    Map<String, String> env() {
        return tokenFleet.env();
    }

    private String common() {
        return """
                kafka:
                  bootstrapServers: %s
                  topicPrefix: %s
                  properties:
                    heartbeat.interval.ms: 500
                schemaRegistry:
                  url: %s
                encryption:
                  activeKeyId: k1
                  keys:
                    k1: ${env:TOKEN_KEY}
                """.formatted(broker.bootstrapServers(), prefix, registry.url());
    }

    /**
     * The poller configuration file.
     *
     * @param queuesPerCredential queue ids polled per credential (packed two per job)
     */
    String pollerYaml(String instanceId, Map<String, List<String>> queuesPerCredential, Duration interval) {
        return pollerYaml(instanceId, "", observationPolls(queuesPerCredential, interval));
    }

    /**
     * The poller configuration file.
     *
     * @param pollerKeys  extra lines of the poller: section (they win over the defaults here), e.g. "planInterval: PT2S"
     * @param credentials the credentials: section's items
     */
    String pollerYaml(String instanceId, String pollerKeys, String credentials) {
        Map<String, String> keys = new LinkedHashMap<>();
        keys.put("instanceId", instanceId);
        keys.put("jobPartitions", String.valueOf(partitions));
        keys.put("sessionTimeout", "PT6S");
        keys.put("transactionTimeout", "PT10S");
        keys.put("shutdownTimeout", "PT10S");
        keys.put("planInterval", "PT0S");
        pollerKeys.lines().filter(l -> !l.isBlank()).forEach(l -> keys.put(l.substring(0, l.indexOf(':')).trim(),
                l.substring(l.indexOf(':') + 1).trim()));
        StringBuilder y = new StringBuilder(common()).append("poller:\n");
        keys.forEach((k, v) -> y.append("  ").append(k).append(": ").append(v).append('\n'));
        y.append("  ops:\n    port: 0\ncredentials:\n").append(credentials);
        return y.toString();
    }

    /** credentials: items polling Genesys observations of the given queues, two queues per job. */
    static String observationPolls(Map<String, List<String>> queuesPerCredential, Duration interval) {
        StringBuilder y = new StringBuilder();
        queuesPerCredential.forEach((c, queues) -> y.append("""
                  - id: %s
                    provider: genesys-cloud
                    poll:
                      - endpoint: genesys.queue-observations
                        name: live
                        interval: %s
                        batchSize: 2
                        queueIds: [%s]
                """.formatted(c, interval, String.join(", ", queues))));
        return y.toString();
    }

    /** Two queues per credential, two jobs per credential... ({@code queues} ids spread round robin). */
    Map<String, List<String>> queuesPerCredential(int perCredential) {
        List<String> ids = sim.queueIds();
        Map<String, List<String>> out = new LinkedHashMap<>();
        int i = 0;
        for (String c : credentials) {
            List<String> mine = new ArrayList<>();
            for (int k = 0; k < perCredential; k++) {
                mine.add(ids.get(i++ % ids.size()));
            }
            out.put(c, mine);
        }
        return out;
    }

    PollerConfig pollerConfig(String instanceId, Map<String, List<String>> queues, Duration interval) {
        return PollerConfig.parse(pollerYaml(instanceId, queues, interval), "poller.yaml", env());
    }

    PollerConfig pollerConfig(String instanceId, String pollerKeys, String credentials) {
        return PollerConfig.parse(pollerYaml(instanceId, pollerKeys, credentials), "poller.yaml", env());
    }

    /** Plans and writes the jobs of {@code config} as {@code switchboard jobs apply} does. */
    JobPlan applyJobs(PollerConfig config) {
        try (JobPlanner planner = JobPlanner.create(config, null)) {
            JobPlan plan = planner.plan();
            planner.apply(plan);
            return plan;
        }
    }

    /** Starts a poller in this JVM, sharing the fixture's token table. */
    Poller startPoller(PollerConfig config) {
        return startPoller(Poller.builder(config, new SimObservationsExecutor(config.instanceId(), tokens)));
    }

    /** Starts a poller from {@code builder}, with the fixture's token table as a readiness check. */
    Poller startPoller(Poller.Builder builder) {
        Poller poller = builder.readiness("tokens-loaded", () -> tokens.isReady() ? Health.ok() : Health.down("token table loading"))
                .start();
        closeables.add(poller);
        return poller;
    }

    /**
     * The vendor executor's default HTTP options with a {@code User-Agent} of {@code switchboard-poller/<instanceId>}, so
     * the simulator's request log shows which poller sent a request ({@link #sender}).
     */
    static io.switchboard.poll.vendor.VendorHttpOptions vendorOptions(String instanceId) {
        return vendorOptions(instanceId, io.switchboard.poll.vendor.VendorHttpOptions.defaults());
    }

    /**
     * For runs with injected faults: 2 s timeouts (a request the simulator holds longer times out), three attempts with
     * 200 ms to 1 s backoff, Retry-After waited up to 5 s.
     */
    static io.switchboard.poll.vendor.VendorHttpOptions faultOptions() {
        return io.switchboard.poll.vendor.VendorHttpOptions.defaults()
                .withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(2), Duration.ofSeconds(2))
                .withRetries(3, new io.switchboard.core.supervise.Backoff(Duration.ofMillis(200), Duration.ofSeconds(1)), Duration.ofSeconds(5));
    }

    /** {@code base} with a {@code User-Agent} naming the poller. */
    static io.switchboard.poll.vendor.VendorHttpOptions vendorOptions(String instanceId, io.switchboard.poll.vendor.VendorHttpOptions d) {
        return new io.switchboard.poll.vendor.VendorHttpOptions(d.connectTimeout(), d.idleTimeout(), d.requestTimeout(),
                d.maxConnectionsPerHost(), d.http2(), d.maxBodyBytes(), d.maxAttempts(), d.backoff(), d.maxRetryAfter(),
                d.tokenRefreshWait(), d.requestsPerMinute(), "switchboard-poller/" + instanceId);
    }

    /** The poller that sent {@code r} (from its {@code User-Agent}, see {@link #vendorOptions}), or "?". */
    static String sender(RecordedRequest r) {
        String agent = r.header("User-Agent");
        return agent == null || agent.indexOf('/') < 0 ? "?" : agent.substring(agent.indexOf('/') + 1);
    }

    /** One poll the simulator saw. */
    record Poll(Instant at, String poller, String jobId) {
    }

    /** Every poll of the observation endpoint the simulator recorded, by job, oldest first. */
    Map<String, List<Poll>> pollsByJob() {
        Map<String, List<Poll>> out = new LinkedHashMap<>();
        for (RecordedRequest r : sim.requests().matching(Vendor.GENESYS, "/observations/query")) {
            String job = r.header(SimObservationsExecutor.JOB_HEADER);
            if (job != null) {
                out.computeIfAbsent(job, k -> new ArrayList<>()).add(new Poll(r.at(), r.header(SimObservationsExecutor.POLLER_HEADER), job));
            }
        }
        out.values().forEach(l -> l.sort(Comparator.comparing(Poll::at)));
        return out;
    }

    /** Every QueueStat on queue-stats read {@code read_committed}, read until {@code until} holds. */
    List<QueueStat> committedStats(Predicate<List<QueueStat>> until) {
        return committed(new Topics(prefix).queueStats(), QueueStat.class, until);
    }

    /** Every record of {@code topic} read {@code read_committed}, read until {@code until} holds. */
    <T extends org.apache.avro.specific.SpecificRecord> List<T> committed(String topic, Class<T> type, Predicate<List<T>> until) {
        Deserializer<T> deserializer = PollSerdes.value(type, registry.url()).deserializer();
        Properties props = broker.clientProperties();
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<T> out = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> parts = consumer.partitionsFor(topic).stream().map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
            await().atMost(WAIT).until(() -> {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    T value = deserializer.deserialize(topic, r.value());
                    if (value instanceof QueueStat s && !r.key().equals(s.getCredentialId() + "/" + s.getQueueId())) {
                        throw new AssertionError("key " + r.key() + " of " + s);
                    }
                    out.add(value);
                }
                return until.test(out);
            });
        }
        return out;
    }

    void track(AutoCloseable c) {
        closeables.add(c);
    }

    @Override
    public void close() throws Exception {
        closeables.closeQuietly();
        tokenFleet.close(); // the token table, the token manager and the registry
        sim.close();
    }
}
