package io.switchboard.token.login;

import java.time.Duration;

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

    /**
     * @param message    what went wrong and what to change, never a secret
     * @param httpStatus the vendor's HTTP status, or {@code null} when there was no answer
     * @param vendorCode the vendor's error code ({@code invalid_client}…), or {@code null}
     * @param retryAfter delay the vendor asked for, or {@code null}
     */
    public LoginException(Kind kind, String message, Integer httpStatus, String vendorCode, Duration retryAfter, Throwable cause) {
        super(message, cause);
        this.kind = kind;
        this.httpStatus = httpStatus;
        this.vendorCode = vendorCode;
        this.retryAfter = retryAfter;
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
