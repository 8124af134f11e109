package io.switchboard.core.config;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.stream.Collectors;

import io.switchboard.core.Secret;

/**
 * The type of a {@link ConfigKey}: its name in the reference and how a value is read from text.
 *
 * <p>Scalars are read from the file's text and from environment variables with the same parser, so
 * a value means the same thing wherever it is given. Lists are YAML lists, or in text comma- or
 * blank-separated; maps are YAML mappings (see {@link ConfigSection} for their environment rule).
 * A parser throws {@link IllegalArgumentException} whose message says what is wrong and what would be
 * valid, phrased to follow the key ("is not a whole number"). Immutable and thread-safe.
 *
 * @param <T> the Java type of a value
 */
public final class ConfigType<T> {

    /** The shape of a value in the file. */
    enum Shape { SCALAR, LIST, MAP, SECRET, SECRET_MAP, LIST_MAP, ITEMS }

    /** Any text. */
    public static final ConfigType<String> STRING = scalar("string", s -> s);
    /** A whole number that fits an {@code int}. */
    public static final ConfigType<Integer> INT = scalar("int", ConfigType::parseInt);
    /** A whole number that fits a {@code long}. */
    public static final ConfigType<Long> LONG = scalar("long", ConfigType::parseLong);
    /** A decimal number. */
    public static final ConfigType<Double> DOUBLE = scalar("number", ConfigType::parseDouble);
    /** {@code true} or {@code false}. */
    public static final ConfigType<Boolean> BOOLEAN = scalar("boolean", ConfigType::parseBoolean);
    /** A duration in the one syntax of {@link Durations}. */
    public static final ConfigType<Duration> DURATION = scalar("duration", Durations::parse);
    /** An ISO-8601 instant such as {@code 2024-05-06T10:00:00Z}. */
    public static final ConfigType<Instant> INSTANT = scalar("instant", ConfigType::parseInstant);
    /** An absolute http(s) URL with a host; the value is the text without a trailing slash. */
    public static final ConfigType<String> URL = scalar("url", ConfigType::parseUrl);
    /** A file system path. */
    public static final ConfigType<Path> PATH = scalar("path", ConfigType::parsePath);
    /** A list of strings: a YAML list, or text separated by commas or blanks. */
    public static final ConfigType<List<String>> STRING_LIST = new ConfigType<>("list", Shape.LIST, ConfigType::parseList);
    /** A mapping of name to text; values that are {@code ${env:…}}/{@code ${file:…}} references are resolved. */
    public static final ConfigType<Map<String, String>> STRING_MAP = new ConfigType<>("map", Shape.MAP, null);
    /**
     * A mapping of name to text taken exactly as written: a {@code ${env:…}}/{@code ${file:…}} value is <em>not</em>
     * resolved. For values that are published in clear text (a poll job's {@code params} land on a topic), whose reader
     * reports a reference as a mistake instead of reading a secret into them. File only.
     */
    public static final ConfigType<Map<String, String>> LITERAL_MAP = new ConfigType<>("map", Shape.MAP, null, true);
    /** A mapping of name to a list of strings (a YAML list, or one comma- or blank-separated text); file only. */
    public static final ConfigType<Map<String, List<String>>> STRING_LIST_MAP = new ConfigType<>("map of list", Shape.LIST_MAP, null);
    /**
     * A list of mappings, each read as a {@link ConfigSection} with {@link ConfigSection#items(String)} (e.g.
     * {@code credentials}); declared so that the reference lists it. Never read with {@code get}; file only.
     */
    public static final ConfigType<List<ConfigSection>> ITEMS = new ConfigType<>("list of mappings", Shape.ITEMS, null);
    /** A secret: in the file only as a {@code ${env:…}}/{@code ${file:…}} reference, never inline. */
    public static final ConfigType<Secret> SECRET = new ConfigType<>("secret", Shape.SECRET, null);
    /** A mapping of name to secret, each value a reference. */
    public static final ConfigType<Map<String, Secret>> SECRET_MAP = new ConfigType<>("map of secret", Shape.SECRET_MAP, null);

    private final String name;
    private final Shape shape;
    private final Function<String, T> parser;
    private final boolean literal;

    private ConfigType(String name, Shape shape, Function<String, T> parser) {
        this(name, shape, parser, false);
    }

    private ConfigType(String name, Shape shape, Function<String, T> parser, boolean literal) {
        this.name = Objects.requireNonNull(name, "name");
        this.shape = shape;
        this.parser = parser;
        this.literal = literal;
    }

    /**
     * A scalar type of your own.
     *
     * @param name   how the type shows in the reference, e.g. {@code host:port list}
     * @param parser reads a value from text (blanks already trimmed); throws {@link IllegalArgumentException}
     *               with a message such as "is not a host:port list; write broker-1:9092,broker-2:9092"
     */
    public static <T> ConfigType<T> scalar(String name, Function<String, T> parser) {
        return new ConfigType<>(name, Shape.SCALAR, Objects.requireNonNull(parser, "parser"));
    }

    /** One of the given words, compared exactly; the reference shows them as {@code a | b | c}. */
    public static ConfigType<String> oneOf(String... values) {
        List<String> allowed = List.of(values);
        return scalar(String.join(" | ", allowed), s -> {
            if (!allowed.contains(s)) {
                throw new IllegalArgumentException("is not one of " + String.join(", ", allowed));
            }
            return s;
        });
    }

    /**
     * A constant of {@code type}, written in lower case with {@code -} or {@code _} between words
     * ({@code FORM_URLENCODED} is {@code form-urlencoded}); case and the separator do not matter.
     */
    public static <E extends Enum<E>> ConfigType<E> enumOf(Class<E> type) {
        E[] constants = type.getEnumConstants();
        String names = Arrays.stream(constants).map(ConfigType::configName).collect(Collectors.joining(" | "));
        return scalar(names, s -> {
            String normal = s.trim().replace('-', '_').toUpperCase(Locale.ROOT);
            for (E e : constants) {
                if (e.name().equals(normal)) {
                    return e;
                }
            }
            throw new IllegalArgumentException("is not one of " + names.replace(" | ", ", "));
        });
    }

    /** The name of an enum constant in configuration files: {@code FORM_URLENCODED} is {@code form-urlencoded}. */
    public static String configName(Enum<?> constant) {
        return constant.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** How the type shows in the reference. */
    public String name() {
        return name;
    }

    Shape shape() {
        return shape;
    }

    /** Whether values are taken as written, references not resolved ({@link #LITERAL_MAP}). */
    boolean isLiteral() {
        return literal;
    }

    /** Whether values are secrets (masked in messages, references only in files). */
    public boolean isSecret() {
        return shape == Shape.SECRET || shape == Shape.SECRET_MAP;
    }

    /**
     * Reads a scalar or list value from text (an environment variable, a YAML scalar).
     *
     * @throws IllegalArgumentException what is wrong and what would be valid
     * @throws UnsupportedOperationException for maps and secrets, which {@link ConfigSection} reads itself
     */
    public T parse(String text) {
        if (parser == null) {
            throw new UnsupportedOperationException(name + " values are not read from a single text");
        }
        return parser.apply(text.trim());
    }

    @Override
    public String toString() {
        return name;
    }

    private static Integer parseInt(String s) {
        try {
            return Integer.valueOf(s.replace("_", ""));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(s.matches("[-+]?\\d+") ? "is too large; the largest whole number here is "
                    + Integer.MAX_VALUE : "is not a whole number");
        }
    }

    private static Long parseLong(String s) {
        try {
            return Long.valueOf(s.replace("_", ""));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("is not a whole number");
        }
    }

    private static Double parseDouble(String s) {
        try {
            double d = Double.parseDouble(s);
            if (Double.isNaN(d) || Double.isInfinite(d)) {
                throw new NumberFormatException();
            }
            return d;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("is not a number; write e.g. 0.75");
        }
    }

    private static Boolean parseBoolean(String s) {
        return switch (s.toLowerCase(Locale.ROOT)) {
            case "true" -> Boolean.TRUE;
            case "false" -> Boolean.FALSE;
            default -> throw new IllegalArgumentException("must be true or false");
        };
    }

    private static Instant parseInstant(String s) {
        try {
            return Instant.parse(s);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("is not an ISO-8601 instant; write e.g. 2024-05-06T10:00:00Z");
        }
    }

    private static String parseUrl(String s) {
        try {
            URI uri = new URI(s);
            if (("http".equalsIgnoreCase(uri.getScheme()) || "https".equalsIgnoreCase(uri.getScheme()))
                    && uri.getHost() != null && !uri.getHost().isEmpty()) {
                String u = s;
                while (u.endsWith("/")) {
                    u = u.substring(0, u.length() - 1);
                }
                return u;
            }
        } catch (Exception e) {
            // reported below
        }
        throw new IllegalArgumentException("is not an absolute http(s) URL with a host, e.g. https://login.example.com");
    }

    private static Path parsePath(String s) {
        try {
            return Path.of(s);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("is not a file path");
        }
    }

    private static List<String> parseList(String s) {
        List<String> out = new ArrayList<>();
        for (String item : s.split("[,\\s]+")) {
            if (!item.isEmpty()) {
                out.add(item);
            }
        }
        return List.copyOf(out);
    }
}
