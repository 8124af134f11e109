package io.switchboard.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.switchboard.core.ConfigException;
import io.switchboard.registry.SchemaRegistryConfig;

class TokenManagerConfigTest {

    private static final String KEY = Base64.getEncoder().encodeToString(new byte[32]);

    private static final String MINIMAL = """
            kafka:
              bootstrapServers: 127.0.0.1:9092
            schemaRegistry:
              url: http://127.0.0.1:8081
            encryption:
              activeKeyId: k1
              keys:
                k1: ${env:SWITCHBOARD_TOKEN_KEY}
            credentials:
              - id: genesys-eu
                provider: genesys-cloud
                region: mypurecloud.ie
                clientId: gen-client
                clientSecret: ${env:GENESYS_SECRET}
            """;

    @Test
    void minimalFileGetsTheDocumentedDefaults() {
        TokenManagerConfig c = TokenManagerConfig.parse(MINIMAL, "tm.yaml", Map.of("SWITCHBOARD_TOKEN_KEY", KEY, "GENESYS_SECRET", "gen-secret"));
        assertThat(c.bootstrapServers()).isEqualTo("127.0.0.1:9092");
        assertThat(c.topicPrefix()).isEqualTo("switchboard");
        assertThat(c.topics().tokens()).isEqualTo("switchboard.tokens");
        assertThat(c.refresh()).isEqualTo(RefreshSettings.defaults());
        assertThat(c.opsPort()).isEqualTo(9401);
        assertThat(c.opsHost()).isEqualTo("127.0.0.1");
        assertThat(c.requestPartitions()).isEqualTo(12);
        assertThat(c.keys().activeKeyId()).isEqualTo("k1");
        assertThat(c.instanceId()).isNotBlank();
        assertThat(c.credentials()).singleElement().satisfies(spec -> {
            assertThat(spec.id()).isEqualTo("genesys-eu");
            assertThat(spec.tokenUrl()).isEqualTo("https://login.mypurecloud.ie/oauth/token");
        });
    }

    @Test
    void environmentOverridesTheFile() {
        TokenManagerConfig c = TokenManagerConfig.parse(MINIMAL + "refresh:\n  minRemaining: 5m\n", "tm.yaml", Map.of(
                "SWITCHBOARD_TOKEN_KEY", KEY, "GENESYS_SECRET", "gen-secret",
                "SWITCHBOARD_KAFKA_BOOTSTRAP_SERVERS", "broker-1:9093,broker-2:9093",
                "SWITCHBOARD_REFRESH_LIFETIME_SHARE", "0.5",
                "SWITCHBOARD_OPS_PORT", "-1"));
        assertThat(c.bootstrapServers()).isEqualTo("broker-1:9093,broker-2:9093");
        assertThat(c.refresh().lifetimeShare()).isEqualTo(0.5);
        assertThat(c.refresh().minRemaining()).isEqualTo(Duration.ofMinutes(5));
        assertThat(c.opsPort()).isEqualTo(-1);
    }

    @Test
    void everyProblemIsReportedAtOnceAndSecretsAreMasked() {
        String yaml = """
                kafka:
                  bootstrapServers: not a host list
                  properties:
                    sasl.jaas.config: "org.apache.kafka.common.security.plain.PlainLoginModule password=hunter2"
                    ssl.key.password: ${env:MISSING_KAFKA_PASSWORD}
                schemaRegistry:
                  url: ftp://registry
                encryption:
                  activeKeyId: k9
                  keys:
                    k1: ${env:SHORT_KEY}
                    k2: c3VwZXJzZWNyZXQ=
                refresh:
                  lifetimeShare: 1.5
                  jitter: -0.1
                  minRemaining: two minutes
                  backoffInitial: PT10M
                  backoffMax: PT1M
                ops:
                  port: 70000
                  colour: blue
                credentials: {id: x}
                typo: 1
                """;
        assertThatThrownBy(() -> TokenManagerConfig.parse(yaml, "tm.yaml", Map.of("SHORT_KEY", "c2hvcnQ=")))
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> {
                    ConfigException ce = (ConfigException) e;
                    assertThat(ce.problems()).extracting(p -> p.key()).contains(
                            "kafka.bootstrapServers", "kafka.properties.ssl.key.password", "schemaRegistry.url",
                            "encryption.keys.k1", "encryption.keys.k2", "refresh.lifetimeShare", "refresh.jitter",
                            "refresh.minRemaining", "refresh.backoffMax", "ops.port", "ops.colour", "credentials", "typo");
                    assertThat(ce.getMessage())
                            .contains("encryption.keys.k1 = ${env:SHORT_KEY}: decodes to 5 bytes")
                            .contains("secrets are not accepted inline")
                            .contains("openssl rand -base64 32")
                            .doesNotContain("c2hvcnQ=").doesNotContain("c3VwZXJzZWNyZXQ=");
                });
    }

    @Test
    void missingRequiredKeysNameTheirEnvironmentVariables() {
        assertThatThrownBy(() -> TokenManagerConfig.parse("", "tm.yaml", Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("kafka.bootstrapServers: is required")
                .hasMessageContaining("SWITCHBOARD_KAFKA_BOOTSTRAP_SERVERS")
                .hasMessageContaining("schemaRegistry.url: is required")
                .hasMessageContaining("encryption.keys: is required")
                .hasMessageContaining("openssl rand -base64 32")
                .hasMessageContaining("encryption.activeKeyId: is required")
                .hasMessageContaining("credentials: is required");
    }

    @Test
    void toStringMasksCredentialLikeKafkaProperties() {
        TokenManagerConfig withJaas = TokenManagerConfig.parse("""
                kafka:
                  bootstrapServers: h:1
                  properties:
                    sasl.jaas.config: ${env:JAAS}
                schemaRegistry: {url: "http://r:1"}
                encryption: {activeKeyId: k1, keys: {k1: "${env:SWITCHBOARD_TOKEN_KEY}"}}
                credentials:
                  - {id: g, provider: genesys-cloud, region: mypurecloud.ie, clientId: c, clientSecret: "${env:GENESYS_SECRET}"}
                """, "tm.yaml", Map.of("SWITCHBOARD_TOKEN_KEY", KEY, "GENESYS_SECRET", "gen-secret", "JAAS", "PlainLoginModule password=hunter2"));
        assertThat(withJaas.kafkaClientProperties()).containsEntry("sasl.jaas.config", "PlainLoginModule password=hunter2");
        assertThat(withJaas.toString()).doesNotContain("hunter2").doesNotContain("gen-secret").contains("sasl.jaas.config=****");
    }

    @Test
    void referenceListsEveryKeyWithItsEnvironmentVariable() {
        assertThat(TokenManagerConfig.reference())
                .contains("kafka.bootstrapServers", "SWITCHBOARD_KAFKA_BOOTSTRAP_SERVERS", "tokenManager.refresh.lifetimeShare", "0.75",
                        "tokenManager.refresh.minRemaining  (duration, default 2m)", "also read from refresh.lifetimeShare (deprecated)",
                        "SWITCHBOARD_TOKEN_MANAGER_OPS_PORT",
                        "credentials[].clientSecret", "SWITCHBOARD_CREDENTIALS_<ID>_CLIENT_SECRET", "credentials[].accessKeySecret");
        for (var key : TokenManagerConfig.configKeys()) {
            assertThat(TokenManagerConfig.reference()).contains(key.name());
        }
    }

    @Test
    void theTokenManagerSectionIsReadAndOtherRolesSectionsAreLeftAlone() {
        TokenManagerConfig c = TokenManagerConfig.parse(MINIMAL + """
                tokenManager:
                  instanceId: tm-1
                  refresh: {minRemaining: PT5M, backoffMax: 10m}
                  ops: {port: 0}
                poller: {maxInFlight: 3}
                aggregator: {anything: here}
                simulator: {port: 8089}
                """, "tm.yaml", Map.of("SWITCHBOARD_TOKEN_KEY", KEY, "GENESYS_SECRET", "gen-secret",
                "SWITCHBOARD_TOKEN_MANAGER_REFRESH_JITTER", "0.2"));
        assertThat(c.instanceId()).isEqualTo("tm-1");
        assertThat(c.refresh().minRemaining()).isEqualTo(Duration.ofMinutes(5));
        assertThat(c.refresh().backoffMax()).isEqualTo(Duration.ofMinutes(10));
        assertThat(c.refresh().jitter()).isEqualTo(0.2);
        assertThat(c.opsPort()).isZero();
    }

    @Test
    void aBareNumberForADurationIsAProblemNamingBothForms() {
        assertThatThrownBy(() -> TokenManagerConfig.parse(MINIMAL + "tokenManager: {refresh: {backoffMax: 300}}\n", "tm.yaml",
                Map.of("SWITCHBOARD_TOKEN_KEY", KEY, "GENESYS_SECRET", "gen-secret")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("tokenManager.refresh.backoffMax = 300: is a bare number")
                .hasMessageContaining("300s or 300ms")
                .hasMessageContaining("PT300S");
    }

    @Test
    void theOldAndTheNewNameOfAKeyTogetherIsAProblem() {
        assertThatThrownBy(() -> TokenManagerConfig.parse(MINIMAL + "ops: {port: 1}\ntokenManager: {ops: {port: 2}}\n", "tm.yaml",
                Map.of("SWITCHBOARD_TOKEN_KEY", KEY, "GENESYS_SECRET", "gen-secret")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("keep only tokenManager.ops.port");
    }

    @Test
    void theTokenTableGetsTheWholeRegistryConfigurationAndTheKafkaClientProperties(@TempDir Path dir) throws Exception {
        Path truststore = Files.write(dir.resolve("ca.p12"), new byte[] {1, 2, 3});
        String yaml = MINIMAL.replace("  url: http://127.0.0.1:8081\n", """
                  url: https://registry-1:8081
                  properties:
                    basic.auth.user.info: ${env:REGISTRY_USER_INFO}
                    schema.registry.ssl.truststore.location: %s
                    schema.registry.ssl.truststore.password: ${env:TRUSTSTORE_PASSWORD}
                    http.read.timeout.ms: 45000
                    max.retries: 5
                """.formatted(truststore)).replace("  bootstrapServers: 127.0.0.1:9092\n", """
                  bootstrapServers: 127.0.0.1:9092
                  properties: {security.protocol: SASL_SSL, sasl.mechanism: SCRAM-SHA-512, sasl.jaas.config: "${env:JAAS}"}
                """);
        TokenManagerConfig c = TokenManagerConfig.parse(yaml, "tm.yaml", Map.of("SWITCHBOARD_TOKEN_KEY", KEY, "GENESYS_SECRET", "gen-secret",
                "REGISTRY_USER_INFO", "tm-user:registry-pass-42", "TRUSTSTORE_PASSWORD", "store-pass-42", "JAAS", "ScramLoginModule password=hunter2",
                "SWITCHBOARD_SCHEMA_REGISTRY_PROPERTIES_HTTP_CONNECT_TIMEOUT_MS", "7000"));

        TokenTableConfig table = c.tokenTableConfig().withClientId("reader");
        SchemaRegistryConfig registry = table.schemaRegistry();
        assertThat(registry.urls()).extracting(Object::toString).containsExactly("https://registry-1:8081");
        assertThat(registry.basicAuthUserInfo().reveal()).isEqualTo("tm-user:registry-pass-42");
        assertThat(registry.tls().truststore()).isEqualTo(truststore);
        assertThat(registry.tls().truststorePassword().reveal()).isEqualTo("store-pass-42");
        assertThat(registry.requestTimeout()).isEqualTo(Duration.ofSeconds(45));
        assertThat(registry.connectTimeout()).as("set by the environment").isEqualTo(Duration.ofSeconds(7));
        assertThat(registry.maxRetries()).isEqualTo(5);
        assertThat(table.kafkaProperties()).containsEntry("bootstrap.servers", "127.0.0.1:9092")
                .containsEntry("security.protocol", "SASL_SSL").containsEntry("sasl.mechanism", "SCRAM-SHA-512")
                .containsEntry("sasl.jaas.config", "ScramLoginModule password=hunter2");
        assertThat(c.schemaRegistry()).as("the token manager's own publishers use the same").isSameAs(registry);
        assertThat(table.toString() + c).doesNotContain("registry-pass-42").doesNotContain("store-pass-42").doesNotContain("hunter2");

        TokenTableConfig bearer = TokenManagerConfig.parse(MINIMAL.replace("  url: http://127.0.0.1:8081\n",
                "  url: http://127.0.0.1:8081\n  properties: {bearer.auth.credentials.source: STATIC_TOKEN, bearer.auth.token: \"${env:RT}\"}\n"),
                "tm.yaml", Map.of("SWITCHBOARD_TOKEN_KEY", KEY, "GENESYS_SECRET", "gen-secret", "RT", "registry-bearer-42")).tokenTableConfig();
        assertThat(bearer.schemaRegistry().bearerToken().reveal()).isEqualTo("registry-bearer-42");
        assertThat(bearer.toString()).doesNotContain("registry-bearer-42");

        TokenTableConfig urlOnly = TokenManagerConfig.parse(MINIMAL, "tm.yaml", Map.of("SWITCHBOARD_TOKEN_KEY", KEY, "GENESYS_SECRET", "gen-secret"))
                .tokenTableConfig();
        assertThat(urlOnly.schemaRegistry().basicAuthUserInfo()).isNull();
        assertThat(urlOnly.schemaRegistryUrl()).isEqualTo("http://127.0.0.1:8081");
    }

    @Test
    void aWrongRegistrySettingIsAProblemUnderItsKeyInTheFile() {
        String yaml = MINIMAL.replace("  url: http://127.0.0.1:8081\n", """
                  url: http://127.0.0.1:8081
                  properties:
                    basic.auth.user.inf: ${env:REGISTRY_USER_INFO}
                    max.retries: many
                """);
        assertThatThrownBy(() -> TokenManagerConfig.parse(yaml, "tm.yaml", Map.of("SWITCHBOARD_TOKEN_KEY", KEY, "GENESYS_SECRET", "gen-secret",
                "REGISTRY_USER_INFO", "u:registry-pass-42")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("schemaRegistry.properties.basic.auth.user.inf")
                .hasMessageContaining("did you mean basic.auth.user.info?")
                .hasMessageContaining("schemaRegistry.properties.max.retries = many: must be a whole number")
                .hasMessageNotContaining("registry-pass-42");
    }
}
