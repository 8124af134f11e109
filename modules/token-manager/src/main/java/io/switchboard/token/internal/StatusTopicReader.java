package io.switchboard.token.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.switchboard.core.Topics;
import io.switchboard.core.supervise.Failures;
import io.switchboard.events.token.TokenStatus;
import io.switchboard.registry.SchemaRegistryConfig;

/**
 * Reads the latest status event of given credentials from the compacted {@code <prefix>.token-status}
 * topic, so that a new owner continues where the previous one stopped (a parked credential stays
 * parked). Reads the topic from the beginning up to its end at the time of the call; the topic is
 * compacted, so that is one record per credential plus what compaction has not yet removed.
 *
 * <p>Not thread-safe: used by the ownership consumer's thread only. No consumer group.
 */
public final class StatusTopicReader implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(StatusTopicReader.class);
    private static final Duration POLL = Duration.ofMillis(200);

    private final String topic;
    private final Deserializer<TokenStatus> deserializer;
    private final KafkaConsumer<String, byte[]> consumer;

    public StatusTopicReader(Map<String, Object> kafkaProperties, Topics topics, SchemaRegistryConfig registry, String clientId) {
        this.topic = topics.tokenStatus();
        this.deserializer = TokenSerdes.value(TokenStatus.class, registry).deserializer();
        Map<String, Object> props = new HashMap<>(kafkaProperties);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId + "-token-status");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        this.consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
    }

    /**
     * The latest status event of each of {@code credentialIds} that has one.
     *
     * @param timeout how long the read may take; what was read by then is returned (with a WARN)
     */
    public Map<String, TokenStatus> latest(Collection<String> credentialIds, Duration timeout) {
        Map<String, TokenStatus> latest = new HashMap<>();
        if (credentialIds.isEmpty()) {
            return latest;
        }
        Set<String> wanted = Set.copyOf(credentialIds);
        Instant deadline = Instant.now().plus(timeout);
        try {
            List<PartitionInfo> infos = consumer.partitionsFor(topic, timeout);
            List<TopicPartition> partitions = infos == null ? List.of()
                    : infos.stream().map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
            while (!TopicCatchUp.reached(consumer, end)) {
                if (Instant.now().isAfter(deadline)) {
                    LOG.warn("reading {} took longer than {}; deciding about {} with the {} status event(s) read so far",
                            topic, timeout, wanted, latest.size());
                    break;
                }
                for (ConsumerRecord<String, byte[]> r : consumer.poll(POLL)) {
                    if (r.key() == null || !wanted.contains(r.key())) {
                        continue;
                    }
                    if (r.value() == null) {
                        latest.remove(r.key());
                        continue;
                    }
                    try {
                        latest.put(r.key(), decode(r, deadline));
                    } catch (RuntimeException e) { // an event this version cannot read: as if there were none
                        LOG.warn("{} the status event of {} at {}-{}@{}: {}", Failures.isRetriable(e)
                                        ? "the registry did not answer within " + timeout + "; deciding without" : "skipping",
                                r.key(), topic, r.partition(), r.offset(), e.getMessage());
                    }
                }
            }
        } catch (org.apache.kafka.common.errors.WakeupException | org.apache.kafka.common.errors.InterruptException e) {
            throw e;
        } catch (RuntimeException e) {
            LOG.warn("could not read {} ({}); deciding about {} without the previous owner's status", topic, e.toString(), wanted);
        }
        return latest;
    }

    /**
     * Decodes a status event; while the registry is unreachable (a retriable failure) it tries again every 200 ms
     * until {@code deadline}, so a registry outage does not make a parked credential look unparked.
     */
    private TokenStatus decode(ConsumerRecord<String, byte[]> r, Instant deadline) {
        while (true) {
            try {
                return deserializer.deserialize(topic, r.value());
            } catch (RuntimeException e) {
                if (!Failures.isRetriable(e) || Instant.now().isAfter(deadline)) {
                    throw e;
                }
                try {
                    Thread.sleep(200);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    @Override
    public void close() {
        consumer.close(Duration.ofSeconds(5));
    }
}
