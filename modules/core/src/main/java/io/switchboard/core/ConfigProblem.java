package io.switchboard.core;

/**
 * One thing wrong with a configuration.
 *
 * @param key   the setting, as a path (e.g. {@code credentials[2].clientSecret})
 * @param value the offending value as shown to the user; secrets must already be masked
 * @param message what is wrong and what would be valid
 */
public record ConfigProblem(String key, String value, String message) {

    @Override
    public String toString() {
        return value == null ? key + ": " + message : key + " = " + value + ": " + message;
    }
}
