package io.switchboard.registry.internal;

import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

import org.apache.avro.Schema;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Parses Avro schema text and, when it is invalid, says why in the schema's own terms: the type name
 * that is not defined and where it is used, or where the JSON breaks. Avro's parser reports some of
 * these with internal class names ({@code Unknown schema: org.apache.avro.compiler.UnresolvedSchema_1}
 * for {@code {"type":"strin"}}), which tell a user nothing.
 *
 * <p>Stateless, thread-safe.
 */
public final class AvroSchemaText {

    /** Primitive type names of the Avro specification. */
    public static final Set<String> PRIMITIVES = Set.of("null", "boolean", "int", "long", "float", "double", "bytes", "string");
    private static final Set<String> NAMED = Set.of("record", "error", "enum", "fixed");
    private static final ObjectMapper JSON = new ObjectMapper();
    /** A Java class name before a colon, as exception messages prefix each other: {@code org.x.FooException: }. */
    private static final Pattern CLASS_PREFIX = Pattern.compile("(?:[a-z][a-z0-9_]*\\.)+[A-Z][A-Za-z0-9_$]*: ");

    private AvroSchemaText() {
    }

    /** Why the text is not a valid Avro schema, in words that name the offending type or place. */
    public static final class InvalidSchemaTextException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        InvalidSchemaTextException(String reason, Throwable cause) {
            super(reason, cause);
        }
    }

    /**
     * Parses {@code text} with a fresh parser.
     *
     * @throws InvalidSchemaTextException with a message that names the undefined type, the JSON error
     *                                    position or Avro's own reason, never an internal class name
     */
    public static Schema parse(String text) {
        try {
            return new Schema.Parser().parse(text);
        } catch (RuntimeException e) {
            throw new InvalidSchemaTextException(explain(text, e), e);
        }
    }

    /** The reason {@code text} does not parse, given the parser's failure {@code e}. */
    static String explain(String text, RuntimeException e) {
        JsonNode tree;
        try {
            tree = JSON.readTree(text);
        } catch (JsonProcessingException json) {
            JsonLocation at = json.getLocation();
            return "the schema is not valid JSON: " + json.getOriginalMessage()
                    + (at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr());
        }
        if (tree == null || tree.isMissingNode()) {
            return "the schema is empty";
        }
        Set<String> defined = new HashSet<>();
        collectDefined(tree, "", defined);
        Optional<String> undefined = undefined(tree, "", defined, "at the top level");
        if (undefined.isPresent()) {
            return undefined.get();
        }
        String message = e.getMessage() == null ? "" : CLASS_PREFIX.matcher(e.getMessage()).replaceAll("");
        if (message.isBlank() || message.contains("org.apache.avro")) {
            return "it is not a valid Avro schema (" + (message.isBlank() ? "the parser gave no reason" : "check each type's spelling and required attributes") + ")";
        }
        return message;
    }

    /** Full names of every record, enum and fixed the schema defines (namespaces applied as Avro does). */
    private static void collectDefined(JsonNode node, String namespace, Set<String> defined) {
        if (node == null) {
            return;
        }
        if (node.isArray()) {
            node.forEach(n -> collectDefined(n, namespace, defined));
            return;
        }
        if (!node.isObject()) {
            return;
        }
        JsonNode type = node.get("type");
        if (type != null && type.isTextual() && NAMED.contains(type.asText()) && node.path("name").isTextual()) {
            String full = fullName(node, namespace);
            defined.add(full);
            String inner = full.contains(".") ? full.substring(0, full.lastIndexOf('.')) : "";
            node.path("fields").forEach(f -> collectDefined(f.get("type"), inner, defined));
            return;
        }
        if (type != null && type.isTextual() && type.asText().equals("array")) {
            collectDefined(node.get("items"), namespace, defined);
        } else if (type != null && type.isTextual() && type.asText().equals("map")) {
            collectDefined(node.get("values"), namespace, defined);
        } else if (type != null && (type.isObject() || type.isArray())) {
            collectDefined(type, namespace, defined);
        }
    }

    /** The first type reference that is neither primitive nor defined, with where it is used. */
    private static Optional<String> undefined(JsonNode node, String namespace, Set<String> defined, String where) {
        if (node == null) {
            return Optional.empty();
        }
        if (node.isTextual()) {
            String name = node.asText();
            if (PRIMITIVES.contains(name) || NAMED.contains(name) || name.equals("array") || name.equals("map")
                    || defined.contains(name) || (!name.contains(".") && !namespace.isEmpty() && defined.contains(namespace + "." + name))) {
                return Optional.empty();
            }
            return Optional.of("unknown type \"" + name + "\" " + where + ": it is neither a primitive type ("
                    + String.join(", ", PRIMITIVES.stream().sorted().toList()) + ") nor a record, enum or fixed defined in the"
                    + " schema; check its spelling, or define the named type (with its namespace) before using it");
        }
        if (node.isArray()) {
            for (JsonNode branch : node) {
                Optional<String> u = undefined(branch, namespace, defined, where + " (in a union)");
                if (u.isPresent()) {
                    return u;
                }
            }
            return Optional.empty();
        }
        if (!node.isObject()) {
            return Optional.empty();
        }
        JsonNode type = node.get("type");
        if (type == null) {
            return Optional.empty();
        }
        if (type.isTextual() && (type.asText().equals("record") || type.asText().equals("error"))) {
            String full = node.path("name").isTextual() ? fullName(node, namespace) : namespace;
            String inner = full.contains(".") ? full.substring(0, full.lastIndexOf('.')) : "";
            for (JsonNode field : node.path("fields")) {
                Optional<String> u = undefined(field.get("type"), inner, defined,
                        "in field '" + field.path("name").asText("?") + "' of " + node.path("name").asText("the record"));
                if (u.isPresent()) {
                    return u;
                }
            }
            return Optional.empty();
        }
        if (type.isTextual() && type.asText().equals("array")) {
            return undefined(node.get("items"), namespace, defined, where + " (array items)");
        }
        if (type.isTextual() && type.asText().equals("map")) {
            return undefined(node.get("values"), namespace, defined, where + " (map values)");
        }
        if (type.isTextual() && (type.asText().equals("enum") || type.asText().equals("fixed"))) {
            return Optional.empty();
        }
        return undefined(type, namespace, defined, where);
    }

    private static String fullName(JsonNode named, String enclosingNamespace) {
        String name = named.get("name").asText();
        if (name.contains(".")) {
            return name;
        }
        String space = named.path("namespace").isTextual() ? named.get("namespace").asText() : enclosingNamespace;
        return space.isEmpty() ? name : space + "." + name;
    }
}
