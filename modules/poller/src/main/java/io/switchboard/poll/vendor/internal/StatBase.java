package io.switchboard.poll.vendor.internal;

import java.time.Instant;
import java.util.HashMap;

import io.switchboard.events.poll.QueueStat;

/**
 * What every record of one answer shares: credential, tenant, provider, job, poll sequence, poll time and the vendor's
 * time of the numbers. Mappers start each record from {@link #builder}. Immutable.
 *
 * @param observedAt the vendor's time of the answer (its {@code Date} header), or the poll time when it sent none
 */
public record StatBase(String credentialId, String tenantId, String provider, String jobId, long pollSequence,
                       Instant polledAt, Instant observedAt) {

    /** A builder with the shared fields set and an empty metrics map. */
    public QueueStat.Builder builder(String queueId) {
        return QueueStat.newBuilder()
                .setCredentialId(credentialId)
                .setTenantId(tenantId)
                .setProvider(provider)
                .setJobId(jobId)
                .setPollSequence(pollSequence)
                .setQueueId(queueId)
                .setPolledAt(polledAt)
                .setObservedAt(observedAt)
                .setExtraMetrics(new HashMap<>());
    }
}
