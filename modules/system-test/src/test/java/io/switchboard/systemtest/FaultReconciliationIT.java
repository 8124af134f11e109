package io.switchboard.systemtest;

import static io.switchboard.systemtest.SwitchboardFleet.CREDENTIALS;
import static io.switchboard.systemtest.SwitchboardFleet.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

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
class FaultReconciliationIT {

    @TempDir
    Path dir;

    private SwitchboardFleet fleet;

    @RegisterExtension
    final DumpOnFailure dumpOnFailure = new DumpOnFailure(() -> fleet);

    @AfterEach
    void killEverything() {
        if (fleet != null) {
            fleet.close();
        }
    }

    @Test
    void aBrokerRestartAndAKilledAggregatorLoseAndDuplicateNothing() {
        // a short Streams session, so the surviving aggregator takes over the killed one's tasks within seconds
        fleet = new SwitchboardFleet(dir, Map.of("session.timeout.ms", "6000", "heartbeat.interval.ms", "1500"));
        fleet.startInfrastructure();
        Role tokenManager = SwitchboardFleet.tokenManager("tm-1", fleet.startTokenManager("tm-1"));
        await("every credential VALID").atMost(WAIT).pollInterval(Duration.ofSeconds(1))
                .until(() -> MultiProcessFailoverIT.owned(tokenManager).size() == CREDENTIALS.size());
        ChildProcess p1 = fleet.startPoller("poller-1");
        ChildProcess p2 = fleet.startPoller("poller-2");
        ChildProcess a1 = fleet.startAggregator("aggregator-1");
        ChildProcess a2 = fleet.startAggregator("aggregator-2");
        List<Role> pollers = List.of(SwitchboardFleet.poller("poller-1", p1), SwitchboardFleet.poller("poller-2", p2));
        Role aggregator1 = SwitchboardFleet.aggregator("aggregator-1", a1);
        Role aggregator2 = SwitchboardFleet.aggregator("aggregator-2", a2);
        awaitPollsAndSnapshots(pollers, aggregator2, 2);
        reconcile("before any fault");

        // fault 1: the broker process goes away and comes back on the same port with the same log directories
        fleet.restartKafka();
        awaitPollsAndSnapshots(pollers, aggregator2, 3);
        reconcile("after the broker restart");

        // fault 2: an aggregator instance killed; the other takes over its tasks (exactly-once: nothing twice)
        a1.kill();
        assertThat(a1.isAlive()).isFalse();
        awaitPollsAndSnapshots(pollers, aggregator2, 2);
        reconcile("after aggregator-1 was killed");

        // stop the pollers (SIGTERM: polls in flight are committed), then every committed record is folded exactly once
        for (Role p : pollers) {
            p.process().stop(Duration.ofSeconds(60));
        }
        QueueStatsLedger last = reconcile("with the pollers stopped");
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
        Map<String, Long> before = new TreeMap<>();
        for (Credential c : CREDENTIALS) {
            before.put(c.id(), pollers.stream().mapToLong(p -> okPollsOrZero(p, c.id())).sum());
        }
        await("every credential polled " + polls + " more times").atMost(WAIT).pollInterval(Duration.ofSeconds(1))
                .until(() -> CREDENTIALS.stream().allMatch(c -> pollers.stream().mapToLong(p -> okPollsOrZero(p, c.id())).sum()
                        >= before.get(c.id()) + polls));
        await("a snapshot of every queue of every credential").atMost(WAIT).pollInterval(Duration.ofSeconds(1))
                .until(() -> CREDENTIALS.stream().allMatch(c ->
                        MultiProcessFailoverIT.snapshots(aggregator, c.id()).size() == MultiProcessFailoverIT.QUEUES));
    }

    private static long okPollsOrZero(Role poller, String credentialId) {
        return poller.process().isAlive() ? MultiProcessFailoverIT.okPolls(poller, credentialId) : 0;
    }

    /**
     * Reads the simulator's counters, then waits until queue-stats (read_committed) holds every observation up to them
     * exactly once: answers served after the counters were read may still be in flight, those before must be there.
     */
    private QueueStatsLedger reconcile(String when) {
        List<QueueStatsLedger.ServedQueue> served = QueueStatsLedger.served(fleet.simulatorUrl());
        AtomicReference<QueueStatsLedger> ledger = new AtomicReference<>();
        await("every observation served " + when + " exactly once in queue-stats").atMost(WAIT)
                .pollInterval(Duration.ofSeconds(2))
                .untilAsserted(() -> {
                    QueueStatsLedger l = QueueStatsLedger.read(fleet.kafka().bootstrapServers(), fleet.registryUrl());
                    ledger.set(l);
                    assertThat(l.withoutSequence()).as("records without simSequence").isEmpty();
                    assertThat(l.duplicates()).as("observations committed more than once " + when).isEmpty();
                    assertThat(l.missing(served)).as("observations served but not in queue-stats " + when).isEmpty();
                });
        System.out.printf("reconciled %s: %d records, served %s%n", when, ledger.get().size(),
                served.stream().map(q -> q.name() + "=" + q.served()).toList());
        return ledger.get();
    }

    /** pollSequence of each of a credential's snapshots, by credentialId/queueId. */
    private static Map<String, Long> snapshotSequences(Role aggregator, String credentialId) {
        Map<String, Long> out = new TreeMap<>();
        for (JsonNode s : MultiProcessFailoverIT.snapshots(aggregator, credentialId)) {
            out.put(credentialId + "/" + s.path("queueId").asText(), s.path("pollSequence").asLong());
        }
        return out;
    }

    /** Sum of {@code samples} over each queue's 1-minute windows (the simulated hours of the run). */
    private static Map<String, Long> windowSamples(Role aggregator, java.util.Set<String> queues) {
        Map<String, Long> out = new TreeMap<>();
        for (String q : queues) {
            Http.Answer a = Http.get("http://127.0.0.1:" + aggregator.httpPort() + "/api/queues/"
                    + java.net.URLEncoder.encode(q, java.nio.charset.StandardCharsets.UTF_8)
                    + "/windows?size=1m&from=2024-05-06T09:00:00Z&to=2024-05-06T12:00:00Z");
            if (a.status() != 200) {
                throw new AssertionError("windows of " + q + ": " + a.status() + " " + a.body());
            }
            long samples = 0;
            for (JsonNode w : a.json().path("data").path("items")) {
                samples += w.path("samples").asLong();
            }
            out.put(q, samples);
        }
        return out;
    }
}
