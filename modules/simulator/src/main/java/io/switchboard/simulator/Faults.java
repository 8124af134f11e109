package io.switchboard.simulator;

/**
 * Run-time fault switches of a running simulator ({@link VendorSimulator#faults()}); the same switches are
 * on the admin endpoint {@code /_admin/faults}. Thread-safe; changes apply to the next request.
 *
 * <p>A tenant is: the Genesys client's organization, the CXone tenant id, the Cognos namespace, the Auth0 or
 * generic client's {@code tenant}. A tenant-scoped spec replaces the vendor-wide spec for that tenant.
 */
public interface Faults {

    /** Applies {@code spec} to every request of {@code vendor} (replacing the previous vendor-wide spec). */
    void set(Vendor vendor, FaultSpec spec);

    /** Applies {@code spec} to the requests of one tenant of {@code vendor}. */
    void set(Vendor vendor, String tenant, FaultSpec spec);

    /** The vendor-wide spec ({@link FaultSpec#none()} when none). */
    FaultSpec get(Vendor vendor);

    /** Removes every spec of {@code vendor}, vendor-wide and per tenant. */
    void clear(Vendor vendor);

    /** Removes every fault of every vendor. Issued tokens stay valid. */
    void clearAll();

    /** Revokes every token the vendor issued so far (the next API call with one answers 401). Returns how many. */
    int revokeTokens(Vendor vendor);

    /** Revokes the tokens issued to one client (Genesys/Auth0/OAuth2 client id, CXone access key id, Cognos user). */
    int revokeTokens(Vendor vendor, String clientId);

    /** Revokes one access token (or ends one Cognos session by its key). Returns whether it existed. */
    boolean revokeToken(String accessToken);
}
