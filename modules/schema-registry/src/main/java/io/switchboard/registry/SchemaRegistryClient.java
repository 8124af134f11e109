package io.switchboard.registry;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import org.apache.avro.Schema;

import com.fasterxml.jackson.databind.JsonNode;

import io.switchboard.registry.internal.AvroSchemaText;
import io.switchboard.registry.internal.RestTransport;

/**
 * Client for the Confluent Schema Registry REST API (v7 paths, {@code application/vnd.schemaregistry.v1+json}),
 * for Avro schemas. Works against Confluent, Apicurio (ccompat), Karapace, Redpanda and the embedded
 * registry of this module.
 *
 * <p>Caches: schema by id and id by (subject, schema) both ways, so each schema is registered or
 * fetched once per client; concurrent first lookups of one id or one registration share a single
 * HTTP request. Failed lookups are not cached. Versions by number are cached (immutable);
 * {@link #getLatestVersion(String)}, compatibility and config calls always ask the registry.
 *
 * <p>Thread-safe; share one client per registry (the serdes share theirs per configuration).
 * Errors are typed {@link SchemaRegistryException}s carrying the registry's {@code error_code}.
 */
public final class SchemaRegistryClient implements AutoCloseable {

    private final SchemaRegistryConfig config;
    private final RestTransport transport;
    private final ConcurrentHashMap<Integer, CompletableFuture<Schema>> schemasById = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<SubjectSchema, CompletableFuture<Integer>> registered = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<SubjectSchema, CompletableFuture<RegisteredSchema>> lookedUp = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<SubjectVersion, CompletableFuture<RegisteredSchema>> versions = new ConcurrentHashMap<>();

    private record SubjectSchema(String subject, Schema schema) {
    }

    private record SubjectVersion(String subject, int version) {
    }

    /** A client for the given registry. */
    public SchemaRegistryClient(SchemaRegistryConfig config) {
        this.config = config;
        this.transport = new RestTransport(config);
    }

    /**
     * A client from Confluent-named keys ({@code schema.registry.url}, {@code basic.auth.user.info}, ...).
     *
     * @throws io.switchboard.core.ConfigException listing every problem
     * @see SchemaRegistryConfig#fromConfigs(Map)
     */
    public static SchemaRegistryClient fromConfigs(Map<String, ?> configs) {
        return new SchemaRegistryClient(SchemaRegistryConfig.fromConfigs(configs));
    }

    /** The configuration. */
    public SchemaRegistryConfig config() {
        return config;
    }

    /** HTTP requests this client has sent (retries included); for tests and metrics. */
    public long requestsSent() {
        return transport.requestsSent();
    }

    /**
     * Registers a schema under a subject ({@code POST /subjects/{subject}/versions}) and returns its
     * id. Registering a schema the subject already has returns the existing id. Cached.
     *
     * @throws IncompatibleSchemaException when the subject's compatibility rule rejects it
     * @throws InvalidSchemaException      when the registry cannot parse it
     */
    public int register(String subject, Schema schema) {
        SubjectSchema key = new SubjectSchema(subject, schema);
        return once(registered, key, () -> {
            JsonNode answer = transport.send("POST", "/subjects/" + encode(subject) + "/versions",
                    Map.of("schema", schema.toString()), "registering a schema (" + schema.getFullName() + ") under subject '" + subject + "'");
            int id = requireInt(answer, "id", "register");
            schemasById.putIfAbsent(id, CompletableFuture.completedFuture(schema));
            return id;
        });
    }

    /**
     * Finds the version of the subject that has this schema ({@code POST /subjects/{subject}}),
     * without registering. Cached.
     *
     * @throws SubjectNotFoundException when the subject does not exist
     * @throws SchemaNotFoundException  when the subject has no such schema
     */
    public RegisteredSchema lookup(String subject, Schema schema) {
        SubjectSchema key = new SubjectSchema(subject, schema);
        return once(lookedUp, key, () -> {
            JsonNode answer = transport.send("POST", "/subjects/" + encode(subject), Map.of("schema", schema.toString()),
                    "looking up a schema (" + schema.getFullName() + ") under subject '" + subject + "'");
            RegisteredSchema found = new RegisteredSchema(subject, requireInt(answer, "version", "lookup"),
                    requireInt(answer, "id", "lookup"), schema);
            schemasById.putIfAbsent(found.id(), CompletableFuture.completedFuture(schema));
            return found;
        });
    }

    /** The id of a schema already registered under the subject; see {@link #lookup(String, Schema)}. */
    public int getId(String subject, Schema schema) {
        return lookup(subject, schema).id();
    }

    /**
     * The schema with this id ({@code GET /schemas/ids/{id}}). Cached; concurrent first calls for one
     * id make one request.
     *
     * @throws SchemaNotFoundException when the registry has no such id
     */
    public Schema getSchemaById(int id) {
        CompletableFuture<Schema> cached = schemasById.get(id);
        if (cached != null && cached.isDone() && !cached.isCompletedExceptionally()) {
            return cached.getNow(null);
        }
        return once(schemasById, id, () -> {
            JsonNode answer = transport.send("GET", "/schemas/ids/" + id, null, "fetching schema id " + id);
            return parse(answer, "schema id " + id);
        });
    }

    /** The latest version of a subject ({@code GET /subjects/{subject}/versions/latest}); not cached. */
    public RegisteredSchema getLatestVersion(String subject) {
        JsonNode answer = transport.send("GET", "/subjects/" + encode(subject) + "/versions/latest", null,
                "fetching the latest version of subject '" + subject + "'");
        RegisteredSchema latest = toRegistered(subject, answer);
        schemasById.putIfAbsent(latest.id(), CompletableFuture.completedFuture(latest.schema()));
        return latest;
    }

    /** A specific version of a subject ({@code GET /subjects/{subject}/versions/{version}}); cached. */
    public RegisteredSchema getVersion(String subject, int version) {
        return once(versions, new SubjectVersion(subject, version), () -> {
            JsonNode answer = transport.send("GET", "/subjects/" + encode(subject) + "/versions/" + version, null,
                    "fetching version " + version + " of subject '" + subject + "'");
            RegisteredSchema found = toRegistered(subject, answer);
            schemasById.putIfAbsent(found.id(), CompletableFuture.completedFuture(found.schema()));
            return found;
        });
    }

    /** Version numbers of a subject ({@code GET /subjects/{subject}/versions}). */
    public List<Integer> getVersions(String subject) {
        JsonNode answer = transport.send("GET", "/subjects/" + encode(subject) + "/versions", null,
                "listing the versions of subject '" + subject + "'");
        List<Integer> out = new ArrayList<>();
        answer.forEach(n -> out.add(n.asInt()));
        return out;
    }

    /** All subjects ({@code GET /subjects}). */
    public List<String> getSubjects() {
        return texts(transport.send("GET", "/subjects", null, "listing subjects"));
    }

    /** The subjects whose name starts with {@code prefix} ({@code GET /subjects?subjectPrefix=}). */
    public List<String> getSubjects(String prefix) {
        return texts(transport.send("GET", "/subjects?subjectPrefix=" + encode(prefix), null,
                "listing the subjects that start with '" + prefix + "'"));
    }

    /**
     * The subjects that use the schema with this id ({@code GET /schemas/ids/{id}/subjects}).
     *
     * @throws SchemaNotFoundException when the registry has no such id
     */
    public List<String> getSubjectsById(int id) {
        return texts(transport.send("GET", "/schemas/ids/" + id + "/subjects", null, "listing the subjects of schema id " + id));
    }

    /**
     * Every subject and version registered with the schema of this id ({@code GET /schemas/ids/{id}/versions}).
     *
     * @throws SchemaNotFoundException when the registry has no such id
     */
    public List<RegisteredSchema> getVersionsById(int id) {
        JsonNode answer = transport.send("GET", "/schemas/ids/" + id + "/versions", null, "listing the versions of schema id " + id);
        List<RegisteredSchema> out = new ArrayList<>();
        for (JsonNode pair : answer) {
            out.add(new RegisteredSchema(pair.path("subject").asText(), requireInt(pair, "version", "versions-by-id"), id, getSchemaById(id)));
        }
        return out;
    }

    private static List<String> texts(JsonNode answer) {
        List<String> out = new ArrayList<>();
        answer.forEach(n -> out.add(n.asText()));
        return out;
    }

    /**
     * Tests a schema against the latest version of the subject under the subject's rule
     * ({@code POST /compatibility/subjects/{subject}/versions/latest?verbose=true}).
     */
    public CompatibilityCheck testCompatibility(String subject, Schema schema) {
        return testCompatibility(subject, "latest", schema);
    }

    /**
     * Tests a schema against one version ({@code 1}, {@code 2}, … or {@code latest}) of the subject.
     *
     * @throws SubjectNotFoundException / VersionNotFoundException when they do not exist
     */
    public CompatibilityCheck testCompatibility(String subject, String version, Schema schema) {
        JsonNode answer = transport.send("POST", "/compatibility/subjects/" + encode(subject) + "/versions/" + encode(version) + "?verbose=true",
                Map.of("schema", schema.toString()), "testing compatibility against version " + version + " of subject '" + subject + "'");
        return new CompatibilityCheck(answer.path("is_compatible").asBoolean(false), reasons(answer));
    }

    /**
     * The reasons of a compatibility answer: Confluent lists them under {@code messages}; other
     * Confluent-compatible registries answer {@code reason} (a string or a list). Both are read.
     */
    static List<String> reasons(JsonNode answer) {
        List<String> out = new ArrayList<>();
        for (String field : List.of("messages", "reason")) {
            JsonNode n = answer.get(field);
            if (n == null || n.isNull()) {
                continue;
            }
            if (n.isArray()) {
                n.forEach(m -> out.add(m.isTextual() ? m.asText() : m.toString()));
            } else {
                out.add(n.isTextual() ? n.asText() : n.toString());
            }
        }
        return out;
    }

    /** The global compatibility level ({@code GET /config}). */
    public CompatibilityLevel getCompatibility() {
        return level(transport.send("GET", "/config", null, "reading the global compatibility level"));
    }

    /**
     * The compatibility level that applies to a subject: its own, or the global one when it has none
     * ({@code GET /config/{subject}?defaultToGlobal=true}).
     */
    public CompatibilityLevel getCompatibility(String subject) {
        return level(transport.send("GET", "/config/" + encode(subject) + "?defaultToGlobal=true", null,
                "reading the compatibility level of subject '" + subject + "'"));
    }

    /** Sets the global compatibility level ({@code PUT /config}); returns the level now in force. */
    public CompatibilityLevel setCompatibility(CompatibilityLevel level) {
        return level(transport.send("PUT", "/config", Map.of("compatibility", level.name()), "setting the global compatibility level"));
    }

    /** Sets a subject's compatibility level ({@code PUT /config/{subject}}); returns the level now in force. */
    public CompatibilityLevel setCompatibility(String subject, CompatibilityLevel level) {
        return level(transport.send("PUT", "/config/" + encode(subject), Map.of("compatibility", level.name()),
                "setting the compatibility level of subject '" + subject + "'"));
    }

    @Override
    public void close() {
        transport.close();
    }

    private static CompatibilityLevel level(JsonNode answer) {
        JsonNode value = answer.has("compatibilityLevel") ? answer.get("compatibilityLevel") : answer.get("compatibility");
        if (value == null) {
            throw new SchemaRegistryException(200, -1, "Schema registry answered a config request without compatibilityLevel: " + answer);
        }
        return CompatibilityLevel.parse(value.asText());
    }

    private RegisteredSchema toRegistered(String subject, JsonNode answer) {
        return new RegisteredSchema(answer.path("subject").asText(subject), requireInt(answer, "version", "version"),
                requireInt(answer, "id", "version"), parse(answer, "subject '" + subject + "'"));
    }

    private static Schema parse(JsonNode answer, String what) {
        String type = answer.path("schemaType").asText("AVRO");
        if (!"AVRO".equalsIgnoreCase(type)) {
            throw new InvalidSchemaException(200, -1, "The registry's " + what + " is a " + type + " schema; these serdes read Avro only."
                    + " Use a topic whose records are written with Avro.");
        }
        JsonNode text = answer.get("schema");
        if (text == null || !text.isTextual()) {
            throw new SchemaRegistryException(200, -1, "Schema registry answered without a 'schema' for " + what + ": is "
                    + SchemaRegistryConfig.URL + " a Confluent-compatible registry?");
        }
        try {
            return AvroSchemaText.parse(text.asText());
        } catch (AvroSchemaText.InvalidSchemaTextException e) {
            throw new InvalidSchemaException(200, 42201, "The registry's " + what + " is not a valid Avro schema: " + e.getMessage(), e);
        }
    }

    private static int requireInt(JsonNode answer, String field, String call) {
        JsonNode n = answer.get(field);
        if (n == null || !n.canConvertToInt()) {
            throw new SchemaRegistryException(200, -1, "Schema registry answered a " + call + " request without '" + field + "': " + answer);
        }
        return n.asInt();
    }

    /** Runs the loader once per key; concurrent callers wait for the same result; failures are not cached. */
    private static <K, V> V once(ConcurrentHashMap<K, CompletableFuture<V>> cache, K key, Supplier<V> loader) {
        CompletableFuture<V> existing = cache.get(key);
        if (existing == null) {
            CompletableFuture<V> mine = new CompletableFuture<>();
            existing = cache.putIfAbsent(key, mine);
            if (existing == null) {
                try {
                    V value = loader.get();
                    mine.complete(value);
                    return value;
                } catch (RuntimeException | Error e) {
                    cache.remove(key, mine);
                    mine.completeExceptionally(e);
                    throw e;
                }
            }
        }
        try {
            return existing.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw e;
        }
    }

    private static String encode(String segment) {
        return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
