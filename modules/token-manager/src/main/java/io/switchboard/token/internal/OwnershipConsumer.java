package io.switchboard.token.internal;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.utils.Utils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.switchboard.core.Topics;
import io.switchboard.core.kafka.KafkaAccessDeniedException;
import io.switchboard.core.supervise.Backoff;
import io.switchboard.core.supervise.Failures;
import io.switchboard.core.supervise.Supervisor;
import io.switchboard.events.token.TokenRefreshRequest;
import io.switchboard.events.token.TokenStatus;
import io.switchboard.registry.SchemaRegistryConfig;
import io.switchboard.token.TokenState;
import io.switchboard.token.TokenTable;
import io.switchboard.token.TokenView;

/**
 * Ownership of credentials through the consumer group {@code <prefix>.token-manager} on
 * {@code <prefix>.token-requests}: the instance assigned the partition that the default partitioner
 * picks for a credential id (murmur2 of the UTF-8 key) owns that credential, and reads its refresh
 * requests. Uses the cooperative sticky assignor, so a joining or leaving instance moves only the
 * partitions it must.
 *
 * <p>On assignment the local token table is first brought up to date and the latest status event of
 * each gained credential is read from {@code <prefix>.token-status}, so the scheduler adopts what the
 * previous owner published and keeps what it parked parked; published tokens of credentials no longer
 * configured are tombstoned (and reported {@code REMOVED} on the status topic). On revocation the scheduler finishes a login under way and the producer is flushed
 * before the partition moves. One thread, run by the role's {@link Supervisor} (component {@value #COMPONENT}): a
 * broker or registry outage is retried with backoff and never skips a request; {@link #close()} leaves the group.
 */
public final class OwnershipConsumer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(OwnershipConsumer.class);
    private static final Duration HANDOVER_TIMEOUT = Duration.ofSeconds(20);
    private static final Duration BROKER_TIMEOUT = Duration.ofSeconds(5);
    private static final Backoff BACKOFF = new Backoff(Duration.ofMillis(200), Duration.ofSeconds(10));

    /** Name of the supervised component of the consumer loop. */
    public static final String COMPONENT = "ownership";

    private final String topic;
    private final KafkaConsumer<String, byte[]> consumer;
    private final Map<String, Object> consumerProperties;
    private final Deserializer<TokenRefreshRequest> deserializer;
    private final TokenRefreshScheduler scheduler;
    private final TokenTable table;
    private final KafkaPublications publications;
    private final StatusTopicReader statuses;
    private final String instanceId;
    private final Supervisor supervisor;
    private final Set<Integer> ownedPartitions = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private volatile Thread thread;
    private volatile boolean assignedOnce;
    private volatile boolean running = true;
    private boolean subscribed;
    private int partitionCount;

    /**
     * @param supervisor runs the consumer loop as component {@value #COMPONENT}: retriable failures (broker or
     *                   registry outage) are retried with backoff, a fatal one fails the role
     */
    public OwnershipConsumer(Map<String, Object> kafkaProperties, Topics topics, SchemaRegistryConfig registry, String instanceId,
                             TokenRefreshScheduler scheduler, TokenTable table, KafkaPublications publications, Supervisor supervisor) {
        this.topic = topics.tokenRequests();
        this.scheduler = scheduler;
        this.table = table;
        this.publications = publications;
        this.instanceId = instanceId;
        this.supervisor = supervisor;
        this.statuses = new StatusTopicReader(kafkaProperties, topics, registry, instanceId);
        this.deserializer = TokenSerdes.value(TokenRefreshRequest.class, registry).deserializer();
        Map<String, Object> props = new HashMap<>(kafkaProperties);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, groupId(topics));
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, instanceId + "-ownership");
        props.remove(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG); // dynamic membership: leaving hands over at once
        props.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, CooperativeStickyAssignor.class.getName());
        props.putIfAbsent(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
        // A crashed owner's credentials move after the session timeout; the client default (45 s) is
        // long for a fleet whose only job is to keep tokens fresh, so take over after 10 s unless
        // kafka.properties says otherwise (the broker's group.min.session.timeout.ms is 6 s by default).
        props.putIfAbsent(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 10_000);
        props.putIfAbsent(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 3_000);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, true);
        this.consumerProperties = Map.copyOf(props);
        this.consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
        // a rebalance callback may wait up to twice the handover timeout; longer without progress is BEHIND
        supervisor.component(COMPONENT, HANDOVER_TIMEOUT.multipliedBy(3));
    }

    /** The consumer group of the token managers under this prefix. */
    public static String groupId(Topics topics) {
        return topics.prefix() + ".token-manager";
    }

    /** The partition of {@code credentialId} among {@code partitions}: the default partitioner's choice for that key. */
    public static int partitionOf(String credentialId, int partitions) {
        return Utils.toPositive(Utils.murmur2(credentialId.getBytes(StandardCharsets.UTF_8))) % partitions;
    }

    /** Starts the consumer loop under the supervisor. */
    public void start() {
        thread = supervisor.loop(COMPONENT, BACKOFF, this::explainedStep);
    }

    /** Whether the group assigned this instance its partitions at least once (possibly none). */
    public boolean isAssigned() {
        return assignedOnce;
    }

    /** Partitions of token-requests this instance holds. */
    public Set<Integer> ownedPartitions() {
        return Set.copyOf(ownedPartitions);
    }

    /**
     * One round of the loop: subscribe (once), poll, hand each request to the scheduler. A request that cannot be
     * read because the registry is unreachable is read again after the backoff (the partition is rewound to it);
     * one that is not a TokenRefreshRequest is skipped with a WARN.
     */
    /** {@link #step()}, with a missing ACL or a failed login told as the ACL to grant (the loop then stops the role). */
    private void explainedStep() {
        try {
            step();
        } catch (AuthorizationException | AuthenticationException e) {
            throw KafkaAccessDeniedException.explain(e, "Read", consumerProperties, "taking ownership of credentials through the consumer group on token-requests").orElseThrow();
        }
    }

    private void step() {
        try {
            if (!subscribed) {
                List<PartitionInfo> infos = consumer.partitionsFor(topic, BROKER_TIMEOUT);
                if (infos == null || infos.isEmpty()) {
                    throw new io.switchboard.core.SwitchboardException("topic " + topic + " has no partitions yet") {
                        private static final long serialVersionUID = 1L;

                        @Override
                        public boolean isRetriable() {
                            return true;
                        }
                    };
                }
                partitionCount = infos.size();
                consumer.subscribe(List.of(topic), new Listener());
                subscribed = true;
            }
            ConsumerRecords<String, byte[]> records = consumer.poll(Duration.ofMillis(500));
            List<TopicPartition> batch = new ArrayList<>(records.partitions());
            for (int i = 0; i < batch.size(); i++) {
                TopicPartition tp = batch.get(i);
                for (ConsumerRecord<String, byte[]> record : records.records(tp)) {
                    if (record.value() == null) {
                        continue;
                    }
                    TokenRefreshRequest request;
                    try {
                        request = deserializer.deserialize(topic, record.value());
                    } catch (RuntimeException e) {
                        if (Failures.isRetriable(e)) { // the registry is unreachable: read it again, never skip it
                            consumer.seek(tp, record.offset());
                            for (TopicPartition later : batch.subList(i + 1, batch.size())) {
                                consumer.seek(later, records.records(later).get(0).offset());
                            }
                            throw e;
                        }
                        LOG.warn("skipping a record on {} partition {} offset {} that is not a TokenRefreshRequest: {}",
                                topic, record.partition(), record.offset(), e.getMessage());
                        continue;
                    }
                    scheduler.onRequest(request);
                }
            }
        } catch (WakeupException e) {
            if (running) {
                throw e;
            }
            Thread.currentThread().interrupt(); // closing: ends the supervised loop quietly
        }
    }

    /** Leaves the group (handing every credential over) and stops the loop. */
    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        Thread t = thread;
        if (t != null) {
            try {
                t.join(2_000);
                if (t.isAlive()) { // waiting out a backoff
                    t.interrupt();
                    t.join(28_000);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        try {
            consumer.close(Duration.ofSeconds(20)); // leaves the group: revocation runs, a survivor takes over at once
        } catch (RuntimeException e) {
            LOG.warn("closing the ownership consumer: {}", e.toString());
        }
        statuses.close();
    }

    private Set<String> credentialsIn(Collection<TopicPartition> partitions, Collection<String> ids, int count) {
        Set<Integer> numbers = partitions.stream().map(TopicPartition::partition).collect(Collectors.toSet());
        return ids.stream().filter(id -> numbers.contains(partitionOf(id, count))).collect(Collectors.toSet());
    }

    private int partitionCount() {
        return partitionCount;
    }

    private final class Listener implements ConsumerRebalanceListener {

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            assignedOnce = true;
            if (partitions.isEmpty()) {
                return;
            }
            partitions.forEach(p -> ownedPartitions.add(p.partition()));
            int count = partitionCount();
            try {
                // Read what the previous owner published before deciding to log in.
                table.catchUp().get(HANDOVER_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (Exception e) {
                LOG.warn("token table did not catch up within {} ({}); deciding with what it has", HANDOVER_TIMEOUT, e.toString());
            }
            Set<String> mine = credentialsIn(partitions, scheduler.configuredIds(), count);
            LOG.info("assigned partitions {} of {}: owning {} credential(s) {}", partitions.stream().map(TopicPartition::partition)
                    .sorted().toList(), topic, mine.size(), mine);
            scheduler.own(mine, statuses.latest(mine, HANDOVER_TIMEOUT));
            Set<String> removed = new HashSet<>(credentialsIn(partitions, table.credentialIds(), count));
            removed.removeAll(scheduler.configuredIds());
            for (String id : removed) {
                LOG.info("credential {} has a published token but is no longer configured: publishing a tombstone", id);
                publications.tombstone(id);
                publications.status(TokenStatus.newBuilder()
                        .setCredentialId(id)
                        .setProvider(table.current(id).map(TokenView::provider).orElse("unknown"))
                        .setState(TokenState.REMOVED.name())
                        .setInstanceId(instanceId)
                        .setUpdatedAt(java.time.Instant.now())
                        .build());
            }
        }

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            handOver(partitions, true);
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            handOver(partitions, false);
        }

        private void handOver(Collection<TopicPartition> partitions, boolean graceful) {
            if (partitions.isEmpty()) {
                return;
            }
            partitions.forEach(p -> ownedPartitions.remove(p.partition()));
            Set<String> leaving = credentialsIn(partitions, scheduler.configuredIds(), partitionCount());
            try {
                scheduler.disown(leaving, graceful).get(HANDOVER_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                if (graceful) {
                    publications.flush();
                }
            } catch (Exception e) {
                LOG.warn("handing over {} did not finish within {}: {}", leaving, HANDOVER_TIMEOUT, e.toString());
            }
            LOG.info("{} partitions {} of {}: {} credential(s) handed over", graceful ? "revoked" : "lost",
                    partitions.stream().map(TopicPartition::partition).sorted().toList(), topic, leaving.size());
        }
    }
}
