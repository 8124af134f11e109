package io.switchboard.poll.vendor.internal;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import io.switchboard.core.http.VendorResponses;
import io.switchboard.events.poll.PollError;
import io.switchboard.events.poll.PollJob;
import io.switchboard.events.poll.QueueStat;
import io.switchboard.poll.PollOutcome;
import io.switchboard.poll.PollRequest;
import io.switchboard.token.TokenView;
import io.vertx.core.Future;

/**
 * One poll of one job while it runs: the job, its position, the calls it makes and what it collected. Adapters add
 * records and errors; {@link #outcome()} hands them over. Thread-safe (the collections are synchronized).
 */
public final class PollScope {

    private final PollJob job;
    private final PollRequest request;
    private final VendorCalls calls;
    private final VendorCalls.Caller caller;
    private final TokenView startToken;
    private final List<QueueStat> stats = Collections.synchronizedList(new ArrayList<>());
    private final List<PollError> errors = Collections.synchronizedList(new ArrayList<>());
    private volatile Instant closedIntervalEnd;

    public PollScope(PollJob job, PollRequest request, VendorCalls calls, TokenView startToken) {
        this.job = job;
        this.request = request;
        this.calls = calls;
        this.caller = VendorCalls.Caller.of(job.getCredentialId(), job.getJobId());
        this.startToken = startToken;
    }

    public PollJob job() {
        return job;
    }

    public PollRequest request() {
        return request;
    }

    public VendorCalls calls() {
        return calls;
    }

    /** The token when the poll started (for the API base URL, tenant, metadata); each request uses the current one. */
    public TokenView token() {
        return startToken;
    }

    public Instant now() {
        return calls.clock().instant();
    }

    /** A job parameter, or {@code fallback}. */
    public String param(String name, String fallback) {
        Map<String, String> p = job.getParams();
        String v = p == null ? null : p.get(name);
        return v == null || v.isBlank() ? fallback : v.trim();
    }

    /** A whole-number job parameter, or {@code fallback}; a bad value is a CONFIGURATION error. */
    public int intParam(String name, int fallback, int min, int max) {
        String v = param(name, null);
        if (v == null) {
            return fallback;
        }
        try {
            int n = Integer.parseInt(v);
            if (n < min || n > max) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new ConfigurationProblem("job parameter " + name + "=" + v + " must be a whole number from " + min + " to " + max);
        }
    }

    /** Who calls (credential, job, the poll's request counter). */
    public VendorCalls.Caller caller() {
        return caller;
    }

    /** Sends one call on behalf of this poll. */
    public Future<CallResult> call(CallSpec spec) {
        return calls.call(caller, spec);
    }

    /** The shared fields of the records of one answer ({@code observedAt} from its {@code Date} header). */
    public StatBase base(HttpAnswer answer) {
        Instant polledAt = now();
        Instant vendorTime = answer == null ? null : VendorResponses.httpDate(answer.header("Date"));
        TokenView t = startToken;
        return new StatBase(job.getCredentialId(), t.tenantId(), t.provider(), job.getJobId(), request.pollSequence(), polledAt,
                vendorTime != null ? vendorTime : polledAt);
    }

    public void addAll(List<QueueStat> records) {
        stats.addAll(records);
    }

    public void error(PollError error) {
        errors.add(error);
    }

    /** Records the error of a failed call; returns whether the result was a success. */
    public boolean okOrRecord(CallResult result) {
        if (result instanceof CallResult.Failed f) {
            errors.add(f.error());
            return false;
        }
        return true;
    }

    /** A MAPPING error for an answer the mapper could not read. */
    public void mappingError(CallSpec spec, CallResult.Ok ok, RuntimeException e) {
        errors.add(PollErrors.of(origin(spec), now(), PollErrors.MAPPING, true, Vendors.displayName(startToken.provider())
                        + " answered " + ok.answer().status() + " to " + spec.label() + " in a shape the " + job.getEndpoint()
                        + " mapping does not read (" + e.getMessage() + "); excerpt: "
                        + VendorResponses.excerpt(ok.answer().bodyText(), VendorCalls.secretsOf(ok.token()))
                        + " — nothing of this answer was used; if the vendor changed its API, report it")
                .setHttpStatus(ok.answer().status()).build());
    }

    /** A CONFIGURATION error: the job cannot be polled as defined. */
    public void configurationError(String message) {
        errors.add(PollErrors.of(origin(null), now(), PollErrors.CONFIGURATION, false,
                "job " + job.getJobId() + " (" + job.getEndpoint() + "): " + message).build());
    }

    private PollErrors.Origin origin(CallSpec spec) {
        return new PollErrors.Origin(job.getCredentialId(), job.getJobId(), startToken == null ? null : startToken.provider(),
                spec == null ? job.getEndpoint() : spec.label());
    }

    public void closedIntervalEnd(Instant end) {
        closedIntervalEnd = end;
    }

    public PollOutcome outcome() {
        synchronized (stats) {
            synchronized (errors) {
                return new PollOutcome(List.copyOf(stats), List.copyOf(errors), closedIntervalEnd, caller.requests().get());
            }
        }
    }

    /** A job definition the adapter cannot poll (bad parameter, missing API base URL): a CONFIGURATION error. */
    public static final class ConfigurationProblem extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public ConfigurationProblem(String message) {
            super(message, null, false, false);
        }
    }
}
