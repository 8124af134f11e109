package io.switchboard.registry;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

import io.switchboard.core.ConfigException;
import io.switchboard.core.ConfigProblem;
import io.switchboard.core.ConfigProblems;
import io.switchboard.core.Secret;
import io.switchboard.core.SecretReferences;
import io.switchboard.core.config.ConfigSection;
import io.switchboard.core.config.SharedKeys;

/**
 * How to reach a Confluent-compatible schema registry. One immutable record; built either in code
 * ({@link #of(String)} and the {@code with…} methods) or from a Kafka-style map of Confluent-named
 * keys ({@link #fromConfigs(Map)}), so producer/consumer properties written for Confluent's
 * serializers carry over.
 *
 * <p>Keys read by {@link #fromConfigs(Map)} (names as in Confluent's client):
 * <ul>
 *   <li>{@value #URL} — comma-separated base URLs, required; tried in turn on connection errors.</li>
 *   <li>{@value #BASIC_AUTH_CREDENTIALS_SOURCE} — {@code USER_INFO} (default) or {@code URL}
 *       (user info taken from the URL's {@code user:password@}).</li>
 *   <li>{@value #BASIC_AUTH_USER_INFO} (also with the {@code schema.registry.} prefix) —
 *       {@code user:password}; a {@code ${env:NAME}} / {@code ${file:/path}} reference is resolved.</li>
 *   <li>{@value #BEARER_AUTH_CREDENTIALS_SOURCE} — {@code STATIC_TOKEN}; {@value #BEARER_AUTH_TOKEN} — the token.</li>
 *   <li>{@value #SSL_TRUSTSTORE_LOCATION}, {@value #SSL_TRUSTSTORE_PASSWORD}, {@value #SSL_TRUSTSTORE_TYPE},
 *       {@value #SSL_KEYSTORE_LOCATION}, {@value #SSL_KEYSTORE_PASSWORD}, {@value #SSL_KEYSTORE_TYPE},
 *       {@value #SSL_KEY_PASSWORD} — TLS for {@code https} URLs (PKCS12 or JKS; default PKCS12).</li>
 *   <li>{@value #HTTP_CONNECT_TIMEOUT_MS} (default 10000), {@value #HTTP_READ_TIMEOUT_MS} (default 30000).</li>
 *   <li>{@value #MAX_RETRIES} (default 3), {@value #RETRIES_WAIT_MS} (default 1000),
 *       {@value #RETRIES_MAX_WAIT_MS} (default 2000) — retries with exponential backoff on 5xx, 429
 *       and connection errors.</li>
 * </ul>
 *
 * @param urls                base URLs of the registry (instances of one cluster)
 * @param basicAuthUserInfo   {@code user:password} for HTTP Basic, or null
 * @param bearerToken         bearer token, or null; only one of basic and bearer may be set
 * @param tls                 TLS stores, or null for the JVM defaults
 * @param connectTimeout      TCP connect timeout
 * @param requestTimeout      time for a whole response
 * @param maxRetries          retries after the first attempt (0 = none)
 * @param retryBackoff        wait before the first retry, doubled each retry
 * @param retryMaxBackoff     cap of the wait
 */
public record SchemaRegistryConfig(
        List<URI> urls,
        Secret basicAuthUserInfo,
        Secret bearerToken,
        Tls tls,
        Duration connectTimeout,
        Duration requestTimeout,
        int maxRetries,
        Duration retryBackoff,
        Duration retryMaxBackoff) {

    /** Comma-separated registry URLs. */
    public static final String URL = "schema.registry.url";
    /** {@code USER_INFO} or {@code URL}. */
    public static final String BASIC_AUTH_CREDENTIALS_SOURCE = "basic.auth.credentials.source";
    /** {@code user:password}. */
    public static final String BASIC_AUTH_USER_INFO = "basic.auth.user.info";
    /** {@code STATIC_TOKEN}. */
    public static final String BEARER_AUTH_CREDENTIALS_SOURCE = "bearer.auth.credentials.source";
    /** The static bearer token. */
    public static final String BEARER_AUTH_TOKEN = "bearer.auth.token";
    /** Truststore path. */
    public static final String SSL_TRUSTSTORE_LOCATION = "schema.registry.ssl.truststore.location";
    /** Truststore password. */
    public static final String SSL_TRUSTSTORE_PASSWORD = "schema.registry.ssl.truststore.password";
    /** Truststore type (PKCS12, JKS). */
    public static final String SSL_TRUSTSTORE_TYPE = "schema.registry.ssl.truststore.type";
    /** Keystore path (client certificate). */
    public static final String SSL_KEYSTORE_LOCATION = "schema.registry.ssl.keystore.location";
    /** Keystore password. */
    public static final String SSL_KEYSTORE_PASSWORD = "schema.registry.ssl.keystore.password";
    /** Keystore type (PKCS12, JKS). */
    public static final String SSL_KEYSTORE_TYPE = "schema.registry.ssl.keystore.type";
    /** Password of the key in the keystore (defaults to the keystore password). */
    public static final String SSL_KEY_PASSWORD = "schema.registry.ssl.key.password";
    /** Connect timeout in ms. */
    public static final String HTTP_CONNECT_TIMEOUT_MS = "http.connect.timeout.ms";
    /** Response timeout in ms. */
    public static final String HTTP_READ_TIMEOUT_MS = "http.read.timeout.ms";
    /** Retries after the first attempt. */
    public static final String MAX_RETRIES = "max.retries";
    /** First backoff in ms. */
    public static final String RETRIES_WAIT_MS = "retries.wait.ms";
    /** Backoff cap in ms. */
    public static final String RETRIES_MAX_WAIT_MS = "retries.max.wait.ms";

    private static final String PREFIX = "schema.registry.";

    /**
     * TLS key material for {@code https} registries. Immutable.
     *
     * @param truststore         trusted certificates, or null for the JVM's default trust
     * @param truststorePassword its password, or null
     * @param truststoreType     PKCS12 or JKS
     * @param keystore           client certificate and key for mutual TLS, or null
     * @param keystorePassword   its password, or null
     * @param keystoreType       PKCS12 or JKS
     * @param keyPassword        the key's password, or null to use the keystore password
     */
    public record Tls(Path truststore, Secret truststorePassword, String truststoreType,
                      Path keystore, Secret keystorePassword, String keystoreType, Secret keyPassword) {
    }

    public SchemaRegistryConfig {
        urls = List.copyOf(urls);
        if (urls.isEmpty()) {
            throw new IllegalArgumentException(URL + " needs at least one URL");
        }
        if (basicAuthUserInfo != null && bearerToken != null) {
            throw new IllegalArgumentException("set either basic auth or a bearer token for the schema registry, not both");
        }
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(requestTimeout, "requestTimeout");
        Objects.requireNonNull(retryBackoff, "retryBackoff");
        Objects.requireNonNull(retryMaxBackoff, "retryMaxBackoff");
        if (maxRetries < 0) {
            throw new IllegalArgumentException(MAX_RETRIES + " must be >= 0");
        }
    }

    /**
     * A config for one URL with the defaults: no auth, JVM TLS, 10 s / 30 s timeouts, 3 retries from 1 s to 2 s.
     * A {@code user:password@} in the URL becomes HTTP Basic credentials (as {@code basic.auth.credentials.source=URL}
     * does) and is removed from the URL, so it is never printed with it.
     *
     * @throws IllegalArgumentException when {@code url} is not a URL (the message shows it with credentials masked)
     */
    public static SchemaRegistryConfig of(String url) {
        Objects.requireNonNull(url, URL);
        URI uri;
        try {
            uri = URI.create(stripSlash(url));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(URL + " " + mask(url) + " is not a URL", null);
        }
        Secret basic = null;
        if (uri.getUserInfo() != null) {
            basic = Secret.of(uri.getUserInfo(), URL);
            try {
                uri = new URI(uri.getScheme(), null, uri.getHost(), uri.getPort(), uri.getPath(), uri.getQuery(), null);
            } catch (java.net.URISyntaxException e) {
                throw new IllegalArgumentException(URL + " " + mask(url) + " is not a URL", null);
            }
        }
        return new SchemaRegistryConfig(List.of(uri), basic, null, null,
                Duration.ofSeconds(10), Duration.ofSeconds(30), 3, Duration.ofSeconds(1), Duration.ofSeconds(2));
    }

    /**
     * For logs: the URLs (never with credentials), which authentication is used (never the credential), the TLS
     * stores' paths, timeouts and retries.
     */
    @Override
    public String toString() {
        String auth = basicAuthUserInfo != null ? "basic(****)" : bearerToken != null ? "bearer(****)" : "none";
        String stores = tls == null ? "jvm-default"
                : "truststore=" + tls.truststore() + ", keystore=" + tls.keystore();
        return "SchemaRegistryConfig[urls=" + urls.stream().map(u -> mask(u.toString())).toList() + ", auth=" + auth + ", tls=" + stores
                + ", connectTimeout=" + connectTimeout + ", requestTimeout=" + requestTimeout + ", maxRetries=" + maxRetries
                + ", retryBackoff=" + retryBackoff + ".." + retryMaxBackoff + "]";
    }

    /** This config with HTTP Basic credentials. */
    public SchemaRegistryConfig withBasicAuth(String user, Secret password) {
        return new SchemaRegistryConfig(urls, Secret.of(user + ":" + password.reveal(), password.describe()), null, tls,
                connectTimeout, requestTimeout, maxRetries, retryBackoff, retryMaxBackoff);
    }

    /** This config with a static bearer token. */
    public SchemaRegistryConfig withBearerToken(Secret token) {
        return new SchemaRegistryConfig(urls, null, token, tls, connectTimeout, requestTimeout, maxRetries, retryBackoff, retryMaxBackoff);
    }

    /** This config with TLS stores. */
    public SchemaRegistryConfig withTls(Tls tls) {
        return new SchemaRegistryConfig(urls, basicAuthUserInfo, bearerToken, tls, connectTimeout, requestTimeout, maxRetries,
                retryBackoff, retryMaxBackoff);
    }

    /** This config with other timeouts. */
    public SchemaRegistryConfig withTimeouts(Duration connect, Duration request) {
        return new SchemaRegistryConfig(urls, basicAuthUserInfo, bearerToken, tls, connect, request, maxRetries, retryBackoff,
                retryMaxBackoff);
    }

    /** This config with another retry policy. */
    public SchemaRegistryConfig withRetries(int retries, Duration backoff, Duration maxBackoff) {
        return new SchemaRegistryConfig(urls, basicAuthUserInfo, bearerToken, tls, connectTimeout, requestTimeout, retries, backoff,
                maxBackoff);
    }

    /**
     * Reads the Confluent-named keys from a Kafka-style config map (values may be strings, numbers,
     * lists or {@link Secret}s). Unknown keys are ignored (the map usually holds producer settings too).
     *
     * @throws io.switchboard.core.ConfigException listing every problem found
     */
    public static SchemaRegistryConfig fromConfigs(Map<String, ?> configs) {
        return fromConfigs(configs, new SecretReferences());
    }

    /** Same, resolving secret references against the given resolver. */
    public static SchemaRegistryConfig fromConfigs(Map<String, ?> configs, SecretReferences references) {
        ConfigProblems problems = new ConfigProblems("schema registry client configuration");
        List<URI> urls = new ArrayList<>();
        Secret userInfoFromUrl = null;
        Object rawUrls = configs.get(URL);
        List<String> urlTexts = list(rawUrls);
        if (urlTexts.isEmpty()) {
            problems.add(URL, null, "is required: the base URL of a Confluent-compatible schema registry, e.g. http://localhost:8081"
                    + " (several comma-separated for a cluster)");
        }
        for (String text : urlTexts) {
            try {
                URI uri = URI.create(stripSlash(text));
                if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) {
                    problems.add(URL, mask(text), "must be an http:// or https:// URL with a host");
                    continue;
                }
                if (uri.getUserInfo() != null) {
                    userInfoFromUrl = Secret.of(uri.getUserInfo(), URL);
                    uri = new URI(uri.getScheme(), null, uri.getHost(), uri.getPort(), uri.getPath(), uri.getQuery(), null);
                }
                urls.add(uri);
            } catch (Exception e) {
                problems.add(URL, mask(text), "is not a URL (" + e.getMessage() + ")");
            }
        }

        String source = string(configs, BASIC_AUTH_CREDENTIALS_SOURCE, "USER_INFO").toUpperCase(Locale.ROOT);
        Secret basic = null;
        Object userInfo = first(configs, BASIC_AUTH_USER_INFO, PREFIX + BASIC_AUTH_USER_INFO);
        switch (source) {
            case "USER_INFO" -> {
                if (userInfo != null && !String.valueOf(userInfo).isEmpty()) {
                    basic = secret(BASIC_AUTH_USER_INFO, userInfo, references, problems);
                    if (basic != null && basic.reveal().indexOf(':') < 0) {
                        problems.add(BASIC_AUTH_USER_INFO, "****", "must be user:password");
                        basic = null;
                    }
                }
            }
            case "URL" -> {
                if (userInfoFromUrl == null) {
                    problems.add(BASIC_AUTH_CREDENTIALS_SOURCE, source, "is URL but no URL in " + URL + " has user:password@");
                }
                basic = userInfoFromUrl;
            }
            default -> problems.add(BASIC_AUTH_CREDENTIALS_SOURCE, source,
                    "is not supported; use USER_INFO (with " + BASIC_AUTH_USER_INFO + "=user:password) or URL");
        }
        Secret bearer = null;
        Object bearerSource = first(configs, BEARER_AUTH_CREDENTIALS_SOURCE, PREFIX + BEARER_AUTH_CREDENTIALS_SOURCE);
        Object token = first(configs, BEARER_AUTH_TOKEN, PREFIX + BEARER_AUTH_TOKEN);
        if (bearerSource != null && !"STATIC_TOKEN".equalsIgnoreCase(String.valueOf(bearerSource).trim())) {
            problems.add(BEARER_AUTH_CREDENTIALS_SOURCE, String.valueOf(bearerSource),
                    "is not supported; use STATIC_TOKEN with " + BEARER_AUTH_TOKEN);
        } else if (token != null && !String.valueOf(token).isEmpty()) {
            bearer = secret(BEARER_AUTH_TOKEN, token, references, problems);
        } else if (bearerSource != null) {
            problems.add(BEARER_AUTH_TOKEN, null, "is required when " + BEARER_AUTH_CREDENTIALS_SOURCE + "=STATIC_TOKEN");
        }
        if (basic != null && bearer != null) {
            problems.add(BEARER_AUTH_TOKEN, "****", "cannot be combined with basic auth; remove one of "
                    + BASIC_AUTH_USER_INFO + " and " + BEARER_AUTH_TOKEN);
        }

        Tls tls = null;
        Path truststore = path(configs, SSL_TRUSTSTORE_LOCATION, problems);
        Path keystore = path(configs, SSL_KEYSTORE_LOCATION, problems);
        if (truststore != null || keystore != null) {
            tls = new Tls(truststore, optionalSecret(configs, SSL_TRUSTSTORE_PASSWORD, references, problems),
                    string(configs, SSL_TRUSTSTORE_TYPE, "PKCS12"),
                    keystore, optionalSecret(configs, SSL_KEYSTORE_PASSWORD, references, problems),
                    string(configs, SSL_KEYSTORE_TYPE, "PKCS12"),
                    optionalSecret(configs, SSL_KEY_PASSWORD, references, problems));
        }
        long connect = number(configs, HTTP_CONNECT_TIMEOUT_MS, 10_000, 1, problems);
        long read = number(configs, HTTP_READ_TIMEOUT_MS, 30_000, 1, problems);
        long retries = number(configs, MAX_RETRIES, 3, 0, problems);
        long wait = number(configs, RETRIES_WAIT_MS, 1000, 0, problems);
        long maxWait = number(configs, RETRIES_MAX_WAIT_MS, 2000, 0, problems);
        problems.throwIfAny();
        return new SchemaRegistryConfig(urls, basic, bearer, tls, Duration.ofMillis(connect), Duration.ofMillis(read), (int) retries,
                Duration.ofMillis(wait), Duration.ofMillis(Math.max(wait, maxWait)));
    }

    /** The Confluent-named registry client settings {@link SchemaRegistryConfig#fromConfigs} reads (besides the URL). */
    public static final List<String> CLIENT_SETTINGS = List.of(BASIC_AUTH_CREDENTIALS_SOURCE,
            BASIC_AUTH_USER_INFO, "schema.registry." + BASIC_AUTH_USER_INFO,
            BEARER_AUTH_CREDENTIALS_SOURCE, BEARER_AUTH_TOKEN,
            "schema.registry." + BEARER_AUTH_CREDENTIALS_SOURCE, "schema.registry." + BEARER_AUTH_TOKEN,
            SSL_TRUSTSTORE_LOCATION, SSL_TRUSTSTORE_PASSWORD, SSL_TRUSTSTORE_TYPE,
            SSL_KEYSTORE_LOCATION, SSL_KEYSTORE_PASSWORD, SSL_KEYSTORE_TYPE,
            SSL_KEY_PASSWORD, HTTP_CONNECT_TIMEOUT_MS, HTTP_READ_TIMEOUT_MS,
            MAX_RETRIES, RETRIES_WAIT_MS, RETRIES_MAX_WAIT_MS);

    /**
     * A role's registry client settings from its configuration file: the registry client settings of {@code schemaRegistry.url} and {@code schemaRegistry.properties}, or {@code null}
     * with every problem recorded under its key in the file ({@code schemaRegistry.properties.basic.auth.user.info}).
     */
    public static SchemaRegistryConfig fromSettings(String url, Map<String, String> properties, ConfigProblems problems) {
        int before = problems.problems().size();
        for (String name : properties.keySet()) {
            if (!CLIENT_SETTINGS.contains(name) && !name.equals(URL)) {
                problems.add(SharedKeys.SCHEMA_REGISTRY_PROPERTIES.name() + "." + name, null, "is not a schema registry client setting"
                        + ConfigSection.didYouMean(name, CLIENT_SETTINGS) + "; settings here: " + String.join(", ", CLIENT_SETTINGS));
            }
        }
        Map<String, Object> configs = new LinkedHashMap<>(properties);
        configs.put(URL, url);
        try {
            SchemaRegistryConfig config = fromConfigs(configs);
            return problems.problems().size() == before ? config : null;
        } catch (ConfigException e) {
            for (ConfigProblem p : e.problems()) {
                String key = p.key().equals(URL) ? SharedKeys.SCHEMA_REGISTRY_URL.name()
                        : SharedKeys.SCHEMA_REGISTRY_PROPERTIES.name() + "." + p.key();
                problems.add(key, p.value(), p.message());
            }
            return null;
        } catch (IllegalArgumentException e) { // e.g. basic auth and a bearer token together; the message has no secret
            problems.add(SharedKeys.SCHEMA_REGISTRY_PROPERTIES.name(), null, e.getMessage());
            return null;
        }
    }

    /** The URLs as shown in messages (never with credentials). */
    public String describeUrls() {
        List<String> shown = urls.stream().map(u -> mask(u.toString())).toList();
        return shown.size() == 1 ? shown.get(0) : shown.toString();
    }

    private static String stripSlash(String url) {
        String u = url.trim();
        while (u.endsWith("/")) {
            u = u.substring(0, u.length() - 1);
        }
        return u;
    }

    private static String mask(String url) {
        return url.replaceAll("//[^/@]*@", "//****@");
    }

    private static Object first(Map<String, ?> configs, String... keys) {
        for (String k : keys) {
            Object v = configs.get(k);
            if (v != null) {
                return v;
            }
        }
        return null;
    }

    private static List<String> list(Object value) {
        List<String> out = new ArrayList<>();
        if (value instanceof Collection<?> c) {
            c.forEach(v -> out.add(String.valueOf(v).trim()));
        } else if (value != null) {
            for (String s : String.valueOf(value).split(",")) {
                out.add(s.trim());
            }
        }
        out.removeIf(String::isEmpty);
        return out;
    }

    private static String string(Map<String, ?> configs, String key, String dflt) {
        Object v = configs.get(key);
        return v == null || String.valueOf(v).isBlank() ? dflt : String.valueOf(v).trim();
    }

    private static long number(Map<String, ?> configs, String key, long dflt, long min, ConfigProblems problems) {
        Object v = configs.get(key);
        if (v == null || String.valueOf(v).isBlank()) {
            return dflt;
        }
        try {
            long n = v instanceof Number num ? num.longValue() : Long.parseLong(String.valueOf(v).trim());
            if (n < min) {
                problems.add(key, String.valueOf(v), "must be >= " + min);
                return dflt;
            }
            return n;
        } catch (NumberFormatException e) {
            problems.add(key, String.valueOf(v), "must be a whole number");
            return dflt;
        }
    }

    private static Path path(Map<String, ?> configs, String key, ConfigProblems problems) {
        Object v = configs.get(key);
        if (v == null || String.valueOf(v).isBlank()) {
            return null;
        }
        Path p = Path.of(String.valueOf(v).trim());
        if (!Files.isReadable(p)) {
            problems.add(key, p.toString(), "is not a readable file");
        }
        return p;
    }

    private static Secret optionalSecret(Map<String, ?> configs, String key, SecretReferences references, ConfigProblems problems) {
        Object v = configs.get(key);
        return v == null || String.valueOf(v).isEmpty() ? null : secret(key, v, references, problems);
    }

    /** A secret given as a {@link Secret}, a reference, or (Kafka-style) clear text in the map. */
    private static Secret secret(String key, Object value, SecretReferences references, ConfigProblems problems) {
        if (value instanceof Secret s) {
            return s;
        }
        String text = String.valueOf(value);
        if (SecretReferences.isReference(text)) {
            return references.resolve(key, text, problems).orElse(null);
        }
        return Secret.of(text, key);
    }
}
