package io.switchboard.token.login;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.switchboard.core.ConfigProblems;
import io.switchboard.core.Secret;
import io.switchboard.core.SecretReferences;
import io.switchboard.core.config.Checks;
import io.switchboard.core.config.ConfigKey;
import io.switchboard.core.config.ConfigSection;
import io.switchboard.core.config.ConfigSource;
import io.switchboard.core.config.ConfigType;
import io.switchboard.core.config.SharedKeys;
import io.switchboard.token.login.CredentialSpec.BasicEncoding;
import io.switchboard.token.login.CredentialSpec.ClientAuth;

/**
 * Parses and validates the {@code credentials:} list of the configuration file into
 * {@link CredentialSpec}s, applying each provider profile's defaults. Every key of a credential is
 * declared once below ({@link #keys()}); which keys each provider takes is {@link #keysOf(String)}.
 *
 * <p>Every problem is recorded, none stops the parse: unknown provider or key, missing or inline
 * secret, unreadable secret reference, bad URL, unknown Genesys region, bad duration, duplicate id…
 * Secret values never appear in a problem (inline secrets show as {@code ****}). A credential's keys
 * are overridden by environment variables named after its id
 * ({@code SWITCHBOARD_CREDENTIALS_GENESYS_EU_CLIENT_SECRET}); its {@code poll:} sub-section belongs to
 * the pollers and is not read here. Stateless. The keys and defaults are documented in
 * docs/token-manager-logins.md and docs/configuration.md.
 */
public final class CredentialsConfig {

    /** Genesys Cloud regions (API host domains) known at the time of writing, VENDORS.md. */
    public static final List<String> GENESYS_REGIONS = List.of(
            "mypurecloud.com", "mypurecloud.ie", "mypurecloud.com.au", "mypurecloud.jp", "mypurecloud.de",
            "usw2.pure.cloud", "cac1.pure.cloud", "apne2.pure.cloud", "euw2.pure.cloud", "aps1.pure.cloud",
            "sae1.pure.cloud", "mec1.pure.cloud", "apne3.pure.cloud", "euc2.pure.cloud", "mxc1.pure.cloud",
            "apse1.pure.cloud", "use2.us-gov-pure.cloud");

    /** Default CXone authentication host. */
    public static final String CXONE_AUTH_BASE_URL = "https://cxone.niceincontact.com";
    /** Default CXone API host template. */
    public static final String CXONE_API_HOST_TEMPLATE = "https://api-{area}.niceincontact.com";
    /** Default CXone API version. */
    public static final String CXONE_API_VERSION = "v31.0";

    /** How a client authenticates: the YAML words, RFC 8414 names included. */
    private static final ConfigType<ClientAuth> CLIENT_AUTH = ConfigType.scalar("basic | body | json", s ->
            switch (s.toLowerCase(Locale.ROOT)) {
                case "basic", "client_secret_basic" -> ClientAuth.BASIC;
                case "body", "post", "form", "client_secret_post" -> ClientAuth.BODY;
                case "json" -> ClientAuth.JSON;
                default -> throw new IllegalArgumentException("must be basic (client_secret_basic), body (client_secret_post) or json");
            });

    private static final ConfigType<BasicEncoding> BASIC_ENCODING = ConfigType.scalar("raw | form-urlencoded", s ->
            switch (s.toLowerCase(Locale.ROOT)) {
                case "raw" -> BasicEncoding.RAW;
                case "form-urlencoded", "form_urlencoded", "urlencoded", "rfc6749" -> BasicEncoding.FORM_URLENCODED;
                default -> throw new IllegalArgumentException("must be raw (Genesys, CXone) or form-urlencoded (RFC 6749 §2.3.1)");
            });

    // ---- every key of a credential, declared once (providers in brackets) ----

    /** Credential id: the key on the tokens topic and in environment variable names. */
    public static final ConfigKey<String> ID = ConfigKey.string("credentials[].id").fileOnly().required()
            .check(Checks.matches("[A-Za-z0-9._-]{1,200}", "may only contain letters, digits, '.', '_' and '-'"))
            .doc("Credential id (letters, digits, '.', '_', '-'): the key on <prefix>.tokens and the <ID> of this credential's"
                    + " environment variables. Unique.");
    /** Provider profile. */
    public static final ConfigKey<String> PROVIDER = ConfigKey.string("credentials[].provider").fileOnly().required()
            .check(p -> CredentialSpec.PROVIDERS.contains(p) ? null
                    : "is not a known provider" + ConfigSection.didYouMean(p, CredentialSpec.PROVIDERS) + "; use one of "
                    + String.join(", ", CredentialSpec.PROVIDERS))
            .doc("Provider profile: " + String.join(", ", CredentialSpec.PROVIDERS) + ". Decides the other keys and their defaults.");
    public static final ConfigKey<String> DESCRIPTION = ConfigKey.string("credentials[].description")
            .doc("[all] Free text for people; not used.");
    public static final ConfigKey<Duration> DEFAULT_LIFETIME = ConfigKey.duration("credentials[].defaultLifetime")
            .computedDefault("1h (Cognos: idleTimeout)").check(Checks.positive())
            .doc("[all] Token lifetime assumed when the vendor does not send expires_in.");
    public static final ConfigKey<String> CLIENT_ID = ConfigKey.string("credentials[].clientId")
            .doc("[all but cognos-analytics] OAuth client id. Required.");
    public static final ConfigKey<Secret> CLIENT_SECRET = ConfigKey.secret("credentials[].clientSecret")
            .doc("[all but cognos-analytics] OAuth client secret. Required.");
    public static final ConfigKey<String> TOKEN_URL = ConfigKey.url("credentials[].tokenUrl")
            .doc("[all but cognos-analytics] Token endpoint; by default worked out from region / authBaseUrl / domain. For oauth2 give"
                    + " tokenUrl or issuer.");
    public static final ConfigKey<String> API_BASE_URL = ConfigKey.url("credentials[].apiBaseUrl")
            .doc("[all] Base URL of the vendor API (Genesys: https://api.<region>; Cognos: baseUrl; CXone: discovered at login).");
    public static final ConfigKey<ClientAuth> CLIENT_AUTHENTICATION = ConfigKey.of("credentials[].clientAuth", CLIENT_AUTH)
            .computedDefault("profile's (json for auth0, else basic)")
            .doc("[all but cognos-analytics] How the client authenticates: basic (client_secret_basic), body (client_secret_post) or"
                    + " json.");
    public static final ConfigKey<BasicEncoding> BASIC_ENCODING_KEY = ConfigKey.of("credentials[].basicEncoding", BASIC_ENCODING)
            .computedDefault("raw for genesys-cloud and nice-cxone, else form-urlencoded")
            .doc("[all but cognos-analytics] Whether id and secret are form-urlencoded before Base64 in the Basic header.");
    public static final ConfigKey<List<String>> SCOPES = ConfigKey.stringList("credentials[].scopes").defaultValue(List.of())
            .doc("[all but cognos-analytics] Scopes to request: a list, or one space-separated text.");
    public static final ConfigKey<Map<String, String>> EXTRA_PARAMS = ConfigKey.stringMap("credentials[].extraParams")
            .defaultValue(Map.of())
            .doc("[all but cognos-analytics] Extra token request parameters, sent as given, e.g. {resource: https://api.example.com}.");
    public static final ConfigKey<String> AUDIENCE = ConfigKey.string("credentials[].audience")
            .doc("[all but cognos-analytics] The audience parameter; required by auth0 (the API identifier).");
    public static final ConfigKey<Boolean> USE_REFRESH_TOKEN = ConfigKey.bool("credentials[].useRefreshToken").defaultValue(true)
            .doc("[all but cognos-analytics] Use a refresh token the server issued instead of a full login.");
    public static final ConfigKey<String> REGION = ConfigKey.string("credentials[].region")
            .doc("[genesys-cloud] Region (API host domain), e.g. mypurecloud.ie. Required unless tokenUrl or loginBaseUrl is set.");
    public static final ConfigKey<String> LOGIN_BASE_URL = ConfigKey.url("credentials[].loginBaseUrl")
            .doc("[genesys-cloud] Login host instead of https://login.<region>.");
    public static final ConfigKey<String> ACCESS_KEY_ID = ConfigKey.string("credentials[].accessKeyId")
            .doc("[nice-cxone] Access key id (password grant user). Required.");
    public static final ConfigKey<Secret> ACCESS_KEY_SECRET = ConfigKey.secret("credentials[].accessKeySecret")
            .doc("[nice-cxone] Access key secret (password grant password). Required.");
    public static final ConfigKey<String> AUTH_BASE_URL = ConfigKey.url("credentials[].authBaseUrl").defaultValue(CXONE_AUTH_BASE_URL)
            .doc("[nice-cxone] Authentication host; the token URL and the discovery document are under it.");
    public static final ConfigKey<String> API_HOST_TEMPLATE = ConfigKey.string("credentials[].apiHostTemplate")
            .defaultValue(CXONE_API_HOST_TEMPLATE)
            .check(t -> t.contains("{area}") && validUrl(t.replace("{area}", "area")) ? null
                    : "must be an http(s) URL containing {area}, e.g. " + CXONE_API_HOST_TEMPLATE)
            .doc("[nice-cxone] API base URL template; {area} is the tenant's area from discovery.");
    public static final ConfigKey<String> API_VERSION = ConfigKey.string("credentials[].apiVersion").defaultValue(CXONE_API_VERSION)
            .check(Checks.matches("v\\d+(\\.\\d+)?", "must look like v31.0"))
            .doc("[nice-cxone] Reporting API version.");
    public static final ConfigKey<String> BASE_URL = ConfigKey.url("credentials[].baseUrl")
            .doc("[cognos-analytics] Cognos base URL, e.g. https://cognos.example.com/ibmcognos. Required.");
    public static final ConfigKey<String> NAMESPACE = ConfigKey.string("credentials[].namespace")
            .doc("[cognos-analytics] CAMNamespace id, e.g. LDAP. Required with username/password.");
    public static final ConfigKey<String> USERNAME = ConfigKey.string("credentials[].username")
            .doc("[cognos-analytics, oauth2 with grantType password] User name.");
    public static final ConfigKey<Secret> PASSWORD = ConfigKey.secret("credentials[].password")
            .doc("[cognos-analytics, oauth2 with grantType password] Password.");
    public static final ConfigKey<Secret> API_KEY = ConfigKey.secret("credentials[].apiKey")
            .doc("[cognos-analytics] CAMAPILoginKey (Cognos 11.2.4+), instead of username/password.");
    public static final ConfigKey<Duration> IDLE_TIMEOUT = ConfigKey.duration("credentials[].idleTimeout")
            .defaultValue(Duration.ofMinutes(60)).check(Checks.positive())
            .doc("[cognos-analytics] Session idle timeout; a session is renewed before it.");
    public static final ConfigKey<String> SESSION_URL = ConfigKey.url("credentials[].sessionUrl")
            .doc("[cognos-analytics] Session endpoint instead of <baseUrl>/api/v1/session.");
    public static final ConfigKey<String> DOMAIN = ConfigKey.string("credentials[].domain")
            .doc("[auth0] Tenant domain, e.g. login.open-cosmos.com (no scheme). Required unless tokenUrl is set.");
    public static final ConfigKey<String> ISSUER = ConfigKey.url("credentials[].issuer")
            .doc("[oauth2] Issuer URL for RFC 8414 / OpenID discovery of the token endpoint, instead of tokenUrl.");
    public static final ConfigKey<String> GRANT_TYPE = ConfigKey.of("credentials[].grantType",
                    ConfigType.oneOf("client_credentials", "password")).defaultValue("client_credentials")
            .doc("[oauth2] client_credentials or password (then username and password are required).");

    /** PEM CA bundle trusted for the vendor's hosts (shared with the pollers, who fall back to it). */
    public static final ConfigKey<Path> CA_BUNDLE = SharedKeys.CREDENTIAL_CA_BUNDLE;

    private static final List<ConfigKey<?>> COMMON_KEYS = List.of(ID, PROVIDER, DESCRIPTION, DEFAULT_LIFETIME, CA_BUNDLE);
    private static final List<ConfigKey<?>> OAUTH_KEYS = List.of(CLIENT_ID, CLIENT_SECRET, TOKEN_URL, API_BASE_URL,
            CLIENT_AUTHENTICATION, BASIC_ENCODING_KEY, SCOPES, EXTRA_PARAMS, AUDIENCE, USE_REFRESH_TOKEN);
    private static final Map<String, List<ConfigKey<?>>> PROVIDER_KEYS = Map.of(
            CredentialSpec.GENESYS_CLOUD, List.of(REGION, LOGIN_BASE_URL),
            CredentialSpec.NICE_CXONE, List.of(ACCESS_KEY_ID, ACCESS_KEY_SECRET, AUTH_BASE_URL, API_HOST_TEMPLATE, API_VERSION),
            CredentialSpec.COGNOS_ANALYTICS, List.of(BASE_URL, NAMESPACE, USERNAME, PASSWORD, API_KEY, IDLE_TIMEOUT, SESSION_URL,
                    API_BASE_URL),
            CredentialSpec.AUTH0, List.of(DOMAIN),
            CredentialSpec.OAUTH2, List.of(ISSUER, GRANT_TYPE, USERNAME, PASSWORD));

    /** Sub-sections of a credential read by other roles: {@code poll:} is the pollers'. */
    public static final List<String> FOREIGN_SUBSECTIONS = List.of("poll");

    private static final List<ConfigKey<?>> ALL_KEYS = List.of(ID, PROVIDER, DESCRIPTION, DEFAULT_LIFETIME, CA_BUNDLE, CLIENT_ID, CLIENT_SECRET,
            TOKEN_URL, API_BASE_URL, CLIENT_AUTHENTICATION, BASIC_ENCODING_KEY, SCOPES, EXTRA_PARAMS, AUDIENCE, USE_REFRESH_TOKEN,
            REGION, LOGIN_BASE_URL, ACCESS_KEY_ID, ACCESS_KEY_SECRET, AUTH_BASE_URL, API_HOST_TEMPLATE, API_VERSION, BASE_URL,
            NAMESPACE, USERNAME, PASSWORD, API_KEY, IDLE_TIMEOUT, SESSION_URL, DOMAIN, ISSUER, GRANT_TYPE);

    private static final Set<String> PROFILE_PARAMS = Set.of("grant_type", "client_id", "client_secret", "scope", "audience",
            "refresh_token", "password");

    private CredentialsConfig() {
    }

    /** Every key of a credential, for the configuration reference; each doc names its providers in brackets. */
    public static List<ConfigKey<?>> keys() {
        return ALL_KEYS;
    }

    /** The keys a provider takes (common keys included). */
    public static List<ConfigKey<?>> keysOf(String provider) {
        List<ConfigKey<?>> keys = new ArrayList<>(COMMON_KEYS);
        if (!provider.equals(CredentialSpec.COGNOS_ANALYTICS)) {
            keys.addAll(OAUTH_KEYS);
        }
        keys.addAll(PROVIDER_KEYS.getOrDefault(provider, List.of()));
        return List.copyOf(new LinkedHashSet<>(keys));
    }

    /**
     * Parses and validates the {@code credentials:} list of a configuration.
     *
     * @param root the whole file ({@link ConfigSource#root}); problems go to its collector
     *             (keys like {@code credentials[2].clientSecret})
     * @return the specs of the entries that have no problem, in file order
     */
    public static List<CredentialSpec> parse(ConfigSection root) {
        ConfigProblems problems = root.problems();
        List<CredentialSpec> specs = new ArrayList<>();
        if (!root.has("credentials")) {
            problems.add("credentials", null, "is required: list at least one credential (id, provider, …)");
            return specs;
        }
        int before0 = problems.problems().size();
        List<ConfigSection> items = root.items("credentials");
        if (items.isEmpty()) {
            if (problems.problems().size() == before0) {
                problems.add("credentials", "[]", "is empty: list at least one credential (id, provider, …)");
            }
            return specs;
        }
        Set<String> ids = new LinkedHashSet<>();
        for (ConfigSection item : items) {
            int before = problems.problems().size();
            Entry entry = new Entry(item);
            CredentialSpec spec = entry.parse();
            if (entry.id != null && !ids.add(entry.id)) {
                item.problem(ID, entry.id, "is used by an earlier credential; ids must be unique");
            }
            if (spec != null && problems.problems().size() == before) {
                specs.add(spec);
            }
        }
        return specs;
    }

    /**
     * Parses and validates a {@code credentials:} list already read as a tree (no environment
     * overrides: only secret references are resolved). Kept for callers that read YAML themselves;
     * prefer {@link #parse(ConfigSection)}.
     *
     * @param credentials the list as a Jackson tree; {@code null} or missing is recorded as a problem
     * @param secrets     resolves {@code ${env:…}} / {@code ${file:…}} references
     * @param problems    where every problem is recorded (keys like {@code credentials[2].clientSecret})
     * @return the specs of the entries that have no problem, in file order
     */
    public static List<CredentialSpec> parse(JsonNode credentials, SecretReferences secrets, ConfigProblems problems) {
        ObjectNode tree = JsonNodeFactory.instance.objectNode();
        if (credentials != null && !credentials.isMissingNode()) {
            tree.set("credentials", credentials);
        }
        return parse(ConfigSource.fromTree(tree, "credentials", Map.of(), secrets).root(problems));
    }

    /** Reads one entry; records its problems. */
    private static final class Entry {
        private final ConfigSection item;
        String id;

        Entry(ConfigSection item) {
            this.item = item;
        }

        CredentialSpec parse() {
            id = item.require(ID);
            String provider = item.require(PROVIDER);
            if (provider == null) {
                return null;
            }
            item.rejectUnknownKeys(keysOf(provider), FOREIGN_SUBSECTIONS, "is not a setting of provider " + provider);
            Duration defaultLifetime = item.get(DEFAULT_LIFETIME);
            if (defaultLifetime == null && !provider.equals(CredentialSpec.COGNOS_ANALYTICS)) {
                defaultLifetime = Duration.ofHours(1);
            }
            return switch (provider) {
                case CredentialSpec.GENESYS_CLOUD -> genesys(defaultLifetime);
                case CredentialSpec.NICE_CXONE -> cxone(defaultLifetime);
                case CredentialSpec.COGNOS_ANALYTICS -> cognos(defaultLifetime);
                case CredentialSpec.AUTH0 -> auth0(defaultLifetime);
                default -> oauth2(defaultLifetime);
            };
        }

        private CredentialSpec genesys(Duration defaultLifetime) {
            String region = item.get(REGION);
            String loginBase = item.get(LOGIN_BASE_URL);
            String tokenUrl = item.get(TOKEN_URL);
            String apiBase = item.get(API_BASE_URL);
            if (region == null && tokenUrl == null && loginBase == null) {
                if (!item.isSet(REGION) && !item.isSet(TOKEN_URL) && !item.isSet(LOGIN_BASE_URL)) {
                    item.problem(REGION, null, "is required (e.g. mypurecloud.ie); or give tokenUrl / loginBaseUrl");
                }
            } else if (region != null && !GENESYS_REGIONS.contains(region)) {
                String hint = region.startsWith("api.") || region.startsWith("login.")
                        ? "give the domain without 'api.'/'login.', e.g. " + region.substring(region.indexOf('.') + 1)
                        : "use one of " + String.join(", ", GENESYS_REGIONS);
                if (tokenUrl == null && loginBase == null) {
                    item.problem(REGION, region, "is not a known Genesys Cloud region; " + hint
                            + " (or set tokenUrl / loginBaseUrl for a new region)");
                }
            }
            if (tokenUrl == null) {
                String base = loginBase != null ? loginBase : region == null ? null : "https://login." + region;
                tokenUrl = base == null ? null : stripSlash(base) + "/oauth/token";
            }
            if (apiBase == null && region != null) {
                apiBase = "https://api." + region;
            }
            return oauthSpec(CredentialSpec.GENESYS_CLOUD, tokenUrl, null, apiBase, region, ClientAuth.BASIC,
                    BasicEncoding.RAW, "client_credentials", null, null, null, null, null, defaultLifetime);
        }

        private CredentialSpec cxone(Duration defaultLifetime) {
            String authBase = stripSlash(orDefault(item.get(AUTH_BASE_URL), CXONE_AUTH_BASE_URL));
            String tokenUrl = orDefault(item.get(TOKEN_URL), authBase + "/auth/token");
            String template = orDefault(item.get(API_HOST_TEMPLATE), CXONE_API_HOST_TEMPLATE);
            String version = orDefault(item.get(API_VERSION), CXONE_API_VERSION);
            String accessKeyId = item.require(ACCESS_KEY_ID);
            Secret accessKeySecret = item.require(ACCESS_KEY_SECRET);
            return oauthSpec(CredentialSpec.NICE_CXONE, tokenUrl, null, item.get(API_BASE_URL), null, ClientAuth.BASIC,
                    BasicEncoding.RAW, "password", accessKeyId, accessKeySecret, authBase + "/.well-known/cxone-configuration",
                    stripSlash(template), version, defaultLifetime);
        }

        private CredentialSpec auth0(Duration defaultLifetime) {
            String domain = item.get(DOMAIN);
            String tokenUrl = item.get(TOKEN_URL);
            if (tokenUrl == null && !item.isSet(TOKEN_URL)) {
                if (domain == null) {
                    item.problem(DOMAIN, null, "is required (e.g. login.open-cosmos.com); or give tokenUrl");
                } else if (!domain.matches("[A-Za-z0-9.-]+(:\\d+)?")) {
                    item.problem(DOMAIN, domain, "must be a host name such as login.open-cosmos.com (no scheme, no path); or give tokenUrl");
                } else {
                    tokenUrl = "https://" + domain + "/oauth/token";
                }
            }
            if (!item.isSet(AUDIENCE)) {
                item.problem(AUDIENCE, null, "is required by Auth0 for client credentials: the API identifier, e.g. https://beeapp.open-cosmos.com");
            }
            return oauthSpec(CredentialSpec.AUTH0, tokenUrl, null, item.get(API_BASE_URL), null, ClientAuth.JSON,
                    BasicEncoding.FORM_URLENCODED, "client_credentials", null, null, null, null, null, defaultLifetime);
        }

        private CredentialSpec oauth2(Duration defaultLifetime) {
            String tokenUrl = item.get(TOKEN_URL);
            String issuer = item.get(ISSUER);
            if (!item.isSet(TOKEN_URL) && !item.isSet(ISSUER)) {
                item.problem(TOKEN_URL, null, "is required: give tokenUrl, or issuer for RFC 8414 discovery");
            }
            String grant = orDefault(item.get(GRANT_TYPE), "client_credentials");
            String username = null;
            Secret password = null;
            if (grant.equals("password")) {
                username = item.require(USERNAME);
                password = item.require(PASSWORD);
            }
            return oauthSpec(CredentialSpec.OAUTH2, tokenUrl, issuer, item.get(API_BASE_URL), null, ClientAuth.BASIC,
                    BasicEncoding.FORM_URLENCODED, grant, username, password, null, null, null, defaultLifetime);
        }

        private CredentialSpec oauthSpec(String provider, String tokenUrl, String issuer, String apiBase, String region,
                                         ClientAuth defaultAuth, BasicEncoding defaultEncoding, String grant,
                                         String username, Secret password, String discoveryUrl, String template,
                                         String version, Duration defaultLifetime) {
            String clientId = item.require(CLIENT_ID);
            Secret clientSecret = item.require(CLIENT_SECRET);
            ClientAuth auth = orDefault(item.get(CLIENT_AUTHENTICATION), defaultAuth);
            BasicEncoding encoding = orDefault(item.get(BASIC_ENCODING_KEY), defaultEncoding);
            List<String> scopes = scopes();
            Map<String, String> extra = extraParams();
            Boolean useRefresh = item.get(USE_REFRESH_TOKEN);
            if (id == null || defaultLifetime == null) {
                return null;
            }
            return new CredentialSpec(id, provider, tokenUrl, issuer, apiBase, region, clientId, clientSecret, auth, encoding,
                    grant, username, password, null, null, item.get(AUDIENCE), scopes, extra, useRefresh == null || useRefresh,
                    discoveryUrl, template, version, defaultLifetime, null, item.get(CA_BUNDLE));
        }

        private CredentialSpec cognos(Duration lifetime) {
            String base = item.require(BASE_URL);
            String sessionUrl = item.get(SESSION_URL);
            String apiBase = item.get(API_BASE_URL);
            String namespace = item.get(NAMESPACE);
            String username = item.get(USERNAME);
            boolean hasKey = item.isSet(API_KEY);
            boolean hasPassword = item.isSet(PASSWORD) || item.isSet(USERNAME);
            Secret apiKey = hasKey ? item.get(API_KEY) : null;
            Secret password = item.isSet(PASSWORD) ? item.get(PASSWORD) : null;
            if (hasKey && hasPassword) {
                item.problem(API_KEY, null, "give either apiKey or username/password, not both");
            } else if (!hasKey && !hasPassword) {
                item.problem(PASSWORD, null, "is required: give namespace, username and password, or apiKey (Cognos 11.2.4+)");
            } else if (hasPassword) {
                if (!item.isSet(USERNAME)) {
                    item.problem(USERNAME, null, "is required with password");
                }
                if (!item.isSet(PASSWORD)) {
                    item.problem(PASSWORD, null, "is required with username; give it as ${env:NAME} or ${file:/path}");
                }
                if (!item.isSet(NAMESPACE)) {
                    item.problem(NAMESPACE, null, "is required with username/password: the CAMNamespace id, e.g. LDAP");
                }
            }
            Duration idle = item.get(IDLE_TIMEOUT);
            Duration defaultLifetime = lifetime != null ? lifetime : idle;
            if (id == null || base == null || idle == null || defaultLifetime == null) {
                return null;
            }
            base = stripSlash(base);
            return new CredentialSpec(id, CredentialSpec.COGNOS_ANALYTICS, orDefault(sessionUrl, base + "/api/v1/session"), null,
                    orDefault(apiBase, base), null, null, null, null, null, null, username, password, apiKey, namespace,
                    null, List.of(), Map.of(), true, null, null, null, defaultLifetime, idle, item.get(CA_BUNDLE));
        }

        private List<String> scopes() {
            List<String> raw = item.get(SCOPES);
            List<String> out = new ArrayList<>();
            if (raw == null) {
                return out;
            }
            for (int i = 0; i < raw.size(); i++) {
                String s = raw.get(i);
                if (s.isBlank() || s.matches(".*\\s.*")) {
                    item.problems().add(item.where(SCOPES) + "[" + i + "]", s, "must be one scope without spaces");
                } else {
                    out.add(s);
                }
            }
            return out;
        }

        private Map<String, String> extraParams() {
            Map<String, String> raw = item.get(EXTRA_PARAMS);
            Map<String, String> out = new LinkedHashMap<>();
            if (raw == null) {
                return out;
            }
            for (String name : new TreeSet<>(raw.keySet())) {
                if (PROFILE_PARAMS.contains(name)) {
                    item.problems().add(item.where(EXTRA_PARAMS) + "." + name, null,
                            "is set by the profile; use the matching setting (clientId, scopes, audience…) instead");
                } else {
                    out.put(name, raw.get(name));
                }
            }
            return out;
        }
    }

    static boolean validUrl(String s) {
        try {
            URI uri = new URI(s);
            return ("https".equalsIgnoreCase(uri.getScheme()) || "http".equalsIgnoreCase(uri.getScheme()))
                    && uri.getHost() != null && !uri.getHost().isEmpty();
        } catch (Exception e) {
            return false;
        }
    }

    private static String stripSlash(String s) {
        return s != null && s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }

    private static <T> T orDefault(T value, T def) {
        return value == null ? def : value;
    }
}
