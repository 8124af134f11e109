package io.switchboard.registry.server;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

import io.switchboard.core.ConfigProblems;
import io.switchboard.registry.CompatibilityLevel;

/**
 * Runs an {@link EmbeddedSchemaRegistry} as a process until it is stopped (Ctrl-C / SIGTERM):
 * {@code SchemaRegistryMain --bootstrap-servers localhost:9092 [--port 8081] [--host 127.0.0.1]
 * [--topic _schemas] [--compatibility BACKWARD]}. A development convenience; the
 * {@code switchboard schema-registry} command wraps it.
 */
public final class SchemaRegistryMain {

    private SchemaRegistryMain() {
    }

    /** Entry point. Exits 2 on bad arguments, listing every problem. */
    public static void main(String[] args) throws InterruptedException {
        EmbeddedSchemaRegistryOptions options;
        try {
            options = parse(args);
        } catch (io.switchboard.core.ConfigException e) {
            System.err.println(e.getMessage());
            System.err.println(usage());
            System.exit(2);
            return;
        }
        if (options == null) {
            System.out.println(usage());
            return;
        }
        EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start(options);
        System.out.println("Schema registry listening on " + registry.url() + " (schemas in topic " + options.topic() + ")");
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            registry.close();
            stopped.countDown();
        }, "schema-registry-shutdown"));
        stopped.await();
    }

    /** Parses the arguments; null for --help. */
    static EmbeddedSchemaRegistryOptions parse(String[] args) {
        ConfigProblems problems = new ConfigProblems("schema-registry arguments");
        String bootstrap = null;
        String topic = EmbeddedSchemaRegistryOptions.DEFAULT_TOPIC;
        String host = "127.0.0.1";
        int port = 8081;
        CompatibilityLevel level = CompatibilityLevel.BACKWARD;
        List<String> rest = new ArrayList<>(List.of(args));
        while (!rest.isEmpty()) {
            String arg = rest.remove(0);
            String value = null;
            int eq = arg.indexOf('=');
            if (arg.startsWith("--") && eq > 0) {
                value = arg.substring(eq + 1);
                arg = arg.substring(0, eq);
            }
            if (arg.equals("-h") || arg.equals("--help")) {
                return null;
            }
            if (value == null && arg.startsWith("--")) {
                if (rest.isEmpty()) {
                    problems.add(arg, null, "needs a value");
                    continue;
                }
                value = rest.remove(0);
            }
            switch (arg) {
                case "--bootstrap-servers" -> bootstrap = value;
                case "--topic" -> topic = value;
                case "--host" -> host = value;
                case "--port" -> {
                    try {
                        port = Integer.parseInt(value);
                        problems.check(port >= 0 && port <= 65535, arg, value, "must be between 0 and 65535 (0 = any free port)");
                    } catch (NumberFormatException e) {
                        problems.add(arg, value, "must be a port number");
                    }
                }
                case "--compatibility" -> {
                    try {
                        level = CompatibilityLevel.parse(value);
                    } catch (IllegalArgumentException e) {
                        problems.add(arg, value, e.getMessage());
                    }
                }
                default -> problems.add(arg, value, "is not an option");
            }
        }
        if (bootstrap == null || bootstrap.isBlank()) {
            problems.add("--bootstrap-servers", null, "is required: the Kafka cluster that stores the schemas, e.g. localhost:9092");
        }
        problems.throwIfAny();
        return EmbeddedSchemaRegistryOptions.defaults(bootstrap).withTopic(topic).withHost(host).withPort(port)
                .withDefaultCompatibility(level);
    }

    private static String usage() {
        return "usage: schema-registry --bootstrap-servers HOST:PORT [--port 8081] [--host 127.0.0.1] [--topic _schemas]"
                + " [--compatibility BACKWARD]\n"
                + "A development schema registry (Confluent REST API subset) storing schemas in a compacted Kafka topic.\n"
                + "In production point schema.registry.url at a real registry.";
    }
}
