package io.switchboard.registry.server.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.Incompatibility;
import org.apache.avro.SchemaCompatibility.SchemaPairCompatibility;

import io.switchboard.registry.CompatibilityLevel;
import io.switchboard.registry.internal.AvroSchemaText;

/**
 * The registry's operations over the replayed state and the log. Reads answer from the state and,
 * on a miss, read the log to its end first (so an instance that has not yet seen another
 * instance's write answers like it). Writes read to the end, check, append and retry on a lost race.
 * Thread-safe.
 */
public final class RegistryService {

    private static final int MAX_WRITE_ATTEMPTS = 10;

    private final RegistryState state;
    private final SchemaLog log;
    private final Object writeLock = new Object();

    public RegistryService(RegistryState state, SchemaLog log) {
        this.state = state;
        this.log = log;
    }

    /** Parses and canonicalises a schema; 42201 when it is not valid Avro. */
    public static Schema parse(String text) {
        if (text == null || text.isBlank()) {
            throw RegistryError.invalidSchema("the request has no 'schema'");
        }
        try {
            return AvroSchemaText.parse(text);
        } catch (AvroSchemaText.InvalidSchemaTextException e) {
            throw RegistryError.invalidSchema(e.getMessage());
        }
    }

    /** Registers (or finds) the schema under the subject and returns its id; 409 when incompatible. */
    public int register(String subject, String schemaText) {
        Schema schema = parse(schemaText);
        String canonical = schema.toString();
        Optional<RegistryState.Version> known = state.find(subject, canonical);
        if (known.isPresent()) {
            return known.get().id();
        }
        synchronized (writeLock) {
            for (int attempt = 0; attempt < MAX_WRITE_ATTEMPTS; attempt++) {
                log.catchUp();
                known = state.find(subject, canonical);
                if (known.isPresent()) {
                    return known.get().id();
                }
                List<String> problems = check(subject, schema, state.versions(subject), state.effectiveLevel(subject));
                if (!problems.isEmpty()) {
                    throw new RegistryError(409, 409, "Schema being registered is incompatible with an earlier schema for subject \""
                            + subject + "\", details: " + problems);
                }
                RegistryState.Proposal p = state.propose(subject, canonical);
                RegistryState.Outcome outcome = log.appendSchema(subject, p.version(), p.id(), canonical);
                if (outcome.accepted()) {
                    return outcome.id();
                }
                // another instance wrote first; read its record and try again
            }
        }
        throw new RegistryError(500, 50001, "Could not register the schema under '" + subject + "': other writers kept winning; retry.");
    }

    /** The subject's version holding the schema; 40401 / 40403. */
    public RegistryState.Version lookup(String subject, String schemaText) {
        String canonical = parse(schemaText).toString();
        Optional<RegistryState.Version> found = state.find(subject, canonical);
        if (found.isEmpty()) {
            log.catchUp();
            found = state.find(subject, canonical);
        }
        if (found.isPresent()) {
            return found.get();
        }
        throw state.hasSubject(subject) ? RegistryError.schemaNotFound("the schema is not registered under subject '" + subject + "'")
                : RegistryError.subjectNotFound(subject);
    }

    /** Schema text by id; 40403. */
    public String schema(int id) {
        Optional<String> s = state.schema(id);
        if (s.isEmpty()) {
            log.catchUp();
            s = state.schema(id);
        }
        return s.orElseThrow(() -> RegistryError.schemaNotFound("no schema with id " + id));
    }

    /** Subject and version pairs of an id; 40403. */
    public List<RegistryState.Version> usages(int id) {
        schema(id);
        return state.usages(id);
    }

    /** All subjects. */
    public List<String> subjects() {
        log.catchUp();
        return state.subjects();
    }

    /** Versions of a subject; 40401. */
    public List<RegistryState.Version> versions(String subject) {
        if (!state.hasSubject(subject)) {
            log.catchUp();
        }
        List<RegistryState.Version> versions = state.versions(subject);
        if (versions.isEmpty()) {
            throw RegistryError.subjectNotFound(subject);
        }
        return versions;
    }

    /** One version ("latest", "-1" or a number); 40401 / 40402 / 42202. */
    public RegistryState.Version version(String subject, String versionText) {
        int wanted = parseVersion(versionText);
        if (wanted == -1) {
            log.catchUp(); // 'latest' must not be stale
        }
        List<RegistryState.Version> versions = versions(subject);
        if (wanted == -1) {
            return versions.get(versions.size() - 1);
        }
        if (wanted > versions.size()) {
            log.catchUp();
            versions = state.versions(subject);
        }
        if (wanted > versions.size()) {
            throw RegistryError.versionNotFound(subject, wanted);
        }
        return versions.get(wanted - 1);
    }

    /**
     * Compatibility of a schema with one version, or with the versions the subject's level says
     * (version null). Returns the problems, empty when compatible.
     */
    public List<String> testCompatibility(String subject, String versionText, String schemaText) {
        Schema schema = parse(schemaText);
        CompatibilityLevel level = state.effectiveLevel(subject);
        if (versionText == null) {
            log.catchUp();
            return check(subject, schema, state.versions(subject), level);
        }
        RegistryState.Version v = version(subject, versionText);
        return check(subject, schema, List.of(v), level.transitive() ? CompatibilityLevel.valueOf(level.name().replace("_TRANSITIVE", "")) : level);
    }

    /** Global level. */
    public CompatibilityLevel globalLevel() {
        return state.globalLevel();
    }

    /** A subject's own level, or the global one when {@code defaultToGlobal}; 40408 otherwise. */
    public CompatibilityLevel subjectLevel(String subject, boolean defaultToGlobal) {
        Optional<CompatibilityLevel> own = state.subjectLevel(subject);
        if (own.isEmpty()) {
            log.catchUp();
            own = state.subjectLevel(subject);
        }
        if (own.isPresent()) {
            return own.get();
        }
        if (defaultToGlobal) {
            return state.globalLevel();
        }
        throw new RegistryError(404, 40408, "Subject '" + subject + "' does not have subject-level compatibility configured");
    }

    /** Sets a level (subject null = global). */
    public CompatibilityLevel setLevel(String subject, String levelText) {
        CompatibilityLevel level;
        try {
            level = CompatibilityLevel.parse(levelText == null ? "" : levelText);
        } catch (IllegalArgumentException e) {
            throw RegistryError.invalidCompatibility(levelText);
        }
        log.appendConfig(subject, level);
        return level;
    }

    /** Removes a subject's level; returns the removed one; 40408 if none. */
    public CompatibilityLevel deleteLevel(String subject) {
        CompatibilityLevel before = subjectLevel(subject, false);
        log.appendConfig(subject, null);
        return before;
    }

    private static int parseVersion(String text) {
        if ("latest".equals(text) || "-1".equals(text)) {
            return -1;
        }
        try {
            int v = Integer.parseInt(text);
            if (v < 1) {
                throw RegistryError.invalidVersion(text);
            }
            return v;
        } catch (NumberFormatException e) {
            throw RegistryError.invalidVersion(text);
        }
    }

    /** Problems registering {@code schema} after {@code existing} under {@code level}, in Avro checker terms. */
    static List<String> check(String subject, Schema schema, List<RegistryState.Version> existing, CompatibilityLevel level) {
        List<String> problems = new ArrayList<>();
        if (level == CompatibilityLevel.NONE || existing.isEmpty()) {
            return problems;
        }
        List<RegistryState.Version> against = level.transitive() ? existing : List.of(existing.get(existing.size() - 1));
        for (RegistryState.Version v : against) {
            Schema old = new Schema.Parser().parse(v.schema());
            if (level.backward()) {
                describe(SchemaCompatibility.checkReaderWriterCompatibility(schema, old), "new schema reading data written with version "
                        + v.version() + " (id " + v.id() + ")", problems);
            }
            if (level.forward()) {
                describe(SchemaCompatibility.checkReaderWriterCompatibility(old, schema), "version " + v.version() + " (id " + v.id()
                        + ") reading data written with the new schema", problems);
            }
        }
        return problems;
    }

    private static void describe(SchemaPairCompatibility pair, String direction, List<String> out) {
        if (pair.getType() == SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE) {
            return;
        }
        for (Incompatibility i : pair.getResult().getIncompatibilities()) {
            out.add("{errorType:'" + i.getType() + "', description:'" + i.getMessage() + "', location:'" + i.getLocation()
                    + "', direction:'" + direction + "'}");
        }
    }
}
