package io.switchboard.aggregate.internal;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

import io.switchboard.aggregate.AggregatorConfig;
import io.switchboard.aggregate.AggregatorTopology;
import io.switchboard.events.aggregate.TenantSummary;

/**
 * The per-tenant part of the aggregator: keeps each queue's latest {@link QueueContribution}
 * (arriving over the repartition topic keyed by credential id, so all queues of a tenant meet in one
 * task), marks the tenant changed, and every {@code tenantSummary.interval} of wall-clock time
 * writes one {@link TenantSummary} per changed tenant, computed over its queues. Writing on a
 * schedule bounds the work to one pass over a tenant's queues per interval however many records
 * arrive; the set of changed tenants is itself a store, so a crash between a change and its
 * summary loses nothing.
 */
public final class TenantSummaryProcessor implements Processor<String, QueueContribution, String, TenantSummary> {

    private static final StringSerializer KEYS = new StringSerializer();

    private final AggregatorConfig config;
    private ProcessorContext<String, TenantSummary> context;
    private KeyValueStore<String, QueueContribution> queues;
    private KeyValueStore<String, TenantSummary> summaries;
    private KeyValueStore<String, Long> dirty;

    public TenantSummaryProcessor(AggregatorConfig config) {
        this.config = config;
    }

    @Override
    public void init(ProcessorContext<String, TenantSummary> context) {
        this.context = context;
        this.queues = context.getStateStore(AggregatorTopology.TENANT_QUEUES_STORE);
        this.summaries = context.getStateStore(AggregatorTopology.TENANT_STORE);
        this.dirty = context.getStateStore(AggregatorTopology.TENANT_DIRTY_STORE);
        context.schedule(config.tenantSummaryInterval(), PunctuationType.WALL_CLOCK_TIME, this::writeSummaries);
    }

    @Override
    public void process(Record<String, QueueContribution> record) {
        QueueContribution c = record.value();
        if (c == null) {
            return;
        }
        queues.put(c.key(), c);
        dirty.put(c.credentialId(), record.timestamp());
    }

    private void writeSummaries(long timestamp) {
        List<String> tenants = new ArrayList<>();
        try (KeyValueIterator<String, Long> it = dirty.all()) {
            while (it.hasNext()) {
                tenants.add(it.next().key);
            }
        }
        for (String tenant : tenants) {
            TenantSummary summary = summarise(tenant);
            dirty.delete(tenant);
            if (summary == null) {
                continue;
            }
            summaries.put(tenant, summary);
            context.forward(new Record<>(tenant, summary, timestamp));
        }
    }

    private TenantSummary summarise(String credentialId) {
        List<QueueContribution> all = new ArrayList<>();
        try (KeyValueIterator<String, QueueContribution> it = queues.prefixScan(credentialId + "/", KEYS)) {
            while (it.hasNext()) {
                KeyValue<String, QueueContribution> kv = it.next();
                if (kv.value != null && kv.value.credentialId().equals(credentialId)) {
                    all.add(kv.value);
                }
            }
        }
        if (all.isEmpty()) {
            return null;
        }
        return summarise(credentialId, all);
    }

    /** The summary of one tenant's queues; public for the query API's tests. */
    public static TenantSummary summarise(String credentialId, List<QueueContribution> all) {
        long updatedAt = 0;
        long waiting = 0;
        long interacting = 0;
        Long longest = null;
        long available = 0;
        long onQueue = 0;
        int breach = 0;
        int stale = 0;
        long slNum = 0;
        long slDen = 0;
        boolean slFractions = true;
        double slPctSum = 0;
        int slCount = 0;
        String tenantId = null;
        String provider = null;
        QueueContribution worst = null;
        for (QueueContribution c : all) {
            updatedAt = Math.max(updatedAt, c.updatedAt());
            waiting += c.waiting() == null ? 0 : c.waiting();
            interacting += c.interacting() == null ? 0 : c.interacting();
            if (c.longestWaitingMs() != null) {
                longest = longest == null ? c.longestWaitingMs() : Math.max(longest, c.longestWaitingMs());
            }
            available += c.agentsAvailable() == null ? 0 : c.agentsAvailable();
            onQueue += c.agentsOnQueue() == null ? 0 : c.agentsOnQueue();
            if (c.alertsFiring() > 0) {
                breach++;
            }
            if (c.stale()) {
                stale++;
            }
            if (c.serviceLevelPercent() != null) {
                if (c.serviceLevelDenominator() != null && c.serviceLevelNumerator() != null) {
                    slNum += c.serviceLevelNumerator();
                    slDen += c.serviceLevelDenominator();
                } else {
                    slFractions = false;
                }
                slPctSum += c.serviceLevelPercent();
                slCount++;
            }
            if (tenantId == null) {
                tenantId = c.tenantId();
            }
            if (provider == null) {
                provider = c.provider();
            }
            if (worst == null || worse(c, worst)) {
                worst = c;
            }
        }
        Double serviceLevel = slCount == 0 ? null : slFractions && slDen > 0 ? 100.0 * slNum / slDen : slPctSum / slCount;
        return TenantSummary.newBuilder()
                .setCredentialId(credentialId).setTenantId(tenantId).setProvider(provider == null ? "" : provider)
                .setUpdatedAt(Instant.ofEpochMilli(updatedAt)).setQueues(all.size())
                .setWaiting(waiting).setInteracting(interacting).setLongestWaitingMs(longest)
                .setAgentsAvailable(available).setAgentsOnQueue(onQueue).setQueuesInBreach(breach)
                .setServiceLevelPercent(serviceLevel)
                .setWorstQueueId(worst.queueId()).setWorstQueueName(worst.queueName())
                .setStaleQueues(stale)
                .build();
    }

    /** More firing alerts, then longer wait, then more waiting, then the smaller id (stable). */
    private static boolean worse(QueueContribution a, QueueContribution b) {
        if (a.alertsFiring() != b.alertsFiring()) {
            return a.alertsFiring() > b.alertsFiring();
        }
        long la = a.longestWaitingMs() == null ? -1 : a.longestWaitingMs();
        long lb = b.longestWaitingMs() == null ? -1 : b.longestWaitingMs();
        if (la != lb) {
            return la > lb;
        }
        long wa = a.waiting() == null ? -1 : a.waiting();
        long wb = b.waiting() == null ? -1 : b.waiting();
        if (wa != wb) {
            return wa > wb;
        }
        return a.queueId().compareTo(b.queueId()) < 0;
    }
}
