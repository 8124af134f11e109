package io.switchboard.poll.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.switchboard.core.SwitchboardException;
import io.switchboard.core.supervise.Supervisor;
import io.switchboard.events.poll.PollJob;

/** The scheduler on a virtual clock: slots, one poll in flight, skipped slots, progress, stopping. */
class JobSchedulerTest {

    private static final Instant T0 = Instant.parse("2026-03-02T10:00:00Z");
    private static final Duration LOOK_BACK = Duration.ofHours(6);

    private final VirtualPollTasks tasks = new VirtualPollTasks(T0);
    private final ScriptedPollExecutor executor = new ScriptedPollExecutor(tasks::now);
    private final InMemoryPollWriter writer = new InMemoryPollWriter();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final PollerMetrics metrics = new PollerMetrics(registry);
    private final AtomicReference<String> fatal = new AtomicReference<>();
    private final Supervisor supervisor = new Supervisor("poller", Clock.fixed(T0, ZoneOffset.UTC), new Random(7),
            (component, reason, cause) -> fatal.set(reason));
    private final JobScheduler scheduler = new JobScheduler("poller-1", tasks, executor, writer, metrics, LOOK_BACK,
            supervisor.component("scheduler"));

    private static PollJob job(String id, long intervalMs, String... queues) {
        return PollJob.newBuilder().setJobId(id).setCredentialId("genesys-eu").setEndpoint("genesys.queue-observations")
                .setQueueIds(List.of(queues)).setIntervalMs(intervalMs).setUpdatedAt(T0).build();
    }

    private void start(PollJob job, JobProgress progress) {
        scheduler.upsert(job, 0, progress);
        tasks.runDue();
    }

    @Test
    void pollsOnSlotsAlignedToTheIntervalWithAStablePerJobOffset() {
        PollJob job = job("genesys-eu/live/1", 10_000, "q1", "q2");
        long offset = Slots.offsetMs(job.getJobId(), 10_000);
        start(job, null);
        tasks.advance(Duration.ofSeconds(40));

        List<ScriptedPollExecutor.Call> calls = executor.calls(job.getJobId());
        assertThat(calls).hasSize(4);
        for (int i = 0; i < calls.size(); i++) {
            ScriptedPollExecutor.Call c = calls.get(i);
            assertThat(Math.floorMod(c.at().toEpochMilli(), 10_000L)).as("offset of poll %d", i + 1).isEqualTo(offset);
            assertThat(c.request().scheduledAt()).isEqualTo(c.at());
            assertThat(c.request().pollSequence()).isEqualTo(i + 1);
            assertThat(c.request().lookBack()).isEqualTo(LOOK_BACK);
            if (i > 0) {
                assertThat(Duration.between(calls.get(i - 1).at(), c.at())).isEqualTo(Duration.ofSeconds(10));
            }
        }
        assertThat(calls.get(0).at()).isAfter(T0).isBeforeOrEqualTo(T0.plusSeconds(10));
        assertThat(writer.committed()).extracting(r -> r.progress().getPollSequence()).containsExactly(1L, 2L, 3L, 4L);
        assertThat(writer.committed().get(3).progress().getOwnerId()).isEqualTo("poller-1");
        assertThat(scheduler.view(job.getJobId()).pollSequence()).isEqualTo(4);
        assertThat(metrics.count("switchboard.poller.polls", "outcome", "ok")).isEqualTo(4);
    }

    @Test
    void offsetsSpreadAThousandJobsOverTheWholeInterval() {
        int[] perSecond = new int[10];
        for (int i = 0; i < 1_000; i++) {
            perSecond[(int) (Slots.offsetMs("genesys-eu/live/" + i, 10_000) / 1_000)]++;
        }
        for (int s = 0; s < 10; s++) {
            assertThat(perSecond[s]).as("jobs whose slot falls in second %d of 10", s).isBetween(60, 140);
        }
    }

    @Test
    void aSlowPollSkipsTheSlotsItOverlapsAndNeverQueuesThemUp() {
        PollJob job = job("genesys-eu/live/1", 10_000, "q1");
        executor.manual();
        start(job, null);
        tasks.advance(Duration.ofSeconds(10));
        assertThat(executor.calls()).hasSize(1);

        tasks.advance(Duration.ofSeconds(35)); // three or four more slots pass while the vendor is slow
        assertThat(executor.calls()).as("at most one poll in flight").hasSize(1);
        long passed = Duration.between(executor.calls().get(0).at(), tasks.now()).toMillis() / 10_000;
        assertThat(passed).isBetween(3L, 4L);
        assertThat(scheduler.view(job.getJobId()).skippedSlots()).isEqualTo(passed);
        assertThat(metrics.count("switchboard.poller.skipped.slots")).isEqualTo(passed);

        executor.automatic();
        ScriptedPollExecutor.Call first = executor.calls().get(0);
        first.answer().complete(ScriptedPollExecutor.outcome(job, first.request(), tasks.now(), null));
        tasks.runDue();
        assertThat(executor.calls()).as("no burst of queued-up slots when the poll returns").hasSize(1);
        tasks.advance(Duration.ofSeconds(10));
        assertThat(executor.calls()).hasSize(2);
        assertThat(executor.calls().get(1).request().pollSequence()).isEqualTo(2);
        assertThat(Duration.between(first.at(), executor.calls().get(1).at()).toMillis() % 10_000).isZero();
    }

    @Test
    void slotsMissedWhileThePollerWasStalledAreCountedAndOnlyTheLatestIsPolled() {
        PollJob job = job("genesys-eu/live/1", 10_000, "q1");
        start(job, null);
        tasks.advance(Duration.ofSeconds(10));
        assertThat(executor.calls()).hasSize(1);
        tasks.jump(Duration.ofSeconds(45)); // the state thread was blocked: the timer fires late
        tasks.runDue();
        assertThat(executor.calls()).hasSize(2);
        ScriptedPollExecutor.Call late = executor.calls().get(1);
        assertThat(late.request().scheduledAt()).isEqualTo(Slots.lastAtOrBefore(tasks.now(), 10_000,
                Slots.offsetMs(job.getJobId(), 10_000)));
        assertThat(scheduler.view(job.getJobId()).skippedSlots()).isEqualTo(4);
    }

    @Test
    void progressAdvancesOnlyOnceThePollIsWrittenAndADroppedWriteIsPolledAgainWithTheSameSequence() {
        PollJob job = job("genesys-eu/live/1", 10_000, "q1");
        writer.hold();
        start(job, null);
        tasks.advance(Duration.ofSeconds(10));
        assertThat(writer.writes()).hasSize(1);
        tasks.advance(Duration.ofSeconds(10));
        assertThat(executor.calls()).as("the write is part of the poll: still in flight").hasSize(1);
        assertThat(scheduler.view(job.getJobId()).pollSequence()).isZero();

        writer.writes().get(0).done().complete(null);
        tasks.runDue();
        assertThat(scheduler.view(job.getJobId()).pollSequence()).isEqualTo(1);

        writer.refuse(new NotOwnedException(job.getJobId(), 0));
        tasks.advance(Duration.ofSeconds(10));
        assertThat(executor.calls().get(1).request().pollSequence()).isEqualTo(2);
        assertThat(scheduler.view(job.getJobId()).pollSequence()).isEqualTo(1);
        assertThat(metrics.count("switchboard.poller.polls", "outcome", "dropped")).isEqualTo(1);

        writer.refuse(null).release();
        tasks.advance(Duration.ofSeconds(10));
        assertThat(executor.calls().get(2).request().pollSequence()).as("the dropped sequence is polled again").isEqualTo(2);
    }

    @Test
    void aJobContinuesFromItsCommittedProgressAndCarriesTheClosedIntervalForward() {
        PollJob job = job("genesys-eu/intervals/1", 60_000, "q1");
        long offset = Slots.offsetMs(job.getJobId(), 60_000);
        Instant lastSlot = Slots.nextAfter(T0.plusSeconds(100), 60_000, offset); // the old owner's clock ran ahead
        Instant closed = Instant.parse("2026-03-02T09:45:00Z");
        start(job, new JobProgress(41, lastSlot, closed, T0.minusSeconds(30)));
        tasks.advance(Duration.ofMinutes(4));

        ScriptedPollExecutor.Call first = executor.calls().get(0);
        assertThat(first.request().pollSequence()).isEqualTo(42);
        assertThat(first.request().lastClosedIntervalEnd()).isEqualTo(closed);
        assertThat(first.at()).as("never the slot the old owner polled already").isAfter(lastSlot);
        assertThat(writer.committed().get(0).progress().getLastClosedIntervalEnd()).isEqualTo(closed);

        // an interval endpoint reports the newest closed interval it fetched: the next poll starts from there
        executor.manual();
        tasks.advance(Duration.ofMinutes(1));
        ScriptedPollExecutor.Call next = executor.calls().get(executor.calls().size() - 1);
        Instant newer = Instant.parse("2026-03-02T10:00:00Z");
        next.answer().complete(ScriptedPollExecutor.outcome(job, next.request(), tasks.now(), newer));
        tasks.runDue();
        executor.automatic();
        tasks.advance(Duration.ofMinutes(1));
        ScriptedPollExecutor.Call after = executor.calls().get(executor.calls().size() - 1);
        assertThat(after.request().lastClosedIntervalEnd()).isEqualTo(newer);
        assertThat(writer.committed().get(writer.committed().size() - 1).progress().getLastClosedIntervalEnd()).isEqualTo(newer);
    }

    @Test
    void stoppingAJobWaitsForItsPollInFlightToBeWrittenAndNothingFiresAfterwards() {
        PollJob job = job("genesys-eu/live/1", 10_000, "q1");
        executor.manual();
        start(job, null);
        tasks.advance(Duration.ofSeconds(10));
        CompletableFuture<Void> stopped = scheduler.stop(List.of(job.getJobId()));
        tasks.runDue();
        assertThat(stopped).as("poll 1 is still in flight").isNotDone();

        ScriptedPollExecutor.Call c = executor.calls().get(0);
        c.answer().complete(ScriptedPollExecutor.outcome(job, c.request(), tasks.now(), null));
        tasks.runDue();
        assertThat(stopped).isCompleted();
        assertThat(writer.committed()).hasSize(1);
        tasks.advance(Duration.ofMinutes(1));
        assertThat(executor.calls()).hasSize(1);
        assertThat(scheduler.running()).isEmpty();
        assertThat(registry.find("switchboard.poller.job.lag").gauges()).isEmpty();
    }

    @Test
    void aJobRemovedAndDefinedAgainContinuesItsSequenceUnlessItsPartitionMoved() {
        PollJob job = job("genesys-eu/live/1", 10_000, "q1");
        start(job, null);
        tasks.advance(Duration.ofSeconds(30));
        long done = scheduler.view(job.getJobId()).pollSequence();
        scheduler.stop(List.of(job.getJobId()));
        tasks.runDue();
        start(job, null);
        tasks.advance(Duration.ofSeconds(10));
        assertThat(executor.calls().get(executor.calls().size() - 1).request().pollSequence()).isEqualTo(done + 1);

        scheduler.stop(List.of(job.getJobId()));
        scheduler.forget(List.of(job.getJobId()));
        tasks.runDue();
        start(job, new JobProgress(100, null, null, null));
        tasks.advance(Duration.ofSeconds(10));
        assertThat(executor.calls().get(executor.calls().size() - 1).request().pollSequence()).isEqualTo(101);
    }

    @Test
    void aChangedIntervalAppliesFromTheNextSlotAndADisabledJobIsNotPolled() {
        PollJob job = job("genesys-eu/live/1", 10_000, "q1");
        start(job, null);
        tasks.advance(Duration.ofSeconds(20));
        int before = executor.calls().size();
        PollJob slower = PollJob.newBuilder(job).setIntervalMs(60_000).build();
        start(slower, null);
        tasks.advance(Duration.ofSeconds(60));
        assertThat(executor.calls().size() - before).isEqualTo(1);
        assertThat(Math.floorMod(executor.calls().get(before).at().toEpochMilli(), 60_000L))
                .isEqualTo(Slots.offsetMs(job.getJobId(), 60_000));

        start(PollJob.newBuilder(slower).setEnabled(false).build(), null);
        int disabledAt = executor.calls().size();
        tasks.advance(Duration.ofMinutes(5));
        assertThat(executor.calls()).hasSize(disabledAt);
        assertThat(scheduler.running()).contains(job.getJobId());
    }

    @Test
    void aRetriableExecutorFailureWaitsForTheNextSlotAndAFatalOneEndsTheRole() {
        PollJob job = job("genesys-eu/live/1", 10_000, "q1");
        executor.manual();
        start(job, null);
        tasks.advance(Duration.ofSeconds(10));
        executor.calls().get(0).answer().completeExceptionally(new SwitchboardException("vert.x is restarting") {
            @Override
            public boolean isRetriable() {
                return true;
            }
        });
        tasks.runDue();
        assertThat(fatal.get()).isNull();
        tasks.advance(Duration.ofSeconds(10));
        assertThat(executor.calls()).hasSize(2);
        assertThat(executor.calls().get(1).request().pollSequence()).isEqualTo(1);

        executor.calls().get(1).answer().completeExceptionally(new IllegalStateException("mapper bug"));
        tasks.runDue();
        assertThat(fatal.get()).contains("genesys-eu/live/1").contains("mapper bug");
        assertThat(supervisor.readiness().up()).isFalse();
    }

    @Test
    void theLagGaugeShowsSecondsSinceTheLastCleanPoll() {
        PollJob job = job("genesys-eu/live/1", 10_000, "q1");
        start(job, null);
        tasks.advance(Duration.ofSeconds(10));
        Instant lastPoll = executor.calls().get(executor.calls().size() - 1).at();
        executor.manual();
        tasks.advance(Duration.ofSeconds(25));
        double lag = registry.find("switchboard.poller.job.lag").tag("job", job.getJobId()).gauge().value();
        assertThat(lag).isEqualTo(Duration.between(lastPoll, tasks.now()).toMillis() / 1000.0);
        assertThat(scheduler.views()).hasSize(1);
    }
}
