package io.switchboard.token;

import java.util.Map;
import java.util.Objects;

import io.switchboard.core.Topics;

/**
 * What a {@link TokenTable} needs: Kafka client properties, topic names, decryption keys, the
 * schema registry and an id used as {@code requester} in refresh requests. Immutable.
 *
 * @param kafkaProperties   Kafka client properties, at least {@code bootstrap.servers}
 * @param topics            topic names (prefix)
 * @param keys              every key the writers may have used
 * @param schemaRegistryUrl schema registry URL for the record format
 * @param clientId          id of the reading instance (poller id, tool name)
 */
public record TokenTableConfig(
        Map<String, Object> kafkaProperties,
        Topics topics,
        TokenKeys keys,
        String schemaRegistryUrl,
        String clientId) {

    public TokenTableConfig {
        kafkaProperties = Map.copyOf(kafkaProperties);
        if (!kafkaProperties.containsKey("bootstrap.servers")) {
            throw new IllegalArgumentException("kafkaProperties must contain bootstrap.servers");
        }
        Objects.requireNonNull(topics, "topics");
        Objects.requireNonNull(keys, "keys");
        Objects.requireNonNull(clientId, "clientId");
    }
}
