package io.switchboard.poll.vendor;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.switchboard.events.poll.PollError;
import io.switchboard.events.poll.PollJob;
import io.switchboard.poll.Endpoints;
import io.switchboard.poll.PollOutcome;
import io.switchboard.poll.PollerConfig;
import io.switchboard.simulator.FaultSpec;
import io.switchboard.simulator.SimulatorConfig;
import io.switchboard.simulator.Vendor;

/**
 * Vendor bodies that are not what the adapters read, served by the simulator's fault injection over a real socket:
 * not JSON (a proxy's HTML page with status 200), fields missing (values become nulls; a missing identity field is a
 * shape error), and oversized (beyond {@code poller.http.maxBodyBytes}, by default 16 MiB: never read into memory).
 * Each is one specific PollError with a short excerpt and no token in it, and the executor goes on polling other
 * jobs, during the fault and after it. (Malformed and truncated JSON: {@link VendorHttpErrorsSimTest}.)
 */
class VendorBodiesSimTest {

    SimFixture f;

    @AfterEach
    void stop() throws Exception {
        if (f != null) {
            f.close();
        }
    }

    private SimFixture start(io.switchboard.poll.vendor.VendorHttpOptions options) {
        f = SimFixture.frozen(SimulatorConfig.defaults(), b -> b.options(options));
        f.tokens.genesys("genesys-eu").cxone("cxone-na");
        return f;
    }

    private PollJob genesys(String id) {
        return Jobs.job(id, "genesys-eu", Endpoints.GENESYS_QUEUE_OBSERVATIONS, f.sim.queueIds(), Map.of());
    }

    private PollJob cxone(String id) {
        return Jobs.job(id, "cxone-na", Endpoints.CXONE_SKILLS_ACTIVITY, List.of(), Map.of());
    }

    private PollOutcome poll(PollJob job) throws Exception {
        return f.executor.poll(job, Jobs.request(1, f.clock.instant())).get();
    }

    private String token(String credential) {
        return f.tokens.current(credential).orElseThrow().headers().get("Authorization").reveal().substring("Bearer ".length());
    }

    private void shortAndSecretFree(PollError e) {
        assertThat(e.getMessage().length()).isLessThan(800);
        assertThat(e.toString()).doesNotContain(token("genesys-eu")).doesNotContain("genesys-secret");
    }

    @Test
    void anHtmlPageInsteadOfJsonIsAMappingErrorNamingTheContentTypeAndOtherJobsGoOn() throws Exception {
        start(VendorHttpErrorsSimTest.FAST);
        f.sim.faults().set(Vendor.GENESYS, FaultSpec.none().withNonJsonBodies(1.0));
        // both jobs at once on the same executor: the Genesys fault does not touch the CXone job
        CompletableFuture<PollOutcome> broken = f.executor.poll(genesys("g"), Jobs.request(1, f.clock.instant()));
        CompletableFuture<PollOutcome> other = f.executor.poll(cxone("c"), Jobs.request(1, f.clock.instant()));
        PollOutcome html = broken.get();
        assertThat(html.stats()).isEmpty();
        assertThat(html.errors()).singleElement().satisfies(e -> {
            assertThat(e.getKind()).isEqualTo("MAPPING");
            assertThat(e.getRetriable()).isTrue();
            assertThat(e.getMessage()).contains("a text/html body where JSON was expected")
                    .contains("a proxy, a sign-in page or a wrong apiBaseUrl")
                    .contains("excerpt: <!DOCTYPE html>");
            shortAndSecretFree(e);
        });
        assertThat(other.get().errors()).isEmpty();
        assertThat(other.get().stats()).isNotEmpty();

        f.sim.faults().clear(Vendor.GENESYS);
        assertThat(poll(genesys("g")).clean()).as("the next poll after the fault is clean").isTrue();
    }

    @Test
    void missingMetricValuesBecomeNullsAndAMissingQueueIdIsAShapeErrorWithAnExcerpt() throws Exception {
        start(VendorHttpErrorsSimTest.FAST);
        f.sim.faults().set(Vendor.GENESYS, FaultSpec.none().withDroppedFields("count"));
        PollOutcome noCounts = poll(genesys("counts"));
        assertThat(noCounts.errors()).as("a missing value is not an error").isEmpty();
        assertThat(noCounts.stats()).hasSize(9 + 5).allSatisfy(s -> {
            assertThat(s.getWaiting()).isNull();
            assertThat(s.getInteracting()).isNull();
            assertThat(s.getAgentsOnQueue()).isNull();
        });

        f.sim.faults().set(Vendor.GENESYS, FaultSpec.none().withDroppedFields("queueId"));
        PollOutcome noIds = poll(genesys("ids"));
        assertThat(noIds.stats()).isEmpty();
        assertThat(noIds.errors()).singleElement().satisfies(e -> {
            assertThat(e.getKind()).isEqualTo("MAPPING");
            assertThat(e.getMessage()).contains("in a shape the genesys.queue-observations mapping does not read")
                    .contains("a result has no group.queueId").contains("excerpt: {\"results\"");
            shortAndSecretFree(e);
        });
        assertThat(poll(cxone("c")).clean()).isTrue();
    }

    @Test
    void aBodyAboveTheDefaultBoundOf16MiBIsNotReadAndNamesTheKeyToRaise() throws Exception {
        PollerConfig config = PollerConfig.parse("""
                kafka: {bootstrapServers: "127.0.0.1:9092"}
                schemaRegistry: {url: "http://127.0.0.1:8081"}
                encryption: {activeKeyId: k1, keys: {k1: "${env:K}"}}
                """, "switchboard.yaml", Map.of("K", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="));
        assertThat(config.http().maxBodyBytes()).isEqualTo(16 * 1024 * 1024);
        start(config.http());
        f.sim.faults().set(Vendor.GENESYS, FaultSpec.none().withOversizedBodies(16 * 1024 * 1024 + 4096));
        PollOutcome big = poll(genesys("big"));
        assertThat(big.stats()).isEmpty();
        assertThat(big.vendorRequests()).as("not retried: the same request would be as large").isEqualTo(1);
        assertThat(big.errors()).singleElement().satisfies(e -> {
            assertThat(e.getKind()).isEqualTo("MAPPING");
            assertThat(e.getRetriable()).isFalse();
            assertThat(e.getMessage()).contains("larger than 16777216 bytes (16MiB, the poller.http.maxBodyBytes limit)")
                    .contains("raise poller.http.maxBodyBytes");
            shortAndSecretFree(e);
        });
        assertThat(poll(cxone("c")).clean()).isTrue();
        f.sim.faults().clear(Vendor.GENESYS);
        assertThat(poll(genesys("big")).clean()).isTrue();
    }

    @Test
    void theBoundIsTheConfiguredOne() throws Exception {
        PollerConfig config = PollerConfig.parse("""
                kafka: {bootstrapServers: "127.0.0.1:9092"}
                schemaRegistry: {url: "http://127.0.0.1:8081"}
                encryption: {activeKeyId: k1, keys: {k1: "${env:K}"}}
                poller: {http: {maxBodyBytes: 64KiB}}
                """, "switchboard.yaml", Map.of("K", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="));
        start(config.http());
        f.sim.faults().set(Vendor.GENESYS, FaultSpec.none().withOversizedBodies(256 * 1024));
        assertThat(poll(genesys("big")).errors()).singleElement().satisfies(e ->
                assertThat(e.getMessage()).contains("larger than 65536 bytes (64KiB, the poller.http.maxBodyBytes limit)"));
        f.sim.faults().set(Vendor.GENESYS, FaultSpec.none().withOversizedBodies(60 * 1024));
        assertThat(poll(genesys("padded")).clean()).as("below the bound, padding is only blanks").isTrue();
    }
}
