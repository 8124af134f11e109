package io.switchboard.token.internal;

import java.util.Map;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;

/** How the readers of compacted token topics decide that they have read a topic up to a known end. Stateless. */
public final class TopicCatchUp {

    private TopicCatchUp() {
    }

    /** {@code true} when {@code consumer}'s position has reached {@code end} on every partition of it. */
    public static boolean reached(Consumer<?, ?> consumer, Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            if (consumer.position(e.getKey()) < e.getValue()) {
                return false;
            }
        }
        return true;
    }
}
