package io.switchboard.simulator.internal;

import io.switchboard.simulator.FaultSpec;
import io.switchboard.simulator.Faults;
import io.switchboard.simulator.Vendor;

import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/** Run-time faults; cheap to consult when none is set (one volatile read). Thread-safe. */
public final class FaultRegistry implements Faults {

    /** Salts that keep the decisions of different fault kinds independent for the same request. */
    static final int RESET = 1;
    static final int SERVER_ERROR = 2;
    static final int MALFORMED = 3;
    static final int TRUNCATED = 4;
    static final int NON_JSON = 5;

    /**
     * A spec plus the remaining 429 burst and the count of requests it has seen. Random decisions are a pure
     * function of (seed, n-th request under this spec, fault kind): the same seed and the same request order give
     * the same faults, whatever thread serves each request.
     */
    static final class Active {
        final FaultSpec spec;
        final AtomicInteger burstLeft;
        private final AtomicLong requests = new AtomicLong();
        private final long seed;

        Active(FaultSpec spec, long seed) {
            this.spec = spec;
            this.burstLeft = new AtomicInteger(spec.tooManyRequests());
            this.seed = seed;
        }

        /** Numbers the requests this spec applies to: 0, 1, 2, ... */
        long nextRequest() {
            return requests.getAndIncrement();
        }

        /** Whether the fault of kind {@code salt} with probability {@code rate} hits request {@code n}. */
        boolean hits(double rate, long n, int salt) {
            if (rate <= 0) {
                return false;
            }
            if (rate >= 1) {
                return true;
            }
            long z = seed ^ (n * 0x9E3779B97F4A7C15L) ^ (salt * 0xD1B54A32D192ED03L);
            z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
            z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
            z = z ^ (z >>> 31);
            return (z >>> 11) * 0x1.0p-53 < rate;
        }
    }

    private final Map<Vendor, Active> vendorWide = new ConcurrentHashMap<>();
    private final Map<String, Active> perTenant = new ConcurrentHashMap<>();
    private final TokenStore tokens;
    private final long seed;
    private volatile boolean any;
    private volatile boolean anyTenant;

    FaultRegistry(TokenStore tokens, long seed) {
        this.tokens = tokens;
        this.seed = seed;
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
            vendorWide.put(vendor, new Active(spec, seed));
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
            perTenant.put(key, new Active(spec, seed));
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
