package io.switchboard.token.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.switchboard.core.SwitchboardException;
import io.switchboard.core.Topics;
import io.switchboard.core.kafka.KafkaAccessDeniedException;

/** Creates the token topics when they are missing; existing topics are left as they are. */
public final class TopicSetup {

    private static final Logger LOG = LoggerFactory.getLogger(TopicSetup.class);

    /** Partitions of the compacted tokens and token-status topics. */
    static final int TOKEN_PARTITIONS = 3;
    /** Refresh requests are only useful for minutes. */
    static final String REQUEST_RETENTION_MS = String.valueOf(60L * 60 * 1000);

    private TopicSetup() {
    }

    /** Creates {@code tokens} (compact), {@code token-status} (compact), {@code token-requests} (delete, 1 h). */
    public static void ensureTopics(Map<String, Object> kafkaProperties, Topics topics, int requestPartitions) {
        try (Admin admin = Admin.create(kafkaProperties)) {
            Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            List<NewTopic> missing = new ArrayList<>();
            if (!existing.contains(topics.tokens())) {
                missing.add(new NewTopic(topics.tokens(), Optional.of(TOKEN_PARTITIONS), Optional.empty())
                        .configs(Map.of("cleanup.policy", "compact", "min.compaction.lag.ms", "0")));
            }
            if (!existing.contains(topics.tokenStatus())) {
                missing.add(new NewTopic(topics.tokenStatus(), Optional.of(TOKEN_PARTITIONS), Optional.empty())
                        .configs(Map.of("cleanup.policy", "compact")));
            }
            if (!existing.contains(topics.tokenRequests())) {
                missing.add(new NewTopic(topics.tokenRequests(), Optional.of(requestPartitions), Optional.empty())
                        .configs(Map.of("cleanup.policy", "delete", "retention.ms", REQUEST_RETENTION_MS)));
            }
            for (NewTopic t : missing) {
                try {
                    admin.createTopics(List.of(t)).all().get(30, TimeUnit.SECONDS);
                    LOG.info("created topic {} ({} partitions, {})", t.name(), t.numPartitions(), t.configs());
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        // listTopics hides what this principal may not Describe, so a topic can look missing when it is not
                        java.util.Optional<KafkaAccessDeniedException> denied = KafkaAccessDeniedException.explain(e.getCause(), "Create",
                                List.of(t.name()), kafkaProperties, "creating topic " + t.name()
                                        + " (it is missing, or this principal may not even Describe it)");
                        if (denied.isPresent()) {
                            throw denied.get();
                        }
                        throw e;
                    }
                }
            }
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
