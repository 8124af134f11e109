package io.switchboard.systemtest;

import static io.switchboard.systemtest.SwitchboardFleet.CREDENTIALS;
import static io.switchboard.systemtest.SwitchboardFleet.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.switchboard.events.poll.PollError;
import io.switchboard.events.poll.QueueStat;
import io.switchboard.systemtest.QueueStatsLedger.IntervalKey;
import io.switchboard.systemtest.SwitchboardFleet.Credential;
import io.switchboard.systemtest.SwitchboardFleet.Role;

/**
 * Issue 13 point 1, the vendor's faults, on the multi-process harness: a token manager, two pollers and an aggregator
 * as {@code java -jar switchboard.jar} processes, four credentials (Genesys Cloud with queue observations and
 * 15-minute conversation aggregates, NICE CXone, IBM Cognos, an Auth0 API), while every vendor of the simulator answers,
 * for a while each: a 429 storm with {@code Retry-After}, 503s, answers slower than the pollers' request timeout, TCP
 * resets, and garbled or cut JSON bodies. During each storm every credential's polls fail with a {@code PollError} of the
 * right kind on {@code switchboard.poll-errors}; after it clears, no poller died and the run reconciles
 * ({@link QueueStatsLedger#awaitReconciled}): every observation the simulator delivered intact is in
 * {@code switchboard.queue-stats} read {@code read_committed} exactly once, and none it never delivered (the simulator
 * lists the sequences of garbled, cut and too-late answers; refused requests take none). Then a revoked token: one login
 * more, never a second one for the same rejected version. At the end, with the pollers stopped: every closed interval the
 * simulator served is in queue-stats (each once per poll), with the simulator's own figures ({@code /_admin/intervals}),
 * and the aggregator's 15-minute windows count each interval once, not once per re-fetch.
 */
class VendorFaultReconciliationIT extends FleetTestBase {

    /** The granularity of the Genesys aggregates job; its intervals fold into the windows of the same size. */
    static final Duration GRANULARITY = Duration.ofMinutes(15);
    static final String WINDOW = "15m";
    /** Shorter than the simulator's latency in the timeout storm, long enough for a healthy answer on a busy machine. */
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(3);

    /** A storm: what every vendor answers for a while, and how each credential's failed polls must be reported. */
    record Storm(String name, String faultJson, String kind, Predicate<PollError> reported) {
    }

    static final List<Storm> STORMS = List.of(
            // a burst of 429s, more than the three attempts of a few polls: each attempt waits out Retry-After first
            new Storm("429 storm", "{\"tooManyRequests\": 12, \"retryAfterSeconds\": 1}", "RATE_LIMITED",
                    e -> Integer.valueOf(429).equals(e.getHttpStatus()) && Long.valueOf(1000).equals(e.getRetryAfterMs())),
            new Storm("5xx storm", "{\"serverErrorRate\": 1.0, \"serverErrorStatus\": 503}", "VENDOR_ERROR",
                    e -> Integer.valueOf(503).equals(e.getHttpStatus())),
            new Storm("timeout storm", "{\"latencyMs\": " + REQUEST_TIMEOUT.multipliedBy(3).toMillis() + "}", "TRANSPORT",
                    e -> e.getMessage().contains("no complete answer within")),
            new Storm("TCP reset storm", "{\"connectionResetRate\": 1.0}", "TRANSPORT",
                    e -> e.getMessage().contains("reset") || e.getMessage().contains("closed")),
            new Storm("malformed and truncated bodies", "{\"malformedJsonRate\": 0.5, \"truncatedJsonRate\": 1.0}", "MAPPING",
                    e -> e.getMessage().contains("not complete JSON")));

    @Test
    void everyStormIsReportedAndTheRunReconcilesAfterEach() {
        fleet = new SwitchboardFleet(dir).vendorRequestTimeout(REQUEST_TIMEOUT).genesysIntervals(GRANULARITY);
        fleet.startInfrastructure();
        Role tokenManager = fleet.startSoleTokenManager("tm-1");
        SwitchboardFleet.Started started = fleet.startPollersAndAggregators(List.of("poller-1", "poller-2"), List.of("aggregator-1"));
        List<Role> pollers = started.pollers();
        Role aggregator = started.aggregators().get(0);
        SwitchboardFleet.awaitPolled(pollers, 2);
        QueueStatsLedger.awaitReconciled(fleet, "before any fault");

        for (Storm storm : STORMS) {
            Instant from = Instant.now(); // PollError.occurredAt is the pollers' clock: this machine's
            for (Credential c : CREDENTIALS) {
                Http.Answer set = Http.put(fleet.simulatorUrl() + "/_admin/faults/" + c.vendor(), storm.faultJson());
                assertThat(set.status()).as("fault %s on %s: %s", storm.name(), c.vendor(), set.body()).isEqualTo(200);
            }
            await(storm.name() + ": every credential's polls fail with a " + storm.kind() + " PollError").atMost(WAIT)
                    .pollInterval(Duration.ofSeconds(2))
                    .until(() -> credentialsReporting(storm, from).equals(credentialIds()));
            assertThat(Http.delete(fleet.simulatorUrl() + "/_admin/faults").status()).isEqualTo(204);
            SwitchboardFleet.awaitPolled(pollers, 1);
            assertThat(pollers).as("pollers alive after the %s", storm.name()).allMatch(p -> p.process().isAlive());
            QueueStatsLedger.awaitReconciled(fleet, "after the " + storm.name());
        }

        // a rejected token: the pollers' 401s carry the version, the owner logs in once for it, however many polls saw it
        Credential revoked = SwitchboardFleet.DATACOSMOS;
        assertThat(fleet.logins()).as("logins per credential after the storms (simulator request log)")
                .isEqualTo(SwitchboardFleet.expectedLogins(null));
        JsonNode answer = Http.post(fleet.simulatorUrl() + "/_admin/tokens/revoke?vendor=" + revoked.vendor()).json();
        assertThat(answer.path("revoked").asInt()).as("tokens the simulator revoked for %s", revoked.id()).isPositive();
        await("one new login for " + revoked.id()).atMost(WAIT).pollInterval(Duration.ofSeconds(1))
                .until(() -> fleet.logins().get(revoked.id()) >= 2);
        SwitchboardFleet.awaitPolled(pollers, 2);
        assertThat(fleet.logins()).as("logins per credential: one each, plus one for the version the simulator revoked")
                .isEqualTo(SwitchboardFleet.expectedLogins(revoked.id()));

        // every error of the run is one the storms explain; every role still ready
        List<PollError> errors = pollErrors();
        Set<String> kinds = errors.stream().map(PollError::getKind).collect(Collectors.toCollection(TreeSet::new));
        assertThat(kinds).as("kinds of the PollErrors of the run").isSubsetOf(STORMS.stream().map(Storm::kind).toList());
        for (Role r : List.of(tokenManager, pollers.get(0), pollers.get(1), aggregator)) {
            Http.Answer ready = Http.get("http://127.0.0.1:" + r.opsPort() + "/ready");
            assertThat(ready.status()).as("/ready of %s: %s", r.id(), ready.body()).isEqualTo(200);
        }

        // stop the pollers (SIGTERM: polls in flight are committed); then the last reconciliation, and the intervals
        for (Role p : pollers) {
            p.process().stop(Duration.ofSeconds(60));
        }
        QueueStatsLedger last = QueueStatsLedger.awaitReconciled(fleet, "with the pollers stopped");
        assertIntervalsOnceWithTheSimulatorsFigures(last, aggregator);
        System.out.printf("poll errors of the run by kind: %s%n", errors.stream()
                .collect(Collectors.groupingBy(PollError::getKind, TreeMap::new, Collectors.counting())));
    }

    /**
     * Closed intervals exactly once: within a poll each (queue, media type, interval) is written once; reduced to the
     * latest revision per key, the closed intervals committed are exactly those the simulator has figures for between
     * the first interval fetched and the end of the last closed one, with its figures; and the aggregator's windows hold,
     * for every interval of that range, the simulator's offered, answered and abandoned summed over the media types,
     * each interval counted once ({@code intervals}) however often it was re-fetched.
     */
    private void assertIntervalsOnceWithTheSimulatorsFigures(QueueStatsLedger ledger, Role aggregator) {
        assertThat(ledger.intervalsWrittenTwiceInOnePoll()).as("intervals written twice in one poll").isEmpty();
        Map<IntervalKey, QueueStat> latest = ledger.latestIntervals();
        assertThat(latest).as("interval records in queue-stats").isNotEmpty();
        Instant from = latest.keySet().stream().map(IntervalKey::start).min(Instant::compareTo).orElseThrow();
        // closed: its latest revision was fetched after it ended (the open interval of a poll ends after the poll)
        Instant closedEnd = latest.values().stream().filter(s -> !s.getIntervalEnd().isAfter(s.getPolledAt()))
                .map(QueueStat::getIntervalEnd).max(Instant::compareTo)
                .orElseThrow(() -> new AssertionError("no closed interval committed: " + latest.keySet()));
        long refetched = ledger.intervalRecords().size() - latest.size();

        Map<IntervalKey, List<Long>> expected = new TreeMap<>(INTERVAL_ORDER);
        JsonNode served = Http.json(fleet.simulatorUrl() + "/_admin/intervals?from=" + from + "&to=" + closedEnd
                + "&granularity=" + GRANULARITY);
        for (JsonNode i : served) {
            expected.put(new IntervalKey(SwitchboardFleet.GENESYS.id(), i.path("queueId").asText(), i.path("mediaType").asText(),
                    Instant.parse(i.path("intervalStart").asText())), List.of(i.path("offered").asLong(),
                    i.path("answered").asLong(), i.path("abandoned").asLong()));
        }
        Map<IntervalKey, List<Long>> committed = new TreeMap<>(INTERVAL_ORDER);
        latest.forEach((k, s) -> {
            if (s.getIntervalEnd().isAfter(closedEnd)) {
                return; // the open interval of the last polls
            }
            committed.put(k, List.of(orZero(s.getOffered()), orZero(s.getAnswered()), orZero(s.getAbandoned())));
        });
        assertThat(committed).as("closed intervals in queue-stats (latest revision) vs the simulator's [%s, %s)", from, closedEnd)
                .isNotEmpty().isEqualTo(expected);

        // the aggregator: each window of the range holds its intervals once, with the simulator's figures
        Map<String, List<Long>> expectedWindows = new TreeMap<>();
        expected.forEach((k, v) -> expectedWindows.merge(k.credentialId() + "/" + k.queueId() + "@" + k.start(),
                List.of(v.get(0), v.get(1), v.get(2), 1L), VendorFaultReconciliationIT::add));
        Set<String> queues = expected.keySet().stream().map(k -> k.credentialId() + "/" + k.queueId())
                .collect(Collectors.toCollection(TreeSet::new));
        await("the aggregator's " + WINDOW + " windows hold every closed interval once").atMost(WAIT)
                .pollInterval(Duration.ofSeconds(1))
                .untilAsserted(() -> {
                    Map<String, List<Long>> windows = new TreeMap<>();
                    for (String q : queues) {
                        for (JsonNode w : SwitchboardFleet.windows(aggregator, q, WINDOW, from.toString(),
                                closedEnd.minus(GRANULARITY).toString())) {
                            if (w.path("intervals").asLong() > 0) {
                                windows.put(q + "@" + Instant.parse(w.path("windowStart").asText()), List.of(w.path("offered").asLong(),
                                        w.path("answered").asLong(), w.path("abandoned").asLong(), w.path("intervals").asLong()));
                            }
                        }
                    }
                    assertThat(windows).as("offered, answered, abandoned, intervals of each %s window", WINDOW)
                            .isEqualTo(expectedWindows);
                });
        System.out.printf("intervals: %d closed (queue, media type, interval) values in [%s, %s) committed with the simulator's"
                + " figures, %d re-fetched revisions of them and of the open intervals replaced, not added; %d windows equal%n",
                committed.size(), from, closedEnd, refetched, expectedWindows.size());
    }

    private static final java.util.Comparator<IntervalKey> INTERVAL_ORDER = java.util.Comparator
            .comparing(IntervalKey::credentialId).thenComparing(IntervalKey::queueId)
            .thenComparing(k -> String.valueOf(k.mediaType())).thenComparing(IntervalKey::start);

    private static List<Long> add(List<Long> a, List<Long> b) {
        List<Long> sum = new ArrayList<>();
        for (int i = 0; i < a.size(); i++) {
            sum.add(a.get(i) + b.get(i));
        }
        return sum;
    }

    private static long orZero(Long v) {
        return v == null ? 0 : v;
    }

    /** Every committed PollError of the run. */
    private List<PollError> pollErrors() {
        return CommittedRecords.read(fleet.kafka().bootstrapServers(), fleet.registryUrl(), "switchboard.poll-errors", PollError.class);
    }

    /** Credentials with a poll (not a discovery) that failed since {@code from} the way {@code storm} must be reported. */
    private Set<String> credentialsReporting(Storm storm, Instant from) {
        return pollErrors().stream().filter(e -> e.getJobId() != null && !e.getOccurredAt().isBefore(from))
                .filter(e -> e.getKind().equals(storm.kind()) && storm.reported().test(e))
                .map(PollError::getCredentialId).collect(Collectors.toCollection(TreeSet::new));
    }

    private static Set<String> credentialIds() {
        return CREDENTIALS.stream().map(Credential::id).collect(Collectors.toCollection(TreeSet::new));
    }
}
