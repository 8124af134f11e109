package io.switchboard.simulator;

import java.util.Locale;

/**
 * The vendors the simulator stands in for, each under its own path prefix of the one server.
 *
 * <p>{@link #prefix()} is the path, relative to {@link VendorSimulator#baseUrl()}, where the vendor's
 * "host" starts (for Genesys, the login host; the API host is {@code /genesys/api}).
 */
public enum Vendor {
    /** Genesys Cloud: login host {@code /genesys/login}, API host {@code /genesys/api}. */
    GENESYS("/genesys"),
    /** NICE CXone: auth host {@code /cxone}, API host of area A {@code /cxone/api-A}. */
    CXONE("/cxone"),
    /** IBM Cognos Analytics REST API and report data service: {@code /cognos}. */
    COGNOS("/cognos"),
    /** An Auth0 tenant (Open Cosmos DataCosmos shape) and the API it protects: {@code /auth0}. */
    AUTH0("/auth0"),
    /** A generic RFC 6749 / 6750 / 8414 authorization server and resource server: {@code /oauth2}. */
    OAUTH2("/oauth2");

    private final String prefix;

    Vendor(String prefix) {
        this.prefix = prefix;
    }

    /** Path prefix on the simulator, without a trailing slash. */
    public String prefix() {
        return prefix;
    }

    /** Lower-case name used in the admin API and YAML ({@code genesys}, {@code cxone}, ...). */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Parses an id as used in the admin API ({@code genesys}, case-insensitive).
     *
     * @throws IllegalArgumentException naming the valid ids when {@code id} is not one
     */
    public static Vendor fromId(String id) {
        for (Vendor v : values()) {
            if (v.id().equalsIgnoreCase(id)) {
                return v;
            }
        }
        throw new IllegalArgumentException("unknown vendor '" + id + "'; use one of genesys, cxone, cognos, auth0, oauth2");
    }
}
