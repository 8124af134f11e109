package io.switchboard.core;

import java.util.ArrayList;
import java.util.List;

/**
 * Collects configuration problems while a configuration is validated, then throws them together.
 * Not thread-safe: one collector per validation.
 */
public final class ConfigProblems {

    private final String source;
    private final List<ConfigProblem> problems = new ArrayList<>();

    /** @param source where the configuration comes from, used in the final message */
    public ConfigProblems(String source) {
        this.source = source;
    }

    /** Records a problem. */
    public ConfigProblems add(String key, String value, String message) {
        problems.add(new ConfigProblem(key, value, message));
        return this;
    }

    /** Records a problem when {@code ok} is false. Returns {@code ok}. */
    public boolean check(boolean ok, String key, String value, String message) {
        if (!ok) {
            add(key, value, message);
        }
        return ok;
    }

    /** Whether nothing was recorded. */
    public boolean isEmpty() {
        return problems.isEmpty();
    }

    /** Problems recorded so far. */
    public List<ConfigProblem> problems() {
        return List.copyOf(problems);
    }

    /** Throws a {@link ConfigException} with every recorded problem, if there is any. */
    public void throwIfAny() {
        if (!problems.isEmpty()) {
            throw new ConfigException(source, problems);
        }
    }
}
