package io.switchboard.core.kafka;

import java.util.Map;

import org.apache.kafka.clients.producer.ProducerConfig;

/**
 * Producer settings every transactional writer in Switchboard starts from (the pollers' writer, the aggregator's
 * exactly-once Streams producer); a user's own {@code kafka.properties} still win.
 *
 * <p>With transactions version 2 (the default of Kafka 4 clusters) a transaction's partitions are added implicitly by
 * its first produce request. When that request reaches a partition whose previous transaction's commit markers are
 * still being written, the broker answers {@code CONCURRENT_TRANSACTIONS} and the producer retries after
 * {@code retry.backoff.ms}, growing exponentially up to {@code retry.backoff.max.ms}. A writer that commits every
 * second or faster meets this on nearly every transaction, and with the default 100 ms start each commit stalled its
 * next batch for 100 ms to a second: in {@code AggregatorLiveBenchmark} (8,000 records/s, 1 s commits, loaded 2-core
 * machine) the aggregator folded a median 6,514 records/s and never caught up; with a 5 ms start it folded 10,999
 * records/s, caught up within 26 s and then showed each record within 0.46–0.82 s. The markers are written in
 * milliseconds, so a short first backoff costs a few extra requests and nothing else; the maximum stays Kafka's.
 */
public final class TransactionalProducerDefaults {

    /** First retry backoff of a transactional producer, in milliseconds. */
    public static final int RETRY_BACKOFF_MS = 10;

    private TransactionalProducerDefaults() {
    }

    /**
     * Puts the defaults into producer properties where they are not already set, prefixed or not.
     *
     * @param props  producer properties, changed in place
     * @param prefix prefix of producer keys ({@code ""} for a plain producer, {@code "producer."} in Streams properties)
     */
    public static void applyTo(Map<? super String, ? super Integer> props, String prefix) {
        String key = ProducerConfig.RETRY_BACKOFF_MS_CONFIG;
        if (!props.containsKey(key) && !props.containsKey(prefix + key)) {
            props.put(prefix + key, RETRY_BACKOFF_MS);
        }
    }
}
