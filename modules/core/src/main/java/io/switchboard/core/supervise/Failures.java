package io.switchboard.core.supervise;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

import io.switchboard.core.SwitchboardException;

/**
 * Tells a retriable failure (repeating the same operation later may succeed: a broker or registry outage, a timeout)
 * from a fatal one (a bug, a configuration the process cannot work with). The rule every supervised loop follows:
 * retriable failures are retried with backoff and never skip or dead-letter a record; fatal ones stop the role.
 * Stateless.
 */
public final class Failures {

    private Failures() {
    }

    /**
     * Whether {@code failure} (or the cause it wraps) is retriable: a {@link SwitchboardException} that says so, any
     * of Kafka's {@code RetriableException}s (timeouts, leader changes, a broker that does not answer, including
     * {@code TimeoutException} from {@code endOffsets}), a Kafka {@code DisconnectException}, or an I/O failure.
     */
    public static boolean isRetriable(Throwable failure) {
        Throwable t = unwrap(failure);
        if (t instanceof SwitchboardException s) {
            return s.isRetriable();
        }
        if (t instanceof IOException || t instanceof UncheckedIOException) {
            return true;
        }
        for (Class<?> c = t.getClass(); c != null; c = c.getSuperclass()) {
            String name = c.getName();
            if (name.equals("org.apache.kafka.common.errors.RetriableException")
                    || name.equals("org.apache.kafka.common.errors.DisconnectException")) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether {@code failure} only says that its thread was interrupted (an {@link InterruptedException}, a plain
     * {@link java.io.InterruptedIOException}, a {@code ClosedByInterruptException} or Kafka's {@code InterruptException}, possibly wrapped): the thread's
     * owner is stopping it, which is neither retriable nor fatal.
     */
    public static boolean isInterruption(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            // not every InterruptedIOException: a SocketTimeoutException is one, and it is a timeout
            if (t instanceof InterruptedException || t.getClass() == java.io.InterruptedIOException.class
                    || t instanceof java.nio.channels.ClosedByInterruptException
                    || t.getClass().getName().equals("org.apache.kafka.common.errors.InterruptException")) {
                return true;
            }
        }
        return false;
    }

    /** The failure behind {@link CompletionException} / {@link ExecutionException} wrappers. */
    public static Throwable unwrap(Throwable failure) {
        Throwable t = failure;
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    /**
     * A one-line description of {@code failure} for logs and readiness reasons: the message of a
     * {@link SwitchboardException} (already a sentence), else the type and the message.
     */
    public static String describe(Throwable failure) {
        Throwable t = unwrap(failure);
        String message = t.getMessage();
        if (t instanceof SwitchboardException && message != null) {
            return message;
        }
        String type = t.getClass().getSimpleName().isEmpty() ? t.getClass().getName() : t.getClass().getSimpleName();
        return type + (message == null || message.isBlank() ? "" : ": " + message);
    }
}
