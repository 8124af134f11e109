package io.switchboard.poll;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.switchboard.events.poll.QueueStat;
import io.switchboard.testkit.KafkaBroker;
import io.switchboard.testkit.WithKafka;

/**
 * The production wiring end to end: {@link PollerProcess} with the vendor executor and its discovery, a real token
 * manager, broker and schema registry, the simulator's Genesys. The owner plans the credential's jobs from
 * {@code queueNames} by itself, polls them with the real mapping and commits every poll once.
 */
@WithKafka(scope = WithKafka.Scope.JVM)
class PollerProcessIT {

    static KafkaBroker broker;

    private FleetFixture fx;

    @AfterEach
    void close() throws Exception {
        if (fx != null) {
            fx.close();
        }
    }

    @Test
    void jobsApplyPlansWithTheVendorsDiscoveryAndASecondApplyWritesNothing() {
        fx = new FleetFixture(broker, 1, 2);
        String credential = fx.credentials.get(0);
        PollerConfig config = fx.pollerConfig("jobs-cli", "", """
                  - id: %s
                    provider: genesys-cloud
                    poll:
                      - {endpoint: genesys.queue-observations, name: live, queueNames: ["*"], batchSize: 10}
                """.formatted(credential));
        try (JobPlanner planner = JobPlanner.createWithVendorDiscovery(config, java.time.Duration.ofSeconds(60))) {
            JobPlan plan = planner.plan();
            assertThat(plan.problems()).isEmpty();
            assertThat(planner.apply(plan)).isEqualTo(3);
            assertThat(planner.list().get(credential)).hasSize(3).flatExtracting(j -> j.getQueueIds())
                    .containsExactlyInAnyOrderElementsOf(fx.sim.queueIds());
            JobPlan again = planner.plan();
            assertThat(again.hasChanges()).isFalse();
            assertThat(planner.apply(again)).isZero();
            assertThat(JobPlanner.describe(planner.list())).contains(credential + "/live/1", "every 10s", "10 queue(s)");
        }
    }

    @Test
    void aPollerProcessPlansPollsAndCommitsWithTheVendorExecutor() throws Exception {
        fx = new FleetFixture(broker, 1, 2);
        String credential = fx.credentials.get(0);
        PollerConfig config = fx.pollerConfig("poller-1", "planInterval: PT2S", """
                  - id: %s
                    provider: genesys-cloud
                    poll:
                      requestsPerMinute: 0
                      jobs:
                        - {endpoint: genesys.queue-observations, name: live, interval: PT5S, queueNames: ["*"], batchSize: 10}
                """.formatted(credential));
        List<String> fatal = new CopyOnWriteArrayList<>();
        PollerProcess process = PollerProcess.start(config, (component, reason, cause) -> fatal.add(reason));
        fx.track(process);
        Poller poller = process.poller();

        Set<String> queues = new TreeSet<>(fx.sim.queueIds());
        await().atMost(FleetFixture.WAIT).until(() -> poller.isReady() && poller.runningJobs().size() == 3); // 25 queues, 10 per job
        await().atMost(FleetFixture.WAIT).until(() -> poller.runningJobs().stream().allMatch(j -> poller.pollSequence(j).orElse(0L) >= 3));
        assertThat(fatal).isEmpty();
        assertThat(process.executor().rateLimiter(credential)).isNotNull();

        List<QueueStat> stats = fx.committedStats(read -> read.stream().map(QueueStat::getQueueId).collect(Collectors.toSet())
                .containsAll(queues) && read.stream().filter(s -> s.getJobId().equals(credential + "/live/1"))
                .mapToLong(QueueStat::getPollSequence).max().orElse(0) >= 3);
        assertThat(stats).allSatisfy(s -> {
            assertThat(s.getCredentialId()).isEqualTo(credential);
            assertThat(s.getProvider()).isEqualTo("genesys-cloud");
            assertThat(s.getJobId()).startsWith(credential + "/live/");
        });
        assertThat(stats).filteredOn(s -> s.getMediaType() == null).extracting(QueueStat::getQueueId)
                .as("one all-media record per queue").containsAll(queues);
        for (String job : poller.runningJobs()) {
            Set<Long> seq = stats.stream().filter(s -> s.getJobId().equals(job)).map(QueueStat::getPollSequence)
                    .collect(Collectors.toCollection(TreeSet::new));
            assertThat(seq).as("%s committed polls", job).startsWith(1L, 2L);
        }
        String metrics = poller.meterRegistry().scrape();
        assertThat(metrics).contains("switchboard_poller_polls_total{credential=\"" + credential + "\"")
                .contains("switchboard_poller_vendor_requests_total{credential=\"" + credential + "\"")
                .contains("switchboard_poller_job_lag_seconds{credential=\"" + credential + "\"");
        process.close();
        assertThat(poller.runningJobs()).isEmpty();
    }
}
