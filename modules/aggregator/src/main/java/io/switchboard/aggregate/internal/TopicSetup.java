package io.switchboard.aggregate.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.errors.TopicExistsException;

import io.switchboard.aggregate.AggregatorConfig;
import io.switchboard.aggregate.WindowSize;
import io.switchboard.core.SwitchboardException;
import io.switchboard.core.Topics;

/**
 * Creates the topics the aggregator reads and writes when they are missing: queue-stats (the
 * pollers' topic; created so the aggregator can start first), the compacted snapshot and tenant
 * topics, the windowed topics (compact + delete with the window retention), alerts and the
 * dead-letter topic. Existing topics are left as they are.
 */
public final class TopicSetup {

    private static final int DEFAULT_PARTITIONS = 6;

    private TopicSetup() {
    }

    /**
     * Ensures the topics exist.
     *
     * @return the number of partitions of queue-stats
     * @throws SwitchboardException when Kafka cannot be reached or refuses
     */
    public static int ensureTopics(AggregatorConfig config) {
        Topics topics = config.topics();
        Map<String, Object> props = new java.util.HashMap<>(config.kafkaProperties());
        props.put("bootstrap.servers", config.bootstrapServers());
        try (Admin admin = Admin.create(props)) {
            Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            int inputPartitions;
            if (!existing.contains(topics.queueStats())) {
                inputPartitions = config.outputPartitions() > 0 ? config.outputPartitions() : DEFAULT_PARTITIONS;
                create(admin, List.of(new NewTopic(topics.queueStats(), Optional.of(inputPartitions), Optional.empty())));
            } else {
                TopicDescription d = admin.describeTopics(List.of(topics.queueStats())).allTopicNames().get(30, TimeUnit.SECONDS)
                        .get(topics.queueStats());
                inputPartitions = d.partitions().size();
            }
            int out = config.outputPartitions() > 0 ? config.outputPartitions() : inputPartitions;
            List<NewTopic> wanted = new ArrayList<>();
            wanted.add(topic(topics.queueSnapshots(), out, Map.of("cleanup.policy", "compact")));
            wanted.add(topic(topics.tenantSummary(), out, Map.of("cleanup.policy", "compact")));
            for (WindowSize size : WindowSize.values()) {
                wanted.add(topic(topics.queueWindowStats(size.label()), out, Map.of("cleanup.policy", "compact,delete",
                        "retention.ms", String.valueOf(config.windows().get(size).retention().toMillis()))));
            }
            wanted.add(topic(topics.alerts(), out, Map.of("cleanup.policy", "delete")));
            wanted.add(topic(topics.deadLetters(), out, Map.of("cleanup.policy", "delete")));
            wanted.removeIf(t -> existing.contains(t.name()));
            create(admin, wanted);
            return inputPartitions;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SwitchboardException("interrupted while creating the aggregator's topics", e);
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            throw new SwitchboardException("cannot check or create the aggregator's topics on " + config.bootstrapServers() + " ("
                    + cause + "); check kafka.bootstrapServers, the security settings in kafka.properties, and that the principal may"
                    + " describe and create topics under '" + config.topicPrefix() + ".'", cause) {
                private static final long serialVersionUID = 1L;

                @Override
                public boolean isRetriable() {
                    return cause instanceof org.apache.kafka.common.errors.RetriableException
                            || cause instanceof java.util.concurrent.TimeoutException;
                }
            };
        }
    }

    private static NewTopic topic(String name, int partitions, Map<String, String> configs) {
        return new NewTopic(name, Optional.of(partitions), Optional.empty()).configs(configs);
    }

    private static void create(Admin admin, List<NewTopic> topics) throws InterruptedException, ExecutionException,
            java.util.concurrent.TimeoutException {
        if (topics.isEmpty()) {
            return;
        }
        try {
            admin.createTopics(topics).all().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw e;
            }
        }
    }
}
