package io.switchboard.systemtest;

import static io.switchboard.systemtest.SwitchboardFleet.CREDENTIALS;
import static io.switchboard.systemtest.SwitchboardFleet.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.switchboard.systemtest.SwitchboardFleet.Credential;
import io.switchboard.systemtest.SwitchboardFleet.Role;

/**
 * Issue 13 point 1 on the multi-process harness of {@link MultiProcessFailoverIT}: a token manager, two pollers and two
 * aggregators as {@code java -jar switchboard.jar} processes, then the broker process restarted mid-run (SIGTERM, then
 * the same properties and log directories) and one aggregator instance killed with SIGKILL. After each fault the run
 * reconciles against the simulator: every observation it served (each live answer gives each queue its next
 * {@code simSequence}) appears exactly once in {@code switchboard.queue-stats} read {@code read_committed}
 * ({@link QueueStatsLedger}). At the end, with the pollers stopped, the surviving aggregator's 1-minute windows have
 * folded every committed record exactly once ({@code samples}) and its snapshots show every queue's last poll.
 */
class FaultReconciliationIT extends FleetTestBase {

    @Test
    void aBrokerRestartAndAKilledAggregatorLoseAndDuplicateNothing() {
        // a short Streams session, so the surviving aggregator takes over the killed one's tasks within seconds
        fleet = new SwitchboardFleet(dir, Map.of("session.timeout.ms", "6000", "heartbeat.interval.ms", "1500"));
        fleet.startInfrastructure();
        Role tokenManager = fleet.startSoleTokenManager("tm-1");
        SwitchboardFleet.Started started = fleet.startPollersAndAggregators(List.of("poller-1", "poller-2"),
                List.of("aggregator-1", "aggregator-2"));
        List<Role> pollers = started.pollers();
        Role aggregator1 = started.aggregators().get(0);
        Role aggregator2 = started.aggregators().get(1);
        ChildProcess a1 = aggregator1.process();
        awaitPollsAndSnapshots(pollers, aggregator2, 2);
        QueueStatsLedger.awaitReconciled(fleet, "before any fault");

        // fault 1: the broker process goes away and comes back on the same port with the same log directories
        fleet.restartKafka();
        awaitPollsAndSnapshots(pollers, aggregator2, 3);
        QueueStatsLedger.awaitReconciled(fleet, "after the broker restart");

        // fault 2: an aggregator instance killed; the other takes over its tasks (exactly-once: nothing twice)
        a1.kill();
        assertThat(a1.isAlive()).isFalse();
        awaitPollsAndSnapshots(pollers, aggregator2, 2);
        QueueStatsLedger.awaitReconciled(fleet, "after aggregator-1 was killed");

        // stop the pollers (SIGTERM: polls in flight are committed), then every committed record is folded exactly once
        for (Role p : pollers) {
            p.process().stop(Duration.ofSeconds(60));
        }
        QueueStatsLedger last = QueueStatsLedger.awaitReconciled(fleet, "with the pollers stopped");
        for (Credential c : CREDENTIALS) {
            Map<String, Long> lastPoll = last.lastPollSequence(c.id());
            await("snapshots of " + c.id() + " at the last committed poll").atMost(WAIT).pollInterval(Duration.ofSeconds(1))
                    .until(() -> snapshotSequences(aggregator2, c.id()).equals(lastPoll));
            if (c == SwitchboardFleet.GENESYS) {
                continue; // Genesys answers per media type; its windows fold the media records in, not one per answer
            }
            Map<String, Long> committed = last.allMediaRecordsPerQueue(c.id());
            assertThat(committed).as("queues of %s in queue-stats", c.id()).hasSize(MultiProcessFailoverIT.QUEUES);
            AtomicReference<Map<String, Long>> folded = new AtomicReference<>();
            await("1-minute windows of " + c.id() + " fold every committed record once").atMost(WAIT)
                    .pollInterval(Duration.ofSeconds(1))
                    .untilAsserted(() -> {
                        folded.set(windowSamples(aggregator2, committed.keySet()));
                        assertThat(folded.get()).isEqualTo(committed);
                    });
        }
        assertThat(aggregator1.process().isAlive()).isFalse();
    }

    /** Waits until every credential was polled {@code polls} more times and every queue has a snapshot. */
    private void awaitPollsAndSnapshots(List<Role> pollers, Role aggregator, int polls) {
        SwitchboardFleet.awaitPolled(pollers, polls);
        await("a snapshot of every queue of every credential").atMost(WAIT).pollInterval(Duration.ofSeconds(1))
                .until(() -> CREDENTIALS.stream().allMatch(c ->
                        SwitchboardFleet.snapshots(aggregator, c.id()).size() == MultiProcessFailoverIT.QUEUES));
    }

    /** pollSequence of each of a credential's snapshots, by credentialId/queueId. */
    private static Map<String, Long> snapshotSequences(Role aggregator, String credentialId) {
        Map<String, Long> out = new TreeMap<>();
        for (JsonNode s : SwitchboardFleet.snapshots(aggregator, credentialId)) {
            out.put(credentialId + "/" + s.path("queueId").asText(), s.path("pollSequence").asLong());
        }
        return out;
    }

    /** Sum of {@code samples} over each queue's 1-minute windows (the simulated hours of the run). */
    private static Map<String, Long> windowSamples(Role aggregator, java.util.Set<String> queues) {
        Map<String, Long> out = new TreeMap<>();
        for (String q : queues) {
            long samples = 0;
            for (JsonNode w : SwitchboardFleet.windows(aggregator, q, "1m", "2024-05-06T09:00:00Z", "2024-05-06T12:00:00Z")) {
                samples += w.path("samples").asLong();
            }
            out.put(q, samples);
        }
        return out;
    }
}
