package io.switchboard.poll.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

import io.switchboard.core.ConfigException;
import io.switchboard.core.ConfigProblem;
import io.switchboard.core.SwitchboardException;
import io.switchboard.core.TopicContract;
import io.switchboard.core.TopicSpec;
import io.switchboard.core.Topics;
import io.switchboard.core.kafka.TopicCreation;

/**
 * Creates the poller's topics when they are missing, as the {@link TopicContract} describes them, and checks the ones
 * that exist: {@code poll-jobs} and {@code poll-progress} (compacted, {@code poller.jobPartitions}, the same number of
 * partitions: a job's progress lives in the partition number of its job), {@code queue-stats} and
 * {@code poll-errors}.
 */
public final class PollTopics {

    private PollTopics() {
    }

    /**
     * Ensures the topics exist.
     *
     * @return the partition count of poll-jobs
     * @throws ConfigException when poll-jobs and poll-progress exist with different partition counts
     * @throws SwitchboardException when Kafka does not answer or refuses
     */
    public static int ensure(Map<String, Object> kafkaProperties, Topics topics, int jobPartitions) {
        try (Admin admin = Admin.create(kafkaProperties)) {
            Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            TopicContract contract = TopicContract.of(topics);
            List<NewTopic> missing = new ArrayList<>();
            if (!existing.contains(topics.pollJobs())) {
                missing.add(TopicCreation.newTopic(contract.get(topics.pollJobs()), jobPartitions));
            }
            if (!existing.contains(topics.pollProgress())) {
                int partitions = existing.contains(topics.pollJobs()) ? partitions(admin, topics.pollJobs()) : jobPartitions;
                missing.add(TopicCreation.newTopic(contract.get(topics.pollProgress()), partitions));
            }
            for (String output : List.of(topics.queueStats(), topics.pollErrors())) {
                if (!existing.contains(output)) {
                    TopicSpec spec = contract.get(output);
                    missing.add(TopicCreation.newTopic(spec, spec.partitions()));
                }
            }
            TopicCreation.createMissing(admin, missing, kafkaProperties);
            int jobs = partitions(admin, topics.pollJobs());
            int progress = partitions(admin, topics.pollProgress());
            if (jobs != progress) {
                throw new ConfigException("Kafka topics", List.of(new ConfigProblem(topics.pollProgress(), progress + " partitions",
                        "must have as many partitions as " + topics.pollJobs() + " (" + jobs + "): a job's progress is written to the"
                                + " partition number of its job; add partitions to the smaller one")));
            }
            return jobs;
        } catch (ExecutionException e) {
            throw new SwitchboardException("cannot create the poller topics under prefix " + topics.prefix() + ": "
                    + e.getCause().getMessage() + "; create them by hand or grant CreateTopics", e.getCause());
        } catch (TimeoutException e) {
            throw new SwitchboardException("Kafka did not answer within 30 s while checking the poller topics; check kafka.bootstrapServers", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SwitchboardException("interrupted while creating topics", e);
        }
    }

    private static int partitions(Admin admin, String topic) throws ExecutionException, InterruptedException, TimeoutException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            try {
                TopicDescription d = admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS).get(topic);
                return d.partitions().size();
            } catch (ExecutionException e) {
                // a topic created a moment ago may not be in every broker's metadata yet
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException) || System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(100);
            }
        }
    }
}
