package io.switchboard.token.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.PriorityQueue;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.switchboard.core.Secret;
import io.switchboard.core.SwitchboardException;
import io.switchboard.core.supervise.Supervisor;
import io.switchboard.events.token.TokenRecord;
import io.switchboard.events.token.TokenRefreshRequest;
import io.switchboard.events.token.TokenStatus;
import io.switchboard.token.RefreshSettings;
import io.switchboard.token.TokenKeys;
import io.switchboard.token.TokenState;
import io.switchboard.token.TokenView;
import io.switchboard.token.login.CredentialLogin;
import io.switchboard.token.login.LoginException;
import io.switchboard.token.login.LoginResult;
import io.vertx.core.Future;
import io.vertx.core.Promise;

/** The scheduling logic on a virtual clock with a scripted login (pure logic: no Kafka, no HTTP). */
class TokenRefreshSchedulerTest {

    private final VirtualTasks tasks = new VirtualTasks();
    private final ScriptedLogin login = new ScriptedLogin("genesys-prod");
    private final RecordingPublications published = new RecordingPublications();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private TokenView onTopic;
    private String fingerprint = "k1:same-config";

    private TokenRefreshScheduler scheduler() {
        RefreshSettings settings = new RefreshSettings(0.75, 0.0, Duration.ofMinutes(2), Duration.ofHours(1),
                Duration.ofSeconds(1), Duration.ofMinutes(5), Duration.ofHours(1));
        PublishedTokens tokens = PublishedTokens.of(id -> Optional.ofNullable(onTopic),
                id -> onTopic == null ? OptionalLong.empty() : OptionalLong.of(onTopic.version()));
        return new TokenRefreshScheduler("tm-1", List.of(login), Map.of("genesys-prod", fingerprint), tasks,
                new RefreshPolicy(settings), tokens, published,
                new TokenCipher(TokenKeys.random("k1")), new TokenMetrics(registry, tasks.clock()), tasks.clock(), () -> 0.0);
    }

    @Test
    void logsInOnOwnershipPublishesVersionOneAndRefreshesAtTheShare() {
        TokenRefreshScheduler s = owned();
        assertThat(login.calls).isEqualTo(1);
        login.succeed(Duration.ofHours(1));
        tasks.runDue();
        assertThat(published.records).singleElement().satisfies(r -> {
            assertThat(r.getVersion()).isEqualTo(1);
            assertThat(r.getExpiresAt()).isEqualTo(tasks.now().plus(Duration.ofHours(1)));
            assertThat(r.getRefreshAfter()).isEqualTo(tasks.now().plus(Duration.ofMinutes(45)));
            assertThat(r.getOwnerId()).isEqualTo("tm-1");
        });
        assertThat(s.state("genesys-prod")).contains(TokenState.VALID);

        assertLoginCallsStay(1, Duration.ofMinutes(44), Duration.ofMinutes(1));
        login.succeed(Duration.ofHours(1));
        tasks.runDue();
        assertThat(published.records).extracting(TokenRecord::getVersion).containsExactly(1L, 2L);
    }

    @Test
    void missingExpiresInUsesTheDefaultLifetime() {
        TokenRefreshScheduler s = owned();
        login.succeed(null);
        tasks.runDue();
        assertThat(published.records.get(0).getExpiresAt()).isEqualTo(tasks.now().plus(Duration.ofHours(1)));
    }

    @Test
    void singleFlightManyRequestsForTheSameVersionCauseOneLogin() {
        TokenRefreshScheduler s = ownedWithVersionOne();
        for (int i = 0; i < 50; i++) {
            s.onRequest(request(1L));
        }
        tasks.runDue();
        assertThat(login.calls).isEqualTo(2); // first login + one for the 50 requests
        for (int i = 0; i < 50; i++) {
            s.onRequest(request(1L)); // arrive while the login is under way: coalesced
        }
        tasks.runDue();
        login.succeed(Duration.ofHours(1));
        tasks.runDue();
        for (int i = 0; i < 50; i++) {
            s.onRequest(request(1L)); // version 2 is published: already satisfied
        }
        tasks.runDue();
        assertThat(login.calls).isEqualTo(2);
        assertThat(published.records).extracting(TokenRecord::getVersion).containsExactly(1L, 2L);
        assertThat(registry.get("switchboard.token.refresh.requests").tag("outcome", "coalesced").counter().count()).isEqualTo(99);
        assertThat(registry.get("switchboard.token.refresh.requests").tag("outcome", "satisfied").counter().count()).isEqualTo(50);
    }

    @Test
    void adoptsAStillValidPublishedTokenInsteadOfLoggingIn() {
        onTopic = view(7, tasks.now().minus(Duration.ofMinutes(10)), Duration.ofHours(1), tasks.now().plus(Duration.ofMinutes(35)));
        TokenRefreshScheduler s = owned();
        assertThat(login.calls).isZero();
        assertThat(s.state("genesys-prod")).contains(TokenState.VALID);
        tasks.advance(Duration.ofMinutes(35));
        assertThat(login.calls).isEqualTo(1);
        assertThat(login.previous).isNull(); // adopted: no refresh token, full login
        login.succeed(Duration.ofHours(1));
        tasks.runDue();
        assertThat(published.records).extracting(TokenRecord::getVersion).containsExactly(8L);
    }

    @Test
    void anExpiredPublishedTokenIsNotAdoptedButItsVersionIsContinued() {
        onTopic = view(4, tasks.now().minus(Duration.ofHours(2)), Duration.ofHours(1), tasks.now().minus(Duration.ofMinutes(75)));
        TokenRefreshScheduler s = owned();
        assertThat(login.calls).isEqualTo(1);
        login.succeed(Duration.ofHours(1));
        tasks.runDue();
        assertThat(published.records).extracting(TokenRecord::getVersion).containsExactly(5L);
    }

    @Test
    void transientFailuresBackOffExponentiallyAndHonourRetryAfter() {
        TokenRefreshScheduler s = owned();
        login.fail(new LoginException(LoginException.Kind.TRANSIENT, "Genesys answered 503", 503, null, null, null));
        tasks.runDue();
        assertThat(s.state("genesys-prod")).contains(TokenState.REFRESH_FAILING);
        assertLoginCallsStay(1, Duration.ofMillis(999), Duration.ofMillis(1));
        login.fail(new LoginException(LoginException.Kind.TRANSIENT, "Genesys answered 503", 503, null, null, null));
        tasks.runDue();
        assertLoginCallsStay(2, Duration.ofMillis(1999), Duration.ofMillis(1));
        login.fail(new LoginException(LoginException.Kind.RATE_LIMITED, "slow down", 429, "too.many.requests", Duration.ofSeconds(30), null));
        tasks.runDue();
        s.onRequest(request(null)); // a reader asking meanwhile does not break the Retry-After
        assertLoginCallsStay(3, Duration.ofSeconds(29), Duration.ofSeconds(1));
        login.succeed(Duration.ofHours(1));
        tasks.runDue();
        assertThat(s.state("genesys-prod")).contains(TokenState.VALID);
        assertThat(registry.get("switchboard.token.logins").tag("outcome", "transient").counter().count()).isEqualTo(2);
        assertThat(registry.get("switchboard.token.logins").tag("outcome", "rate_limited").counter().count()).isEqualTo(1);
        assertThat(registry.find("switchboard.token.last.error").gauges()).isEmpty();
    }

    @Test
    void aFailedRefreshKeepsTheValidTokenPublishedAndReportsItsStatus() {
        TokenRefreshScheduler s = ownedWithVersionOne();
        tasks.advance(Duration.ofMinutes(45));
        login.fail(new LoginException(LoginException.Kind.TRANSIENT, "timeout", null, null, null, null));
        tasks.runDue();
        assertThat(published.records).hasSize(1);
        assertThat(published.tombstones).isEmpty();
        assertThat(published.statuses).last().satisfies(st -> {
            assertThat(st.getState()).isEqualTo(TokenState.REFRESH_FAILING.name());
            assertThat(st.getVersion()).isEqualTo(1);
            assertThat(st.getLastErrorKind()).isEqualTo("TRANSIENT");
            assertThat(st.getNextAttemptAt()).isEqualTo(tasks.now().plus(Duration.ofSeconds(1)));
            assertThat(st.getConfigFingerprint()).isEqualTo("k1:same-config");
        });
    }

    @Test
    void aRejectedCredentialIsParkedAndNotRetriedInALoop() {
        TokenRefreshScheduler s = owned();
        login.fail(new LoginException(LoginException.Kind.REJECTED,
                "Genesys rejected client genesys-prod (invalid_client): check the client secret", 401, "invalid_client", null, null));
        tasks.runDue();
        assertThat(s.state("genesys-prod")).contains(TokenState.PARKED);
        for (int i = 0; i < 20; i++) {
            s.onRequest(request(null));
        }
        assertLoginCallsStay(1, Duration.ofMinutes(59), Duration.ofMinutes(1));
        assertThat(published.statuses).anySatisfy(st -> {
            assertThat(st.getState()).isEqualTo(TokenState.PARKED.name());
            assertThat(st.getLastErrorCode()).isEqualTo("invalid_client");
            assertThat(st.getLastError()).contains("check the client secret");
        });
        assertThat(registry.get("switchboard.token.last.error").tag("code", "invalid_client").gauge().value()).isEqualTo(1);
    }

    @Test
    void aCredentialThePreviousOwnerParkedStaysParkedUntilItsNextAttempt() {
        TokenRefreshScheduler s = scheduler();
        s.own(List.of("genesys-prod"), Map.of("genesys-prod", parkedBy("tm-0", "k1:same-config", Duration.ofMinutes(40))));
        tasks.runDue();
        assertThat(login.calls).isZero();
        assertThat(s.state("genesys-prod")).contains(TokenState.PARKED);
        assertThat(published.statuses).singleElement().satisfies(st -> {
            assertThat(st.getState()).isEqualTo("PARKED");
            assertThat(st.getInstanceId()).isEqualTo("tm-1");
            assertThat(st.getLastErrorCode()).isEqualTo("invalid_client");
            assertThat(st.getNextAttemptAt()).isEqualTo(tasks.now().plus(Duration.ofMinutes(40)));
        });
        s.onRequest(request(null));
        tasks.advance(Duration.ofMinutes(39));
        assertThat(login.calls).isZero();
        assertThat(registry.get("switchboard.token.refresh.requests").tag("outcome", "deferred").counter().count()).isEqualTo(1);
        assertThat(registry.get("switchboard.token.last.error").tag("code", "invalid_client").gauge().value()).isEqualTo(1);
        tasks.advance(Duration.ofMinutes(1));
        assertThat(login.calls).isEqualTo(1);
    }

    @Test
    void aChangedConfigurationOrAnEndedParkingIsLoggedInAtOnce() {
        fingerprint = "k1:rotated-secret";
        TokenRefreshScheduler s = scheduler();
        s.own(List.of("genesys-prod"), Map.of("genesys-prod", parkedBy("tm-0", "k1:same-config", Duration.ofMinutes(40))));
        tasks.runDue();
        assertThat(login.calls).isEqualTo(1);

        fingerprint = "k1:same-config";
        TokenRefreshScheduler other = scheduler();
        other.own(List.of("genesys-prod"), Map.of("genesys-prod", parkedBy("tm-0", "k1:same-config", Duration.ofMinutes(-1))));
        tasks.runDue();
        assertThat(login.calls).isEqualTo(2);
        assertThat(other.state("genesys-prod")).contains(TokenState.PENDING);
    }

    @Test
    void losingOwnershipStopsRefreshing() {
        TokenRefreshScheduler s = ownedWithVersionOne();
        CompletableFuture<Void> done = s.disown(List.of("genesys-prod"), true);
        tasks.runDue();
        assertThat(done).isCompleted();
        tasks.advance(Duration.ofHours(3));
        assertThat(login.calls).isEqualTo(1);
        assertThat(registry.find("switchboard.token.seconds.to.expiry").gauges()).isEmpty();
    }

    @Test
    void aPublishThatThrowsBecauseTheRegistryIsDownIsRetriedInsteadOfFreezingTheCredential() {
        List<String> fatals = new ArrayList<>();
        try (Supervisor supervisor = new Supervisor("token-manager", tasks.clock(), new java.util.SplittableRandom(1),
                (c, r, e) -> fatals.add(r))) {
            TokenRefreshScheduler s = scheduler();
            s.reportPublishingTo(supervisor.component("token-publisher"));
            s.own(List.of("genesys-prod"));
            tasks.runDue();
            published.throwOnPublish = new SwitchboardException("Cannot reach the schema registry at http://registry:8081") {
                @Override
                public boolean isRetriable() {
                    return true;
                }
            };
            login.succeed(Duration.ofHours(1));
            tasks.runDue(); // before the fix: the exception escaped the task and the credential stayed "in flight" for ever
            assertThat(published.records).isEmpty();
            assertThat(s.state("genesys-prod")).contains(TokenState.REFRESH_FAILING);
            assertThat(supervisor.readiness().reason()).startsWith("token-publisher: RETRYING: a token could not be published")
                    .contains("Cannot reach the schema registry");
            assertThat(published.statuses).last().satisfies(st -> assertThat(st.getLastError())
                    .contains("could not publish version 1").contains("Cannot reach the schema registry"));

            published.throwOnPublish = null;
            assertLoginCallsStay(1, Duration.ofMillis(999), Duration.ofMillis(1)); // the backoff, then a new login
            login.succeed(Duration.ofHours(1));
            tasks.runDue();
            assertThat(published.records).extracting(TokenRecord::getVersion).containsExactly(1L);
            assertThat(s.state("genesys-prod")).contains(TokenState.VALID);
            assertThat(supervisor.readiness().up()).isTrue();
            assertThat(fatals).isEmpty();
        }
    }

    @Test
    void aPublishTheBrokerNeverAcknowledgesIsRetriedWithBackoffWhileTheValidTokenStays() {
        TokenRefreshScheduler s = ownedWithVersionOne();
        published.failPublish = new org.apache.kafka.common.errors.TimeoutException("Expiring 1 record(s) for tokens-0: 120000 ms has passed");
        tasks.advance(Duration.ofMinutes(45));
        assertThat(login.calls).isEqualTo(2);
        login.succeed(Duration.ofHours(1));
        tasks.runDue();
        assertThat(s.state("genesys-prod")).contains(TokenState.REFRESH_FAILING);
        published.failPublish = null;
        assertLoginCallsStay(2, Duration.ofMillis(999), Duration.ofMillis(1));
        login.succeed(Duration.ofHours(1));
        tasks.runDue();
        assertThat(published.records).extracting(TokenRecord::getVersion).containsExactly(1L, 2L);
        assertThat(s.state("genesys-prod")).contains(TokenState.VALID);
    }

    @Test
    void losingAndRegainingOwnershipWhileALoginRunsLogsInAgainOnceItEnds() {
        TokenRefreshScheduler s = owned(); // login 1 under way
        s.disown(List.of("genesys-prod"), false); // session timed out: lost, not handed over
        tasks.runDue();
        s.own(List.of("genesys-prod")); // and assigned again while the login still runs: nothing to decide yet
        tasks.runDue();
        assertThat(login.calls).isEqualTo(1);
        login.succeed(Duration.ofHours(1));
        tasks.runDue(); // the result of the lost epoch is dropped; before the fix nothing was ever scheduled again
        assertThat(published.records).isEmpty();
        assertThat(login.calls).as("a new login for the regained ownership").isEqualTo(2);
        login.succeed(Duration.ofHours(1));
        tasks.runDue();
        assertThat(published.records).extracting(TokenRecord::getVersion).containsExactly(1L);
        assertThat(s.state("genesys-prod")).contains(TokenState.VALID);
        assertLoginCallsStay(2, Duration.ofMinutes(44), Duration.ofMinutes(1)); // and refreshed on time after that
    }

    @Test
    void regainingOwnershipWhileALoginRunsAdoptsWhatTheOtherOwnerPublishedMeanwhile() {
        TokenRefreshScheduler s = owned();
        s.disown(List.of("genesys-prod"), false);
        tasks.runDue();
        s.own(List.of("genesys-prod"));
        tasks.runDue();
        // the instance that owned it in between published version 4, valid for another 50 minutes
        onTopic = view(4, tasks.now().minus(Duration.ofMinutes(10)), Duration.ofHours(1), tasks.now().plus(Duration.ofMinutes(35)));
        login.succeed(Duration.ofHours(1));
        tasks.runDue();
        assertThat(login.calls).isEqualTo(1);
        assertThat(published.records).isEmpty();
        assertThat(s.state("genesys-prod")).contains(TokenState.VALID);
        assertLoginCallsStay(1, Duration.ofMinutes(34), Duration.ofMinutes(1)); // at the adopted token's refresh time
        login.succeed(Duration.ofHours(1));
        tasks.runDue();
        assertThat(published.records).extracting(TokenRecord::getVersion).containsExactly(5L);
    }

    /**
     * Advances the clock by {@code quiet}, during which the login count stays {@code calls}, then by
     * {@code due}, at the end of which exactly one more login has started.
     */
    private void assertLoginCallsStay(int calls, Duration quiet, Duration due) {
        tasks.advance(quiet);
        assertThat(login.calls).isEqualTo(calls);
        tasks.advance(due);
        assertThat(login.calls).isEqualTo(calls + 1);
    }

    /** A scheduler that owns the credential and has started its first login. */
    private TokenRefreshScheduler owned() {
        TokenRefreshScheduler s = scheduler();
        s.own(List.of("genesys-prod"));
        tasks.runDue();
        return s;
    }

    /** A scheduler that owns the credential and published version 1 (one-hour token). */
    private TokenRefreshScheduler ownedWithVersionOne() {
        TokenRefreshScheduler s = owned();
        login.succeed(Duration.ofHours(1));
        tasks.runDue();
        return s;
    }

    private TokenStatus parkedBy(String instance, String configFingerprint, Duration parkedFor) {
        return TokenStatus.newBuilder().setCredentialId("genesys-prod").setProvider("genesys-cloud").setState("PARKED")
                .setLastError("Genesys rejected client genesys-prod (invalid_client): check the client secret")
                .setLastErrorKind("REJECTED").setLastErrorCode("invalid_client").setHttpStatus(401)
                .setNextAttemptAt(tasks.now().plus(parkedFor)).setInstanceId(instance)
                .setUpdatedAt(tasks.now().minus(Duration.ofMinutes(20))).setConfigFingerprint(configFingerprint).build();
    }

    private TokenView view(long version, Instant issued, Duration lifetime, Instant refreshAfter) {
        return new TokenView("genesys-prod", "genesys-cloud", version, issued, issued.plus(lifetime), refreshAfter,
                Map.of("Authorization", Secret.of("Bearer x")), null, null, List.of(), Map.of(), "tm-0");
    }

    private static TokenRefreshRequest request(Long version) {
        return TokenRefreshRequest.newBuilder().setCredentialId("genesys-prod").setFailedVersion(version)
                .setReason("401").setHttpStatus(401).setRequester("poller-1").setRequestedAt(Instant.EPOCH).build();
    }

    /** A login whose outcome the test decides. */
    private final class ScriptedLogin implements CredentialLogin {
        private final String id;
        int calls;
        LoginResult previous;
        private Promise<LoginResult> pending;

        ScriptedLogin(String id) {
            this.id = id;
        }

        @Override
        public String credentialId() {
            return id;
        }

        @Override
        public String provider() {
            return "genesys-cloud";
        }

        @Override
        public Future<LoginResult> login(LoginResult previous) {
            calls++;
            this.previous = previous;
            pending = Promise.promise();
            return pending.future();
        }

        void succeed(Duration lifetime) {
            pending.complete(new LoginResult(Map.of("Authorization", Secret.of("Bearer t" + calls)), tasks.now(), lifetime,
                    List.of(), null, null, Map.of(), Secret.of("refresh-" + calls)));
        }

        void fail(LoginException e) {
            pending.fail(e);
        }
    }

    private static final class RecordingPublications implements Publications {
        final List<TokenRecord> records = new ArrayList<>();
        final List<String> tombstones = new ArrayList<>();
        final List<TokenStatus> statuses = new ArrayList<>();
        RuntimeException throwOnPublish;
        Throwable failPublish;

        @Override
        public CompletableFuture<Void> publish(TokenRecord record) {
            if (throwOnPublish != null) {
                throw throwOnPublish;
            }
            if (failPublish != null) {
                return CompletableFuture.failedFuture(failPublish);
            }
            records.add(record);
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public CompletableFuture<Void> tombstone(String credentialId) {
            tombstones.add(credentialId);
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public void status(TokenStatus status) {
            statuses.add(status);
        }
    }

    /** Tasks on a virtual clock, run by the test thread. */
    private static final class VirtualTasks implements Tasks {
        private Instant now = Instant.parse("2025-03-01T12:00:00Z");
        private long seq;
        private final PriorityQueue<Timed> queue = new PriorityQueue<>();

        private record Timed(Instant at, long seq, Runnable task, boolean[] cancelled) implements Comparable<Timed> {
            @Override
            public int compareTo(Timed o) {
                int c = at.compareTo(o.at);
                return c != 0 ? c : Long.compare(seq, o.seq);
            }
        }

        Instant now() {
            return now;
        }

        Clock clock() {
            return new Clock() {
                @Override
                public ZoneOffset getZone() {
                    return ZoneOffset.UTC;
                }

                @Override
                public Clock withZone(java.time.ZoneId zone) {
                    return this;
                }

                @Override
                public Instant instant() {
                    return now;
                }
            };
        }

        @Override
        public void execute(Runnable task) {
            queue.add(new Timed(now, seq++, task, new boolean[1]));
        }

        @Override
        public Cancellable schedule(Runnable task, Duration delay) {
            boolean[] cancelled = new boolean[1];
            queue.add(new Timed(now.plus(delay), seq++, task, cancelled));
            return () -> cancelled[0] = true;
        }

        void runDue() {
            Timed t;
            while ((t = queue.peek()) != null && !t.at.isAfter(now)) {
                queue.poll();
                if (!t.cancelled[0]) {
                    t.task.run();
                }
            }
        }

        void advance(Duration d) {
            Instant end = now.plus(d);
            Timed t;
            while ((t = queue.peek()) != null && !t.at.isAfter(end)) {
                now = t.at;
                runDue();
            }
            now = end;
            runDue();
        }
    }
}
