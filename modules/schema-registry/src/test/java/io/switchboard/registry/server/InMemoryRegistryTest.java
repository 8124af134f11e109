package io.switchboard.registry.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.junit.jupiter.api.Test;

import io.switchboard.registry.IncompatibleSchemaException;
import io.switchboard.registry.SchemaRegistryClient;

/** The embedded registry without a broker: the same HTTP API and rules, schemas in memory (for TopologyTestDriver tests). */
class InMemoryRegistryTest {

    @Test
    void registersLooksUpAndChecksCompatibilityOverRealHttp() {
        Schema v1 = SchemaBuilder.record("Stat").namespace("t").fields().requiredString("queue").endRecord();
        Schema v2 = SchemaBuilder.record("Stat").namespace("t").fields().requiredString("queue").optionalInt("waiting").endRecord();
        Schema breaking = SchemaBuilder.record("Stat").namespace("t").fields().requiredInt("queue").endRecord();
        try (EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.startInMemory()) {
            assertThat(registry.url()).startsWith("http://127.0.0.1:");
            SchemaRegistryClient client = SchemaRegistryClient.fromConfigs(Map.of("schema.registry.url", registry.url()));
            int id = client.register("stats-value", v1);
            assertThat(client.register("stats-value", v1)).as("the same schema keeps its id").isEqualTo(id);
            assertThat(client.getSchemaById(id)).isEqualTo(v1);
            assertThat(client.register("stats-value", v2)).isNotEqualTo(id);
            assertThat(client.getVersions("stats-value")).containsExactly(1, 2);
            assertThatThrownBy(() -> client.register("stats-value", breaking)).isInstanceOf(IncompatibleSchemaException.class);
            assertThat(registry.health().up()).isTrue();
        }
    }
}
