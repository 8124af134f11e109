package io.switchboard.poll.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.switchboard.registry.SchemaRegistryConfig;
import io.switchboard.core.SwitchboardException;
import io.switchboard.core.Topics;
import io.switchboard.core.kafka.KafkaAccessDeniedException;
import io.switchboard.core.supervise.Failures;
import io.switchboard.core.supervise.Supervisor;
import io.switchboard.events.poll.PollError;
import io.switchboard.events.poll.PollJob;
import io.switchboard.events.poll.PollProgress;
import io.switchboard.events.poll.QueueStat;
import io.switchboard.poll.PollOutcome;

/**
 * Writes finished polls with one transactional producer (this poller's own {@code transactional.id}): each transaction
 * holds the {@code QueueStat}s, {@code PollError}s and {@code PollProgress} of one or more polls, so a
 * {@code read_committed} reader sees every record of a poll together with its progress, or none of them. Polls that
 * finish while a transaction commits go into the next one.
 *
 * <p>Zombie fencing: each transaction also commits the poller's position on {@code poll-jobs} with the consumer's group
 * metadata (KIP-447), so a poller the group has already expelled (its session timed out while it was stalled) cannot
 * commit: the coordinator rejects its generation and the transaction aborts. Results of jobs whose partition was
 * revoked are not written ({@link NotOwnedException}): the new owner polls them again.
 *
 * <p>Retriable failures (a broker or registry outage, a rebalance in progress) abort the transaction and retry the
 * same polls with backoff, never dropping them while they are still owned; fatal ones (fenced by another producer with
 * the same transactional.id, authorization) stop the role. Runs one supervised loop; {@link #write} is thread-safe.
 */
public final class TransactionalPollWriter implements PollWriter, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TransactionalPollWriter.class);
    private static final int MAX_RECORDS_PER_TRANSACTION = 20_000;

    /** What the writer needs to know about the consumer group. Thread-safe. */
    public interface Ownership {
        /** Whether this poller owns {@code partition} of poll-jobs now. */
        boolean owns(int partition);

        /** The consumer's latest group metadata, when it has joined. */
        Optional<ConsumerGroupMetadata> groupMetadata();

        /** The consumer's position on {@code partition} of poll-jobs, or -1. */
        long position(int partition);
    }

    private final Map<String, Object> producerProperties;
    private final Topics topics;
    private final String transactionalId;
    private final Ownership ownership;
    private final PollerMetrics metrics;
    private final Serializer<QueueStat> statSerializer;
    private final Serializer<PollError> errorSerializer;
    private final Serializer<PollProgress> progressSerializer;
    private final BlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    private final Supervisor.Component component;
    private final Thread thread;
    private KafkaProducer<String, byte[]> producer;
    private boolean initialized;
    private List<Pending> batch;
    private volatile boolean closed;
    private volatile boolean ready;
    /** Whether this writer has encoded a record of each kind once, so its schema id is known: encoding needs no I/O. */
    private volatile boolean statsKnown;
    private volatile boolean errorsKnown;
    private volatile boolean progressKnown;

    /**
     * @param kafkaProperties    client properties (bootstrap servers, security)
     * @param topics             topic names
     * @param transactionalId    this poller's transactional.id
     * @param transactionTimeout producer transaction timeout
     * @param schemaRegistry     registry for the Avro values (URL, authentication, TLS, timeouts)
     */
    public TransactionalPollWriter(Map<String, Object> kafkaProperties, Topics topics, String transactionalId, Duration transactionTimeout,
                                   SchemaRegistryConfig schemaRegistry, Ownership ownership, PollerMetrics metrics, Supervisor supervisor) {
        this.topics = topics;
        this.transactionalId = transactionalId;
        this.ownership = ownership;
        this.metrics = metrics;
        Map<String, Object> props = new HashMap<>(kafkaProperties);
        props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        props.put(ProducerConfig.CLIENT_ID_CONFIG, transactionalId);
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.putIfAbsent(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, (int) transactionTimeout.toMillis());
        props.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, 5);
        props.putIfAbsent(ProducerConfig.BATCH_SIZE_CONFIG, 131_072);
        props.putIfAbsent(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        props.putIfAbsent(ProducerConfig.MAX_BLOCK_MS_CONFIG, 30_000);
        this.producerProperties = props;
        this.statSerializer = PollSerdes.value(QueueStat.class, schemaRegistry).serializer();
        this.errorSerializer = PollSerdes.value(PollError.class, schemaRegistry).serializer();
        this.progressSerializer = PollSerdes.value(PollProgress.class, schemaRegistry).serializer();
        this.component = supervisor.component("writer");
        this.component.down("initialising the transactional producer " + transactionalId);
        this.thread = supervisor.loop("writer", io.switchboard.core.supervise.Backoff.DEFAULT, this::step);
    }

    /** Whether the producer finished {@code initTransactions} at least once. */
    public boolean isReady() {
        return ready;
    }

    /**
     * Hands a poll over. Once the writer knows the schema ids (it has encoded each kind of record once), the caller's
     * thread encodes the poll's records here, so only their bytes wait for the transaction (not the records as objects,
     * which the garbage collector would otherwise copy while they wait); a poll that cannot be encoded here is encoded,
     * and its failure handled, by the writer as before.
     */
    @Override
    public CompletableFuture<Void> write(PollResult result) {
        Pending p = new Pending(result, new CompletableFuture<>());
        if (closed) {
            p.done.completeExceptionally(new SwitchboardException("the poll writer is closed"));
        } else {
            PollOutcome o = result.outcome();
            if (progressKnown && (o.stats().isEmpty() || statsKnown) && (o.errors().isEmpty() || errorsKnown)) {
                try {
                    p.encoded(encode(result));
                } catch (RuntimeException e) {
                    // the writer encodes it again and handles the failure
                }
            }
            queue.add(p);
        }
        return p.done;
    }

    private void step() throws Exception {
        if (closed) {
            Thread.currentThread().interrupt();
            return;
        }
        if (producer == null) {
            producer = new KafkaProducer<>(producerProperties, new StringSerializer(), new ByteArraySerializer());
            initialized = false;
        }
        if (!initialized) {
            try {
                producer.initTransactions();
            } catch (RuntimeException e) {
                if (isFatal(e)) {
                    throw fatal(e);
                }
                if (!(e instanceof org.apache.kafka.common.errors.TimeoutException)) {
                    closeProducer();
                }
                throw retriable("initialising transactions for " + transactionalId, e);
            }
            initialized = true;
            ready = true;
            LOG.info("transactional producer {} ready", transactionalId);
        }
        if (batch == null) {
            Pending first = queue.poll(200, TimeUnit.MILLISECONDS);
            if (first == null) {
                return;
            }
            batch = new ArrayList<>();
            batch.add(first);
            int records = first.recordCount();
            for (Pending next; records < MAX_RECORDS_PER_TRANSACTION && (next = queue.poll()) != null; ) {
                batch.add(next);
                records += next.recordCount();
            }
        }
        dropNotOwned();
        if (batch.isEmpty()) {
            batch = null;
            return;
        }
        serialize();
        if (batch.isEmpty()) {
            batch = null;
            return;
        }
        try {
            producer.beginTransaction();
            String stats = topics.queueStats();
            String errors = topics.pollErrors();
            String progress = topics.pollProgress();
            for (Pending p : batch) {
                Encoded e = p.encoded;
                for (int i = 0; i < e.statKeys.length; i++) {
                    producer.send(new ProducerRecord<>(stats, e.statKeys[i], e.statValues[i]));
                }
                for (int i = 0; i < e.errorKeys.length; i++) {
                    producer.send(new ProducerRecord<>(errors, e.errorKeys[i], e.errorValues[i]));
                }
                producer.send(new ProducerRecord<>(progress, p.partition, e.progressKey, e.progressValue));
            }
            Optional<ConsumerGroupMetadata> group = ownership.groupMetadata();
            if (group.isPresent()) {
                Map<TopicPartition, OffsetAndMetadata> offsets = new LinkedHashMap<>();
                for (Pending p : batch) {
                    long position = ownership.position(p.partition);
                    if (position >= 0) {
                        offsets.put(new TopicPartition(topics.pollJobs(), p.partition), new OffsetAndMetadata(position));
                    }
                }
                if (!offsets.isEmpty()) {
                    producer.sendOffsetsToTransaction(offsets, group.get());
                }
            }
            if (batch.stream().anyMatch(p -> !ownership.owns(p.partition))) {
                producer.abortTransaction(); // a partition moved while we wrote: write the rest again without it
                metrics.transaction("aborted");
                return;
            }
            producer.commitTransaction();
        } catch (RuntimeException e) {
            if (isFatal(e)) {
                throw fatal(e);
            }
            abortQuietly();
            metrics.transaction("aborted");
            throw retriable("writing " + batch.size() + " poll(s) in one transaction", e);
        }
        metrics.transaction("committed");
        List<Pending> done = batch;
        batch = null;
        for (Pending p : done) {
            metrics.records(p.job.getCredentialId(), "queue-stats", p.stats);
            metrics.records(p.job.getCredentialId(), "poll-errors", p.errors);
            p.done.complete(null);
        }
    }

    private void dropNotOwned() {
        batch.removeIf(p -> {
            if (!ownership.owns(p.partition)) {
                p.done.completeExceptionally(new NotOwnedException(p.job.getJobId(), p.partition));
                return true;
            }
            return false;
        });
    }

    /** Encodes the polls of the batch not encoded yet; a poll whose records cannot be encoded for good is failed alone. */
    private void serialize() {
        for (java.util.Iterator<Pending> it = batch.iterator(); it.hasNext(); ) {
            Pending p = it.next();
            if (p.encoded != null) {
                continue;
            }
            try {
                p.encoded(encode(p.result));
            } catch (RuntimeException e) {
                if (Failures.isRetriable(e)) {
                    throw retriable("encoding the records of job " + p.job.getJobId(), e);
                }
                LOG.error("the records of poll {} of job {} cannot be encoded ({}); the poll is dropped and its progress not advanced",
                        p.pollSequence, p.job.getJobId(), Failures.describe(e));
                p.done.completeExceptionally(new SwitchboardException("records cannot be encoded: " + Failures.describe(e), e));
                it.remove();
                continue;
            }
            statsKnown |= p.stats > 0;
            errorsKnown |= p.errors > 0;
            progressKnown = true;
        }
    }

    /** The keys and values of one poll's records. Thread-safe (the serializers are). */
    private Encoded encode(PollResult r) {
        String stats = topics.queueStats();
        List<QueueStat> statList = r.outcome().stats();
        String[] statKeys = new String[statList.size()];
        byte[][] statValues = new byte[statList.size()][];
        for (int i = 0; i < statKeys.length; i++) {
            QueueStat s = statList.get(i);
            statKeys[i] = s.getCredentialId() + "/" + s.getQueueId();
            statValues[i] = statSerializer.serialize(stats, s);
        }
        String errors = topics.pollErrors();
        List<PollError> errorList = r.outcome().errors();
        String[] errorKeys = new String[errorList.size()];
        byte[][] errorValues = new byte[errorList.size()][];
        for (int i = 0; i < errorKeys.length; i++) {
            PollError e = errorList.get(i);
            errorKeys[i] = e.getCredentialId() + "/" + (e.getJobId() == null ? r.job().getJobId() : e.getJobId());
            errorValues[i] = errorSerializer.serialize(errors, e);
        }
        PollProgress pr = r.progress();
        return new Encoded(statKeys, statValues, errorKeys, errorValues, pr.getJobId(), progressSerializer.serialize(topics.pollProgress(), pr));
    }

    private static boolean isFatal(Throwable e) {
        return e instanceof ProducerFencedException || e instanceof OutOfOrderSequenceException
                || e instanceof AuthorizationException || e instanceof AuthenticationException
                || e instanceof UnsupportedVersionException || e instanceof InvalidConfigurationException;
    }

    private SwitchboardException fatal(RuntimeException e) {
        String reason = e instanceof ProducerFencedException
                ? "another producer with transactional.id " + transactionalId + " started: two pollers run with the same"
                + " poller.instanceId; give every poller its own instance id"
                : KafkaAccessDeniedException.explain(e, "Write", producerProperties, "writing polls with transactional producer " + transactionalId)
                        .map(Throwable::getMessage)
                        .orElseGet(() -> "Kafka refused the transactional producer " + transactionalId + ": " + Failures.describe(e));
        SwitchboardException fatal = new SwitchboardException(reason, e);
        failPending(fatal);
        closeProducer();
        return fatal;
    }

    private static SwitchboardException retriable(String what, Throwable e) {
        return new SwitchboardException(what + " failed: " + Failures.describe(e) + "; retrying", e) {
            private static final long serialVersionUID = 1L;

            @Override
            public boolean isRetriable() {
                return true;
            }
        };
    }

    private void abortQuietly() {
        try {
            producer.abortTransaction();
        } catch (KafkaException | IllegalStateException e) {
            // cannot abort: a new producer with the same transactional.id aborts the open transaction on init
            closeProducer();
        }
    }

    private void closeProducer() {
        if (producer != null) {
            try {
                producer.close(Duration.ZERO);
            } catch (RuntimeException ignored) {
                // best effort
            }
            producer = null;
            initialized = false;
        }
    }

    private void failPending(Throwable error) {
        if (batch != null) {
            batch.forEach(p -> p.done.completeExceptionally(error));
            batch = null;
        }
        for (Pending p; (p = queue.poll()) != null; ) {
            p.done.completeExceptionally(error);
        }
    }

    /** Stops the loop (after the polls already handed over are written, if it can) and closes the producer. */
    @Override
    public void close() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while ((!queue.isEmpty() || batch != null) && thread.isAlive() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        closed = true;
        thread.interrupt();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        failPending(new SwitchboardException("the poll writer closed before this poll was written"));
        if (producer != null) {
            try {
                producer.close(Duration.ofSeconds(5));
            } catch (RuntimeException e) {
                LOG.warn("closing the transactional producer: {}", e.toString());
            }
            producer = null;
        }
    }

    /** A poll handed over: the poll until its records are encoded, their bytes after. */
    private static final class Pending {
        final PollJob job;
        final int partition;
        final long pollSequence;
        final int stats;
        final int errors;
        final CompletableFuture<Void> done;
        PollResult result;
        Encoded encoded;

        Pending(PollResult result, CompletableFuture<Void> done) {
            this.job = result.job();
            this.partition = result.partition();
            this.pollSequence = result.request().pollSequence();
            this.stats = result.outcome().stats().size();
            this.errors = result.outcome().errors().size();
            this.done = done;
            this.result = result;
        }

        /** Keeps the bytes and lets go of the poll's records (retries send the same bytes). */
        void encoded(Encoded e) {
            encoded = e;
            result = null;
        }

        int recordCount() {
            return stats + errors + 1;
        }
    }

    private record Encoded(String[] statKeys, byte[][] statValues, String[] errorKeys, byte[][] errorValues, String progressKey,
                           byte[] progressValue) {
    }
}
