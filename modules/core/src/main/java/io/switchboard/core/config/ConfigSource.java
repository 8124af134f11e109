package io.switchboard.core.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import io.switchboard.core.ConfigException;
import io.switchboard.core.ConfigProblem;
import io.switchboard.core.ConfigProblems;
import io.switchboard.core.SecretReferences;

/**
 * One configuration as read: the YAML file's tree and the environment that overrides it and
 * resolves its secret references. Every role reads its keys from the same source through
 * {@link #root(ConfigProblems)}; see {@link ConfigFile} for which file that is.
 *
 * <p>The file has one section per role plus the shared ones ({@link #SECTIONS}); a role reads its
 * own and the shared sections and leaves the others alone, so one file serves the whole deployment.
 * Immutable and thread-safe. Needs {@code jackson-dataformat-yaml} on the class path (an optional
 * dependency of core, so libraries such as token-client stay free of YAML).
 */
public final class ConfigSource {

    /**
     * Top-level sections of the file: {@code kafka}, {@code schemaRegistry} and {@code encryption} are
     * shared; {@code tokenManager}, {@code credentials} (with a {@code poll:} sub-section per credential
     * for the pollers), {@code poller}, {@code aggregator} and {@code simulator} belong to one role each.
     */
    public static final List<String> SECTIONS = List.of("kafka", "schemaRegistry", "encryption", "tokenManager", "credentials",
            "poller", "aggregator", "simulator");

    private final JsonNode root;
    private final String origin;
    private final Map<String, String> environment;
    private final SecretReferences secrets;

    private ConfigSource(JsonNode root, String origin, Map<String, String> environment, SecretReferences secrets) {
        this.root = root;
        this.origin = Objects.requireNonNull(origin, "origin");
        this.environment = Map.copyOf(environment);
        this.secrets = Objects.requireNonNull(secrets, "secrets");
    }

    /**
     * Reads a YAML file.
     *
     * @param environment overrides and secret references resolve against it (normally {@link System#getenv()})
     * @throws ConfigException when the file cannot be read or is not a YAML mapping, naming the line
     */
    public static ConfigSource load(Path file, Map<String, String> environment) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw single(file.toString(), "(file)", file.toString(), "does not exist; give the path of a YAML file");
        } catch (IOException e) {
            throw single(file.toString(), "(file)", file.toString(), "cannot be read (" + e.getClass().getSimpleName()
                    + "); give the path of a readable YAML file");
        }
        return parse(text, file.toString(), environment);
    }

    /**
     * Parses YAML text.
     *
     * @param origin where the text comes from (a file path), shown in every problem
     * @throws ConfigException when the text is not a YAML mapping, naming the line
     */
    public static ConfigSource parse(String yaml, String origin, Map<String, String> environment) {
        ObjectMapper mapper = new ObjectMapper(new YAMLFactory());
        mapper.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
        JsonNode tree;
        try {
            tree = mapper.readTree(yaml);
        } catch (JsonProcessingException e) {
            String where = e.getLocation() != null && e.getLocation().getLineNr() > 0 ? " at line " + e.getLocation().getLineNr() : "";
            String problem = "";
            if (e instanceof com.fasterxml.jackson.dataformat.yaml.snakeyaml.error.MarkedYAMLException marked
                    && marked.getProblemMark() != null) {
                // The parser's own mark is where the problem is (Jackson's location can be the start of the token before it).
                where = " at line " + (marked.getProblemMark().getLine() + 1) + ", column " + (marked.getProblemMark().getColumn() + 1);
                problem = marked.getProblem() == null ? "" : " (" + marked.getProblem().replace("\\t(TAB)", "tab") + ")";
            } else if (e.getLocation() != null && e.getLocation().getLineNr() > 0 && e.getLocation().getColumnNr() > 0) {
                where += ", column " + e.getLocation().getColumnNr();
            }
            String what = e.getOriginalMessage() != null && e.getOriginalMessage().startsWith("Duplicate field")
                    ? "has a key twice" + where + " (" + e.getOriginalMessage().replace("Duplicate field", "key") + "); keep one"
                    : "is not valid YAML" + where + problem + "; check indentation (spaces, not tabs) and quoting";
            throw single(origin, "(file)", null, what);
        } catch (IOException e) {
            throw single(origin, "(file)", null, "cannot be read as YAML (" + e.getClass().getSimpleName() + ")");
        }
        return fromTree(tree, origin, environment);
    }

    /**
     * A source from a tree already parsed (by callers that read YAML themselves).
     *
     * @param tree a mapping, or {@code null}/missing/YAML null for an empty file
     * @throws ConfigException when the tree is not a mapping
     */
    public static ConfigSource fromTree(JsonNode tree, String origin, Map<String, String> environment) {
        return fromTree(tree, origin, environment, new SecretReferences(Map.copyOf(environment)));
    }

    /**
     * A source from a tree already parsed whose secret references resolve with {@code secrets}
     * (which may read another environment than the overrides, e.g. the process environment).
     */
    public static ConfigSource fromTree(JsonNode tree, String origin, Map<String, String> environment, SecretReferences secrets) {
        if (tree == null || tree.isMissingNode() || tree.isNull()) {
            tree = JsonNodeFactory.instance.objectNode();
        }
        if (!tree.isObject()) {
            throw single(origin, "(file)", null, "must be a YAML mapping of sections (" + String.join(", ", SECTIONS) + ")");
        }
        return new ConfigSource(tree, origin, environment, secrets);
    }

    /** A source with no file: defaults and the environment only. */
    public static ConfigSource empty(String origin, Map<String, String> environment) {
        return new ConfigSource(JsonNodeFactory.instance.objectNode(), origin, environment, new SecretReferences(Map.copyOf(environment)));
    }

    /** This source with secret references resolved by {@code secrets} instead (tests, embedding). */
    public ConfigSource withSecrets(SecretReferences secrets) {
        return new ConfigSource(root, origin, environment, secrets);
    }

    /** Where the configuration comes from, as problems name it. */
    public String origin() {
        return origin;
    }

    /** The environment of overrides and secret references. */
    public Map<String, String> environment() {
        return environment;
    }

    /** Resolves {@code ${env:…}}/{@code ${file:…}} against {@link #environment()}. */
    public SecretReferences secrets() {
        return secrets;
    }

    /** A collector for the problems of one read of this source. */
    public ConfigProblems newProblems() {
        return new ConfigProblems(origin);
    }

    /**
     * The whole file as a section; keys are read with their full names ({@code poller.maxInFlight}).
     *
     * @param problems where every problem found while reading is recorded; throw them with
     *                 {@link ConfigProblems#throwIfAny()} when everything has been read
     */
    public ConfigSection root(ConfigProblems problems) {
        return new ConfigSection(this, root, "", "", null, problems);
    }

    /**
     * The whole file read as if it were the section {@code name}: for a file that holds one role's settings at
     * the top (a simulator file, say). Keys keep their full names ({@code simulator.port}) and environment
     * variables; problems show the paths as the file has them ({@code port}).
     */
    public ConfigSection rootAs(String name, ConfigProblems problems) {
        return new ConfigSection(this, root, name, "", null, problems);
    }

    /** Whether the file has a section or key at {@code path} ({@code a.b}), set to something other than YAML null. */
    public boolean has(String path) {
        JsonNode n = root;
        for (String part : path.split("\\.")) {
            n = n.path(part);
        }
        return !n.isMissingNode() && !n.isNull();
    }

    private static ConfigException single(String origin, String key, String value, String message) {
        return new ConfigException(origin, List.of(new ConfigProblem(key, value, message)));
    }
}
