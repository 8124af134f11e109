package io.switchboard.poll;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.switchboard.core.SwitchboardException;
import io.switchboard.core.Topics;
import io.switchboard.events.poll.PollError;
import io.switchboard.events.poll.PollJob;
import io.switchboard.simulator.RecordedRequest;
import io.switchboard.simulator.Vendor;
import io.switchboard.testkit.KafkaBroker;
import io.switchboard.testkit.WithKafka;

/**
 * The planning that runs inside the fleet: the owner of a credential's partition plans its jobs from the poll:
 * section and the vendor's queue list, by itself and on a schedule, with no {@code jobs apply}; queues that appear or
 * disappear at the vendor change the jobs without a restart; jobs of a credential without a poll: section are
 * tombstoned; a failing discovery leaves the jobs alone and reports a PollError.
 */
@WithKafka(scope = WithKafka.Scope.JVM)
class PollerPlanningIT {

    static KafkaBroker broker;

    private FleetFixture fx;

    @AfterEach
    void close() throws Exception {
        if (fx != null) {
            fx.close();
        }
    }

    private Map<String, List<PollJob>> jobsOnTopic(PollerConfig config) {
        try (JobPlanner reader = JobPlanner.create(config, null)) {
            return reader.list();
        }
    }

    private static Set<String> queuesOf(List<PollJob> jobs) {
        return jobs == null ? Set.of() : jobs.stream().flatMap(j -> j.getQueueIds().stream()).collect(Collectors.toSet());
    }

    @Test
    void theOwnerPlansItsCredentialsJobsByItselfAndFollowsQueuesAddedAndRemovedAtTheVendor() {
        fx = new FleetFixture(broker, 1, 2);
        String credential = fx.credentials.get(0);
        List<String> all = fx.sim.queueIds();
        Set<String> visible = new HashSet<>(all.subList(0, 5));
        SimQueueDiscovery discovery = new SimQueueDiscovery(fx.tokens);
        discovery.visible = visible::contains;

        // a credential that is no longer configured still has a job on the topic
        PollerConfig old = fx.pollerConfig("jobs-cli", "", """
                  - id: retired
                    provider: genesys-cloud
                    poll:
                      - {endpoint: genesys.queue-observations, name: live, queueIds: [q-old]}
                """);
        fx.applyJobs(old);
        assertThat(jobsOnTopic(old)).containsKey("retired");

        PollerConfig config = fx.pollerConfig("poller-1", "planInterval: PT2S", """
                  - id: %s
                    provider: genesys-cloud
                    poll:
                      - {endpoint: genesys.queue-observations, name: all, interval: PT5S, batchSize: 3}
                """.formatted(credential));
        Poller poller = fx.startPoller(Poller.builder(config, new SimObservationsExecutor("poller-1", fx.tokens)).discovery(discovery));

        await().atMost(FleetFixture.WAIT).until(() -> {
            Map<String, List<PollJob>> jobs = jobsOnTopic(config);
            return !jobs.containsKey("retired") && queuesOf(jobs.get(credential)).equals(visible);
        });
        assertThat(jobsOnTopic(config).get(credential)).extracting(PollJob::getJobId)
                .containsExactly(credential + "/all/1", credential + "/all/2");
        await().atMost(FleetFixture.WAIT).until(() -> poller.runningJobs().size() == 2 && polledQueues(Instant.MIN).containsAll(visible));

        // two queues appear at the vendor: the next plan takes them in, the next polls include them
        visible.addAll(all.subList(5, 7));
        await().atMost(FleetFixture.WAIT).until(() -> queuesOf(jobsOnTopic(config).get(credential)).equals(visible));
        Instant grown = Instant.now();
        await().atMost(FleetFixture.WAIT).until(() -> polledQueues(grown).containsAll(all.subList(5, 7)));

        // a queue disappears: its job is rewritten and the queue is no longer asked for
        String gone = all.get(0);
        visible.remove(gone);
        await().atMost(FleetFixture.WAIT).until(() -> !queuesOf(jobsOnTopic(config).get(credential)).contains(gone)
                && poller.runningJobs().size() == 3);
        Instant shrunk = Instant.now().plusSeconds(1);
        await().atMost(FleetFixture.WAIT).until(() -> polledQueues(shrunk).containsAll(visible));
        assertThat(polledQueues(shrunk)).doesNotContain(gone);
        assertThat(poller.meterRegistry().find("switchboard.poller.plan.runs").tags("credential", credential, "outcome", "ok")
                .counter().count()).isPositive();

        // the vendor's queue list fails: the jobs stay as they are and the failure is a PollError
        Map<String, List<PollJob>> before = jobsOnTopic(config);
        discovery.failure = new SwitchboardException("Genesys answered 503 on GET /api/v2/routing/queues");
        List<PollError> errors = fx.committed(new Topics(fx.prefix).pollErrors(), PollError.class,
                read -> read.stream().anyMatch(e -> e.getMessage().contains("503")));
        assertThat(errors).anySatisfy(e -> {
            assertThat(e.getCredentialId()).isEqualTo(credential);
            assertThat(e.getJobId()).isNull();
            assertThat(e.getKind()).isEqualTo("VENDOR_ERROR");
            assertThat(e.getMessage()).contains("job planning: poll entry all", "Genesys answered 503", "stay as they are");
        });
        assertThat(jobsOnTopic(config)).isEqualTo(before);
    }

    /** Queue ids the simulator was asked for in observation queries that arrived after {@code after}. */
    private Set<String> polledQueues(Instant after) {
        Set<String> out = new HashSet<>();
        for (RecordedRequest r : fx.sim.requests().matching(Vendor.GENESYS, "/observations/query")) {
            if (r.at().isAfter(after)) {
                for (String q : fx.sim.queueIds()) {
                    if (r.body().contains("\"" + q + "\"")) {
                        out.add(q);
                    }
                }
            }
        }
        return out;
    }
}
