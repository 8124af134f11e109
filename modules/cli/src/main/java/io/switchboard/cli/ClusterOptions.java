package io.switchboard.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import io.switchboard.core.ConfigException;
import io.switchboard.core.ConfigProblem;
import io.switchboard.core.config.ConfigFile;
import io.switchboard.core.config.ConfigKey;
import picocli.CommandLine.Option;

/**
 * The options every role and tool shares for joining a Kafka cluster and a schema registry: the configuration file,
 * and command-line overrides of its {@code kafka} and {@code schemaRegistry} sections, so that one file serves a
 * whole deployment and any SASL/SSL cluster works ({@code --kafka-property security.protocol=SASL_SSL}).
 *
 * <p>Overrides win over the environment, which wins over the file: they are handed to the configuration loader as
 * environment variables under the documented naming rule ({@link ConfigKey#envVarOf}), e.g.
 * {@code --bootstrap-servers} becomes {@code SWITCHBOARD_KAFKA_BOOTSTRAP_SERVERS} and {@code --kafka-property
 * sasl.mechanism=SCRAM-SHA-512} becomes {@code SWITCHBOARD_KAFKA_PROPERTIES_SASL_MECHANISM}. A picocli mixin.
 */
public final class ClusterOptions {

    @Option(names = "--config", paramLabel = "FILE", description = "Configuration file (default: $SWITCHBOARD_CONFIG, else ./switchboard.yaml).")
    Path config;

    @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT[,...]",
            description = "Kafka bootstrap servers; overrides kafka.bootstrapServers.")
    String bootstrapServers;

    @Option(names = "--topic-prefix", paramLabel = "PREFIX",
            description = "Prefix of every topic name; overrides kafka.topicPrefix.")
    String topicPrefix;

    @Option(names = "--schema-registry-url", paramLabel = "URL",
            description = "Any Confluent-compatible schema registry; overrides schemaRegistry.url.")
    String schemaRegistryUrl;

    @Option(names = "--kafka-property", paramLabel = "KEY=VALUE",
            description = "A Kafka client property such as sasl.mechanism=PLAIN (repeatable).")
    List<String> kafkaProperties = new ArrayList<>();

    @Option(names = "--kafka-config", paramLabel = "FILE",
            description = "A properties file of Kafka client properties (SASL, SSL and so on).")
    Path kafkaConfig;

    /**
     * What a role reads its configuration from: the process environment with these options' overrides, and the file,
     * which must exist.
     *
     * @param environment the environment the configuration loader resolves against
     * @param file        the configuration file
     */
    public record Source(Map<String, String> environment, Path file) {
    }

    /**
     * The {@link Source} of a role that needs a configuration file.
     *
     * @throws ConfigException naming a malformed option, or the missing file and how it was chosen
     */
    public Source source() {
        Map<String, String> env = environment(System.getenv());
        ConfigFile file = configFile(env);
        if (!Files.exists(file.path())) {
            throw new ConfigException(file.path().toString(), List.of(new ConfigProblem("--config", file.path().toString(),
                    "no configuration file at " + file.describe())));
        }
        return new Source(env, file.path());
    }

    /** The configuration file these options choose. */
    public ConfigFile configFile(Map<String, String> environment) {
        return ConfigFile.choose(config, environment);
    }

    /**
     * {@code environment} with the command-line overrides added.
     *
     * @throws ConfigException naming every malformed option
     */
    public Map<String, String> environment(Map<String, String> environment) {
        Map<String, String> env = new LinkedHashMap<>(environment);
        List<ConfigProblem> problems = new ArrayList<>();
        if (kafkaConfig != null) {
            Properties p = new Properties();
            try (InputStream in = Files.newInputStream(kafkaConfig)) {
                p.load(in);
                p.stringPropertyNames().forEach(k -> env.put(propertyEnv(k), p.getProperty(k)));
            } catch (IOException e) {
                problems.add(new ConfigProblem("--kafka-config", kafkaConfig.toString(),
                        "cannot be read (" + e.getMessage() + "); give a readable Java properties file"));
            }
        }
        for (String kv : kafkaProperties) {
            int eq = kv.indexOf('=');
            if (eq <= 0) {
                problems.add(new ConfigProblem("--kafka-property", kv, "must be KEY=VALUE, e.g. security.protocol=SASL_SSL"));
                continue;
            }
            String key = kv.substring(0, eq).trim();
            if (!key.matches("[a-z0-9.]+")) {
                problems.add(new ConfigProblem("--kafka-property", key, "only lower-case dotted Kafka property names can be"
                        + " given on the command line; put this one under kafka.properties in the configuration file"));
                continue;
            }
            env.put(propertyEnv(key), kv.substring(eq + 1));
        }
        if (bootstrapServers != null) {
            env.put(ConfigKey.envVarOf("kafka.bootstrapServers", null), bootstrapServers);
        }
        if (topicPrefix != null) {
            env.put(ConfigKey.envVarOf("kafka.topicPrefix", null), topicPrefix);
        }
        if (schemaRegistryUrl != null) {
            env.put(ConfigKey.envVarOf("schemaRegistry.url", null), schemaRegistryUrl);
        }
        if (!problems.isEmpty()) {
            throw new ConfigException("command line", problems);
        }
        return env;
    }

    private static String propertyEnv(String kafkaKey) {
        return ConfigKey.envVarOf("kafka.properties", null) + "_"
                + kafkaKey.toUpperCase(java.util.Locale.ROOT).replace('.', '_');
    }
}
