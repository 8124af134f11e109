package io.switchboard.registry.server.internal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import io.switchboard.registry.CompatibilityLevel;

/**
 * The registry's state, rebuilt by replaying the schema log in order. Every instance replaying the
 * same log reaches the same state, because each record is accepted or rejected by rules that look
 * only at the records before it:
 * <ul>
 *   <li>a schema record is rejected if its id already names another schema, if its schema already
 *       has another id, or if its version is not the subject's next version;</li>
 *   <li>a record repeating a subject's existing (schema, id) is a no-op duplicate.</li>
 * </ul>
 * So two writers racing for the same id or version cannot both win: the earlier record in the log
 * does, the later is ignored everywhere and its writer retries. Thread-safe (synchronized).
 */
public final class RegistryState {

    /** Result of applying one schema record. */
    public record Outcome(boolean accepted, int id, int version, String reason) {
    }

    /** Id and version a new registration would take. */
    public record Proposal(int id, int version) {
    }

    /** One version of a subject. */
    public record Version(String subject, int version, int id, String schema) {
    }

    private final Map<Integer, String> schemaById = new HashMap<>();
    private final Map<String, Integer> idBySchema = new HashMap<>();
    private final Map<String, List<Integer>> subjects = new TreeMap<>();
    private final Map<String, CompatibilityLevel> subjectLevels = new HashMap<>();
    private final CompatibilityLevel defaultLevel;
    private CompatibilityLevel globalLevel;
    private int maxId;

    /** @param defaultLevel the global level until a config record sets one */
    public RegistryState(CompatibilityLevel defaultLevel) {
        this.defaultLevel = defaultLevel;
    }

    /** Applies a schema record (canonical schema text). */
    public synchronized Outcome applySchema(String subject, int version, int id, String schema) {
        String known = schemaById.get(id);
        if (known != null && !known.equals(schema)) {
            return new Outcome(false, id, version, "id " + id + " already names another schema");
        }
        Integer existingId = idBySchema.get(schema);
        if (existingId != null && existingId != id) {
            return new Outcome(false, id, version, "schema already has id " + existingId);
        }
        List<Integer> versions = subjects.getOrDefault(subject, List.of());
        int at = versions.indexOf(id);
        if (at >= 0) {
            return new Outcome(true, id, at + 1, null);
        }
        if (version != versions.size() + 1) {
            return new Outcome(false, id, version, "subject '" + subject + "' is at version " + versions.size() + ", not " + (version - 1));
        }
        schemaById.put(id, schema);
        idBySchema.put(schema, id);
        subjects.computeIfAbsent(subject, s -> new ArrayList<>()).add(id);
        maxId = Math.max(maxId, id);
        return new Outcome(true, id, version, null);
    }

    /** Applies a config record; {@code subject} null = global, {@code level} null = remove. */
    public synchronized void applyConfig(String subject, CompatibilityLevel level) {
        if (subject == null) {
            globalLevel = level;
        } else if (level == null) {
            subjectLevels.remove(subject);
        } else {
            subjectLevels.put(subject, level);
        }
    }

    /** The id and version registering this schema under the subject would take now. */
    public synchronized Proposal propose(String subject, String schema) {
        Integer id = idBySchema.get(schema);
        return new Proposal(id != null ? id : maxId + 1, subjects.getOrDefault(subject, List.of()).size() + 1);
    }

    /** The subject's version holding this schema, if any. */
    public synchronized Optional<Version> find(String subject, String schema) {
        Integer id = idBySchema.get(schema);
        List<Integer> versions = subjects.get(subject);
        if (id == null || versions == null || !versions.contains(id)) {
            return Optional.empty();
        }
        return Optional.of(new Version(subject, versions.indexOf(id) + 1, id, schema));
    }

    /** Schema text by id. */
    public synchronized Optional<String> schema(int id) {
        return Optional.ofNullable(schemaById.get(id));
    }

    /** (subject, version) pairs using an id. */
    public synchronized List<Version> usages(int id) {
        List<Version> out = new ArrayList<>();
        subjects.forEach((s, ids) -> {
            int at = ids.indexOf(id);
            if (at >= 0) {
                out.add(new Version(s, at + 1, id, schemaById.get(id)));
            }
        });
        return out;
    }

    /** All subjects, sorted. */
    public synchronized List<String> subjects() {
        return new ArrayList<>(subjects.keySet());
    }

    /** Whether the subject exists. */
    public synchronized boolean hasSubject(String subject) {
        return subjects.containsKey(subject);
    }

    /** All versions of a subject, oldest first; empty if unknown. */
    public synchronized List<Version> versions(String subject) {
        List<Integer> ids = subjects.getOrDefault(subject, List.of());
        List<Version> out = new ArrayList<>(ids.size());
        for (int i = 0; i < ids.size(); i++) {
            out.add(new Version(subject, i + 1, ids.get(i), schemaById.get(ids.get(i))));
        }
        return out;
    }

    /** The global level. */
    public synchronized CompatibilityLevel globalLevel() {
        return globalLevel != null ? globalLevel : defaultLevel;
    }

    /** The subject's own level, if set. */
    public synchronized Optional<CompatibilityLevel> subjectLevel(String subject) {
        return Optional.ofNullable(subjectLevels.get(subject));
    }

    /** The level in force for a subject. */
    public synchronized CompatibilityLevel effectiveLevel(String subject) {
        return subjectLevels.getOrDefault(subject, globalLevel());
    }
}
