package io.switchboard.poll.internal;

import java.util.Map;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;

/** Whether a reader of a compacted topic has read up to a known end. Stateless. */
final class TopicPositions {

    private TopicPositions() {
    }

    /** {@code true} when {@code consumer}'s position has reached {@code end} on every partition. */
    static boolean reached(Consumer<?, ?> consumer, Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            if (consumer.position(e.getKey()) < e.getValue()) {
                return false;
            }
        }
        return true;
    }
}
