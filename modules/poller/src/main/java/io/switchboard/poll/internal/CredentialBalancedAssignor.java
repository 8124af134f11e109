package io.switchboard.poll.internal;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.common.Configurable;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;

/**
 * The pollers' partition assignor: Kafka's cooperative sticky assignor, balancing the partitions that hold
 * credentials separately from the empty ones.
 *
 * <p>Why: a credential's jobs live in one partition of {@code poll-jobs}, and a fleet usually has far fewer credentials
 * than partitions (the demo: 4 credentials in 12 partitions). The plain sticky assignor balances partition counts, so
 * two pollers get six partitions each, and nothing stops all four credentials' partitions from being among one
 * poller's six while the other poller owns only empty partitions and sits idle. This assignor knows which partitions
 * hold credentials (every poller computes the same {@link CredentialPartitioner#partitionOf} for the credentials of its
 * configuration, given as {@link #CREDENTIALS_CONFIG}) and runs the sticky assignment twice: once over the occupied
 * partitions, once over the empty ones (each subset renumbered 0..n-1 for it, as the sticky assignor numbers a topic's
 * partitions). So occupied partitions spread as evenly as partitions can (two pollers, four
 * credentials in four partitions: two each), stickiness and the cooperative protocol (a partition is revoked in one
 * rebalance and assigned in the next) are kept, and the empty partitions still spread so that credentials added later
 * land on any poller.
 *
 * <p>Credentials that hash to the same partition still move together (they are one unit of assignment); the
 * configuration of the group leader decides what counts as occupied (all pollers should share one configuration; a
 * member with another only changes the balance, never exclusive ownership). Its protocol name is the cooperative
 * sticky assignor's own ({@code cooperative-sticky}), so pollers with and without it form one group during an upgrade.
 * Not thread-safe beyond what the consumer needs (the leader calls it on its consumer thread).
 */
public final class CredentialBalancedAssignor extends CooperativeStickyAssignor implements Configurable {

    /** Consumer property: the credential ids of the configuration, comma separated. Absent or empty: plain sticky. */
    public static final String CREDENTIALS_CONFIG = "switchboard.poller.credentials";

    private List<String> credentials = List.of();

    @Override
    public void configure(Map<String, ?> configs) {
        Object value = configs.get(CREDENTIALS_CONFIG);
        if (value instanceof String s && !s.isBlank()) {
            credentials = Arrays.stream(s.split(",")).map(String::trim).filter(x -> !x.isEmpty()).toList();
        } else if (value instanceof List<?> list) {
            credentials = list.stream().map(String::valueOf).toList();
        }
    }

    /** The credential ids this assignor balances by (for tests and logs). */
    public List<String> credentials() {
        return credentials;
    }

    @Override
    public Map<String, List<TopicPartition>> assignPartitions(Map<String, List<PartitionInfo>> partitionsPerTopic,
                                                              Map<String, Subscription> subscriptions) {
        if (credentials.isEmpty() || partitionsPerTopic.size() != 1) {
            return super.assignPartitions(partitionsPerTopic, subscriptions);
        }
        Map.Entry<String, List<PartitionInfo>> only = partitionsPerTopic.entrySet().iterator().next();
        String topic = only.getKey();
        int count = only.getValue().size();
        Set<Integer> used = new HashSet<>();
        credentials.forEach(c -> used.add(CredentialPartitioner.partitionOf(c, count)));
        List<Integer> occupied = new ArrayList<>();
        List<Integer> empty = new ArrayList<>();
        only.getValue().stream().map(PartitionInfo::partition).sorted().forEach(p -> (used.contains(p) ? occupied : empty).add(p));
        if (occupied.isEmpty() || empty.isEmpty()) {
            return super.assignPartitions(partitionsPerTopic, subscriptions);
        }
        Map<String, List<TopicPartition>> first = assignAmong(topic, occupied, subscriptions);
        Map<String, List<TopicPartition>> second = assignAmong(topic, empty, subscriptions);
        Map<String, List<TopicPartition>> merged = new HashMap<>();
        for (String member : subscriptions.keySet()) {
            List<TopicPartition> all = new ArrayList<>(first.getOrDefault(member, List.of()));
            all.addAll(second.getOrDefault(member, List.of()));
            merged.put(member, all);
        }
        return merged;
    }

    /**
     * The sticky cooperative assignment of {@code partitions} (real numbers) of {@code topic} alone. The sticky
     * assignor numbers a topic's partitions 0..n-1, so the subset is renumbered for it and mapped back.
     */
    private Map<String, List<TopicPartition>> assignAmong(String topic, List<Integer> partitions, Map<String, Subscription> subscriptions) {
        Map<Integer, Integer> virtualOf = new HashMap<>();
        List<PartitionInfo> virtual = new ArrayList<>();
        for (int i = 0; i < partitions.size(); i++) {
            virtualOf.put(partitions.get(i), i);
            virtual.add(new PartitionInfo(topic, i, null, new Node[0], new Node[0]));
        }
        Map<String, Subscription> renumbered = new HashMap<>();
        subscriptions.forEach((member, s) -> {
            List<TopicPartition> owned = s.ownedPartitions().stream()
                    .filter(tp -> tp.topic().equals(topic) && virtualOf.containsKey(tp.partition()))
                    .map(tp -> new TopicPartition(topic, virtualOf.get(tp.partition()))).toList();
            ByteBuffer userData = s.userData() == null ? null : s.userData().duplicate();
            Subscription copy = new Subscription(s.topics(), userData, owned, s.generationId().orElse(DEFAULT_GENERATION), s.rackId());
            copy.setGroupInstanceId(s.groupInstanceId());
            renumbered.put(member, copy);
        });
        Map<String, List<TopicPartition>> out = new HashMap<>();
        super.assignPartitions(Map.of(topic, virtual), renumbered).forEach((member, tps) -> out.put(member,
                tps.stream().map(tp -> new TopicPartition(topic, partitions.get(tp.partition()))).toList()));
        return out;
    }
}
