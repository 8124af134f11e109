package io.switchboard.core.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.switchboard.core.Secret;

class VendorResponsesTest {

    private static final Instant NOW = Instant.parse("2026-03-04T10:00:00Z");

    private static JsonNode json(String s) throws Exception {
        return new ObjectMapper().readTree(s);
    }

    @Test
    void genesysPermissionErrorBecomesTheModel() throws Exception {
        String body = "{\"status\":403,\"code\":\"missing.permissions\",\"message\":\"You are missing the following permission(s): analytics:queueObservation:view\"}";
        Map<String, String> headers = Map.of("Inin-Correlation-Id", "c-42");
        VendorHttpError e = VendorResponses.error("Genesys", "/api/v2/analytics/queues/observations/query", 403,
                headers::get, body, json(body), List.of(), NOW);
        assertThat(e.vendorCode()).isEqualTo("missing.permissions");
        assertThat(e.message()).endsWith("analytics:queueObservation:view");
        assertThat(e.correlationId()).isEqualTo("c-42");
        assertThat(e.retriable()).isFalse();
        assertThat(e.headline()).startsWith("Genesys answered 403 missing.permissions (You are missing");
    }

    @Test
    void retryAfterInSecondsAsADateAndAsAnAuth0Reset() {
        assertThat(VendorResponses.retryAfter(Map.of("Retry-After", "7")::get, NOW)).isEqualTo(Duration.ofSeconds(7));
        assertThat(VendorResponses.retryAfter(Map.of("Retry-After", "Wed, 04 Mar 2026 10:00:30 GMT")::get, NOW))
                .isEqualTo(Duration.ofSeconds(30));
        assertThat(VendorResponses.retryAfter(Map.of("x-ratelimit-reset", String.valueOf(NOW.getEpochSecond() + 12),
                "Date", "Wed, 04 Mar 2026 10:00:00 GMT")::get, NOW)).isEqualTo(Duration.ofSeconds(12));
        assertThat(VendorResponses.retryAfter(Map.<String, String>of()::get, NOW)).isNull();
    }

    @Test
    void excerptsAreShortOneLineAndCarryNoSecret() {
        Secret secret = Secret.of("s3cr3t-value");
        String excerpt = VendorResponses.excerpt("line1\nthe secret s3cr3t-value leaked " + "x".repeat(500), List.of(secret));
        assertThat(excerpt).doesNotContain("s3cr3t-value").doesNotContain("\n").contains("****");
        assertThat(excerpt).hasSize(VendorResponses.EXCERPT_CHARS + 1);
    }

    @Test
    void cognosMessagesAndOAuthDescriptionsAreFound() throws Exception {
        assertThat(VendorResponses.description(json("{\"messages\":[\"login required\"]}"))).isEqualTo("login required");
        assertThat(VendorResponses.description(json("{\"error\":\"invalid_client\",\"error_description\":\"bad\"}"))).isEqualTo("bad");
        assertThat(VendorResponses.code(json("[1,2]"))).isNull();
        assertThat(VendorHttpError.class).isNotNull();
        assertThat(new VendorHttpError("X", "/", 503, null, null, null, null, null).retriable()).isTrue();
    }
}
