package io.switchboard.testkit;

import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * A running Kafka broker for tests, benchmarks and the embedded demo.
 *
 * <p>Obtain one with {@link #start()} (chooses the implementation from the {@code switchboard.kafka}
 * system property) or directly from {@link EmbeddedKafkaBroker#start()}. Implementations are
 * thread-safe; {@link #close()} stops the broker and deletes its data.
 */
public interface KafkaBroker extends AutoCloseable {

    /** System property choosing the broker: {@code embedded} (default) or {@code testcontainers}. */
    String KIND_PROPERTY = "switchboard.kafka";

    /** {@code host:port} list for {@code bootstrap.servers}. */
    String bootstrapServers();

    /** Stops the broker and removes its data. Idempotent. */
    @Override
    void close();

    /**
     * Stops the broker like an outage, keeping its data, so that {@link #restart()} brings it back on the same
     * address. Supported by the embedded broker.
     *
     * @throws UnsupportedOperationException for a broker kind that cannot do it
     */
    default void stop() {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " cannot be stopped and restarted; run with -D"
                + KIND_PROPERTY + "=embedded");
    }

    /** Starts a {@linkplain #stop() stopped} broker again on the same address with the same data. */
    default void restart() {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " cannot be stopped and restarted; run with -D"
                + KIND_PROPERTY + "=embedded");
    }

    /**
     * Starts the broker chosen by {@code -Dswitchboard.kafka}: {@code embedded} (the default) runs a
     * KRaft broker in this JVM; {@code testcontainers} runs the {@code apache/kafka} image and fails
     * with a clear message when no Docker engine answers.
     */
    static KafkaBroker start() {
        String kind = System.getProperty(KIND_PROPERTY, "embedded").trim();
        return switch (kind) {
            case "", "embedded" -> EmbeddedKafkaBroker.start();
            case "testcontainers" -> ContainerKafkaBroker.start();
            default -> throw new IllegalArgumentException("-D" + KIND_PROPERTY + "=" + kind
                    + " is not a broker kind; use 'embedded' (in-process KRaft, the default) or 'testcontainers' (needs Docker)");
        };
    }

    /** Client properties with {@code bootstrap.servers} set, to add to. */
    default Properties clientProperties() {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        return props;
    }

    /** An admin client for this broker; the caller closes it. */
    default Admin admin() {
        return Admin.create(clientProperties());
    }

    /**
     * Creates a topic (replication factor 1) and waits until it exists; an existing topic is kept.
     *
     * @param configs topic configs such as {@code cleanup.policy=compact}
     */
    default void createTopic(String name, int partitions, Map<String, String> configs) {
        try (Admin admin = admin()) {
            admin.createTopics(java.util.List.of(new NewTopic(name, partitions, (short) 1).configs(configs)))
                    .all().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException("could not create topic " + name + ": " + e.getCause(), e.getCause());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topic " + name, e);
        } catch (TimeoutException e) {
            throw new IllegalStateException("topic " + name + " was not created within " + Duration.ofSeconds(30), e);
        }
    }
}
