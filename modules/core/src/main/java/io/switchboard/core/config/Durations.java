package io.switchboard.core.config;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one duration syntax of every Switchboard configuration value: ISO-8601 ({@code PT2M},
 * {@code PT1H30M}, {@code P1D}) or a whole number with one unit ({@code 500ms}, {@code 90s},
 * {@code 5m}, {@code 1h}, {@code 2d}).
 *
 * <p>A bare number ({@code 90}) is an error, never silently seconds: whether it meant seconds or
 * milliseconds cannot be known, and a wrong guess is a timeout off by a factor of 1000. Stateless
 * and thread-safe.
 */
public final class Durations {

    /** How a duration is written, for messages and the configuration reference. */
    public static final String SYNTAX = "ISO-8601 such as PT2M or PT1H30M, or a whole number with a unit:"
            + " 500ms, 90s, 5m, 1h, 2d";

    private static final Pattern WITH_UNIT = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)", Pattern.CASE_INSENSITIVE);
    private static final Pattern BARE_NUMBER = Pattern.compile("[-+]?\\d+(\\.\\d+)?");

    private Durations() {
    }

    /**
     * Parses a duration.
     *
     * @param text {@code PT2M}-style ISO-8601 or {@code 90s}-style number with unit; surrounding blanks are ignored
     * @return the duration; may be zero or (ISO {@code -PT1S}) negative: range checks are the caller's
     * @throws IllegalArgumentException naming both valid forms, for a bare number, an unknown unit,
     *                                  a fraction or anything else that is not one of the two forms
     */
    public static Duration parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("is empty; write a duration in " + SYNTAX);
        }
        String t = text.trim();
        if (BARE_NUMBER.matcher(t).matches()) {
            throw new IllegalArgumentException("is a bare number, which could mean seconds or milliseconds; add the unit,"
                    + " e.g. " + example(t) + ", or write ISO-8601 such as PT" + (t.startsWith("-") ? "1" : t.replace("+", "")) + "S");
        }
        Matcher m = WITH_UNIT.matcher(t);
        if (m.matches()) {
            long n;
            try {
                n = Long.parseLong(m.group(1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("is too large for a duration");
            }
            try {
                return switch (m.group(2).toLowerCase(Locale.ROOT)) {
                    case "ms" -> Duration.ofMillis(n);
                    case "s" -> Duration.ofSeconds(n);
                    case "m" -> Duration.ofMinutes(n);
                    case "h" -> Duration.ofHours(n);
                    default -> Duration.ofDays(n);
                };
            } catch (ArithmeticException e) {
                throw new IllegalArgumentException("is too large for a duration");
            }
        }
        String upper = t.toUpperCase(Locale.ROOT);
        if (upper.startsWith("P") || upper.startsWith("-P") || upper.startsWith("+P")) {
            try {
                return Duration.parse(upper);
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException("is not a valid ISO-8601 duration (months and years are not durations);"
                        + " write " + SYNTAX);
            }
        }
        throw new IllegalArgumentException("is not a duration; write " + SYNTAX);
    }

    /**
     * Writes a duration in the short form {@link #parse} reads back: the largest unit that divides it
     * exactly ({@code 2m}, {@code 90s}, {@code 1500ms}, {@code 0s}); ISO-8601 for negative or sub-millisecond values.
     */
    public static String format(Duration d) {
        if (d.isZero()) {
            return "0s";
        }
        if (d.isNegative() || d.getNano() % 1_000_000 != 0) {
            return d.toString();
        }
        long ms = d.toMillis();
        if (ms % 86_400_000L == 0) {
            return ms / 86_400_000L + "d";
        }
        if (ms % 3_600_000L == 0) {
            return ms / 3_600_000L + "h";
        }
        if (ms % 60_000L == 0) {
            return ms / 60_000L + "m";
        }
        if (ms % 1000L == 0) {
            return ms / 1000L + "s";
        }
        return ms + "ms";
    }

    private static String example(String number) {
        String n = number.replace("+", "");
        return n.startsWith("-") ? "90s or 500ms" : n + "s or " + n + "ms";
    }
}
