package io.switchboard.registry;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Compatibility levels of the Confluent API, with the same names. BACKWARD is the registry default:
 * consumers using the new schema can read data written with the latest one.
 */
public enum CompatibilityLevel {
    /** No check. */
    NONE,
    /** New schema reads data written with the latest schema. */
    BACKWARD,
    /** New schema reads data written with every earlier schema. */
    BACKWARD_TRANSITIVE,
    /** Latest schema reads data written with the new one. */
    FORWARD,
    /** Every earlier schema reads data written with the new one. */
    FORWARD_TRANSITIVE,
    /** BACKWARD and FORWARD against the latest schema. */
    FULL,
    /** BACKWARD and FORWARD against every earlier schema. */
    FULL_TRANSITIVE;

    /** Whether the new schema must read data of older ones. */
    public boolean backward() {
        return this == BACKWARD || this == BACKWARD_TRANSITIVE || this == FULL || this == FULL_TRANSITIVE;
    }

    /** Whether older schemas must read data of the new one. */
    public boolean forward() {
        return this == FORWARD || this == FORWARD_TRANSITIVE || this == FULL || this == FULL_TRANSITIVE;
    }

    /** Whether every earlier version is checked rather than only the latest. */
    public boolean transitive() {
        return name().endsWith("_TRANSITIVE");
    }

    /**
     * Parses a level name, case-insensitively.
     *
     * @throws IllegalArgumentException naming the valid levels
     */
    public static CompatibilityLevel parse(String text) {
        try {
            return valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("'" + text + "' is not a compatibility level; use one of "
                    + Arrays.stream(values()).map(Enum::name).collect(Collectors.joining(", ")), e);
        }
    }
}
