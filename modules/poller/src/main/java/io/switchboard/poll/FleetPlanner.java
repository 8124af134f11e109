package io.switchboard.poll;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.switchboard.core.supervise.Failures;
import io.switchboard.core.supervise.Supervisor;
import io.switchboard.events.poll.PollError;
import io.switchboard.events.poll.PollJob;
import io.switchboard.poll.PollerConfig.CredentialPolls;
import io.switchboard.poll.internal.CredentialPartitioner;
import io.switchboard.poll.internal.JobAssignment;
import io.switchboard.poll.internal.PollJobsStore;
import io.switchboard.poll.internal.PollTasks;
import io.switchboard.poll.internal.PollerMetrics;

/**
 * The planning that runs inside the fleet: the poller that owns a credential's partition of {@code poll-jobs} plans
 * that credential's jobs (so there is exactly one planner per credential, and no coordination), when the partition
 * is loaded and then every {@code poller.planInterval}. It plans against the jobs it has loaded and writes the
 * changes; the assignment consumer reads them back and applies them live. A discovery that fails is reported as a
 * {@code PollError} on {@code poll-errors} (kind VENDOR_ERROR, no job id) and leaves those jobs as they are; a Kafka
 * failure marks the planner RETRYING until the next run succeeds. Runs on its own thread.
 *
 * <p>A credential whose plan failed, or whose discovery failed (typically: the poller started before the token manager
 * published the credential's token), is planned again on its own after a short backoff ({@link #RETRY_INITIAL}
 * doubling to {@link #RETRY_MAX}, never beyond {@code planInterval}, with full jitter) until a plan succeeds, instead
 * of waiting for the next {@code planInterval}.
 */
final class FleetPlanner implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(FleetPlanner.class);

    /** First wait before a failed credential plan is retried. */
    static final Duration RETRY_INITIAL = Duration.ofSeconds(1);
    /** Longest wait between retries of a failed credential plan (capped by {@code planInterval} too). */
    static final Duration RETRY_MAX = Duration.ofSeconds(30);

    private final PollerConfig config;
    private final JobPlanner planner;
    private final PollJobsStore errors;
    private final PollTasks.ExecutorPollTasks tasks;
    private final PollerMetrics metrics;
    private final Supervisor supervisor;
    private volatile JobAssignment assignment;
    private volatile boolean closed;
    /** Credentials whose discovery failed since their last plan started (written by discovery callbacks). */
    private final Set<String> failedDiscoveries = ConcurrentHashMap.newKeySet();
    /** Per credential: the number of failed plans in a row; a key with a retry pending (planner thread only). */
    private final Map<String, Integer> failuresInRow = new ConcurrentHashMap<>();
    private final Set<String> retryPending = ConcurrentHashMap.newKeySet();
    private final Random jitter = new Random();

    FleetPlanner(PollerConfig config, QueueDiscovery discovery, PollTasks.ExecutorPollTasks tasks, PollerMetrics metrics,
                 Supervisor supervisor) {
        this.config = config;
        this.planner = JobPlanner.create(config, discovery == null ? null : recordingFailures(discovery), tasks.clock());
        this.errors = new PollJobsStore(config.kafkaClientProperties(), config.topics(), config.schemaRegistry(),
                config.instanceId() + "-planner-errors");
        this.tasks = tasks;
        this.metrics = metrics;
        this.supervisor = supervisor;
    }

    /** Starts the periodic runs over the partitions {@code assignment} has loaded. */
    void start(JobAssignment assignment) {
        this.assignment = assignment;
        if (!config.planInterval().isZero()) {
            scheduleNext();
        }
    }

    /** Plans the credentials of {@code partition}, which was just loaded (called on the consumer thread). */
    void onLoaded(int partition) {
        if (!config.planInterval().isZero()) {
            tasks.execute(supervisor.guard("planner", () -> planPartition(partition)));
        }
    }

    /** Plans every loaded partition now; completes when done (tests, {@code Poller#planNow}). */
    void planNow() {
        java.util.concurrent.CompletableFuture<Void> done = new java.util.concurrent.CompletableFuture<>();
        tasks.execute(() -> {
            try {
                planAll();
                done.complete(null);
            } catch (RuntimeException e) {
                done.completeExceptionally(e);
            }
        });
        done.orTimeout(config.discoveryTimeout().toMillis() * 2 + 30_000, TimeUnit.MILLISECONDS).join();
    }

    private void scheduleNext() {
        if (!closed) {
            tasks.schedule(() -> {
                supervisor.guard("planner", this::planAll).run();
                scheduleNext();
            }, config.planInterval());
        }
    }

    private void planAll() {
        JobAssignment a = assignment;
        if (a == null || closed) {
            return;
        }
        for (int p : a.loadedPartitions()) {
            planPartition(p);
        }
    }

    private void planPartition(int partition) {
        JobAssignment a = assignment;
        if (closed || a == null || !a.owns(partition)) {
            return;
        }
        int partitions = a.partitionCount();
        List<PollJob> jobs = a.table().jobs(partition);
        Set<String> seen = new TreeSet<>();
        jobs.forEach(j -> seen.add(j.getCredentialId()));
        for (CredentialPolls c : config.credentials()) {
            if (CredentialPartitioner.partitionOf(c.credentialId(), partitions) != partition) {
                continue;
            }
            seen.remove(c.credentialId());
            planCredential(c, partition);
        }
        for (String orphan : seen) { // jobs of a credential that has no poll: section any more
            write(JobPlanner.removal(orphan, jobs), "unknown");
        }
    }

    /** Plans one credential of the loaded {@code partition}; a failure schedules a retry of it after a backoff. */
    private void planCredential(CredentialPolls c, int partition) {
        JobAssignment a = assignment;
        String id = c.credentialId();
        failedDiscoveries.remove(id);
        CredentialPlan plan;
        try {
            plan = planner.plan(c, a.table().jobsOf(id, partition))
                    .get(config.discoveryTimeout().toMillis() + 5_000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        } catch (Exception e) {
            metrics.planRun(id, "failed");
            LOG.warn("planning the jobs of {} failed: {}", id, Failures.describe(e));
            scheduleRetry(c, partition);
            return;
        }
        write(plan, c.provider()); // a Kafka failure propagates (RETRYING); the periodic run or a retry heals it
        if (failedDiscoveries.remove(id)) {
            scheduleRetry(c, partition);
        } else {
            failuresInRow.remove(id);
        }
    }

    private void scheduleRetry(CredentialPolls c, int partition) {
        String id = c.credentialId();
        if (closed || config.planInterval().isZero() || !retryPending.add(id)) {
            return; // planning only through jobs apply, or a retry is already pending
        }
        int failures = failuresInRow.merge(id, 1, Integer::sum);
        Duration delay = retryDelay(failures);
        LOG.info("planning {} again in {} ms (failed {} time(s) in a row)", id, delay.toMillis(), failures);
        tasks.schedule(supervisor.guard("planner", () -> {
            retryPending.remove(id);
            JobAssignment a = assignment;
            if (!closed && a != null && a.owns(partition)
                    && CredentialPartitioner.partitionOf(id, a.partitionCount()) == partition) {
                planCredential(c, partition);
            } else {
                failuresInRow.remove(id); // moved away: its new owner plans it
            }
        }), delay);
    }

    /** Full jitter over an exponential backoff: a random wait in [{@link #RETRY_INITIAL}/2, cap]. */
    private Duration retryDelay(int failures) {
        long maxMs = Math.min(RETRY_MAX.toMillis(), config.planInterval().toMillis());
        long capMs = Math.min(maxMs, RETRY_INITIAL.toMillis() << Math.min(failures - 1, 20));
        long floorMs = Math.min(capMs, RETRY_INITIAL.toMillis() / 2);
        return Duration.ofMillis(floorMs + (long) (jitter.nextDouble() * (capMs - floorMs)));
    }

    /** {@code discovery}, remembering the credentials whose discovery failed (so their plan is retried soon). */
    private QueueDiscovery recordingFailures(QueueDiscovery discovery) {
        return (credentialId, endpoint, params) -> {
            CompletableFuture<List<QueueDiscovery.DiscoveredQueue>> found;
            try {
                found = discovery.discover(credentialId, endpoint, params);
            } catch (RuntimeException e) {
                failedDiscoveries.add(credentialId);
                throw e;
            }
            // the same bound JobPlanner puts on it, here so that a discovery that times out counts as failed too
            return found.orTimeout(config.discoveryTimeout().toMillis(), TimeUnit.MILLISECONDS)
                    .whenComplete((queues, error) -> {
                        if (error != null) {
                            failedDiscoveries.add(credentialId); // before the plan sees it: whenComplete runs first
                        }
                    });
        };
    }

    private void write(CredentialPlan plan, String provider) {
        if (!a().owns(CredentialPartitioner.partitionOf(plan.credentialId(), a().partitionCount()))) {
            return; // moved while planning: the new owner plans it
        }
        for (String problem : plan.problems()) {
            LOG.warn("planning {}: {}", plan.credentialId(), problem);
            errors.error(PollError.newBuilder()
                    .setCredentialId(plan.credentialId())
                    .setProvider(provider)
                    .setOccurredAt(tasks.now())
                    .setKind("VENDOR_ERROR")
                    .setRetriable(true)
                    .setMessage("job planning: " + problem)
                    .build());
        }
        planner.apply(plan); // a Kafka failure propagates: the planner is RETRYING until a run succeeds
        metrics.planRun(plan.credentialId(), plan.problems().isEmpty() ? "ok" : "partial");
        metrics.planChanges("created", plan.created().size());
        metrics.planChanges("updated", plan.updated().size());
        metrics.planChanges("removed", plan.removed().size());
        if (plan.hasChanges()) {
            LOG.info("planned {}", plan.summary());
        }
    }

    private JobAssignment a() {
        return assignment;
    }

    @Override
    public void close() {
        closed = true;
        tasks.close();
        planner.close();
        errors.close();
    }
}
