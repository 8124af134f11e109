package io.switchboard.poll.internal;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

import io.switchboard.events.poll.PollJob;
import io.switchboard.events.poll.QueueStat;
import io.switchboard.poll.PollExecutor;
import io.switchboard.poll.PollOutcome;
import io.switchboard.poll.PollRequest;

/**
 * A {@link PollExecutor} for scheduler unit tests: records every poll with the virtual time it started and answers
 * at once (one QueueStat per queue) or, in manual mode, when the test completes the poll.
 */
final class ScriptedPollExecutor implements PollExecutor {

    record Call(PollJob job, PollRequest request, Instant at, CompletableFuture<PollOutcome> answer) {
    }

    private final Supplier<Instant> clock;
    private final List<Call> calls = new CopyOnWriteArrayList<>();
    private volatile boolean manual;

    ScriptedPollExecutor(Supplier<Instant> clock) {
        this.clock = clock;
    }

    /** From now on polls complete only when the test completes {@link Call#answer()}. */
    ScriptedPollExecutor manual() {
        manual = true;
        return this;
    }

    /** Polls complete at once again. */
    ScriptedPollExecutor automatic() {
        manual = false;
        return this;
    }

    List<Call> calls() {
        return List.copyOf(calls);
    }

    List<Call> calls(String jobId) {
        return calls.stream().filter(c -> c.job().getJobId().equals(jobId)).toList();
    }

    /** The outcome a poll of {@code job} has: one QueueStat per queue. */
    static PollOutcome outcome(PollJob job, PollRequest request, Instant at, Instant closedIntervalEnd) {
        List<QueueStat> stats = new ArrayList<>();
        for (String q : job.getQueueIds()) {
            stats.add(QueueStat.newBuilder().setCredentialId(job.getCredentialId()).setProvider("genesys-cloud")
                    .setJobId(job.getJobId()).setPollSequence(request.pollSequence()).setQueueId(q)
                    .setObservedAt(at).setPolledAt(at).build());
        }
        return new PollOutcome(stats, List.of(), closedIntervalEnd, 1);
    }

    @Override
    public CompletableFuture<PollOutcome> poll(PollJob job, PollRequest request) {
        CompletableFuture<PollOutcome> answer = new CompletableFuture<>();
        calls.add(new Call(job, request, clock.get(), answer));
        if (!manual) {
            answer.complete(outcome(job, request, clock.get(), null));
        }
        return answer;
    }

    @Override
    public void close() {
    }
}
