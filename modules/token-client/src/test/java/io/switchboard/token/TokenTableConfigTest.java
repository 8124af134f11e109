package io.switchboard.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.switchboard.core.Secret;
import io.switchboard.core.Topics;
import io.switchboard.registry.SchemaRegistryConfig;

/** What a token table is configured with, and that printing a configuration never shows a credential. */
class TokenTableConfigTest {

    private final TokenKeys keys = TokenKeys.random("k1");
    private final Map<String, Object> kafka = Map.of("bootstrap.servers", "broker:9092");

    @Test
    void theFormerConstructorStillWorksAndMovesUrlCredentialsToBasicAuth() {
        TokenTableConfig config = new TokenTableConfig(kafka, Topics.defaults(), keys, "https://poller:reg-pw@registry:8081/", "poller-1");
        assertThat(config.expirySafetyMargin()).isEqualTo(TokenTableConfig.DEFAULT_EXPIRY_SAFETY_MARGIN).isEqualTo(Duration.ofSeconds(30));
        assertThat(config.schemaRegistryUrl()).isEqualTo("https://registry:8081");
        assertThat(config.schemaRegistry().basicAuthUserInfo().reveal()).isEqualTo("poller:reg-pw");
        assertThat(config.toString()).doesNotContain("reg-pw").contains("basic(****)").contains("https://registry:8081");
    }

    @Test
    void theFullRegistryConfigurationIsCarriedAndNeverPrinted() {
        SchemaRegistryConfig registry = SchemaRegistryConfig.of("https://registry-a:8081")
                .withBearerToken(Secret.of("bearer-tok-1"))
                .withTls(new SchemaRegistryConfig.Tls(Path.of("/etc/trust.p12"), Secret.of("trust-pw"), "PKCS12",
                        Path.of("/etc/client.p12"), Secret.of("key-store-pw"), "PKCS12", null));
        Map<String, Object> secured = Map.of("bootstrap.servers", "broker:9093", "security.protocol", "SASL_SSL",
                "sasl.jaas.config", "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"p\" password=\"sasl-pw\";",
                "ssl.truststore.password", "kafka-trust-pw",
                "sasl.oauthbearer.token.endpoint.url", "https://client:idp-pw@idp.example.com/token");
        TokenTableConfig config = TokenTableConfig.of(secured, Topics.defaults(), keys, registry, "poller-2");
        assertThat(config.schemaRegistry()).isSameAs(registry);
        String printed = config.toString();
        assertThat(printed).doesNotContain("bearer-tok-1").doesNotContain("trust-pw").doesNotContain("key-store-pw")
                .doesNotContain("sasl-pw").doesNotContain("kafka-trust-pw").doesNotContain("idp-pw")
                .contains("bearer(****)").contains("/etc/trust.p12").contains("SASL_SSL").contains("poller-2");
    }

    @Test
    void theSafetyMarginIsConfigurableButNeverNegative() {
        TokenTableConfig config = TokenTableConfig.of(kafka, Topics.defaults(), keys, SchemaRegistryConfig.of("http://r:8081"), "p");
        assertThat(config.withExpirySafetyMargin(Duration.ZERO).expirySafetyMargin()).isZero();
        assertThat(config.withExpirySafetyMargin(Duration.ofMinutes(2)).expirySafetyMargin()).isEqualTo(Duration.ofMinutes(2));
        assertThat(new TokenTableConfig(kafka, Topics.defaults(), keys, SchemaRegistryConfig.of("http://r:8081"), "p", null)
                .expirySafetyMargin()).isEqualTo(Duration.ofSeconds(30));
        assertThatThrownBy(() -> config.withExpirySafetyMargin(Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("expirySafetyMargin");
        assertThatThrownBy(() -> TokenTableConfig.of(Map.of(), Topics.defaults(), keys, SchemaRegistryConfig.of("http://r:8081"), "p"))
                .hasMessageContaining("bootstrap.servers");
        assertThat(config.withClientId("p2").clientId()).isEqualTo("p2");
    }
}
