package io.switchboard.token.login;

import java.time.Duration;
import java.time.Instant;

import io.switchboard.core.SwitchboardException;

/**
 * A login that failed, with the vendor's answer turned into a sentence that says what to change.
 *
 * <p>What the caller does depends on {@link #kind()}:
 * <ul>
 *   <li>{@link Kind#REJECTED}: the vendor rejected the credential itself ({@code invalid_client},
 *       {@code access_denied}, {@code unauthorized_client}, Cognos bad credentials). Not retriable:
 *       park the credential with a long backoff and report it; retrying in a loop only gets the
 *       client locked.</li>
 *   <li>{@link Kind#RATE_LIMITED}: retriable after {@link #retryAfter()} (or the backoff).</li>
 *   <li>{@link Kind#TRANSIENT}: 5xx, timeouts, connection errors, unreadable bodies: retriable with
 *       exponential backoff.</li>
 *   <li>{@link Kind#CONFIGURATION}: the request cannot be right as configured (unknown host, 404,
 *       missing audience…). Not retriable until the configuration changes.</li>
 * </ul>
 * The message never contains secrets or token material.
 */
public class LoginException extends SwitchboardException {

    private static final long serialVersionUID = 1L;

    /** How the caller should react. */
    public enum Kind { REJECTED, RATE_LIMITED, TRANSIENT, CONFIGURATION }

    private final Kind kind;
    private final Integer httpStatus;
    private final String vendorCode;
    private final Duration retryAfter;
    private final String vendorDescription;
    private final Instant vendorDate;

    /**
     * @param message    what went wrong and what to change, never a secret
     * @param httpStatus the vendor's HTTP status, or {@code null} when there was no answer
     * @param vendorCode the vendor's error code ({@code invalid_client}…), or {@code null}
     * @param retryAfter delay the vendor asked for, or {@code null}
     */
    public LoginException(Kind kind, String message, Integer httpStatus, String vendorCode, Duration retryAfter, Throwable cause) {
        this(kind, message, httpStatus, vendorCode, retryAfter, null, null, cause);
    }

    /**
     * @param vendorDescription the vendor's own error text (secrets scrubbed), or {@code null}
     * @param vendorDate        the vendor's {@code Date} header, or {@code null}; the doctor compares it with the local clock
     */
    public LoginException(Kind kind, String message, Integer httpStatus, String vendorCode, Duration retryAfter,
                          String vendorDescription, Instant vendorDate, Throwable cause) {
        super(message, cause);
        this.kind = kind;
        this.httpStatus = httpStatus;
        this.vendorCode = vendorCode;
        this.retryAfter = retryAfter;
        this.vendorDescription = vendorDescription;
        this.vendorDate = vendorDate;
    }

    /** The vendor's own error text ({@code error_description}, Cognos message), secrets scrubbed, or {@code null}. */
    public String vendorDescription() {
        return vendorDescription;
    }

    /** The vendor's {@code Date} response header, or {@code null} when there was no answer or no header. */
    public Instant vendorDate() {
        return vendorDate;
    }

    public Kind kind() {
        return kind;
    }

    /** The vendor's HTTP status, or {@code null}. */
    public Integer httpStatus() {
        return httpStatus;
    }

    /** The vendor's error code, or {@code null}. */
    public String vendorCode() {
        return vendorCode;
    }

    /** Delay the vendor asked for before the next attempt, or {@code null}. */
    public Duration retryAfter() {
        return retryAfter;
    }

    @Override
    public boolean isRetriable() {
        return kind == Kind.RATE_LIMITED || kind == Kind.TRANSIENT;
    }
}
