package io.switchboard.cli;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;

import io.switchboard.core.ConfigException;
import io.switchboard.core.ConfigProblems;
import io.switchboard.core.config.ConfigFile;
import io.switchboard.core.config.ConfigSource;
import io.switchboard.core.config.SharedKeys;
import io.switchboard.registry.CompatibilityLevel;
import io.switchboard.registry.server.EmbeddedSchemaRegistry;
import io.switchboard.registry.server.EmbeddedSchemaRegistryOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code switchboard schema-registry}: the embedded schema registry (Confluent REST API subset,
 * schemas in a compacted Kafka topic) as a process, until the JVM is stopped. A development
 * convenience: production points {@code schema.registry.url} at a real registry.
 */
@Command(name = "schema-registry", mixinStandardHelpOptions = true,
        description = "Runs a development schema registry (Confluent REST API subset) that stores schemas in a compacted"
                + " Kafka topic, until stopped. Production should use a real registry. See docs/schema-registry.md.")
final class SchemaRegistryCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT",
            description = "Kafka cluster that stores the schemas (default: kafka.bootstrapServers of the configuration file).")
    String bootstrapServers;

    @Option(names = "--config", paramLabel = "FILE", description = "Configuration file whose kafka.bootstrapServers is used when"
            + " --bootstrap-servers is not given (default: $" + ConfigFile.ENV + ", else ./switchboard.yaml if it exists).")
    Path config;

    @Option(names = "--port", description = "Port to listen on; 0 picks a free one (default: ${DEFAULT-VALUE}).", defaultValue = "8081")
    int port;

    @Option(names = "--host", description = "Address to bind (default: ${DEFAULT-VALUE}).", defaultValue = "127.0.0.1")
    String host;

    @Option(names = "--topic", description = "Compacted topic holding the schemas (default: ${DEFAULT-VALUE}).",
            defaultValue = EmbeddedSchemaRegistryOptions.DEFAULT_TOPIC)
    String topic;

    @Option(names = "--compatibility", converter = CompatibilityConverter.class, defaultValue = "BACKWARD",
            description = "Default compatibility level: NONE, BACKWARD, FORWARD, FULL and their _TRANSITIVE forms"
                    + " (default: ${DEFAULT-VALUE}).")
    CompatibilityLevel compatibility;

    @Override
    public Integer call() throws InterruptedException {
        if (bootstrapServers == null) {
            try {
                bootstrapServers = bootstrapServersFromConfiguration(System.getenv());
            } catch (ConfigException e) {
                spec.commandLine().getErr().println(e.getMessage());
                spec.commandLine().getErr().println("Give --bootstrap-servers HOST:PORT, or set kafka.bootstrapServers in the"
                        + " configuration file.");
                spec.commandLine().getErr().flush();
                return Switchboard.EXIT_USAGE;
            }
        }
        EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start(options());
        spec.commandLine().getOut().println("Schema registry listening on " + registry.url() + " (schemas in topic " + topic + ")");
        spec.commandLine().getOut().flush();
        // until stopped (exit 0), or until the schema-log reader fails fatally (exit 1)
        return Shutdown.awaitStopOrFatal(registry, registry.fatal(), "schema-registry-shutdown", spec.commandLine().getErr());
    }

    /** kafka.bootstrapServers of the configuration file every command reads (and its environment override). */
    String bootstrapServersFromConfiguration(Map<String, String> env) {
        ConfigSource source = ConfigFile.choose(config, env).loadIfPresent(env);
        ConfigProblems problems = source.newProblems();
        String servers = source.root(problems).get(SharedKeys.KAFKA_BOOTSTRAP_SERVERS);
        problems.throwIfAny();
        return servers;
    }

    /** The registry options the command line describes. */
    EmbeddedSchemaRegistryOptions options() {
        return EmbeddedSchemaRegistryOptions.defaults(bootstrapServers)
                .withTopic(topic).withHost(host).withPort(port).withDefaultCompatibility(compatibility);
    }

    /** Parses a level with the registry's own rules, so the error names the valid levels. */
    static final class CompatibilityConverter implements ITypeConverter<CompatibilityLevel> {
        @Override
        public CompatibilityLevel convert(String value) {
            try {
                return CompatibilityLevel.parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }
}
