package io.switchboard.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/** Queues added and removed while the simulator runs show up (and disappear) in every vendor's answers. */
class QueueChangesTest {

    private final SimHttp http = new SimHttp();

    private static List<String> ids(JsonArray entities, String field) {
        return entities.stream().map(o -> String.valueOf(((JsonObject) o).getValue(field))).toList();
    }

    @Test
    void anAddedQueueIsListedAndObservedAndARemovedOneIsGone() {
        try (VendorSimulator sim = VendorSimulator.start()) {
            String genesys = http.genesysToken(sim);
            String cxone = http.cxoneToken(sim);
            String removed = sim.queueIds().get(1);
            SimulatorConfig.QueueSpec added = new SimulatorConfig.QueueSpec("11111111-2222-4333-8444-555555555555", "Escalations",
                    1099, List.of("voice"), 12);

            assertThat(sim.addQueue(added)).isTrue();
            assertThat(sim.addQueue(added)).as("same id again").isFalse();
            assertThat(sim.removeQueue(removed)).isTrue();
            assertThat(sim.removeQueue(removed)).isFalse();

            assertThat(sim.queueIds()).contains(added.id()).doesNotContain(removed).hasSize(5);
            JsonObject page = SimHttp.json(http.get(sim.genesysApiUrl() + "/api/v2/routing/queues?pageSize=100",
                    "Authorization", "Bearer " + genesys));
            assertThat(ids(page.getJsonArray("entities"), "id")).contains(added.id()).doesNotContain(removed);
            JsonObject activity = SimHttp.json(http.get(sim.cxoneApiUrl("na1") + "/inContactAPI/services/v31.0/skills/activity",
                    "Authorization", "Bearer " + cxone));
            assertThat(ids(activity.getJsonArray("skillActivity"), "skillId")).contains("1099").doesNotContain("1002");
            JsonObject obs = SimHttp.json(http.post(sim.genesysApiUrl() + "/api/v2/analytics/queues/observations/query",
                    "{\"filter\":{\"type\":\"or\",\"predicates\":[{\"dimension\":\"queueId\",\"value\":\"" + added.id() + "\"},"
                            + "{\"dimension\":\"queueId\",\"value\":\"" + removed + "\"}]},\"metrics\":[\"oWaiting\"]}",
                    "Authorization", "Bearer " + genesys, "Content-Type", "application/json"));
            assertThat(obs.getJsonArray("results")).hasSize(1);
            assertThat(sim.queueSequence(added.id())).isEqualTo(2);
            assertThat(sim.queueSequence(removed)).isEqualTo(-1);
        }
    }
}
