package io.switchboard.poll;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Lists the queues a credential can see at an endpoint (Genesys {@code GET /api/v2/routing/queues}, paged; CXone
 * skills; Cognos report rows), so that job planning picks up new and removed queues without a restart.
 * Thread-safe.
 */
public interface QueueDiscovery {

    /**
     * The queues visible now.
     *
     * @param credentialId the credential whose token is used
     * @param endpoint     the endpoint kind (see {@link Endpoints})
     * @param params       the job's endpoint parameters
     * @return every queue, in the vendor's order; fails with a {@link io.switchboard.core.SwitchboardException} that
     *         names the vendor's answer when the list cannot be read
     */
    CompletableFuture<List<DiscoveredQueue>> discover(String credentialId, String endpoint, Map<String, String> params);

    /**
     * One queue as the vendor lists it.
     *
     * @param id        the vendor's id
     * @param name      its name, or {@code null}
     * @param mediaType its media type when the vendor gives one, or {@code null}
     */
    record DiscoveredQueue(String id, String name, String mediaType) {
    }
}
