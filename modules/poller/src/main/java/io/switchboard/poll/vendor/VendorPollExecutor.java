package io.switchboard.poll.vendor;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.random.RandomGenerator;

import io.switchboard.core.SwitchboardException;
import io.switchboard.events.poll.PollJob;
import io.switchboard.poll.Endpoints;
import io.switchboard.poll.PollExecutor;
import io.switchboard.poll.PollOutcome;
import io.switchboard.poll.PollRequest;
import io.switchboard.poll.vendor.internal.EndpointAdapter;
import io.switchboard.poll.vendor.internal.GenesysObservationsAdapter;
import io.switchboard.poll.vendor.internal.PollErrors;
import io.switchboard.poll.vendor.internal.PollScope;
import io.switchboard.poll.vendor.internal.Tokens;
import io.switchboard.poll.vendor.internal.VendorCalls;
import io.switchboard.poll.vendor.internal.VendorHttp;
import io.switchboard.poll.vendor.internal.VendorMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.switchboard.token.TokenView;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

/**
 * The vendor side of a poller: polls a job against its vendor's reporting API (Genesys queue observations and
 * conversation aggregates, CXone skills activity and summary, Cognos report data, generic JSON) and maps the answers
 * to {@code QueueStat} records, within the credential's {@link CredentialRateLimiter} budget, with the token from the
 * {@link TokenSource}. Field mappings: docs/poller.md, "Vendor mappings".
 *
 * <p>A vendor's error is data ({@link PollOutcome#errors()}); the future fails only when the executor is closed or for
 * a bug. One Vert.x instance serves every vendor host (pooled keep-alive clients, one per host). Thread-safe; polls of
 * different jobs run concurrently.
 */
public final class VendorPollExecutor implements PollExecutor {

    private final Vertx vertx;
    private final boolean ownsVertx;
    private final VendorHttp http;
    private final VendorCalls calls;
    private final Map<String, EndpointAdapter> adapters;
    private final VendorQueueDiscovery discovery;
    private volatile boolean closed;

    private VendorPollExecutor(Builder b) {
        this.ownsVertx = b.vertx == null;
        this.vertx = b.vertx != null ? b.vertx : Vertx.vertx();
        this.http = new VendorHttp(vertx, b.options);
        VendorMetrics metrics = new VendorMetrics(b.meterRegistry);
        Tokens tokens = new Tokens(b.tokens, b.options.tokenRefreshWait(), b.clock, metrics::refreshRequested);
        this.calls = new VendorCalls(vertx, http, tokens, b.credentialSettings, b.clock, b.nanoTime, b.random, metrics);
        Map<String, EndpointAdapter> a = new HashMap<>();
        a.put(Endpoints.GENESYS_QUEUE_OBSERVATIONS, new GenesysObservationsAdapter());
        a.put(Endpoints.GENESYS_CONVERSATION_AGGREGATES, new io.switchboard.poll.vendor.internal.GenesysAggregatesAdapter());
        a.put(Endpoints.CXONE_SKILLS_ACTIVITY, new io.switchboard.poll.vendor.internal.CxoneAdapters.Activity());
        a.put(Endpoints.CXONE_SKILLS_SUMMARY, new io.switchboard.poll.vendor.internal.CxoneAdapters.Summary());
        a.put(Endpoints.COGNOS_REPORT_DATA, new io.switchboard.poll.vendor.internal.CognosReportAdapter());
        a.put(Endpoints.GENERIC_JSON, new io.switchboard.poll.vendor.internal.GenericJsonAdapter());
        this.adapters = Map.copyOf(a);
        this.discovery = new VendorQueueDiscovery(calls);
    }

    /** A builder over {@code tokens}. */
    public static Builder builder(TokenSource tokens) {
        return new Builder(tokens);
    }

    @Override
    public void credentialAcquired(String credentialId) {
        calls.credentialAcquired(credentialId);
    }

    @Override
    public CompletableFuture<PollOutcome> poll(PollJob job, PollRequest request) {
        if (closed) {
            return CompletableFuture.failedFuture(new ExecutorClosedException());
        }
        TokenView token = calls.tokens().current(job.getCredentialId()).orElse(null);
        PollScope scope = new PollScope(job, request, calls, token);
        EndpointAdapter adapter = adapters.get(job.getEndpoint());
        if (token == null && adapter != null) {
            scope.error(PollErrors.of(new PollErrors.Origin(job.getCredentialId(), job.getJobId(), null, job.getEndpoint()),
                    calls.clock().instant(), PollErrors.AUTHENTICATION, true, "no token for credential '" + job.getCredentialId()
                            + "' on the token topic yet — a token manager must own the credential and log in first (see"
                            + " switchboard.token-status); the poller retries at the next slot").build());
            return CompletableFuture.completedFuture(scope.outcome());
        }
        if (adapter == null) {
            scope.error(PollErrors.of(new PollErrors.Origin(job.getCredentialId(), job.getJobId(),
                            token == null ? null : token.provider(), job.getEndpoint()), calls.clock().instant(),
                    PollErrors.CONFIGURATION, false, "job " + job.getJobId() + " names endpoint '" + job.getEndpoint()
                            + "', which this poller does not know; use one of " + String.join(", ", Endpoints.ALL)).build());
            return CompletableFuture.completedFuture(scope.outcome());
        }
        Future<Void> run;
        try {
            run = adapter.poll(scope);
        } catch (PollScope.ConfigurationProblem e) {
            run = Future.failedFuture(e);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(new SwitchboardException("polling job " + job.getJobId() + " failed: " + e, e));
        }
        return run.transform(ar -> {
            if (ar.failed()) {
                if (ar.cause() instanceof PollScope.ConfigurationProblem p) {
                    scope.configurationError(p.getMessage());
                } else if (ar.cause() instanceof io.switchboard.poll.vendor.internal.CallFailure f) {
                    scope.error(f.error());
                } else {
                    return Future.<PollOutcome>failedFuture(new SwitchboardException("polling job " + job.getJobId()
                            + " (" + job.getEndpoint() + ") failed unexpectedly: " + ar.cause(), ar.cause()));
                }
            }
            return Future.succeededFuture(scope.outcome());
        }).toCompletionStage().toCompletableFuture();
    }

    /** Discovery over the same HTTP clients, tokens and rate limiters. */
    public VendorQueueDiscovery queueDiscovery() {
        return discovery;
    }

    /** The rate limiter of a credential, once it made a request; {@code null} before. */
    public CredentialRateLimiter rateLimiter(String credentialId) {
        return calls.existingLimiter(credentialId);
    }

    /** How many token refreshes the executor asked for (one per rejected version of a credential). */
    public long tokenRefreshRequests() {
        return calls.tokens().refreshRequests();
    }

    /** Non-2xx answers and transport failures seen, by status ({@code 401}, {@code 429}, {@code 5xx}) or kind. */
    public Map<String, Integer> failureCounts() {
        return calls.statusCounts();
    }

    /** How many vendor hosts have a pooled client. */
    public int httpClientCount() {
        return http.clientCount();
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        http.close();
        calls.tokens().close();
        if (ownsVertx) {
            vertx.close().await();
        }
    }

    /** The executor was closed before the poll started: not retriable on this instance. */
    public static final class ExecutorClosedException extends SwitchboardException {
        private static final long serialVersionUID = 1L;

        ExecutorClosedException() {
            super("the vendor poll executor is closed (the poller is shutting down); the job's next owner polls it");
        }
    }

    /** Builds a {@link VendorPollExecutor}. Not thread-safe. */
    public static final class Builder {
        private final TokenSource tokens;
        private Vertx vertx;
        private VendorHttpOptions options = VendorHttpOptions.defaults();
        private Function<String, CredentialHttpSettings> credentialSettings = id -> CredentialHttpSettings.DEFAULTS;
        private Clock clock = Clock.systemUTC();
        private LongSupplier nanoTime = System::nanoTime;
        private RandomGenerator random = new SecureRandom();
        private MeterRegistry meterRegistry = new CompositeMeterRegistry();

        private Builder(TokenSource tokens) {
            this.tokens = Objects.requireNonNull(tokens, "tokens");
        }

        /** The process's Vert.x instance (not closed by the executor); without one the executor makes and owns its own. */
        public Builder vertx(Vertx v) {
            vertx = v;
            return this;
        }

        public Builder options(VendorHttpOptions o) {
            options = Objects.requireNonNull(o);
            return this;
        }

        /** Per-credential HTTP settings (CA bundle, request budget); {@code null} answers mean the defaults. */
        public Builder credentialSettings(Function<String, CredentialHttpSettings> f) {
            credentialSettings = Objects.requireNonNull(f);
            return this;
        }

        /** The poller clock: poll times, interval positions, token expiry (fixed in tests). */
        public Builder clock(Clock c) {
            clock = Objects.requireNonNull(c);
            return this;
        }

        /** Monotonic time of the rate limiters. */
        public Builder nanoTime(LongSupplier n) {
            nanoTime = Objects.requireNonNull(n);
            return this;
        }

        /** Jitter of the retry backoff (seeded in tests). */
        public Builder random(RandomGenerator r) {
            random = Objects.requireNonNull(r);
            return this;
        }

        /**
         * Where the vendor-side meters go (request outcomes and latency, limiter waits and budget, token age at use,
         * refresh requests; see docs/poller.md); default: nowhere.
         */
        public Builder meterRegistry(MeterRegistry registry) {
            meterRegistry = Objects.requireNonNull(registry);
            return this;
        }

        public VendorPollExecutor build() {
            return new VendorPollExecutor(this);
        }
    }
}
