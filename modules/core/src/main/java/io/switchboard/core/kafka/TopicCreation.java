package io.switchboard.core.kafka;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.switchboard.core.TopicContract;
import io.switchboard.core.TopicSpec;

/**
 * Creates the topics a role finds missing at start, as the {@link TopicContract} describes them. Every role that
 * creates its own topics (token manager, poller, aggregator) goes through here, so they all tolerate a topic another
 * instance created in the meantime and all explain a refused creation the same way: which ACL the principal lacks.
 */
public final class TopicCreation {

    private static final Logger LOG = LoggerFactory.getLogger(TopicCreation.class);
    private static final long TIMEOUT_SECONDS = 30;

    private TopicCreation() {
    }

    /** A topic as its spec describes it, with the given partition count. */
    public static NewTopic newTopic(TopicSpec spec, int partitions) {
        return new NewTopic(spec.name(), Optional.of(partitions), Optional.empty()).configs(spec.configs());
    }

    /**
     * Creates the topics in one request and waits for each.
     *
     * @param admin            the role's admin client
     * @param missing          topics to create; one that exists by now counts as created
     * @param clientProperties the role's Kafka client properties (only to name its principal in an ACL error)
     * @throws KafkaAccessDeniedException when the principal may not create (or even describe) a topic
     * @throws ExecutionException         when Kafka refuses a topic for another reason
     * @throws TimeoutException           when Kafka does not answer within 30 s
     */
    public static void createMissing(Admin admin, List<NewTopic> missing, Map<String, ?> clientProperties)
            throws ExecutionException, InterruptedException, TimeoutException {
        if (missing.isEmpty()) {
            return;
        }
        Map<String, KafkaFuture<Void>> results = admin.createTopics(missing).values();
        for (NewTopic t : missing) {
            try {
                results.get(t.name()).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
                LOG.info("created topic {} ({} partitions, {})", t.name(), t.numPartitions(), t.configs());
            } catch (ExecutionException e) {
                if (e.getCause() instanceof TopicExistsException) {
                    continue;
                }
                // listTopics hides what this principal may not Describe, so a topic can look missing when it is not
                Optional<KafkaAccessDeniedException> denied = KafkaAccessDeniedException.explain(e.getCause(), "Create",
                        List.of(t.name()), clientProperties, "creating topic " + t.name()
                                + " (it is missing, or this principal may not even Describe it)");
                if (denied.isPresent()) {
                    throw denied.get();
                }
                throw e;
            }
        }
    }
}
