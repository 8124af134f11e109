package io.switchboard.testkit;

import org.testcontainers.DockerClientFactory;
import org.testcontainers.kafka.KafkaContainer;

/**
 * A broker in a Docker container ({@code apache/kafka} image, KRaft mode) through Testcontainers.
 * Used only when {@code -Dswitchboard.kafka=testcontainers} is given and a Docker engine answers;
 * the test suite never requires it.
 */
final class ContainerKafkaBroker implements KafkaBroker {

    /** Same Kafka version as the embedded broker and the clients. */
    static final String IMAGE = "apache/kafka:4.3.1";

    private final KafkaContainer container;

    private ContainerKafkaBroker(KafkaContainer container) {
        this.container = container;
    }

    static ContainerKafkaBroker start() {
        if (!DockerClientFactory.instance().isDockerAvailable()) {
            throw new IllegalStateException("-Dswitchboard.kafka=testcontainers needs a running Docker engine and none answered;"
                    + " drop the flag to use the in-process KRaft broker");
        }
        KafkaContainer container = new KafkaContainer(IMAGE)
                .withEnv("KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS", "0")
                .withEnv("KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR", "1")
                .withEnv("KAFKA_TRANSACTION_STATE_LOG_MIN_ISR", "1");
        container.start();
        return new ContainerKafkaBroker(container);
    }

    @Override
    public String bootstrapServers() {
        return container.getBootstrapServers();
    }

    @Override
    public void close() {
        container.stop();
    }
}
