package io.switchboard.poll.internal;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.ToDoubleFunction;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.switchboard.events.poll.PollError;
import io.switchboard.events.poll.PollJob;

/**
 * The fleet side's meters (Prometheus names in brackets):
 * <ul>
 *   <li>{@code switchboard.poller.polls} [switchboard_poller_polls_total] by credential, endpoint, outcome: {@code ok} (no
 *       error), {@code vendor_error} (the poll carried PollErrors), {@code failed} (the executor could not attempt it),
 *       {@code dropped} (its job moved before it was written);</li>
 *   <li>{@code switchboard.poller.poll.duration} [switchboard_poller_poll_duration_seconds, histogram] by endpoint: from the slot's
 *       start to the executor's answer, every vendor request of the poll included;</li>
 *   <li>{@code switchboard.poller.records} [switchboard_poller_records_total] by credential and topic (queue-stats,
 *       poll-errors): records committed;</li>
 *   <li>{@code switchboard.poller.poll.requests} [switchboard_poller_poll_requests_total] by credential, endpoint;</li>
 *   <li>{@code switchboard.poller.poll.errors} [switchboard_poller_poll_errors_total] by credential, kind and HTTP status (401, 403,
 *       429…, {@code none});</li>
 *   <li>{@code switchboard.poller.skipped.slots} [switchboard_poller_skipped_slots_total] by credential, endpoint: slots not
 *       polled because the previous poll of the job was still running (or the poller was stalled);</li>
 *   <li>{@code switchboard.poller.job.lag} [switchboard_poller_job_lag_seconds] by credential and job: seconds since the
 *       job's last poll without errors (since it started here, when it has none);</li>
 *   <li>{@code switchboard.poller.jobs} and {@code switchboard.poller.partitions}: jobs running and poll-jobs partitions
 *       owned here;</li>
 *   <li>{@code switchboard.poller.transactions} by outcome (committed, aborted);</li>
 *   <li>{@code switchboard.poller.plan.runs} by credential and outcome, {@code switchboard.poller.plan.changes} by change
 *       (created, updated, removed).</li>
 * </ul>
 * Vendor-side meters (HTTP request latency, rate-limiter waits and budget, token age at use) are the executor's, in the
 * same registry. Thread-safe.
 */
public final class PollerMetrics {

    private final MeterRegistry registry;
    private final Map<String, Meter.Id> lagGauges = new ConcurrentHashMap<>();
    private final AtomicInteger jobs = new AtomicInteger();
    private final AtomicInteger partitions = new AtomicInteger();

    public PollerMetrics(MeterRegistry registry) {
        this.registry = registry;
        Gauge.builder("switchboard.poller.jobs", jobs, AtomicInteger::get).description("Poll jobs running on this poller").register(registry);
        Gauge.builder("switchboard.poller.partitions", partitions, AtomicInteger::get)
                .description("Partitions of poll-jobs this poller owns").register(registry);
    }

    /** The registry the meters live in. */
    public MeterRegistry registry() {
        return registry;
    }

    /** Counts a poll by its outcome. */
    public void poll(PollJob job, String outcome) {
        Counter.builder("switchboard.poller.polls").description("Polls by outcome")
                .tags("credential", job.getCredentialId(), "endpoint", job.getEndpoint(), "outcome", outcome)
                .register(registry).increment();
    }

    /** Records how long a poll took. */
    public void duration(PollJob job, Duration took) {
        Timer.builder("switchboard.poller.poll.duration").description("Time from a poll's start to the executor's answer")
                .tags("endpoint", job.getEndpoint()).publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(5)).maximumExpectedValue(Duration.ofSeconds(60))
                .register(registry).record(took);
    }

    /** Counts the vendor requests of a poll. */
    public void vendorRequests(PollJob job, int requests) {
        if (requests > 0) {
            Counter.builder("switchboard.poller.poll.requests").description("HTTP requests sent to vendors, retries included")
                    .tags("credential", job.getCredentialId(), "endpoint", job.getEndpoint()).register(registry).increment(requests);
        }
    }

    /** Counts the errors of a poll by kind and status. */
    public void errors(PollJob job, Iterable<PollError> errors) {
        for (PollError e : errors) {
            Counter.builder("switchboard.poller.poll.errors").description("PollErrors by kind and vendor HTTP status")
                    .tags("credential", job.getCredentialId(), "kind", e.getKind(),
                            "status", e.getHttpStatus() == null ? "none" : String.valueOf(e.getHttpStatus()))
                    .register(registry).increment();
        }
    }

    /** Counts committed records. */
    public void records(String credentialId, String topic, int count) {
        if (count > 0) {
            Counter.builder("switchboard.poller.records").description("Records committed to Kafka")
                    .tags("credential", credentialId, "topic", topic).register(registry).increment(count);
        }
    }

    /** Counts slots that were not polled. */
    public void skipped(PollJob job, long slots) {
        if (slots > 0) {
            Counter.builder("switchboard.poller.skipped.slots").description("Slots skipped because the previous poll was still running")
                    .tags("credential", job.getCredentialId(), "endpoint", job.getEndpoint()).register(registry).increment(slots);
        }
    }

    /** Counts a transaction. */
    public void transaction(String outcome) {
        Counter.builder("switchboard.poller.transactions").tags("outcome", outcome).register(registry).increment();
    }

    /** Counts a planning run for a credential. */
    public void planRun(String credentialId, String outcome) {
        Counter.builder("switchboard.poller.plan.runs").tags("credential", credentialId, "outcome", outcome).register(registry).increment();
    }

    /** Counts job changes written by planning. */
    public void planChanges(String change, int count) {
        if (count > 0) {
            Counter.builder("switchboard.poller.plan.changes").tags("change", change).register(registry).increment(count);
        }
    }

    /** Registers the lag gauge of a job that started here. */
    public <T> void jobStarted(PollJob job, T state, ToDoubleFunction<T> lagSeconds) {
        jobs.incrementAndGet();
        Counter.builder("switchboard.poller.skipped.slots").description("Slots skipped because the previous poll was still running")
                .tags("credential", job.getCredentialId(), "endpoint", job.getEndpoint()).register(registry);
        Gauge g = Gauge.builder("switchboard.poller.job.lag", state, lagSeconds).baseUnit("seconds").strongReference(true)
                .description("Seconds since the job's last poll without errors")
                .tags("credential", job.getCredentialId(), "job", job.getJobId()).register(registry);
        Meter.Id old = lagGauges.put(job.getJobId(), g.getId());
        if (old != null && !old.equals(g.getId())) {
            registry.remove(old);
        }
    }

    /** Removes the lag gauge of a job that stopped here. */
    public void jobStopped(String jobId) {
        Meter.Id id = lagGauges.remove(jobId);
        if (id != null) {
            jobs.decrementAndGet();
            registry.remove(id);
        }
    }

    /** Sets the number of owned partitions. */
    public void partitions(int owned) {
        partitions.set(owned);
    }

    /** A counter's value now (tests, benchmark). */
    public double count(String name, String... tags) {
        return registry.find(name).tags(tags).counters().stream().mapToDouble(Counter::count).sum();
    }
}
