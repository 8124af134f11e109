package io.switchboard.poll.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.apache.kafka.clients.consumer.ConsumerPartitionAssignor.Subscription;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/**
 * The assignor's rebalances played by hand, the way the group runs them with the cooperative protocol: a member that
 * loses a partition gives it up in one rebalance, the next one assigns it. Pollers join one by one, as in the demo.
 */
class CredentialBalancedAssignorTest {

    static final String TOPIC = "x.poll-jobs";
    /** The demo's polling credentials: partitions 5, 3, 2 and 8 of 12. */
    static final List<String> DEMO = List.of("genesys-eu", "cxone", "cognos", "datacosmos");

    @Test
    void theDemosFourCredentialsSplitTwoAndTwoWhenASecondPollerJoins() {
        Map<String, List<TopicPartition>> owned = joinOneByOne(assignor(DEMO), 12, "poller-1", "poller-2");
        Set<Integer> occupied = occupied(DEMO, 12);
        assertThat(occupied).containsExactlyInAnyOrder(2, 3, 5, 8);
        assertThat(owned.get("poller-1")).hasSize(6);
        assertThat(owned.get("poller-2")).hasSize(6);
        assertThat(credentialPartitions(owned.get("poller-1"), occupied)).hasSize(2);
        assertThat(credentialPartitions(owned.get("poller-2"), occupied)).hasSize(2);
        assertThat(all(owned)).as("every partition owned once").hasSize(12);
    }

    @Test
    void manyCredentialsOverThreePollersDifferByAtMostOnePartitionOfCredentials() {
        List<String> credentials = IntStream.rangeClosed(1, 7).mapToObj(i -> "tenant-" + i).toList();
        Set<Integer> occupied = occupied(credentials, 24);
        Map<String, List<TopicPartition>> owned = joinOneByOne(assignor(credentials), 24, "a", "b", "c");
        List<Integer> perMember = owned.values().stream().map(l -> credentialPartitions(l, occupied).size()).toList();
        assertThat(perMember.stream().mapToInt(Integer::intValue).sum()).isEqualTo(occupied.size());
        assertThat(perMember.stream().mapToInt(Integer::intValue).max().orElseThrow()
                - perMember.stream().mapToInt(Integer::intValue).min().orElseThrow()).as("occupied partitions per poller %s", perMember)
                .isLessThanOrEqualTo(1);
        assertThat(all(owned)).hasSize(24);
    }

    @Test
    void aLeavingPollersCredentialsGoToTheOthersAndTheRestStaysPut() {
        CredentialBalancedAssignor assignor = assignor(DEMO);
        Map<String, List<TopicPartition>> owned = joinOneByOne(assignor, 12, "poller-1", "poller-2", "poller-3");
        Map<String, List<TopicPartition>> before = new HashMap<>(owned);
        owned.remove("poller-3");
        owned = settle(assignor, 12, owned, 10);
        assertThat(all(owned)).hasSize(12);
        for (String m : List.of("poller-1", "poller-2")) {
            assertThat(owned.get(m)).as("%s keeps what it had (sticky)", m).containsAll(before.get(m));
            assertThat(credentialPartitions(owned.get(m), occupied(DEMO, 12))).hasSize(2);
        }
    }

    /** The demo's bug: the plain sticky assignor balances partitions, so credentials can all stay on the first poller. */
    @Test
    void thePlainStickyAssignorLeavesCredentialsInTheFirstPollersPartitionsWhereTheyAre() {
        List<String> lowPartitions = IntStream.rangeClosed(1, 200).mapToObj(i -> "genesys-" + i)
                .filter(c -> CredentialPartitioner.partitionOf(c, 12) < 6).limit(4).toList();
        CredentialBalancedAssignor plain = new CredentialBalancedAssignor();
        plain.configure(Map.of());
        Map<String, List<TopicPartition>> owned = joinOneByOne(plain, 12, "poller-1", "poller-2");
        assertThat(credentialPartitions(owned.get("poller-2"), occupied(lowPartitions, 12))).as("plain sticky: poller-2's credentials").isEmpty();
        owned = joinOneByOne(assignor(lowPartitions), 12, "poller-1", "poller-2");
        assertThat(credentialPartitions(owned.get("poller-2"), occupied(lowPartitions, 12))).as("balanced: poller-2's credentials")
                .hasSize(occupied(lowPartitions, 12).size() / 2);
    }

    @Test
    void withoutCredentialsItIsThePlainCooperativeStickyAssignor() {
        CredentialBalancedAssignor assignor = new CredentialBalancedAssignor();
        assignor.configure(Map.of());
        assertThat(assignor.name()).isEqualTo(new CooperativeStickyAssignor().name());
        Map<String, List<TopicPartition>> owned = joinOneByOne(assignor, 12, "a", "b");
        assertThat(owned.get("a")).hasSize(6);
        assertThat(owned.get("b")).hasSize(6);
    }

    private static CredentialBalancedAssignor assignor(List<String> credentials) {
        CredentialBalancedAssignor a = new CredentialBalancedAssignor();
        a.configure(Map.of(CredentialBalancedAssignor.CREDENTIALS_CONFIG, String.join(",", credentials)));
        assertThat(a.credentials()).isEqualTo(credentials);
        return a;
    }

    /** Members join one at a time; after each join the group rebalances until nothing moves. */
    private static Map<String, List<TopicPartition>> joinOneByOne(CredentialBalancedAssignor assignor, int partitions, String... members) {
        Map<String, List<TopicPartition>> owned = new LinkedHashMap<>();
        for (String m : members) {
            owned.put(m, List.of());
            owned = settle(assignor, partitions, owned, 10);
        }
        return owned;
    }

    /** Cooperative rebalances until the assignment is stable; never a partition given to two members at once. */
    private static Map<String, List<TopicPartition>> settle(CredentialBalancedAssignor assignor, int partitions,
                                                             Map<String, List<TopicPartition>> owned, int maxRounds) {
        int generation = 1;
        Map<String, List<PartitionInfo>> topic = Map.of(TOPIC, IntStream.range(0, partitions)
                .mapToObj(p -> new PartitionInfo(TOPIC, p, null, null, null)).toList());
        for (int round = 0; round < maxRounds; round++) {
            Map<String, Subscription> subs = new LinkedHashMap<>();
            int gen = generation;
            Map<String, List<TopicPartition>> current = owned;
            current.forEach((m, tps) -> subs.put(m, new Subscription(List.of(TOPIC), null, tps, gen, Optional.empty())));
            Map<String, List<TopicPartition>> next = assignor.assignPartitions(topic, subs);
            // cooperative: a member never gets a partition another member still owns
            next.forEach((m, tps) -> tps.forEach(tp -> current.forEach((other, theirs) -> {
                if (!other.equals(m)) {
                    assertThat(theirs).as("%s assigned to %s while %s still owns it", tp, m, other).doesNotContain(tp);
                }
            })));
            Map<String, List<TopicPartition>> sorted = new LinkedHashMap<>();
            next.forEach((m, tps) -> sorted.put(m, tps.stream().sorted((x, y) -> Integer.compare(x.partition(), y.partition())).toList()));
            boolean stable = current.keySet().stream().allMatch(m -> new HashSet<>(current.get(m)).equals(new HashSet<>(sorted.get(m))))
                    && all(sorted).size() == partitions;
            owned = sorted;
            generation++;
            if (stable) {
                return owned;
            }
        }
        throw new AssertionError("no stable assignment after " + maxRounds + " rebalances: " + owned);
    }

    private static Set<Integer> occupied(List<String> credentials, int partitions) {
        return credentials.stream().map(c -> CredentialPartitioner.partitionOf(c, partitions)).collect(Collectors.toSet());
    }

    private static List<Integer> credentialPartitions(List<TopicPartition> tps, Set<Integer> occupied) {
        return tps.stream().map(TopicPartition::partition).filter(occupied::contains).toList();
    }

    private static List<TopicPartition> all(Map<String, List<TopicPartition>> owned) {
        List<TopicPartition> out = new ArrayList<>();
        owned.values().forEach(out::addAll);
        assertThat(new HashSet<>(out)).as("no partition owned twice").hasSize(out.size());
        return out;
    }
}
