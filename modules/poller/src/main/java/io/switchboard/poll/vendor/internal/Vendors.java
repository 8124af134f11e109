package io.switchboard.poll.vendor.internal;

/** Provider profile ids (as on tokens) and how messages name the vendor behind them. */
public final class Vendors {

    public static final String GENESYS = "genesys-cloud";
    public static final String CXONE = "nice-cxone";
    public static final String COGNOS = "cognos-analytics";
    public static final String AUTH0 = "auth0";
    public static final String OAUTH2 = "oauth2";

    private Vendors() {
    }

    /** "Genesys", "NICE CXone", …: the subject of sentences about the vendor's answers. */
    public static String displayName(String provider) {
        if (provider == null) {
            return "The vendor";
        }
        switch (provider) {
            case GENESYS:
                return "Genesys";
            case CXONE:
                return "NICE CXone";
            case COGNOS:
                return "IBM Cognos";
            case AUTH0:
                return "The Auth0-protected API";
            case OAUTH2:
                return "The OAuth2-protected API";
            default:
                return "The " + provider + " API";
        }
    }
}
