package io.switchboard.aggregate.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;

import io.switchboard.aggregate.AggregatorConfig;
import io.switchboard.aggregate.WindowSize;
import io.switchboard.core.SwitchboardException;
import io.switchboard.core.TopicContract;
import io.switchboard.core.TopicSpec;
import io.switchboard.core.Topics;
import io.switchboard.core.kafka.TopicCreation;

/**
 * Creates the topics the aggregator reads and writes when they are missing, as the
 * {@link TopicContract} describes them (cleanup policy, retention, partitions; {@code kafka.outputPartitions}
 * overrides the partitions): queue-stats (the pollers' topic; created so the aggregator can start
 * first), the compacted snapshot and tenant topics, the windowed topics, alerts and the dead-letter
 * topic. Existing topics are left as they are.
 */
public final class TopicSetup {

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
                TopicSpec spec = TopicContract.of(topics).get(topics.queueStats());
                inputPartitions = config.outputPartitions() > 0 ? config.outputPartitions() : spec.partitions();
                TopicCreation.createMissing(admin, List.of(TopicCreation.newTopic(spec, inputPartitions)), props);
            } else {
                TopicDescription d = admin.describeTopics(List.of(topics.queueStats())).allTopicNames().get(30, TimeUnit.SECONDS)
                        .get(topics.queueStats());
                inputPartitions = d.partitions().size();
            }
            List<NewTopic> wanted = new ArrayList<>();
            TopicContract contract = TopicContract.of(topics);
            List<String> outputs = new ArrayList<>(List.of(topics.queueSnapshots(), topics.tenantSummary(), topics.alerts(),
                    topics.deadLetters()));
            for (WindowSize size : WindowSize.values()) {
                outputs.add(topics.queueWindowStats(size.label()));
            }
            for (String name : outputs) {
                TopicSpec spec = contract.get(name);
                int partitions = config.outputPartitions() > 0 ? config.outputPartitions() : spec.partitions();
                wanted.add(TopicCreation.newTopic(spec, partitions));
            }
            wanted.removeIf(t -> existing.contains(t.name()));
            TopicCreation.createMissing(admin, wanted, props);
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
}
