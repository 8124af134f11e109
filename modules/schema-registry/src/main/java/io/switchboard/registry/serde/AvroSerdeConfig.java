package io.switchboard.registry.serde;

import java.util.Map;
import java.util.Objects;

import io.switchboard.core.ConfigProblems;
import io.switchboard.registry.SchemaRegistryConfig;

/**
 * Settings of the Avro serializer and deserializer, read from the same Confluent-named keys as
 * Confluent's serdes so producer and consumer configs carry over. Immutable.
 *
 * <p>Keys (besides the registry keys of {@link SchemaRegistryConfig}):
 * <ul>
 *   <li>{@value #AUTO_REGISTER_SCHEMAS} (default true) — register the record's schema on first use;
 *       false: look it up and fail if the subject does not have it.</li>
 *   <li>{@value #USE_LATEST_VERSION} (default false) — write with the subject's latest schema
 *       (the record is converted when its schema differs but resolves to the latest).</li>
 *   <li>{@value #KEY_SUBJECT_NAME_STRATEGY}, {@value #VALUE_SUBJECT_NAME_STRATEGY} — see {@link SubjectNameStrategy}.</li>
 *   <li>{@value #SPECIFIC_AVRO_READER} (default false) — deserialize to generated classes, using the
 *       class's schema as reader schema (schema evolution); false gives {@code GenericRecord}s.</li>
 * </ul>
 *
 * @param registry            how to reach the registry
 * @param autoRegister        {@value #AUTO_REGISTER_SCHEMAS}
 * @param useLatestVersion    {@value #USE_LATEST_VERSION}
 * @param keyStrategy         {@value #KEY_SUBJECT_NAME_STRATEGY}
 * @param valueStrategy       {@value #VALUE_SUBJECT_NAME_STRATEGY}
 * @param specificReader      {@value #SPECIFIC_AVRO_READER}
 */
public record AvroSerdeConfig(SchemaRegistryConfig registry, boolean autoRegister, boolean useLatestVersion,
                              SubjectNameStrategy keyStrategy, SubjectNameStrategy valueStrategy, boolean specificReader) {

    /** Register schemas on first use. */
    public static final String AUTO_REGISTER_SCHEMAS = "auto.register.schemas";
    /** Write with the subject's latest version. */
    public static final String USE_LATEST_VERSION = "use.latest.version";
    /** Strategy for key subjects. */
    public static final String KEY_SUBJECT_NAME_STRATEGY = "key.subject.name.strategy";
    /** Strategy for value subjects. */
    public static final String VALUE_SUBJECT_NAME_STRATEGY = "value.subject.name.strategy";
    /** Deserialize to generated classes. */
    public static final String SPECIFIC_AVRO_READER = "specific.avro.reader";

    public AvroSerdeConfig {
        Objects.requireNonNull(registry, "registry");
        Objects.requireNonNull(keyStrategy, "keyStrategy");
        Objects.requireNonNull(valueStrategy, "valueStrategy");
    }

    /** Defaults for a registry: auto-register, topic-name subjects, generic reader. */
    public static AvroSerdeConfig of(SchemaRegistryConfig registry) {
        return new AvroSerdeConfig(registry, true, false, SubjectNameStrategy.TOPIC_NAME, SubjectNameStrategy.TOPIC_NAME, false);
    }

    /** The strategy for keys or values. */
    public SubjectNameStrategy strategy(boolean isKey) {
        return isKey ? keyStrategy : valueStrategy;
    }

    /**
     * Reads the keys from a Kafka-style config map.
     *
     * @throws io.switchboard.core.ConfigException listing every problem, registry keys included
     */
    public static AvroSerdeConfig fromConfigs(Map<String, ?> configs) {
        ConfigProblems problems = new ConfigProblems("Avro serde configuration");
        SchemaRegistryConfig registry = null;
        try {
            registry = SchemaRegistryConfig.fromConfigs(configs);
        } catch (io.switchboard.core.ConfigException e) {
            e.problems().forEach(p -> problems.add(p.key(), p.value(), p.message()));
        }
        boolean auto = bool(configs, AUTO_REGISTER_SCHEMAS, true, problems);
        boolean latest = bool(configs, USE_LATEST_VERSION, false, problems);
        boolean specific = bool(configs, SPECIFIC_AVRO_READER, false, problems);
        SubjectNameStrategy key = strategy(configs, KEY_SUBJECT_NAME_STRATEGY, problems);
        SubjectNameStrategy value = strategy(configs, VALUE_SUBJECT_NAME_STRATEGY, problems);
        problems.throwIfAny();
        return new AvroSerdeConfig(registry, auto, latest, key, value, specific);
    }

    private static boolean bool(Map<String, ?> configs, String key, boolean dflt, ConfigProblems problems) {
        Object v = configs.get(key);
        if (v == null || String.valueOf(v).isBlank()) {
            return dflt;
        }
        String s = String.valueOf(v).trim();
        if (s.equalsIgnoreCase("true") || s.equalsIgnoreCase("false")) {
            return Boolean.parseBoolean(s);
        }
        problems.add(key, s, "must be true or false");
        return dflt;
    }

    private static SubjectNameStrategy strategy(Map<String, ?> configs, String key, ConfigProblems problems) {
        Object v = configs.get(key);
        if (v == null || String.valueOf(v).isBlank()) {
            return SubjectNameStrategy.TOPIC_NAME;
        }
        String text = v instanceof Class<?> c ? c.getName() : String.valueOf(v);
        try {
            return SubjectNameStrategy.parse(text);
        } catch (IllegalArgumentException e) {
            problems.add(key, text, e.getMessage());
            return SubjectNameStrategy.TOPIC_NAME;
        }
    }
}
