package io.switchboard.token;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;

import io.switchboard.core.Secret;
import io.switchboard.core.Topics;
import io.switchboard.events.token.TokenRecord;
import io.switchboard.registry.SchemaRegistryConfig;
import io.switchboard.testkit.KafkaBroker;
import io.switchboard.token.internal.TokenCipher;
import io.switchboard.token.internal.TokenSerdes;

/** Writes token records the way a token manager does (encrypted headers, Avro in the Confluent wire format), for tests. */
final class TokenWriter implements AutoCloseable {

    private final Topics topics;
    private final SchemaRegistryConfig registry;
    private final TokenCipher cipher;
    private final Serializer<TokenRecord> serializer;
    private final KafkaProducer<String, byte[]> producer;

    TokenWriter(KafkaBroker broker, Topics topics, TokenKeys keys, SchemaRegistryConfig registry) {
        this.topics = topics;
        this.registry = registry;
        this.cipher = new TokenCipher(keys);
        this.serializer = TokenSerdes.value(TokenRecord.class, registry).serializer();
        Properties p = broker.clientProperties();
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        this.producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
    }

    /** Creates the token topics of {@code topics}: tokens (compacted, 3 partitions) and token-requests (3 partitions). */
    static void createTopics(KafkaBroker broker, Topics topics) {
        broker.createTopic(topics.tokens(), 3, Map.of("cleanup.policy", "compact"));
        broker.createTopic(topics.tokenRequests(), 3, Map.of());
    }

    /** The writer's registry URL. */
    String registryUrl() {
        return registry.urls().get(0).toString();
    }

    /** Writes version {@code version} of {@code credentialId}, expiring at {@code expiresAt}; waits for the ack. */
    void write(String credentialId, long version, Instant expiresAt) {
        send(credentialId, serializer.serialize(topics.tokens(), record(credentialId, version, expiresAt)));
    }

    /** The record {@link #write} writes: headers {@code Authorization: Bearer <id>-v<version>}, issued an hour before expiry. */
    TokenRecord record(String credentialId, long version, Instant expiresAt) {
        Instant issued = expiresAt.minus(Duration.ofHours(1));
        TokenRecord record = TokenRecord.newBuilder()
                .setCredentialId(credentialId)
                .setProvider("oauth2")
                .setVersion(version)
                .setIssuedAt(issued)
                .setExpiresAt(expiresAt)
                .setRefreshAfter(expiresAt.minus(Duration.ofMinutes(15)))
                .setGrantedScopes(List.of())
                .setMetadata(Map.of())
                .setOwnerId("tm-test")
                .setHeaders(cipher.encrypt(credentialId, version, Map.of("Authorization", Secret.of("Bearer " + credentialId + "-v" + version))))
                .build();
        return record;
    }

    /** Writes a tombstone for {@code credentialId}. */
    void remove(String credentialId) {
        send(credentialId, null);
    }

    private void send(String key, byte[] value) {
        try {
            producer.send(new ProducerRecord<>(topics.tokens(), key, value)).get();
        } catch (Exception e) {
            throw new IllegalStateException("could not write " + key + " to " + topics.tokens(), e);
        }
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
