package io.switchboard.poll;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.switchboard.events.poll.PollJob;
import io.switchboard.poll.FleetFixture.Poll;
import io.switchboard.testkit.KafkaBroker;
import io.switchboard.testkit.WithKafka;

/**
 * A fleet spreads credentials, not just partitions: four credentials in twelve partitions over two pollers that start
 * one after the other (as in {@code switchboard demo}) end up two and two. The credentials are chosen in partitions 0-5
 * on purpose: the plain cooperative sticky assignor lets the first poller keep the first six partitions it owned, so
 * all four stayed there and the second poller sat idle with six empty partitions.
 */
@WithKafka(scope = WithKafka.Scope.JVM)
class PollerSpreadIT {

    static final int PARTITIONS = 12;
    static final Duration INTERVAL = Duration.ofSeconds(2);

    static KafkaBroker broker;

    private FleetFixture fx;

    @AfterEach
    void closeAll() throws Exception {
        if (fx != null) {
            fx.close();
        }
    }

    @Test
    void fourCredentialsOverTwoPollersSplitTwoAndTwo() {
        List<String> credentials = FleetFixture.credentialsInDistinctPartitions(4, PARTITIONS, p -> p < PARTITIONS / 2);
        fx = new FleetFixture(broker, credentials, PARTITIONS);
        PollerConfig config = fx.pollerConfig("poller-1", fx.queuesPerCredential(2), INTERVAL);
        JobPlan plan = fx.applyJobs(config);
        Map<String, String> credentialOfJob = plan.credentials().stream().flatMap(c -> c.jobs().stream())
                .collect(Collectors.toMap(PollJob::getJobId, PollJob::getCredentialId));
        assertThat(credentialOfJob).hasSize(4);

        Poller p1 = fx.startPoller(config);
        await().atMost(FleetFixture.WAIT).until(() -> p1.runningJobs().equals(credentialOfJob.keySet()));
        Poller p2 = fx.startPoller(config.withInstanceId("poller-2"));
        await().atMost(FleetFixture.WAIT).until(() -> p1.isReady() && p2.isReady()
                && credentialsOf(p1, credentialOfJob).size() == 2 && credentialsOf(p2, credentialOfJob).size() == 2);
        assertThat(p1.ownedPartitions()).hasSize(PARTITIONS / 2);
        assertThat(p2.ownedPartitions()).hasSize(PARTITIONS / 2);

        // and they really poll them: the simulator sees both pollers
        Instant split = Instant.now();
        await().atMost(FleetFixture.WAIT).until(() -> fx.pollsByJob().values().stream().flatMap(List::stream)
                .filter(p -> p.at().isAfter(split)).map(Poll::poller).collect(Collectors.toSet()).containsAll(Set.of("poller-1", "poller-2")));
        System.out.printf("spread: poller-1 polls %s, poller-2 polls %s%n", credentialsOf(p1, credentialOfJob), credentialsOf(p2, credentialOfJob));
    }

    private static Set<String> credentialsOf(Poller p, Map<String, String> credentialOfJob) {
        return p.runningJobs().stream().map(credentialOfJob::get).collect(Collectors.toSet());
    }
}
