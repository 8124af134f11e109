package io.switchboard.token.internal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.DoubleSupplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.switchboard.core.supervise.Failures;
import io.switchboard.core.supervise.Supervisor;
import io.switchboard.events.token.TokenRecord;
import io.switchboard.events.token.TokenRefreshRequest;
import io.switchboard.events.token.TokenStatus;
import io.switchboard.token.TokenState;
import io.switchboard.token.TokenView;
import io.switchboard.token.login.CredentialLogin;
import io.switchboard.token.login.LoginException;
import io.switchboard.token.login.LoginResult;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;

/**
 * Decides, for every credential this instance owns, when to log in, and publishes the result.
 *
 * <ul>
 *   <li>Gaining a credential ({@link #own}): a credential the previous owner parked stays parked until
 *       the parking ends, unless its configuration fingerprint changed; a still-valid published token
 *       is adopted with its version and refresh time, so a failover does not log in again; otherwise it
 *       logs in at once.</li>
 *   <li>Refresh at the {@link RefreshPolicy} time; after a failure, back off (honouring Retry-After)
 *       while the still-valid token stays published; park a rejected or misconfigured credential.</li>
 *   <li>Single flight: a refresh request for version v logs in only when v is still the current
 *       version and no login is under way; requests during a login join it; requests for an older
 *       version are already satisfied.</li>
 *   <li>Versions are monotonic: each login publishes max(known versions) + 1.</li>
 * </ul>
 * All state lives on the {@link Tasks} thread; public methods hand their work to it and may be
 * called from any thread. Never logs secrets: only ids, versions, times and the login side's messages.
 */
public final class TokenRefreshScheduler {

    private static final Logger LOG = LoggerFactory.getLogger(TokenRefreshScheduler.class);

    private final String instanceId;
    private final Map<String, Credential> credentials = new LinkedHashMap<>();
    private final Set<String> warnedUnknown = ConcurrentHashMap.newKeySet();
    private final Tasks tasks;
    private final RefreshPolicy policy;
    private final PublishedTokens published;
    private final Publications publications;
    private final TokenCipher cipher;
    private final TokenMetrics metrics;
    private final Clock clock;
    private final DoubleSupplier random;
    private volatile Supervisor.Component publishing;

    /**
     * @param fingerprints credential id to its {@link ConfigFingerprint}; a credential without one is
     *                     never kept parked on takeover (nothing to compare with)
     */
    public TokenRefreshScheduler(String instanceId, Collection<CredentialLogin> logins, Map<String, String> fingerprints,
                                 Tasks tasks, RefreshPolicy policy, PublishedTokens published, Publications publications,
                                 TokenCipher cipher, TokenMetrics metrics, Clock clock, DoubleSupplier random) {
        this.instanceId = instanceId;
        for (CredentialLogin login : logins) {
            credentials.put(login.credentialId(), new Credential(login, fingerprints.get(login.credentialId())));
        }
        this.tasks = tasks;
        this.policy = policy;
        this.published = published;
        this.publications = publications;
        this.cipher = cipher;
        this.metrics = metrics;
        this.clock = clock;
        this.random = random;
    }

    /**
     * Reports publishing to {@code component}: RETRYING (readiness DOWN, with the reason) after a token could not be
     * published (broker or registry outage), UP again after the next token is published; FAILED (the role stops) when
     * Kafka refused this principal the write (a missing ACL, a failed login): retrying cannot help.
     */
    public void reportPublishingTo(Supervisor.Component component) {
        this.publishing = component;
    }

    private void publishFailed(Throwable cause) {
        Supervisor.Component c = publishing;
        if (c == null) {
            return;
        }
        if (cause instanceof io.switchboard.core.kafka.KafkaAccessDeniedException denied) {
            // no retry publishes without the ACL, and every retry would be another vendor login: stop the role
            c.fail("a token could not be published: " + denied.getMessage(), denied);
        } else {
            c.retrying("a token could not be published: " + Failures.describe(cause) + "; the login is retried with backoff");
        }
    }

    private void publishSucceeded() {
        Supervisor.Component c = publishing;
        if (c != null) {
            c.beat();
        }
    }

    /** Ids of every configured credential. */
    public Set<String> configuredIds() {
        return Set.copyOf(credentials.keySet());
    }

    /** Ids of the credentials this instance owns now (a snapshot). */
    public Set<String> ownedIds() {
        return credentials.values().stream().filter(c -> c.owned).map(Credential::id).collect(java.util.stream.Collectors.toSet());
    }

    /** State of a credential as last decided (tests, status). */
    public Optional<TokenState> state(String credentialId) {
        Credential c = credentials.get(credentialId);
        return c == null ? Optional.empty() : Optional.ofNullable(c.state);
    }

    /** The last login failure of a credential, one secret-free sentence, while it has not logged in since. */
    public Optional<String> lastError(String credentialId) {
        Credential c = credentials.get(credentialId);
        LoginException e = c == null ? null : c.lastError;
        return e == null ? Optional.empty() : Optional.ofNullable(e.getMessage());
    }

    /** Starts managing {@code ids} with no previous status known: adopt or log in. */
    public void own(Collection<String> ids) {
        own(ids, Map.of());
    }

    /**
     * Starts managing {@code ids}: keep parked, adopt or log in. Call once the local token table has
     * caught up.
     *
     * @param lastStatus the latest status event of (some of) the credentials on the status topic
     */
    public void own(Collection<String> ids, Map<String, TokenStatus> lastStatus) {
        Map<String, TokenStatus> statuses = Map.copyOf(lastStatus);
        tasks.execute(() -> ids.forEach(id -> ownNow(id, statuses.get(id))));
    }

    /**
     * Stops managing {@code ids}.
     *
     * @param graceful true when ownership is handed over (a login under way is still published, and
     *                 the future completes once it is); false when ownership was lost (its result is dropped)
     */
    public CompletableFuture<Void> disown(Collection<String> ids, boolean graceful) {
        CompletableFuture<Void> all = new CompletableFuture<>();
        tasks.execute(() -> {
            List<CompletableFuture<Void>> waits = new ArrayList<>();
            for (String id : ids) {
                Credential c = credentials.get(id);
                if (c == null || !c.owned) {
                    continue;
                }
                c.owned = false;
                c.graceful = graceful;
                c.cancelTimer();
                metrics.disowned(id);
                LOG.info("credential {} is no longer owned by {}", id, instanceId);
                if (c.inFlight && graceful) {
                    CompletableFuture<Void> w = new CompletableFuture<>();
                    c.idleWaiters.add(w);
                    waits.add(w);
                }
            }
            CompletableFuture.allOf(waits.toArray(CompletableFuture[]::new)).whenComplete((v, e) -> all.complete(null));
        });
        return all;
    }

    /** Handles a refresh request read from the token-requests topic. */
    public void onRequest(TokenRefreshRequest request) {
        tasks.execute(() -> handleRequest(request));
    }

    private void ownNow(String id, TokenStatus last) {
        Credential c = credentials.get(id);
        if (c == null || c.owned) {
            return;
        }
        c.owned = true;
        c.epoch++;
        Instant now = clock.instant();
        long latest = published.latestVersion(id).orElse(0);
        Optional<TokenView> view = published.current(id);
        metrics.owned(c);
        if (stillParked(c, last, now)) {
            c.version = Math.max(c.version, latest);
            view.filter(v -> now.isBefore(v.expiresAt())).ifPresent(v -> {
                c.issuedAt = v.issuedAt();
                c.expiresAt = v.expiresAt();
            });
            Duration wait = Duration.between(now, last.getNextAttemptAt());
            LOG.info("credential {} now owned by {}: {} parked it ({}) and its configuration is unchanged; next attempt in {}",
                    id, instanceId, last.getInstanceId(), last.getLastError(), wait);
            scheduleLogin(c, wait, "retry of a parked credential");
            c.state = TokenState.PARKED;
            metrics.state(id, TokenState.PARKED);
            metrics.lastError(id, last.getLastErrorKind(), last.getLastErrorCode());
            publications.status(TokenStatus.newBuilder(last).setInstanceId(instanceId).setUpdatedAt(now).build());
            return;
        }
        adoptOrLogIn(c, now, "now owned by " + instanceId);
    }

    /** Adopts the published token when it is still valid and not older than ours, else logs in. */
    private void adoptOrLogIn(Credential c, Instant now, String why) {
        String id = c.id();
        long latest = published.latestVersion(id).orElse(0);
        Optional<TokenView> view = published.current(id);
        if (view.isPresent() && view.get().version() >= Math.max(latest, c.version) && now.isBefore(view.get().expiresAt())) {
            TokenView v = view.get();
            if (c.last == null || c.version != v.version()) {
                c.last = null; // adopted from another owner: no refresh token, a full login when due
            }
            c.version = v.version();
            c.issuedAt = v.issuedAt();
            c.expiresAt = v.expiresAt();
            c.refreshAt = v.refreshAfter();
            c.failures = 0;
            setState(c, TokenState.VALID, null);
            Duration wait = Duration.between(now, c.refreshAt);
            LOG.info("credential {} {}: adopted published version {} (expires {}), next login in {}",
                    id, why, c.version, c.expiresAt, wait.isNegative() ? Duration.ZERO : wait);
            scheduleLogin(c, wait, "planned refresh");
        } else {
            c.version = Math.max(c.version, latest);
            LOG.info("credential {} {}: no valid published token, logging in", id, why);
            if (c.state == null) {
                setState(c, TokenState.PENDING, null);
            } else {
                metrics.state(id, c.state);
            }
            login(c, "no valid token published");
        }
    }

    /** Whether the previous owner parked {@code c} until after {@code now} with the same configuration. */
    private static boolean stillParked(Credential c, TokenStatus last, Instant now) {
        return last != null && TokenState.PARKED.name().equals(last.getState()) && last.getNextAttemptAt() != null
                && now.isBefore(last.getNextAttemptAt()) && c.fingerprint != null
                && c.fingerprint.equals(last.getConfigFingerprint());
    }

    private void handleRequest(TokenRefreshRequest r) {
        String id = r.getCredentialId();
        Credential c = credentials.get(id);
        if (c == null) {
            if (warnedUnknown.add(id)) {
                LOG.warn("refresh request from {} for credential {}, which is not in this token manager's configuration;"
                        + " ignored (add it to credentials, or fix the requester)", r.getRequester(), id);
            }
            return;
        }
        if (!c.owned) {
            return; // the partition moved; its new owner reads the request
        }
        Long failed = r.getFailedVersion();
        Instant now = clock.instant();
        if (c.inFlight) {
            metrics.request(id, "coalesced");
            return;
        }
        if (c.state == TokenState.PARKED || c.state == TokenState.REFRESH_FAILING) {
            // A login is already planned after a backoff (or the credential is parked): asking again
            // would hammer a vendor that just refused or throttled us.
            metrics.request(id, "deferred");
            LOG.debug("refresh request for {} deferred: {} until {}", id, c.state, c.nextAttemptAt);
            return;
        }
        boolean stale = failed == null
                ? c.version > 0 && c.expiresAt != null && now.isBefore(c.expiresAt)
                : failed < c.version;
        if (stale) {
            metrics.request(id, "satisfied");
            return;
        }
        metrics.request(id, "login");
        login(c, "requester " + r.getRequester() + " reported version " + failed + " rejected"
                + (r.getHttpStatus() == null ? "" : " (HTTP " + r.getHttpStatus() + ")"));
    }

    private void scheduleLogin(Credential c, Duration delay, String reason) {
        c.cancelTimer();
        long epoch = c.epoch;
        c.nextAttemptAt = clock.instant().plus(delay.isNegative() ? Duration.ZERO : delay);
        c.timer = tasks.schedule(() -> {
            if (c.owned && c.epoch == epoch) {
                c.timer = null;
                login(c, reason);
            }
        }, delay.isNegative() ? Duration.ZERO : delay);
    }

    private void login(Credential c, String reason) {
        if (!c.owned || c.inFlight) {
            return;
        }
        c.cancelTimer();
        c.inFlight = true;
        long epoch = c.epoch;
        LOG.info("logging in credential {} ({}): {}", c.id(), c.login.provider(), reason);
        Future<LoginResult> attempt;
        try {
            attempt = c.login.login(c.last);
        } catch (RuntimeException e) {
            attempt = Future.failedFuture(e);
        }
        attempt.onComplete(ar -> tasks.execute(() -> loginDone(c, epoch, ar)));
    }

    private void loginDone(Credential c, long epoch, AsyncResult<LoginResult> ar) {
        if (c.epoch != epoch && !c.graceful) {
            // Ownership was lost mid-login (session timeout): another instance may have published since.
            c.inFlight = false;
            LOG.info("login of {} finished after ownership was lost; result dropped", c.id());
            c.releaseWaiters();
            if (c.owned && c.timer == null) {
                // ...and regained while the login ran: owning it again decided nothing (a login was under way),
                // so decide now, or the credential would never be refreshed again.
                adoptOrLogIn(c, clock.instant(), "was regained by " + instanceId + " while a login ran");
            }
            return;
        }
        if (ar.failed()) {
            c.inFlight = false;
            failed(c, classify(ar.cause()));
            c.releaseWaiters();
            return;
        }
        LoginResult result = ar.result();
        metrics.login(c.id(), "success");
        long version = Math.max(c.version, published.latestVersion(c.id()).orElse(0)) + 1;
        Duration lifetime = policy.lifetime(result.lifetime());
        Instant issued = result.issuedAt();
        Instant expires = issued.plus(lifetime);
        Instant refreshAt = policy.refreshAt(issued, lifetime, random.getAsDouble());
        TokenRecord record;
        try {
            record = TokenRecord.newBuilder()
                    .setCredentialId(c.id())
                    .setProvider(c.login.provider())
                    .setVersion(version)
                    .setIssuedAt(issued)
                    .setExpiresAt(expires)
                    .setRefreshAfter(refreshAt)
                    .setGrantedScopes(result.grantedScopes())
                    .setApiBaseUrl(result.apiBaseUrl())
                    .setTenantId(result.tenantId())
                    .setMetadata(new java.util.HashMap<>(result.metadata()))
                    .setOwnerId(instanceId)
                    .setHeaders(cipher.encrypt(c.id(), version, result.headers()))
                    .build();
        } catch (RuntimeException e) {
            c.inFlight = false;
            failed(c, new LoginException(LoginException.Kind.TRANSIENT, "could not build the token record for "
                    + c.id() + ": " + e.getMessage(), null, null, null, e));
            c.releaseWaiters();
            return;
        }
        CompletableFuture<Void> publishing;
        try {
            publishing = publications.publish(record);
        } catch (RuntimeException e) { // e.g. the registry is unreachable while encoding: a failed publish, not a stuck one
            publishing = CompletableFuture.failedFuture(e);
        }
        publishing.whenComplete((ok, error) -> tasks.execute(() -> {
            c.inFlight = false;
            if (error != null) {
                Throwable cause = Failures.unwrap(error);
                publishFailed(cause);
                failed(c, new LoginException(LoginException.Kind.TRANSIENT, "logged in, but could not publish version " + version
                        + " of " + c.id() + " (" + Failures.describe(cause) + ")"
                        + (cause instanceof io.switchboard.core.kafka.KafkaAccessDeniedException ? ""
                        : "; check the brokers and the schema registry"), null, null, null, cause));
            } else {
                publishSucceeded();
                c.version = version;
                c.last = result;
                c.issuedAt = issued;
                c.expiresAt = expires;
                c.refreshAt = refreshAt;
                c.failures = 0;
                c.lastError = null;
                metrics.lastError(c.id(), null, null);
                LOG.info("published credential {} version {} (expires {}, next refresh {})", c.id(), version, expires, refreshAt);
                if (c.owned) {
                    setState(c, TokenState.VALID, null);
                    scheduleLogin(c, Duration.between(clock.instant(), refreshAt), "planned refresh");
                }
            }
            c.releaseWaiters();
        }));
    }

    private void failed(Credential c, LoginException e) {
        c.failures++;
        c.lastError = e;
        metrics.login(c.id(), e.kind().name().toLowerCase(java.util.Locale.ROOT));
        metrics.lastError(c.id(), e.kind().name(), e.vendorCode());
        if (!c.owned) {
            return;
        }
        Duration wait;
        TokenState state;
        if (e.kind() == LoginException.Kind.REJECTED || e.kind() == LoginException.Kind.CONFIGURATION) {
            state = TokenState.PARKED;
            wait = policy.parked();
        } else {
            state = TokenState.REFRESH_FAILING;
            wait = policy.backoff(c.failures, e.retryAfter(), random.getAsDouble());
        }
        scheduleLogin(c, wait, state == TokenState.PARKED ? "retry of a parked credential" : "retry after failure " + c.failures);
        boolean valid = c.expiresAt != null && clock.instant().isBefore(c.expiresAt);
        LOG.warn("login of credential {} failed ({}{}{}): {}; {}; {} in {}", c.id(), e.kind(),
                e.httpStatus() == null ? "" : " HTTP " + e.httpStatus(), e.vendorCode() == null ? "" : " " + e.vendorCode(),
                e.getMessage(),
                valid ? "version " + c.version + " stays published until " + c.expiresAt : "no valid token is published",
                state == TokenState.PARKED ? "parked (fix the configuration and restart: a changed one is tried at once), next attempt"
                        : "next attempt", wait);
        setState(c, state, e);
    }

    private void setState(Credential c, TokenState state, LoginException error) {
        boolean changed = c.state != state;
        c.state = state;
        metrics.state(c.id(), state);
        if (changed || error != null) {
            publications.status(TokenStatus.newBuilder()
                    .setCredentialId(c.id())
                    .setProvider(c.login.provider())
                    .setState(state.name())
                    .setVersion(c.version > 0 ? c.version : null)
                    .setExpiresAt(c.expiresAt)
                    .setLastError(error == null ? null : error.getMessage())
                    .setLastErrorKind(error == null ? null : error.kind().name())
                    .setLastErrorCode(error == null ? null : error.vendorCode())
                    .setHttpStatus(error == null ? null : error.httpStatus())
                    .setNextAttemptAt(c.nextAttemptAt)
                    .setInstanceId(instanceId)
                    .setUpdatedAt(clock.instant())
                    .setConfigFingerprint(c.fingerprint)
                    .build());
        }
    }

    private static LoginException classify(Throwable t) {
        if (t instanceof LoginException le) {
            return le;
        }
        return new LoginException(LoginException.Kind.TRANSIENT, "login failed unexpectedly (" + t.getClass().getSimpleName()
                + "); retrying with backoff", null, null, null, t);
    }

    /** State of one credential; confined to the tasks thread except the volatile fields gauges read. */
    static final class Credential {
        final CredentialLogin login;
        final String fingerprint;
        final List<CompletableFuture<Void>> idleWaiters = new ArrayList<>();
        boolean owned;
        boolean graceful;
        long epoch;
        volatile long version;
        volatile Instant issuedAt;
        volatile Instant expiresAt;
        Instant refreshAt;
        Instant nextAttemptAt;
        LoginResult last;
        boolean inFlight;
        int failures;
        volatile TokenState state;
        LoginException lastError;
        Tasks.Cancellable timer;

        Credential(CredentialLogin login, String fingerprint) {
            this.login = login;
            this.fingerprint = fingerprint;
        }

        String id() {
            return login.credentialId();
        }

        long version() {
            return version;
        }

        Instant issuedAt() {
            return issuedAt;
        }

        Instant expiresAt() {
            return expiresAt;
        }

        void cancelTimer() {
            if (timer != null) {
                timer.cancel();
                timer = null;
            }
        }

        void releaseWaiters() {
            idleWaiters.forEach(w -> w.complete(null));
            idleWaiters.clear();
        }
    }
}
