package io.switchboard.poll.vendor;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import io.switchboard.poll.QueueDiscovery;
import io.switchboard.poll.vendor.internal.VendorCalls;

/**
 * Lists the queues a credential can see: Genesys {@code GET /api/v2/routing/queues} (every page), CXone skills, Cognos
 * report rows, the generic JSON endpoint's items. Uses the executor's HTTP clients, tokens and rate limiters (get it
 * from {@link VendorPollExecutor#queueDiscovery()}), so discovery counts against the same request budget.
 * Thread-safe.
 */
public final class VendorQueueDiscovery implements QueueDiscovery {

    private final VendorCalls calls;

    VendorQueueDiscovery(VendorCalls calls) {
        this.calls = calls;
    }

    @Override
    public CompletableFuture<List<DiscoveredQueue>> discover(String credentialId, String endpoint, Map<String, String> params) {
        return CompletableFuture.failedFuture(new UnsupportedOperationException("not yet"));
    }
}
