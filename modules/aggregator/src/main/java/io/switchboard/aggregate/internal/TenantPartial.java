package io.switchboard.aggregate.internal;

import java.io.IOException;
import java.util.List;

import org.apache.kafka.common.serialization.Serde;

/**
 * One stream task's share of a tenant's summary: the roll-up of the tenant's queues that live in
 * that task's partition. Queue tasks send it (key = credential id) over the aggregator's repartition
 * topic on the {@code tenantSummary.interval}, only for tenants that changed; the tenant task keeps
 * the latest partial per source task and adds them up. Immutable.
 *
 * @param source task id of the queue task that computed it (one partial per source)
 */
public record TenantPartial(String credentialId, String source, String tenantId, String provider, long updatedAt, int queues,
                            long waiting, long interacting, Long longestWaitingMs, long agentsAvailable, long agentsOnQueue,
                            long serviceLevelNumerator, long serviceLevelDenominator, double serviceLevelPercentSum,
                            int serviceLevelCount, boolean serviceLevelFractions, int queuesInBreach, int staleQueues,
                            Worst worst) {

    /** The partition's worst queue, for comparing across partials. */
    public record Worst(String queueId, String queueName, int alertsFiring, long longestWaitingMs, long waiting) {

        /** More firing alerts, then longer wait, then more waiting, then the smaller id (stable). */
        boolean worseThan(Worst b) {
            if (alertsFiring != b.alertsFiring) {
                return alertsFiring > b.alertsFiring;
            }
            if (longestWaitingMs != b.longestWaitingMs) {
                return longestWaitingMs > b.longestWaitingMs;
            }
            if (waiting != b.waiting) {
                return waiting > b.waiting;
            }
            return queueId.compareTo(b.queueId) < 0;
        }
    }

    /** The partial of some queues (of one tenant, in one task). */
    static TenantPartial of(String credentialId, String source, List<QueueState> states, long staleAfterMs) {
        String tenantId = null;
        String provider = null;
        long updatedAt = 0;
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
        Worst worst = null;
        for (QueueState s : states) {
            QueueState.Totals t = s.totals(staleAfterMs);
            tenantId = tenantId == null ? s.tenantId : tenantId;
            provider = provider == null ? s.provider : provider;
            updatedAt = Math.max(updatedAt, s.updatedAt);
            waiting += t.waiting == null ? 0 : t.waiting;
            interacting += t.interacting == null ? 0 : t.interacting;
            if (t.longestWaitingMs != null) {
                longest = longest == null ? t.longestWaitingMs : Long.valueOf(Math.max(longest, t.longestWaitingMs));
            }
            available += t.agentsAvailable == null ? 0 : t.agentsAvailable;
            onQueue += t.agentsOnQueue == null ? 0 : t.agentsOnQueue;
            if (t.serviceLevelPercent != null) {
                if (t.serviceLevelDenominator != null && t.serviceLevelNumerator != null) {
                    num += t.serviceLevelNumerator;
                    den += t.serviceLevelDenominator;
                } else {
                    fractions = false;
                }
                pctSum += t.serviceLevelPercent;
                pctCount++;
            }
            if (!s.firing.isEmpty()) {
                breach++;
            }
            if (s.stale) {
                stale++;
            }
            Worst w = new Worst(s.queueId, s.queueName, s.firing.size(), t.longestWaitingMs == null ? -1 : t.longestWaitingMs,
                    t.waiting == null ? -1 : t.waiting);
            if (worst == null || w.worseThan(worst)) {
                worst = w;
            }
        }
        return new TenantPartial(credentialId, source, tenantId, provider, updatedAt, states.size(), waiting, interacting, longest,
                available, onQueue, num, den, pctSum, pctCount, fractions, breach, stale, worst);
    }

    /** Serde of the repartition topic and the tenant task's store. */
    public static Serde<TenantPartial> serde() {
        return Codec.serde(1, TenantPartial::write, TenantPartial::read);
    }

    private static void write(TenantPartial p, Codec.Out out) throws IOException {
        out.string(p.credentialId);
        out.string(p.source);
        out.nullableString(p.tenantId);
        out.nullableString(p.provider);
        out.writeLong(p.updatedAt);
        out.writeInt(p.queues);
        out.writeLong(p.waiting);
        out.writeLong(p.interacting);
        out.nullableLong(p.longestWaitingMs);
        out.writeLong(p.agentsAvailable);
        out.writeLong(p.agentsOnQueue);
        out.writeLong(p.serviceLevelNumerator);
        out.writeLong(p.serviceLevelDenominator);
        out.writeDouble(p.serviceLevelPercentSum);
        out.writeInt(p.serviceLevelCount);
        out.writeBoolean(p.serviceLevelFractions);
        out.writeInt(p.queuesInBreach);
        out.writeInt(p.staleQueues);
        out.writeBoolean(p.worst != null);
        if (p.worst != null) {
            out.string(p.worst.queueId());
            out.nullableString(p.worst.queueName());
            out.writeInt(p.worst.alertsFiring());
            out.writeLong(p.worst.longestWaitingMs());
            out.writeLong(p.worst.waiting());
        }
    }

    private static TenantPartial read(Codec.In in, int version) throws IOException {
        String credentialId = in.string();
        String source = in.string();
        String tenantId = in.nullableString();
        String provider = in.nullableString();
        long updatedAt = in.readLong();
        int queues = in.readInt();
        long waiting = in.readLong();
        long interacting = in.readLong();
        Long longest = in.nullableLong();
        long available = in.readLong();
        long onQueue = in.readLong();
        long num = in.readLong();
        long den = in.readLong();
        double pctSum = in.readDouble();
        int pctCount = in.readInt();
        boolean fractions = in.readBoolean();
        int breach = in.readInt();
        int stale = in.readInt();
        Worst worst = in.readBoolean() ? new Worst(in.string(), in.nullableString(), in.readInt(), in.readLong(), in.readLong()) : null;
        return new TenantPartial(credentialId, source, tenantId, provider, updatedAt, queues, waiting, interacting, longest, available,
                onQueue, num, den, pctSum, pctCount, fractions, breach, stale, worst);
    }
}
