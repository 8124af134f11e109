package io.switchboard.cli;

import java.util.concurrent.Callable;

import io.switchboard.registry.CompatibilityLevel;
import io.switchboard.registry.server.EmbeddedSchemaRegistry;
import io.switchboard.registry.server.EmbeddedSchemaRegistryOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code switchboard schema-registry}: the embedded schema registry (Confluent REST API subset,
 * schemas in a compacted Kafka topic) as a process. A development convenience: production points
 * {@code schema.registry.url} at a real registry.
 */
@Command(name = "schema-registry", mixinStandardHelpOptions = true,
        description = "Runs a development schema registry (Confluent REST API subset) that stores schemas in a compacted"
                + " Kafka topic, until stopped. Production should use a real registry. See docs/schema-registry.md.")
final class SchemaRegistryCommand implements Callable<Integer> {

    @Option(names = "--bootstrap-servers", required = true, paramLabel = "HOST:PORT",
            description = "Kafka cluster that stores the schemas.")
    String bootstrapServers;

    @Option(names = "--port", description = "Port to listen on; 0 picks a free one (default: ${DEFAULT-VALUE}).", defaultValue = "8081")
    int port;

    @Option(names = "--host", description = "Address to bind (default: ${DEFAULT-VALUE}).", defaultValue = "127.0.0.1")
    String host;

    @Option(names = "--topic", description = "Compacted topic holding the schemas (default: ${DEFAULT-VALUE}).",
            defaultValue = EmbeddedSchemaRegistryOptions.DEFAULT_TOPIC)
    String topic;

    @Option(names = "--compatibility", description = "Default compatibility level (default: ${DEFAULT-VALUE}).",
            defaultValue = "BACKWARD")
    String compatibility;

    @Override
    public Integer call() throws InterruptedException {
        CompatibilityLevel level;
        try {
            level = CompatibilityLevel.parse(compatibility);
        } catch (IllegalArgumentException e) {
            System.err.println("--compatibility " + compatibility + ": " + e.getMessage());
            return Switchboard.EXIT_USAGE;
        }
        EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start(EmbeddedSchemaRegistryOptions.defaults(bootstrapServers)
                .withTopic(topic).withHost(host).withPort(port).withDefaultCompatibility(level));
        System.out.println("Schema registry listening on " + registry.url() + " (schemas in topic " + topic + ")");
        SimulatorCommand.awaitShutdown(registry, "schema-registry-shutdown");
        return 0;
    }
}
