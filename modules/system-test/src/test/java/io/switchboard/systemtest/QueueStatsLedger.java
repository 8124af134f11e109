package io.switchboard.systemtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;

import io.switchboard.events.poll.QueueStat;

/**
 * What {@code switchboard.queue-stats} holds, read {@code read_committed} from the beginning up to the last stable
 * offset, reconciled against what the simulator served: every live answer of the simulator gives each queue in it the
 * queue's next {@code simSequence} (shared by every vendor), which the pollers keep in {@code extraMetrics}. An answer
 * that did not reach its poller intact (a body garbled or cut by a fault, or written after the poller's timeout had
 * closed the connection) is listed by the simulator as {@code undelivered}; answers refused before the queue was
 * looked at (429, 5xx, a TCP reset) take no sequence at all. So for every queue, the sequences committed across all
 * credentials must be exactly 1..n without the undelivered ones, n being the simulator's counter ({@code /_admin/state}
 * {@code queueSequences}), each once per (credential, queue, media type). Interval records (Genesys aggregates) carry
 * no {@code simSequence}: the observation views leave them out, {@link #intervalRecords()} has them.
 */
final class QueueStatsLedger {

    /** An observation's identity: which answer of the simulator (queue counter) for which credential and media type. */
    record Observation(String credentialId, String queueId, String mediaType, long simSequence) {
    }

    /**
     * A simulator queue: its id (Genesys, Cognos, Auth0), skill id (CXone), how many answers included it, and the
     * sequences of those answers that never reached a client intact.
     */
    record ServedQueue(String id, String name, String skillId, long served, Set<Long> undelivered) {

        /**
         * This counter with the undelivered sequences the simulator listed {@code later} (up to this counter): a queue
         * takes its sequence just before the answer is found undelivered, so a counter read in between would list it
         * as delivered.
         */
        ServedQueue undeliveredAsOf(List<ServedQueue> later) {
            Set<Long> known = later.stream().filter(q -> q.id().equals(id)).findFirst().map(ServedQueue::undelivered)
                    .orElse(undelivered).stream().filter(seq -> seq <= served).collect(Collectors.toUnmodifiableSet());
            return new ServedQueue(id, name, skillId, served, known);
        }
    }

    private final List<QueueStat> records;

    private QueueStatsLedger(List<QueueStat> records) {
        this.records = records;
    }

    /** Reads every committed record of {@code switchboard.queue-stats}. */
    static QueueStatsLedger read(String bootstrapServers, String registryUrl) {
        return new QueueStatsLedger(CommittedRecords.read(bootstrapServers, registryUrl, "switchboard.queue-stats", QueueStat.class));
    }

    /**
     * Reads the simulator's counters, then waits until queue-stats (read_committed) holds every observation delivered up
     * to them exactly once, and none it never delivered: answers served after the counters were read may still be in
     * flight, those before must be there. Returns the ledger that passed.
     */
    static QueueStatsLedger awaitReconciled(SwitchboardFleet fleet, String when) {
        List<ServedQueue> counters = served(fleet.simulatorUrl());
        AtomicReference<QueueStatsLedger> ledger = new AtomicReference<>();
        AtomicReference<List<ServedQueue>> reconciled = new AtomicReference<>(counters);
        await("every observation served " + when + " exactly once in queue-stats").atMost(SwitchboardFleet.WAIT)
                .pollInterval(Duration.ofSeconds(2))
                .untilAsserted(() -> {
                    QueueStatsLedger l = read(fleet.kafka().bootstrapServers(), fleet.registryUrl());
                    ledger.set(l);
                    List<ServedQueue> later = served(fleet.simulatorUrl());
                    List<ServedQueue> served = counters.stream().map(q -> q.undeliveredAsOf(later)).toList();
                    reconciled.set(served);
                    assertThat(l.withoutSequence()).as("records without simSequence").isEmpty();
                    assertThat(l.duplicates()).as("observations committed more than once " + when).isEmpty();
                    assertThat(l.committedUndelivered(served)).as("observations committed that the simulator never delivered "
                            + when).isEmpty();
                    assertThat(l.missing(served)).as("observations delivered but not in queue-stats " + when).isEmpty();
                });
        List<ServedQueue> served = reconciled.get();
        System.out.printf("reconciled %s: %d records, served %s, undelivered %s%n", when, ledger.get().size(),
                served.stream().map(q -> q.name() + "=" + q.served()).toList(),
                served.stream().filter(q -> !q.undelivered().isEmpty()).map(q -> q.name() + "=" + new TreeSet<>(q.undelivered())).toList());
        return ledger.get();
    }

    /** The simulator's queues and their counters now. */
    static List<ServedQueue> served(String simulatorUrl) {
        List<ServedQueue> queues = new ArrayList<>();
        for (JsonNode q : Http.json(simulatorUrl + "/_admin/state").path("queueSequences")) {
            Set<Long> undelivered = new TreeSet<>();
            q.path("undelivered").forEach(n -> undelivered.add(n.asLong()));
            if (q.path("undeliveredCount").asLong() != undelivered.size()) {
                throw new AssertionError("the simulator lists " + undelivered.size() + " of the " + q.path("undeliveredCount")
                        + " undelivered sequences of queue " + q.path("name").asText() + ": too many to reconcile");
            }
            queues.add(new ServedQueue(q.path("id").asText(), q.path("name").asText(), q.path("skillId").asText(),
                    q.path("sequence").asLong(), Set.copyOf(undelivered)));
        }
        if (queues.isEmpty()) {
            throw new AssertionError("the simulator's /_admin/state lists no queueSequences");
        }
        return queues;
    }

    int size() {
        return records.size();
    }

    /** The point-in-time records (observations), without the interval records. */
    private List<QueueStat> observations() {
        return records.stream().filter(r -> r.getIntervalStart() == null).toList();
    }

    /** The interval records (e.g. Genesys conversation aggregates), in topic order per partition. */
    List<QueueStat> intervalRecords() {
        return records.stream().filter(r -> r.getIntervalStart() != null).toList();
    }

    private static Observation observation(QueueStat s) {
        Double seq = s.getExtraMetrics().get("simSequence");
        return new Observation(s.getCredentialId(), s.getQueueId(), s.getMediaType(), seq == null ? -1 : seq.longValue());
    }

    /** Observations committed more than once, with their counts (empty when every one is there exactly once). */
    Map<Observation, Integer> duplicates() {
        Map<Observation, Integer> counts = new HashMap<>();
        observations().forEach(r -> counts.merge(observation(r), 1, Integer::sum));
        return counts.entrySet().stream().filter(e -> e.getValue() > 1)
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue, (a, b) -> a, java.util.LinkedHashMap::new));
    }

    /** Records whose vendor answer carried no {@code simSequence} (the reconciliation cannot place them). */
    List<QueueStat> withoutSequence() {
        return observations().stream().filter(r -> observation(r).simSequence() < 0).toList();
    }

    /**
     * For each simulator queue, the sequences in 1..{@code upTo} (its counter when the caller read it), less those the
     * simulator never delivered, that no committed record carries: answers that reached a poller intact whose
     * observations are not (yet) in queue-stats.
     */
    Map<String, Set<Long>> missing(List<ServedQueue> upTo) {
        Map<String, Set<Long>> seen = committedSequences(upTo);
        Map<String, Set<Long>> missing = new TreeMap<>();
        for (ServedQueue q : upTo) {
            Set<Long> gaps = new TreeSet<>();
            Set<Long> s = seen.getOrDefault(q.id(), Set.of());
            for (long i = 1; i <= q.served(); i++) {
                if (!s.contains(i) && !q.undelivered().contains(i)) {
                    gaps.add(i);
                }
            }
            if (!gaps.isEmpty()) {
                missing.put(key(q), gaps);
            }
        }
        return missing;
    }

    /** Per simulator queue (keyed like {@link #missing}), committed sequences the simulator says it never delivered. */
    Map<String, Set<Long>> committedUndelivered(List<ServedQueue> upTo) {
        Map<String, Set<Long>> seen = committedSequences(upTo);
        Map<String, Set<Long>> out = new TreeMap<>();
        for (ServedQueue q : upTo) {
            Set<Long> both = new TreeSet<>(seen.getOrDefault(q.id(), Set.of()));
            both.retainAll(q.undelivered());
            if (!both.isEmpty()) {
                out.put(key(q), both);
            }
        }
        return out;
    }

    /** The sequences committed per simulator queue id (a CXone record names the queue by its skill id). */
    private Map<String, Set<Long>> committedSequences(List<ServedQueue> queues) {
        Map<String, Set<Long>> seen = new HashMap<>();
        for (QueueStat r : observations()) {
            long seq = observation(r).simSequence();
            for (ServedQueue q : queues) {
                if (q.id().equals(r.getQueueId()) || q.skillId().equals(r.getQueueId())) {
                    seen.computeIfAbsent(q.id(), k -> new java.util.HashSet<>()).add(seq);
                }
            }
        }
        return seen;
    }

    /** The highest sequence committed per simulator queue, keyed like {@link #missing}. */
    Map<String, Long> newestSequence(List<ServedQueue> queues) {
        Map<String, Long> newest = new TreeMap<>();
        for (QueueStat r : observations()) {
            long seq = observation(r).simSequence();
            for (ServedQueue q : queues) {
                if (q.id().equals(r.getQueueId()) || q.skillId().equals(r.getQueueId())) {
                    newest.merge(key(q), seq, Math::max);
                }
            }
        }
        return newest;
    }

    static String key(ServedQueue q) {
        return q.name() + " (" + q.id() + ")";
    }

    /** An interval record's identity: credential, queue, media type and interval start. */
    record IntervalKey(String credentialId, String queueId, String mediaType, java.time.Instant start) {
    }

    private static IntervalKey intervalKey(QueueStat s) {
        return new IntervalKey(s.getCredentialId(), s.getQueueId(), s.getMediaType(), s.getIntervalStart());
    }

    /** Interval keys some poll of a job wrote more than once ({@code jobId#pollSequence key}); empty when none. */
    Set<String> intervalsWrittenTwiceInOnePoll() {
        Set<String> seen = new java.util.HashSet<>();
        Set<String> twice = new TreeSet<>();
        for (QueueStat s : intervalRecords()) {
            String id = s.getJobId() + "#" + s.getPollSequence() + " " + intervalKey(s);
            if (!seen.add(id)) {
                twice.add(id);
            }
        }
        return twice;
    }

    /**
     * Per interval, the record downstream keeps: the latest revision (the highest {@code polledAt}, then
     * {@code pollSequence}), as the aggregator does.
     */
    Map<IntervalKey, QueueStat> latestIntervals() {
        Map<IntervalKey, QueueStat> latest = new java.util.LinkedHashMap<>();
        java.util.Comparator<QueueStat> revision = java.util.Comparator.comparing(QueueStat::getPolledAt)
                .thenComparingLong(QueueStat::getPollSequence);
        for (QueueStat s : intervalRecords()) {
            latest.merge(intervalKey(s), s, (a, b) -> revision.compare(b, a) >= 0 ? b : a);
        }
        return latest;
    }

    /** Committed records per credentialId/queueId with no media type (what one queue's windows fold as samples). */
    Map<String, Long> allMediaRecordsPerQueue(String credentialId) {
        return observations().stream().filter(r -> r.getCredentialId().equals(credentialId) && r.getMediaType() == null)
                .collect(Collectors.groupingBy(r -> r.getCredentialId() + "/" + r.getQueueId(), TreeMap::new, Collectors.counting()));
    }

    /** The newest committed poll sequence per credentialId/queueId. */
    Map<String, Long> lastPollSequence(String credentialId) {
        return records.stream().filter(r -> r.getCredentialId().equals(credentialId))
                .collect(Collectors.toMap(r -> r.getCredentialId() + "/" + r.getQueueId(), QueueStat::getPollSequence, Math::max, TreeMap::new));
    }
}
