package io.switchboard.aggregate.internal;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

import io.switchboard.aggregate.AggregatorTopology;
import io.switchboard.events.aggregate.TenantSummary;

/**
 * The per-tenant part of the aggregator: keeps the latest {@link TenantPartial} of each queue task
 * (arriving over the repartition topic keyed by credential id, so all partials of a tenant meet in
 * one task) and writes the tenant's {@link TenantSummary}, their sum, whenever a partial changes.
 * Queue tasks send partials only for tenants that changed and at most once per
 * {@code tenantSummary.interval}, so this task's work does not grow with the record rate.
 */
public final class TenantSummaryProcessor implements Processor<String, TenantPartial, String, TenantSummary> {

    private static final StringSerializer KEYS = new StringSerializer();

    private ProcessorContext<String, TenantSummary> context;
    private KeyValueStore<String, TenantPartial> partials;
    private KeyValueStore<String, TenantSummary> summaries;

    @Override
    public void init(ProcessorContext<String, TenantSummary> context) {
        this.context = context;
        this.partials = context.getStateStore(AggregatorTopology.TENANT_PARTIALS_STORE);
        this.summaries = context.getStateStore(AggregatorTopology.TENANT_STORE);
    }

    @Override
    public void process(Record<String, TenantPartial> record) {
        TenantPartial p = record.value();
        if (p == null) {
            return;
        }
        partials.put(p.credentialId() + "|" + p.source(), p);
        List<TenantPartial> all = new ArrayList<>();
        try (KeyValueIterator<String, TenantPartial> it = partials.prefixScan(p.credentialId() + "|", KEYS)) {
            it.forEachRemaining(kv -> {
                if (kv.value != null && kv.value.credentialId().equals(p.credentialId())) {
                    all.add(kv.value);
                }
            });
        }
        TenantSummary summary = summarise(p.credentialId(), all);
        summaries.put(p.credentialId(), summary);
        context.forward(new Record<>(p.credentialId(), summary, record.timestamp()));
    }

    /** The sum of a tenant's partials. */
    public static TenantSummary summarise(String credentialId, List<TenantPartial> all) {
        long updatedAt = 0;
        int queues = 0;
        long waiting = 0;
        long interacting = 0;
        Long longest = null;
        long available = 0;
        long onQueue = 0;
        long num = 0;
        long den = 0;
        double pctSum = 0;
        int pctCount = 0;
        boolean fractions = true;
        int breach = 0;
        int stale = 0;
        String tenantId = null;
        String provider = null;
        TenantPartial.Worst worst = null;
        for (TenantPartial p : all) {
            updatedAt = Math.max(updatedAt, p.updatedAt());
            queues += p.queues();
            waiting += p.waiting();
            interacting += p.interacting();
            if (p.longestWaitingMs() != null) {
                longest = longest == null ? p.longestWaitingMs() : Long.valueOf(Math.max(longest, p.longestWaitingMs()));
            }
            available += p.agentsAvailable();
            onQueue += p.agentsOnQueue();
            num += p.serviceLevelNumerator();
            den += p.serviceLevelDenominator();
            pctSum += p.serviceLevelPercentSum();
            pctCount += p.serviceLevelCount();
            fractions &= p.serviceLevelFractions() || p.serviceLevelCount() == 0;
            breach += p.queuesInBreach();
            stale += p.staleQueues();
            tenantId = tenantId == null ? p.tenantId() : tenantId;
            provider = provider == null ? p.provider() : provider;
            if (p.worst() != null && (worst == null || p.worst().worseThan(worst))) {
                worst = p.worst();
            }
        }
        Double serviceLevel = null;
        if (pctCount > 0) {
            serviceLevel = fractions && den > 0 ? 100.0 * num / den : pctSum / pctCount;
        }
        return TenantSummary.newBuilder()
                .setCredentialId(credentialId).setTenantId(tenantId).setProvider(provider == null ? "" : provider)
                .setUpdatedAt(Instant.ofEpochMilli(updatedAt)).setQueues(queues)
                .setWaiting(waiting).setInteracting(interacting).setLongestWaitingMs(longest)
                .setAgentsAvailable(available).setAgentsOnQueue(onQueue).setQueuesInBreach(breach)
                .setServiceLevelPercent(serviceLevel)
                .setWorstQueueId(worst == null ? null : worst.queueId()).setWorstQueueName(worst == null ? null : worst.queueName())
                .setStaleQueues(stale)
                .build();
    }
}
