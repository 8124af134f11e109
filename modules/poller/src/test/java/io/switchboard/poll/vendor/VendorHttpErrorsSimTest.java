package io.switchboard.poll.vendor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.switchboard.core.supervise.Backoff;
import io.switchboard.events.poll.PollError;
import io.switchboard.events.poll.PollJob;
import io.switchboard.poll.Endpoints;
import io.switchboard.poll.PollOutcome;
import io.switchboard.simulator.FaultSpec;
import io.switchboard.simulator.RecordedRequest;
import io.switchboard.simulator.SimulatorConfig;
import io.switchboard.simulator.SimulatorConfig.GenesysClient;
import io.switchboard.simulator.Vendor;

/**
 * Every error path of the HTTP layer against the simulator over a real socket: 401 (one refresh per rejected version,
 * retry once, second 401), 403 naming the permission, 429 honouring Retry-After, 5xx, timeouts, TCP resets, malformed
 * and truncated bodies, oversized bodies, no token, unknown endpoint. A vendor error is data, never a failed future.
 */
class VendorHttpErrorsSimTest {

    /** Short backoff so that retries do not make the tests slow; three attempts. */
    static final VendorHttpOptions FAST = VendorHttpOptions.defaults()
            .withRetries(3, new Backoff(Duration.ofMillis(50), Duration.ofMillis(200)), Duration.ofSeconds(5))
            .withTokenRefreshWait(Duration.ofSeconds(10));

    SimFixture f;

    @AfterEach
    void stop() throws Exception {
        if (f != null) {
            f.close();
        }
    }

    private SimFixture frozen(SimulatorConfig config, VendorHttpOptions options) {
        f = SimFixture.frozen(config, b -> b.options(options));
        return f;
    }

    private PollJob job(String id) {
        return Jobs.job(id, "genesys-eu", Endpoints.GENESYS_QUEUE_OBSERVATIONS, f.sim.queueIds(), Map.of());
    }

    private PollOutcome poll(PollJob job) throws Exception {
        return f.executor.poll(job, Jobs.request(1, f.clock.instant())).get();
    }

    private List<RecordedRequest> observationRequests() {
        return f.sim.requests().matching(Vendor.GENESYS, "/observations/query");
    }

    private String tokenValue() {
        return f.tokens.current("genesys-eu").orElseThrow().headers().get("Authorization").reveal().substring("Bearer ".length());
    }

    private static void noSecretIn(PollError e, String token) {
        assertThat(e.toString()).doesNotContain(token).doesNotContain("genesys-secret");
    }

    // ------------------------------------------------------------------ 401

    @Test
    void revokedTokenDuringARunIsRefreshedOnceForEveryJobAndNoPollIsLost() throws Exception {
        frozen(SimulatorConfig.defaults(), FAST).tokens.genesys("genesys-eu");
        assertThat(poll(job("warm-up")).clean()).isTrue();
        long rejected = f.tokens.version("genesys-eu");
        f.sim.faults().revokeTokens(Vendor.GENESYS, "genesys-client");

        List<CompletableFuture<PollOutcome>> polls = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            polls.add(f.executor.poll(job("job-" + i), Jobs.request(2, f.clock.instant())));
        }
        for (CompletableFuture<PollOutcome> p : polls) {
            PollOutcome o = p.get();
            assertThat(o.errors()).as("a 401 is healed by the refresh").isEmpty();
            assertThat(o.stats()).hasSize(14);
        }
        assertThat(f.tokens.refreshes()).as("one refresh request for the rejected version, however many polls saw it")
                .singleElement().satisfies(r -> {
                    assertThat(r.rejectedVersion()).isEqualTo(rejected);
                    assertThat(r.httpStatus()).isEqualTo(401);
                    assertThat(r.reason()).contains("bad.credentials").doesNotContain(tokenValue());
                });
        assertThat(f.executor.tokenRefreshRequests()).isEqualTo(1);
        assertThat(f.sim.issuedTokenCount(Vendor.GENESYS, "genesys-client")).isEqualTo(2);
        assertThat(f.executor.failureCounts().get("401")).isBetween(1, 6);
    }

    @Test
    void aSecond401WithTheNewTokenIsAnAuthenticationError() throws Exception {
        frozen(SimulatorConfig.defaults(), FAST).tokens.genesys("genesys-eu");
        f.tokens.deliverRejectedTokens();
        f.sim.faults().revokeTokens(Vendor.GENESYS);

        PollOutcome o = poll(job("j"));
        assertThat(o.stats()).isEmpty();
        assertThat(observationRequests()).hasSize(2);
        assertThat(o.errors()).singleElement().satisfies(e -> {
            assertThat(e.getKind()).isEqualTo("AUTHENTICATION");
            assertThat(e.getHttpStatus()).isEqualTo(401);
            assertThat(e.getVendorCode()).isEqualTo("bad.credentials");
            assertThat(e.getTokenVersion()).isEqualTo(2L);
            assertThat(e.getMessage()).contains("again with the refreshed token (version 2, after version 1 was rejected)")
                    .contains("switchboard doctor --credential genesys-eu");
            assertThat(e.getCorrelationId()).isNotBlank();
            assertThat(e.toString()).doesNotContain("not-a-token-the-vendor-knows");
        });
        assertThat(f.tokens.refreshes()).hasSize(1);
    }

    @Test
    void noNewerTokenWithinTheWaitIsAnAuthenticationErrorAndIsNotAskedForAgainAtOnce() throws Exception {
        frozen(SimulatorConfig.defaults(), FAST).tokens.genesys("genesys-eu");
        f.tokens.stopDelivering();
        f.sim.faults().revokeTokens(Vendor.GENESYS);

        PollOutcome first = poll(job("j"));
        PollOutcome second = poll(job("j"));
        for (PollOutcome o : List.of(first, second)) {
            assertThat(o.errors()).singleElement().satisfies(e -> {
                assertThat(e.getKind()).isEqualTo("AUTHENTICATION");
                assertThat(e.getRetriable()).isTrue();
                assertThat(e.getMessage()).contains("rejected token version 1").contains("no newer token could be had");
            });
        }
        assertThat(f.tokens.refreshes()).as("asked once for version 1 within the wait").hasSize(1);
    }

    @Test
    void anExpiredTokenIsRefreshedBeforeUse() throws Exception {
        frozen(SimulatorConfig.defaults(), FAST).tokens.genesys("genesys-eu");
        f.tokens.publish("genesys-eu", f.tokens.current("genesys-eu").orElseThrow().headers(), f.clock.instant().minusSeconds(1));

        PollOutcome o = poll(job("j"));
        assertThat(o.errors()).isEmpty();
        assertThat(f.tokens.refreshes()).singleElement().satisfies(r -> {
            assertThat(r.httpStatus()).isNull();
            assertThat(r.reason()).contains("expired");
        });
        assertThat(observationRequests()).hasSize(1);
    }

    @Test
    void noTokenYetIsARetriableAuthenticationErrorWithoutAnyRequest() throws Exception {
        frozen(SimulatorConfig.defaults(), FAST);
        PollOutcome o = poll(Jobs.job("j", "nobody", Endpoints.GENESYS_QUEUE_OBSERVATIONS, List.of("q"), Map.of()));
        assertThat(o.errors()).singleElement().satisfies(e -> {
            assertThat(e.getKind()).isEqualTo("AUTHENTICATION");
            assertThat(e.getMessage()).contains("no token for credential 'nobody'");
        });
        assertThat(o.vendorRequests()).isZero();
        assertThat(f.sim.requests().size()).isZero();
    }

    // ------------------------------------------------------------------ 403

    @Test
    void forbiddenNamesTheMissingPermissionAndWhereToGrantIt() throws Exception {
        frozen(SimulatorConfig.builder().genesysClient(GenesysClient.of("genesys-client", "genesys-secret")
                .withPermissions(SimulatorConfig.PERM_CONVERSATION_AGGREGATE)).build(), FAST).tokens.genesys("genesys-eu");

        PollOutcome o = poll(job("j"));
        assertThat(observationRequests()).as("a 403 is not retried").hasSize(1);
        assertThat(o.errors()).singleElement().satisfies(e -> {
            assertThat(e.getKind()).isEqualTo("PERMISSION");
            assertThat(e.getRetriable()).isFalse();
            assertThat(e.getHttpStatus()).isEqualTo(403);
            assertThat(e.getVendorCode()).isEqualTo("missing.permissions");
            assertThat(e.getMessage()).contains("lacks analytics:queueObservation:view")
                    .contains("OAuth client of credential 'genesys-eu'").contains("Roles");
            noSecretIn(e, tokenValue());
        });
        assertThat(f.tokens.refreshes()).isEmpty();
    }

    // ------------------------------------------------------------------ 429

    @Test
    void tooManyRequestsWaitsForRetryAfterAndThenSucceeds() throws Exception {
        f = SimFixture.running(SimulatorConfig.defaults(), b -> b.options(FAST));
        f.tokens.genesys("genesys-eu");
        f.sim.faults().set(Vendor.GENESYS, FaultSpec.none().withTooManyRequests(1, 2));

        PollOutcome o = poll(job("j"));
        assertThat(o.errors()).isEmpty();
        assertThat(o.stats()).hasSize(14);
        assertThat(o.vendorRequests()).isEqualTo(2);
        List<RecordedRequest> sent = observationRequests();
        assertThat(sent).extracting(RecordedRequest::status).containsExactly(429, 200);
        assertThat(Duration.between(sent.get(0).at(), sent.get(1).at()))
                .as("the retry waited for Retry-After: 2").isGreaterThanOrEqualTo(Duration.ofMillis(1_900));
        assertThat(f.executor.rateLimiter("genesys-eu").delayedReservations()).isGreaterThanOrEqualTo(1);
    }

    @Test
    void aRetryAfterLongerThanAPollMayWaitIsReportedAndHoldsTheLimiter() throws Exception {
        frozen(SimulatorConfig.defaults(), FAST).tokens.genesys("genesys-eu");
        f.sim.faults().set(Vendor.GENESYS, FaultSpec.none().withTooManyRequests(1, 120));

        PollOutcome o = poll(job("j"));
        assertThat(o.errors()).singleElement().satisfies(e -> {
            assertThat(e.getKind()).isEqualTo("RATE_LIMITED");
            assertThat(e.getHttpStatus()).isEqualTo(429);
            assertThat(e.getVendorCode()).isEqualTo("too.many.requests.retry.after");
            assertThat(e.getRetryAfterMs()).isEqualTo(120_000L);
            assertThat(e.getMessage()).contains("asked to wait 120 s").contains("300 requests/min");
        });
        assertThat(observationRequests()).hasSize(1);
        assertThat(f.executor.rateLimiter("genesys-eu").available()).isLessThanOrEqualTo(0);
    }

    // ------------------------------------------------------------------ 5xx, timeouts, resets

    @Test
    void serverErrorsAreRetriedWithBackoffThenReported() throws Exception {
        frozen(SimulatorConfig.defaults(), FAST).tokens.genesys("genesys-eu");
        f.sim.faults().set(Vendor.GENESYS, FaultSpec.none().withServerErrors(1.0, 502));

        PollOutcome o = poll(job("j"));
        assertThat(observationRequests()).extracting(RecordedRequest::status).containsExactly(502, 502, 502);
        assertThat(o.errors()).singleElement().satisfies(e -> {
            assertThat(e.getKind()).isEqualTo("VENDOR_ERROR");
            assertThat(e.getRetriable()).isTrue();
            assertThat(e.getAttempt()).isEqualTo(3);
            assertThat(e.getMessage()).contains("Genesys answered 502").contains("on all 3 attempts");
        });
    }

    @Test
    void someServerErrorsAreHealedByTheRetries() throws Exception {
        frozen(SimulatorConfig.defaults(), FAST).tokens.genesys("genesys-eu");
        f.sim.faults().set(Vendor.GENESYS, FaultSpec.none().withServerErrors(0.4));
        int healed = 0;
        for (int i = 0; i < 6; i++) {
            PollOutcome o = poll(job("j" + i));
            if (o.clean() && o.vendorRequests() > 1) {
                healed++;
            }
        }
        assertThat(healed).as("seeded 40%% 503s: some polls needed a retry and still succeeded").isPositive();
    }

    @Test
    void aVendorThatDoesNotAnswerInTimeIsATransportErrorAfterTheAttempts() throws Exception {
        frozen(SimulatorConfig.defaults(), FAST.withTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(30), Duration.ofMillis(500))
                .withRetries(2, new Backoff(Duration.ofMillis(50), Duration.ofMillis(100)), Duration.ofSeconds(5)))
                .tokens.genesys("genesys-eu");
        f.sim.faults().set(Vendor.GENESYS, FaultSpec.none().withLatency(Duration.ofSeconds(3)));

        PollOutcome o = poll(job("j"));
        assertThat(o.vendorRequests()).isEqualTo(2);
        assertThat(o.errors()).singleElement().satisfies(e -> {
            assertThat(e.getKind()).isEqualTo("TRANSPORT");
            assertThat(e.getRetriable()).isTrue();
            assertThat(e.getHttpStatus()).isNull();
            assertThat(e.getMessage()).contains("no complete answer within 500 ms").contains("(2 attempts)");
        });
    }

    @Test
    void aTcpResetIsRetriedAndReportedAsTransport() throws Exception {
        frozen(SimulatorConfig.defaults(), FAST).tokens.genesys("genesys-eu");
        f.sim.faults().set(Vendor.GENESYS, FaultSpec.none().withConnectionResets(1.0));

        PollOutcome o = poll(job("j"));
        assertThat(observationRequests()).extracting(RecordedRequest::status).containsExactly(0, 0, 0);
        assertThat(o.errors()).singleElement().satisfies(e -> {
            assertThat(e.getKind()).isEqualTo("TRANSPORT");
            assertThat(e.getMessage()).containsAnyOf("connection was reset", "connection was closed");
        });

        f.sim.faults().set(Vendor.GENESYS, FaultSpec.none().withConnectionResets(0.4));
        int healed = 0;
        for (int i = 0; i < 6; i++) {
            PollOutcome p = poll(job("r" + i));
            if (p.clean() && p.vendorRequests() > 1) {
                healed++;
            }
        }
        assertThat(healed).isPositive();
    }

    // ------------------------------------------------------------------ bodies

    @Test
    void malformedAndTruncatedBodiesAreMappingErrorsWithASecretFreeExcerpt() throws Exception {
        frozen(SimulatorConfig.defaults(), FAST).tokens.genesys("genesys-eu");
        f.sim.faults().set(Vendor.GENESYS, FaultSpec.none().withMalformedJson(1.0));
        PollOutcome malformed = poll(job("m"));
        f.sim.faults().set(Vendor.GENESYS, FaultSpec.none().withTruncatedJson(1.0));
        PollOutcome truncated = poll(job("t"));

        for (PollOutcome o : List.of(malformed, truncated)) {
            assertThat(o.stats()).isEmpty();
            assertThat(o.vendorRequests()).as("a 200 with a broken body is not retried within the poll").isEqualTo(1);
            assertThat(o.errors()).singleElement().satisfies(e -> {
                assertThat(e.getKind()).isEqualTo("MAPPING");
                assertThat(e.getMessage()).contains("not complete JSON").contains("excerpt: {\"results\"");
                assertThat(e.getMessage().length()).isLessThan(700);
                noSecretIn(e, tokenValue());
            });
        }
    }

    @Test
    void aBodyLargerThanTheBoundIsNotRead() throws Exception {
        frozen(SimulatorConfig.defaults(), FAST.withMaxBodyBytes(1024)).tokens.genesys("genesys-eu");
        PollOutcome o = poll(job("big"));
        assertThat(o.stats()).isEmpty();
        assertThat(o.errors()).singleElement().satisfies(e -> {
            assertThat(e.getKind()).isEqualTo("MAPPING");
            assertThat(e.getRetriable()).isFalse();
            assertThat(e.getMessage()).contains("larger than 1024 bytes");
        });
        // the executor keeps working after an aborted body
        PollJob small = Jobs.job("small", "genesys-eu", Endpoints.GENESYS_QUEUE_OBSERVATIONS, List.of(f.sim.queueIds().get(1)),
                Map.of());
        small.setMetrics(List.of("oWaiting"));
        PollOutcome after = poll(small);
        assertThat(after.errors()).isEmpty();
        assertThat(after.stats()).hasSize(2);
    }

    // ------------------------------------------------------------------ meters

    @Test
    void metersCountOutcomesLimiterWaitsTokenAgeAndRefreshes() throws Exception {
        io.micrometer.prometheusmetrics.PrometheusMeterRegistry registry =
                new io.micrometer.prometheusmetrics.PrometheusMeterRegistry(io.micrometer.prometheusmetrics.PrometheusConfig.DEFAULT);
        f = SimFixture.running(SimulatorConfig.defaults(), b -> b.options(FAST).meterRegistry(registry));
        f.tokens.genesys("genesys-eu");
        f.sim.faults().set(Vendor.GENESYS, FaultSpec.none().withTooManyRequests(1, 1));
        assertThat(poll(job("a")).clean()).isTrue();
        f.sim.faults().clearAll();
        f.sim.faults().revokeTokens(Vendor.GENESYS);
        assertThat(poll(job("b")).clean()).isTrue();

        String scrape = registry.scrape();
        assertThat(scrape)
                .contains("switchboard_poller_vendor_requests_total{credential=\"genesys-eu\",outcome=\"429\",provider=\"genesys-cloud\"} 1.0")
                .contains("switchboard_poller_vendor_requests_total{credential=\"genesys-eu\",outcome=\"401\",provider=\"genesys-cloud\"} 1.0")
                .contains("switchboard_poller_vendor_requests_total{credential=\"genesys-eu\",outcome=\"2xx\",provider=\"genesys-cloud\"} 2.0")
                .contains("switchboard_poller_vendor_request_seconds_bucket{provider=\"genesys-cloud\"")
                .contains("switchboard_poller_rate_limiter_wait_seconds_count{credential=\"genesys-eu\"}")
                .contains("switchboard_poller_rate_limiter_available{credential=\"genesys-eu\"}")
                .contains("switchboard_poller_token_age_seconds_count{credential=\"genesys-eu\"} 4\n")
                .contains("switchboard_poller_token_refresh_requests_total{credential=\"genesys-eu\"} 1.0")
                .doesNotContain(tokenValue());
    }

    // ------------------------------------------------------------------ the executor itself

    @Test
    void anUnknownEndpointIsAConfigurationErrorAndAClosedExecutorFailsThePoll() throws Exception {
        frozen(SimulatorConfig.defaults(), FAST).tokens.genesys("genesys-eu");
        PollOutcome o = poll(Jobs.job("x", "genesys-eu", "genesys.telepathy", List.of(), Map.of()));
        assertThat(o.errors()).singleElement().satisfies(e -> {
            assertThat(e.getKind()).isEqualTo("CONFIGURATION");
            assertThat(e.getRetriable()).isFalse();
            assertThat(e.getMessage()).contains("genesys.telepathy").contains(Endpoints.GENESYS_QUEUE_OBSERVATIONS);
        });
        PollOutcome badParam = poll(Jobs.job("y", "genesys-eu", Endpoints.GENESYS_QUEUE_OBSERVATIONS, f.sim.queueIds(),
                Map.of("maxQueuesPerRequest", "lots")));
        assertThat(badParam.errors()).singleElement().satisfies(e -> {
            assertThat(e.getKind()).isEqualTo("CONFIGURATION");
            assertThat(e.getMessage()).contains("maxQueuesPerRequest=lots");
        });

        f.executor.close();
        assertThatThrownBy(() -> f.executor.poll(job("z"), Jobs.request(1, f.clock.instant())).get())
                .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(VendorPollExecutor.ExecutorClosedException.class);
    }
}
