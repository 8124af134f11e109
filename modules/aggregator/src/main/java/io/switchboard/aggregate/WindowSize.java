package io.switchboard.aggregate;

import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

/**
 * The tumbling window lengths the aggregator keeps per queue, each with its own output topic
 * ({@code <prefix>.dashboard.queue-stats-<label>}) and window store.
 */
public enum WindowSize {

    /** One minute: {@code queue-stats-1m}. */
    ONE_MINUTE("1m", Duration.ofMinutes(1)),
    /** Fifteen minutes: {@code queue-stats-15m}. */
    FIFTEEN_MINUTES("15m", Duration.ofMinutes(15)),
    /** One hour: {@code queue-stats-1h}. */
    ONE_HOUR("1h", Duration.ofHours(1));

    private final String label;
    private final Duration length;

    WindowSize(String label, Duration length) {
        this.label = label;
        this.length = length;
    }

    /** Short label used in topic names, store names, config keys and the query API: 1m, 15m, 1h. */
    public String label() {
        return label;
    }

    /** Window length. */
    public Duration length() {
        return length;
    }

    /** Length in milliseconds. */
    public long millis() {
        return length.toMillis();
    }

    /** ISO-8601 form written into {@code QueueWindowStats.windowSize}: PT1M, PT15M, PT1H. */
    public String iso() {
        return length.toString();
    }

    /** Start of the window containing {@code timestampMs}. */
    public long windowStart(long timestampMs) {
        return Math.floorDiv(timestampMs, millis()) * millis();
    }

    /** The size with this label (1m, 15m, 1h) or ISO form (PT1M, ...), case-insensitive. */
    public static Optional<WindowSize> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        String t = text.trim().toLowerCase(Locale.ROOT);
        for (WindowSize size : values()) {
            if (size.label.equals(t) || size.iso().toLowerCase(Locale.ROOT).equals(t)) {
                return Optional.of(size);
            }
        }
        return Optional.empty();
    }
}
