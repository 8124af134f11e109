package io.switchboard.registry.server.internal;

import io.switchboard.registry.CompatibilityLevel;

/** Where the registry's writes go and how its reads catch up: a Kafka topic, or memory (tests without a broker). */
public interface SchemaLog extends AutoCloseable {

    /** Waits until every record written before this call has been applied to the state. */
    void catchUp();

    /** Appends a schema record and waits until it is applied; returns whether it won. */
    RegistryState.Outcome appendSchema(String subject, int version, int id, String schema);

    /** Appends a config record (level null = remove) and waits until it is applied. */
    void appendConfig(String subject, CompatibilityLevel level);

    @Override
    void close();
}
