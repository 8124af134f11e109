package io.switchboard.registry.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

import io.switchboard.core.ConfigException;
import io.switchboard.registry.CompatibilityLevel;

class SchemaRegistryMainTest {

    @Test
    void parsesTheOptions() {
        EmbeddedSchemaRegistryOptions o = SchemaRegistryMain.parse(new String[] {"--bootstrap-servers", "k:9092", "--port=0",
                "--topic", "_schemas-dev", "--compatibility", "full"});
        assertThat(o.bootstrapServers()).isEqualTo("k:9092");
        assertThat(o.port()).isZero();
        assertThat(o.topic()).isEqualTo("_schemas-dev");
        assertThat(o.host()).isEqualTo("127.0.0.1");
        assertThat(o.defaultCompatibility()).isEqualTo(CompatibilityLevel.FULL);
        assertThat(SchemaRegistryMain.parse(new String[] {"--help"})).isNull();
    }

    @Test
    void reportsEveryProblemAtOnce() {
        assertThatThrownBy(() -> SchemaRegistryMain.parse(new String[] {"--port", "99999", "--compatibility", "SIDEWAYS", "--colour", "x"}))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).extracting(p -> p.key())
                        .containsExactlyInAnyOrder("--port", "--compatibility", "--colour", "--bootstrap-servers"));
    }
}
