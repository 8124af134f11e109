package io.switchboard.aggregate.query;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * Checks JSON values against the schemas of the served OpenAPI 3.0 document: type (with
 * {@code nullable}), required, properties, additionalProperties, items, enum, $ref, and the
 * formats date-time, int32 and int64. Enough for the aggregator's document, which uses nothing else.
 */
public final class OpenApiValidator {

    private final JsonObject document;

    public OpenApiValidator(JsonObject document) {
        this.document = document;
    }

    /** The document in the jar. */
    public static OpenApiValidator fromJar() {
        try (InputStream in = OpenApiValidator.class.getResourceAsStream("/io/switchboard/aggregate/query/openapi.json")) {
            return new OpenApiValidator(new JsonObject(new String(in.readAllBytes(), StandardCharsets.UTF_8)));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public JsonObject document() {
        return document;
    }

    /** Problems of {@code value} against {@code #/components/schemas/<name>}; empty when it conforms. */
    public List<String> validate(Object value, String schemaName) {
        List<String> problems = new ArrayList<>();
        check(value, new JsonObject().put("$ref", "#/components/schemas/" + schemaName), "$", problems);
        return problems;
    }

    /** The schema name a path's response of a status refers to. */
    public String responseSchema(String path, int status) {
        JsonObject r = document.getJsonObject("paths").getJsonObject(path).getJsonObject("get").getJsonObject("responses")
                .getJsonObject(String.valueOf(status));
        if (r == null) {
            return null;
        }
        String ref = r.getJsonObject("content").getJsonObject("application/json").getJsonObject("schema").getString("$ref");
        return ref.substring(ref.lastIndexOf('/') + 1);
    }

    private JsonObject resolve(JsonObject schema) {
        String ref = schema.getString("$ref");
        if (ref == null) {
            return schema;
        }
        JsonObject node = document;
        for (String part : ref.substring(2).split("/")) {
            node = node.getJsonObject(part);
        }
        return resolve(node);
    }

    private void check(Object value, JsonObject schemaOrRef, String at, List<String> problems) {
        JsonObject schema = resolve(schemaOrRef);
        if (value == null) {
            if (!schema.getBoolean("nullable", false)) {
                problems.add(at + ": null but not nullable");
            }
            return;
        }
        String type = schema.getString("type");
        if (schema.containsKey("enum") && !schema.getJsonArray("enum").contains(value)) {
            problems.add(at + ": " + value + " not in " + schema.getJsonArray("enum"));
        }
        if (type == null) {
            return;
        }
        switch (type) {
            case "object" -> {
                if (!(value instanceof JsonObject o)) {
                    problems.add(at + ": expected an object, got " + value);
                    return;
                }
                JsonObject props = schema.getJsonObject("properties", new JsonObject());
                for (Object r : schema.getJsonArray("required", new JsonArray())) {
                    if (!o.containsKey((String) r)) {
                        problems.add(at + ": required property " + r + " missing");
                    }
                }
                Object additional = schema.getValue("additionalProperties");
                for (Map.Entry<String, Object> e : o) {
                    if (props.containsKey(e.getKey())) {
                        check(e.getValue(), props.getJsonObject(e.getKey()), at + "." + e.getKey(), problems);
                    } else if (Boolean.FALSE.equals(additional)) {
                        problems.add(at + ": property " + e.getKey() + " is not in the schema");
                    } else if (additional instanceof JsonObject a) {
                        check(e.getValue(), a, at + "." + e.getKey(), problems);
                    }
                }
            }
            case "array" -> {
                if (!(value instanceof JsonArray a)) {
                    problems.add(at + ": expected an array, got " + value);
                    return;
                }
                for (int i = 0; i < a.size(); i++) {
                    check(a.getValue(i), schema.getJsonObject("items", new JsonObject()), at + "[" + i + "]", problems);
                }
            }
            case "string" -> {
                if (!(value instanceof String s)) {
                    problems.add(at + ": expected a string, got " + value);
                    return;
                }
                if ("date-time".equals(schema.getString("format"))) {
                    try {
                        Instant.parse(s);
                    } catch (RuntimeException e) {
                        problems.add(at + ": " + s + " is not a date-time");
                    }
                }
            }
            case "integer" -> {
                if (!(value instanceof Integer || value instanceof Long)) {
                    problems.add(at + ": expected an integer, got " + value);
                } else if ("int32".equals(schema.getString("format")) && (((Number) value).longValue() > Integer.MAX_VALUE)) {
                    problems.add(at + ": " + value + " exceeds int32");
                }
            }
            case "number" -> {
                if (!(value instanceof Number)) {
                    problems.add(at + ": expected a number, got " + value);
                }
            }
            case "boolean" -> {
                if (!(value instanceof Boolean)) {
                    problems.add(at + ": expected a boolean, got " + value);
                }
            }
            default -> problems.add(at + ": schema type " + type + " unknown to the validator");
        }
    }
}
