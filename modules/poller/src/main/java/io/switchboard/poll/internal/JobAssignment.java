package io.switchboard.poll.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.switchboard.registry.SchemaRegistryConfig;
import io.switchboard.core.Topics;
import io.switchboard.core.kafka.KafkaAccessDeniedException;
import io.switchboard.core.supervise.Backoff;
import io.switchboard.core.supervise.Failures;
import io.switchboard.core.supervise.Health;
import io.switchboard.core.supervise.Supervisor;
import io.switchboard.events.poll.PollJob;

/**
 * This poller's share of the jobs: a member of the consumer group {@code <prefix>.poller} on the compacted
 * {@code poll-jobs} topic, with the cooperative sticky assignor, so a joining or leaving poller moves only the
 * partitions it must and the others' jobs keep running; the partitions that hold credentials are balanced on their own
 * ({@link CredentialBalancedAssignor}), so every poller gets its share of credentials, not just of partitions. All jobs of a credential live in one partition, so the
 * credential is polled by exactly one poller at a time.
 *
 * <p>On assignment each new partition is read from its beginning as a table; once read up to the end it had at
 * assignment, the committed progress of its jobs is read from {@code poll-progress} ({@code read_committed}) and the
 * jobs start where their previous owner stopped. Later changes (new, changed, removed jobs) apply live. On revocation the
 * partition's jobs are stopped first and their polls in flight are written (bounded by the shutdown timeout) before the
 * partition moves; lost partitions (the session expired) are dropped at once. Offsets are not used for resuming (every
 * assignment reads the table again); the writer commits positions inside its transactions only to fence zombies.
 *
 * <p>Runs one supervised loop; the consumer is used on that thread only. {@link #owns}, {@link #groupMetadata} and
 * {@link #position} are thread-safe.
 */
public final class JobAssignment implements TransactionalPollWriter.Ownership, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(JobAssignment.class);
    private static final Duration POLL = Duration.ofMillis(200);

    private final Map<String, Object> consumerProperties;
    private final Map<String, Object> kafkaProperties;
    private final Topics topics;
    private final String topic;
    private final SchemaRegistryConfig registry;
    private final String instanceId;
    private final Duration handoverTimeout;
    private final JobScheduler scheduler;
    private final PollerMetrics metrics;
    private final IntConsumer onLoaded;
    private final java.util.function.Consumer<String> onCredentialAcquired;
    private final Deserializer<PollJob> deserializer;
    private final JobTable table = new JobTable();
    private final Set<Integer> owned = ConcurrentHashMap.newKeySet();
    private final Map<Integer, Long> loading = new ConcurrentHashMap<>();
    private final Map<Integer, Long> positions = new ConcurrentHashMap<>();
    private final Supervisor supervisor;
    private volatile ConsumerGroupMetadata groupMetadata;
    private volatile boolean assignedOnce;
    private volatile boolean closing;
    private volatile int partitionCount;
    private KafkaConsumer<String, byte[]> consumer;
    private ProgressReader progress;
    private Thread thread;

    /**
     * @param credentialIds   the credentials of the configuration: the assignor spreads the partitions that hold them
     *                        evenly over the pollers ({@link CredentialBalancedAssignor})
     * @param handoverTimeout how long revocation waits for the polls in flight of the jobs that move
     * @param onLoaded        called (on the consumer thread) with each partition once its jobs have started
     * @param onCredentialAcquired called (on the consumer thread) with each credential of a newly assigned partition,
     *                        before its jobs start ({@link io.switchboard.poll.PollExecutor#credentialAcquired})
     */
    public JobAssignment(Map<String, Object> kafkaProperties, Topics topics, SchemaRegistryConfig schemaRegistry, String instanceId,
                         Collection<String> credentialIds, Duration sessionTimeout, Duration handoverTimeout,
                         JobScheduler scheduler, PollerMetrics metrics, Supervisor supervisor, IntConsumer onLoaded,
                         java.util.function.Consumer<String> onCredentialAcquired) {
        this.kafkaProperties = Map.copyOf(kafkaProperties);
        this.topics = topics;
        this.topic = topics.pollJobs();
        this.registry = schemaRegistry;
        this.instanceId = instanceId;
        this.handoverTimeout = handoverTimeout;
        this.scheduler = scheduler;
        this.metrics = metrics;
        this.supervisor = supervisor;
        this.onLoaded = onLoaded;
        this.onCredentialAcquired = onCredentialAcquired;
        this.deserializer = PollSerdes.value(PollJob.class, schemaRegistry).deserializer();
        Map<String, Object> props = new HashMap<>(kafkaProperties);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, groupId(topics));
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, instanceId + "-jobs");
        props.remove(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG); // dynamic membership: leaving moves the jobs at once
        props.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, CredentialBalancedAssignor.class.getName());
        props.put(CredentialBalancedAssignor.CREDENTIALS_CONFIG, String.join(",", credentialIds));
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        int session = (int) sessionTimeout.toMillis();
        props.putIfAbsent(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, session);
        props.putIfAbsent(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, Math.max(100, Math.min(3_000, session / 3)));
        this.consumerProperties = props;
    }

    /** The consumer group of the pollers under this prefix. */
    public static String groupId(Topics topics) {
        return topics.prefix() + ".poller";
    }

    /** Starts the supervised consumer loop. */
    public void start() {
        thread = supervisor.loop("assignment", Backoff.DEFAULT, this::explainedStep);
    }

    /** The jobs of the partitions owned here. */
    public JobTable table() {
        return table;
    }

    /** Partitions of poll-jobs owned here whose jobs have started. */
    public Set<Integer> loadedPartitions() {
        Set<Integer> out = new TreeSet<>(owned);
        out.removeAll(loading.keySet());
        return out;
    }

    /** Partitions of poll-jobs in the topic, once known (else 0). */
    public int partitionCount() {
        return partitionCount;
    }

    /** UP once the group has assigned this poller its partitions (possibly none) and they are loaded. */
    public Health health() {
        if (!assignedOnce) {
            return Health.down("waiting for the consumer group " + groupId(topics) + " to assign partitions of " + topic);
        }
        if (!loading.isEmpty()) {
            return Health.down("loading partitions " + new TreeSet<>(loading.keySet()) + " of " + topic);
        }
        return Health.ok();
    }

    @Override
    public boolean owns(int partition) {
        return owned.contains(partition);
    }

    @Override
    public Optional<ConsumerGroupMetadata> groupMetadata() {
        return Optional.ofNullable(groupMetadata);
    }

    @Override
    public long position(int partition) {
        return positions.getOrDefault(partition, -1L);
    }

    /** {@link #step()}, with a missing ACL or a failed login told as the ACL to grant (the loop then stops the role). */
    private void explainedStep() {
        try {
            step();
        } catch (AuthorizationException | AuthenticationException e) {
            throw KafkaAccessDeniedException.explain(e, "Read", consumerProperties, "taking poll jobs through the consumer group on poll-jobs").orElseThrow();
        }
    }

    private void step() {
        if (closing) {
            leave();
            Thread.currentThread().interrupt();
            return;
        }
        if (consumer == null) {
            consumer = new KafkaConsumer<>(consumerProperties, new StringDeserializer(), new ByteArrayDeserializer());
            progress = new ProgressReader(kafkaProperties, topics.pollProgress(), registry, instanceId);
            consumer.subscribe(List.of(topic), new Listener());
        }
        try {
            for (ConsumerRecord<String, byte[]> record : consumer.poll(POLL)) {
                apply(record);
            }
            startLoaded();
            for (int p : owned) {
                positions.put(p, consumer.position(new TopicPartition(topic, p)));
            }
            groupMetadata = consumer.groupMetadata();
        } catch (WakeupException e) {
            if (!closing) {
                throw e;
            }
        }
    }

    private void apply(ConsumerRecord<String, byte[]> record) {
        int p = record.partition();
        String id = record.key();
        if (id == null) {
            LOG.warn("skipping a record without key on {}-{} offset {}", topic, p, record.offset());
            return;
        }
        if (record.value() == null) {
            table.remove(p, id);
            if (!loading.containsKey(p)) {
                LOG.info("job {} was removed", id);
                scheduler.stop(List.of(id));
            }
            return;
        }
        PollJob job;
        try {
            job = deserializer.deserialize(topic, record.value());
        } catch (RuntimeException e) {
            if (Failures.isRetriable(e)) { // the registry does not answer: read this record again after the backoff
                consumer.seek(new TopicPartition(topic, p), record.offset());
                throw e;
            }
            LOG.warn("skipping a record on {}-{} offset {} that is not a PollJob this poller understands: {}", topic, p,
                    record.offset(), e.getMessage());
            return;
        }
        String problem = check(job, id, p);
        if (problem != null) {
            LOG.warn("skipping job {} on {}-{} offset {}: {}", id, topic, p, record.offset(), problem);
            return;
        }
        table.put(p, job);
        if (!loading.containsKey(p)) {
            LOG.info("job {} changed: {} queue(s) every {} ms{}", id, job.getQueueIds().size(), job.getIntervalMs(),
                    job.getEnabled() ? "" : " (disabled)");
            scheduler.upsert(job, p, null);
        }
    }

    private String check(PollJob job, String key, int partition) {
        if (!job.getJobId().equals(key)) {
            return "its key differs from its jobId " + job.getJobId() + "; write jobs with `switchboard jobs apply`";
        }
        if (job.getIntervalMs() < 1_000) {
            return "intervalMs " + job.getIntervalMs() + " is below 1000";
        }
        int expected = CredentialPartitioner.partitionOf(job.getCredentialId(), partitionCount);
        if (expected != partition) {
            return "credential " + job.getCredentialId() + " belongs in partition " + expected + " (one poller per credential);"
                    + " write jobs with `switchboard jobs apply`, which partitions them by credential";
        }
        return null;
    }

    private void startLoaded() {
        for (Map.Entry<Integer, Long> e : List.copyOf(loading.entrySet())) {
            int p = e.getKey();
            if (consumer.position(new TopicPartition(topic, p)) < e.getValue()) {
                continue;
            }
            Map<String, JobProgress> done = progress.read(p);
            List<PollJob> jobs = table.jobs(p);
            // the credentials of this partition come from another poller: no burst of requests for them here
            jobs.stream().map(PollJob::getCredentialId).distinct().forEach(onCredentialAcquired);
            for (PollJob job : jobs) {
                scheduler.upsert(job, p, done.get(job.getJobId()));
            }
            loading.remove(p);
            LOG.info("partition {} of {} loaded: {} job(s) started from their committed progress", p, topic, jobs.size());
            onLoaded.accept(p);
        }
    }

    private void leave() {
        if (consumer != null) {
            try {
                consumer.close(Duration.ofSeconds(10)); // leaves the group: revocation runs, the others take over at once
            } catch (RuntimeException e) {
                LOG.warn("closing the poll-jobs consumer: {}", e.toString());
            }
            consumer = null;
        }
        if (progress != null) {
            progress.close();
            progress = null;
        }
    }

    /** Leaves the group (the jobs move to the other pollers at once) and ends the loop. */
    @Override
    public void close() {
        closing = true;
        KafkaConsumer<String, byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
        if (thread != null) {
            try {
                thread.join(handoverTimeout.toMillis() + 15_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private final class Listener implements ConsumerRebalanceListener {

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            groupMetadata = consumer.groupMetadata();
            partitionCount = consumer.partitionsFor(topic).size();
            if (!partitions.isEmpty()) {
                Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
                for (TopicPartition tp : partitions) {
                    table.clear(tp.partition());
                    loading.put(tp.partition(), ends.get(tp));
                    owned.add(tp.partition());
                }
                consumer.seekToBeginning(partitions);
                LOG.info("{}: assigned partitions {} of {}", instanceId, numbers(partitions), topic);
            }
            metrics.partitions(owned.size());
            assignedOnce = true;
        }

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            groupMetadata = consumer.groupMetadata();
            if (partitions.isEmpty()) {
                return;
            }
            List<String> ids = jobsOf(partitions);
            try {
                scheduler.stop(ids).get(handoverTimeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                LOG.warn("{}: polls of {} job(s) were still running {} after the revocation of partitions {}; their results"
                        + " will be dropped", instanceId, ids.size(), handoverTimeout, numbers(partitions));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (java.util.concurrent.ExecutionException e) {
                LOG.warn("stopping jobs: {}", e.getCause().toString());
            }
            release(partitions, ids);
            LOG.info("{}: revoked partitions {} of {}: {} job(s) stopped and handed over", instanceId, numbers(partitions), topic, ids.size());
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            if (partitions.isEmpty()) {
                return;
            }
            List<String> ids = jobsOf(partitions);
            partitions.forEach(tp -> owned.remove(tp.partition())); // first: the writer drops their polls from now on
            scheduler.stop(ids);
            release(partitions, ids);
            LOG.warn("{}: lost partitions {} of {} (the group expelled this poller): {} job(s) stopped", instanceId,
                    numbers(partitions), topic, ids.size());
        }

        private List<String> jobsOf(Collection<TopicPartition> partitions) {
            List<String> ids = new ArrayList<>();
            for (TopicPartition tp : partitions) {
                table.jobs(tp.partition()).forEach(j -> ids.add(j.getJobId()));
            }
            return ids;
        }

        private void release(Collection<TopicPartition> partitions, List<String> ids) {
            for (TopicPartition tp : partitions) {
                owned.remove(tp.partition());
                loading.remove(tp.partition());
                positions.remove(tp.partition());
                table.drop(tp.partition());
            }
            scheduler.forget(ids);
            metrics.partitions(owned.size());
        }

        private static List<Integer> numbers(Collection<TopicPartition> partitions) {
            return partitions.stream().map(TopicPartition::partition).sorted().toList();
        }
    }
}
