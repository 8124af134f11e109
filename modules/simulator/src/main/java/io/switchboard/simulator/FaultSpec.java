package io.switchboard.simulator;

import java.time.Duration;
import java.util.Objects;
import java.util.Set;

/**
 * Faults applied to the requests of one vendor (or one tenant of a vendor). Immutable; build with
 * {@link #none()} and the with-ers. Rates are probabilities 0..1 per request (1.0 = every request). The draws are
 * reproducible: whether the n-th request under a spec gets a fault is a pure function of
 * {@link SimulatorConfig#seed()}, n and the fault kind, so the same seed and the same request order give the same
 * faults (setting a spec again restarts its count).
 *
 * @param latency             added before the request is handled
 * @param serverErrorRate     share of requests answered with {@code serverErrorStatus} instead of being handled
 * @param serverErrorStatus   the 5xx status used (default 503)
 * @param tooManyRequests     burst: the next N requests are answered 429 with {@code Retry-After}
 * @param retryAfterSeconds   the {@code Retry-After} of a burst 429
 * @param clockSkew           added to the {@code Date} header of every answer (negative = server clock behind)
 * @param malformedJsonRate   share of answers whose JSON body is made syntactically invalid (same length class)
 * @param truncatedJsonRate   share of answers whose body is cut in half (Content-Length matches the cut body)
 * @param connectionResetRate share of requests whose connection is aborted with a TCP reset (RST), without any answer
 * @param slowBody            the answer body is written in ten chunks spread over this duration
 * @param nonJsonBodyRate     share of JSON answers replaced by an HTML page (status kept, {@code Content-Type: text/html}),
 *                            as a proxy or a login page in front of the vendor answers
 * @param droppedFields       names of fields removed, at every depth, from every JSON answer (a vendor that changed its
 *                            shape, or leaves fields out)
 * @param oversizedBodyBytes  when above zero, every JSON answer is padded with blanks (still valid JSON) to this many bytes
 */
public record FaultSpec(Duration latency, double serverErrorRate, int serverErrorStatus, int tooManyRequests,
                        int retryAfterSeconds, Duration clockSkew, double malformedJsonRate, double truncatedJsonRate,
                        double connectionResetRate, Duration slowBody, double nonJsonBodyRate, Set<String> droppedFields,
                        int oversizedBodyBytes) {

    private static final FaultSpec NONE = new FaultSpec(Duration.ZERO, 0, 503, 0, 1, Duration.ZERO, 0, 0, 0, Duration.ZERO,
            0, Set.of(), 0);

    /** The faults before body shapes could be injected (no HTML pages, no dropped fields, no padding). */
    public FaultSpec(Duration latency, double serverErrorRate, int serverErrorStatus, int tooManyRequests, int retryAfterSeconds,
                     Duration clockSkew, double malformedJsonRate, double truncatedJsonRate, double connectionResetRate,
                     Duration slowBody) {
        this(latency, serverErrorRate, serverErrorStatus, tooManyRequests, retryAfterSeconds, clockSkew, malformedJsonRate,
                truncatedJsonRate, connectionResetRate, slowBody, 0, Set.of(), 0);
    }

    public FaultSpec {
        Objects.requireNonNull(latency, "latency");
        droppedFields = Set.copyOf(droppedFields);
        checkRate("nonJsonBodyRate", nonJsonBodyRate);
        if (oversizedBodyBytes < 0) {
            throw new IllegalArgumentException("oversizedBodyBytes must not be negative, was " + oversizedBodyBytes);
        }
        Objects.requireNonNull(clockSkew, "clockSkew");
        Objects.requireNonNull(slowBody, "slowBody");
        checkRate("serverErrorRate", serverErrorRate);
        checkRate("malformedJsonRate", malformedJsonRate);
        checkRate("truncatedJsonRate", truncatedJsonRate);
        checkRate("connectionResetRate", connectionResetRate);
        if (serverErrorStatus < 500 || serverErrorStatus > 599) {
            throw new IllegalArgumentException("serverErrorStatus must be 500..599, was " + serverErrorStatus);
        }
        if (tooManyRequests < 0 || retryAfterSeconds < 0 || latency.isNegative() || slowBody.isNegative()) {
            throw new IllegalArgumentException("tooManyRequests, retryAfterSeconds, latency and slowBody must not be negative");
        }
    }

    private static void checkRate(String name, double rate) {
        if (!(rate >= 0 && rate <= 1)) {
            throw new IllegalArgumentException(name + " must be between 0 and 1, was " + rate);
        }
    }

    /** No fault at all. */
    public static FaultSpec none() {
        return NONE;
    }

    /** Whether this spec changes nothing. */
    public boolean isNone() {
        return latency.isZero() && serverErrorRate == 0 && tooManyRequests == 0 && clockSkew.isZero()
                && malformedJsonRate == 0 && truncatedJsonRate == 0 && connectionResetRate == 0 && slowBody.isZero()
                && nonJsonBodyRate == 0 && droppedFields.isEmpty() && oversizedBodyBytes == 0;
    }

    public FaultSpec withLatency(Duration d) {
        return new FaultSpec(d, serverErrorRate, serverErrorStatus, tooManyRequests, retryAfterSeconds, clockSkew,
                malformedJsonRate, truncatedJsonRate, connectionResetRate, slowBody, nonJsonBodyRate, droppedFields, oversizedBodyBytes);
    }

    public FaultSpec withServerErrors(double rate, int status) {
        return new FaultSpec(latency, rate, status, tooManyRequests, retryAfterSeconds, clockSkew,
                malformedJsonRate, truncatedJsonRate, connectionResetRate, slowBody, nonJsonBodyRate, droppedFields, oversizedBodyBytes);
    }

    public FaultSpec withServerErrors(double rate) {
        return withServerErrors(rate, serverErrorStatus);
    }

    public FaultSpec withTooManyRequests(int burst, int retryAfter) {
        return new FaultSpec(latency, serverErrorRate, serverErrorStatus, burst, retryAfter, clockSkew,
                malformedJsonRate, truncatedJsonRate, connectionResetRate, slowBody, nonJsonBodyRate, droppedFields, oversizedBodyBytes);
    }

    public FaultSpec withClockSkew(Duration skew) {
        return new FaultSpec(latency, serverErrorRate, serverErrorStatus, tooManyRequests, retryAfterSeconds, skew,
                malformedJsonRate, truncatedJsonRate, connectionResetRate, slowBody, nonJsonBodyRate, droppedFields, oversizedBodyBytes);
    }

    public FaultSpec withMalformedJson(double rate) {
        return new FaultSpec(latency, serverErrorRate, serverErrorStatus, tooManyRequests, retryAfterSeconds, clockSkew,
                rate, truncatedJsonRate, connectionResetRate, slowBody, nonJsonBodyRate, droppedFields, oversizedBodyBytes);
    }

    public FaultSpec withTruncatedJson(double rate) {
        return new FaultSpec(latency, serverErrorRate, serverErrorStatus, tooManyRequests, retryAfterSeconds, clockSkew,
                malformedJsonRate, rate, connectionResetRate, slowBody, nonJsonBodyRate, droppedFields, oversizedBodyBytes);
    }

    public FaultSpec withConnectionResets(double rate) {
        return new FaultSpec(latency, serverErrorRate, serverErrorStatus, tooManyRequests, retryAfterSeconds, clockSkew,
                malformedJsonRate, truncatedJsonRate, rate, slowBody, nonJsonBodyRate, droppedFields, oversizedBodyBytes);
    }

    public FaultSpec withSlowBody(Duration d) {
        return new FaultSpec(latency, serverErrorRate, serverErrorStatus, tooManyRequests, retryAfterSeconds, clockSkew,
                malformedJsonRate, truncatedJsonRate, connectionResetRate, d, nonJsonBodyRate, droppedFields, oversizedBodyBytes);
    }

    public FaultSpec withNonJsonBodies(double rate) {
        return new FaultSpec(latency, serverErrorRate, serverErrorStatus, tooManyRequests, retryAfterSeconds, clockSkew,
                malformedJsonRate, truncatedJsonRate, connectionResetRate, slowBody, rate, droppedFields, oversizedBodyBytes);
    }

    public FaultSpec withDroppedFields(String... fields) {
        return new FaultSpec(latency, serverErrorRate, serverErrorStatus, tooManyRequests, retryAfterSeconds, clockSkew,
                malformedJsonRate, truncatedJsonRate, connectionResetRate, slowBody, nonJsonBodyRate, Set.of(fields),
                oversizedBodyBytes);
    }

    public FaultSpec withOversizedBodies(int bytes) {
        return new FaultSpec(latency, serverErrorRate, serverErrorStatus, tooManyRequests, retryAfterSeconds, clockSkew,
                malformedJsonRate, truncatedJsonRate, connectionResetRate, slowBody, nonJsonBodyRate, droppedFields, bytes);
    }
}
