package io.switchboard.systemtest;

import static io.switchboard.systemtest.SwitchboardFleet.CREDENTIALS;
import static io.switchboard.systemtest.SwitchboardFleet.WAIT;
import static io.switchboard.systemtest.SwitchboardFleet.okPolls;
import static io.switchboard.systemtest.SwitchboardFleet.owned;
import static io.switchboard.systemtest.SwitchboardFleet.snapshots;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.switchboard.systemtest.SwitchboardFleet.Credential;
import io.switchboard.systemtest.SwitchboardFleet.Role;

/**
 * Issue 12 point 4, with no containers: the broker as its own process from Kafka's own jars, the vendor simulator and
 * the schema registry as {@code switchboard simulator} / {@code schema-registry} processes, {@code topics create}, then
 * two token managers, three pollers and one aggregator as separate {@code java -jar switchboard.jar} processes from one
 * configuration file with four credentials (Genesys Cloud, NICE CXone, IBM Cognos, an Auth0 API). Then one poller and
 * the token manager owning the most credentials are killed with SIGKILL, and the run must show:
 * <ul>
 *   <li>the killed poller's credentials polled again by the survivors ({@code switchboard_poller_polls_total} of each
 *       surviving poller) and the vendor requests going on (the simulator's request log);</li>
 *   <li>no login storm: the surviving token manager adopts the published tokens, so each credential was logged in
 *       exactly once over the whole run (the simulator's request log), and after the simulator revokes one of the
 *       taken-over credentials' tokens (the pollers' 401s carry the rejected version) exactly one more login;</li>
 *   <li>the aggregates complete: the aggregator's query API serves a snapshot of every queue of every credential, and
 *       the killed poller's credentials' snapshots come from polls made after the kill;</li>
 *   <li>nothing doubled (issue 13): with the survivors stopped, every observation the simulator served is in
 *       {@code queue-stats} read {@code read_committed} exactly once ({@link QueueStatsLedger}), except those of the
 *       poll the poller was killed in, which are listed, were in flight at the kill, and were observed again.</li>
 * </ul>
 */
class MultiProcessFailoverIT extends FleetTestBase {

    /** Queues the simulator serves (its five default queues); every credential sees all of them. */
    static final int QUEUES = 5;

    @Test
    void aKilledPollerAndTheOwningTokenManagerAreReplacedWithoutALoginStormAndTheAggregatesComplete() {
        fleet = new SwitchboardFleet(dir);
        fleet.startInfrastructure();

        // every role its own process, all from the one switchboard.yaml: the token managers first (the pollers plan
        // their jobs with the vendors' discovery, which needs the tokens), then the pollers and the aggregator
        Map<String, ChildProcess> started = new LinkedHashMap<>();
        for (String id : List.of("tm-1", "tm-2")) {
            started.put(id, fleet.startTokenManager(id));
        }
        List<Role> tokenManagers = new ArrayList<>(List.of(SwitchboardFleet.tokenManager("tm-1", started.get("tm-1")),
                SwitchboardFleet.tokenManager("tm-2", started.get("tm-2"))));
        await("every credential VALID on exactly one token manager").atMost(WAIT).pollInterval(Duration.ofSeconds(1))
                .until(() -> ownersOf(tokenManagers).values().stream().allMatch(owners -> owners.size() == 1)
                        && ownersOf(tokenManagers).keySet().equals(credentialIds()));
        for (String id : List.of("poller-1", "poller-2", "poller-3")) {
            started.put(id, fleet.startPoller(id));
        }
        started.put("aggregator-1", fleet.startAggregator("aggregator-1"));
        List<Role> pollers = new ArrayList<>();
        for (String id : List.of("poller-1", "poller-2", "poller-3")) {
            pollers.add(SwitchboardFleet.poller(id, started.get(id)));
        }
        Role aggregator = SwitchboardFleet.aggregator("aggregator-1", started.get("aggregator-1"));

        // the fleet at work: every credential polled, every queue on the dashboard
        await("every credential polled by some poller").atMost(WAIT).pollInterval(Duration.ofSeconds(1))
                .until(() -> credentialIds().stream().allMatch(c -> pollers.stream().anyMatch(p -> okPolls(p, c) >= 2)));
        await("a snapshot of every queue of every credential").atMost(WAIT).pollInterval(Duration.ofSeconds(1))
                .until(() -> credentialIds().stream().allMatch(c -> snapshots(aggregator, c).size() == QUEUES));
        assertThat(fleet.logins()).as("logins per credential before the kills (simulator request log)")
                .isEqualTo(SwitchboardFleet.expectedLogins(null));

        // SIGKILL: the poller polling the most credentials, and the token manager owning the most
        Role victimPoller = pollers.stream().max(Comparator.comparingInt(p -> polledCredentials(p).size())).orElseThrow();
        Set<String> movedJobsOf = polledCredentials(victimPoller);
        Role victimManager = tokenManagers.stream().max(Comparator.<Role>comparingInt(t -> owned(t).size())
                .thenComparing(t -> owned(t).contains(SwitchboardFleet.GENESYS.id()))).orElseThrow();
        Set<String> takenOver = owned(victimManager);
        List<Role> survivingPollers = pollers.stream().filter(p -> p != victimPoller).toList();
        Role survivingManager = tokenManagers.stream().filter(t -> t != victimManager).findFirst().orElseThrow();
        Map<String, Long> pollsBefore = new TreeMap<>();
        Map<String, Long> sequenceBefore = new TreeMap<>();
        Map<String, Integer> requestsBefore = new TreeMap<>();
        for (String c : movedJobsOf) {
            pollsBefore.put(c, survivingPollers.stream().mapToLong(p -> okPolls(p, c)).sum());
            sequenceBefore.put(c, maxPollSequence(aggregator, c));
            requestsBefore.put(c, apiRequests(vendorOf(c)));
        }
        assertThat(movedJobsOf).as("credentials polled by %s", victimPoller.id()).isNotEmpty();
        assertThat(takenOver).as("credentials owned by %s", victimManager.id()).isNotEmpty();
        // what the simulator had served and what was committed just before the kill (issue 13: the observations of
        // the poll the poller is killed in may be lost, and only those)
        List<QueueStatsLedger.ServedQueue> servedBeforeKill = QueueStatsLedger.served(fleet.simulatorUrl());
        Map<String, Set<Long>> pendingBeforeKill = QueueStatsLedger.read(fleet.kafka().bootstrapServers(), fleet.registryUrl())
                .missing(servedBeforeKill);
        victimPoller.process().kill();
        victimManager.process().kill();
        List<QueueStatsLedger.ServedQueue> servedAtKill = QueueStatsLedger.served(fleet.simulatorUrl());
        assertThat(victimPoller.process().isAlive()).isFalse();
        assertThat(victimManager.process().isAlive()).isFalse();

        // the jobs move: the survivors poll the killed poller's credentials, and the vendor sees the requests go on
        await("the survivors poll " + movedJobsOf + " of the killed " + victimPoller.id()).atMost(WAIT)
                .pollInterval(Duration.ofSeconds(1))
                .until(() -> movedJobsOf.stream().allMatch(c -> survivingPollers.stream().mapToLong(p -> okPolls(p, c)).sum()
                        >= pollsBefore.get(c) + 2));
        for (String c : movedJobsOf) {
            assertThat(apiRequests(vendorOf(c))).as("API requests of %s at the simulator after the kill", c)
                    .isGreaterThanOrEqualTo(requestsBefore.get(c) + 2);
        }
        // the standby takes over every credential, adopting the published tokens: no new login
        await(survivingManager.id() + " owns every credential").atMost(WAIT).pollInterval(Duration.ofSeconds(1))
                .until(() -> owned(survivingManager).equals(credentialIds()));
        assertThat(fleet.logins()).as("logins per credential after the failover: the survivor adopted the published tokens")
                .isEqualTo(SwitchboardFleet.expectedLogins(null));

        // a rejected token after the failover: every poller that gets a 401 reports the version, the new owner logs in once
        Credential revoked = CREDENTIALS.stream().filter(c -> takenOver.contains(c.id()))
                .filter(c -> c != SwitchboardFleet.COGNOS).findFirst()
                .orElse(CREDENTIALS.stream().filter(c -> takenOver.contains(c.id())).findFirst().orElseThrow());
        long pollsBeforeRevocation = pollers.stream().filter(p -> p != victimPoller).mapToLong(p -> okPolls(p, revoked.id())).sum();
        JsonNode answer = Http.post(fleet.simulatorUrl() + "/_admin/tokens/revoke?vendor=" + revoked.vendor()).json();
        assertThat(answer.path("revoked").asInt()).as("tokens the simulator revoked for %s", revoked.id()).isPositive();
        await("one new login for " + revoked.id() + " and its polls going on").atMost(WAIT).pollInterval(Duration.ofSeconds(1))
                .until(() -> fleet.logins().get(revoked.id()) >= 2 && survivingPollers.stream()
                        .mapToLong(p -> okPolls(p, revoked.id())).sum() >= pollsBeforeRevocation + 2);
        assertThat(fleet.logins()).as("logins per credential: one per credential, plus one for the version the simulator revoked")
                .isEqualTo(SwitchboardFleet.expectedLogins(revoked.id()));
        assertThat(tokenVersion(survivingManager, revoked.id())).as("published version of %s", revoked.id()).isEqualTo(2);
        System.out.printf("401 answers for %s after the revocation: %d; logins: %s%n", revoked.id(),
                unauthorized(revoked), fleet.logins());

        // the aggregates complete: every queue of every credential, the moved credentials from polls after the kill
        await("snapshots of every queue, fed by the survivors").atMost(WAIT).pollInterval(Duration.ofSeconds(1))
                .until(() -> credentialIds().stream().allMatch(c -> snapshots(aggregator, c).size() == QUEUES)
                        && movedJobsOf.stream().allMatch(c -> maxPollSequence(aggregator, c) > sequenceBefore.get(c)));
        for (String c : credentialIds()) {
            List<JsonNode> items = snapshots(aggregator, c);
            assertThat(items.stream().map(i -> i.path("queueId").asText()).collect(Collectors.toSet()))
                    .as("queues of %s on the dashboard", c).hasSize(QUEUES);
        }
        for (Role r : List.of(survivingManager, survivingPollers.get(0), survivingPollers.get(1), aggregator)) {
            Http.Answer ready = Http.get("http://127.0.0.1:" + r.opsPort() + "/ready");
            assertThat(ready.status()).as("/ready of %s: %s", r.id(), ready.body()).isEqualTo(200);
        }

        // reconciliation (issue 13): stop the survivors (SIGTERM commits their polls in flight); then every observation
        // the simulator served is in queue-stats read_committed exactly once, except those of the poll the poller was
        // killed in: served before the kill and not committed then, at most one per queue per job of that poller, and
        // each of those queues observed again afterwards
        for (Role p : survivingPollers) {
            p.process().stop(Duration.ofSeconds(60));
        }
        List<QueueStatsLedger.ServedQueue> servedAtEnd = QueueStatsLedger.served(fleet.simulatorUrl());
        java.util.concurrent.atomic.AtomicReference<Map<String, Set<Long>>> lost = new java.util.concurrent.atomic.AtomicReference<>();
        await("queue-stats reconciled: nothing doubled, only the killed poll's observations lost").atMost(WAIT)
                .pollInterval(Duration.ofSeconds(2)).untilAsserted(() -> {
                    QueueStatsLedger ledger = QueueStatsLedger.read(fleet.kafka().bootstrapServers(), fleet.registryUrl());
                    assertThat(ledger.withoutSequence()).as("records without simSequence").isEmpty();
                    assertThat(ledger.duplicates()).as("observations committed more than once").isEmpty();
                    Map<String, Set<Long>> missing = ledger.missing(servedAtEnd);
                    Map<String, Long> newest = ledger.newestSequence(servedAtEnd);
                    for (QueueStatsLedger.ServedQueue q : servedAtEnd) {
                        String key = QueueStatsLedger.key(q);
                        Set<Long> gaps = missing.getOrDefault(key, Set.of());
                        long before = servedBeforeKill.stream().filter(b -> b.id().equals(q.id())).findFirst().orElseThrow().served();
                        long at = servedAtKill.stream().filter(b -> b.id().equals(q.id())).findFirst().orElseThrow().served();
                        Set<Long> inKilledPoll = new TreeSet<>(pendingBeforeKill.getOrDefault(key, Set.of()));
                        for (long i = before + 1; i <= at; i++) {
                            inKilledPoll.add(i);
                        }
                        assertThat(inKilledPoll).as("%s: lost observations must be ones served to a poll in flight at the kill", key)
                                .containsAll(gaps);
                        assertThat(gaps).as("%s: at most one lost observation per job of %s", key, victimPoller.id())
                                .hasSizeLessThanOrEqualTo(movedJobsOf.size());
                        if (!gaps.isEmpty()) {
                            assertThat(newest.get(key)).as("%s observed again after the lost observations %s", key, gaps)
                                    .isGreaterThan(java.util.Collections.max(gaps));
                        }
                    }
                    lost.set(missing);
                });
        System.out.printf("observations lost with the poll %s was killed in (then observed again): %s%n", victimPoller.id(),
                lost.get().isEmpty() ? "none" : lost.get());
    }

    private static Set<String> credentialIds() {
        return CREDENTIALS.stream().map(Credential::id).collect(Collectors.toCollection(TreeSet::new));
    }

    private static String vendorOf(String credentialId) {
        return CREDENTIALS.stream().filter(c -> c.id().equals(credentialId)).findFirst().orElseThrow().vendor();
    }

    private static Map<String, List<String>> ownersOf(List<Role> tokenManagers) {
        Map<String, List<String>> owners = new TreeMap<>();
        for (Role t : tokenManagers) {
            for (String c : owned(t)) {
                owners.computeIfAbsent(c, k -> new ArrayList<>()).add(t.id());
            }
        }
        return owners;
    }

    private static long tokenVersion(Role tokenManager, String credentialId) {
        return Http.metrics(tokenManager.opsPort()).stream()
                .filter(s -> s.name().equals("switchboard_token_version") && credentialId.equals(s.label("credential")))
                .mapToLong(s -> (long) s.value()).findFirst().orElse(-1);
    }

    /** Credentials whose jobs a poller runs now ({@code switchboard_poller_job_lag_seconds} of its jobs). */
    private static Set<String> polledCredentials(Role poller) {
        return Http.metrics(poller.opsPort()).stream()
                .filter(s -> s.name().equals("switchboard_poller_job_lag_seconds"))
                .map(s -> s.label("credential")).collect(Collectors.toCollection(TreeSet::new));
    }

    private static long maxPollSequence(Role aggregator, String credentialId) {
        return snapshots(aggregator, credentialId).stream().mapToLong(i -> i.path("pollSequence").asLong()).max().orElse(0);
    }

    /** Reporting-API requests (not logins, not discovery) a vendor of the simulator answered 200. */
    private int apiRequests(String vendor) {
        return (int) fleet.simulatorRequests().stream().filter(r -> vendor.equals(r.path("vendor").asText()) && r.path("status").asInt() == 200)
                .filter(r -> {
                    String path = r.path("path").asText();
                    return path.endsWith("/observations/query") || path.endsWith("/skills/activity")
                            || path.contains("/reportData/") || path.endsWith("/queues/stats");
                }).count();
    }

    private long unauthorized(Credential c) {
        return fleet.simulatorRequests().stream().filter(r -> c.vendor().equals(r.path("vendor").asText()) && r.path("status").asInt() == 401).count();
    }
}
