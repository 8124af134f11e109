package io.switchboard.aggregate;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.state.Stores;

import io.switchboard.aggregate.internal.ObservedAtTimestampExtractor;
import io.switchboard.aggregate.internal.QueueState;
import io.switchboard.aggregate.internal.QueueStatProcessor;
import io.switchboard.aggregate.internal.StoreSerdes;
import io.switchboard.aggregate.internal.TenantPartial;
import io.switchboard.aggregate.internal.TenantSummaryProcessor;
import io.switchboard.aggregate.internal.WindowAggregate;
import io.switchboard.core.Topics;
import io.switchboard.events.aggregate.QueueAlert;
import io.switchboard.events.aggregate.QueueSnapshot;
import io.switchboard.events.aggregate.QueueWindowStats;
import io.switchboard.events.aggregate.TenantSummary;
import io.switchboard.events.poll.QueueStat;
import io.switchboard.registry.serde.AvroSerdes;

/**
 * The aggregator's Kafka Streams topology, built by a pure function of its configuration.
 *
 * <pre>
 * queue-stats (credentialId/queueId, QueueStat)
 *   -> queue-aggregator [queue-state, queue-windows-1m/15m/1h, alert-history]
 *        -> dashboard.queue-snapshots      (credentialId/queueId, QueueSnapshot)   compacted
 *        -> dashboard.queue-stats-1m/15m/1h (credentialId/queueId@windowStart, QueueWindowStats)
 *        -> alerts                          (credentialId/queueId, QueueAlert)
 *        -> every tenantSummary.interval: TenantPartial per changed tenant, repartitioned by credential id
 *             -> tenant-aggregator [tenant-partials, tenant-summaries]
 *             -> dashboard.tenant-summary   (credentialId, TenantSummary)           compacted
 * </pre>
 *
 * Topic values are Avro in the Confluent wire format through the project's serdes (schemas from
 * the configured registry); store values and the repartition topic use the aggregator's own
 * compact encoding. See {@code QueueStatProcessor} and {@code TenantSummaryProcessor} for the
 * semantics (time, duplicates, revisions, staleness, alerts).
 */
public final class AggregatorTopology {

    /** Latest state per queue (the snapshot); key credentialId/queueId. */
    public static final String QUEUE_STORE = "queue-state";
    /** Raised and resolved alerts by raise time; key credentialId/queueId. */
    public static final String ALERT_HISTORY_STORE = "alert-history";
    /** Latest partial summary per tenant and queue task, in the tenant's task; key credentialId|taskId. */
    public static final String TENANT_PARTIALS_STORE = "tenant-partials";
    /** Latest summary per tenant; key credentialId. */
    public static final String TENANT_STORE = "tenant-summaries";
    /** Name of the repartition step (topic {@code <applicationId>-tenant-partials-repartition}). */
    public static final String TENANT_REPARTITION = "tenant-partials";

    /** Child of the queue processor that writes snapshots (the sink of the snapshot topic). */
    public static final String SNAPSHOT_ROUTE = "queue-snapshots";
    /** Child of the queue processor that writes alerts. */
    public static final String ALERT_ROUTE = "alerts";
    /** Child of the queue processor that takes tenant partials to the repartition topic. */
    public static final String TENANT_PARTIAL_ROUTE = "as-tenant-partial";

    private AggregatorTopology() {
    }

    private static final String[] WINDOW_ROUTES = java.util.Arrays.stream(WindowSize.values())
            .map(size -> "queue-stats-" + size.label()).toArray(String[]::new);

    /** Child of the queue processor that writes windows of one size. */
    public static String windowRoute(WindowSize size) {
        return WINDOW_ROUTES[size.ordinal()];
    }

    /** A sink's serde for the processor's {@code Object} outputs; the processor forwards each type to its own sink only. */
    @SuppressWarnings("unchecked")
    private static Serde<Object> untyped(Serde<?> serde) {
        return (Serde<Object>) serde;
    }

    /** Window store of one size; key credentialId/queueId, one entry per window start. */
    public static String windowStore(WindowSize size) {
        return "queue-windows-" + size.label();
    }

    /** Key of a window on the queue-stats-&lt;size&gt; topics: {@code credentialId/queueId@2026-11-20T10:15:00Z}. */
    public static String windowKey(String queueKey, long windowStartMs) {
        return queueKey + "@" + Instant.ofEpochMilli(windowStartMs);
    }

    /**
     * Kafka Streams settings the topology is meant to run with, below {@code kafka.properties} (which
     * may override them). {@code max.task.idle.ms = -1}: every task of this topology has one input
     * partition (a {@code queue-stats} partition, or one of the tenant repartition topic), so there is
     * nothing to wait for across partitions; at Streams' default (0) each readiness check of a task
     * whose partition is momentarily empty formats log text it then drops (Kafka 4.3's
     * {@code PartitionGroup.readyToProcess}: 7.7 % of the stream thread in AggregatorBenchmark).
     *
     * <p>{@code statestore.cache.max.bytes = 64 MiB} (Streams' default: 10 MiB) for the record cache of
     * {@code queue-state}: each queue's state stays in it between its polls, so a queue's records within a
     * commit cost one store write, one changelog record and one snapshot. Pollers visit every queue in turn,
     * and a cache smaller than all the queues' states evicts each one just before it is needed again: in
     * AggregatorBenchmark with 50,000 queues, 10 MiB cost 61.0 CPU µs per record against 41.4 with the
     * states held (see docs/aggregator.md). The cache is on the heap, shared by the instance's stream threads.
     */
    public static Map<String, Object> streamsDefaults() {
        return Map.of(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, StreamsConfig.MAX_TASK_IDLE_MS_DISABLED,
                StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, STATE_CACHE_BYTES);
    }

    /** The record cache's default size, see {@link #streamsDefaults()}. */
    public static final long STATE_CACHE_BYTES = 64L << 20;

    /**
     * Builds the topology. Pure: reads only {@code config}, creates serdes (which connect to the
     * registry lazily, on the first record), starts nothing.
     */
    public static Topology buildTopology(AggregatorConfig config) {
        Topics topics = config.topics();
        Map<String, Object> serdeConfig = config.serdeConfig();
        Serde<String> keys = Serdes.String();
        Serde<QueueStat> queueStats = AvroSerdes.specific(QueueStat.class, serdeConfig, false);
        Serde<QueueSnapshot> snapshots = AvroSerdes.specific(QueueSnapshot.class, serdeConfig, false);
        Serde<QueueWindowStats> windowStats = AvroSerdes.specific(QueueWindowStats.class, serdeConfig, false);
        Serde<QueueAlert> alerts = AvroSerdes.specific(QueueAlert.class, serdeConfig, false);
        Serde<TenantSummary> tenants = AvroSerdes.specific(TenantSummary.class, serdeConfig, false);

        StreamsBuilder builder = new StreamsBuilder();
        // The queue state has Streams' record cache: a queue updated several times within one commit interval
        // (one record per media type and poll, interval records) goes to RocksDB and its changelog once per
        // commit, and its snapshot leaves with that write (QueueStatProcessor listens to the cache's flushes).
        // The final windows have none: each is written once.
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(QUEUE_STORE), keys, QueueState.serde())
                .withCachingEnabled());
        for (WindowSize size : WindowSize.values()) {
            AggregatorConfig.WindowSettings w = config.windows().get(size);
            builder.addStateStore(Stores.windowStoreBuilder(
                    Stores.persistentWindowStore(windowStore(size), w.retention(), size.length(), false),
                    keys, WindowAggregate.serde()).withCachingDisabled());
        }
        builder.addStateStore(Stores.windowStoreBuilder(
                Stores.persistentWindowStore(ALERT_HISTORY_STORE, config.alertHistoryRetention(), Duration.ofMillis(1), true),
                keys, StoreSerdes.queueAlert()));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(TENANT_PARTIALS_STORE), keys,
                TenantPartial.serde()));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(TENANT_STORE), keys,
                StoreSerdes.tenantSummary()));

        KStream<String, QueueStat> input = builder.stream(topics.queueStats(),
                Consumed.with(keys, queueStats).withTimestampExtractor(new ObservedAtTimestampExtractor()).withName("queue-stats"));
        String[] queueStores = new String[WindowSize.values().length + 2];
        queueStores[0] = QUEUE_STORE;
        queueStores[1] = ALERT_HISTORY_STORE;
        for (WindowSize size : WindowSize.values()) {
            queueStores[2 + size.ordinal()] = windowStore(size);
        }
        KStream<String, Object> outputs = input.process(() -> new QueueStatProcessor(config), Named.as("queue-aggregator"), queueStores);

        // Every output goes straight from the processor to its sink (a named child: see the route constants),
        // not through split + a cast per branch: three nodes per output record fewer.
        outputs.to(topics.queueSnapshots(), Produced.with(keys, untyped(snapshots)).withName(SNAPSHOT_ROUTE));
        for (WindowSize size : WindowSize.values()) {
            outputs.to(topics.queueWindowStats(size.label()), Produced.with(keys, untyped(windowStats)).withName(windowRoute(size)));
        }
        outputs.to(topics.alerts(), Produced.with(keys, untyped(alerts)).withName(ALERT_ROUTE));
        outputs.mapValues(v -> (TenantPartial) v, Named.as(TENANT_PARTIAL_ROUTE))
                .repartition(Repartitioned.with(keys, TenantPartial.serde()).withName(TENANT_REPARTITION))
                .process(TenantSummaryProcessor::new, Named.as("tenant-aggregator"), TENANT_PARTIALS_STORE, TENANT_STORE)
                .to(topics.tenantSummary(), Produced.with(keys, tenants).withName("tenant-summary"));
        return builder.build();
    }
}
