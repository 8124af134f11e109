package io.switchboard.token;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.regex.Pattern;

import io.switchboard.core.Secret;
import io.switchboard.core.Topics;
import io.switchboard.registry.SchemaRegistryConfig;

/**
 * What a {@link TokenTable} needs: Kafka client properties, topic names, decryption keys, the schema registry of
 * the token topics, an id used as {@code requester} in refresh requests, and how close to its expiry a token is no
 * longer handed out. Immutable; {@link #toString()} shows no credential (Kafka passwords and JAAS settings,
 * registry credentials and a {@code user:password@} in a URL are masked).
 *
 * @param kafkaProperties    Kafka client properties, at least {@code bootstrap.servers} (security settings too)
 * @param topics             topic names (prefix)
 * @param keys               every key the writers may have used
 * @param schemaRegistry     the registry of the token topics, with everything {@link SchemaRegistryConfig} supports:
 *                           several URLs, HTTP Basic, a bearer token, TLS trust and client certificates
 * @param clientId           id of the reading instance (poller id, tool name)
 * @param expirySafetyMargin {@link TokenTable#headers} refuses a token that expires within this margin, so a call
 *                           never starts with a token that dies on the way ({@value #DEFAULT_EXPIRY_SAFETY_MARGIN_SECONDS}
 *                           s when {@code null}; zero or more)
 */
public record TokenTableConfig(
        Map<String, Object> kafkaProperties,
        Topics topics,
        TokenKeys keys,
        SchemaRegistryConfig schemaRegistry,
        String clientId,
        Duration expirySafetyMargin) {

    /** Seconds of the default {@link #expirySafetyMargin()}. */
    public static final long DEFAULT_EXPIRY_SAFETY_MARGIN_SECONDS = 30;
    /** The default {@link #expirySafetyMargin()}: 30 s. */
    public static final Duration DEFAULT_EXPIRY_SAFETY_MARGIN = Duration.ofSeconds(DEFAULT_EXPIRY_SAFETY_MARGIN_SECONDS);

    private static final Pattern SENSITIVE_KEY = Pattern.compile(".*(password|secret|jaas|token|credential|\\.key$).*");

    public TokenTableConfig {
        kafkaProperties = Map.copyOf(kafkaProperties);
        if (!kafkaProperties.containsKey("bootstrap.servers")) {
            throw new IllegalArgumentException("kafkaProperties must contain bootstrap.servers");
        }
        Objects.requireNonNull(topics, "topics");
        Objects.requireNonNull(keys, "keys");
        Objects.requireNonNull(schemaRegistry, "schemaRegistry");
        Objects.requireNonNull(clientId, "clientId");
        expirySafetyMargin = expirySafetyMargin == null ? DEFAULT_EXPIRY_SAFETY_MARGIN : expirySafetyMargin;
        if (expirySafetyMargin.isNegative()) {
            throw new IllegalArgumentException("expirySafetyMargin must be zero or more, got " + expirySafetyMargin);
        }
    }

    /**
     * A config with one registry URL and no registry credentials (a {@code user:password@} in the URL becomes HTTP
     * Basic credentials), and the default expiry safety margin. The form of earlier versions; kept for callers.
     */
    public TokenTableConfig(Map<String, Object> kafkaProperties, Topics topics, TokenKeys keys, String schemaRegistryUrl, String clientId) {
        this(kafkaProperties, topics, keys, SchemaRegistryConfig.of(Objects.requireNonNull(schemaRegistryUrl, "schemaRegistryUrl")),
                clientId, DEFAULT_EXPIRY_SAFETY_MARGIN);
    }

    /** A config with the full registry configuration and the default expiry safety margin. */
    public static TokenTableConfig of(Map<String, Object> kafkaProperties, Topics topics, TokenKeys keys, SchemaRegistryConfig schemaRegistry,
                                      String clientId) {
        return new TokenTableConfig(kafkaProperties, topics, keys, schemaRegistry, clientId, DEFAULT_EXPIRY_SAFETY_MARGIN);
    }

    /** The (first) registry URL, without credentials. */
    public String schemaRegistryUrl() {
        return schemaRegistry.urls().get(0).toString();
    }

    /** This config with another registry configuration (basic auth, bearer token, TLS...). */
    public TokenTableConfig withSchemaRegistry(SchemaRegistryConfig registry) {
        return new TokenTableConfig(kafkaProperties, topics, keys, registry, clientId, expirySafetyMargin);
    }

    /** This config with another expiry safety margin. */
    public TokenTableConfig withExpirySafetyMargin(Duration margin) {
        return new TokenTableConfig(kafkaProperties, topics, keys, schemaRegistry, clientId, Objects.requireNonNull(margin, "margin"));
    }

    /** This config with another client id. */
    public TokenTableConfig withClientId(String id) {
        return new TokenTableConfig(kafkaProperties, topics, keys, schemaRegistry, id, expirySafetyMargin);
    }

    /** For logs: Kafka properties with credentials masked, the registry without credentials, key ids only. */
    @Override
    public String toString() {
        Map<String, Object> shown = new TreeMap<>();
        kafkaProperties.forEach((k, v) -> shown.put(k, isSensitive(k, v) ? "****" : v));
        return "TokenTableConfig[kafkaProperties=" + shown + ", topics=" + topics + ", keys=" + keys + ", schemaRegistry=" + schemaRegistry
                + ", clientId=" + clientId + ", expirySafetyMargin=" + expirySafetyMargin + "]";
    }

    private static boolean isSensitive(String key, Object value) {
        return value instanceof Secret || SENSITIVE_KEY.matcher(key.toLowerCase(Locale.ROOT)).matches()
                || String.valueOf(value).matches("(?s).*://[^/@\\s]+@.*");
    }
}
