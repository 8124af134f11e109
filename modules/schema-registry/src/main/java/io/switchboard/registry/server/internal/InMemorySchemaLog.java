package io.switchboard.registry.server.internal;

import io.switchboard.registry.CompatibilityLevel;

/**
 * A {@link SchemaLog} that applies every write straight to the state: one registry instance, nothing survives
 * {@link #close()}. For tests that have no broker (Kafka Streams' TopologyTestDriver). Thread-safe (the state is).
 */
public final class InMemorySchemaLog implements SchemaLog {

    private final RegistryState state;

    public InMemorySchemaLog(RegistryState state) {
        this.state = state;
    }

    @Override
    public void catchUp() {
        // every write is applied when it is made
    }

    @Override
    public RegistryState.Outcome appendSchema(String subject, int version, int id, String schema) {
        return state.applySchema(subject, version, id, schema);
    }

    @Override
    public void appendConfig(String subject, CompatibilityLevel level) {
        state.applyConfig(subject, level);
    }

    @Override
    public void close() {
    }
}
