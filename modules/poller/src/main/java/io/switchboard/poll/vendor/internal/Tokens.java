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
public final class Tokens implements AutoCloseable {

    private final TokenSource source;
    private final Duration wait;
    private final Clock clock;
    private final Map<String, Pending> pending = new ConcurrentHashMap<>();
    private final AtomicLong refreshRequests = new AtomicLong();
    private final java.util.function.Consumer<String> onRequest;
    /**
     * Refresh requests leave the caller's thread (often a Vert.x event loop): writing one to Kafka may block while the
     * producer fetches metadata.
     */
    private final java.util.concurrent.ExecutorService requester = java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "poller-token-refresh");
        t.setDaemon(true);
        return t;
    });

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
        CompletableFuture<TokenView> mine = new CompletableFuture<>();
        Pending p = pending.compute(credentialId, (id, old) -> {
            if (old != null && old.version >= rejectedVersion
                    && (!old.future.isCompletedExceptionally() || at.isBefore(old.askedAt.plus(wait)))) {
                return old;
            }
            return new Pending(rejectedVersion, at, mine);
        });
        if (p.future == mine) {
            refreshRequests.incrementAndGet();
            onRequest.accept(credentialId);
            try {
                requester.execute(() -> {
                    try {
                        source.refresh(credentialId, rejectedVersion, reason, httpStatus, wait).whenComplete((t, e) -> {
                            if (e != null) {
                                mine.completeExceptionally(e);
                            } else {
                                mine.complete(t);
                            }
                        });
                    } catch (RuntimeException e) {
                        mine.completeExceptionally(e);
                    }
                });
            } catch (java.util.concurrent.RejectedExecutionException e) {
                mine.completeExceptionally(new IllegalStateException("the poller is shutting down"));
            }
        }
        return p.future;
    }

    @Override
    public void close() {
        requester.shutdownNow();
    }

    private record Pending(long version, Instant askedAt, CompletableFuture<TokenView> future) {
    }
}
