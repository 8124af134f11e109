package io.switchboard.core.http;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Collection;
import java.util.List;
import java.util.function.Function;

import com.fasterxml.jackson.databind.JsonNode;

import io.switchboard.core.Secret;

/**
 * Reads the parts of a vendor's error answer that every vendor spells differently: the error code, the description,
 * how long to wait, the correlation id, and a short, secret-free excerpt of the body. Stateless.
 */
public final class VendorResponses {

    /** How much of a body an excerpt keeps. */
    public static final int EXCERPT_CHARS = 200;

    private static final List<String> CODE_FIELDS = List.of("error", "code", "errorCode", "errorCodeString");
    private static final List<String> DESCRIPTION_FIELDS =
            List.of("error_description", "description", "message", "errorMessage", "msg");
    private static final List<String> CORRELATION_HEADERS =
            List.of("Inin-Correlation-Id", "X-Request-Id", "X-Correlation-Id", "Request-Id", "traceparent");

    private VendorResponses() {
    }

    /** The error code of an OAuth / Genesys / Cognos / CXone body, or {@code null}. */
    public static String code(JsonNode json) {
        return firstText(json, CODE_FIELDS);
    }

    /** The vendor's description of the error (not yet scrubbed), or {@code null}. */
    public static String description(JsonNode json) {
        String d = firstText(json, DESCRIPTION_FIELDS);
        if (d == null && json != null) {
            JsonNode messages = json.get("messages"); // Cognos
            if (messages != null && messages.isArray() && !messages.isEmpty()) {
                d = messages.get(0).asText();
            }
        }
        return d;
    }

    private static String firstText(JsonNode json, List<String> fields) {
        if (json == null || !json.isObject()) {
            return null;
        }
        for (String f : fields) {
            JsonNode v = json.get(f);
            if (v != null && v.isValueNode() && !v.asText().isBlank()) {
                return v.asText();
            }
        }
        return null;
    }

    /**
     * The delay the vendor asked for: {@code Retry-After} in seconds or as an HTTP date, else Auth0's
     * {@code x-ratelimit-reset} (epoch seconds); measured from the vendor's {@code Date} when given, else {@code now}.
     * {@code null} when the answer asks for nothing.
     *
     * @param header header lookup (case-insensitive in Vert.x and java.net.http)
     */
    public static Duration retryAfter(Function<String, String> header, Instant now) {
        Instant base = httpDate(header.apply("Date"));
        if (base == null) {
            base = now;
        }
        String ra = header.apply("Retry-After");
        if (ra != null) {
            try {
                return Duration.ofSeconds(Math.max(0, Long.parseLong(ra.trim())));
            } catch (NumberFormatException e) {
                Instant at = httpDate(ra);
                if (at != null) {
                    return nonNegative(Duration.between(base, at));
                }
            }
        }
        String reset = header.apply("x-ratelimit-reset");
        if (reset != null) {
            try {
                return nonNegative(Duration.between(base, Instant.ofEpochSecond(Long.parseLong(reset.trim()))));
            } catch (NumberFormatException ignored) {
                // not a number: the answer asks for nothing we understand
            }
        }
        return null;
    }

    private static Duration nonNegative(Duration d) {
        return d.isNegative() ? Duration.ZERO : d;
    }

    /** An RFC 1123 HTTP date, or {@code null} when absent or unreadable. */
    public static Instant httpDate(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return ZonedDateTime.parse(value.trim(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    /** The vendor's correlation / request id header, or {@code null}. */
    public static String correlationId(Function<String, String> header) {
        for (String h : CORRELATION_HEADERS) {
            String v = header.apply(h);
            if (v != null && !v.isBlank()) {
                return v.trim();
            }
        }
        return null;
    }

    /**
     * {@code text} on one line, every secret in {@code secrets} (and its stripped form) replaced by {@code ****}, cut
     * to {@link #EXCERPT_CHARS} characters. Secrets shorter than 3 characters are left alone (they would blank out
     * ordinary text).
     */
    public static String excerpt(String text, Collection<Secret> secrets) {
        if (text == null) {
            return "";
        }
        String out = text;
        for (Secret s : secrets) {
            if (s == null || s.length() < 3) {
                continue;
            }
            out = out.replace(s.reveal(), "****");
            String stripped = s.reveal().strip();
            if (stripped.length() >= 3) {
                out = out.replace(stripped, "****");
            }
        }
        out = out.replace('\n', ' ').replace('\r', ' ');
        return out.length() > EXCERPT_CHARS ? out.substring(0, EXCERPT_CHARS) + "…" : out;
    }

    /**
     * The whole error model of one answer.
     *
     * @param vendor   who answered, for messages
     * @param endpoint the path that answered
     * @param status   HTTP status
     * @param header   header lookup
     * @param body     body text (may be {@code null})
     * @param json     the body parsed as JSON, or {@code null} when it is not JSON
     * @param secrets  every secret that must not be quoted back
     * @param now      the local time, when the vendor sent no {@code Date}
     */
    public static VendorHttpError error(String vendor, String endpoint, int status, Function<String, String> header,
                                        String body, JsonNode json, Collection<Secret> secrets, Instant now) {
        String description = description(json);
        return new VendorHttpError(vendor, endpoint, status, code(json),
                description == null ? null : excerpt(description, secrets),
                retryAfter(header, now), correlationId(header), excerpt(body, secrets));
    }
}
