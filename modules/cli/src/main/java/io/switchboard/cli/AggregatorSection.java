package io.switchboard.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import io.switchboard.core.ConfigException;
import io.switchboard.core.ConfigProblem;
import io.switchboard.core.config.ConfigKey;

/**
 * The aggregator's view of the one configuration file: its {@code aggregator:} section, with the shared
 * {@code kafka:} and {@code schemaRegistry:} sections of the file (and their environment / command-line overrides)
 * filling what the section does not set itself, so that one file serves every role.
 */
public final class AggregatorSection {

    private AggregatorSection() {
    }

    /** The section {@link io.switchboard.aggregate.AggregatorConfig#fromMap} reads, from {@code yaml}. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> of(String yaml, String source, Map<String, String> env) {
        Map<String, Object> root;
        try {
            Object parsed = new ObjectMapper(new YAMLFactory()).readValue(yaml, Object.class);
            root = parsed instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
        } catch (IOException e) {
            throw new ConfigException(source, List.of(new ConfigProblem("(file)", null,
                    "is not valid YAML; check indentation and quoting")));
        }
        Map<String, Object> section = new LinkedHashMap<>();
        Object own = root.get("aggregator");
        if (own instanceof Map<?, ?> m) {
            section.putAll((Map<String, Object>) m);
        }
        Map<String, Object> kafka = new LinkedHashMap<>(sub(section, "kafka"));
        sub(root, "kafka").forEach(kafka::putIfAbsent);
        override(kafka, "bootstrapServers", env.get(ConfigKey.envVarOf("kafka.bootstrapServers", null)));
        override(kafka, "topicPrefix", env.get(ConfigKey.envVarOf("kafka.topicPrefix", null)));
        String propertyPrefix = ConfigKey.envVarOf("kafka.properties", null) + "_";
        Map<String, Object> properties = new LinkedHashMap<>(sub(kafka, "properties"));
        env.forEach((k, v) -> {
            if (k.startsWith(propertyPrefix)) {
                properties.put(k.substring(propertyPrefix.length()).toLowerCase(java.util.Locale.ROOT).replace('_', '.'), v);
            }
        });
        if (!properties.isEmpty()) {
            kafka.put("properties", properties);
        }
        kafka.remove("requestPartitions"); // a token-manager key of the shared section
        section.put("kafka", kafka);
        Map<String, Object> registry = new LinkedHashMap<>(sub(section, "schemaRegistry"));
        Object url = sub(root, "schemaRegistry").get("url");
        if (url != null) {
            registry.putIfAbsent("url", url);
        }
        override(registry, "url", env.get(ConfigKey.envVarOf("schemaRegistry.url", null)));
        section.put("schemaRegistry", registry);
        return section;
    }

    /** As {@link #of(String, String, Map)} for a file. */
    public static Map<String, Object> load(Path file, Map<String, String> env) {
        try {
            return of(Files.readString(file), file.toString(), env);
        } catch (IOException e) {
            throw new ConfigException(file.toString(), List.of(new ConfigProblem("--config", file.toString(),
                    "cannot read the file; give the path of a YAML file")));
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> sub(Map<String, Object> map, String key) {
        Object v = map.get(key);
        return v instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }

    private static void override(Map<String, Object> map, String key, String value) {
        if (value != null && !value.isBlank()) {
            map.put(key, value);
        }
    }
}
