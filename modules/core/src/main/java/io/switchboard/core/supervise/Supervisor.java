package io.switchboard.core.supervise;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.random.RandomGenerator;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches every background loop and task of one role, so that none can die silently while {@code /ready} says UP.
 *
 * <p>Each piece of background work is a named {@link Component}. A component is UP, RETRYING (a retriable failure —
 * broker or registry outage, timeout — is being retried with backoff; readiness is DOWN with the reason), BEHIND (it
 * did not report progress within its allowed silence) or FAILED (a fatal failure). The first fatal failure completes
 * {@link #fatal()} and calls the role's fatal handler once: the CLI closes the role and exits with code 1.
 *
 * <p>Two ways to run work under it: {@link #loop} runs a step over and over on its own thread, classifying each
 * failure with {@link Failures#isRetriable}; {@link #guard} wraps a task handed to a scheduler (whose executor would
 * otherwise swallow the exception). Code with its own loop reports through {@link Component} directly.
 *
 * <p>Thread-safe.
 */
public final class Supervisor implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Supervisor.class);

    /** What a role does when one of its components fails fatally. */
    @FunctionalInterface
    public interface FatalHandler {
        /**
         * Called once, on the thread that saw the failure.
         *
         * @param component the component's name
         * @param reason    one sentence, never a secret
         * @param cause     the failure, or {@code null}
         */
        void onFatal(String component, String reason, Throwable cause);
    }

    /** One step of a supervised loop; it is called again as soon as it returns. */
    @FunctionalInterface
    public interface Step {
        /** Does one round of work (e.g. one {@code poll}); throws to report a failure. */
        void run() throws Exception;
    }

    /** A fatal failure: which component, why. */
    public record Fatal(String component, String reason, Throwable cause) {
    }

    private final String role;
    private final Clock clock;
    private final RandomGenerator random;
    private final FatalHandler onFatal;
    private final Map<String, Component> components = new ConcurrentHashMap<>();
    private final List<Thread> threads = new CopyOnWriteArrayList<>();
    private final CompletableFuture<Fatal> fatal = new CompletableFuture<>();
    private volatile boolean closed;

    /**
     * @param role    the role's name, for logs ({@code poller}, {@code token-manager})
     * @param clock   the clock that decides whether a component is behind
     * @param random  jitter of the retry backoff
     * @param onFatal called once on the first fatal failure (may be a no-op; {@link #fatal()} completes either way)
     */
    public Supervisor(String role, Clock clock, RandomGenerator random, FatalHandler onFatal) {
        this.role = Objects.requireNonNull(role, "role");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.random = Objects.requireNonNull(random, "random");
        this.onFatal = Objects.requireNonNull(onFatal, "onFatal");
    }

    /** A supervisor on the system clock whose fatal failures only complete {@link #fatal()}. */
    public static Supervisor create(String role) {
        return new Supervisor(role, Clock.systemUTC(), RandomGenerator.getDefault(), (c, r, e) -> { });
    }

    /** The component called {@code name}, created UP with no silence limit on first use. */
    public Component component(String name) {
        return components.computeIfAbsent(name, n -> new Component(n, null));
    }

    /**
     * The component called {@code name}, which is BEHIND when it reports no progress ({@link Component#beat()}) for
     * longer than {@code maxSilence}.
     */
    public Component component(String name, Duration maxSilence) {
        Component c = components.computeIfAbsent(name, n -> new Component(n, maxSilence));
        c.maxSilence = maxSilence;
        return c;
    }

    /**
     * Runs {@code step} over and over on a daemon thread named after the component until {@link #close()}. A step
     * that returns counts as progress; a retriable failure marks the component RETRYING and waits with
     * {@code backoff}; a fatal one fails the role. The thread ends on interruption or close: to stop one loop,
     * interrupt the thread returned (a step that fails because of that interruption, e.g. with Kafka's
     * {@code InterruptException}, ends the loop quietly instead of failing it).
     */
    public Thread loop(String name, Backoff backoff, Step step) {
        Component component = component(name);
        Thread thread = new Thread(() -> runLoop(component, backoff, step), role + "-" + name);
        thread.setDaemon(true);
        threads.add(thread);
        thread.start();
        return thread;
    }

    private void runLoop(Component component, Backoff backoff, Step step) {
        int attempt = 0;
        while (!closed && !Thread.currentThread().isInterrupted()) {
            try {
                step.run();
                if (attempt > 0) {
                    LOG.info("{} {}: recovered after {} retr{}", role, component.name, attempt, attempt == 1 ? "y" : "ies");
                }
                attempt = 0;
                component.beat();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (Throwable e) {
                if (closed || Thread.currentThread().isInterrupted() || Failures.isInterruption(e)) {
                    return; // stopped on purpose (close, or the loop's owner interrupted its thread)
                }
                if (!Failures.isRetriable(e)) {
                    component.fail("stopped by a failure it cannot recover from: " + Failures.describe(e), e);
                    return;
                }
                attempt++;
                Duration wait = backoff.delay(attempt, random);
                component.retrying(Failures.describe(e) + " (retry " + attempt + " in " + wait.toMillis() + " ms)");
                try {
                    Thread.sleep(wait.toMillis());
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /**
     * Wraps a task for a scheduler: the task's own failure is reported instead of being swallowed by the executor.
     * A retriable one marks the component RETRYING (the next run clears it), a fatal one fails the role.
     */
    public Runnable guard(String name, Runnable task) {
        Component component = component(name);
        return () -> {
            try {
                task.run();
                component.beat();
            } catch (Throwable e) {
                if (Failures.isRetriable(e)) {
                    component.retrying(Failures.describe(e));
                } else {
                    component.fail("a scheduled task failed: " + Failures.describe(e), e);
                }
            }
        };
    }

    /** Health of every component, by name, in a stable order. */
    public Map<String, Health> health() {
        Map<String, Health> out = new LinkedHashMap<>();
        components.keySet().stream().sorted().forEach(n -> out.put(n, components.get(n).health()));
        return out;
    }

    /** UP when every component is UP; else DOWN naming each component that is not, with its reason. */
    public Health readiness() {
        StringBuilder reasons = new StringBuilder();
        health().forEach((name, h) -> {
            if (!h.up()) {
                reasons.append(reasons.length() == 0 ? "" : "; ").append(name).append(": ").append(h.reason());
            }
        });
        return reasons.length() == 0 ? Health.ok() : Health.down(reasons.toString());
    }

    /** Completes with the first fatal failure; never completes while the role is healthy. */
    public CompletableFuture<Fatal> fatal() {
        return fatal;
    }

    /** Stops the loops started by {@link #loop} (interrupting them) and waits briefly for them. Idempotent. */
    @Override
    public void close() {
        closed = true;
        for (Thread t : threads) {
            t.interrupt();
        }
        for (Thread t : threads) {
            try {
                t.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** One supervised piece of background work. Thread-safe. */
    public final class Component {

        private final String name;
        private volatile Duration maxSilence;
        private volatile Instant lastBeat;
        private volatile String retrying;
        private volatile String failed;
        private volatile String down;

        private Component(String name, Duration maxSilence) {
            this.name = name;
            this.maxSilence = maxSilence;
            this.lastBeat = clock.instant();
        }

        /** The component's name. */
        public String name() {
            return name;
        }

        /** Reports progress: clears RETRYING and DOWN and restarts the silence clock. */
        public void beat() {
            lastBeat = clock.instant();
            if (retrying != null) {
                retrying = null;
            }
            if (down != null) {
                down = null;
            }
        }

        /** Reports a retriable failure that is being retried; readiness is DOWN with {@code reason} until a beat. */
        public void retrying(String reason) {
            if (!Objects.equals(retrying, reason)) {
                LOG.warn("{} {}: {}", role, name, reason);
            }
            retrying = reason;
        }

        /** Reports that the component cannot do its work yet (e.g. not loaded, not assigned), without failing. */
        public void down(String reason) {
            down = reason;
        }

        /**
         * Reports a fatal failure: the component is FAILED for good and the role's fatal handler runs (once for the
         * whole supervisor).
         */
        public void fail(String reason, Throwable cause) {
            failed = reason;
            LOG.error("{} {}: {}", role, name, reason, cause);
            Fatal f = new Fatal(name, name + ": " + reason, cause);
            if (fatal.complete(f)) {
                try {
                    onFatal.onFatal(name, f.reason(), cause);
                } catch (RuntimeException e) {
                    LOG.error("{}: the fatal handler itself failed", role, e);
                }
            }
        }

        /** The component's health now. */
        public Health health() {
            if (failed != null) {
                return Health.down("FAILED: " + failed);
            }
            if (retrying != null) {
                return Health.down("RETRYING: " + retrying);
            }
            if (down != null) {
                return Health.down(down);
            }
            Duration limit = maxSilence;
            if (limit != null) {
                Duration silent = Duration.between(lastBeat, clock.instant());
                if (silent.compareTo(limit) > 0) {
                    return Health.down("BEHIND: no progress for " + silent.toSeconds() + " s (allowed " + limit.toSeconds() + " s)");
                }
            }
            return Health.ok();
        }
    }
}
