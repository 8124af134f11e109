package io.switchboard.poll.vendor.internal;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Lenient readers of vendor JSON values: a missing, null or unreadable value is {@code null}, never an exception, so
 * that an unknown or missing field becomes a null in the record instead of a crash.
 */
public final class JsonValues {

    private JsonValues() {
    }

    /** A whole number: a JSON number (rounded), or a string holding one; else {@code null}. */
    public static Long asLong(JsonNode v) {
        Double d = asDouble(v);
        return d == null ? null : Math.round(d);
    }

    /** A number: a JSON number, or a string holding one; else {@code null}. */
    public static Double asDouble(JsonNode v) {
        if (v == null || v.isNull() || v.isMissingNode()) {
            return null;
        }
        if (v.isNumber()) {
            double d = v.asDouble();
            return Double.isFinite(d) ? d : null;
        }
        if (v.isTextual()) {
            return parseNumber(v.asText());
        }
        return null;
    }

    /** A number held in text ({@code "12"}, {@code " 4.5 "}, {@code "97 %"}), or {@code null}. */
    public static Double parseNumber(String text) {
        String s = text.trim();
        if (s.isEmpty()) {
            return null;
        }
        try {
            double d = new BigDecimal(s.endsWith("%") ? s.substring(0, s.length() - 1).trim() : s).doubleValue();
            return Double.isFinite(d) ? d : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** Text of a value node, or {@code null}. */
    public static String asText(JsonNode v) {
        if (v == null || v.isNull() || v.isMissingNode() || !v.isValueNode()) {
            return null;
        }
        String s = v.asText();
        return s.isEmpty() ? null : s;
    }

    /**
     * A duration in milliseconds: an ISO-8601 duration ({@code PT3M5S}, as CXone sends them), or a number (taken as
     * milliseconds, times {@code numberScale}); else {@code null}.
     */
    public static Long asDurationMillis(JsonNode v, double numberScale) {
        if (v != null && v.isTextual()) {
            String s = v.asText().trim();
            if (s.startsWith("P") || s.startsWith("p") || s.startsWith("-P")) {
                try {
                    return Duration.parse(s).toMillis();
                } catch (DateTimeParseException e) {
                    return null;
                }
            }
        }
        Double d = asDouble(v);
        return d == null ? null : Math.round(d * numberScale);
    }

    /** An instant: ISO-8601 text (with offset), or epoch seconds / milliseconds as a number; else {@code null}. */
    public static Instant asInstant(JsonNode v) {
        if (v == null || v.isNull() || v.isMissingNode()) {
            return null;
        }
        if (v.isNumber()) {
            long n = v.asLong();
            return Math.abs(n) > 100_000_000_000L ? Instant.ofEpochMilli(n) : Instant.ofEpochSecond(n);
        }
        return parseInstant(asText(v));
    }

    /** ISO-8601 instant or offset date-time text, or {@code null}. */
    public static Instant parseInstant(String s) {
        if (s == null || s.isBlank()) {
            return null;
        }
        try {
            return Instant.parse(s.trim());
        } catch (DateTimeParseException e) {
            try {
                return OffsetDateTime.parse(s.trim()).toInstant();
            } catch (DateTimeParseException e2) {
                return null;
            }
        }
    }
}
