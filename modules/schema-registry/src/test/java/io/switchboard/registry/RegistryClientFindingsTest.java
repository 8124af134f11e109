package io.switchboard.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.List;

import org.apache.avro.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What the client got wrong against real Confluent-compatible registries (issue 8), each against a
 * scripted registry on a real socket: compatibility reasons under {@code reason}, fail-over between
 * URLs, and invalid schemas explained with internal class names.
 */
class RegistryClientFindingsTest {

    private static final Schema STRING = Schema.create(Schema.Type.STRING);

    ScriptedRegistry server;

    @BeforeEach
    void start() throws Exception {
        server = new ScriptedRegistry();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private static String closedUrl() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return "http://127.0.0.1:" + s.getLocalPort();
        }
    }

    private static SchemaRegistryConfig config(List<String> urls, int retries, Duration backoff) {
        return new SchemaRegistryConfig(urls.stream().map(URI::create).toList(), null, null, null,
                Duration.ofSeconds(10), Duration.ofSeconds(30), retries, backoff, backoff);
    }

    @Test
    void compatibilityReasonsAreReadFromMessagesAndFromReason() {
        String path = "POST /compatibility/subjects/s/versions/latest";
        SchemaRegistryClient client = new SchemaRegistryClient(config(List.of(server.url()), 0, Duration.ZERO));

        server.enqueue(path, 200, "{\"is_compatible\":false,\"messages\":[\"READER_FIELD_MISSING_DEFAULT_VALUE at /fields/3\"]}");
        assertThat(client.testCompatibility("s", STRING).messages()).containsExactly("READER_FIELD_MISSING_DEFAULT_VALUE at /fields/3");

        server.enqueue(path, 200, "{\"is_compatible\":false,\"reason\":\"Incompatible schema: field 'x' has no default\"}");
        CompatibilityCheck reason = client.testCompatibility("s", STRING);
        assertThat(reason.compatible()).isFalse();
        assertThat(reason.messages()).containsExactly("Incompatible schema: field 'x' has no default");

        server.enqueue(path, 200, "{\"is_compatible\":false,\"reason\":[\"one\",\"two\"]}");
        assertThat(client.testCompatibility("s", STRING).messages()).containsExactly("one", "two");

        server.enqueue(path, 200, "{\"is_compatible\":true}");
        assertThat(client.testCompatibility("s", STRING)).isEqualTo(new CompatibilityCheck(true, List.of()));
    }

    @Test
    void aConnectionErrorMovesToTheNextUrlAtOnceNotAfterTheBackoff() throws Exception {
        server.always("GET /schemas/ids/5", 200, "{\"schema\":\"\\\"string\\\"\"}");
        String down = closedUrl();
        // A backoff of ten minutes: waiting for it before the second URL would never end within the watchdog.
        SchemaRegistryClient client = new SchemaRegistryClient(config(List.of(down, server.url()), 3, Duration.ofMinutes(10)));
        Schema schema = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> client.getSchemaById(5),
                "the second URL is asked right after the first refused the connection, not after the 10-minute backoff");
        assertThat(schema).isEqualTo(STRING);
        assertThat(client.requestsSent()).isEqualTo(2);
        assertThat(server.requests()).hasSize(1);

        // The URL that answered stays preferred: the next call goes there first.
        server.always("GET /schemas/ids/6", 200, "{\"schema\":\"\\\"string\\\"\"}");
        client.getSchemaById(6);
        assertThat(client.requestsSent()).isEqualTo(3);
    }

    @Test
    void whenEveryUrlIsDownEachRoundTriesThemAllThenBacksOff() throws Exception {
        SchemaRegistryClient client = new SchemaRegistryClient(config(List.of(closedUrl(), closedUrl()), 1, Duration.ofMillis(5)));
        assertThatThrownBy(() -> client.getSchemaById(1)).isInstanceOfSatisfying(SchemaRegistryUnavailableException.class,
                        e -> assertThat(e.isRetriable()).isTrue())
                .hasMessageContaining("Cannot reach the schema registry")
                .hasMessageContaining("gave up after 4 attempts over 2 URLs");
        assertThat(client.requestsSent()).isEqualTo(4);
    }

    @Test
    void aServerErrorIsRetriedWithBackoffAsBefore() {
        server.enqueue("GET /schemas/ids/5", 503, "{\"error_code\":50003,\"message\":\"forwarding\"}")
                .always("GET /schemas/ids/5", 200, "{\"schema\":\"\\\"string\\\"\"}");
        SchemaRegistryClient client = new SchemaRegistryClient(config(List.of(server.url()), 2, Duration.ofMillis(5)));
        assertThat(client.getSchemaById(5)).isEqualTo(STRING);
        assertThat(server.requests()).hasSize(2);
    }

    @Test
    void anInvalidSchemaFromTheRegistryNamesTheOffendingTypeNotAnInternalClass() {
        server.always("GET /schemas/ids/7", 200, "{\"schema\":\"{\\\"type\\\":\\\"strin\\\"}\"}");
        SchemaRegistryClient client = new SchemaRegistryClient(config(List.of(server.url()), 0, Duration.ZERO));
        assertThatThrownBy(() -> client.getSchemaById(7)).isInstanceOfSatisfying(InvalidSchemaException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(42201))
                .hasMessageContaining("schema id 7 is not a valid Avro schema")
                .hasMessageContaining("unknown type \"strin\"")
                .hasMessageNotContaining("org.apache")
                .hasMessageNotContaining("UnresolvedSchema");
    }
}
