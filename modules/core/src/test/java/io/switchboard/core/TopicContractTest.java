package io.switchboard.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.switchboard.core.TopicSpec.CleanupPolicy;

class TopicContractTest {

    @Test
    void everyTopicNameOfTopicsIsInTheContractAndNothingElse() throws Exception {
        Topics topics = new Topics("acme");
        List<String> fromAccessors = new ArrayList<>();
        for (Method m : Topics.class.getDeclaredMethods()) {
            if (Modifier.isPublic(m.getModifiers()) && !Modifier.isStatic(m.getModifiers())
                    && m.getReturnType() == String.class && m.getParameterCount() == 0 && !m.getName().equals("prefix")
                    && !m.getName().equals("toString")) {
                fromAccessors.add((String) m.invoke(topics));
            }
        }
        for (String size : List.of("1m", "15m", "1h")) {
            fromAccessors.add(topics.queueWindowStats(size));
        }

        TopicContract contract = TopicContract.of(topics);

        assertThat(contract.names()).containsExactlyInAnyOrderElementsOf(fromAccessors);
        assertThat(contract.names()).allMatch(n -> n.startsWith("acme."));
        assertThat(contract.prefix()).isEqualTo("acme");
    }

    @Test
    void policiesFollowTheArchitectureTable() {
        TopicContract c = TopicContract.defaults();

        assertThat(c.get("switchboard.tokens").configs())
                .containsExactly(Map.entry("cleanup.policy", "compact"), Map.entry("min.compaction.lag.ms", "0"));
        assertThat(c.get("switchboard.token-requests").configs())
                .containsExactly(Map.entry("cleanup.policy", "delete"), Map.entry("retention.ms", "3600000"));
        assertThat(c.get("switchboard.token-requests").partitions()).isEqualTo(TopicContract.TOKEN_REQUEST_PARTITIONS);
        assertThat(c.get("switchboard.poll-jobs").cleanupPolicy()).isEqualTo(CleanupPolicy.COMPACT);
        assertThat(c.get("switchboard.poll-progress").cleanupPolicy()).isEqualTo(CleanupPolicy.COMPACT);
        assertThat(c.get("switchboard.poll-progress").partitions()).isEqualTo(c.get("switchboard.poll-jobs").partitions());
        assertThat(c.get("switchboard.queue-stats").retentionMs()).isEqualTo(Duration.ofDays(7).toMillis());
        assertThat(c.get("switchboard.dashboard.queue-snapshots").retention()).isNull();
        assertThat(c.get("switchboard.dashboard.queue-stats-1m").configs().get("cleanup.policy")).isEqualTo("compact,delete");
        assertThat(c.get("switchboard.dead-letters").cleanupPolicy()).isEqualTo(CleanupPolicy.DELETE);
        assertThat(c.topics()).hasSize(14);
    }

    @Test
    void unknownTopicIsRefusedWithTheKnownNames() {
        assertThatThrownBy(() -> TopicContract.defaults().get("switchboard.token"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("switchboard.token is not in the topic contract")
                .hasMessageContaining("switchboard.tokens");
        assertThat(TopicContract.defaults().find("nope")).isEmpty();
    }

    @Test
    void inconsistentSpecsAreRefused() {
        assertThatThrownBy(() -> new TopicSpec("t", CleanupPolicy.COMPACT, 1, Duration.ofHours(1), Map.of(), "x"))
                .hasMessageContaining("a compacted topic has no retention");
        assertThatThrownBy(() -> new TopicSpec("t", CleanupPolicy.DELETE, 1, null, Map.of(), "x"))
                .hasMessageContaining("needs a positive retention");
        assertThatThrownBy(() -> new TopicSpec("t", CleanupPolicy.DELETE, 0, Duration.ofHours(1), Map.of(), "x"))
                .hasMessageContaining("partitions must be at least 1");
        assertThatThrownBy(() -> new TopicSpec("t", CleanupPolicy.COMPACT, 1, null, Map.of("cleanup.policy", "delete"), "x"))
                .hasMessageContaining("come from cleanupPolicy");
        TopicSpec a = new TopicSpec("t", CleanupPolicy.COMPACT, 1, null, Map.of(), "x");
        assertThatThrownBy(() -> new TopicContract("p", List.of(a, a))).hasMessageContaining("listed twice");
    }

    @Test
    void cleanupPolicyParsesKafkaValues() {
        assertThat(CleanupPolicy.fromConfigValue("delete,compact")).isEqualTo(CleanupPolicy.COMPACT_DELETE);
        assertThat(CleanupPolicy.fromConfigValue("COMPACT")).isEqualTo(CleanupPolicy.COMPACT);
        assertThatThrownBy(() -> CleanupPolicy.fromConfigValue("forever")).hasMessageContaining("'forever' is not one of");
    }
}
