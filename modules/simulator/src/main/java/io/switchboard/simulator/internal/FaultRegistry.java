package io.switchboard.simulator.internal;

import io.switchboard.simulator.FaultSpec;
import io.switchboard.simulator.Faults;
import io.switchboard.simulator.Vendor;

import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** Run-time faults; cheap to consult when none is set (one volatile read). Thread-safe. */
public final class FaultRegistry implements Faults {

    /** A spec plus the remaining 429 burst. */
    static final class Active {
        final FaultSpec spec;
        final AtomicInteger burstLeft;

        Active(FaultSpec spec) {
            this.spec = spec;
            this.burstLeft = new AtomicInteger(spec.tooManyRequests());
        }
    }

    private final Map<Vendor, Active> vendorWide = new ConcurrentHashMap<>();
    private final Map<String, Active> perTenant = new ConcurrentHashMap<>();
    private final TokenStore tokens;
    private volatile boolean any;
    private volatile boolean anyTenant;

    FaultRegistry(TokenStore tokens) {
        this.tokens = tokens;
    }

    boolean any() {
        return any;
    }

    boolean anyTenantScoped() {
        return anyTenant;
    }

    /** The spec that applies, tenant-scoped first; null when none. */
    Active lookup(Vendor vendor, String tenant) {
        if (!any || vendor == null) {
            return null;
        }
        if (tenant != null && anyTenant) {
            Active a = perTenant.get(vendor.id() + '\u0000' + tenant);
            if (a != null) {
                return a;
            }
        }
        return vendorWide.get(vendor);
    }

    private void recompute() {
        anyTenant = !perTenant.isEmpty();
        any = anyTenant || !vendorWide.isEmpty();
    }

    @Override
    public synchronized void set(Vendor vendor, FaultSpec spec) {
        if (spec == null || spec.isNone()) {
            vendorWide.remove(vendor);
        } else {
            vendorWide.put(vendor, new Active(spec));
        }
        recompute();
    }

    @Override
    public synchronized void set(Vendor vendor, String tenant, FaultSpec spec) {
        if (tenant == null) {
            set(vendor, spec);
            return;
        }
        String key = vendor.id() + '\u0000' + tenant;
        if (spec == null || spec.isNone()) {
            perTenant.remove(key);
        } else {
            perTenant.put(key, new Active(spec));
        }
        recompute();
    }

    @Override
    public FaultSpec get(Vendor vendor) {
        Active a = vendorWide.get(vendor);
        return a == null ? FaultSpec.none() : a.spec;
    }

    /** Every active spec, keyed {@code vendor} or {@code vendor/tenant}. */
    Map<String, FaultSpec> snapshot() {
        Map<String, FaultSpec> out = new LinkedHashMap<>();
        Map<Vendor, Active> sorted = new EnumMap<>(Vendor.class);
        sorted.putAll(vendorWide);
        sorted.forEach((v, a) -> out.put(v.id(), a.spec));
        perTenant.forEach((k, a) -> out.put(k.replace('\u0000', '/'), a.spec));
        return out;
    }

    @Override
    public synchronized void clear(Vendor vendor) {
        vendorWide.remove(vendor);
        perTenant.keySet().removeIf(k -> k.startsWith(vendor.id() + '\u0000'));
        recompute();
    }

    @Override
    public synchronized void clearAll() {
        vendorWide.clear();
        perTenant.clear();
        recompute();
    }

    @Override
    public int revokeTokens(Vendor vendor) {
        return tokens.revoke(vendor, null);
    }

    @Override
    public int revokeTokens(Vendor vendor, String clientId) {
        return tokens.revoke(vendor, clientId);
    }

    @Override
    public boolean revokeToken(String accessToken) {
        return tokens.revoke(accessToken);
    }
}
