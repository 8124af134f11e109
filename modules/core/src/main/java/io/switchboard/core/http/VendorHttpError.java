package io.switchboard.core.http;

import java.time.Duration;
import java.util.Objects;

/**
 * A vendor's non-2xx answer, as data: what every caller of a vendor API (logins, pollers, doctor) needs in order to
 * decide what to do and to tell a person what happened. An HTTP status is data, not a transport failure.
 * Immutable; carries no secret (the excerpt is scrubbed by {@link VendorResponses#excerpt}).
 *
 * @param vendor        who answered, as named in messages ("Genesys", "NICE CXone", "The OAuth2 server host")
 * @param endpoint      the path or URL that answered (never carries secrets)
 * @param status        HTTP status
 * @param vendorCode    the vendor's error code ({@code missing.permissions}, {@code invalid_client}), or {@code null}
 * @param message       the vendor's description of the error, scrubbed, or {@code null}
 * @param retryAfter    how long the vendor asked to wait ({@code Retry-After}, {@code x-ratelimit-reset}), or {@code null}
 * @param correlationId the vendor's request id ({@code Inin-Correlation-Id}, {@code x-request-id}, …), or {@code null}
 * @param bodyExcerpt   at most {@link VendorResponses#EXCERPT_CHARS} characters of the body, scrubbed, never {@code null}
 */
public record VendorHttpError(String vendor, String endpoint, int status, String vendorCode, String message,
                              Duration retryAfter, String correlationId, String bodyExcerpt) {

    public VendorHttpError {
        Objects.requireNonNull(vendor, "vendor");
        bodyExcerpt = bodyExcerpt == null ? "" : bodyExcerpt;
    }

    /**
     * Whether the same request may succeed later without any change: 408, 425, 429 and 5xx. 401 is not retriable as
     * such (a new token is needed first), 403 and other 4xx need a change of configuration or permissions.
     */
    public boolean retriable() {
        return status == 408 || status == 425 || status == 429 || status >= 500;
    }

    /** {@code Genesys answered 403 missing.permissions (…)}: the head of every sentence about this answer. */
    public String headline() {
        return vendor + " answered " + status + (vendorCode != null ? " " + vendorCode : "")
                + (message != null && !message.equals(vendorCode) ? " (" + message + ")" : "");
    }
}
