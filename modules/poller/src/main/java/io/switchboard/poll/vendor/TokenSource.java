package io.switchboard.poll.vendor;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import io.switchboard.token.TokenView;

/**
 * Where the vendor side of the poller gets tokens: the one seam between the HTTP code and the token table. In
 * production it is {@link TokenTableSource} (the compacted {@code switchboard.tokens} topic and refresh requests on
 * {@code switchboard.token-requests}); tests may log in to the vendor simulator directly.
 *
 * <p>Callers ({@link VendorPollExecutor}, {@link VendorQueueDiscovery}) ask for a refresh at most once per rejected
 * version of a credential, however many polls saw the rejection. Implementations must be thread-safe.
 */
public interface TokenSource {

    /** The newest token of {@code credentialId}, if any is known (it may have expired). */
    Optional<TokenView> current(String credentialId);

    /**
     * Asks for a token newer than {@code rejectedVersion} and waits for it, at most {@code wait}.
     *
     * @param credentialId    whose token the vendor rejected
     * @param rejectedVersion the version the vendor rejected (401, expired)
     * @param reason          what happened, e.g. {@code 401 bad.credentials from POST /api/v2/...}; never a secret
     * @param httpStatus      the vendor's status, or {@code null} (expired before use)
     * @param wait            how long to wait for the newer version
     * @return completes with a token whose version is greater than {@code rejectedVersion}; fails with a
     *         {@link io.switchboard.core.SwitchboardException} when the request could not be sent or no newer version
     *         arrived within {@code wait}; never throws
     */
    CompletableFuture<TokenView> refresh(String credentialId, long rejectedVersion, String reason, Integer httpStatus,
                                         Duration wait);
}
