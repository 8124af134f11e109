package io.switchboard.aggregate.internal;

import java.io.IOException;

import org.apache.kafka.common.serialization.Serde;

/**
 * One queue's share of its tenant's summary, sent from the queue task to the tenant task over the
 * aggregator's repartition topic (key = credential id). Immutable.
 */
public record QueueContribution(String credentialId, String queueId, String queueName, String tenantId, String provider,
                                long updatedAt, Long waiting, Long interacting, Long longestWaitingMs, Long agentsOnQueue,
                                Long agentsAvailable, Long serviceLevelNumerator, Long serviceLevelDenominator,
                                Double serviceLevelPercent, boolean stale, int alertsFiring) {

    /** {@code credentialId/queueId}. */
    public String key() {
        return credentialId + "/" + queueId;
    }

    /** Serde of the repartition topic and the tenant store. */
    public static Serde<QueueContribution> serde() {
        return Codec.serde(1, QueueContribution::write, QueueContribution::read);
    }

    private static void write(QueueContribution c, Codec.Out out) throws IOException {
        out.string(c.credentialId);
        out.string(c.queueId);
        out.nullableString(c.queueName);
        out.nullableString(c.tenantId);
        out.nullableString(c.provider);
        out.writeLong(c.updatedAt);
        out.nullableLong(c.waiting);
        out.nullableLong(c.interacting);
        out.nullableLong(c.longestWaitingMs);
        out.nullableLong(c.agentsOnQueue);
        out.nullableLong(c.agentsAvailable);
        out.nullableLong(c.serviceLevelNumerator);
        out.nullableLong(c.serviceLevelDenominator);
        out.nullableDouble(c.serviceLevelPercent);
        out.writeBoolean(c.stale);
        out.writeInt(c.alertsFiring);
    }

    private static QueueContribution read(Codec.In in, int version) throws IOException {
        return new QueueContribution(in.string(), in.string(), in.nullableString(), in.nullableString(), in.nullableString(),
                in.readLong(), in.nullableLong(), in.nullableLong(), in.nullableLong(), in.nullableLong(), in.nullableLong(),
                in.nullableLong(), in.nullableLong(), in.nullableDouble(), in.readBoolean(), in.readInt());
    }
}
