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

    /**
     * A record with the shared fields set and an empty metrics map, built without the Avro builder's per-field
     * validation and default copies: the caller sets the rest (every other field of QueueStat defaults to null).
     */
    public QueueStat record(String queueId) {
        QueueStat r = new QueueStat();
        r.setCredentialId(credentialId);
        r.setTenantId(tenantId);
        r.setProvider(provider);
        r.setJobId(jobId);
        r.setPollSequence(pollSequence);
        r.setQueueId(queueId);
        r.setPolledAt(polledAt);
        r.setObservedAt(observedAt);
        r.setExtraMetrics(new HashMap<>());
        return r;
    }
}
