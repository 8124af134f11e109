package io.switchboard.poll;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import io.switchboard.core.SwitchboardException;
import io.switchboard.core.supervise.Failures;
import io.switchboard.events.poll.PollJob;
import io.switchboard.poll.PollerConfig.CredentialPolls;
import io.switchboard.poll.QueueDiscovery.DiscoveredQueue;
import io.switchboard.poll.internal.PollJobsStore;
import io.switchboard.poll.internal.PollTopics;
import io.switchboard.poll.internal.QueuePacker;

/**
 * Turns the {@code poll:} sections of {@code switchboard.yaml} into {@code PollJob} records on the compacted
 * {@code poll-jobs} topic: queue discovery for entries that name queue patterns or "all queues", packing up to the
 * entry's {@code batchSize} queues per job (sticky: see {@link QueuePacker}), and a diff against the jobs on the
 * topic — unchanged jobs are not rewritten, changed ones are updated, removed ones (and every job of a credential that
 * has no {@code poll:} section any more) are tombstoned. A discovery that fails leaves that entry's jobs as they are.
 *
 * <p>Used by {@code switchboard jobs apply|list} and, on a schedule, by the poller that owns a credential's partition:
 * <pre>
 * try (JobPlanner planner = JobPlanner.create(config, discovery)) {
 *     JobPlan plan = planner.plan();      // reads poll-jobs, discovers queues, diffs
 *     planner.apply(plan);                // writes created/updated jobs, tombstones removed ones
 *     planner.list();                     // the jobs on the topic now, per credential
 * }
 * </pre>
 * The Kafka clients are created on first use of {@link #plan()}, {@link #apply} or {@link #list()}, so
 * {@link #plan(CredentialPolls, Collection)} works without Kafka. Not thread-safe.
 */
public final class JobPlanner implements AutoCloseable {

    private final PollerConfig config;
    private final QueueDiscovery discovery;
    private final Clock clock;
    private final List<AutoCloseable> owned = new ArrayList<>();
    private PollJobsStore store;

    private JobPlanner(PollerConfig config, QueueDiscovery discovery, Clock clock) {
        this.config = Objects.requireNonNull(config, "config");
        this.discovery = discovery;
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * A planner that discovers queues with the vendors' own discovery ({@code switchboard jobs apply}): it starts a
     * {@link io.switchboard.token.TokenTable} (waiting up to {@code tokensTimeout} for its first read) and a vendor
     * executor for the discovery requests, both closed with the planner.
     *
     * @throws SwitchboardException when the token table is not loaded in time (is a token manager running?)
     */
    public static JobPlanner createWithVendorDiscovery(PollerConfig config, Duration tokensTimeout) {
        io.vertx.core.Vertx vertx = io.vertx.core.Vertx.vertx();
        io.switchboard.token.TokenTable tokens = io.switchboard.token.TokenTable.start(config.tokenTableConfig());
        io.switchboard.poll.vendor.VendorPollExecutor executor = null;
        try {
            if (!tokens.awaitReady(tokensTimeout)) {
                throw new SwitchboardException("the token table " + config.topics().tokens() + " was not read within "
                        + tokensTimeout.toSeconds() + " s (" + tokens.health().reason() + "); queue discovery needs the"
                        + " tokens a running token manager publishes");
            }
            executor = io.switchboard.poll.vendor.VendorPollExecutor.builder(new io.switchboard.poll.vendor.TokenTableSource(tokens))
                    .vertx(vertx)
                    .options(config.http())
                    .credentialSettings(config::credentialHttpSettings)
                    .build();
            JobPlanner planner = new JobPlanner(config, executor.queueDiscovery(), Clock.systemUTC());
            io.switchboard.poll.vendor.VendorPollExecutor e = executor;
            planner.owned.add(e);
            planner.owned.add(tokens);
            planner.owned.add(() -> vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS));
            return planner;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SwitchboardException("interrupted while reading the token table", e);
        } catch (RuntimeException e) {
            if (executor != null) {
                executor.close();
            }
            tokens.close();
            vertx.close();
            throw e;
        }
    }

    /**
     * A planner for {@code config}'s credentials.
     *
     * @param discovery lists the queues of entries with {@code queueNames} or no queue ids; may be {@code null}, then
     *                  such entries are reported as problems and left as they are
     */
    public static JobPlanner create(PollerConfig config, QueueDiscovery discovery) {
        return new JobPlanner(config, discovery, Clock.systemUTC());
    }

    /** As {@link #create(PollerConfig, QueueDiscovery)}, with {@code clock} for the jobs' {@code updatedAt}. */
    public static JobPlanner create(PollerConfig config, QueueDiscovery discovery, Clock clock) {
        return new JobPlanner(config, discovery, clock);
    }

    /**
     * Plans one credential against its jobs now.
     *
     * @param current the credential's jobs on the topic (other credentials' jobs are ignored)
     * @return never fails: a discovery that fails becomes a problem of the plan, and the entry's jobs stay unchanged
     */
    public CompletableFuture<CredentialPlan> plan(CredentialPolls credential, Collection<PollJob> current) {
        String id = credential.credentialId();
        List<PollJob> mine = current.stream().filter(j -> j.getCredentialId().equals(id)).toList();
        Instant now = clock.instant();
        List<CompletableFuture<SpecResult>> parts = new ArrayList<>();
        for (PollSpec spec : credential.polls()) {
            String prefix = QueuePacker.jobIdPrefix(id, spec);
            List<PollJob> existing = mine.stream().filter(j -> j.getJobId().startsWith(prefix)).toList();
            parts.add(queuesOf(id, spec).handle((queues, error) -> {
                if (error != null) {
                    return new SpecResult(existing, existing, "poll entry " + spec.name() + ": " + Failures.describe(error)
                            + "; its " + existing.size() + " job(s) stay as they are");
                }
                String note = !spec.queueNames().isEmpty() && queues.isEmpty() && spec.queueIds().isEmpty()
                        ? "poll entry " + spec.name() + ": no queue matches " + spec.queueNames() : null;
                return new SpecResult(existing, QueuePacker.pack(id, spec, queues, existing, now), note);
            }));
        }
        return CompletableFuture.allOf(parts.toArray(CompletableFuture[]::new)).thenApply(v -> {
            List<PollJob> jobs = new ArrayList<>();
            List<PollJob> created = new ArrayList<>();
            List<PollJob> updated = new ArrayList<>();
            List<PollJob> unchanged = new ArrayList<>();
            List<String> removed = new ArrayList<>();
            List<String> problems = new ArrayList<>();
            Set<String> covered = new HashSet<>();
            for (CompletableFuture<SpecResult> f : parts) {
                SpecResult r = f.join();
                if (r.problem() != null) {
                    problems.add(r.problem());
                }
                Map<String, PollJob> before = new LinkedHashMap<>();
                r.existing().forEach(j -> before.put(j.getJobId(), j));
                covered.addAll(before.keySet());
                for (PollJob j : r.jobs()) {
                    jobs.add(j);
                    PollJob old = before.remove(j.getJobId());
                    if (old == null) {
                        created.add(j);
                    } else if (QueuePacker.sameDefinition(old, j)) {
                        unchanged.add(old);
                    } else {
                        updated.add(j);
                    }
                }
                removed.addAll(before.keySet());
            }
            for (PollJob j : mine) {
                if (!covered.contains(j.getJobId())) {
                    removed.add(j.getJobId()); // its poll entry was removed or renamed
                }
            }
            return new CredentialPlan(id, jobs, created, updated, unchanged, removed, problems);
        });
    }

    /** The plan for a credential that has jobs but no {@code poll:} section: every job removed. */
    public static CredentialPlan removal(String credentialId, Collection<PollJob> current) {
        List<String> ids = current.stream().filter(j -> j.getCredentialId().equals(credentialId)).map(PollJob::getJobId).sorted().toList();
        return new CredentialPlan(credentialId, List.of(), List.of(), List.of(), List.of(), ids, List.of());
    }

    /** Plans every credential against the jobs on the topic now (reads it). Blocks for the discoveries. */
    public JobPlan plan() {
        return plan(list());
    }

    /**
     * Plans every credential against {@code current} (jobs by credential id). Blocks for the discoveries, each bounded
     * by {@code poller.discoveryTimeout}.
     */
    public JobPlan plan(Map<String, List<PollJob>> current) {
        List<CompletableFuture<CredentialPlan>> plans = new ArrayList<>();
        Set<String> configured = new LinkedHashSet<>();
        for (CredentialPolls c : config.credentials()) {
            configured.add(c.credentialId());
            plans.add(plan(c, current.getOrDefault(c.credentialId(), List.of())));
        }
        List<CredentialPlan> out = new ArrayList<>();
        for (CompletableFuture<CredentialPlan> f : plans) {
            try {
                out.add(f.get(config.discoveryTimeout().toMillis() + 5_000, TimeUnit.MILLISECONDS));
            } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
                throw new SwitchboardException("planning did not finish: " + Failures.describe(e), e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SwitchboardException("interrupted while planning", e);
            }
        }
        new TreeMap<>(current).forEach((credentialId, jobs) -> {
            if (!configured.contains(credentialId) && !jobs.isEmpty()) {
                out.add(removal(credentialId, jobs));
            }
        });
        return new JobPlan(out);
    }

    /**
     * Writes the plan: created and updated jobs, tombstones for removed ones; unchanged jobs are not written. Creates
     * the poller topics when missing.
     *
     * @return records written
     */
    public int apply(JobPlan plan) {
        int written = 0;
        for (CredentialPlan c : plan.credentials()) {
            written += apply(c);
        }
        return written;
    }

    /** Writes one credential's plan; see {@link #apply(JobPlan)}. */
    public int apply(CredentialPlan plan) {
        if (!plan.hasChanges()) {
            return 0;
        }
        List<PollJob> writes = new ArrayList<>(plan.created());
        writes.addAll(plan.updated());
        Map<String, String> removed = new LinkedHashMap<>();
        plan.removed().forEach(id -> removed.put(id, plan.credentialId()));
        return store().write(writes, removed);
    }

    /** The jobs on {@code poll-jobs} now, by credential id (sorted), each credential's jobs sorted by id. */
    public Map<String, List<PollJob>> list() {
        Map<String, List<PollJob>> out = new TreeMap<>();
        for (PollJob j : store().readAll(Duration.ofSeconds(60)).values()) {
            out.computeIfAbsent(j.getCredentialId(), k -> new ArrayList<>()).add(j);
        }
        out.values().forEach(l -> l.sort(java.util.Comparator.comparing(PollJob::getJobId)));
        return out;
    }

    /** A table of {@code jobs} for {@code switchboard jobs list}: one line per job under its credential. */
    public static String describe(Map<String, List<PollJob>> jobs) {
        StringBuilder sb = new StringBuilder();
        jobs.forEach((credentialId, list) -> {
            sb.append(credentialId).append(": ").append(list.size()).append(" job(s)").append(System.lineSeparator());
            for (PollJob j : list) {
                sb.append(String.format("  %-48s %-34s every %-8s %4d queue(s)%s%n", j.getJobId(), j.getEndpoint(),
                        Duration.ofMillis(j.getIntervalMs()).toString().substring(2).toLowerCase(java.util.Locale.ROOT),
                        j.getQueueIds().size(), j.getEnabled() ? "" : "  (disabled)"));
            }
        });
        return sb.toString();
    }

    private CompletableFuture<List<String>> queuesOf(String credentialId, PollSpec spec) {
        if (!spec.needsDiscovery()) {
            return CompletableFuture.completedFuture(spec.queueIds());
        }
        if (discovery == null) {
            return CompletableFuture.failedFuture(new SwitchboardException("needs queue discovery (queueNames, or every queue of "
                    + spec.endpoint() + "), but this planner has none; list queueIds explicitly or run with a vendor discovery"));
        }
        CompletableFuture<List<DiscoveredQueue>> found;
        try {
            found = discovery.discover(credentialId, spec.endpoint(), spec.params());
        } catch (RuntimeException e) {
            found = CompletableFuture.failedFuture(e);
        }
        return found.orTimeout(config.discoveryTimeout().toMillis(), TimeUnit.MILLISECONDS).thenApply(queues -> {
            List<String> ids = new ArrayList<>(spec.queueIds());
            for (DiscoveredQueue q : queues) {
                if (spec.queueNames().isEmpty() || spec.matchesName(q.name())) {
                    ids.add(q.id());
                }
            }
            return ids;
        });
    }

    private PollJobsStore store() {
        if (store == null) {
            PollTopics.ensure(config.kafkaClientProperties(), config.topics(), config.jobPartitions());
            store = new PollJobsStore(config.kafkaClientProperties(), config.topics(), config.schemaRegistry(),
                    config.instanceId() + "-planner");
        }
        return store;
    }

    @Override
    public void close() {
        if (store != null) {
            store.close();
            store = null;
        }
        for (AutoCloseable c : owned) {
            try {
                c.close();
            } catch (Exception e) {
                // best effort: the tool is ending
            }
        }
        owned.clear();
    }

    private record SpecResult(List<PollJob> existing, List<PollJob> jobs, String problem) {
    }
}
