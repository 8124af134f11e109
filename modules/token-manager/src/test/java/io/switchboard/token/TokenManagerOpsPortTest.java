package io.switchboard.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.switchboard.core.ConfigException;
import io.vertx.core.Vertx;

/**
 * "Start it twice for a hot standby" on one host: the second instance's ops port is taken. That is a
 * configuration problem naming {@code tokenManager.ops.port}, found before the instance touches Kafka (the broker
 * address here does not even listen).
 */
class TokenManagerOpsPortTest {

    private static String yaml(int opsPort, int deadKafkaPort) {
        return """
                kafka:
                  bootstrapServers: 127.0.0.1:%d
                schemaRegistry:
                  url: http://127.0.0.1:%d
                encryption:
                  activeKeyId: k1
                  keys:
                    k1: ${env:SWITCHBOARD_TOKEN_KEY}
                ops:
                  port: %d
                credentials:
                  - id: genesys-eu
                    provider: genesys-cloud
                    region: mypurecloud.ie
                    clientId: gen-client
                    clientSecret: ${env:GENESYS_SECRET}
                """.formatted(deadKafkaPort, deadKafkaPort, opsPort);
    }

    private static int closedPort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Test
    void theDocumentedExampleGivesEveryInstanceOnAHostItsOwnFreeOpsPort() {
        Map<String, String> env = new java.util.HashMap<>();
        for (String name : List.of("GENESYS_SECRET", "CXONE_SECRET", "CXONE_KEY_SECRET", "COGNOS_PASSWORD", "AUTH0_SECRET", "OAUTH2_SECRET")) {
            env.put(name, "x");
        }
        env.put("SWITCHBOARD_TOKEN_KEY", Base64.getEncoder().encodeToString(TokenKeysForTests.randomKey()));
        TokenManagerConfig example = TokenManagerConfig.load(java.nio.file.Path.of("../../docs/examples/simulator.yaml"), env);
        assertThat(example.opsPort()).as("ops.port of docs/examples/simulator.yaml (README: start it twice)").isZero();
    }

    @Test
    void aTakenOpsPortIsAConfigurationProblemNamingTheKeyBeforeKafkaIsContacted() throws Exception {
        Map<String, String> env = Map.of("SWITCHBOARD_TOKEN_KEY", Base64.getEncoder().encodeToString(TokenKeysForTests.randomKey()),
                "GENESYS_SECRET", "gen-secret");
        Vertx vertx = Vertx.vertx();
        try (ServerSocket first = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            int taken = first.getLocalPort();
            TokenManagerConfig config = TokenManagerConfig.parse(yaml(taken, closedPort()), "switchboard.yaml", env);
            assertThatThrownBy(() -> TokenManager.start(config, vertx, List.of()))
                    .isInstanceOfSatisfying(ConfigException.class, e -> {
                        assertThat(e.problems()).singleElement().satisfies(p -> {
                            assertThat(p.key()).isEqualTo(TokenManagerConfig.OPS_PORT.name()).endsWith("ops.port");
                            assertThat(p.value()).isEqualTo(Integer.toString(taken));
                            assertThat(p.message()).contains("already in use", TokenManagerConfig.OPS_PORT.name() + ": 0",
                                    TokenManagerConfig.OPS_PORT.envVar());
                        });
                    });
            // The port stays with its owner; the failed start left nothing listening of its own.
            assertThat(first.isBound()).isTrue();
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().join();
        }
    }
}
