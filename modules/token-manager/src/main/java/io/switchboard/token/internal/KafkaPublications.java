package io.switchboard.token.internal;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.switchboard.core.Topics;
import io.switchboard.core.kafka.KafkaAccessDeniedException;
import io.switchboard.events.token.TokenRecord;
import io.switchboard.events.token.TokenStatus;
import io.switchboard.registry.SchemaRegistryConfig;

/**
 * Publishes tokens, tombstones and status events with one idempotent producer ({@code acks=all},
 * no linger: a token is worth sending at once). Never throws: every failure (registry unreachable while
 * encoding, broker outage past {@code delivery.timeout.ms}) fails the returned future. Thread-safe.
 */
public final class KafkaPublications implements Publications, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaPublications.class);

    private final Topics topics;
    private final Serializer<TokenRecord> serializer;
    private final Serializer<TokenStatus> statusSerializer;
    private final KafkaProducer<String, byte[]> producer;
    private final Map<String, Object> producerProperties;

    public KafkaPublications(Map<String, Object> kafkaProperties, Topics topics, SchemaRegistryConfig registry, String clientId) {
        this.topics = topics;
        this.serializer = TokenSerdes.value(TokenRecord.class, registry).serializer();
        this.statusSerializer = TokenSerdes.value(TokenStatus.class, registry).serializer();
        Map<String, Object> props = new HashMap<>(kafkaProperties);
        props.put(ProducerConfig.CLIENT_ID_CONFIG, clientId + "-tokens");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        // send() runs on the scheduler's thread: during a broker outage (no metadata) it waits at most this long,
        // then the publish fails and the login is retried with backoff, instead of holding every credential's work
        props.putIfAbsent(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
        this.producerProperties = Map.copyOf(props);
        this.producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
    }

    @Override
    public CompletableFuture<Void> publish(TokenRecord record) {
        byte[] value;
        try {
            value = serializer.serialize(topics.tokens(), record);
        } catch (RuntimeException e) { // the registry is unreachable: a failed publish the scheduler retries, never a thrown one
            return CompletableFuture.failedFuture(e);
        }
        return send(new ProducerRecord<>(topics.tokens(), record.getCredentialId(), value));
    }

    @Override
    public CompletableFuture<Void> tombstone(String credentialId) {
        return send(new ProducerRecord<>(topics.tokens(), credentialId, null));
    }

    @Override
    public void status(TokenStatus status) {
        String topic = topics.tokenStatus();
        byte[] value;
        try {
            value = statusSerializer.serialize(topic, status);
        } catch (RuntimeException e) { // the registry is unreachable: the status is best effort, the token is not
            LOG.warn("could not encode the status of {} for {}: {}", status.getCredentialId(), topic, e.toString());
            return;
        }
        send(new ProducerRecord<>(topic, status.getCredentialId(), value)).whenComplete((v, e) -> {
            if (e != null) {
                LOG.warn("could not publish the status of {} to {}: {}", status.getCredentialId(), topic, e.toString());
            }
        });
    }

    /** Waits until everything sent is acknowledged (or failed). */
    public void flush() {
        producer.flush();
    }

    private CompletableFuture<Void> send(ProducerRecord<String, byte[]> record) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        try {
            producer.send(record, (metadata, error) -> {
                if (error == null) {
                    done.complete(null);
                } else {
                    done.completeExceptionally(explained(error, record.topic()));
                }
            });
        } catch (RuntimeException e) {
            done.completeExceptionally(explained(e, record.topic()));
        }
        return done;
    }

    /** A missing ACL or a failed login becomes a sentence naming the ACL and how to grant it; anything else stays as it is. */
    private Throwable explained(Throwable error, String topic) {
        return KafkaAccessDeniedException.explainOrSame(error, "Write", producerProperties, "publishing to " + topic);
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(10));
    }
}
