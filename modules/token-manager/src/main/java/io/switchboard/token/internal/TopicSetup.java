package io.switchboard.token.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;

import io.switchboard.core.SwitchboardException;
import io.switchboard.core.TopicContract;
import io.switchboard.core.Topics;
import io.switchboard.core.kafka.TopicCreation;

/** Creates the token topics when they are missing, as the {@link TopicContract} describes them; existing topics are left as they are. */
public final class TopicSetup {

    private TopicSetup() {
    }

    /** Creates {@code tokens} (compact), {@code token-status} (compact), {@code token-requests} (delete, 1 h). */
    public static void ensureTopics(Map<String, Object> kafkaProperties, Topics topics, int requestPartitions) {
        try (Admin admin = Admin.create(kafkaProperties)) {
            Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            TopicContract contract = TopicContract.of(topics);
            List<NewTopic> missing = new ArrayList<>();
            if (!existing.contains(topics.tokens())) {
                missing.add(TopicCreation.newTopic(contract.get(topics.tokens()), TopicContract.TOKEN_PARTITIONS));
            }
            if (!existing.contains(topics.tokenStatus())) {
                missing.add(TopicCreation.newTopic(contract.get(topics.tokenStatus()), TopicContract.TOKEN_PARTITIONS));
            }
            if (!existing.contains(topics.tokenRequests())) {
                missing.add(TopicCreation.newTopic(contract.get(topics.tokenRequests()), requestPartitions));
            }
            TopicCreation.createMissing(admin, missing, kafkaProperties);
        } catch (ExecutionException e) {
            throw new SwitchboardException("cannot create the token topics under prefix " + topics.prefix() + ": "
                    + e.getCause().getMessage() + "; create them by hand or grant CreateTopics", e.getCause());
        } catch (TimeoutException e) {
            throw new SwitchboardException("Kafka did not answer within 30 s while checking the token topics; check kafka.bootstrapServers", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SwitchboardException("interrupted while creating topics", e);
        }
    }
}
