package io.switchboard.poll;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import io.switchboard.core.SwitchboardException;
import io.switchboard.events.poll.PollJob;
import io.switchboard.poll.PollerConfig.CredentialPolls;
import io.switchboard.poll.QueueDiscovery.DiscoveredQueue;

/** Planning without Kafka: discovery, packing, the diff against the jobs on the topic. */
class JobPlannerTest {

    private static final Instant T0 = Instant.parse("2026-03-02T10:00:00Z");
    private static final Instant T1 = T0.plusSeconds(300);

    /** A discovery that answers what the test says (a real class, no mocking). */
    static final class ListedQueues implements QueueDiscovery {
        volatile List<DiscoveredQueue> queues = List.of();
        volatile RuntimeException failure;
        final List<String> asked = new ArrayList<>();

        @Override
        public CompletableFuture<List<DiscoveredQueue>> discover(String credentialId, String endpoint, Map<String, String> params) {
            asked.add(credentialId + " " + endpoint);
            return failure != null ? CompletableFuture.failedFuture(failure) : CompletableFuture.completedFuture(queues);
        }
    }

    private final ListedQueues discovery = new ListedQueues();

    private static PollerConfig config(List<CredentialPolls> credentials) {
        return PollerConfig.parse("""
                kafka: {bootstrapServers: "127.0.0.1:9"}
                schemaRegistry: {url: "http://127.0.0.1:9"}
                encryption: {activeKeyId: k1, keys: {k1: "${env:K}"}}
                poller: {discoveryTimeout: PT2S}
                """, "test.yaml", Map.of("K", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=")).withCredentials(credentials);
    }

    private static PollSpec spec(String name, List<String> ids, List<String> names, int batch) {
        return new PollSpec(name, Endpoints.GENESYS_QUEUE_OBSERVATIONS, Duration.ofSeconds(10), ids, names, List.of("oWaiting"), batch,
                Map.of(), true);
    }

    private static List<DiscoveredQueue> queues(int n) {
        return IntStream.rangeClosed(1, n).mapToObj(i -> new DiscoveredQueue("q" + i, (i % 2 == 0 ? "Support " : "Sales ") + i, null))
                .toList();
    }

    private CredentialPlan plan(Instant at, CredentialPolls credential, List<PollJob> current) {
        try (JobPlanner planner = JobPlanner.create(config(List.of(credential)), discovery, Clock.fixed(at, ZoneOffset.UTC))) {
            return planner.plan(credential, current).join();
        }
    }

    @Test
    void everyQueueOfTheEndpointIsPackedIntoJobsOfTheVendorsBatchSize() {
        discovery.queues = queues(250);
        CredentialPolls c = new CredentialPolls("genesys-eu", "genesys-cloud", List.of(spec("live", List.of(), List.of(), 100)));
        CredentialPlan plan = plan(T0, c, List.of());

        assertThat(plan.created()).extracting(PollJob::getJobId).containsExactly("genesys-eu/live/1", "genesys-eu/live/2", "genesys-eu/live/3");
        assertThat(plan.created()).extracting(j -> j.getQueueIds().size()).containsExactly(100, 100, 50);
        assertThat(plan.created().get(0).getQueueIds()).startsWith("q1", "q2");
        assertThat(plan.created()).allSatisfy(j -> {
            assertThat(j.getIntervalMs()).isEqualTo(10_000);
            assertThat(j.getEndpoint()).isEqualTo(Endpoints.GENESYS_QUEUE_OBSERVATIONS);
            assertThat(j.getMetrics()).containsExactly("oWaiting");
            assertThat(j.getUpdatedAt()).isEqualTo(T0);
        });
        assertThat(discovery.asked).containsExactly("genesys-eu genesys.queue-observations");
    }

    @Test
    void anUnchangedPlanRewritesNothingAndANewQueueChangesOneJob() {
        discovery.queues = queues(250);
        CredentialPolls c = new CredentialPolls("genesys-eu", "genesys-cloud", List.of(spec("live", List.of(), List.of(), 100)));
        List<PollJob> onTopic = plan(T0, c, List.of()).jobs();

        CredentialPlan again = plan(T1, c, onTopic);
        assertThat(again.hasChanges()).isFalse();
        assertThat(again.unchanged()).hasSize(3).allSatisfy(j -> assertThat(j.getUpdatedAt()).isEqualTo(T0));

        List<DiscoveredQueue> more = new ArrayList<>(queues(250));
        more.add(new DiscoveredQueue("q-new", "Support new", null));
        more.removeIf(q -> q.id().equals("q7")); // q7 was deleted at the vendor
        discovery.queues = more;
        CredentialPlan changed = plan(T1, c, onTopic);
        // the new queue takes the place q7 left: one job rewritten, the other two untouched
        assertThat(changed.updated()).extracting(PollJob::getJobId).containsExactly("genesys-eu/live/1");
        assertThat(changed.updated().get(0).getQueueIds()).doesNotContain("q7").contains("q1", "q-new").hasSize(100);
        assertThat(changed.updated().get(0).getUpdatedAt()).isEqualTo(T1);
        assertThat(changed.unchanged()).extracting(PollJob::getJobId).containsExactly("genesys-eu/live/2", "genesys-eu/live/3");

        more.add(new DiscoveredQueue("q-newer", "Sales newer", null));
        CredentialPlan grown = plan(T1, c, changed.jobs());
        assertThat(grown.updated()).extracting(PollJob::getJobId).containsExactly("genesys-eu/live/3");
        assertThat(grown.updated().get(0).getQueueIds()).endsWith("q-newer").hasSize(51);
        assertThat(changed.created()).isEmpty();
        assertThat(changed.removed()).isEmpty();
    }

    @Test
    void fewerQueuesTombstoneTheJobsLeftEmptyAndARemovedEntryTombstonesAllItsJobs() {
        discovery.queues = queues(250);
        CredentialPolls c = new CredentialPolls("genesys-eu", "genesys-cloud", List.of(spec("live", List.of(), List.of(), 100),
                spec("sales", List.of(), List.of("Sales*"), 100)));
        List<PollJob> onTopic = plan(T0, c, List.of()).jobs();
        assertThat(onTopic).extracting(PollJob::getJobId).contains("genesys-eu/sales/1", "genesys-eu/sales/2");

        discovery.queues = queues(150);
        CredentialPolls withoutSales = new CredentialPolls("genesys-eu", "genesys-cloud", List.of(spec("live", List.of(), List.of(), 100)));
        CredentialPlan plan = plan(T1, withoutSales, onTopic);
        assertThat(plan.removed()).containsExactlyInAnyOrder("genesys-eu/live/3", "genesys-eu/sales/1", "genesys-eu/sales/2");
        assertThat(plan.updated()).extracting(PollJob::getJobId).containsExactly("genesys-eu/live/2");
        assertThat(plan.jobs()).extracting(PollJob::getJobId).containsExactly("genesys-eu/live/1", "genesys-eu/live/2");
    }

    @Test
    void namePatternsSelectDiscoveredQueuesAndExplicitIdsNeedNoDiscovery() {
        discovery.queues = queues(10);
        CredentialPolls c = new CredentialPolls("genesys-eu", "genesys-cloud", List.of(
                spec("support", List.of(), List.of("Support ?", "Support 10"), 3),
                spec("fixed", List.of("q-a", "q-b"), List.of(), 100)));
        CredentialPlan plan = plan(T0, c, List.of());
        assertThat(plan.jobs()).extracting(PollJob::getJobId)
                .containsExactly("genesys-eu/support/1", "genesys-eu/support/2", "genesys-eu/fixed/1");
        assertThat(plan.jobs().get(0).getQueueIds()).containsExactly("q2", "q4", "q6");
        assertThat(plan.jobs().get(1).getQueueIds()).containsExactly("q8", "q10");
        assertThat(plan.jobs().get(2).getQueueIds()).containsExactly("q-a", "q-b");
        assertThat(discovery.asked).hasSize(1);
    }

    @Test
    void aFailedDiscoveryLeavesThatEntrysJobsAsTheyAreAndSaysWhy() {
        discovery.queues = queues(150);
        CredentialPolls c = new CredentialPolls("genesys-eu", "genesys-cloud", List.of(spec("live", List.of(), List.of(), 100)));
        List<PollJob> onTopic = plan(T0, c, List.of()).jobs();

        discovery.failure = new SwitchboardException("Genesys answered 503 on GET /api/v2/routing/queues");
        CredentialPlan plan = plan(T1, c, onTopic);
        assertThat(plan.hasChanges()).isFalse();
        assertThat(plan.jobs()).isEqualTo(onTopic);
        assertThat(plan.problems()).singleElement().asString()
                .contains("poll entry live", "Genesys answered 503", "its 2 job(s) stay as they are");
    }

    @Test
    void withoutDiscoveryOnlyExplicitQueuesArePlannedAndTheRestIsAProblem() {
        CredentialPolls c = new CredentialPolls("genesys-eu", "genesys-cloud", List.of(spec("live", List.of(), List.of(), 100),
                spec("fixed", List.of("q-a"), List.of(), 100)));
        try (JobPlanner planner = JobPlanner.create(config(List.of(c)), null, Clock.fixed(T0, ZoneOffset.UTC))) {
            CredentialPlan plan = planner.plan(c, List.of()).join();
            assertThat(plan.jobs()).extracting(PollJob::getJobId).containsExactly("genesys-eu/fixed/1");
            assertThat(plan.problems()).singleElement().asString().contains("needs queue discovery", "list queueIds");
        }
    }

    @Test
    void anEndpointWithoutBatchLimitIsOneJobAndAChangedIntervalIsAnUpdate() {
        PollSpec report = new PollSpec("report", Endpoints.COGNOS_REPORT_DATA, Duration.ofMinutes(1), List.of(), List.of(), List.of(), 0,
                Map.of("storeId", "iQueueStatsReport"), true);
        CredentialPolls c = new CredentialPolls("cognos", "cognos-analytics", List.of(report));
        CredentialPlan plan = plan(T0, c, List.of());
        assertThat(plan.created()).singleElement().satisfies(j -> {
            assertThat(j.getJobId()).isEqualTo("cognos/report/1");
            assertThat(j.getQueueIds()).isEmpty();
            assertThat(j.getParams()).containsEntry("storeId", "iQueueStatsReport");
        });
        PollSpec faster = new PollSpec("report", Endpoints.COGNOS_REPORT_DATA, Duration.ofSeconds(30), List.of(), List.of(), List.of(), 0,
                Map.of("storeId", "iQueueStatsReport"), true);
        CredentialPlan changed = plan(T1, new CredentialPolls("cognos", "cognos-analytics", List.of(faster)), plan.jobs());
        assertThat(changed.updated()).singleElement().satisfies(j -> assertThat(j.getIntervalMs()).isEqualTo(30_000));
        assertThat(discovery.asked).isEmpty();
    }

    @Test
    void theWholePlanRemovesTheJobsOfCredentialsWithoutAPollSection() {
        CredentialPolls c = new CredentialPolls("genesys-eu", "genesys-cloud", List.of(spec("fixed", List.of("q-a"), List.of(), 100)));
        PollJob orphan = PollJob.newBuilder().setJobId("old-cred/live/1").setCredentialId("old-cred").setEndpoint(Endpoints.GENESYS_QUEUE_OBSERVATIONS)
                .setIntervalMs(10_000).setUpdatedAt(T0).build();
        try (JobPlanner planner = JobPlanner.create(config(List.of(c)), null, Clock.fixed(T0, ZoneOffset.UTC))) {
            JobPlan plan = planner.plan(Map.of("old-cred", List.of(orphan)));
            assertThat(plan.credentials()).extracting(CredentialPlan::credentialId).containsExactly("genesys-eu", "old-cred");
            assertThat(plan.credentials().get(1).removed()).containsExactly("old-cred/live/1");
            assertThat(plan.describe()).contains("genesys-eu: 1 job(s), 1 created", "old-cred: 0 job(s), 0 created, 0 updated, 0 unchanged, 1 removed");
        }
        assertThat(JobPlanner.describe(Map.of("old-cred", List.of(orphan)))).contains("old-cred/live/1", "every 10s", "0 queue(s)");
    }
}
