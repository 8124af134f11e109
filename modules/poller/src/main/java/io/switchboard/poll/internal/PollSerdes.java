package io.switchboard.poll.internal;


import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;

import io.switchboard.registry.SchemaRegistryConfig;
import io.switchboard.registry.serde.AvroSerdes;

/**
 * The one place that decides how the poller's records are encoded: values are Avro in the Confluent wire format through
 * the schema registry (subject {@code <topic>-value}); keys are plain UTF-8 text ({@code credentialId/queueId} on
 * queue-stats, {@code credentialId/jobId} on poll-errors, {@code jobId} on poll-jobs and poll-progress).
 */
public final class PollSerdes {

    private PollSerdes() {
    }

    /**
     * Value serde for {@code type} over the whole registry configuration ({@code schemaRegistry.url} and
     * {@code schemaRegistry.properties}: HTTP Basic, bearer token, TLS, timeouts, retries).
     */
    public static <T extends SpecificRecord> Serde<T> value(Class<T> type, SchemaRegistryConfig registry) {
        return AvroSerdes.specific(type, registry, false);
    }

    /** Value serde for {@code type} with a registry that needs nothing but its URL (tests and tools). */
    public static <T extends SpecificRecord> Serde<T> value(Class<T> type, String registryUrl) {
        return value(type, SchemaRegistryConfig.of(registryUrl));
    }
}
