package io.switchboard.registry.server.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.switchboard.core.supervise.Backoff;
import io.switchboard.core.supervise.Failures;
import io.switchboard.core.supervise.Supervisor;
import io.switchboard.registry.CompatibilityLevel;

/**
 * The registry's storage: a single-partition compacted topic replayed into a {@link RegistryState}.
 *
 * <p>Record layout follows Confluent's {@code _schemas} topic: key
 * {@code {"keytype":"SCHEMA","subject":s,"version":v,"magic":1}} with value
 * {@code {"subject","version","id","schema"}}, and key {@code {"keytype":"CONFIG","subject":s|null,"magic":0}}
 * with value {@code {"compatibilityLevel":…}}. Our schema keys add a random {@code nonce} so that a
 * record that lost a race (same subject and version as an earlier one) never shares a key with the
 * winner — compaction therefore never removes a schema record, and replay order stays what every
 * instance saw. Config keys have no nonce: compaction keeps the latest setting, as intended.
 *
 * <p>One consumer thread applies records in log order; writers append, then wait until the
 * consumer has applied their record to learn whether it won. The thread runs under a {@link Supervisor}
 * (component {@value #COMPONENT}): a broker outage (a {@code TimeoutException} from {@code endOffsets}, checked
 * every 5 s) is retried with backoff and jitter, meanwhile the registry answers 500 to writes and serves reads from
 * memory. Thread-safe.
 */
public final class KafkaSchemaLog implements SchemaLog {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaSchemaLog.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String topic;
    private final TopicPartition partition;
    private final RegistryState state;
    private final Admin admin;
    private final KafkaProducer<String, String> producer;
    private final KafkaConsumer<String, String> consumer;
    private final Thread reader;
    private final Object progress = new Object();
    private final ConcurrentHashMap<String, CompletableFuture<RegistryState.Outcome>> pending = new ConcurrentHashMap<>();
    private final Duration timeout;
    private final Supervisor supervisor;
    private volatile long position;
    private volatile boolean running = true;
    private volatile Throwable readerFailure;
    private Instant lastBrokerCheck = Instant.MIN;
    private boolean brokerCheckFailed;

    /** Name of the supervised component of the reader. */
    public static final String COMPONENT = "schema-log";
    private static final Duration BROKER_CHECK = Duration.ofSeconds(5);
    private static final Backoff BACKOFF = new Backoff(Duration.ofMillis(200), Duration.ofSeconds(5));

    /**
     * Creates the topic if needed (1 partition, compacted), starts replaying it and waits until the
     * replay reached the end.
     *
     * @param supervisor runs the reader as component {@value #COMPONENT}: a broker outage is retried with backoff
     *                   (RETRYING, readiness DOWN), a fatal failure fails the role
     */
    public KafkaSchemaLog(String bootstrapServers, String topic, Map<String, String> clientProperties, RegistryState state, Duration timeout,
                          Supervisor supervisor) {
        this.topic = topic;
        this.partition = new TopicPartition(topic, 0);
        this.state = state;
        this.timeout = timeout;
        this.supervisor = supervisor;
        Properties common = new Properties();
        common.putAll(clientProperties);
        common.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        this.admin = Admin.create(common);
        try {
            ensureTopic();
            Properties p = new Properties();
            p.putAll(common);
            p.put(ProducerConfig.ACKS_CONFIG, "all");
            p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
            p.put(ProducerConfig.LINGER_MS_CONFIG, "0");
            this.producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer());
            Properties c = new Properties();
            c.putAll(common);
            c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
            c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
            this.consumer = new KafkaConsumer<>(c, new StringDeserializer(), new StringDeserializer());
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
        } catch (RuntimeException e) {
            admin.close(Duration.ZERO);
            throw e;
        }
        this.reader = supervisor.loop(COMPONENT, BACKOFF, this::readStep);
        try {
            catchUp();
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    private void ensureTopic() {
        try {
            admin.createTopics(List.of(new NewTopic(topic, Optional.of(1), Optional.empty())
                            .configs(Map.of("cleanup.policy", "compact"))))
                    .all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            LOG.info("Created schema topic {} (1 partition, compacted)", topic);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException("Cannot create the schema topic '" + topic + "': " + e.getCause().getMessage()
                        + ". Create it yourself (1 partition, cleanup.policy=compact) or grant CreateTopics.", e.getCause());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating " + topic, e);
        } catch (TimeoutException e) {
            throw new IllegalStateException("Kafka did not answer within " + timeout + " while creating the schema topic '" + topic
                    + "'; check --bootstrap-servers", e);
        }
        // a topic just created (by us or another instance) may not be in every broker's metadata yet
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            try {
                TopicDescription d = admin.describeTopics(List.of(topic)).allTopicNames()
                        .get(timeout.toMillis(), TimeUnit.MILLISECONDS).get(topic);
                if (d.partitions().size() != 1) {
                    throw new IllegalStateException("Schema topic '" + topic + "' has " + d.partitions().size()
                            + " partitions; it needs exactly 1 so every instance sees one order. Use another --topic.");
                }
                return;
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException) || System.nanoTime() > deadline) {
                    throw new IllegalStateException("Cannot describe the schema topic '" + topic + "': " + e.getCause(), e.getCause());
                }
            } catch (TimeoutException e) {
                throw new IllegalStateException("Kafka did not describe the schema topic '" + topic + "' within " + timeout, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while describing " + topic, e);
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while describing " + topic, e);
            }
        }
    }

    /**
     * One round of the reader: poll and apply, check every few seconds (and after each failure) that the broker
     * answers, publish the position. A failure that is not retriable also fails the waiting writers.
     */
    private void readStep() {
        try {
            for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(100))) {
                apply(r);
            }
            Instant now = Instant.now();
            if (brokerCheckFailed || Duration.between(lastBrokerCheck, now).compareTo(BROKER_CHECK) >= 0) {
                brokerCheckFailed = true;
                consumer.endOffsets(List.of(partition), BROKER_CHECK);
                brokerCheckFailed = false;
                lastBrokerCheck = now;
            }
            long pos = consumer.position(partition, BROKER_CHECK);
            synchronized (progress) {
                position = pos;
                progress.notifyAll();
            }
        } catch (WakeupException e) {
            if (running) {
                throw e;
            }
            Thread.currentThread().interrupt(); // closing: ends the supervised loop quietly
        } catch (RuntimeException e) {
            if (running && !Failures.isRetriable(e) && !Failures.isInterruption(e)) {
                readerFailure = e;
                LOG.error("Schema log reader of {} stopped; this registry instance can no longer serve writes", topic);
                synchronized (progress) {
                    progress.notifyAll();
                }
            }
            throw e;
        }
    }

    private void apply(ConsumerRecord<String, String> r) {
        try {
            if (r.key() == null) {
                return;
            }
            JsonNode key = JSON.readTree(r.key());
            String type = key.path("keytype").asText();
            if ("SCHEMA".equals(type)) {
                if (r.value() == null) {
                    return;
                }
                JsonNode value = JSON.readTree(r.value());
                if (value.path("deleted").asBoolean(false)) {
                    return; // soft deletes by other tools are not supported; the version stays
                }
                RegistryState.Outcome outcome = state.applySchema(value.path("subject").asText(), value.path("version").asInt(),
                        value.path("id").asInt(), value.path("schema").asText());
                String nonce = key.path("nonce").asText(null);
                if (!outcome.accepted()) {
                    LOG.debug("Schema record at offset {} lost a race and is ignored: {}", r.offset(), outcome.reason());
                }
                if (nonce != null) {
                    CompletableFuture<RegistryState.Outcome> waiter = pending.remove(nonce);
                    if (waiter != null) {
                        waiter.complete(outcome);
                    }
                }
            } else if ("CONFIG".equals(type)) {
                String subject = key.hasNonNull("subject") ? key.get("subject").asText() : null;
                CompatibilityLevel level = null;
                if (r.value() != null) {
                    JsonNode value = JSON.readTree(r.value());
                    level = CompatibilityLevel.parse(value.path("compatibilityLevel").asText());
                }
                state.applyConfig(subject, level);
            }
        } catch (Exception e) {
            LOG.warn("Skipping unreadable record at offset {} of {}: {}", r.offset(), topic, e.toString());
        }
    }

    /** Waits until every record written before this call has been applied. */
    @Override
    public void catchUp() {
        long end;
        try {
            end = admin.listOffsets(Map.of(partition, OffsetSpec.latest())).partitionResult(partition)
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS).offset();
        } catch (ExecutionException | TimeoutException e) {
            throw new RegistryError(500, 50001, "Error in the backend data store: cannot read the end of '" + topic + "' (" + e + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RegistryError(500, 50002, "Interrupted");
        }
        awaitPosition(end);
    }

    private void awaitPosition(long offset) {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (progress) {
            while (position < offset) {
                if (readerFailure != null) {
                    throw new RegistryError(500, 50001, "Error in the backend data store: the reader of '" + topic + "' failed: " + readerFailure);
                }
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0) {
                    throw new RegistryError(500, 50002, "Operation timed out reading '" + topic + "' up to offset " + offset);
                }
                try {
                    progress.wait(left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new RegistryError(500, 50002, "Interrupted");
                }
            }
        }
    }

    /** Appends a schema record and waits until it is applied; returns whether it won. */
    @Override
    public RegistryState.Outcome appendSchema(String subject, int version, int id, String schema) {
        String nonce = UUID.randomUUID().toString();
        ObjectNode key = JSON.createObjectNode().put("keytype", "SCHEMA").put("subject", subject).put("version", version).put("magic", 1)
                .put("nonce", nonce);
        Map<String, Object> value = new LinkedHashMap<>();
        value.put("subject", subject);
        value.put("version", version);
        value.put("id", id);
        value.put("schema", schema);
        value.put("deleted", false);
        CompletableFuture<RegistryState.Outcome> outcome = new CompletableFuture<>();
        pending.put(nonce, outcome);
        try {
            send(key.toString(), JSON.writeValueAsString(value));
            return outcome.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RegistryError e) {
            throw e;
        } catch (TimeoutException e) {
            throw new RegistryError(500, 50002, "Operation timed out waiting for the schema record to be read back from '" + topic + "'");
        } catch (Exception e) {
            throw new RegistryError(500, 50001, "Error in the backend data store: " + e);
        } finally {
            pending.remove(nonce);
        }
    }

    /** Appends a config record (level null = remove) and waits until it is applied. */
    @Override
    public void appendConfig(String subject, CompatibilityLevel level) {
        ObjectNode key = JSON.createObjectNode().put("keytype", "CONFIG").put("magic", 0);
        if (subject == null) {
            key.putNull("subject");
        } else {
            key.put("subject", subject);
        }
        long offset = send(key.toString(), level == null ? null : JSON.createObjectNode().put("compatibilityLevel", level.name()).toString());
        awaitPosition(offset + 1);
    }

    private long send(String key, String value) {
        try {
            return producer.send(new ProducerRecord<>(topic, 0, key, value)).get(timeout.toMillis(), TimeUnit.MILLISECONDS).offset();
        } catch (ExecutionException | TimeoutException e) {
            throw new RegistryError(500, 50001, "Error in the backend data store: cannot write to '" + topic + "' (" + e + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RegistryError(500, 50002, "Interrupted");
        }
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            reader.join(1000);
            if (reader.isAlive()) { // waiting out a backoff
                reader.interrupt();
                reader.join(5000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            consumer.close(Duration.ZERO);
        } catch (RuntimeException e) {
            LOG.debug("closing the schema log consumer: {}", e.toString());
        }
        producer.close(Duration.ofSeconds(5));
        admin.close(Duration.ofSeconds(5));
    }
}
