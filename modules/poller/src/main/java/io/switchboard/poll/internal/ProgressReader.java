package io.switchboard.poll.internal;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.switchboard.registry.SchemaRegistryConfig;
import io.switchboard.core.SwitchboardException;
import io.switchboard.events.poll.PollProgress;

/**
 * Reads one partition of the compacted {@code poll-progress} topic from its beginning, {@code read_committed}: only
 * progress that was committed together with its poll's records, up to the last stable offset (a crashed owner's open
 * transaction is left out; it is aborted by the broker). Used on assignment so that a job continues at the sequence
 * and interval where its previous owner stopped. One consumer, used by one thread.
 */
final class ProgressReader implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ProgressReader.class);
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(30);

    private final String topic;
    private final KafkaConsumer<String, byte[]> consumer;
    private final Deserializer<PollProgress> deserializer;

    ProgressReader(Map<String, Object> kafkaProperties, String topic, SchemaRegistryConfig schemaRegistry, String clientId) {
        this.topic = topic;
        Map<String, Object> props = new HashMap<>(kafkaProperties);
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId + "-progress");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        this.consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
        this.deserializer = PollSerdes.value(PollProgress.class, schemaRegistry).deserializer();
    }

    /** The committed progress of every job in {@code partition}, by job id. */
    Map<String, JobProgress> read(int partition) {
        TopicPartition tp = new TopicPartition(topic, partition);
        consumer.assign(List.of(tp));
        consumer.seekToBeginning(List.of(tp));
        long end = consumer.endOffsets(List.of(tp)).get(tp);
        Map<String, JobProgress> out = new HashMap<>();
        long deadline = System.nanoTime() + READ_TIMEOUT.toNanos();
        while (consumer.position(tp) < end) {
            if (System.nanoTime() > deadline) {
                throw new SwitchboardException("reading " + tp + " up to offset " + end + " took longer than " + READ_TIMEOUT.toSeconds()
                        + " s (at " + consumer.position(tp) + ")") {
                    private static final long serialVersionUID = 1L;

                    @Override
                    public boolean isRetriable() {
                        return true;
                    }
                };
            }
            for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                if (r.key() == null) {
                    continue;
                }
                if (r.value() == null) {
                    out.remove(r.key());
                    continue;
                }
                try {
                    out.put(r.key(), JobProgress.of(deserializer.deserialize(topic, r.value())));
                } catch (RuntimeException e) {
                    if (io.switchboard.core.supervise.Failures.isRetriable(e)) {
                        throw e;
                    }
                    LOG.warn("skipping a record on {} offset {} that is not a PollProgress: {}", tp, r.offset(), e.getMessage());
                }
            }
        }
        consumer.assign(List.of());
        return out;
    }

    @Override
    public void close() {
        consumer.close(Duration.ofSeconds(2));
    }
}
