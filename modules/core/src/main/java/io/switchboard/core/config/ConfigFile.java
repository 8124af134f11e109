package io.switchboard.core.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import io.switchboard.core.ConfigException;
import io.switchboard.core.ConfigProblem;

/**
 * Which configuration file a command reads; every command chooses it the same way: the
 * {@code --config} option, else {@code $SWITCHBOARD_CONFIG}, else {@code ./switchboard.yaml}.
 * Immutable.
 *
 * @param path      the file
 * @param chosenBy  how it was chosen, as messages say it: {@code --config}, {@code $SWITCHBOARD_CONFIG} or {@code default}
 */
public record ConfigFile(Path path, String chosenBy) {

    /** Environment variable naming the file when {@code --config} is not given. */
    public static final String ENV = "SWITCHBOARD_CONFIG";
    /** The file read when neither {@code --config} nor {@link #ENV} names one. */
    public static final Path DEFAULT = Path.of("switchboard.yaml");
    /** How {@code --config} describes the choice, for picocli descriptions. */
    public static final String OPTION_DESCRIPTION = "Configuration file (default: $" + ENV + ", else ./switchboard.yaml).";

    public ConfigFile {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(chosenBy, "chosenBy");
    }

    /**
     * Chooses the file.
     *
     * @param option      the {@code --config} value, or {@code null}
     * @param environment the process environment (for {@link #ENV})
     */
    public static ConfigFile choose(Path option, Map<String, String> environment) {
        if (option != null) {
            return new ConfigFile(option, "--config");
        }
        String fromEnv = environment.get(ENV);
        if (fromEnv != null && !fromEnv.isBlank()) {
            return new ConfigFile(Path.of(fromEnv.trim()), "$" + ENV);
        }
        return new ConfigFile(DEFAULT, "default");
    }

    /** Whether the file was chosen by default (not named by the user). */
    public boolean isDefault() {
        return chosenBy.equals("default");
    }

    /** The file and how it was chosen, e.g. {@code ./switchboard.yaml (the default)}. */
    public String describe() {
        return path + (isDefault() ? " (the default; give --config FILE or set " + ENV + " to read another)"
                : " (from " + chosenBy + ")");
    }

    /**
     * Reads the file, which must exist.
     *
     * @throws ConfigException when it does not exist, cannot be read or is not a YAML mapping
     */
    public ConfigSource load(Map<String, String> environment) {
        if (!Files.exists(path)) {
            throw new ConfigException(path.toString(), List.of(new ConfigProblem(isDefault() ? "(file)" : chosenBy, path.toString(),
                    "no such file" + (isDefault() ? "; create ./" + DEFAULT + ", give --config FILE or set " + ENV
                            : "; check the path given in " + chosenBy))));
        }
        return ConfigSource.load(path, environment);
    }

    /**
     * Reads the file if there is one; for commands that run without a file. A file the user named
     * ({@code --config}, {@code $SWITCHBOARD_CONFIG}) must exist; only the default one may be absent,
     * and then the source is the environment alone.
     */
    public ConfigSource loadIfPresent(Map<String, String> environment) {
        if (isDefault() && !Files.exists(path)) {
            return ConfigSource.empty("environment (no ./" + DEFAULT + ")", environment);
        }
        return load(environment);
    }
}
