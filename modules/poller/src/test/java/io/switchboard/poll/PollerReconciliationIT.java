package io.switchboard.poll;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.micrometer.core.instrument.Counter;
import io.switchboard.events.poll.PollJob;
import io.switchboard.events.poll.QueueStat;
import io.switchboard.simulator.FaultSpec;
import io.switchboard.simulator.RecordedRequest;
import io.switchboard.simulator.Vendor;
import io.switchboard.testkit.KafkaBroker;
import io.switchboard.testkit.WithKafka;

/**
 * Reconciliation over a run with faults: three pollers in production wiring ({@link PollerProcess}, one of them in a
 * child JVM), three credentials (one per poller), Genesys queue observations; the simulator injects 5xx, TCP resets, malformed and
 * truncated bodies, a 429 burst and, for a while, answers slower than the pollers' request timeout; the child poller
 * is killed with SIGKILL in the middle. Afterwards every observation the simulator served (each queue's
 * {@code simSequence} counter, 1..n) is compared with {@code queue-stats} read {@code read_committed}: no observation
 * is there twice, none is there that was not served, none is there that the simulator says never reached a client
 * intact, and each one missing is either such an undelivered answer (a body cut or garbled, an answer after the
 * client's timeout) or was delivered before the group settled after the kill (a poll of the killed poller, or of a job
 * whose partition moved): they are listed, and each queue was observed again after every one of them.
 */
@WithKafka(scope = WithKafka.Scope.JVM)
class PollerReconciliationIT {

    static final Duration INTERVAL = Duration.ofSeconds(2);
    static final Duration AGGREGATES_INTERVAL = Duration.ofSeconds(5);

    static KafkaBroker broker;

    private FleetFixture fx;
    private final List<Process> children = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (Process p : children) {
            p.destroyForcibly().waitFor();
        }
        if (fx != null) {
            fx.close();
        }
    }

    @Test
    void everyServedObservationIsCommittedOnceAndTheLostOnesAreReObserved(@TempDir Path dir) throws Exception {
        fx = new FleetFixture(broker, 3, 6);
        Map<String, List<String>> queues = fx.queuesPerCredential(4);
        Set<String> allQueues = queues.values().stream().flatMap(List::stream).collect(Collectors.toSet());
        assertThat(allQueues).as("every queue polled by one credential only").hasSize(12);
        StringBuilder credentials = new StringBuilder();
        queues.forEach((c, q) -> credentials.append("""
                  - id: %s
                    provider: genesys-cloud
                    poll:
                      - endpoint: genesys.queue-observations
                        name: live
                        interval: %s
                        batchSize: 2
                        queueIds: [%s]
                      - endpoint: genesys.conversation-aggregates
                        name: intervals
                        interval: %s
                        queueIds: [%s]
                        params: {granularity: PT15M}
                """.formatted(c, INTERVAL, String.join(", ", q), AGGREGATES_INTERVAL, String.join(", ", q))));
        PollerConfig config = fx.pollerConfig("poller-a", "", credentials.toString());
        JobPlan plan = fx.applyJobs(config);
        Set<String> jobs = plan.credentials().stream().flatMap(c -> c.jobs().stream()).map(PollJob::getJobId).collect(Collectors.toSet());
        assertThat(jobs).hasSize(9);
        List<PollJob> aggregateJobs = plan.credentials().stream().flatMap(c -> c.jobs().stream())
                .filter(j -> j.getEndpoint().equals(Endpoints.GENESYS_CONVERSATION_AGGREGATES)).toList();
        assertThat(aggregateJobs).hasSize(3);

        Path yaml = Files.writeString(dir.resolve("poller.yaml"), fx.pollerYaml("poller-child", "", credentials.toString()));
        Path log = dir.resolve("child.log");
        Process child = startChild(yaml, "poller-child", log);
        await().atMost(FleetFixture.WAIT).untilAsserted(() -> {
            String out = Files.exists(log) ? Files.readString(log) : "";
            assertThat(child.isAlive()).as("child poller exited; its output:%n%s", out).isTrue();
            assertThat(out.lines()).as("output of the child poller").anyMatch(l -> l.startsWith(PollerChild.READY));
        });
        await().atMost(FleetFixture.WAIT).until(() -> api(r -> FleetFixture.sender(r).equals("poller-child")).size() >= 2);

        PollerProcess a = start(config, "poller-a");
        PollerProcess b = start(config, "poller-b");
        await().atMost(FleetFixture.WAIT).until(() -> a.poller().isReady() && b.poller().isReady()
                && !a.poller().runningJobs().isEmpty() && !b.poller().runningJobs().isEmpty()
                && a.poller().runningJobs().size() + b.poller().runningJobs().size() < jobs.size());
        Instant shared = fx.sim.now();
        await().atMost(FleetFixture.WAIT).until(() -> api(r -> r.at().isAfter(shared) && r.status() == 200).stream()
                .map(FleetFixture::sender).collect(Collectors.toSet()).containsAll(Set.of("poller-a", "poller-b", "poller-child")));

        // faults: 5xx, resets, malformed and truncated bodies, then a 429 burst on top
        FaultSpec faults = FaultSpec.none().withLatency(FleetFixture.SIM_LATENCY).withServerErrors(0.2, 503)
                .withConnectionResets(0.1).withMalformedJson(0.05).withTruncatedJson(0.05);
        Instant faulty = fx.sim.now();
        fx.sim.faults().set(Vendor.GENESYS, faults);
        await().atMost(FleetFixture.WAIT).until(() -> api(r -> r.at().isAfter(faulty) && r.status() == 503).size() >= 3
                && api(r -> r.at().isAfter(faulty) && r.status() == 0).size() >= 2);
        Instant burst = fx.sim.now();
        fx.sim.faults().set(Vendor.GENESYS, faults.withTooManyRequests(4, 1));
        await().atMost(FleetFixture.WAIT).until(() -> api(r -> r.at().isAfter(burst) && r.status() == 429).size() >= 4);

        // the child dies hard while the faults go on
        child.destroyForcibly().waitFor();
        Instant killed = fx.sim.now();
        await().atMost(FleetFixture.WAIT).until(() -> a.poller().runningJobs().size() + b.poller().runningJobs().size() == jobs.size()
                && api(r -> r.at().isAfter(killed) && r.status() == 200).size() >= 8);
        // from here on the group no longer changes: an answer delivered to a or b is committed, whatever the faults
        Map<String, Long> settled = new TreeMap<>();
        allQueues.forEach(q -> settled.put(q, fx.sim.queueSequence(q)));

        // answers slower than the 2 s request timeout: served by the simulator, never received
        fx.sim.faults().set(Vendor.GENESYS, FaultSpec.none().withLatency(Duration.ofMillis(2_500)));
        await().atMost(FleetFixture.WAIT).until(() -> timeouts(a) + timeouts(b) >= 3);

        // healthy again: every job polled cleanly a few more times
        Instant healthy = fx.sim.now();
        fx.sim.faults().set(Vendor.GENESYS, FaultSpec.none().withLatency(FleetFixture.SIM_LATENCY));
        await().atMost(FleetFixture.WAIT).until(() -> allQueues.stream().allMatch(q ->
                api(r -> r.at().isAfter(healthy) && r.status() == 200 && r.path().endsWith(OBSERVATIONS) && r.body().contains(q)).size() >= 2)
                && aggregateJobs.stream().allMatch(j -> api(r -> r.at().isAfter(healthy) && r.status() == 200
                        && r.path().endsWith(AGGREGATES) && r.body().contains(j.getQueueIds().get(0))).size() >= 2));
        Map<String, Long> reached = new HashMap<>();
        for (String job : jobs) {
            reached.put(job, a.poller().pollSequence(job).or(() -> b.poller().pollSequence(job)).orElse(0L));
        }
        a.close();
        b.close(); // graceful: the last polls are committed, nothing runs any more

        Map<String, Long> served = new TreeMap<>();
        allQueues.forEach(q -> served.put(q, fx.sim.queueSequence(q)));
        // observation jobs write records in every clean poll; interval jobs may have none when every bucket is empty
        Set<String> aggregateIds = aggregateJobs.stream().map(PollJob::getJobId).collect(Collectors.toSet());
        // and every queue's own partition must be read that far (a job's queues are keyed to different partitions, and
        // the killed poller's open transaction holds back read_committed readers of its partitions until it is aborted)
        List<PollJob> observationJobs = plan.credentials().stream().flatMap(c -> c.jobs().stream())
                .filter(j -> !aggregateIds.contains(j.getJobId())).toList();
        List<QueueStat> stats = fx.committedStats(read -> aggregateIds.stream().allMatch(j -> read.stream().anyMatch(s -> s.getJobId().equals(j)))
                && observationJobs.stream().allMatch(j -> j.getQueueIds().stream().allMatch(q -> read.stream()
                        .anyMatch(s -> s.getJobId().equals(j.getJobId()) && s.getQueueId().equals(q)
                                && s.getPollSequence() >= reached.get(j.getJobId())))));

        Map<String, List<Long>> committed = new TreeMap<>();
        for (QueueStat s : stats) {
            if (s.getMediaType() == null && s.getIntervalStart() == null) { // the all-media observation carries simSequence
                Double seq = s.getExtraMetrics().get("simSequence");
                assertThat(seq).as("simSequence of %s", s).isNotNull();
                committed.computeIfAbsent(s.getQueueId(), k -> new ArrayList<>()).add(seq.longValue());
            }
        }
        int missingTotal = 0;
        StringBuilder report = new StringBuilder();
        for (String q : allQueues) {
            List<Long> seqs = committed.getOrDefault(q, List.of());
            TreeSet<Long> distinct = new TreeSet<>(seqs);
            assertThat(seqs).as("queue %s: observations committed more than once", q).hasSameSizeAs(distinct);
            long n = served.get(q);
            assertThat(distinct.last()).as("queue %s: newest committed observation vs the %d the simulator served", q, n)
                    .isEqualTo(n);
            Set<Long> undelivered = new TreeSet<>(fx.sim.undeliveredSequences(q));
            assertThat(distinct).as("queue %s: observations the simulator says never reached a client intact", q)
                    .doesNotContainAnyElementsOf(undelivered);
            TreeSet<Long> missing = new TreeSet<>();
            TreeSet<Long> lostInHandovers = new TreeSet<>();
            for (long s = 1; s <= n; s++) {
                if (!distinct.contains(s)) {
                    missing.add(s);
                    if (!undelivered.contains(s)) {
                        lostInHandovers.add(s);
                    }
                }
            }
            // delivered but not committed: only a poll of the killed poller, or of a job revoked while the group changed
            assertThat(lostInHandovers.tailSet(settled.get(q), false))
                    .as("queue %s: observations delivered after the group settled (%d) yet never committed", q, settled.get(q))
                    .isEmpty();
            for (long m : missing) {
                assertThat(distinct.higher(m)).as("queue %s: observation %d was lost; a later one must be committed", q, m).isNotNull();
            }
            missingTotal += missing.size();
            TreeSet<Long> cut = new TreeSet<>(missing);
            cut.removeAll(lostInHandovers);
            report.append(String.format("  %s: served %d, committed %d, not committed %s: undelivered %s, delivered while the group changed %s%n",
                    q, n, distinct.size(), missing, cut, lostInHandovers));
        }
        System.out.printf("reconciliation: %d observations served, %d committed exactly once, %d not committed"
                        + " (answers no poll could commit), each re-observed:%n%s",
                served.values().stream().mapToLong(Long::longValue).sum(), committed.values().stream().mapToInt(List::size).sum(),
                missingTotal, report);
        assertIntervalsOnceLatestWins(stats, aggregateJobs, healthy);
        assertThat(api(r -> r.status() == 503)).as("503s injected").isNotEmpty();
        assertThat(api(r -> r.status() == 0)).as("TCP resets injected").isNotEmpty();
        assertThat(api(r -> r.status() == 429)).as("429s injected").isNotEmpty();
    }

    /**
     * Every closed interval once, latest value wins: within a poll each (queue, media type, interval) is written once;
     * reduced to the latest poll per key (what downstream keeps), the committed intervals closed before {@code cutoff}
     * are exactly those the simulator reports now for the same range, with the simulator's figures.
     */
    private void assertIntervalsOnceLatestWins(List<QueueStat> stats, List<PollJob> aggregateJobs, Instant cutoff) throws Exception {
        Set<String> perPoll = new java.util.HashSet<>();
        Map<String, QueueStat> latest = new TreeMap<>();
        for (QueueStat s : stats) {
            if (s.getIntervalStart() == null) {
                continue;
            }
            String key = s.getCredentialId() + "|" + s.getQueueId() + "|" + s.getMediaType() + "|" + s.getIntervalStart();
            assertThat(perPoll.add(s.getJobId() + "#" + s.getPollSequence() + "|" + key)).as("%s written twice in poll %d", key,
                    s.getPollSequence()).isTrue();
            latest.merge(key, s, (x, y) -> y.getPollSequence() >= x.getPollSequence() ? y : x);
        }
        int compared = 0;
        try (io.switchboard.poll.vendor.VendorPollExecutor oracle = io.switchboard.poll.vendor.VendorPollExecutor
                .builder(new io.switchboard.poll.vendor.TokenTableSource(fx.tokens)).build()) {
            for (PollJob job : aggregateJobs) {
                Instant from = latest.values().stream().filter(s -> s.getJobId().equals(job.getJobId())).map(QueueStat::getIntervalStart)
                        .min(Instant::compareTo).orElseThrow(() -> new AssertionError("no interval committed for " + job.getJobId()));
                PollOutcome truth = oracle.poll(job, new PollRequest(1, Instant.now(), from, Duration.ofHours(12)))
                        .get(60, java.util.concurrent.TimeUnit.SECONDS);
                assertThat(truth.errors()).as("the simulator's own figures for %s", job.getJobId()).isEmpty();
                Map<String, QueueStat> expected = new TreeMap<>();
                truth.stats().stream().filter(s -> !s.getIntervalStart().isBefore(from) && !s.getIntervalEnd().isAfter(cutoff))
                        .forEach(s -> expected.put(s.getCredentialId() + "|" + s.getQueueId() + "|" + s.getMediaType() + "|"
                                + s.getIntervalStart(), s));
                Map<String, QueueStat> actual = new TreeMap<>();
                latest.forEach((k, s) -> {
                    if (s.getJobId().equals(job.getJobId()) && !s.getIntervalEnd().isAfter(cutoff)) {
                        actual.put(k, s);
                    }
                });
                assertThat(actual.keySet()).as("%s: closed intervals committed vs the simulator's", job.getJobId())
                        .isEqualTo(expected.keySet());
                expected.forEach((k, want) -> {
                    QueueStat got = actual.get(k);
                    assertThat(java.util.Arrays.asList(got.getOffered(), got.getAnswered(), got.getAbandoned())).as("%s offered/answered/abandoned", k)
                            .isEqualTo(java.util.Arrays.asList(want.getOffered(), want.getAnswered(), want.getAbandoned()));
                });
                compared += expected.size();
            }
        }
        System.out.printf("intervals: %d closed (queue, media type, interval) values committed once each (latest wins), equal to"
                + " the simulator's%n", compared);
        assertThat(compared).as("closed intervals compared").isPositive();
    }

    private PollerProcess start(PollerConfig config, String id) {
        PollerProcess p = PollerProcess.start(config.withInstanceId(id), FleetFixture.vendorOptions(id, FleetFixture.faultOptions()),
                (component, reason, cause) -> { });
        fx.track(p);
        return p;
    }

    static final String OBSERVATIONS = "/observations/query";
    static final String AGGREGATES = "/aggregates/query";

    private static double timeouts(PollerProcess p) {
        return p.poller().meterRegistry().find("switchboard.poller.vendor.requests").tag("outcome", "timeout").counters().stream()
                .mapToDouble(Counter::count).sum();
    }

    /** The Genesys API requests (not logins) matching {@code filter}, oldest first. */
    private List<RecordedRequest> api(Predicate<RecordedRequest> filter) {
        return fx.sim.requests().of(Vendor.GENESYS).stream().filter(r -> r.path().contains("/api/v2/")).filter(filter).toList();
    }

    private Process startChild(Path config, String instanceId, Path log) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-cp", System.getProperty("java.class.path"), PollerChild.class.getName(), config.toString(), instanceId,
                "vendor");
        pb.environment().keySet().removeIf(k -> k.startsWith(PollerConfig.ENV_PREFIX));
        pb.environment().putAll(fx.env());
        pb.redirectErrorStream(true).redirectOutput(log.toFile());
        Process child = pb.start();
        children.add(child);
        return child;
    }
}
