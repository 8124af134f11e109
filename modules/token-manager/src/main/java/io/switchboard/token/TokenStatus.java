package io.switchboard.token;

import java.io.IOException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Status event of one credential, published by its owner to {@code <prefix>.token-status}
 * (compacted, key = credential id, value = JSON of this record) whenever the state changes or a
 * login fails. Carries no secret: the error message is the login side's actionable sentence.
 *
 * @param credentialId  id of the credential
 * @param state         state after the event
 * @param version       current published token version, 0 when none
 * @param expiresAt     expiry of the published token, or {@code null}
 * @param errorKind     kind of the last login failure (REJECTED, RATE_LIMITED, TRANSIENT, CONFIGURATION), or {@code null}
 * @param httpStatus    vendor HTTP status of the last failure, or {@code null}
 * @param vendorCode    vendor error code of the last failure ({@code invalid_client}...), or {@code null}
 * @param message       what went wrong and what to do, or {@code null}
 * @param nextAttemptAt when the owner logs in next, or {@code null}
 * @param ownerId       instance that owns the credential
 * @param at            when the event happened
 */
public record TokenStatus(
        String credentialId,
        State state,
        long version,
        Instant expiresAt,
        String errorKind,
        Integer httpStatus,
        String vendorCode,
        String message,
        Instant nextAttemptAt,
        String ownerId,
        Instant at) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** State of a credential as its owner sees it. */
    public enum State {
        /** No token yet: the first login is under way. */
        PENDING,
        /** A valid token is published; the next refresh is planned. */
        VALID,
        /** Logins fail with a retriable error; the owner backs off, a still-valid token stays published. */
        REFRESH_FAILING,
        /** The vendor rejected the credential or it is misconfigured: no retry until {@code nextAttemptAt}; fix the configuration. */
        PARKED
    }

    /** JSON text of this event. */
    public String toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("credentialId", credentialId);
        m.put("state", state.name());
        m.put("version", version);
        m.put("expiresAt", expiresAt == null ? null : expiresAt.toString());
        m.put("errorKind", errorKind);
        m.put("httpStatus", httpStatus);
        m.put("vendorCode", vendorCode);
        m.put("message", message);
        m.put("nextAttemptAt", nextAttemptAt == null ? null : nextAttemptAt.toString());
        m.put("ownerId", ownerId);
        m.put("at", at.toString());
        try {
            return JSON.writeValueAsString(m);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Parses {@link #toJson()} output. */
    public static TokenStatus fromJson(String json) {
        try {
            JsonNode n = JSON.readTree(json);
            return new TokenStatus(n.path("credentialId").asText(), State.valueOf(n.path("state").asText()),
                    n.path("version").asLong(), instant(n.get("expiresAt")), text(n.get("errorKind")),
                    n.hasNonNull("httpStatus") ? n.get("httpStatus").asInt() : null, text(n.get("vendorCode")),
                    text(n.get("message")), instant(n.get("nextAttemptAt")), text(n.get("ownerId")), instant(n.get("at")));
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalArgumentException("not a token status event: " + e.getMessage(), e);
        }
    }

    private static String text(JsonNode n) {
        return n == null || n.isNull() ? null : n.asText();
    }

    private static Instant instant(JsonNode n) {
        return n == null || n.isNull() ? null : Instant.parse(n.asText());
    }
}
