package io.switchboard.poll.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.switchboard.core.supervise.Failures;
import io.switchboard.core.supervise.Supervisor;
import io.switchboard.events.poll.PollJob;
import io.switchboard.events.poll.PollProgress;
import io.switchboard.poll.PollExecutor;
import io.switchboard.poll.PollOutcome;
import io.switchboard.poll.PollRequest;

/**
 * Runs the jobs this poller owns: each at its interval, on slots aligned to interval boundaries with a per-job offset
 * ({@link Slots}); at most one poll of a job in flight; a slot that comes while the previous poll is still running (or
 * that passed while the poller was stalled) is skipped and counted, never queued up. A finished poll goes to the
 * {@link PollWriter} with the job's next progress; the progress advances only once the write is committed, so the
 * next poll (here, or on the job's next owner) carries the right sequence number and interval position.
 *
 * <p>All job state lives on the {@link PollTasks} thread; the public methods only submit work to it and are
 * thread-safe. Failures of its own tasks and fatal failures of the executor are reported to the supervisor component,
 * which ends the role.
 */
public final class JobScheduler {

    private static final Logger LOG = LoggerFactory.getLogger(JobScheduler.class);

    private final String ownerId;
    private final PollTasks tasks;
    private final PollExecutor executor;
    private final PollWriter writer;
    private final PollerMetrics metrics;
    private final Duration lookBack;
    private final Supervisor.Component component;
    private final Map<String, RunningJob> jobs = new HashMap<>();
    private final Map<String, JobView> views = new ConcurrentHashMap<>();
    /** Progress of jobs stopped while their partition stays here (a job removed and defined again continues). */
    private final Map<String, JobProgress> retired = new HashMap<>();
    private boolean closing;

    /**
     * @param ownerId   this poller's instance id, written into the progress
     * @param tasks     the state thread and clock
     * @param executor  runs the polls
     * @param writer    writes finished polls
     * @param metrics   meters
     * @param lookBack  backfill look-back handed to every poll
     * @param component where the scheduler reports its own failures
     */
    public JobScheduler(String ownerId, PollTasks tasks, PollExecutor executor, PollWriter writer, PollerMetrics metrics,
                        Duration lookBack, Supervisor.Component component) {
        this.ownerId = Objects.requireNonNull(ownerId, "ownerId");
        this.tasks = Objects.requireNonNull(tasks, "tasks");
        this.executor = Objects.requireNonNull(executor, "executor");
        this.writer = Objects.requireNonNull(writer, "writer");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        this.lookBack = Objects.requireNonNull(lookBack, "lookBack");
        this.component = Objects.requireNonNull(component, "component");
    }

    /** What is known about a running job, readable from any thread. */
    public record JobView(String jobId, String credentialId, long pollSequence, Instant lastSuccessAt, Instant startedAt,
                          long skippedSlots, boolean inFlight, Instant nextSlot) {
    }

    /**
     * Starts {@code job} from {@code progress} (or updates it when it runs already: a changed definition applies from
     * the next slot, the progress stays).
     *
     * @param partition the job's partition, for the writer
     */
    public void upsert(PollJob job, int partition, JobProgress progress) {
        submit(() -> {
            RunningJob running = jobs.get(job.getJobId());
            if (running != null) {
                update(running, job);
            } else if (!closing) {
                JobProgress known = retired.remove(job.getJobId());
                JobProgress from = progress == null ? JobProgress.NONE : progress;
                start(job, partition, known != null && known.pollSequence() > from.pollSequence() ? known : from);
            }
        });
    }

    /**
     * Stops the jobs: no further slot fires; a poll in flight finishes and is written.
     *
     * @return completes when none of them has a poll in flight any more
     */
    public CompletableFuture<Void> stop(Collection<String> jobIds) {
        List<String> ids = List.copyOf(jobIds);
        CompletableFuture<CompletableFuture<Void>> idle = new CompletableFuture<>();
        submit(() -> idle.complete(stopNow(ids)));
        return idle.thenCompose(f -> f);
    }

    /** Forgets what is known about stopped jobs (their partition moved: the next owner reads their progress). */
    public void forget(Collection<String> jobIds) {
        List<String> ids = List.copyOf(jobIds);
        submit(() -> ids.forEach(retired::remove));
    }

    /** Stops every job and refuses new ones (shutdown). Completes when no poll is in flight. */
    public CompletableFuture<Void> stopAll() {
        CompletableFuture<CompletableFuture<Void>> idle = new CompletableFuture<>();
        submit(() -> {
            closing = true;
            idle.complete(stopNow(List.copyOf(jobs.keySet())));
        });
        return idle.thenCompose(f -> f);
    }

    /** Ids of the running jobs (a snapshot). */
    public Set<String> running() {
        return Set.copyOf(views.keySet());
    }

    /** The view of a running job, or {@code null}. */
    public JobView view(String jobId) {
        return views.get(jobId);
    }

    /** Views of every running job. */
    public Collection<JobView> views() {
        return List.copyOf(views.values());
    }

    private void submit(Runnable task) {
        tasks.execute(() -> guarded(task));
    }

    private void guarded(Runnable task) {
        try {
            task.run();
        } catch (RuntimeException e) {
            component.fail("the job scheduler failed: " + Failures.describe(e), e);
        }
    }

    private void start(PollJob job, int partition, JobProgress progress) {
        RunningJob r = new RunningJob(job, partition, progress, tasks.now());
        jobs.put(job.getJobId(), r);
        metrics.jobStarted(job, r, x -> x.lagSeconds(tasks.now()));
        publish(r);
        if (job.getEnabled()) {
            scheduleAfter(r, tasks.now());
        }
        LOG.debug("job {} started at sequence {} (interval {} ms, offset {} ms)", job.getJobId(), progress.pollSequence(),
                r.intervalMs, r.offsetMs);
    }

    private void update(RunningJob r, PollJob job) {
        boolean reschedule = job.getIntervalMs() != r.job.getIntervalMs() || job.getEnabled() != r.job.getEnabled();
        r.job = job;
        if (reschedule) {
            r.cancelTimer();
            r.intervalMs = job.getIntervalMs();
            r.offsetMs = Slots.offsetMs(job.getJobId(), r.intervalMs);
            if (job.getEnabled()) {
                scheduleAfter(r, tasks.now());
            }
        }
        publish(r);
    }

    private CompletableFuture<Void> stopNow(List<String> ids) {
        List<CompletableFuture<Void>> idle = new ArrayList<>();
        for (String id : ids) {
            RunningJob r = jobs.remove(id);
            if (r == null) {
                continue;
            }
            r.stopped = true;
            r.cancelTimer();
            views.remove(id);
            metrics.jobStopped(id);
            if (!r.inFlight) {
                retire(r);
                r.idle.complete(null);
            }
            idle.add(r.idle);
        }
        return CompletableFuture.allOf(idle.toArray(CompletableFuture[]::new));
    }

    private void scheduleAfter(RunningJob r, Instant after) {
        Instant from = r.lastScheduledAt != null && r.lastScheduledAt.isAfter(after) ? r.lastScheduledAt : after;
        Instant slot = Slots.nextAfter(from, r.intervalMs, r.offsetMs);
        r.nextSlot = slot;
        r.timer = tasks.schedule(() -> guarded(() -> fire(r, slot)), Duration.between(tasks.now(), slot));
        publish(r);
    }

    private void fire(RunningJob r, Instant slot) {
        if (r.stopped || jobs.get(r.job.getJobId()) != r || !r.job.getEnabled() || !slot.equals(r.nextSlot)) {
            return;
        }
        Instant now = tasks.now();
        Instant due = now.isAfter(slot) ? Slots.lastAtOrBefore(now, r.intervalMs, r.offsetMs) : slot;
        long missed = (due.toEpochMilli() - slot.toEpochMilli()) / r.intervalMs;
        if (missed > 0) {
            r.skipped += missed;
            metrics.skipped(r.job, missed);
        }
        if (r.inFlight) {
            r.skipped++;
            metrics.skipped(r.job, 1);
        } else {
            poll(r, due);
        }
        scheduleAfter(r, due);
    }

    private void poll(RunningJob r, Instant slot) {
        PollJob job = r.job;
        PollRequest request = new PollRequest(r.pollSequence + 1, slot, r.lastClosedIntervalEnd, lookBack);
        r.inFlight = true;
        Instant started = tasks.now();
        publish(r);
        CompletableFuture<PollOutcome> answer;
        try {
            answer = Objects.requireNonNull(executor.poll(job, request), "executor returned null");
        } catch (RuntimeException e) {
            answer = CompletableFuture.failedFuture(e);
        }
        answer.whenComplete((outcome, error) -> submit(() -> polled(r, job, request, started, outcome, error)));
    }

    private void polled(RunningJob r, PollJob job, PollRequest request, Instant started, PollOutcome outcome, Throwable error) {
        Instant polledAt = tasks.now();
        metrics.duration(job, Duration.between(started, polledAt));
        if (error != null) {
            metrics.poll(job, "failed");
            if (Failures.isRetriable(error) || closing) {
                LOG.warn("poll {} of job {} could not be attempted: {}; the next slot tries again", request.pollSequence(),
                        job.getJobId(), Failures.describe(error));
                idle(r);
            } else {
                idle(r);
                component.fail("the poll executor failed on job " + job.getJobId() + ": " + Failures.describe(error), Failures.unwrap(error));
            }
            return;
        }
        metrics.vendorRequests(job, outcome.vendorRequests());
        metrics.errors(job, outcome.errors());
        Instant closed = outcome.closedIntervalEnd() != null ? outcome.closedIntervalEnd() : r.lastClosedIntervalEnd;
        Instant success = outcome.clean() ? polledAt : r.lastSuccessAt;
        PollProgress progress = PollProgress.newBuilder()
                .setJobId(job.getJobId())
                .setCredentialId(job.getCredentialId())
                .setPollSequence(request.pollSequence())
                .setPolledAt(polledAt)
                .setScheduledAt(request.scheduledAt())
                .setLastClosedIntervalEnd(closed)
                .setLastSuccessAt(success)
                .setOwnerId(ownerId)
                .build();
        CompletableFuture<Void> written;
        try {
            written = writer.write(new PollResult(job, r.partition, request, outcome, progress));
        } catch (RuntimeException e) {
            written = CompletableFuture.failedFuture(e);
        }
        boolean clean = outcome.clean(); // not the outcome itself: its records need not stay reachable until written
        written.whenComplete((ok, writeError) -> submit(() -> written(r, job, request, clean, closed, success, writeError)));
    }

    private void written(RunningJob r, PollJob job, PollRequest request, boolean clean, Instant closed, Instant success,
                         Throwable error) {
        if (error == null) {
            r.pollSequence = request.pollSequence();
            r.lastScheduledAt = request.scheduledAt();
            r.lastClosedIntervalEnd = closed;
            r.lastSuccessAt = success;
            metrics.poll(job, clean ? "ok" : "vendor_error");
        } else {
            metrics.poll(job, "dropped");
            LOG.info("poll {} of job {} was not written: {}", request.pollSequence(), job.getJobId(), Failures.describe(error));
        }
        idle(r);
    }

    private void idle(RunningJob r) {
        r.inFlight = false;
        if (r.stopped) {
            retire(r);
            r.idle.complete(null);
        } else {
            publish(r);
        }
    }

    private void retire(RunningJob r) {
        retired.put(r.job.getJobId(), new JobProgress(r.pollSequence, r.lastScheduledAt, r.lastClosedIntervalEnd, r.lastSuccessAt));
    }

    private void publish(RunningJob r) {
        if (!r.stopped) {
            views.put(r.job.getJobId(), new JobView(r.job.getJobId(), r.job.getCredentialId(), r.pollSequence, r.lastSuccessAt,
                    r.startedAt, r.skipped, r.inFlight, r.nextSlot));
        }
    }

    /** The state of one job; touched only on the tasks thread (the lag gauge reads two volatile fields). */
    private static final class RunningJob {
        PollJob job;
        final int partition;
        final Instant startedAt;
        final CompletableFuture<Void> idle = new CompletableFuture<>();
        long intervalMs;
        long offsetMs;
        long pollSequence;
        Instant lastScheduledAt;
        Instant lastClosedIntervalEnd;
        volatile Instant lastSuccessAt;
        Instant nextSlot;
        PollTasks.Cancellable timer;
        boolean inFlight;
        boolean stopped;
        long skipped;

        RunningJob(PollJob job, int partition, JobProgress progress, Instant now) {
            this.job = job;
            this.partition = partition;
            this.startedAt = now;
            this.intervalMs = job.getIntervalMs();
            this.offsetMs = Slots.offsetMs(job.getJobId(), intervalMs);
            this.pollSequence = progress.pollSequence();
            this.lastScheduledAt = progress.scheduledAt();
            this.lastClosedIntervalEnd = progress.lastClosedIntervalEnd();
            this.lastSuccessAt = progress.lastSuccessAt();
        }

        double lagSeconds(Instant now) {
            Instant since = lastSuccessAt == null ? startedAt : lastSuccessAt; // a previous owner's success counts too
            return Math.max(0, Duration.between(since, now).toMillis() / 1000.0);
        }

        void cancelTimer() {
            if (timer != null) {
                timer.cancel();
                timer = null;
            }
        }
    }
}
