package io.switchboard.simulator;

import io.switchboard.core.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static io.switchboard.simulator.SimHttp.basic;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The simulator's YAML configuration: values take effect, and every problem is reported at once. */
class SimulatorYamlConfigTest {

    @Test
    void yamlConfigStartsAServerWithItsClientsAndLimits(@TempDir Path dir) throws IOException {
        Path yaml = dir.resolve("sim.yaml");
        Files.writeString(yaml, """
                allowShortLifetimes: true
                generatedQueues: 2
                genesys:
                  rateLimitPerMinute: 50
                  clients:
                    - clientId: yaml-client
                      secret: yaml-secret
                      tokenLifetime: PT2S
                      permissions: [routing:queue:view]
                """);
        try (VendorSimulator sim = VendorSimulator.start(SimulatorConfig.fromYaml(yaml).toBuilder().port(0).build())) {
            assertThat(sim.config().genesys().rateLimitPerMinute()).isEqualTo(50);
            assertThat(sim.queueIds()).hasSize(7);
            var r = new SimHttp().post(sim.genesysLoginUrl() + "/oauth/token", "grant_type=client_credentials",
                    "Authorization", basic("yaml-client", "yaml-secret"), "Content-Type", "application/x-www-form-urlencoded");
            assertThat(SimHttp.json(r).getLong("expires_in")).isEqualTo(1L);
        }
    }

    @Test
    void yamlProblemsAreReportedTogether(@TempDir Path dir) throws IOException {
        Path yaml = dir.resolve("bad.yaml");
        Files.writeString(yaml, """
                port: 70000
                colour: blue
                genesys:
                  clients:
                    - clientId: c
                      secret: s
                      tokenLifetime: PT10S
                """);
        assertThatThrownBy(() -> SimulatorConfig.fromYaml(yaml)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("3 problems").hasMessageContaining("port").hasMessageContaining("colour")
                .hasMessageContaining("genesys.clients[0].tokenLifetime");
    }
}
