package io.switchboard.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.switchboard.registry.server.EmbeddedSchemaRegistry;
import io.switchboard.simulator.SimulatorConfig;
import io.switchboard.simulator.VendorSimulator;
import io.switchboard.testkit.KafkaBroker;
import io.switchboard.testkit.WithKafka;

/**
 * A token manager and a reader built from its configuration ({@link TokenManagerConfig#tokenTableConfig()}) against a
 * schema registry that requires HTTP Basic credentials, given as {@code schemaRegistry.properties.basic.auth.user.info}:
 * the manager registers and publishes, the reader reads, every registry request carries the credentials, and none of
 * the configuration's printed forms shows the password.
 */
@WithKafka
class TokenManagerRegistryCredentialsIT {

    private static final Duration WAIT = Duration.ofSeconds(90);

    KafkaBroker broker;

    private final List<AutoCloseable> closeAfter = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = closeAfter.size() - 1; i >= 0; i--) {
            closeAfter.get(i).close();
        }
    }

    private <T extends AutoCloseable> T closing(T resource) {
        closeAfter.add(resource);
        return resource;
    }

    @Test
    void theManagerAndItsReaderUseTheRegistryCredentialsOfTheFile() throws Exception {
        String password = "registry-pw-" + UUID.randomUUID();
        EmbeddedSchemaRegistry registry = closing(EmbeddedSchemaRegistry.start(broker.bootstrapServers()));
        String basic = "Basic " + Base64.getEncoder().encodeToString(("token-manager:" + password).getBytes(StandardCharsets.UTF_8));
        AuthenticatingRegistryProxy proxy = closing(new AuthenticatingRegistryProxy(registry.url(), basic));
        VendorSimulator sim = closing(VendorSimulator.start(SimulatorConfig.defaults()));
        String prefix = "rc" + UUID.randomUUID().toString().substring(0, 8);
        String yaml = """
                kafka:
                  bootstrapServers: %s
                  topicPrefix: %s
                schemaRegistry:
                  url: %s
                  properties:
                    basic.auth.user.info: ${env:REGISTRY_USER_INFO}
                    max.retries: 1
                encryption:
                  activeKeyId: k1
                  keys:
                    k1: ${env:TOKEN_KEY}
                tokenManager:
                  ops: {port: -1}
                credentials:
                  - id: genesys
                    provider: genesys-cloud
                    tokenUrl: %s/oauth/token
                    apiBaseUrl: %s
                    clientId: genesys-client
                    clientSecret: ${env:GENESYS_SECRET}
                """.formatted(broker.bootstrapServers(), prefix, proxy.url(), sim.genesysLoginUrl(), sim.genesysApiUrl());
        Map<String, String> env = Map.of("REGISTRY_USER_INFO", "token-manager:" + password,
                "TOKEN_KEY", Base64.getEncoder().encodeToString(TokenKeysForTests.randomKey()), "GENESYS_SECRET", "genesys-secret");

        TokenManagerConfig config = TokenManagerConfig.parse(yaml, "switchboard.yaml", env).withInstanceId("tm-registry-credentials");
        TokenManager manager = closing(TokenManager.start(config));
        TokenTable reader = closing(TokenTable.start(config.withInstanceId("reader").tokenTableConfig()));
        await("the Genesys token read through the authenticating registry").atMost(WAIT)
                .until(() -> reader.current("genesys").isPresent() && manager.tokenTable().current("genesys").isPresent());

        assertThat(reader.current("genesys").orElseThrow().headers().get("Authorization").reveal()).startsWith("Bearer ");
        assertThat(proxy.authorizedRequests()).as("registry requests with the credentials").isPositive();
        assertThat(proxy.rejectedRequests()).as("registry requests without them").isZero();
        assertThat(reader.problems()).isEmpty();
        String printed = config.toString() + config.tokenTableConfig() + config.schemaRegistry();
        assertThat(printed).doesNotContain(password).contains("basic(****)");
    }
}
