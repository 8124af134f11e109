package io.switchboard.poll.vendor.internal;

import java.time.Duration;
import java.time.Instant;

import io.switchboard.events.poll.PollError;

/** Builds {@link PollError} records; one place for the kinds and the fields every error carries. */
public final class PollErrors {

    public static final String AUTHENTICATION = "AUTHENTICATION";
    public static final String PERMISSION = "PERMISSION";
    public static final String RATE_LIMITED = "RATE_LIMITED";
    public static final String VENDOR_ERROR = "VENDOR_ERROR";
    public static final String TRANSPORT = "TRANSPORT";
    public static final String MAPPING = "MAPPING";
    public static final String CONFIGURATION = "CONFIGURATION";

    private PollErrors() {
    }

    /** Who polled: the fields every error of one call shares. */
    public record Origin(String credentialId, String jobId, String provider, String endpoint) {
    }

    public static PollError.Builder of(Origin origin, Instant at, String kind, boolean retriable, String message) {
        return PollError.newBuilder()
                .setCredentialId(origin.credentialId())
                .setJobId(origin.jobId())
                .setProvider(origin.provider() == null ? "unknown" : origin.provider())
                .setEndpoint(origin.endpoint())
                .setOccurredAt(at)
                .setKind(kind)
                .setRetriable(retriable)
                .setMessage(message);
    }

    public static Long millis(Duration d) {
        return d == null ? null : d.toMillis();
    }
}
