package io.switchboard.token.login;

import java.net.URI;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import com.fasterxml.jackson.databind.JsonNode;

import io.switchboard.core.ConfigProblems;
import io.switchboard.core.Secret;
import io.switchboard.core.SecretReferences;
import io.switchboard.token.login.CredentialSpec.BasicEncoding;
import io.switchboard.token.login.CredentialSpec.ClientAuth;

/**
 * Parses and validates the {@code credentials:} list of the configuration file into
 * {@link CredentialSpec}s, applying each provider profile's defaults.
 *
 * <p>Every problem is recorded, none stops the parse: unknown provider or key, missing or inline
 * secret, unreadable secret reference, bad URL, unknown Genesys region, bad duration, duplicate id…
 * Secret values never appear in a problem (inline secrets show as {@code ****}). Stateless.
 * The keys and defaults are documented in docs/token-manager-logins.md.
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

    private static final Set<String> COMMON_KEYS = Set.of("id", "provider", "defaultLifetime", "description");
    private static final Set<String> OAUTH_KEYS = Set.of("clientId", "clientSecret", "tokenUrl", "apiBaseUrl",
            "clientAuth", "basicEncoding", "scopes", "extraParams", "audience", "useRefreshToken");
    private static final Map<String, Set<String>> PROVIDER_KEYS = Map.of(
            CredentialSpec.GENESYS_CLOUD, Set.of("region", "loginBaseUrl"),
            CredentialSpec.NICE_CXONE, Set.of("accessKeyId", "accessKeySecret", "authBaseUrl", "apiHostTemplate", "apiVersion"),
            CredentialSpec.COGNOS_ANALYTICS, Set.of("baseUrl", "namespace", "username", "password", "apiKey", "idleTimeout",
                    "sessionUrl", "apiBaseUrl"),
            CredentialSpec.AUTH0, Set.of("domain"),
            CredentialSpec.OAUTH2, Set.of("issuer", "grantType", "username", "password"));

    private CredentialsConfig() {
    }

    /**
     * Parses and validates the {@code credentials:} list.
     *
     * @param credentials the list as a Jackson tree; {@code null} or missing is recorded as a problem
     * @param secrets     resolves {@code ${env:…}} / {@code ${file:…}} references
     * @param problems    where every problem is recorded (keys like {@code credentials[2].clientSecret})
     * @return the specs of the entries that have no problem, in file order
     */
    public static List<CredentialSpec> parse(JsonNode credentials, SecretReferences secrets, ConfigProblems problems) {
        List<CredentialSpec> specs = new ArrayList<>();
        if (credentials == null || credentials.isMissingNode() || credentials.isNull()) {
            problems.add("credentials", null, "is required: list at least one credential (id, provider, …)");
            return specs;
        }
        if (!credentials.isArray()) {
            problems.add("credentials", credentials.getNodeType().toString().toLowerCase(),
                    "must be a list of credentials (each item starting with '- id: …')");
            return specs;
        }
        if (credentials.isEmpty()) {
            problems.add("credentials", "[]", "is empty: list at least one credential (id, provider, …)");
            return specs;
        }
        Set<String> ids = new LinkedHashSet<>();
        for (int i = 0; i < credentials.size(); i++) {
            String path = "credentials[" + i + "]";
            int before = problems.problems().size();
            Entry entry = new Entry(path, credentials.get(i), secrets, problems);
            CredentialSpec spec = entry.parse();
            if (entry.id != null && !ids.add(entry.id)) {
                problems.add(path + ".id", entry.id, "is used by an earlier credential; ids must be unique");
            }
            if (spec != null && problems.problems().size() == before) {
                specs.add(spec);
            }
        }
        return specs;
    }

    /** Reads one entry; records its problems. */
    private static final class Entry {
        private final String path;
        private final JsonNode node;
        private final SecretReferences secrets;
        private final ConfigProblems problems;
        String id;

        Entry(String path, JsonNode node, SecretReferences secrets, ConfigProblems problems) {
            this.path = path;
            this.node = node;
            this.secrets = secrets;
            this.problems = problems;
        }

        CredentialSpec parse() {
            if (node == null || !node.isObject()) {
                problems.add(path, node == null ? null : node.getNodeType().toString().toLowerCase(),
                        "must be a map with at least id and provider");
                return null;
            }
            id = text("id", true);
            if (id != null && !id.matches("[A-Za-z0-9._-]{1,200}")) {
                problems.add(key("id"), id, "may only contain letters, digits, '.', '_' and '-'");
            }
            String provider = text("provider", true);
            if (provider != null && !CredentialSpec.PROVIDERS.contains(provider)) {
                problems.add(key("provider"), provider, "is not a known provider; use one of " + String.join(", ", CredentialSpec.PROVIDERS));
                provider = null;
            }
            if (provider == null) {
                return null;
            }
            checkKeys(provider);
            Duration defaultLifetime = duration("defaultLifetime", Duration.ofHours(1));
            return switch (provider) {
                case CredentialSpec.GENESYS_CLOUD -> genesys(defaultLifetime);
                case CredentialSpec.NICE_CXONE -> cxone(defaultLifetime);
                case CredentialSpec.COGNOS_ANALYTICS -> cognos();
                case CredentialSpec.AUTH0 -> auth0(defaultLifetime);
                default -> oauth2(defaultLifetime);
            };
        }

        private void checkKeys(String provider) {
            Set<String> allowed = new TreeSet<>(COMMON_KEYS);
            if (!provider.equals(CredentialSpec.COGNOS_ANALYTICS)) {
                allowed.addAll(OAUTH_KEYS);
            }
            allowed.addAll(PROVIDER_KEYS.get(provider));
            for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
                String name = it.next();
                if (!allowed.contains(name)) {
                    problems.add(key(name), null, "is not a setting of provider " + provider + "; valid keys: " + String.join(", ", allowed));
                }
            }
        }

        private CredentialSpec genesys(Duration defaultLifetime) {
            String region = text("region", false);
            String loginBase = url("loginBaseUrl", false);
            String tokenUrl = url("tokenUrl", false);
            String apiBase = url("apiBaseUrl", false);
            if (region == null && tokenUrl == null && loginBase == null) {
                problems.add(key("region"), null, "is required (e.g. mypurecloud.ie); or give tokenUrl / loginBaseUrl");
            } else if (region != null && !GENESYS_REGIONS.contains(region)) {
                String hint = region.startsWith("api.") || region.startsWith("login.")
                        ? "give the domain without 'api.'/'login.', e.g. " + region.substring(region.indexOf('.') + 1)
                        : "use one of " + String.join(", ", GENESYS_REGIONS);
                if (tokenUrl == null && loginBase == null) {
                    problems.add(key("region"), region, "is not a known Genesys Cloud region; " + hint
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
            String authBase = stripSlash(orDefault(url("authBaseUrl", false), CXONE_AUTH_BASE_URL));
            String tokenUrl = orDefault(url("tokenUrl", false), authBase + "/auth/token");
            String template = text("apiHostTemplate", false);
            if (template == null) {
                template = CXONE_API_HOST_TEMPLATE;
            } else if (!template.contains("{area}") || !validUrl(template.replace("{area}", "area"))) {
                problems.add(key("apiHostTemplate"), template, "must be an http(s) URL containing {area}, e.g. " + CXONE_API_HOST_TEMPLATE);
            }
            String version = orDefault(text("apiVersion", false), CXONE_API_VERSION);
            if (!version.matches("v\\d+(\\.\\d+)?")) {
                problems.add(key("apiVersion"), version, "must look like v31.0");
            }
            String accessKeyId = text("accessKeyId", true);
            Secret accessKeySecret = secret("accessKeySecret", true);
            return oauthSpec(CredentialSpec.NICE_CXONE, tokenUrl, null, url("apiBaseUrl", false), null, ClientAuth.BASIC,
                    BasicEncoding.RAW, "password", accessKeyId, accessKeySecret, authBase + "/.well-known/cxone-configuration",
                    stripSlash(template), version, defaultLifetime);
        }

        private CredentialSpec auth0(Duration defaultLifetime) {
            String domain = text("domain", false);
            String tokenUrl = url("tokenUrl", false);
            if (tokenUrl == null) {
                if (domain == null) {
                    problems.add(key("domain"), null, "is required (e.g. login.open-cosmos.com); or give tokenUrl");
                } else if (!domain.matches("[A-Za-z0-9.-]+(:\\d+)?")) {
                    problems.add(key("domain"), domain, "must be a host name such as login.open-cosmos.com (no scheme, no path); or give tokenUrl");
                } else {
                    tokenUrl = "https://" + domain + "/oauth/token";
                }
            }
            if (text("audience", false) == null) {
                problems.add(key("audience"), null, "is required by Auth0 for client credentials: the API identifier, e.g. https://beeapp.open-cosmos.com");
            }
            return oauthSpec(CredentialSpec.AUTH0, tokenUrl, null, url("apiBaseUrl", false), null, ClientAuth.JSON,
                    BasicEncoding.FORM_URLENCODED, "client_credentials", null, null, null, null, null, defaultLifetime);
        }

        private CredentialSpec oauth2(Duration defaultLifetime) {
            String tokenUrl = url("tokenUrl", false);
            String issuer = url("issuer", false);
            if (tokenUrl == null && issuer == null && !node.has("tokenUrl") && !node.has("issuer")) {
                problems.add(key("tokenUrl"), null, "is required: give tokenUrl, or issuer for RFC 8414 discovery");
            }
            String grant = orDefault(text("grantType", false), "client_credentials");
            String username = null;
            Secret password = null;
            if (grant.equals("password")) {
                username = text("username", true);
                password = secret("password", true);
            } else if (!grant.equals("client_credentials")) {
                problems.add(key("grantType"), grant, "must be client_credentials or password");
            }
            return oauthSpec(CredentialSpec.OAUTH2, tokenUrl, issuer, url("apiBaseUrl", false), null, ClientAuth.BASIC,
                    BasicEncoding.FORM_URLENCODED, grant, username, password, null, null, null, defaultLifetime);
        }

        private CredentialSpec oauthSpec(String provider, String tokenUrl, String issuer, String apiBase, String region,
                                         ClientAuth defaultAuth, BasicEncoding defaultEncoding, String grant,
                                         String username, Secret password, String discoveryUrl, String template,
                                         String version, Duration defaultLifetime) {
            String clientId = text("clientId", true);
            Secret clientSecret = secret("clientSecret", true);
            ClientAuth auth = clientAuth(defaultAuth);
            BasicEncoding encoding = basicEncoding(defaultEncoding);
            List<String> scopes = scopes();
            Map<String, String> extra = extraParams();
            boolean useRefresh = bool("useRefreshToken", true);
            if (id == null) {
                return null;
            }
            return new CredentialSpec(id, provider, tokenUrl, issuer, apiBase, region, clientId, clientSecret, auth, encoding,
                    grant, username, password, null, null, text("audience", false), scopes, extra, useRefresh,
                    discoveryUrl, template, version, defaultLifetime, null);
        }

        private CredentialSpec cognos() {
            String base = url("baseUrl", true);
            String sessionUrl = url("sessionUrl", false);
            String apiBase = url("apiBaseUrl", false);
            String namespace = text("namespace", false);
            String username = text("username", false);
            Secret apiKey = node.has("apiKey") ? secret("apiKey", true) : null;
            Secret password = node.has("password") ? secret("password", true) : null;
            boolean hasKey = node.has("apiKey");
            boolean hasPassword = node.has("password") || node.has("username");
            if (hasKey && hasPassword) {
                problems.add(key("apiKey"), null, "give either apiKey or username/password, not both");
            } else if (!hasKey && !hasPassword) {
                problems.add(key("password"), null, "is required: give namespace, username and password, or apiKey (Cognos 11.2.4+)");
            } else if (hasPassword) {
                if (username == null) {
                    problems.add(key("username"), null, "is required with password");
                }
                if (!node.has("password")) {
                    problems.add(key("password"), null, "is required with username; give it as ${env:NAME} or ${file:/path}");
                }
                if (namespace == null) {
                    problems.add(key("namespace"), null, "is required with username/password: the CAMNamespace id, e.g. LDAP");
                }
            }
            Duration idle = duration("idleTimeout", Duration.ofMinutes(60));
            Duration defaultLifetime = duration("defaultLifetime", idle);
            if (id == null || base == null) {
                return null;
            }
            base = stripSlash(base);
            return new CredentialSpec(id, CredentialSpec.COGNOS_ANALYTICS, orDefault(sessionUrl, base + "/api/v1/session"), null,
                    orDefault(apiBase, base), null, null, null, null, null, null, username, password, apiKey, namespace,
                    null, List.of(), Map.of(), true, null, null, null, defaultLifetime, idle);
        }

        // ---- typed readers; each records its own problem and returns null on error ----

        private String key(String name) {
            return path + "." + name;
        }

        private String text(String name, boolean required) {
            JsonNode v = node.get(name);
            if (v == null || v.isNull() || (v.isTextual() && v.asText().isBlank())) {
                if (required) {
                    problems.add(key(name), null, "is required");
                }
                return null;
            }
            if (!v.isValueNode()) {
                problems.add(key(name), null, "must be a single value, not a " + v.getNodeType().toString().toLowerCase());
                return null;
            }
            String s = v.asText();
            if (!s.equals(s.strip())) {
                problems.add(key(name), "'" + s + "'", "has leading or trailing whitespace; remove it");
                return null;
            }
            return s;
        }

        private Secret secret(String name, boolean required) {
            JsonNode v = node.get(name);
            if (v == null || v.isNull()) {
                if (required) {
                    problems.add(key(name), null, "is required; give it as ${env:NAME} or ${file:/path/to/secret}");
                }
                return null;
            }
            if (!v.isValueNode()) {
                problems.add(key(name), null, "must be a reference such as ${env:NAME} or ${file:/path/to/secret}");
                return null;
            }
            return secrets.resolve(key(name), v.asText(), problems).orElse(null);
        }

        private String url(String name, boolean required) {
            String s = text(name, required);
            if (s != null && !validUrl(s)) {
                problems.add(key(name), s, "is not an absolute http(s) URL with a host, e.g. https://login.example.com/oauth/token");
                return null;
            }
            return s;
        }

        private Duration duration(String name, Duration def) {
            String s = text(name, false);
            if (s == null) {
                return def;
            }
            try {
                Duration d = Duration.parse(s);
                if (d.isNegative() || d.isZero()) {
                    problems.add(key(name), s, "must be positive, e.g. PT1H");
                    return def;
                }
                return d;
            } catch (DateTimeParseException e) {
                problems.add(key(name), s, "is not an ISO-8601 duration; write e.g. PT1H, PT30M, PT90S");
                return def;
            }
        }

        private boolean bool(String name, boolean def) {
            JsonNode v = node.get(name);
            if (v == null || v.isNull()) {
                return def;
            }
            if (v.isBoolean()) {
                return v.booleanValue();
            }
            if (v.isTextual() && (v.asText().equals("true") || v.asText().equals("false"))) {
                return Boolean.parseBoolean(v.asText());
            }
            problems.add(key(name), v.asText(), "must be true or false");
            return def;
        }

        private ClientAuth clientAuth(ClientAuth def) {
            String s = text("clientAuth", false);
            if (s == null) {
                return def;
            }
            switch (s.toLowerCase()) {
                case "basic", "client_secret_basic":
                    return ClientAuth.BASIC;
                case "body", "post", "form", "client_secret_post":
                    return ClientAuth.BODY;
                case "json":
                    return ClientAuth.JSON;
                default:
                    problems.add(key("clientAuth"), s, "must be basic (client_secret_basic), body (client_secret_post) or json");
                    return def;
            }
        }

        private BasicEncoding basicEncoding(BasicEncoding def) {
            String s = text("basicEncoding", false);
            if (s == null) {
                return def;
            }
            switch (s.toLowerCase()) {
                case "raw":
                    return BasicEncoding.RAW;
                case "form-urlencoded", "form_urlencoded", "urlencoded", "rfc6749":
                    return BasicEncoding.FORM_URLENCODED;
                default:
                    problems.add(key("basicEncoding"), s, "must be raw (Genesys, CXone) or form-urlencoded (RFC 6749 §2.3.1)");
                    return def;
            }
        }

        private List<String> scopes() {
            JsonNode v = node.get("scopes");
            List<String> out = new ArrayList<>();
            if (v == null || v.isNull()) {
                return out;
            }
            if (v.isTextual()) {
                for (String s : v.asText().trim().split("\\s+")) {
                    if (!s.isEmpty()) {
                        out.add(s);
                    }
                }
                return out;
            }
            if (!v.isArray()) {
                problems.add(key("scopes"), null, "must be a list of scopes, e.g. [queues:read, stats:read]");
                return out;
            }
            for (int i = 0; i < v.size(); i++) {
                JsonNode s = v.get(i);
                if (!s.isTextual() || s.asText().isBlank() || s.asText().matches(".*\\s.*")) {
                    problems.add(key("scopes") + "[" + i + "]", s.asText(), "must be one scope without spaces");
                } else {
                    out.add(s.asText());
                }
            }
            return out;
        }

        private Map<String, String> extraParams() {
            JsonNode v = node.get("extraParams");
            Map<String, String> out = new LinkedHashMap<>();
            if (v == null || v.isNull()) {
                return out;
            }
            if (!v.isObject()) {
                problems.add(key("extraParams"), null, "must be a map of parameter name to value, e.g. {resource: https://api.example.com}");
                return out;
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (!e.getValue().isValueNode() || e.getValue().isNull()) {
                    problems.add(key("extraParams") + "." + e.getKey(), null, "must be a single value");
                } else if (Set.of("grant_type", "client_id", "client_secret", "scope", "audience", "refresh_token", "password")
                        .contains(e.getKey())) {
                    problems.add(key("extraParams") + "." + e.getKey(), null,
                            "is set by the profile; use the matching setting (clientId, scopes, audience…) instead");
                } else {
                    out.put(e.getKey(), e.getValue().asText());
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

    private static String orDefault(String s, String def) {
        return s == null ? def : s;
    }
}
