package io.switchboard.poll;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.switchboard.events.poll.PollJob;
import io.switchboard.events.poll.QueueStat;
import io.switchboard.simulator.RecordedRequest;
import io.switchboard.simulator.Vendor;
import io.switchboard.testkit.KafkaBroker;
import io.switchboard.testkit.WithKafka;

/**
 * The vendor rate limit holds for the whole fleet: three pollers in production wiring ({@link PollerProcess}: vendor
 * executor, token table, per-credential rate limiter), ONE credential with a budget of {@value #LIMIT} requests per
 * minute and jobs that would want eight times that. The simulator's request log over more than a minute of real time,
 * including a handover of the credential from one poller to another, shows at most {@value #LIMIT} requests in every
 * 60-second window, one poller at a time sending them, and no two polls of one job in flight at once. Everything is
 * asserted on the request log and the committed records, never on timing.
 */
@WithKafka(scope = WithKafka.Scope.JVM)
class PollerRateLimitIT {

    static final int LIMIT = 30;
    static final Duration INTERVAL = Duration.ofSeconds(1);
    static final Duration WINDOW = Duration.ofSeconds(60);
    /** Length of the observed run, from the first vendor request to the last one looked at. */
    static final Duration RUN = Duration.ofSeconds(75);
    private static final ObjectMapper JSON = new ObjectMapper();

    static KafkaBroker broker;

    private FleetFixture fx;

    @AfterEach
    void closeAll() throws Exception {
        if (fx != null) {
            fx.close();
        }
    }

    @Test
    void threePollersOneCredentialNeverExceedTheCredentialsRequestsPerMinuteAndNeverOverlapAJob() {
        fx = new FleetFixture(broker, 1, 3);
        String credential = fx.credentials.get(0);
        List<String> queues = fx.sim.queueIds().subList(0, 8);
        String credentials = """
                  - id: %s
                    provider: genesys-cloud
                    poll:
                      requestsPerMinute: %d
                      jobs:
                        - endpoint: genesys.queue-observations
                          name: live
                          interval: %s
                          batchSize: 2
                          queueIds: [%s]
                """.formatted(credential, LIMIT, INTERVAL, String.join(", ", queues));
        PollerConfig config = fx.pollerConfig("poller-1", "", credentials);
        JobPlan plan = fx.applyJobs(config);
        Set<String> jobs = plan.credentials().stream().flatMap(c -> c.jobs().stream()).map(PollJob::getJobId).collect(Collectors.toSet());
        assertThat(jobs).hasSize(4);

        Map<String, PollerProcess> pollers = new LinkedHashMap<>();
        for (String id : List.of("poller-1", "poller-2", "poller-3")) {
            PollerProcess p = PollerProcess.start(config.withInstanceId(id), FleetFixture.vendorOptions(id), (component, reason, cause) -> { });
            fx.track(p);
            pollers.put(id, p);
        }
        await().atMost(FleetFixture.WAIT).until(() -> pollers.values().stream().allMatch(p -> p.poller().isReady())
                && pollers.values().stream().filter(p -> p.poller().runningJobs().equals(jobs)).count() == 1);
        await().atMost(FleetFixture.WAIT).until(() -> apiRequests().size() >= LIMIT / 2);
        String firstOwner = owner(pollers, jobs);

        // hand the credential over in the middle of the run: graceful shutdown of its owner
        pollers.get(firstOwner).close();
        await().atMost(FleetFixture.WAIT).until(() -> pollers.entrySet().stream()
                .anyMatch(e -> !e.getKey().equals(firstOwner) && e.getValue().poller().runningJobs().equals(jobs)));
        String secondOwner = owner(pollers, jobs);
        await().atMost(FleetFixture.WAIT.plus(RUN)).until(() -> {
            List<RecordedRequest> r = apiRequests();
            return !r.isEmpty() && Duration.between(r.get(0).at(), r.get(r.size() - 1).at()).compareTo(RUN) >= 0
                    && r.stream().anyMatch(x -> poller(x).equals(secondOwner));
        });

        List<RecordedRequest> log = apiRequests();
        Instant end = log.get(0).at().plus(RUN);
        List<RecordedRequest> run = log.stream().filter(r -> !r.at().isAfter(end)).toList();

        // 1. at most LIMIT requests in every 60 s window (windows starting at each request are the worst ones)
        int worst = 0;
        for (int i = 0; i < run.size(); i++) {
            Instant windowEnd = run.get(i).at().plus(WINDOW);
            int inWindow = 0;
            for (int k = i; k < run.size() && run.get(k).at().isBefore(windowEnd); k++) {
                inWindow++;
            }
            worst = Math.max(worst, inWindow);
            assertThat(inWindow).as("requests of %s in the 60 s from %s (limit %d per minute)", credential, run.get(i).at(), LIMIT)
                    .isLessThanOrEqualTo(LIMIT);
        }
        System.out.printf("rate limit: %d requests of %s in %s, busiest 60 s window %d (limit %d), owners %s then %s%n",
                run.size(), credential, RUN, worst, LIMIT, firstOwner, secondOwner);
        assertThat(worst).as("the jobs want more than the limit, so the limiter is what bounds them").isGreaterThanOrEqualTo(LIMIT / 2);

        // 2. one poller at a time: the first owner's requests all come before the second owner's
        List<String> senders = run.stream().map(PollerRateLimitIT::poller).toList();
        assertThat(new HashSet<>(senders)).as("pollers that sent requests of %s", credential).containsExactlyInAnyOrder(firstOwner, secondOwner);
        int lastOfFirst = senders.lastIndexOf(firstOwner);
        int firstOfSecond = senders.indexOf(secondOwner);
        assertThat(lastOfFirst).as("the last request of %s comes before the first of %s (never both at once)", firstOwner, secondOwner)
                .isLessThan(firstOfSecond);

        // 3. no overlapping polls of a job: each request of a job arrives after the previous one was answered
        //    (the simulator holds every answer for FleetFixture.SIM_LATENCY)
        Map<Set<String>, List<RecordedRequest>> byJob = new LinkedHashMap<>();
        for (RecordedRequest r : run) {
            byJob.computeIfAbsent(queueIds(r), k -> new ArrayList<>()).add(r);
        }
        assertThat(byJob).as("one queue set per job").hasSize(4);
        byJob.forEach((queueSet, requests) -> {
            for (int i = 1; i < requests.size(); i++) {
                RecordedRequest before = requests.get(i - 1);
                RecordedRequest next = requests.get(i);
                assertThat(next.at()).as("job of queues %s: request %d (by %s) arrived before request %d (by %s, at %s) was answered",
                        queueSet, i + 1, poller(next), i, poller(before), before.at())
                        .isAfterOrEqualTo(before.at().plus(FleetFixture.SIM_LATENCY));
            }
        });

        // 4. every poll committed once, sequences continuing across the handover
        Map<String, Long> reached = new LinkedHashMap<>();
        PollerProcess owner = pollers.get(secondOwner);
        jobs.forEach(j -> reached.put(j, owner.poller().pollSequence(j).orElse(0L)));
        List<QueueStat> stats = fx.committedStats(read -> jobs.stream().allMatch(j -> read.stream()
                .anyMatch(s -> s.getJobId().equals(j) && s.getPollSequence() >= reached.get(j))));
        Set<String> seen = new HashSet<>();
        Map<String, TreeSet<Long>> sequences = new LinkedHashMap<>();
        for (QueueStat s : stats) {
            String id = s.getJobId() + "#" + s.getPollSequence() + "#" + s.getQueueId() + "#" + s.getMediaType();
            assertThat(seen.add(id)).as("record %s committed twice", id).isTrue();
            sequences.computeIfAbsent(s.getJobId(), k -> new TreeSet<>()).add(s.getPollSequence());
        }
        for (String job : jobs) {
            TreeSet<Long> seq = sequences.get(job);
            assertThat(seq).as("%s has committed polls", job).isNotNull();
            assertThat(seq.first()).as("%s: first committed sequence", job).isEqualTo(1);
            assertThat(seq.last() - seq.first() + 1).as("%s: sequences %s have no gaps", job, seq).isEqualTo(seq.size());
        }
    }

    private static String poller(RecordedRequest r) {
        return FleetFixture.sender(r);
    }

    private static String owner(Map<String, PollerProcess> pollers, Set<String> jobs) {
        return pollers.entrySet().stream().filter(e -> e.getValue().poller().runningJobs().equals(jobs)).map(Map.Entry::getKey)
                .findFirst().orElseThrow();
    }

    /** The Genesys API requests of the run (logins are not API requests), oldest first. */
    private List<RecordedRequest> apiRequests() {
        return fx.sim.requests().of(Vendor.GENESYS).stream().filter(r -> r.path().contains("/api/v2/")).toList();
    }

    private static Set<String> queueIds(RecordedRequest r) {
        Set<String> out = new TreeSet<>();
        try {
            collectQueueIds(JSON.readTree(r.body()), out);
        } catch (java.io.IOException e) {
            throw new AssertionError("unreadable request body " + r.body(), e);
        }
        return out;
    }

    private static void collectQueueIds(JsonNode node, Set<String> out) {
        if ("queueId".equals(node.path("dimension").asText()) && node.hasNonNull("value")) {
            out.add(node.get("value").asText());
        }
        node.forEach(child -> collectQueueIds(child, out));
    }
}
