package io.switchboard.core.config;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

import com.fasterxml.jackson.databind.JsonNode;

import io.switchboard.core.ConfigProblems;
import io.switchboard.core.Secret;
import io.switchboard.core.SecretReferences;
import io.switchboard.core.config.ConfigType.Shape;

/**
 * A mapping of a {@link ConfigSource} that keys are read from: the whole file, or one item of a
 * list such as {@code credentials[2]}. Reading a key applies, in order: its environment variable
 * ({@link ConfigKey#envVar()}), the file, the default; then the key's type and checks. Every problem
 * is recorded in the {@link ConfigProblems} given to {@link ConfigSource#root}, with the key's path
 * in the file ({@code credentials[2].clientSecret}), the value (masked for secrets, and naming the
 * environment variable when it came from one) and what would be valid; nothing is thrown.
 *
 * <p>Values:
 * <ul>
 *   <li>Any scalar that is exactly one {@code ${env:NAME}} or {@code ${file:/path}} reference is
 *       resolved first ({@link SecretReferences}). A {@linkplain ConfigType#SECRET secret} in the file
 *       must be such a reference (an inline secret is a problem); in its environment variable it is the
 *       secret itself (or a reference).</li>
 *   <li>A map key ({@link ConfigType#STRING_MAP}, {@link ConfigType#SECRET_MAP}) also takes entries from
 *       environment variables that start with its variable and {@code _}: the rest, in lower case with
 *       {@code _} turned into {@code .}, is the entry's name. {@code SWITCHBOARD_KAFKA_PROPERTIES_SASL_JAAS_CONFIG}
 *       sets {@code kafka.properties} entry {@code sasl.jaas.config}. They win over the file's entries.</li>
 *   <li>A list item's keys are overridden by the environment only for items that have an {@code id}
 *       in the file; the environment cannot add items. Items of a list inside a list item (a credential's
 *       {@code poll:} entries) are set in the file only.</li>
 *   <li>A YAML null ({@code key:} with nothing after it) is the same as leaving the key out.</li>
 * </ul>
 *
 * <p>Not thread-safe: one section per reading thread (a read takes microseconds; reading is done once at start-up).
 */
public final class ConfigSection {

    private final ConfigSource source;
    private final JsonNode node;
    private final String pattern;
    private final String path;
    private final String itemId;
    private final ConfigProblems problems;

    ConfigSection(ConfigSource source, JsonNode node, String pattern, String path, String itemId, ConfigProblems problems) {
        this.source = source;
        this.node = node;
        this.pattern = pattern;
        this.path = path;
        this.itemId = itemId;
        this.problems = Objects.requireNonNull(problems, "problems");
    }

    /** Where this section is in the file: {@code ""} for the whole file, {@code credentials[2]} for a list item. */
    public String path() {
        return path;
    }

    /** The list item's {@code id} as written, or {@code null} (the whole file, or an item without a textual id). */
    public String id() {
        return itemId;
    }

    /** Where problems are recorded. */
    public ConfigProblems problems() {
        return problems;
    }

    /** The source this section belongs to. */
    public ConfigSource source() {
        return source;
    }

    /**
     * The path of {@code key} in this section as problems show it, e.g. {@code credentials[2].clientSecret};
     * the older name when the file sets the key under it.
     */
    public String where(ConfigKey<?> key) {
        String rel = relative(key.name());
        if (!present(rel)) {
            for (String alias : key.aliases()) {
                if (present(relative(alias))) {
                    return display(relative(alias)); // as the file spells it
                }
            }
        }
        return display(rel);
    }

    /**
     * Records a problem with {@code key} found by the caller (a rule between two keys, say),
     * masking the value if the key is a secret.
     */
    public void problem(ConfigKey<?> key, Object value, String message) {
        problems.add(where(key), value == null ? null : key.describe(value), message);
    }

    /**
     * Reads a key.
     *
     * @return the value from the environment or the file, checked; else the default; {@code null} when the key
     *         is not set and has no default, or when a problem was recorded
     * @throws IllegalArgumentException when {@code key} does not belong to this section (a programming error)
     */
    public <T> T get(ConfigKey<T> key) {
        String rel = relative(key.name());
        Raw raw = raw(key, rel);
        if (raw == null) {
            if (key.isRequired()) {
                String env = overridingVariable(key);
                problems.add(display(rel), null, "is required" + (key.doc().isEmpty() ? "" : " (" + firstSentence(key.doc()) + ")")
                        + "; set it in the file" + (env == null ? "" : " or in " + env));
            }
            return key.defaultValue();
        }
        // Problems name the key as the file spells it (an older name, too).
        T value = convert(key, raw.rel(), raw);
        if (value == null) {
            return null;
        }
        String problem = key.validate(value);
        if (problem != null) {
            problems.add(display(raw.rel()), shown(key, raw), problem + raw.suffix());
            return null;
        }
        return value;
    }

    /**
     * Reads a key that is required here although not always (e.g. {@code clientSecret} for every provider
     * but one): like {@link #get}, and not setting it is a problem.
     */
    public <T> T require(ConfigKey<T> key) {
        if (!isSet(key)) {
            String rel = relative(key.name());
            String env = overridingVariable(key);
            problems.add(display(rel), null, "is required" + (key.type().isSecret()
                    ? "; give it as ${env:NAME} or ${file:/path/to/secret}" + (env == null ? "" : ", or set " + env)
                    : "; set it in the file" + (env == null ? "" : " or in " + env)));
            return null;
        }
        return get(key);
    }

    /** Reads a key that may be unset: empty when it is not set (even if it has a default) or has a problem. */
    public <T> Optional<T> find(ConfigKey<T> key) {
        return isSet(key) ? Optional.ofNullable(get(key)) : Optional.empty();
    }

    /** Whether the environment or the file sets {@code key} (under its name or an alias). */
    public boolean isSet(ConfigKey<?> key) {
        String rel = relative(key.name());
        if (envValue(key.name()) != null || entriesFromEnv(key.name()).size() > 0 || present(rel)) {
            return true;
        }
        for (String alias : key.aliases()) {
            if (envValue(alias) != null || present(relative(alias))) {
                return true;
            }
        }
        return false;
    }

    /**
     * The items of a list whose items are mappings, e.g. {@code credentials}. Records a problem when the
     * value is not a list or an item is not a mapping (that item is left out).
     *
     * @param name the list's key name relative to the whole file, e.g. {@code credentials}
     * @return the items in file order; empty when the list is not set
     */
    public List<ConfigSection> items(String name) {
        String rel = relative(name);
        JsonNode list = at(rel);
        List<ConfigSection> out = new ArrayList<>();
        if (list.isMissingNode() || list.isNull()) {
            return out;
        }
        if (!list.isArray()) {
            problems.add(display(rel), null, "must be a list (each item on a line starting with '- ')");
            return out;
        }
        for (int i = 0; i < list.size(); i++) {
            JsonNode item = list.get(i);
            String itemPath = display(rel) + "[" + i + "]";
            if (!item.isObject()) {
                problems.add(itemPath, item.isValueNode() ? item.asText() : null, "must be a mapping of keys, not a single value");
                continue;
            }
            JsonNode id = item.get("id");
            String idText = id != null && id.isValueNode() && !id.isNull() && !id.asText().isBlank() ? id.asText().trim() : null;
            // Items of a list inside a list item (a credential's poll: entries) have no variables of their own.
            out.add(new ConfigSection(source, item, name + "[]", itemPath, pattern.contains("[]") ? null : idText, problems));
        }
        return out;
    }

    /**
     * A mapping inside this section, e.g. {@code simulator} of the whole file: keys are still read with their
     * full names ({@code simulator.port}), problems show the same paths.
     */
    public ConfigSection section(String name) {
        String rel = relative(name);
        return new ConfigSection(source, at(rel), (pattern.isEmpty() ? "" : pattern + ".") + rel, display(rel), itemId, problems);
    }

    /** Whether the file has a list at {@code name} (relative to the whole file, like keys). */
    public boolean isList(String name) {
        return at(relative(name)).isArray();
    }

    /** Whether the file has a mapping at {@code name} (relative to the whole file, like keys). */
    public boolean isMapping(String name) {
        return at(relative(name)).isObject();
    }

        /** Whether the file sets anything at {@code name} (relative to the whole file, like keys). */
    public boolean has(String name) {
        return present(relative(name));
    }

    /** {@link #rejectUnknownKeys(Collection, Collection, String)} with the message "is not a key". */
    public void rejectUnknownKeys(Collection<? extends ConfigKey<?>> keys, Collection<String> foreign) {
        rejectUnknownKeys(keys, foreign, "is not a key");
    }

    /**
     * Records every key in the file, under the sections {@code keys} cover, that none of them declares:
     * a typo is a problem, not a setting silently ignored. The message suggests the nearest key.
     *
     * @param keys     every key of this section (and its sub-sections) the caller reads; keys of other sections are ignored
     * @param foreign  names (relative to this section, e.g. {@code poller} at the top, {@code poll} in a credential)
     *                 of sections read by other roles, which are not checked here
     * @param notAKey  how the message starts, e.g. "is not a setting of provider auth0"
     */
    public void rejectUnknownKeys(Collection<? extends ConfigKey<?>> keys, Collection<String> foreign, String notAKey) {
        Map<String, Object> tree = new TreeMap<>();
        for (ConfigKey<?> key : keys) {
            addToTree(tree, key.name());
            key.aliases().forEach(a -> addToTree(tree, a));
        }
        for (String f : foreign) {
            put(tree, f.split("\\."), 0);
        }
        check(node, tree, "", notAKey);
    }

    // ---------------------------------------------------------------- reading

    /** Text or a tree found for a key, and where it came from. */
    private record Raw(JsonNode node, String text, String envVar, Map<String, String> envEntries, String rel) {
        String suffix() {
            return envVar == null ? "" : " (set by " + envVar + ")";
        }
    }

    private Raw raw(ConfigKey<?> key, String rel) {
        boolean map = key.type().shape() == Shape.MAP || key.type().shape() == Shape.SECRET_MAP;
        Raw fromEnv = null;
        if (key.isFromEnvironment()) {
            for (String name : names(key)) {
                String env = envVar(name);
                if (map) {
                    Map<String, String> entries = entriesFromEnv(name);
                    if (!entries.isEmpty()) {
                        fromEnv = new Raw(null, null, env + "_*", entries, rel);
                        break;
                    }
                } else if (envValue(name) != null) {
                    fromEnv = new Raw(null, envValue(name).trim(), env, Map.of(), rel);
                    break;
                }
            }
        }
        Raw fromFile = null;
        String fileName = null;
        for (String name : names(key)) {
            String r = relative(name);
            if (present(r)) {
                if (fromFile != null) {
                    problems.add(display(rel), null, "is set twice, as " + display(fileName) + " and as " + display(r)
                            + " (its older name); keep only " + display(rel));
                    break;
                }
                fromFile = new Raw(at(r), null, null, Map.of(), r);
                fileName = r;
            }
        }
        if (map && fromEnv != null && fromFile != null) {
            return new Raw(fromFile.node(), null, fromEnv.envVar(), fromEnv.envEntries(), fromFile.rel());
        }
        return fromEnv != null ? fromEnv : fromFile;
    }

    private List<String> names(ConfigKey<?> key) {
        List<String> names = new ArrayList<>();
        names.add(key.name());
        names.addAll(key.aliases());
        return names;
    }

    @SuppressWarnings("unchecked")
    private <T> T convert(ConfigKey<T> key, String rel, Raw raw) {
        String where = display(rel);
        return switch (key.type().shape()) {
            case SCALAR -> {
                String text = scalarText(key, where, raw);
                yield text == null ? null : parse(key, where, text, raw);
            }
            case LIST -> {
                if (raw.node() != null && raw.node().isArray()) {
                    List<String> items = new ArrayList<>();
                    for (int i = 0; i < raw.node().size(); i++) {
                        JsonNode item = raw.node().get(i);
                        if (!item.isValueNode() || item.isNull()) {
                            problems.add(where + "[" + i + "]", null, "must be a single value");
                            yield null;
                        }
                        items.add(item.asText().trim());
                    }
                    yield (T) List.copyOf(items);
                }
                String text = scalarText(key, where, raw);
                yield text == null ? null : parse(key, where, text, raw);
            }
            case SECRET -> (T) secret(key, where, raw);
            case MAP, SECRET_MAP -> (T) map(key, where, raw, key.type().shape() == Shape.SECRET_MAP);
            case LIST_MAP -> (T) listMap(where, raw);
            case ITEMS -> throw new IllegalArgumentException(key.name() + " is a list of mappings; read it with items(\"" + key.name()
                    + "\")");
        };
    }

    private <T> T parse(ConfigKey<T> key, String where, String text, Raw raw) {
        try {
            return key.type().parse(text);
        } catch (IllegalArgumentException e) {
            // The value as written: a reference stays a reference, so what it resolved to is never shown.
            problems.add(where, shown(key, raw), e.getMessage() + raw.suffix());
            return null;
        }
    }

    /** The text of a scalar, with a reference resolved; null (and a problem) when it is not a scalar or cannot resolve. */
    private String scalarText(ConfigKey<?> key, String where, Raw raw) {
        String text;
        if (raw.text() != null) {
            text = raw.text();
        } else {
            JsonNode n = raw.node();
            if (!n.isValueNode()) {
                problems.add(where, null, "must be a single " + key.type().name() + ", not a " + (n.isArray() ? "list" : "mapping"));
                return null;
            }
            text = n.asText().trim();
        }
        if (SecretReferences.isReference(text)) {
            return source.secrets().resolve(where, text, problems).map(Secret::reveal).orElse(null);
        }
        return text;
    }

    private Secret secret(ConfigKey<?> key, String where, Raw raw) {
        if (raw.text() != null) {
            if (SecretReferences.isReference(raw.text())) {
                return source.secrets().resolve(where, raw.text(), problems).orElse(null);
            }
            if (raw.text().isEmpty()) {
                problems.add(where, null, "is empty" + raw.suffix());
                return null;
            }
            return Secret.of(raw.text(), "$" + raw.envVar());
        }
        if (!raw.node().isValueNode()) {
            problems.add(where, null, "must be a reference such as ${env:NAME} or ${file:/path/to/secret}, not a "
                    + (raw.node().isArray() ? "list" : "mapping"));
            return null;
        }
        return source.secrets().resolve(where, raw.node().asText(), problems).orElse(null);
    }

    private Map<String, ?> map(ConfigKey<?> key, String where, Raw raw, boolean secrets) {
        Map<String, Object> out = new LinkedHashMap<>();
        boolean ok = true;
        if (raw.node() != null) {
            if (!raw.node().isObject()) {
                problems.add(where, null, "must be a mapping of name to " + (secrets ? "${env:..} or ${file:..}" : "value"));
                return null;
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = raw.node().fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                String entryWhere = where + "." + e.getKey();
                JsonNode v = e.getValue();
                if (!v.isValueNode() || v.isNull()) {
                    problems.add(entryWhere, null, "must be a single value");
                    ok = false;
                    continue;
                }
                Object value = secrets ? source.secrets().resolve(entryWhere, v.asText(), problems).orElse(null)
                        : key.type().isLiteral() ? v.asText().trim()
                        : scalarText(key, entryWhere, new Raw(v, null, null, Map.of(), null));
                if (value == null) {
                    ok = false;
                } else {
                    out.put(e.getKey(), value);
                }
            }
        }
        for (Map.Entry<String, String> e : raw.envEntries().entrySet()) {
            String text = e.getValue().trim();
            String entryWhere = where + "." + e.getKey();
            Object value;
            if (SecretReferences.isReference(text)) {
                value = source.secrets().resolve(entryWhere, text, problems).map(s -> secrets ? s : s.reveal()).orElse(null);
            } else {
                value = secrets ? Secret.of(text, "$" + envVar(key.name()) + "_" + envEntrySuffix(e.getKey())) : text;
            }
            if (value == null) {
                ok = false;
            } else {
                out.put(e.getKey(), value);
            }
        }
        // Entries that resolved are returned even when others did not, so their own checks still run;
        // the problems recorded make the whole read fail anyway.
        return java.util.Collections.unmodifiableMap(out);
    }

    private Map<String, List<String>> listMap(String where, Raw raw) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        if (raw.node() == null || !raw.node().isObject()) {
            problems.add(where, null, "must be a mapping of name to a list of values");
            return null;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = raw.node().fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode v = e.getValue();
            if (v.isArray()) {
                List<String> items = new ArrayList<>();
                v.forEach(x -> items.add(x.asText().trim()));
                out.put(e.getKey(), List.copyOf(items));
            } else if (v.isValueNode() && !v.isNull()) {
                out.put(e.getKey(), ConfigType.STRING_LIST.parse(v.asText()));
            } else {
                problems.add(where + "." + e.getKey(), null, "must be a list of values");
            }
        }
        return java.util.Collections.unmodifiableMap(out);
    }

    // ---------------------------------------------------------------- environment

    /** The variable that overrides {@code key} here, as messages name it (a map's with {@code _<NAME>}); null if none. */
    private String overridingVariable(ConfigKey<?> key) {
        if (!key.isFromEnvironment()) {
            return null;
        }
        String var = envVar(key.name());
        boolean map = key.type().shape() == Shape.MAP || key.type().shape() == Shape.SECRET_MAP;
        return var == null ? null : map ? var + "_<NAME>" : var;
    }

    /** The environment variable of a key name in this section, or null when this item has no id to name it by. */
    private String envVar(String name) {
        if (name.contains("[]") && itemId == null) {
            return null;
        }
        return ConfigKey.envVarOf(name, itemId == null ? "<ID>" : itemId);
    }

    private String envValue(String name) {
        String var = envVar(name);
        if (var == null) {
            return null;
        }
        String v = source.environment().get(var);
        return v == null || v.isBlank() ? null : v;
    }

    private Map<String, String> entriesFromEnv(String name) {
        String var = envVar(name);
        Map<String, String> out = new TreeMap<>();
        if (var == null) {
            return out;
        }
        String prefix = var + "_";
        source.environment().forEach((k, v) -> {
            if (k.startsWith(prefix) && k.length() > prefix.length() && v != null && !v.isBlank()) {
                out.put(k.substring(prefix.length()).toLowerCase(Locale.ROOT).replace('_', '.'), v);
            }
        });
        return out;
    }

    private static String envEntrySuffix(String entry) {
        return entry.toUpperCase(Locale.ROOT).replace('.', '_');
    }

    // ---------------------------------------------------------------- paths

    /** A key name relative to this section's mapping. */
    private String relative(String name) {
        String rel;
        if (pattern.isEmpty()) {
            rel = name;
        } else if (name.startsWith(pattern + ".")) {
            rel = name.substring(pattern.length() + 1);
        } else {
            throw new IllegalArgumentException(name + " is not a key of " + pattern);
        }
        int list = rel.indexOf("[]");
        if (list >= 0) {
            String listName = (pattern.isEmpty() ? "" : pattern + ".") + rel.substring(0, list);
            throw new IllegalArgumentException(name + " is a key of the items of " + listName + "; read it from items(\""
                    + listName + "\")");
        }
        return rel;
    }

    /** The part of a key name in this section's mapping, up to a list (whose items are checked by their reader); null if not here. */
    private String treePath(String name) {
        String rel;
        if (pattern.isEmpty()) {
            rel = name;
        } else if (name.startsWith(pattern + ".")) {
            rel = name.substring(pattern.length() + 1);
        } else {
            return null;
        }
        int list = rel.indexOf("[]");
        return list >= 0 ? rel.substring(0, list) : rel;
    }

    private String display(String rel) {
        return path.isEmpty() ? rel : path + "." + rel;
    }

    private JsonNode at(String rel) {
        JsonNode n = node;
        for (String part : rel.split("\\.")) {
            n = n.path(part);
        }
        return n;
    }

    private boolean present(String rel) {
        JsonNode n = at(rel);
        return !n.isMissingNode() && !n.isNull();
    }

    // ---------------------------------------------------------------- unknown keys

    private void addToTree(Map<String, Object> tree, String name) {
        String rel = treePath(name);
        if (rel != null) {
            put(tree, rel.split("\\."), 0);
        }
    }

    @SuppressWarnings("unchecked")
    private static void put(Map<String, Object> tree, String[] parts, int i) {
        if (i == parts.length - 1) {
            tree.put(parts[i], Boolean.TRUE);
            return;
        }
        Object child = tree.get(parts[i]);
        if (child == Boolean.TRUE) {
            return; // a leaf covers everything below it
        }
        Map<String, Object> sub = child == null ? new TreeMap<>() : (Map<String, Object>) child;
        tree.put(parts[i], sub);
        put(sub, parts, i + 1);
    }

    @SuppressWarnings("unchecked")
    private void check(JsonNode mapping, Map<String, Object> tree, String prefix, String notAKey) {
        if (!mapping.isObject()) {
            return;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = mapping.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            Object known = tree.get(e.getKey());
            String rel = prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey();
            if (known == null) {
                problems.add(display(rel), null, notAKey + suggestion(e.getKey(), tree.keySet()) + "; keys here: "
                        + String.join(", ", new TreeSet<>(tree.keySet())));
            } else if (known instanceof Map<?, ?> sub) {
                if (!e.getValue().isObject() && !e.getValue().isNull()) {
                    problems.add(display(rel), null, "must be a mapping of keys (" + String.join(", ", new TreeSet<>(
                            ((Map<String, Object>) sub).keySet())) + ")");
                } else {
                    check(e.getValue(), (Map<String, Object>) sub, rel, "is not a key");
                }
            }
        }
    }

    /**
     * A hint for a name that is not one of {@code known}: {@code " (did you mean tokenManager?)"} when one is a few
     * edits away (case ignored), else {@code ""}. For messages about keys, map entries and values such as provider names.
     */
    public static String didYouMean(String name, Collection<String> known) {
        return suggestion(name, known);
    }

    private static String suggestion(String name, Collection<String> known) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String k : known) {
            int d = k.equalsIgnoreCase(name) ? 0 : distance(k.toLowerCase(Locale.ROOT), name.toLowerCase(Locale.ROOT));
            if (d < bestDistance) {
                best = k;
                bestDistance = d;
            }
        }
        return best != null && bestDistance <= Math.max(1, Math.min(3, name.length() / 3)) ? " (did you mean " + best + "?)" : "";
    }

    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    private static String firstSentence(String doc) {
        int dot = doc.indexOf(". ");
        String s = dot < 0 ? doc : doc.substring(0, dot);
        return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
    }

    private static String shown(ConfigKey<?> key, Raw raw) {
        if (key.isSecret()) {
            return "****";
        }
        if (raw.text() != null) {
            return raw.text();
        }
        return raw.node() != null && raw.node().isValueNode() ? raw.node().asText() : null;
    }
}
