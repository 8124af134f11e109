package io.switchboard.core;

import java.security.MessageDigest;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * A secret value (client secret, password, access key, token) that cannot leak by accident.
 *
 * <p>{@link #toString()} never shows the value, so a secret in a log line, an exception or a
 * record's {@code toString} shows as {@code ****}. Only {@link #reveal()} returns it: call it at
 * the last moment, where the value goes on the wire. Immutable and thread-safe.
 */
public final class Secret {

    private static final String MASK = "****";

    private final String value;
    private final String origin;

    private Secret(String value, String origin) {
        this.value = Objects.requireNonNull(value, "value");
        this.origin = origin;
    }

    /** A secret with no known origin. */
    public static Secret of(String value) {
        return new Secret(value, null);
    }

    /**
     * A secret that came from a reference.
     *
     * @param origin the reference it was read from, e.g. {@code ${env:GENESYS_SECRET}}; shown by {@link #describe()}
     */
    public static Secret of(String value, String origin) {
        return new Secret(value, origin);
    }

    /** The clear-text value. Use only to put it on the wire or into a cipher. */
    public String reveal() {
        return value;
    }

    /** Whether the value is empty. */
    public boolean isEmpty() {
        return value.isEmpty();
    }

    /** Length of the value, useful in diagnostics (a truncated secret) without showing it. */
    public int length() {
        return value.length();
    }

    /** Where the secret came from (the reference), or {@code "inline"}. Never the value. */
    public String describe() {
        return origin == null ? "inline" : origin;
    }

    /** Constant-time comparison with a clear-text candidate. */
    public boolean matches(String candidate) {
        return candidate != null && MessageDigest.isEqual(
                value.getBytes(StandardCharsets.UTF_8), candidate.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Secret other && MessageDigest.isEqual(
                value.getBytes(StandardCharsets.UTF_8), other.value.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public int hashCode() {
        return value.hashCode();
    }

    @Override
    public String toString() {
        return MASK;
    }
}
