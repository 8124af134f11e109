package io.switchboard.poll.vendor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;

import io.switchboard.poll.Endpoints;
import io.switchboard.poll.QueueDiscovery.DiscoveredQueue;
import io.switchboard.simulator.SimulatorConfig;
import io.switchboard.simulator.SimulatorConfig.GenesysClient;
import io.switchboard.simulator.Vendor;

/** Discovery against the simulator: every page, queues added and removed while it runs, and its errors. */
class QueueDiscoverySimTest {

    SimFixture f;

    @AfterEach
    void stop() throws Exception {
        f.close();
    }

    private List<DiscoveredQueue> discover(String credential, String endpoint, Map<String, String> params) throws Exception {
        return f.executor.queueDiscovery().discover(credential, endpoint, params).get();
    }

    @Test
    void genesysDiscoveryReadsEveryPageAndSeesQueuesAddedAndRemoved() throws Exception {
        f = SimFixture.frozen(SimulatorConfig.builder().generatedQueues(600).build(), b -> b);
        f.tokens.genesys("genesys-eu");
        List<DiscoveredQueue> before = discover("genesys-eu", Endpoints.GENESYS_QUEUE_OBSERVATIONS, Map.of());
        assertThat(before).extracting(DiscoveredQueue::id).containsExactlyElementsOf(f.sim.queueIds());
        assertThat(f.sim.requests().matching(Vendor.GENESYS, "/routing/queues")).hasSize(2);
        assertThat(before.get(0)).isEqualTo(new DiscoveredQueue(f.sim.queueIds().get(0), "Support", null));
        assertThat(before.get(1).mediaType()).isEqualTo("voice");

        String gone = f.sim.queueIds().get(2);
        f.sim.removeQueue(gone);
        SimulatorConfig.QueueSpec added = new SimulatorConfig.QueueSpec("11111111-2222-4333-8444-555555555555", "Escalations", 1099,
                List.of("voice"), 12);
        f.sim.addQueue(added);
        List<DiscoveredQueue> after = discover("genesys-eu", Endpoints.GENESYS_CONVERSATION_AGGREGATES, Map.of());
        assertThat(after).hasSize(before.size()).extracting(DiscoveredQueue::id).contains(added.id()).doesNotContain(gone);
    }

    @Test
    void cxoneDiscoveryFallsBackToTheSkillsTheActivityNames() throws Exception {
        f = SimFixture.frozen();
        f.tokens.cxone("cxone-na");
        List<DiscoveredQueue> skills = discover("cxone-na", Endpoints.CXONE_SKILLS_ACTIVITY, Map.of());
        assertThat(skills).extracting(DiscoveredQueue::id).containsExactly("1001", "1002", "1003", "1004", "1005");
        assertThat(skills).extracting(DiscoveredQueue::name).contains("Support", "Technical");
        f.sim.addQueue(new SimulatorConfig.QueueSpec("11111111-2222-4333-8444-555555555555", "Escalations", 1099, List.of("voice"), 12));
        assertThat(discover("cxone-na", Endpoints.CXONE_SKILLS_SUMMARY, Map.of())).extracting(DiscoveredQueue::id).contains("1099");
    }

    @Test
    void theCxoneFallbackCostsOneActivityRequestPerDiscoveryAndIsLoggedOncePerCredential() throws Exception {
        Logger logger = (Logger) LoggerFactory.getLogger("io.switchboard.poll.vendor.internal.Discoveries");
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        logger.addAppender(appender);
        try {
            f = SimFixture.frozen();
            f.tokens.cxone("cxone-na").cxone("cxone-eu");
            for (int i = 0; i < 3; i++) {
                assertThat(discover("cxone-na", Endpoints.CXONE_SKILLS_ACTIVITY, Map.of())).isNotEmpty();
            }
            assertThat(discover("cxone-eu", Endpoints.CXONE_SKILLS_SUMMARY, Map.of())).isNotEmpty();
            assertThat(f.sim.requests().matching(Vendor.CXONE, "/skills/activity")).as("one activity request per discovery").hasSize(4);
            List<String> fallbacks = appender.list.stream().filter(e -> e.getLevel() == Level.INFO)
                    .map(ILoggingEvent::getFormattedMessage).filter(m -> m.contains("/skills/activity instead")).toList();
            assertThat(fallbacks).as("logged once per credential").hasSize(2);
            assertThat(fallbacks.get(0)).contains("cxone-na", "404");
            assertThat(fallbacks.get(1)).contains("cxone-eu");
        } finally {
            logger.detachAppender(appender);
        }
    }

    @Test
    void cognosAndGenericDiscoveryUseTheJobsMapping() throws Exception {
        f = SimFixture.frozen();
        f.tokens.cognos("cognos-bi").auth0("datacosmos");
        assertThat(discover("cognos-bi", Endpoints.COGNOS_REPORT_DATA, CognosSimTest.COLUMNS))
                .extracting(DiscoveredQueue::id).containsExactlyElementsOf(f.sim.queueIds());
        assertThat(discover("datacosmos", Endpoints.GENERIC_JSON, GenericJsonSimTest.STATS))
                .extracting(DiscoveredQueue::name).containsExactly("Support", "Sales", "Billing", "Retention", "Technical");
    }

    @Test
    void aDiscoveryThatCannotReadTheListSaysWhyAndWhetherToRetry() throws Exception {
        f = SimFixture.frozen(SimulatorConfig.builder().genesysClient(GenesysClient.of("genesys-client", "genesys-secret")
                .withPermissions(SimulatorConfig.PERM_QUEUE_OBSERVATION)).build(), b -> b);
        f.tokens.genesys("genesys-eu");
        assertThatThrownBy(() -> discover("genesys-eu", Endpoints.GENESYS_QUEUE_OBSERVATIONS, Map.of()))
                .isInstanceOf(ExecutionException.class).cause()
                .isInstanceOf(VendorQueueDiscovery.QueueDiscoveryException.class)
                .hasMessageContaining("cannot list the queues of credential 'genesys-eu'")
                .hasMessageContaining("lacks routing:queue:view")
                .satisfies(e -> assertThat(((VendorQueueDiscovery.QueueDiscoveryException) e).isRetriable()).isFalse());
        assertThatThrownBy(() -> discover("nobody", Endpoints.GENESYS_QUEUE_OBSERVATIONS, Map.of()))
                .cause().hasMessageContaining("no token")
                .satisfies(e -> assertThat(((VendorQueueDiscovery.QueueDiscoveryException) e).isRetriable()).isTrue());
        assertThatThrownBy(() -> discover("genesys-eu", "genesys.telepathy", Map.of()))
                .cause().hasMessageContaining("genesys.telepathy");
    }
}
