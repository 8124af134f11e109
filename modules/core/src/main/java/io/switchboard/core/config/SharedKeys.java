package io.switchboard.core.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import io.switchboard.core.Secret;
import io.switchboard.core.Topics;

/**
 * The keys every role reads from the shared sections {@code kafka}, {@code schemaRegistry} and
 * {@code encryption} of the configuration file (and the credential keys more than one role reads),
 * declared once here so that the token manager, the
 * pollers, the aggregator and the tools read them the same way.
 */
public final class SharedKeys {

    private SharedKeys() {
    }

    /** Kafka bootstrap servers. */
    public static final ConfigKey<String> KAFKA_BOOTSTRAP_SERVERS = ConfigKey.string("kafka.bootstrapServers").required()
            .check(Checks.matches("[^\\s,]+:\\d+(,[^\\s,]+:\\d+)*", "is not a host:port[,host:port] list"))
            .doc("Kafka bootstrap servers, host:port[,host:port]. Shared by every role.");

    /** Prefix of every topic name. */
    public static final ConfigKey<String> KAFKA_TOPIC_PREFIX = ConfigKey.string("kafka.topicPrefix").defaultValue(Topics.DEFAULT_PREFIX)
            .check(Checks.matches("[a-zA-Z0-9._-]+", "may only contain letters, digits, '.', '_' and '-'"))
            .doc("Prefix of every topic name (letters, digits, '.', '_', '-'). Shared by every role.");

    /** Extra Kafka client properties for every client. */
    public static final ConfigKey<Map<String, String>> KAFKA_PROPERTIES = ConfigKey.stringMap("kafka.properties").defaultValue(Map.of())
            .check(p -> p.containsKey("bootstrap.servers") ? "must not set bootstrap.servers; set kafka.bootstrapServers instead" : null)
            .doc("Extra Kafka client properties for every client (security.protocol, sasl.*); values may be ${env:..} or ${file:..};"
                    + " SWITCHBOARD_KAFKA_PROPERTIES_SASL_JAAS_CONFIG sets sasl.jaas.config. Shared by every role.");

    /** Schema registry URL. */
    public static final ConfigKey<String> SCHEMA_REGISTRY_URL = ConfigKey.url("schemaRegistry.url").required()
            .doc("URL of the Confluent-compatible schema registry of every Avro topic. Shared by every role.");

    /**
     * Schema registry client settings with Confluent's names (HTTP Basic, bearer token, TLS stores, timeouts, retries),
     * for the registries that need more than a URL. Values may be references (give passwords and tokens that way).
     */
    public static final ConfigKey<Map<String, String>> SCHEMA_REGISTRY_PROPERTIES = ConfigKey.stringMap("schemaRegistry.properties")
            .defaultValue(Map.of())
            .check(p -> p.containsKey("schema.registry.url") ? "must not set schema.registry.url; set schemaRegistry.url instead" : null)
            .doc("Schema registry client settings with Confluent's names: basic.auth.user.info (user:password, e.g."
                    + " \"${env:REGISTRY_USER_INFO}\"), bearer.auth.credentials.source + bearer.auth.token,"
                    + " schema.registry.ssl.truststore.location/.password/.type, schema.registry.ssl.keystore.*, http.connect.timeout.ms,"
                    + " http.read.timeout.ms, max.retries, retries.wait.ms, retries.max.wait.ms."
                    + " SWITCHBOARD_SCHEMA_REGISTRY_PROPERTIES_BASIC_AUTH_USER_INFO sets basic.auth.user.info. Shared by every role.");

    /** Id of the key that encrypts new tokens. */
    public static final ConfigKey<String> ENCRYPTION_ACTIVE_KEY_ID = ConfigKey.string("encryption.activeKeyId").required()
            .doc("Id (in encryption.keys) of the key new tokens are encrypted with.");

    /** Token encryption keys by id. */
    public static final ConfigKey<Map<String, Secret>> ENCRYPTION_KEYS = ConfigKey.of("encryption.keys", ConfigType.SECRET_MAP).required()
            .doc("Key id -> ${env:..}/${file:..} holding 32 random bytes in Base64 (openssl rand -base64 32). Keep old ids while keys"
                    + " rotate; every reader of tokens needs them. SWITCHBOARD_ENCRYPTION_KEYS_K1 sets key k1.");

    /** Every shared key, in file order. */
    public static final List<ConfigKey<?>> ALL = List.of(KAFKA_BOOTSTRAP_SERVERS, KAFKA_TOPIC_PREFIX, KAFKA_PROPERTIES,
            SCHEMA_REGISTRY_URL, SCHEMA_REGISTRY_PROPERTIES, ENCRYPTION_ACTIVE_KEY_ID, ENCRYPTION_KEYS);

    /**
     * A credential's CA bundle: the PEM certificate authorities trusted for its vendor's hosts instead of the JVM's. Read by
     * the token manager for its logins and by the pollers as the default of {@code credentials[].poll.caBundle}.
     */
    public static final ConfigKey<Path> CREDENTIAL_CA_BUNDLE = ConfigKey.of("credentials[].caBundle", ConfigType.PATH)
            .check(Checks.pemCertificates())
            .doc("[all] PEM file of the certificate authorities to trust for this credential's vendor hosts instead of the JVM's"
                    + " (a private CA, a TLS-inspecting proxy): the token manager's logins use it, and the pollers too unless"
                    + " poll.caBundle is set. TLS is always verified, host name included; there is no setting that turns"
                    + " verification off.");
}
