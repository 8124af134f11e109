package io.switchboard.registry.server;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;

import io.switchboard.registry.CompatibilityLevel;

/**
 * Settings of an {@link EmbeddedSchemaRegistry}. Immutable.
 *
 * @param bootstrapServers     Kafka cluster holding the schema topic
 * @param topic                the schema topic ({@code _schemas} by default); created with 1 partition, compacted
 * @param host                 address to bind ({@code 127.0.0.1} by default)
 * @param port                 port to bind, 0 = any free port
 * @param defaultCompatibility global level until someone sets one ({@code BACKWARD})
 * @param kafkaProperties      extra Kafka client properties (security settings, …)
 * @param timeout              how long a Kafka read or write may take before the registry answers 500
 */
public record EmbeddedSchemaRegistryOptions(String bootstrapServers, String topic, String host, int port,
                                            CompatibilityLevel defaultCompatibility, Map<String, String> kafkaProperties,
                                            Duration timeout) {

    /** The default schema topic, as Confluent's. */
    public static final String DEFAULT_TOPIC = "_schemas";

    public EmbeddedSchemaRegistryOptions {
        Objects.requireNonNull(bootstrapServers, "bootstrapServers");
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(defaultCompatibility, "defaultCompatibility");
        kafkaProperties = Map.copyOf(kafkaProperties);
        Objects.requireNonNull(timeout, "timeout");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port " + port + " is not between 0 and 65535");
        }
    }

    /** Defaults: topic {@code _schemas}, 127.0.0.1, any free port, BACKWARD, 30 s. */
    public static EmbeddedSchemaRegistryOptions defaults(String bootstrapServers) {
        return new EmbeddedSchemaRegistryOptions(bootstrapServers, DEFAULT_TOPIC, "127.0.0.1", 0, CompatibilityLevel.BACKWARD, Map.of(),
                Duration.ofSeconds(30));
    }

    /** With another schema topic. */
    public EmbeddedSchemaRegistryOptions withTopic(String topic) {
        return new EmbeddedSchemaRegistryOptions(bootstrapServers, topic, host, port, defaultCompatibility, kafkaProperties, timeout);
    }

    /** With another port. */
    public EmbeddedSchemaRegistryOptions withPort(int port) {
        return new EmbeddedSchemaRegistryOptions(bootstrapServers, topic, host, port, defaultCompatibility, kafkaProperties, timeout);
    }

    /** With another bind address. */
    public EmbeddedSchemaRegistryOptions withHost(String host) {
        return new EmbeddedSchemaRegistryOptions(bootstrapServers, topic, host, port, defaultCompatibility, kafkaProperties, timeout);
    }

    /** With another default compatibility level. */
    public EmbeddedSchemaRegistryOptions withDefaultCompatibility(CompatibilityLevel level) {
        return new EmbeddedSchemaRegistryOptions(bootstrapServers, topic, host, port, level, kafkaProperties, timeout);
    }

    /** With extra Kafka client properties. */
    public EmbeddedSchemaRegistryOptions withKafkaProperties(Map<String, String> properties) {
        return new EmbeddedSchemaRegistryOptions(bootstrapServers, topic, host, port, defaultCompatibility, properties, timeout);
    }
}
