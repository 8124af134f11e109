package io.switchboard.poll.internal;

import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.switchboard.registry.SchemaRegistryConfig;
import io.switchboard.core.SwitchboardException;
import io.switchboard.core.Topics;
import io.switchboard.events.poll.PollError;
import io.switchboard.events.poll.PollJob;

/**
 * Reads the whole compacted {@code poll-jobs} topic (for {@code switchboard jobs list|apply}) and writes job records,
 * each into the partition of its credential ({@link CredentialPartitioner}), plus planning errors to
 * {@code poll-errors}. Not thread-safe: one user at a time.
 */
public final class PollJobsStore implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PollJobsStore.class);

    private final Map<String, Object> kafkaProperties;
    private final Topics topics;
    private final String clientId;
    private final Serializer<PollJob> jobSerializer;
    private final Deserializer<PollJob> jobDeserializer;
    private final Serializer<PollError> errorSerializer;
    private KafkaProducer<String, byte[]> producer;
    private int partitions;

    public PollJobsStore(Map<String, Object> kafkaProperties, Topics topics, SchemaRegistryConfig schemaRegistry, String clientId) {
        this.kafkaProperties = Map.copyOf(kafkaProperties);
        this.topics = topics;
        this.clientId = clientId;
        this.jobSerializer = PollSerdes.value(PollJob.class, schemaRegistry).serializer();
        this.jobDeserializer = PollSerdes.value(PollJob.class, schemaRegistry).deserializer();
        this.errorSerializer = PollSerdes.value(PollError.class, schemaRegistry).serializer();
    }

    /** Every job on the topic now, by job id (tombstoned ones left out). */
    public Map<String, PollJob> readAll(Duration timeout) {
        Map<String, Object> props = new HashMap<>(kafkaProperties);
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId + "-jobs-reader");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        Map<String, PollJob> jobs = new LinkedHashMap<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> parts = consumer.partitionsFor(topics.pollJobs(), timeout).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
            Map<TopicPartition, Long> end = consumer.endOffsets(parts, timeout);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!TopicPositions.reached(consumer, end)) {
                if (System.nanoTime() > deadline) {
                    throw new SwitchboardException("reading " + topics.pollJobs() + " took longer than " + timeout.toSeconds() + " s");
                }
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (r.key() == null) {
                        continue;
                    }
                    if (r.value() == null) {
                        jobs.remove(r.key());
                    } else {
                        try {
                            jobs.put(r.key(), jobDeserializer.deserialize(r.topic(), r.value()));
                        } catch (RuntimeException e) {
                            if (io.switchboard.core.supervise.Failures.isRetriable(e)) {
                                throw e;
                            }
                            LOG.warn("skipping a record on {}-{} offset {} that is not a PollJob: {}", r.topic(), r.partition(),
                                    r.offset(), e.getMessage());
                        }
                    }
                }
            }
        }
        return jobs;
    }

    /** Writes {@code jobs} (each into its credential's partition) and tombstones {@code removed}; waits for the acks. */
    public int write(List<PollJob> jobs, Map<String, String> removedJobIdToCredential) {
        KafkaProducer<String, byte[]> p = producer();
        String topic = topics.pollJobs();
        List<Future<RecordMetadata>> sent = new java.util.ArrayList<>();
        for (PollJob job : jobs) {
            int partition = CredentialPartitioner.partitionOf(job.getCredentialId(), partitions);
            sent.add(p.send(new ProducerRecord<>(topic, partition, job.getJobId(), jobSerializer.serialize(topic, job))));
        }
        removedJobIdToCredential.forEach((jobId, credentialId) -> sent.add(p.send(new ProducerRecord<>(topic,
                CredentialPartitioner.partitionOf(credentialId, partitions), jobId, null))));
        await(sent);
        return sent.size();
    }

    /** Writes a planning error to poll-errors. */
    public void error(PollError error) {
        String topic = topics.pollErrors();
        await(List.of(producer().send(new ProducerRecord<>(topic, error.getCredentialId() + "/" + (error.getJobId() == null ? "plan"
                : error.getJobId()), errorSerializer.serialize(topic, error)))));
    }

    private static void await(List<Future<RecordMetadata>> sent) {
        try {
            for (Future<RecordMetadata> f : sent) {
                f.get(60, TimeUnit.SECONDS);
            }
        } catch (ExecutionException e) {
            throw new SwitchboardException("writing poll jobs failed: " + e.getCause().getMessage(), e.getCause()) {
                private static final long serialVersionUID = 1L;

                @Override
                public boolean isRetriable() {
                    return e.getCause() instanceof org.apache.kafka.common.errors.RetriableException;
                }
            };
        } catch (java.util.concurrent.TimeoutException e) {
            throw new SwitchboardException("Kafka did not acknowledge the poll jobs within 60 s", e) {
                private static final long serialVersionUID = 1L;

                @Override
                public boolean isRetriable() {
                    return true;
                }
            };
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SwitchboardException("interrupted while writing poll jobs", e);
        }
    }

    private KafkaProducer<String, byte[]> producer() {
        if (producer == null) {
            Map<String, Object> props = new HashMap<>(kafkaProperties);
            props.put(ProducerConfig.CLIENT_ID_CONFIG, clientId + "-jobs-writer");
            props.put(ProducerConfig.ACKS_CONFIG, "all");
            props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
            props.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, 0);
            producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
            partitions = producer.partitionsFor(topics.pollJobs()).size();
        }
        return producer;
    }

    @Override
    public void close() {
        if (producer != null) {
            producer.close(Duration.ofSeconds(5));
            producer = null;
        }
    }
}
