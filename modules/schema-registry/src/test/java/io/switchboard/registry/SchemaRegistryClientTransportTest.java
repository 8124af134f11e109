package io.switchboard.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ServerSocket;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.switchboard.core.ConfigException;
import io.switchboard.core.Secret;

/** The client's HTTP behaviour against a scripted server on a real socket: headers, auth, retries, timeouts. */
class SchemaRegistryClientTransportTest {

    static final String SCHEMA_BODY = "{\"schema\":\"\\\"string\\\"\"}";

    ScriptedRegistry server;

    @BeforeEach
    void start() throws Exception {
        server = new ScriptedRegistry();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private SchemaRegistryConfig fast() {
        return SchemaRegistryConfig.of(server.url()).withRetries(2, Duration.ofMillis(10), Duration.ofMillis(20));
    }

    @Test
    void sendsConfluentContentTypesAndPaths() {
        server.always("POST /subjects/my%20subject/versions", 200, "{\"id\":7}");
        SchemaRegistryClient client = new SchemaRegistryClient(fast());
        assertThat(client.register("my subject", org.apache.avro.Schema.create(org.apache.avro.Schema.Type.STRING))).isEqualTo(7);
        ScriptedRegistry.Request r = server.requests().get(0);
        assertThat(r.header("Content-Type")).isEqualTo("application/vnd.schemaregistry.v1+json");
        assertThat(r.header("Accept")).startsWith("application/vnd.schemaregistry.v1+json");
        assertThat(r.body()).isEqualTo("{\"schema\":\"\\\"string\\\"\"}");
        assertThat(r.header("Authorization")).isNull();
        // cached: the second registration does not go to the registry
        client.register("my subject", org.apache.avro.Schema.create(org.apache.avro.Schema.Type.STRING));
        assertThat(server.requests()).hasSize(1);
    }

    @Test
    void retriesOn5xxWithBackoffThenSucceeds() {
        server.enqueue("GET /schemas/ids/5", 503, "{\"error_code\":50003,\"message\":\"forwarding\"}")
                .enqueue("GET /schemas/ids/5", 500, "{\"error_code\":50001,\"message\":\"store\"}")
                .always("GET /schemas/ids/5", 200, SCHEMA_BODY);
        SchemaRegistryClient client = new SchemaRegistryClient(fast());
        assertThat(client.getSchemaById(5).getType()).isEqualTo(org.apache.avro.Schema.Type.STRING);
        assertThat(server.requests()).hasSize(3);
        assertThat(client.requestsSent()).isEqualTo(3);
    }

    @Test
    void givesUpAfterMaxRetriesWithARetriableError() {
        server.always("GET /schemas/ids/5", 503, "{\"error_code\":50002,\"message\":\"timeout\"}");
        SchemaRegistryClient client = new SchemaRegistryClient(fast());
        assertThatThrownBy(() -> client.getSchemaById(5)).isInstanceOfSatisfying(SchemaRegistryUnavailableException.class, e -> {
            assertThat(e.isRetriable()).isTrue();
            assertThat(e.status()).isEqualTo(503);
            assertThat(e.errorCode()).isEqualTo(50002);
        }).hasMessageContaining("gave up after 3 attempts");
        assertThat(server.requests()).hasSize(3);
        // a failed lookup is not cached: the next call asks again
        server.always("GET /schemas/ids/5", 200, SCHEMA_BODY);
        assertThat(client.getSchemaById(5)).isNotNull();
    }

    @Test
    void doesNotRetryClientErrors() {
        server.always("GET /subjects/s/versions/latest", 404, "{\"error_code\":40401,\"message\":\"Subject 's' not found.\"}");
        SchemaRegistryClient client = new SchemaRegistryClient(fast());
        assertThatThrownBy(() -> client.getLatestVersion("s")).isInstanceOf(SubjectNotFoundException.class)
                .hasMessageContaining("40401").hasMessageContaining("Register a schema under the subject first");
        assertThat(server.requests()).hasSize(1);
    }

    @Test
    void connectionRefusedIsRetriableAndNamesTheUrl() throws Exception {
        int freePort;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            freePort = s.getLocalPort();
        }
        SchemaRegistryClient client = new SchemaRegistryClient(SchemaRegistryConfig.of("http://127.0.0.1:" + freePort)
                .withRetries(1, Duration.ofMillis(5), Duration.ofMillis(5)));
        assertThatThrownBy(() -> client.getSchemaById(1)).isInstanceOfSatisfying(SchemaRegistryUnavailableException.class,
                        e -> assertThat(e.isRetriable()).isTrue())
                .hasMessageContaining("Cannot reach the schema registry at http://127.0.0.1:" + freePort)
                .hasMessageContaining("gave up after 2 attempts");
    }

    @Test
    void slowAnswersTimeOut() {
        server.enqueue("GET /schemas/ids/9", 200, SCHEMA_BODY, 5_000);
        SchemaRegistryClient client = new SchemaRegistryClient(SchemaRegistryConfig.of(server.url())
                .withTimeouts(Duration.ofSeconds(2), Duration.ofMillis(300)).withRetries(0, Duration.ZERO, Duration.ZERO));
        assertThatThrownBy(() -> client.getSchemaById(9)).isInstanceOf(SchemaRegistryUnavailableException.class)
                .hasMessageContaining("did not answer within PT0.3S").hasMessageContaining("http.read.timeout.ms");
    }

    @Test
    void basicAuthIsSentAndNeverShown() {
        server.always("GET /subjects", 200, "[\"a\",\"b\"]");
        SchemaRegistryClient client = SchemaRegistryClient.fromConfigs(Map.of(
                "schema.registry.url", server.url(),
                "basic.auth.credentials.source", "USER_INFO",
                "basic.auth.user.info", "svc:s3cr3t-pw"));
        assertThat(client.getSubjects()).containsExactly("a", "b");
        assertThat(server.requests().get(0).header("Authorization"))
                .isEqualTo("Basic " + Base64.getEncoder().encodeToString("svc:s3cr3t-pw".getBytes()));
        assertThat(client.config().toString()).doesNotContain("s3cr3t-pw");
    }

    @Test
    void basicAuthFromTheUrlIsStrippedFromMessages() {
        server.always("GET /subjects", 401, "{\"error_code\":40101,\"message\":\"Unauthorized\"}");
        String url = server.url().replace("http://", "http://svc:url-pw@");
        SchemaRegistryClient client = SchemaRegistryClient.fromConfigs(Map.of(
                "schema.registry.url", url, "basic.auth.credentials.source", "URL"));
        assertThatThrownBy(client::getSubjects).isInstanceOfSatisfying(SchemaRegistryAuthenticationException.class,
                        e -> assertThat(e.status()).isEqualTo(401))
                .hasMessageContaining("basic.auth.user.info").hasMessageNotContaining("url-pw");
        assertThat(server.requests().get(0).header("Authorization"))
                .isEqualTo("Basic " + Base64.getEncoder().encodeToString("svc:url-pw".getBytes()));
    }

    @Test
    void bearerTokenIsSent() {
        server.always("GET /config", 403, "{\"error_code\":40301,\"message\":\"forbidden\"}");
        SchemaRegistryClient client = new SchemaRegistryClient(fast().withBearerToken(Secret.of("tok-123")));
        assertThatThrownBy(client::getCompatibility).isInstanceOf(SchemaRegistryAuthenticationException.class)
                .hasMessageContaining("403").hasMessageNotContaining("tok-123");
        assertThat(server.requests().get(0).header("Authorization")).isEqualTo("Bearer tok-123");
    }

    @Test
    void aWrongBaseUrlIsExplained() {
        SchemaRegistryClient client = new SchemaRegistryClient(fast());
        assertThatThrownBy(() -> client.getSchemaById(1)).isInstanceOf(SchemaRegistryException.class)
                .hasMessageContaining("base URL");
    }

    @Test
    void secretReferencesResolveAndBadOnesAreReported() {
        assertThatThrownBy(() -> SchemaRegistryConfig.fromConfigs(Map.of("schema.registry.url", "ftp://x",
                        "basic.auth.user.info", "${env:SB_TEST_NOT_SET_ANYWHERE}", "bearer.auth.credentials.source", "OAUTHBEARER"),
                new io.switchboard.core.SecretReferences(Map.of())))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).extracting(p -> p.key())
                        .containsExactlyInAnyOrder("schema.registry.url", "basic.auth.user.info", "bearer.auth.credentials.source"));
        SchemaRegistryConfig ok = SchemaRegistryConfig.fromConfigs(Map.of("schema.registry.url", "http://x:1",
                "basic.auth.user.info", "${env:SR_AUTH}"), new io.switchboard.core.SecretReferences(Map.of("SR_AUTH", "u:p")));
        assertThat(ok.basicAuthUserInfo().reveal()).isEqualTo("u:p");
    }
}
