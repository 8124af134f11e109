package io.switchboard.aggregate.internal;

import org.apache.kafka.common.serialization.Serde;

import io.switchboard.events.aggregate.QueueAlert;
import io.switchboard.events.aggregate.TenantSummary;

/** Serdes of the contract types the aggregator keeps in its own stores (plain Avro binary, no registry). */
public final class StoreSerdes {

    private StoreSerdes() {
    }

    /** Alert history store values. */
    public static Serde<QueueAlert> queueAlert() {
        return AvroBinary.serde(QueueAlert.class);
    }

    /** Tenant summary store values. */
    public static Serde<TenantSummary> tenantSummary() {
        return AvroBinary.serde(TenantSummary.class);
    }
}
