package io.switchboard.poll;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.switchboard.core.supervise.Health;
import io.switchboard.events.poll.PollJob;
import io.switchboard.events.poll.QueueStat;
import io.switchboard.poll.FleetFixture.Poll;
import io.switchboard.simulator.FaultSpec;
import io.switchboard.simulator.Vendor;
import io.switchboard.testkit.KafkaBroker;
import io.switchboard.testkit.WithKafka;

/** Readiness with reasons, metrics, fatal failures and graceful shutdown of a real poller over HTTP and Kafka. */
@WithKafka(scope = WithKafka.Scope.JVM)
class PollerLifecycleIT {

    static final Duration INTERVAL = Duration.ofSeconds(5);

    static KafkaBroker broker;

    private final HttpClient http = HttpClient.newHttpClient();
    private FleetFixture fx;

    @AfterEach
    void close() throws Exception {
        if (fx != null) {
            fx.close();
        }
    }

    private HttpResponse<String> get(Poller poller, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + poller.opsPort() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private Set<String> jobsOf(JobPlan plan) {
        return plan.credentials().stream().flatMap(c -> c.jobs().stream()).map(PollJob::getJobId).collect(Collectors.toSet());
    }

    @Test
    void readyIsDownWithTheReasonUntilEveryCheckPassesAndMetricsShowTheFleetMeters() throws Exception {
        fx = new FleetFixture(broker, 2, 2);
        PollerConfig config = fx.pollerConfig("poller-1", fx.queuesPerCredential(4), INTERVAL);
        Set<String> jobs = jobsOf(fx.applyJobs(config));
        AtomicBoolean gate = new AtomicBoolean();
        Poller poller = fx.startPoller(Poller.builder(config, new SimObservationsExecutor("poller-1", fx.tokens))
                .readiness("test-gate", () -> gate.get() ? Health.ok() : Health.down("the test holds this poller back")));

        assertThat(get(poller, "/health").statusCode()).isEqualTo(200);
        HttpResponse<String> notReady = get(poller, "/ready");
        assertThat(notReady.statusCode()).isEqualTo(503);
        assertThat(notReady.body()).contains("\"status\":\"DOWN\"", "\"test-gate\":\"the test holds this poller back\"");

        gate.set(true);
        await().atMost(FleetFixture.WAIT).until(() -> get(poller, "/ready").statusCode() == 200);
        assertThat(get(poller, "/ready").body()).contains("\"jobs-assigned\":\"UP\"", "\"producer\":\"UP\"", "\"tokens-loaded\":\"UP\"",
                "\"assignment\":\"UP\"", "\"writer\":\"UP\"");

        await().atMost(FleetFixture.WAIT).until(() -> fx.pollsByJob().keySet().containsAll(jobs)
                && fx.pollsByJob().values().stream().allMatch(l -> l.size() >= 2));
        String metrics = get(poller, "/metrics").body();
        String credential = fx.credentials.get(0);
        assertThat(metrics)
                .contains("switchboard_poller_polls_total{credential=\"" + credential + "\",endpoint=\"genesys.queue-observations\",instance=\"poller-1\",outcome=\"ok\"}")
                .contains("switchboard_poller_poll_duration_seconds_bucket{endpoint=\"genesys.queue-observations\"")
                .contains("switchboard_poller_job_lag_seconds{credential=\"" + credential + "\",instance=\"poller-1\",job=\"" + credential + "/live/1\"}")
                .contains("switchboard_poller_records_total{credential=\"" + credential + "\",instance=\"poller-1\",topic=\"queue-stats\"}")
                .contains("switchboard_poller_poll_requests_total{credential=\"" + credential + "\"")
                .contains("switchboard_poller_skipped_slots_total{credential=\"" + credential + "\"")
                .contains("switchboard_poller_transactions_total{instance=\"poller-1\",outcome=\"committed\"}")
                .contains("switchboard_poller_jobs{instance=\"poller-1\"} 4.0")
                .contains("switchboard_poller_partitions{instance=\"poller-1\"} 2.0")
                .doesNotContain(fx.credentials.get(0) + "-secret");
    }

    @Test
    void aFatalFailureTurnsReadyDownWithTheReasonAndCallsTheFatalHandlerOnce() throws Exception {
        fx = new FleetFixture(broker, 1, 2);
        PollerConfig config = fx.pollerConfig("poller-1", fx.queuesPerCredential(4), INTERVAL);
        fx.applyJobs(config);
        List<String> fatal = new CopyOnWriteArrayList<>();
        PollExecutor broken = new PollExecutor() {
            @Override
            public CompletableFuture<PollOutcome> poll(PollJob job, PollRequest request) {
                throw new IllegalStateException("a bug in the mapper of " + job.getEndpoint());
            }

            @Override
            public void close() {
            }
        };
        Poller poller = fx.startPoller(Poller.builder(config, broken).onFatal((component, reason, cause) -> fatal.add(reason)));

        await().atMost(FleetFixture.WAIT).until(() -> !fatal.isEmpty());
        assertThat(fatal).singleElement().asString().contains("scheduler", "a bug in the mapper of genesys.queue-observations");
        assertThat(poller.fatal()).isCompleted();
        HttpResponse<String> ready = get(poller, "/ready");
        assertThat(ready.statusCode()).isEqualTo(503);
        assertThat(ready.body()).contains("\"scheduler\":\"FAILED: the poll executor failed on job");
        assertThat(poller.readiness().reason()).contains("scheduler: FAILED");
    }

    @Test
    void gracefulShutdownFinishesThePollInFlightCommitsItAndHandsTheJobsOverAtOnce() throws Exception {
        fx = new FleetFixture(broker, 4, 4);
        fx.sim.faults().set(Vendor.GENESYS, FaultSpec.none().withLatency(Duration.ofMillis(2_500)));
        // a long session timeout: jobs that move within seconds moved because the poller left the group
        String keys = "sessionTimeout: PT30S";
        String polls = FleetFixture.observationPolls(fx.queuesPerCredential(4), INTERVAL);
        PollerConfig c1 = fx.pollerConfig("poller-1", keys, polls);
        Set<String> jobs = jobsOf(fx.applyJobs(c1));
        Poller p1 = fx.startPoller(c1);
        Poller p2 = fx.startPoller(fx.pollerConfig("poller-2", keys, polls));
        await().atMost(FleetFixture.WAIT).until(() -> p1.runningJobs().size() == 4 && p2.runningJobs().size() == 4
                && fx.pollsByJob().keySet().containsAll(jobs));
        Set<String> leaving = new TreeSet<>(p1.runningJobs());

        await().atMost(FleetFixture.WAIT).until(() -> p1.pollsInFlight() > 0);
        Instant closing = Instant.now();
        p1.close();
        Instant closed = Instant.now();
        assertThat(Duration.between(closing, closed)).as("close() with polls of 2.5 s in flight (shutdownTimeout 10 s)")
                .isLessThan(Duration.ofSeconds(25));

        await().atMost(FleetFixture.WAIT).until(() -> p2.runningJobs().equals(jobs));
        Duration handover = Duration.between(closed, Instant.now());
        assertThat(handover).as("jobs moved after leave-group, not after the 30 s session timeout").isLessThan(Duration.ofSeconds(20));

        Map<String, List<Poll>> polls1 = fx.pollsByJob();
        Map<String, Long> byP1 = leaving.stream().collect(Collectors.toMap(j -> j,
                j -> polls1.get(j).stream().filter(p -> p.poller().equals("poller-1")).count()));
        List<QueueStat> stats = fx.committedStats(read -> leaving.stream().allMatch(j -> read.stream()
                .anyMatch(s -> s.getJobId().equals(j) && s.getPollSequence() == byP1.get(j))));
        for (String job : leaving) {
            Set<Long> committed = stats.stream().filter(s -> s.getJobId().equals(job)).map(QueueStat::getPollSequence)
                    .collect(Collectors.toCollection(TreeSet::new));
            assertThat(committed).as("%s: every poll poller-1 started, the one in flight at close included, is committed", job)
                    .containsAll(java.util.stream.LongStream.rangeClosed(1, byP1.get(job)).boxed().toList());
        }
        await().atMost(FleetFixture.WAIT).until(() -> leaving.stream().allMatch(j -> p2.pollSequence(j).orElse(0L) > byP1.get(j)));
    }

    @Test
    void aPollThatOutlivesTheShutdownBoundIsDroppedAndCloseStillReturns() throws Exception {
        fx = new FleetFixture(broker, 1, 2);
        PollerConfig config = fx.pollerConfig("poller-1", "shutdownTimeout: PT2S", FleetFixture.observationPolls(fx.queuesPerCredential(2), INTERVAL));
        fx.applyJobs(config);
        PollExecutor hanging = new PollExecutor() {
            @Override
            public CompletableFuture<PollOutcome> poll(PollJob job, PollRequest request) {
                return new CompletableFuture<>(); // the vendor never answers
            }

            @Override
            public void close() {
            }
        };
        Poller poller = fx.startPoller(Poller.builder(config, hanging));
        await().atMost(FleetFixture.WAIT).until(() -> poller.pollsInFlight() == 1);
        Instant closing = Instant.now();
        poller.close();
        assertThat(Duration.between(closing, Instant.now())).as("close() with a poll that never ends (shutdownTimeout 2 s)")
                .isLessThan(Duration.ofSeconds(20));
        assertThat(poller.runningJobs()).isEmpty();
    }
}
