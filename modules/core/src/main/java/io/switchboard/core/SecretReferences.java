package io.switchboard.core;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Resolves secret references in configuration: {@code ${env:NAME}} reads an environment variable,
 * {@code ${file:/path}} reads a file (one trailing newline is dropped, as editors add one).
 *
 * <p>Secrets are only ever given by reference, so configuration files can be committed and shared.
 * Thread-safe.
 */
public final class SecretReferences {

    private static final Pattern REFERENCE = Pattern.compile("\\$\\{(env|file):([^}]+)}");

    private final Function<String, String> environment;

    /** Resolves against the process environment. */
    public SecretReferences() {
        this(System::getenv);
    }

    /** Resolves against the given environment (tests, embedded demo). */
    public SecretReferences(Map<String, String> environment) {
        this(environment::get);
    }

    private SecretReferences(Function<String, String> environment) {
        this.environment = environment;
    }

    /** Whether {@code text} is exactly one reference. */
    public static boolean isReference(String text) {
        return text != null && REFERENCE.matcher(text.trim()).matches();
    }

    /**
     * Resolves one reference.
     *
     * @param key       the configuration key, for the problem message
     * @param reference the text, which must be exactly one {@code ${env:…}} or {@code ${file:…}}
     * @param problems  where a problem is recorded if it cannot be resolved
     * @return the secret, or empty when a problem was recorded
     */
    public Optional<Secret> resolve(String key, String reference, ConfigProblems problems) {
        if (reference == null || reference.isBlank()) {
            problems.add(key, null, "is required; give it as ${env:NAME} or ${file:/path/to/secret}");
            return Optional.empty();
        }
        Matcher m = REFERENCE.matcher(reference.trim());
        if (!m.matches()) {
            problems.add(key, "****", "secrets are not accepted inline; put the value in an environment variable or a file"
                    + " and write ${env:NAME} or ${file:/path/to/secret}");
            return Optional.empty();
        }
        String kind = m.group(1);
        String name = m.group(2).trim();
        if (kind.equals("env")) {
            String value = environment.apply(name);
            if (value == null || value.isEmpty()) {
                problems.add(key, reference, "environment variable " + name + " is not set or empty; set it in the environment of this process"
                        + " (export " + name + "=...), or keep the secret in a file and write ${file:/path/to/secret}");
                return Optional.empty();
            }
            return Optional.of(Secret.of(value, reference));
        }
        Path path = Path.of(name);
        try {
            String value = Files.readString(path, StandardCharsets.UTF_8);
            if (value.endsWith("\r\n")) {
                value = value.substring(0, value.length() - 2);
            } else if (value.endsWith("\n")) {
                value = value.substring(0, value.length() - 1);
            }
            if (value.isEmpty()) {
                problems.add(key, reference, "file " + path + " is empty");
                return Optional.empty();
            }
            return Optional.of(Secret.of(value, reference));
        } catch (IOException e) {
            problems.add(key, reference, "cannot read file " + path + " (" + e.getClass().getSimpleName() + ")");
            return Optional.empty();
        }
    }
}
