package io.switchboard.core.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

import io.switchboard.core.Secret;

/**
 * One configuration key, declared once with everything about it: name, type, default,
 * documentation, validation, whether it is a secret, and the environment variable that overrides it.
 * Kafka's {@code ConfigDef} in one immutable value: each role lists its keys as constants in one
 * place, reads them through {@link ConfigSection#get(ConfigKey)} and prints them with {@link ConfigReference}.
 *
 * <pre>{@code
 * static final ConfigKey<Integer> MAX_IN_FLIGHT = ConfigKey.integer("poller.maxInFlight")
 *         .defaultValue(4).check(Checks.between(1, 1000))
 *         .doc("Polls one poller runs at the same time.");
 * }</pre>
 *
 * <h2>Names and environment variables</h2>
 * A name is the key's path in the YAML file: sections joined with {@code .} ({@code poller.maxInFlight}; a part
 * after the first may start with a digit, {@code aggregator.windows.1m.grace});
 * {@code []} marks the items of a list whose items have an {@code id} ({@code credentials[].clientSecret},
 * {@code credentials[].poll.interval}). The environment variable is derived by one rule:
 * {@code SWITCHBOARD_}, then every part in upper case with {@code _} before each inner capital letter and
 * between parts, and a list item's id in place of {@code []} (upper case, every character other than a
 * letter or digit turned into {@code _}). So {@code poller.maxInFlight} is {@code SWITCHBOARD_POLLER_MAX_IN_FLIGHT},
 * and {@code clientSecret} of credential {@code genesys-eu} is {@code SWITCHBOARD_CREDENTIALS_GENESYS_EU_CLIENT_SECRET}.
 *
 * <p>A key without a default is optional ({@link ConfigSection#get} returns {@code null} when it is not set)
 * unless declared {@link #required()}. Immutable and thread-safe; every {@code with}-style method returns a copy.
 *
 * @param <T> the type of a value
 */
public final class ConfigKey<T> {

    /** Prefix of every environment variable that overrides a key. */
    public static final String ENV_PREFIX = "SWITCHBOARD_";

    private final String name;
    private final ConfigType<T> type;
    private final T defaultValue;
    private final String defaultText;
    private final boolean required;
    private final String doc;
    private final List<Function<? super T, String>> checks;
    private final boolean masked;
    private final List<String> aliases;
    private final boolean fromEnvironment;

    private ConfigKey(String name, ConfigType<T> type, T defaultValue, String defaultText, boolean required, String doc,
                      List<Function<? super T, String>> checks, boolean masked, List<String> aliases, boolean fromEnvironment) {
        this.name = name;
        this.type = type;
        this.defaultValue = defaultValue;
        this.defaultText = defaultText;
        this.required = required;
        this.doc = doc;
        this.checks = List.copyOf(checks);
        this.masked = masked;
        this.aliases = List.copyOf(aliases);
        this.fromEnvironment = fromEnvironment;
    }

    /**
     * A key of any type.
     *
     * @param name its path in the file, e.g. {@code poller.maxInFlight} or {@code credentials[].clientId}
     */
    public static <T> ConfigKey<T> of(String name, ConfigType<T> type) {
        Objects.requireNonNull(name, "name");
        if (!name.matches("[a-z][A-Za-z0-9]*(\\[])?(\\.[a-z0-9][A-Za-z0-9]*(\\[])?)*") || name.endsWith("[]")) {
            throw new IllegalArgumentException("key name " + name + " must be camelCase parts joined by '.' (an inner part may"
                    + " start with a digit, as in windows.1m.grace), lists marked []");
        }
        return new ConfigKey<>(name, Objects.requireNonNull(type, "type"), null, null, false, "", List.of(), false, List.of(), true);
    }

    /** A text key. */
    public static ConfigKey<String> string(String name) {
        return of(name, ConfigType.STRING);
    }

    /** A whole-number key. */
    public static ConfigKey<Integer> integer(String name) {
        return of(name, ConfigType.INT);
    }

    /** A decimal-number key. */
    public static ConfigKey<Double> decimal(String name) {
        return of(name, ConfigType.DOUBLE);
    }

    /** A {@code true}/{@code false} key. */
    public static ConfigKey<Boolean> bool(String name) {
        return of(name, ConfigType.BOOLEAN);
    }

    /** A duration key ({@link Durations}: {@code PT2M} or {@code 2m}). */
    public static ConfigKey<Duration> duration(String name) {
        return of(name, ConfigType.DURATION);
    }

    /** An http(s) URL key. */
    public static ConfigKey<String> url(String name) {
        return of(name, ConfigType.URL);
    }

    /** A secret key: a {@code ${env:…}}/{@code ${file:…}} reference in the file; masked in every message. */
    public static ConfigKey<Secret> secret(String name) {
        return of(name, ConfigType.SECRET);
    }

    /** A list-of-strings key. */
    public static ConfigKey<List<String>> stringList(String name) {
        return of(name, ConfigType.STRING_LIST);
    }

    /** A map-of-strings key. */
    public static ConfigKey<Map<String, String>> stringMap(String name) {
        return of(name, ConfigType.STRING_MAP);
    }

    /** A list of mappings read with {@link ConfigSection#items(String)}, such as {@code credentials}; file only. */
    public static ConfigKey<List<ConfigSection>> items(String name) {
        return of(name, ConfigType.ITEMS).fileOnly();
    }

    /** A key whose value is one of the constants of {@code type} (see {@link ConfigType#enumOf}). */
    public static <E extends Enum<E>> ConfigKey<E> enumKey(String name, Class<E> type) {
        return of(name, ConfigType.enumOf(type));
    }

    /** This key with a default, used when neither the file nor the environment sets it. */
    public ConfigKey<T> defaultValue(T value) {
        return new ConfigKey<>(name, type, Objects.requireNonNull(value, "value"), defaultText, false, doc, checks, masked, aliases,
                fromEnvironment);
    }

    /**
     * This key with a default that is worked out when the role starts (e.g. {@code <hostname>-<pid>}):
     * {@code text} is shown in the reference, and {@link ConfigSection#get} returns {@code null} when
     * the key is not set, so the caller computes it.
     */
    public ConfigKey<T> computedDefault(String text) {
        return new ConfigKey<>(name, type, null, Objects.requireNonNull(text, "text"), false, doc, checks, masked, aliases,
                fromEnvironment);
    }

    /** This key, required: not setting it is a problem. */
    public ConfigKey<T> required() {
        return new ConfigKey<>(name, type, null, null, true, doc, checks, masked, aliases, fromEnvironment);
    }

    /** This key with its documentation: what it does, its unit, what to set it to. */
    public ConfigKey<T> doc(String text) {
        return new ConfigKey<>(name, type, defaultValue, defaultText, required, Objects.requireNonNull(text, "text"), checks, masked,
                aliases, fromEnvironment);
    }

    /**
     * This key with one more validation, applied to every value from the file or the environment
     * (not to the default). See {@link Checks} for common ones.
     *
     * @param check returns {@code null} when the value is valid, else what is wrong and what would be valid,
     *              phrased to follow the key ("must be between 1 and 1000")
     */
    public ConfigKey<T> check(Function<? super T, String> check) {
        List<Function<? super T, String>> more = new ArrayList<>(checks);
        more.add(Objects.requireNonNull(check, "check"));
        return new ConfigKey<>(name, type, defaultValue, defaultText, required, doc, more, masked, aliases, fromEnvironment);
    }

    /** This key with its values masked in every message, for a value that is sensitive but not a {@link Secret}. */
    public ConfigKey<T> masked() {
        return new ConfigKey<>(name, type, defaultValue, defaultText, required, doc, checks, true, aliases, fromEnvironment);
    }

    /**
     * This key also read from an older name (file and environment), so files written for an earlier
     * release keep working; setting both is a problem. The reference names the alias as deprecated.
     */
    public ConfigKey<T> alias(String oldName) {
        of(oldName, type); // validates the name
        List<String> more = new ArrayList<>(aliases);
        more.add(oldName);
        return new ConfigKey<>(name, type, defaultValue, defaultText, required, doc, checks, masked, more, fromEnvironment);
    }

    /** This key set only in the file, never from the environment (e.g. a list of structured items). */
    public ConfigKey<T> fileOnly() {
        return new ConfigKey<>(name, type, defaultValue, defaultText, required, doc, checks, masked, aliases, false);
    }

    /** Its path in the file, e.g. {@code poller.maxInFlight}. */
    public String name() {
        return name;
    }

    /** Its type. */
    public ConfigType<T> type() {
        return type;
    }

    /** The default, or {@code null} when there is none (or it is {@linkplain #computedDefault computed}). */
    public T defaultValue() {
        return defaultValue;
    }

    /** Whether not setting the key is a problem. */
    public boolean isRequired() {
        return required;
    }

    /** Its documentation. */
    public String doc() {
        return doc;
    }

    /** Whether values are masked in messages (secrets, and keys declared {@link #masked()}). */
    public boolean isSecret() {
        return masked || type.isSecret();
    }

    /** Older names also read. */
    public List<String> aliases() {
        return aliases;
    }

    /** Whether an environment variable overrides the key. */
    public boolean isFromEnvironment() {
        return fromEnvironment && type.shape() != ConfigType.Shape.LIST_MAP && type.shape() != ConfigType.Shape.ITEMS;
    }

    /**
     * The environment variable that overrides this key, with {@code <ID>} for a list item's id,
     * e.g. {@code SWITCHBOARD_CREDENTIALS_<ID>_CLIENT_SECRET}, and {@code _<NAME>} after a map's variable for an
     * entry's name ({@code SWITCHBOARD_KAFKA_PROPERTIES_<NAME>}); {@code null} for keys set in the file only.
     */
    public String envVar() {
        if (!isFromEnvironment()) {
            return null;
        }
        String var = envVarOf(name, "<ID>");
        return type.shape() == ConfigType.Shape.MAP || type.shape() == ConfigType.Shape.SECRET_MAP ? var + "_<NAME>" : var;
    }

    /** The default as the reference shows it: {@code (required)}, {@code (none)}, a computed default's text or the value. */
    public String describeDefault() {
        if (required) {
            return "(required)";
        }
        if (defaultText != null) {
            return defaultText;
        }
        if (defaultValue == null) {
            return "(none)";
        }
        return describe(defaultValue);
    }

    /** A value as a message shows it: masked for secrets, durations in their short form. */
    public String describe(Object value) {
        if (value == null) {
            return null;
        }
        if (isSecret()) {
            return "****";
        }
        if (value instanceof Duration d) {
            return Durations.format(d);
        }
        if (value instanceof Enum<?> e) {
            return ConfigType.configName(e);
        }
        return String.valueOf(value);
    }

    /** The first problem the declared checks find with {@code value}, or {@code null}. */
    public String validate(T value) {
        for (Function<? super T, String> check : checks) {
            String problem = check.apply(value);
            if (problem != null) {
                return problem;
            }
        }
        return null;
    }

    /**
     * The environment variable of a key path by the naming rule above.
     *
     * @param name  a key name such as {@code credentials[].poll.interval}
     * @param itemId what stands for {@code []}: a list item's id (normalised here) or a placeholder like {@code <ID>}
     */
    public static String envVarOf(String name, String itemId) {
        StringBuilder sb = new StringBuilder(ENV_PREFIX.substring(0, ENV_PREFIX.length() - 1));
        for (String part : name.split("\\.")) {
            boolean list = part.endsWith("[]");
            String word = list ? part.substring(0, part.length() - 2) : part;
            sb.append('_').append(word.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toUpperCase(Locale.ROOT));
            if (list) {
                sb.append('_').append(itemId.startsWith("<") ? itemId : envIdOf(itemId));
            }
        }
        return sb.toString();
    }

    /** A list item's id as it appears in environment variable names: {@code genesys-eu} is {@code GENESYS_EU}. */
    public static String envIdOf(String id) {
        return id.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_");
    }

    @Override
    public String toString() {
        return name;
    }
}
