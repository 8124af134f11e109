package io.switchboard.registry.serde.internal;

import java.util.concurrent.ConcurrentHashMap;

import io.switchboard.registry.SchemaRegistryClient;
import io.switchboard.registry.SchemaRegistryConfig;

/**
 * One {@link SchemaRegistryClient} per registry configuration in the process, shared by every
 * serializer and deserializer configured alike, so a schema is registered or fetched once per process.
 */
public final class SharedClients {

    private static final ConcurrentHashMap<SchemaRegistryConfig, SchemaRegistryClient> CLIENTS = new ConcurrentHashMap<>();

    private SharedClients() {
    }

    /** The shared client for this configuration. */
    public static SchemaRegistryClient forConfig(SchemaRegistryConfig config) {
        return CLIENTS.computeIfAbsent(config, SchemaRegistryClient::new);
    }
}
