package io.switchboard.token.internal;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;

import io.switchboard.registry.SchemaRegistryConfig;
import io.switchboard.registry.serde.AvroSerdes;

/**
 * The one place that decides how token records, refresh requests and status events are encoded on Kafka.
 * Values use Avro in the Confluent wire format through the schema registry; keys are plain UTF-8
 * credential ids (so the default partitioner places a request exactly where the owner expects it).
 */
public final class TokenSerdes {

    private TokenSerdes() {
    }

    /**
     * Value serde for {@code type}, over the full registry configuration (basic auth, bearer token, TLS).
     *
     * @param registry how to reach the schema registry
     */
    public static <T extends SpecificRecord> Serde<T> value(Class<T> type, SchemaRegistryConfig registry) {
        return AvroSerdes.specific(type, registry, false);
    }

    /**
     * Value serde for {@code type}.
     *
     * @param registryUrl schema registry URL (a {@code user:password@} in it becomes HTTP Basic credentials)
     */
    public static <T extends SpecificRecord> Serde<T> value(Class<T> type, String registryUrl) {
        return value(type, SchemaRegistryConfig.of(registryUrl));
    }
}
