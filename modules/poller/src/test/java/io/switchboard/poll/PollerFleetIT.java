package io.switchboard.poll;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.switchboard.events.poll.PollJob;
import io.switchboard.events.poll.QueueStat;
import io.switchboard.poll.FleetFixture.Poll;
import io.switchboard.testkit.KafkaBroker;
import io.switchboard.testkit.WithKafka;

/**
 * Several pollers against a real broker, the simulator and a real token manager: the consumer group shares the jobs
 * (all of a credential's jobs in one partition), the simulator's request log shows who polled which job when, and
 * {@code queue-stats} read {@code read_committed} shows that every poll was committed exactly once, continuing across
 * handovers.
 */
@WithKafka(scope = WithKafka.Scope.JVM)
class PollerFleetIT {

    static final Duration INTERVAL = Duration.ofSeconds(5);
    static final Duration SESSION_TIMEOUT = Duration.ofSeconds(6);
    /**
     * Time the group needs after it noticed a crash: the survivors rejoin (heartbeat 0.5 s), the partitions are
     * assigned, their jobs and committed progress read. Not part of the acceptance bound, measured separately.
     */
    static final Duration REBALANCE_ALLOWANCE = Duration.ofSeconds(4);
    /** Requests arrive a little after their slot (scheduling and network jitter). */
    static final Duration ARRIVAL_JITTER = Duration.ofSeconds(1);

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
    void threePollersShareTheJobsThroughScaleOutAndScaleInWithoutOverlapsGapsOrDuplicates() {
        fx = new FleetFixture(broker, 6, 6);
        PollerConfig config = fx.pollerConfig("poller-1", fx.queuesPerCredential(4), INTERVAL);
        JobPlan plan = fx.applyJobs(config);
        assertThat(plan.credentials()).hasSize(6).allSatisfy(c -> assertThat(c.created()).hasSize(2));
        Set<String> jobs = plan.credentials().stream().flatMap(c -> c.jobs().stream()).map(PollJob::getJobId).collect(Collectors.toSet());

        Poller p1 = fx.startPoller(config);
        await().atMost(FleetFixture.WAIT).until(() -> p1.runningJobs().equals(jobs) && polledAtLeast(jobs, 2, Instant.MIN));

        // scale out 1 -> 3
        Poller p2 = fx.startPoller(config.withInstanceId("poller-2"));
        Poller p3 = fx.startPoller(config.withInstanceId("poller-3"));
        await().atMost(FleetFixture.WAIT).until(() -> List.of(p1, p2, p3).stream().allMatch(p -> p.isReady() && !p.runningJobs().isEmpty())
                && runningOnce(jobs, p1, p2, p3));
        Instant spread = Instant.now();
        await().atMost(FleetFixture.WAIT).until(() -> polledAtLeast(jobs, 2, spread));
        assertThat(runningOnce(jobs, p1, p2, p3)).as("every job runs on exactly one poller").isTrue();
        assertThat(fx.pollsByJob().values().stream().flatMap(List::stream).filter(p -> p.at().isAfter(spread)).map(Poll::poller)
                .collect(Collectors.toSet())).containsExactlyInAnyOrder("poller-1", "poller-2", "poller-3");

        // scale in 3 -> 1: graceful shutdown hands the jobs over at once
        p3.close();
        p2.close();
        await().atMost(FleetFixture.WAIT).until(() -> p1.runningJobs().equals(jobs));
        Instant alone = Instant.now();
        await().atMost(FleetFixture.WAIT).until(() -> polledAtLeast(jobs, 2, alone));
        p1.close();

        Map<String, List<Poll>> polls = fx.pollsByJob();
        for (String job : jobs) {
            List<Poll> mine = polls.get(job);
            System.out.printf("%s: %d polls, longest gap %d ms, shortest %d ms%n", job, mine.size(),
                    gaps(mine).stream().mapToLong(Duration::toMillis).max().orElse(0),
                    gaps(mine).stream().mapToLong(Duration::toMillis).min().orElse(0));
            for (int i = 1; i < mine.size(); i++) {
                Duration gap = Duration.between(mine.get(i - 1).at(), mine.get(i).at());
                assertThat(gap).as("%s: poll %d by %s after poll %d by %s (no two pollers poll a job at overlapping times)",
                        job, i + 1, mine.get(i).poller(), i, mine.get(i - 1).poller()).isGreaterThan(INTERVAL.dividedBy(2));
                assertThat(gap).as("%s: poll %d by %s after poll %d by %s (never unpolled longer than two intervals)",
                        job, i + 1, mine.get(i).poller(), i, mine.get(i - 1).poller()).isLessThanOrEqualTo(INTERVAL.multipliedBy(2).plus(ARRIVAL_JITTER));
            }
        }
        assertThat(polls.values().stream().filter(l -> l.stream().map(Poll::poller).distinct().count() > 1).count())
                .as("jobs that moved between pollers").isPositive();
        assertExactlyOnce(jobs, polls);
    }

    @Test
    void aKilledPollersJobsArePolledAgainWithinTheSessionTimeoutPlusOneIntervalAndContinueTheirSequence(@TempDir Path dir)
            throws Exception {
        fx = new FleetFixture(broker, 4, 4);
        Map<String, List<String>> queues = fx.queuesPerCredential(4);
        PollerConfig config = fx.pollerConfig("poller-survivor", queues, INTERVAL);
        JobPlan plan = fx.applyJobs(config);
        Set<String> jobs = plan.credentials().stream().flatMap(c -> c.jobs().stream()).map(PollJob::getJobId).collect(Collectors.toSet());
        assertThat(jobs).hasSize(8);

        Path yaml = Files.writeString(dir.resolve("poller.yaml"), fx.pollerYaml("poller-child", queues, INTERVAL));
        Path log = dir.resolve("child.log");
        Process child = startChild(yaml, "poller-child", log);
        await().atMost(FleetFixture.WAIT).untilAsserted(() -> {
            String out = Files.exists(log) ? Files.readString(log) : "";
            assertThat(child.isAlive()).as("child poller exited; its output:%n%s", out).isTrue();
            assertThat(out.lines()).as("output of the child poller").anyMatch(l -> l.startsWith(PollerChild.READY));
        });
        await().atMost(FleetFixture.WAIT).until(() -> polledBy(jobs, "poller-child"));

        Poller survivor = fx.startPoller(config);
        await().atMost(FleetFixture.WAIT).until(() -> survivor.isReady() && survivor.ownedPartitions().size() == 2
                && survivor.runningJobs().size() == 4);
        Set<String> childJobs = new TreeSet<>(jobs);
        childJobs.removeAll(survivor.runningJobs());
        Instant split = Instant.now();
        await().atMost(FleetFixture.WAIT).until(() -> childJobs.stream().allMatch(j -> fx.pollsByJob().get(j).stream()
                .anyMatch(p -> p.poller().equals("poller-child") && p.at().isAfter(split))));

        child.destroyForcibly().waitFor(); // SIGKILL: no leave-group, an open transaction may be left behind
        Instant killed = Instant.now();
        await().atMost(FleetFixture.WAIT).until(() -> survivor.runningJobs().equals(jobs) && childJobs.stream()
                .allMatch(j -> fx.pollsByJob().get(j).stream().anyMatch(p -> p.poller().equals("poller-survivor") && p.at().isAfter(killed))));

        Duration bound = SESSION_TIMEOUT.plus(INTERVAL);
        Map<String, List<Poll>> polls = fx.pollsByJob();
        for (String job : childJobs) {
            Poll first = polls.get(job).stream().filter(p -> p.poller().equals("poller-survivor") && p.at().isAfter(killed))
                    .findFirst().orElseThrow();
            System.out.printf("%s: first poll by the survivor %d ms after the SIGKILL%n", job, Duration.between(killed, first.at()).toMillis());
            assertThat(Duration.between(killed, first.at())).as("%s: from the SIGKILL to its first poll by the survivor"
                    + " (session timeout %s + one interval %s, + %s for the rebalance)", job, SESSION_TIMEOUT, INTERVAL, REBALANCE_ALLOWANCE)
                    .isLessThanOrEqualTo(bound.plus(REBALANCE_ALLOWANCE));
        }
        for (String job : jobs) {
            assertThat(polls.get(job).stream().filter(p -> p.at().isAfter(killed)).map(Poll::poller).distinct().toList())
                    .as("%s after the kill", job).containsExactly("poller-survivor");
        }
        Map<String, Long> reached = new HashMap<>();
        await().atMost(FleetFixture.WAIT).until(() -> {
            jobs.forEach(j -> reached.put(j, survivor.pollSequence(j).orElse(0L)));
            return reached.values().stream().allMatch(s -> s > 2);
        });
        // read_committed: the child's open transaction (if any) is aborted after poller.transactionTimeout
        List<QueueStat> stats = fx.committedStats(read -> jobs.stream().allMatch(j -> read.stream()
                .anyMatch(s -> s.getJobId().equals(j) && s.getPollSequence() >= reached.get(j))));
        Map<String, TreeSet<Long>> sequences = sequencesByJob(stats);
        for (String job : childJobs) {
            TreeSet<Long> seq = sequences.get(job);
            Set<Long> bySurvivor = stats.stream().filter(s -> s.getJobId().equals(job)).map(QueueStat::getPollSequence)
                    .filter(s -> s > seq.first()).collect(Collectors.toSet());
            assertThat(bySurvivor).isNotEmpty();
        }
        assertContiguousAndUnique(stats, jobs);
    }

    /** Every job's committed polls are 1..n without gaps, each (sequence, queue, media type) once, n = polls seen. */
    private void assertExactlyOnce(Set<String> jobs, Map<String, List<Poll>> polls) {
        List<QueueStat> stats = fx.committedStats(read -> jobs.stream().allMatch(j -> read.stream()
                .filter(s -> s.getJobId().equals(j)).mapToLong(QueueStat::getPollSequence).max().orElse(0) >= polls.get(j).size()));
        assertContiguousAndUnique(stats, jobs);
        Map<String, TreeSet<Long>> sequences = sequencesByJob(stats);
        for (String job : jobs) {
            assertThat(sequences.get(job).last()).as("%s: committed polls vs. polls the simulator answered", job)
                    .isEqualTo(polls.get(job).size());
        }
    }

    private static void assertContiguousAndUnique(List<QueueStat> stats, Set<String> jobs) {
        Set<String> seen = new HashSet<>();
        for (QueueStat s : stats) {
            String id = s.getJobId() + "#" + s.getPollSequence() + "#" + s.getQueueId() + "#" + s.getMediaType();
            assertThat(seen.add(id)).as("record %s committed twice", id).isTrue();
        }
        Map<String, TreeSet<Long>> sequences = sequencesByJob(stats);
        for (String job : jobs) {
            TreeSet<Long> seq = sequences.get(job);
            assertThat(seq).as("%s has committed polls", job).isNotNull();
            assertThat(seq.first()).as("%s: first committed sequence", job).isEqualTo(1);
            assertThat(seq.last() - seq.first() + 1).as("%s: sequences %s have no gaps", job, seq).isEqualTo(seq.size());
        }
    }

    private static Map<String, TreeSet<Long>> sequencesByJob(List<QueueStat> stats) {
        Map<String, TreeSet<Long>> out = new TreeMap<>();
        stats.forEach(s -> out.computeIfAbsent(s.getJobId(), k -> new TreeSet<>()).add(s.getPollSequence()));
        return out;
    }

    private static List<Duration> gaps(List<Poll> polls) {
        List<Duration> out = new ArrayList<>();
        for (int i = 1; i < polls.size(); i++) {
            out.add(Duration.between(polls.get(i - 1).at(), polls.get(i).at()));
        }
        return out;
    }

    private boolean polledAtLeast(Set<String> jobs, int times, Instant after) {
        Map<String, List<Poll>> polls = fx.pollsByJob();
        return jobs.stream().allMatch(j -> polls.getOrDefault(j, List.of()).stream().filter(p -> p.at().isAfter(after)).count() >= times);
    }

    private boolean polledBy(Set<String> jobs, String poller) {
        Map<String, List<Poll>> polls = fx.pollsByJob();
        return jobs.stream().allMatch(j -> polls.getOrDefault(j, List.of()).stream().anyMatch(p -> p.poller().equals(poller)));
    }

    private static boolean runningOnce(Set<String> jobs, Poller... pollers) {
        List<String> all = new ArrayList<>();
        for (Poller p : pollers) {
            all.addAll(p.runningJobs());
        }
        return all.size() == jobs.size() && new HashSet<>(all).equals(jobs);
    }

    private Process startChild(Path config, String instanceId, Path log) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-cp", System.getProperty("java.class.path"), PollerChild.class.getName(), config.toString(), instanceId);
        pb.environment().keySet().removeIf(k -> k.startsWith(PollerConfig.ENV_PREFIX));
        pb.environment().putAll(fx.env());
        pb.redirectErrorStream(true).redirectOutput(log.toFile());
        Process child = pb.start();
        children.add(child);
        return child;
    }
}
