package io.switchboard.poll.vendor;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import io.switchboard.core.SwitchboardException;
import io.switchboard.events.poll.PollError;
import io.switchboard.poll.QueueDiscovery;
import io.switchboard.poll.vendor.internal.CallFailure;
import io.switchboard.poll.vendor.internal.Discoveries;
import io.switchboard.poll.vendor.internal.PollScope;
import io.switchboard.poll.vendor.internal.VendorCalls;
import io.switchboard.token.TokenView;
import io.vertx.core.Future;

/**
 * Lists the queues a credential can see: Genesys {@code GET /api/v2/routing/queues} (every page), CXone skills
 * ({@code GET …/skills}, or the skills the activity answer names where the list is not offered), Cognos report rows
 * ({@code column.queueId} / {@code column.queueName}), the generic JSON endpoint's items ({@code field.queueId} /
 * {@code field.queueName}, following its pagination). Uses the executor's HTTP clients, tokens and rate limiters (get
 * it from {@link VendorPollExecutor#queueDiscovery()}), so discovery counts against the same request budget and heals
 * a 401 the same way. Thread-safe.
 *
 * <p>Note for the simulator's reconciliation counters: CXone (without a skill list) and Cognos discovery read live
 * answers, which take a sequence number of each queue they include.
 */
public final class VendorQueueDiscovery implements QueueDiscovery {

    private final VendorCalls calls;
    private final Discoveries discoveries;

    VendorQueueDiscovery(VendorCalls calls) {
        this.calls = calls;
        this.discoveries = new Discoveries(calls);
    }

    @Override
    public CompletableFuture<List<DiscoveredQueue>> discover(String credentialId, String endpoint, Map<String, String> params) {
        TokenView token = calls.tokens().current(credentialId).orElse(null);
        if (token == null) {
            return CompletableFuture.failedFuture(new QueueDiscoveryException("cannot list the queues of credential '" + credentialId
                    + "': no token on the token topic yet — a token manager must own the credential and log in first", true, null));
        }
        Future<List<DiscoveredQueue>> f;
        try {
            f = discoveries.discover(token, endpoint, params == null ? Map.of() : params);
        } catch (RuntimeException e) {
            f = Future.failedFuture(e);
        }
        return f.recover(e -> Future.failedFuture(wrap(credentialId, endpoint, e))).toCompletionStage().toCompletableFuture();
    }

    private static Throwable wrap(String credentialId, String endpoint, Throwable e) {
        String head = "cannot list the queues of credential '" + credentialId + "' for " + endpoint + ": ";
        if (e instanceof CallFailure f) {
            return new QueueDiscoveryException(head + f.error().getMessage(), f.error().getRetriable(), f.error());
        }
        if (e instanceof PollScope.ConfigurationProblem) {
            return new QueueDiscoveryException(head + e.getMessage(), false, null);
        }
        if (e instanceof SwitchboardException s) {
            return new QueueDiscoveryException(head + s.getMessage() + " — the vendor's answer has another shape than expected",
                    true, null);
        }
        return new QueueDiscoveryException(head + e, false, null);
    }

    /**
     * The queue list could not be read. {@link #isRetriable()} says whether trying again later may help (a vendor outage,
     * a missing token) or a change is needed (permission, configuration); {@link #pollError()} carries the vendor's
     * answer when there was one.
     */
    public static final class QueueDiscoveryException extends SwitchboardException {
        private static final long serialVersionUID = 1L;
        private final boolean retriable;
        private final transient PollError pollError;

        QueueDiscoveryException(String message, boolean retriable, PollError pollError) {
            super(message);
            this.retriable = retriable;
            this.pollError = pollError;
        }

        @Override
        public boolean isRetriable() {
            return retriable;
        }

        /** The vendor's answer as a poll error (kind, status, vendor code), or {@code null}. */
        public PollError pollError() {
            return pollError;
        }
    }
}
