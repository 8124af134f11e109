package io.switchboard.aggregate.internal;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.processor.TimestampExtractor;

import io.switchboard.events.poll.QueueStat;

/**
 * Event time of a {@code QueueStat} is the vendor's {@code observedAt} (for interval records the
 * interval end), so windows, grace and stream time follow the vendor's clock rather than when a
 * poller happened to publish. Records that are not a {@code QueueStat} keep the partition time.
 * Stateless and thread-safe.
 */
public final class ObservedAtTimestampExtractor implements TimestampExtractor {

    @Override
    public long extract(ConsumerRecord<Object, Object> record, long partitionTime) {
        if (record.value() instanceof QueueStat stat && stat.getObservedAt() != null) {
            return stat.getObservedAt().toEpochMilli();
        }
        return record.timestamp() >= 0 ? record.timestamp() : Math.max(partitionTime, 0);
    }
}
