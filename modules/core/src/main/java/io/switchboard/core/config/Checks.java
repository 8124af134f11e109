package io.switchboard.core.config;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Validations for {@link ConfigKey#check}: each returns {@code null} for a valid value, else what is
 * wrong and what would be valid. Stateless.
 */
public final class Checks {

    private Checks() {
    }

    /** A whole number in {@code [min, max]}. */
    public static Function<Integer, String> between(int min, int max) {
        return n -> n < min || n > max ? "must be between " + min + " and " + max : null;
    }

    /** A number in {@code [min, max]} ({@code minInclusive} false: {@code (min, max]}). */
    public static Function<Double, String> between(double min, boolean minInclusive, double max) {
        return d -> (minInclusive ? d < min : d <= min) || d > max
                ? "must be in " + (minInclusive ? "[" : "(") + min + ", " + max + "]" : null;
    }

    /** A duration above zero. */
    public static Function<Duration, String> positive() {
        return d -> d.isNegative() || d.isZero() ? "must be longer than zero, e.g. 30s" : null;
    }

    /** A duration of zero or more. */
    public static Function<Duration, String> notNegative() {
        return d -> d.isNegative() ? "must not be negative" : null;
    }

    /** A duration in {@code [min, max]}. */
    public static Function<Duration, String> between(Duration min, Duration max) {
        return d -> d.compareTo(min) < 0 || d.compareTo(max) > 0
                ? "must be between " + Durations.format(min) + " and " + Durations.format(max) : null;
    }

    /** Text that matches {@code regex} entirely; {@code hint} says what would be valid ("may only contain …"). */
    public static Function<String, String> matches(String regex, String hint) {
        Pattern p = Pattern.compile(regex);
        return s -> p.matcher(s).matches() ? null : hint;
    }

    /** Text that is not blank. */
    public static Function<String, String> notBlank() {
        return s -> s.isBlank() ? "must not be blank" : null;
    }

    /** A list with at least one element. */
    public static Function<List<String>, String> notEmpty() {
        return l -> l.isEmpty() ? "must list at least one value" : null;
    }

    /** A readable PEM file holding at least one X.509 certificate (a CA bundle). */
    public static Function<Path, String> pemCertificates() {
        return Checks::checkPemCertificates;
    }

    private static String checkPemCertificates(Path path) {
        if (!Files.isRegularFile(path) || !Files.isReadable(path)) {
            return "is not a readable file; give the path of a PEM file of CA certificates";
        }
        try {
            String text = Files.readString(path, StandardCharsets.US_ASCII);
            if (!text.contains("-----BEGIN CERTIFICATE-----")) {
                return "has no -----BEGIN CERTIFICATE----- block; give a PEM file of CA certificates (not a key, not DER)";
            }
            try (InputStream in = Files.newInputStream(path)) {
                if (CertificateFactory.getInstance("X.509").generateCertificates(in).isEmpty()) {
                    return "holds no certificate; give a PEM file of CA certificates";
                }
            }
            return null;
        } catch (IOException | CertificateException e) {
            return "cannot be read as PEM certificates (" + e.getClass().getSimpleName() + "); give a PEM file of CA certificates";
        }
    }
}
