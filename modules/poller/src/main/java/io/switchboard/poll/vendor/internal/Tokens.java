package io.switchboard.poll.vendor.internal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import io.switchboard.poll.vendor.TokenSource;
import io.switchboard.token.TokenView;

/**
 * The tokens of the vendor side, over a {@link TokenSource}: asks for a refresh at most once per rejected version of a
 * credential, however many polls saw the rejection at once (they all wait for the same answer). A refresh that failed
 * (nothing arrived in time) is asked again only after the wait has passed, so a missing token manager is not flooded.
 * Thread-safe.
 */
public final class Tokens {

    private final TokenSource source;
    private final Duration wait;
    private final Clock clock;
    private final Map<String, Pending> pending = new ConcurrentHashMap<>();
    private final AtomicLong refreshRequests = new AtomicLong();
    private final java.util.function.Consumer<String> onRequest;

    /** @param onRequest told the credential id of every refresh actually asked for (metrics) */
    public Tokens(TokenSource source, Duration wait, Clock clock, java.util.function.Consumer<String> onRequest) {
        this.source = source;
        this.wait = wait;
        this.clock = clock;
        this.onRequest = onRequest;
    }

    public Optional<TokenView> current(String credentialId) {
        return source.current(credentialId);
    }

    /** How many refreshes were asked for (one per rejected version). */
    public long refreshRequests() {
        return refreshRequests.get();
    }

    public Duration waitBound() {
        return wait;
    }

    /**
     * A token newer than {@code rejectedVersion}: the current one if it is already newer, else the answer of the one
     * refresh request for that version.
     */
    public CompletableFuture<TokenView> newerThan(String credentialId, long rejectedVersion, String reason, Integer httpStatus) {
        Optional<TokenView> now = source.current(credentialId);
        if (now.isPresent() && now.get().version() > rejectedVersion) {
            return CompletableFuture.completedFuture(now.get());
        }
        Instant at = clock.instant();
        Pending p = pending.compute(credentialId, (id, old) -> {
            if (old != null && old.version >= rejectedVersion
                    && (!old.future.isCompletedExceptionally() || at.isBefore(old.askedAt.plus(wait)))) {
                return old;
            }
            refreshRequests.incrementAndGet();
            onRequest.accept(id);
            CompletableFuture<TokenView> f;
            try {
                f = source.refresh(credentialId, rejectedVersion, reason, httpStatus, wait);
            } catch (RuntimeException e) {
                f = CompletableFuture.failedFuture(e);
            }
            return new Pending(rejectedVersion, at, f);
        });
        return p.future;
    }

    private record Pending(long version, Instant askedAt, CompletableFuture<TokenView> future) {
    }
}
