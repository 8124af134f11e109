package io.switchboard.registry.serde;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.random.RandomGenerator;

import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.errors.StreamsException;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.switchboard.core.supervise.Backoff;
import io.switchboard.core.supervise.Failures;
import io.switchboard.core.supervise.Supervisor;

/**
 * The {@link StreamsUncaughtExceptionHandler} that makes a retriable failure (schema registry or broker outage,
 * timeout) a retry instead of a skipped record or a dead application: the failed stream thread is replaced
 * ({@code REPLACE_THREAD}) after a backoff with jitter; anything else shuts the client down ({@code SHUTDOWN_CLIENT})
 * and, when a {@link Supervisor.Component} is given, fails it so the role's fatal handler runs (the CLI exits 1).
 *
 * <p>Why replacing the thread loses nothing: a stream thread that dies closes its tasks <em>dirty</em>. Under
 * exactly-once the open transaction (the task's output, its changelog writes and its dead letters) is aborted and
 * nothing is committed, so the thread that takes the tasks over reads again from the last committed offsets and
 * produces every result once. Under at-least-once the records since the last commit are processed again. This is
 * how {@link DeadLetterDeserializationExceptionHandler} retries a record it could not deserialize because the
 * registry was unreachable: it answers {@code FAIL}, Kafka Streams throws a {@link StreamsException} whose cause is
 * the registry's {@code SchemaRegistryUnavailableException}, and this handler sees through the wrapper.
 *
 * <pre>{@code
 * KafkaStreams streams = new KafkaStreams(topology, props);
 * ReplaceThreadOnRetriableFailure onFailure = new ReplaceThreadOnRetriableFailure(Backoff.DEFAULT, supervisor.component("streams"));
 * streams.setUncaughtExceptionHandler(onFailure);
 * streams.setStateListener(onFailure.stateListener(null));
 * }</pre>
 *
 * <p>The backoff sleeps on the dying stream thread, before it closes its tasks, so a registry that stays down is
 * asked at the backoff's pace rather than in a tight loop of rebalances; keep {@link Backoff#max()} well below
 * {@code max.poll.interval.ms}. The attempt count restarts once no failure was seen for twice the backoff's maximum.
 * Thread-safe.
 */
public final class ReplaceThreadOnRetriableFailure implements StreamsUncaughtExceptionHandler {

    private static final Logger LOG = LoggerFactory.getLogger(ReplaceThreadOnRetriableFailure.class);

    private final Backoff backoff;
    private final Supervisor.Component component;
    private final Clock clock;
    private final RandomGenerator random;
    private int attempt;
    private Instant lastFailure = Instant.MIN;
    private volatile long replacements;

    /** Without a supervisor: failures are only logged; a fatal one shuts the client down. */
    public ReplaceThreadOnRetriableFailure(Backoff backoff) {
        this(backoff, null, Clock.systemUTC(), new SplittableRandom());
    }

    /**
     * @param component where retries (RETRYING) and a fatal failure (FAILED, the role's fatal handler) are reported,
     *                  e.g. {@code supervisor.component("streams")}; may be {@code null}
     */
    public ReplaceThreadOnRetriableFailure(Backoff backoff, Supervisor.Component component) {
        this(backoff, component, Clock.systemUTC(), new SplittableRandom());
    }

    /** With an explicit clock and jitter source (tests). */
    public ReplaceThreadOnRetriableFailure(Backoff backoff, Supervisor.Component component, Clock clock, RandomGenerator random) {
        this.backoff = Objects.requireNonNull(backoff, "backoff");
        this.component = component;
        this.clock = Objects.requireNonNull(clock, "clock");
        this.random = Objects.requireNonNull(random, "random");
    }

    /**
     * Whether a failure seen by Kafka Streams is retriable: the whole cause chain is searched, behind Streams' wrappers
     * ({@link StreamsException}, {@link CompletionException}, {@link ExecutionException}) and behind our own
     * exceptions, for a retriable cause ({@link #retriableCause}). So a {@code SchemaRegistryUnavailableException}
     * anywhere in the chain (a processor's own exception wrapping it, say), or Kafka's {@code TimeoutException}, is
     * retriable, while a poison record's {@code InvalidPayloadException} is not even when it wraps an {@code IOException}.
     */
    public static boolean isRetriable(Throwable failure) {
        return retriableCause(failure) != null;
    }

    /**
     * The retriable failure in {@code failure}'s cause chain, or {@code null}. Anywhere in the chain: a
     * {@link io.switchboard.core.SwitchboardException} that says it is retriable ({@code SchemaRegistryUnavailableException}),
     * or Kafka's {@code RetriableException} / {@code DisconnectException}. An I/O exception only as the failure itself
     * behind Streams' wrappers ({@link #rootCause}): one that something else wraps (a decoder's
     * {@code IllegalStateException} or {@code InvalidPayloadException} around an {@code EOFException} of a truncated
     * record) was judged by that wrapper, and is no outage.
     */
    public static Throwable retriableCause(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof io.switchboard.core.SwitchboardException s) {
                if (s.isRetriable()) {
                    return t;
                }
            } else if (!(t instanceof java.io.IOException) && !(t instanceof java.io.UncheckedIOException)
                    && !(t instanceof CompletionException) && !(t instanceof ExecutionException) && Failures.isRetriable(t)) {
                return t; // Kafka's retriable exceptions
            }
        }
        Throwable root = rootCause(failure);
        return (root instanceof java.io.IOException || root instanceof java.io.UncheckedIOException) ? root : null;
    }

    /** The failure behind Streams' wrappers (see {@link #isRetriable}). */
    public static Throwable rootCause(Throwable failure) {
        Throwable t = failure;
        while (t.getCause() != null && t.getCause() != t
                && (t.getClass() == StreamsException.class || t instanceof CompletionException || t instanceof ExecutionException)) {
            t = t.getCause();
        }
        return t;
    }

    /** Threads replaced so far (for metrics and tests). */
    public long replacements() {
        return replacements;
    }

    @Override
    public StreamThreadExceptionResponse handle(Throwable failure) {
        Throwable retriable = retriableCause(failure);
        Throwable cause = retriable != null ? retriable : rootCause(failure);
        String thread = Thread.currentThread().getName();
        if (retriable == null) {
            String reason = "stream thread " + thread + " failed with a failure it cannot recover from: " + Failures.describe(cause);
            if (component != null) {
                component.fail(reason, failure);
            } else {
                LOG.error("{}; shutting the Kafka Streams client down", reason, failure);
            }
            return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        }
        Duration wait;
        int n;
        synchronized (this) {
            Instant now = clock.instant();
            if (lastFailure.isBefore(now.minus(backoff.max().multipliedBy(2)))) {
                attempt = 0;
            }
            lastFailure = now;
            n = ++attempt;
            wait = backoff.delay(n, random);
        }
        String reason = Failures.describe(cause) + " (stream thread " + thread + " is replaced in " + wait.toMillis()
                + " ms and its tasks resume from their last commit; retry " + n + ")";
        if (component != null) {
            component.retrying(reason);
        } else {
            LOG.warn("{}", reason);
        }
        try {
            Thread.sleep(wait.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        replacements++;
        return StreamThreadExceptionResponse.REPLACE_THREAD;
    }

    /**
     * A state listener that reports the component UP again when the client is {@code RUNNING} after a replacement,
     * then calls {@code next} (may be {@code null}); Kafka Streams takes one state listener, so chain yours here.
     */
    public KafkaStreams.StateListener stateListener(KafkaStreams.StateListener next) {
        return (newState, oldState) -> {
            if (newState == KafkaStreams.State.RUNNING && component != null) {
                component.beat();
            }
            if (next != null) {
                next.onChange(newState, oldState);
            }
        };
    }
}
