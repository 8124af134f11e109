package io.switchboard.registry.serde;

import java.util.Map;

import org.apache.avro.generic.GenericRecord;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;

import io.switchboard.registry.SchemaRegistryConfig;
import io.switchboard.registry.serde.internal.SharedClients;

/** Factories for configured Avro serdes in the Confluent wire format. */
public final class AvroSerdes {

    private AvroSerdes() {
    }

    /**
     * A serde for a generated Avro class: writes with the class's schema (registered or looked up
     * under the subject), reads any compatible writer schema into the class.
     *
     * @param type   the generated class, e.g. {@code QueueStat.class}
     * @param config Confluent-named keys, {@code schema.registry.url} at least
     * @param isKey  whether the serde is for record keys (decides the {@code -key} / {@code -value} subject)
     * @throws io.switchboard.core.ConfigException listing every configuration problem
     */
    public static <T extends SpecificRecord> Serde<T> specific(Class<T> type, Map<String, ?> config, boolean isKey) {
        AvroSerde<T> serde = new AvroSerde<>();
        serde.configure(config, isKey);
        serde.readerClass(type);
        return serde;
    }

    /**
     * A serde for a generated Avro class over a typed registry configuration (basic auth, bearer token, TLS
     * included), with the other serde settings at their defaults (auto-register, topic-name subjects). Serdes built
     * from equal configurations share one registry client, so a schema is fetched once per process.
     */
    public static <T extends SpecificRecord> Serde<T> specific(Class<T> type, SchemaRegistryConfig registry, boolean isKey) {
        return new AvroSerde<>(SharedClients.forConfig(registry), AvroSerdeConfig.of(registry), isKey, type);
    }

    /**
     * A serde for {@link GenericRecord}s (read in their writer schema).
     *
     * @throws io.switchboard.core.ConfigException listing every configuration problem
     */
    public static Serde<GenericRecord> generic(Map<String, ?> config, boolean isKey) {
        AvroSerde<GenericRecord> serde = new AvroSerde<>();
        serde.configure(config, isKey);
        return serde;
    }
}
