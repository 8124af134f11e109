package io.switchboard.poll;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;

import io.switchboard.core.ConfigException;
import io.switchboard.core.ConfigProblems;
import io.switchboard.core.Secret;
import io.switchboard.core.SecretReferences;
import io.switchboard.core.Topics;
import io.switchboard.core.config.Checks;
import io.switchboard.core.config.ConfigKey;
import io.switchboard.core.config.ConfigReference;
import io.switchboard.core.config.ConfigSection;
import io.switchboard.core.config.ConfigSource;
import io.switchboard.core.config.ConfigType;
import io.switchboard.core.config.Durations;
import io.switchboard.core.config.SharedKeys;
import io.switchboard.core.supervise.Backoff;
import io.switchboard.poll.vendor.CredentialHttpSettings;
import io.switchboard.poll.vendor.VendorHttpOptions;
import io.switchboard.registry.SchemaRegistryConfig;
import io.switchboard.token.TokenKeys;
import io.switchboard.token.TokenTableConfig;

/**
 * Configuration of one poller instance: the {@code poller:} section and the {@code poll:} section of each credential in
 * {@code switchboard.yaml}, plus the {@code kafka}, {@code schemaRegistry} and {@code encryption} sections it shares
 * with the token manager.
 *
 * <p>Built on the configuration foundation of core ({@link ConfigKey}, {@link ConfigSource}, {@link ConfigSection}):
 * every key is declared once below with its type, default, documentation and checks; a scalar key {@code a.bC} is
 * overridden by the environment variable {@code SWITCHBOARD_A_B_C} (e.g. {@code SWITCHBOARD_POLLER_OPS_PORT},
 * {@code SWITCHBOARD_POLLER_HTTP_MAX_BODY_BYTES}), a credential's {@code poll.requestsPerMinute} and
 * {@code poll.caBundle} by {@code SWITCHBOARD_CREDENTIALS_<ID>_POLL_REQUESTS_PER_MINUTE} / {@code …_POLL_CA_BUNDLE}.
 * Durations are written the one way of {@link Durations} ({@code PT10S} or {@code 10s}). {@link #from} validates
 * everything and throws one {@link ConfigException} with every problem. Secrets (Kafka properties given by reference,
 * encryption keys) are never shown. Only the keys of the other sections that the poller reads are checked here; the
 * token manager validates the rest of each credential.
 *
 * <pre>
 * poller:
 *   jobPartitions: 12          # partitions of poll-jobs / poll-progress: the most pollers that share work
 *   planInterval: PT5M         # each owner re-plans its credentials' jobs (queue discovery) this often
 *   shutdownTimeout: PT10S
 *   backfillLookBack: PT6H
 *   ops: {port: 9402}
 *   http: {connectTimeout: 5s, requestTimeout: 20s, maxBodyBytes: 16MiB}
 * credentials:
 *   - id: genesys-eu
 *     provider: genesys-cloud
 *     poll:
 *       - {endpoint: genesys.queue-observations, interval: PT10S}
 * </pre>
 *
 * Immutable; {@link #toString()} masks Kafka properties that look like credentials.
 *
 * @param bootstrapServers      Kafka {@code bootstrap.servers}
 * @param topicPrefix           prefix of every topic name
 * @param kafkaProperties       extra Kafka client properties (security…), references already resolved
 * @param schemaRegistryUrl     URL of the Confluent-compatible schema registry
 * @param keys                  keys to decrypt tokens with (the token table)
 * @param instanceId            id of this poller; also the suffix of its {@code transactional.id}
 * @param jobPartitions         partitions of poll-jobs and poll-progress when this instance creates them
 * @param transactionalIdPrefix prefix of the producer's {@code transactional.id} (+ instance id)
 * @param sessionTimeout        consumer-group session timeout: how long a crashed poller holds its jobs
 * @param transactionTimeout    producer transaction timeout: how long a crashed poller's open transaction blocks
 *                              {@code read_committed} readers at most
 * @param shutdownTimeout       how long in-flight polls may take to finish on shutdown or revocation
 * @param backfillLookBack      how far back interval jobs backfill missed closed intervals
 * @param planInterval          how often each owner re-plans its credentials' jobs; zero = never (only
 *                              {@code switchboard jobs apply})
 * @param discoveryTimeout      how long one queue discovery may take
 * @param opsHost               interface of the /health, /ready, /metrics server
 * @param opsPort               its port; 0 = any free port, -1 = no server
 * @param http                  how the vendor side talks HTTP ({@code poller.http.*}): timeouts, pooling, retries,
 *                              body bound, default request budget
 * @param credentials           the {@code poll:} sections, per credential, in file order
 */
public record PollerConfig(
        String bootstrapServers,
        String topicPrefix,
        Map<String, String> kafkaProperties,
        String schemaRegistryUrl,
        Map<String, String> schemaRegistryProperties,
        TokenKeys keys,
        String instanceId,
        int jobPartitions,
        String transactionalIdPrefix,
        Duration sessionTimeout,
        Duration transactionTimeout,
        Duration shutdownTimeout,
        Duration backfillLookBack,
        Duration planInterval,
        Duration discoveryTimeout,
        String opsHost,
        int opsPort,
        VendorHttpOptions http,
        List<CredentialPolls> credentials) {

    /** Prefix of environment variables that override keys. */
    public static final String ENV_PREFIX = ConfigKey.ENV_PREFIX;

    /**
     * The {@code poll:} section of one credential: a list of entries, or a mapping with the entries under
     * {@code jobs:} and the credential's HTTP settings beside them.
     *
     * <pre>
     * poll:
     *   requestsPerMinute: 300        # this credential's request budget (0 = no limit); default: poller.http.requestsPerMinute
     *   caBundle: /etc/ssl/vendor.pem # CA certificates (PEM) to trust for a vendor host with a private CA
     *   jobs:
     *     - {endpoint: genesys.queue-observations, interval: PT10S}
     * </pre>
     *
     * @param credentialId      the credential's id
     * @param provider          its provider profile (for error events)
     * @param polls             its entries, in file order
     * @param requestsPerMinute its request budget, or {@code null} for the default; 0 = none
     * @param caBundle          PEM file of CAs to trust, or {@code null}
     */
    public record CredentialPolls(String credentialId, String provider, List<PollSpec> polls, Integer requestsPerMinute,
                                  Path caBundle) {
        public CredentialPolls {
            Objects.requireNonNull(credentialId, "credentialId");
            Objects.requireNonNull(provider, "provider");
            polls = List.copyOf(polls);
        }

        /** A section with entries only (no HTTP settings). */
        public CredentialPolls(String credentialId, String provider, List<PollSpec> polls) {
            this(credentialId, provider, polls, null, null);
        }

        /** This credential's HTTP settings for the vendor side. */
        public CredentialHttpSettings httpSettings() {
            return new CredentialHttpSettings(caBundle, requestsPerMinute);
        }
    }

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]+");
    private static final Pattern SENSITIVE = Pattern.compile("(?i).*(password|secret|jaas|token|credential|key).*");
    private static final Pattern BYTES = Pattern.compile("(\\d+)\\s*(B|KiB|MiB|GiB)?");
    private static final Duration MIN_INTERVAL = Duration.ofSeconds(1);
    private static final VendorHttpOptions HTTP_DEFAULTS = VendorHttpOptions.defaults();

    /** A number of bytes: a whole number, or with a binary unit {@code KiB}, {@code MiB}, {@code GiB} ({@code 16MiB}). */
    public static final ConfigType<Integer> BYTE_SIZE = ConfigType.scalar("bytes", PollerConfig::parseBytes);

    // ------------------------------------------------------------------ shared sections

    /** {@code kafka.bootstrapServers} (shared). */
    public static final ConfigKey<String> BOOTSTRAP_SERVERS = SharedKeys.KAFKA_BOOTSTRAP_SERVERS;
    /** {@code kafka.topicPrefix} (shared). */
    public static final ConfigKey<String> TOPIC_PREFIX = SharedKeys.KAFKA_TOPIC_PREFIX;
    /** {@code kafka.properties} (shared). */
    public static final ConfigKey<Map<String, String>> KAFKA_PROPERTIES = SharedKeys.KAFKA_PROPERTIES;
    /** {@code schemaRegistry.url} (shared). */
    public static final ConfigKey<String> SCHEMA_REGISTRY_URL = SharedKeys.SCHEMA_REGISTRY_URL;

    /** {@code schemaRegistry.properties} (shared): the registry client settings (basic auth, bearer token, TLS, timeouts). */
    public static final ConfigKey<Map<String, String>> SCHEMA_REGISTRY_PROPERTIES = SharedKeys.SCHEMA_REGISTRY_PROPERTIES;
    /** {@code encryption.activeKeyId} (shared; the poller only decrypts, with any of the keys). */
    public static final ConfigKey<String> ACTIVE_KEY_ID = SharedKeys.ENCRYPTION_ACTIVE_KEY_ID;
    /** {@code encryption.keys} (shared). */
    public static final ConfigKey<Map<String, Secret>> ENCRYPTION_KEYS = SharedKeys.ENCRYPTION_KEYS;

    // ------------------------------------------------------------------ poller

    /** {@code poller.instanceId}. */
    public static final ConfigKey<String> INSTANCE_ID = ConfigKey.string("poller.instanceId").computedDefault("<hostname>-<pid>")
            .check(Checks.matches(NAME.pattern(), "may only contain letters, digits, '.', '_' and '-' (it becomes part of the"
                    + " transactional.id)"))
            .doc("Id of this poller in logs, metrics and PollProgress.ownerId; its transactional.id is transactionalIdPrefix +"
                    + " instanceId, so every running poller needs its own.");
    /** {@code poller.jobPartitions}. */
    public static final ConfigKey<Integer> JOB_PARTITIONS = ConfigKey.integer("poller.jobPartitions").defaultValue(12)
            .check(Checks.between(1, 10_000))
            .doc("Partitions of <prefix>.poll-jobs and <prefix>.poll-progress when this poller creates them. All jobs of one"
                    + " credential live in one partition, so this is the most pollers that share work.");
    /** {@code poller.transactionalIdPrefix}. */
    public static final ConfigKey<String> TRANSACTIONAL_ID_PREFIX = ConfigKey.string("poller.transactionalIdPrefix")
            .computedDefault("<topicPrefix>.poller-").check(Checks.notBlank())
            .doc("Prefix of the transactional.id of each poller's producer.");
    /** {@code poller.sessionTimeout}. */
    public static final ConfigKey<Duration> SESSION_TIMEOUT = ConfigKey.duration("poller.sessionTimeout")
            .defaultValue(Duration.ofSeconds(10)).check(Checks.positive())
            .doc("Consumer-group session timeout: a crashed poller's jobs move to the others after this long (broker minimum"
                    + " 6 s by default).");
    /** {@code poller.transactionTimeout}. */
    public static final ConfigKey<Duration> TRANSACTION_TIMEOUT = ConfigKey.duration("poller.transactionTimeout")
            .defaultValue(Duration.ofSeconds(30)).check(Checks.positive())
            .doc("Producer transaction timeout: a crashed poller's open transaction blocks read_committed readers at most this"
                    + " long (plus the broker's abort check).");
    /** {@code poller.shutdownTimeout}. */
    public static final ConfigKey<Duration> SHUTDOWN_TIMEOUT = ConfigKey.duration("poller.shutdownTimeout")
            .defaultValue(Duration.ofSeconds(10)).check(Checks.positive())
            .doc("On shutdown and when jobs move, polls in flight get this long to finish and commit.");
    /** {@code poller.backfillLookBack}. */
    public static final ConfigKey<Duration> BACKFILL_LOOK_BACK = ConfigKey.duration("poller.backfillLookBack")
            .defaultValue(Duration.ofHours(6)).check(Checks.notNegative())
            .doc("After an outage, interval jobs backfill missed closed intervals up to this far back.");
    /** {@code poller.planInterval}. */
    public static final ConfigKey<Duration> PLAN_INTERVAL = ConfigKey.duration("poller.planInterval")
            .defaultValue(Duration.ofMinutes(5)).check(Checks.notNegative())
            .doc("The poller owning a credential re-plans its jobs (queue discovery, packing) this often; 0s = only"
                    + " `switchboard jobs apply`.");
    /** {@code poller.discoveryTimeout}. */
    public static final ConfigKey<Duration> DISCOVERY_TIMEOUT = ConfigKey.duration("poller.discoveryTimeout")
            .defaultValue(Duration.ofSeconds(30)).check(Checks.positive())
            .doc("How long one queue discovery may take before that plan is given up (the jobs stay as they are).");
    /** {@code poller.ops.host}. */
    public static final ConfigKey<String> OPS_HOST = ConfigKey.string("poller.ops.host").defaultValue("127.0.0.1")
            .check(s -> s.isBlank() ? "must not be blank; use 127.0.0.1 or 0.0.0.0" : null)
            .doc("Interface of the /health, /ready, /metrics server; 0.0.0.0 for all.");
    /** {@code poller.ops.port}. */
    public static final ConfigKey<Integer> OPS_PORT = ConfigKey.integer("poller.ops.port").defaultValue(9402)
            .check(Checks.between(-1, 65535))
            .doc("Port of the ops server; 0 = any free port, -1 = no server.");

    // ------------------------------------------------------------------ poller.http

    /** {@code poller.http.connectTimeout}. */
    public static final ConfigKey<Duration> HTTP_CONNECT_TIMEOUT = ConfigKey.duration("poller.http.connectTimeout")
            .defaultValue(HTTP_DEFAULTS.connectTimeout()).check(Checks.positive())
            .doc("TCP and TLS connect timeout of a vendor request.");
    /** {@code poller.http.idleTimeout}. */
    public static final ConfigKey<Duration> HTTP_IDLE_TIMEOUT = ConfigKey.duration("poller.http.idleTimeout")
            .defaultValue(HTTP_DEFAULTS.idleTimeout()).check(Checks.positive())
            .doc("A pooled keep-alive connection idle this long is closed; also the longest pause allowed inside an answer.");
    /** {@code poller.http.requestTimeout}. */
    public static final ConfigKey<Duration> HTTP_REQUEST_TIMEOUT = ConfigKey.duration("poller.http.requestTimeout")
            .defaultValue(HTTP_DEFAULTS.requestTimeout()).check(Checks.positive())
            .doc("The whole vendor request, from sending to the last byte of the answer; a slower answer is a retriable"
                    + " TRANSPORT error.");
    /** {@code poller.http.maxConnectionsPerHost}. */
    public static final ConfigKey<Integer> HTTP_MAX_CONNECTIONS = ConfigKey.integer("poller.http.maxConnectionsPerHost")
            .defaultValue(HTTP_DEFAULTS.maxConnectionsPerHost()).check(Checks.between(1, 1000))
            .doc("HTTP/1.1 keep-alive connections per vendor host (HTTP/2 multiplexes on one).");
    /** {@code poller.http.http2}. */
    public static final ConfigKey<Boolean> HTTP_HTTP2 = ConfigKey.bool("poller.http.http2").defaultValue(HTTP_DEFAULTS.http2())
            .doc("Offer HTTP/2 through ALPN on https vendor hosts, falling back to HTTP/1.1.");
    /** {@code poller.http.maxBodyBytes}. */
    public static final ConfigKey<Integer> HTTP_MAX_BODY_BYTES = ConfigKey.of("poller.http.maxBodyBytes", BYTE_SIZE)
            .defaultValue(HTTP_DEFAULTS.maxBodyBytes())
            .check(n -> n < 1024 ? "must be at least 1024 bytes (1KiB)" : n > (1 << 30) ? "must be at most 1GiB" : null)
            .doc("Most bytes the poller reads of one vendor answer (default 16MiB); a larger answer is not read (never an"
                    + " out-of-memory) and becomes a MAPPING PollError naming this key. Bytes, or with KiB / MiB / GiB.");
    /** {@code poller.http.maxAttempts}. */
    public static final ConfigKey<Integer> HTTP_MAX_ATTEMPTS = ConfigKey.integer("poller.http.maxAttempts")
            .defaultValue(HTTP_DEFAULTS.maxAttempts()).check(Checks.between(1, 20))
            .doc("Attempts of one vendor request for 429, 5xx, connection resets and timeouts, within one poll.");
    /** {@code poller.http.backoffInitial}. */
    public static final ConfigKey<Duration> HTTP_BACKOFF_INITIAL = ConfigKey.duration("poller.http.backoffInitial")
            .defaultValue(HTTP_DEFAULTS.backoff().initial()).check(Checks.positive())
            .doc("First pause between two attempts (doubled each attempt, with jitter).");
    /** {@code poller.http.backoffMax}. */
    public static final ConfigKey<Duration> HTTP_BACKOFF_MAX = ConfigKey.duration("poller.http.backoffMax")
            .defaultValue(HTTP_DEFAULTS.backoff().max()).check(Checks.positive())
            .doc("Longest pause between two attempts; at least backoffInitial.");
    /** {@code poller.http.maxRetryAfter}. */
    public static final ConfigKey<Duration> HTTP_MAX_RETRY_AFTER = ConfigKey.duration("poller.http.maxRetryAfter")
            .defaultValue(HTTP_DEFAULTS.maxRetryAfter()).check(Checks.notNegative())
            .doc("A 429's Retry-After up to this long is waited out inside the poll; a longer one ends the poll as"
                    + " RATE_LIMITED and the credential's limiter holds its requests until then.");
    /** {@code poller.http.tokenRefreshWait}. */
    public static final ConfigKey<Duration> HTTP_TOKEN_REFRESH_WAIT = ConfigKey.duration("poller.http.tokenRefreshWait")
            .defaultValue(HTTP_DEFAULTS.tokenRefreshWait()).check(Checks.positive())
            .doc("After a 401, how long a poll waits for the token manager's newer token before it reports AUTHENTICATION.");
    /** {@code poller.http.requestsPerMinute}. */
    public static final ConfigKey<Integer> HTTP_REQUESTS_PER_MINUTE = ConfigKey.integer("poller.http.requestsPerMinute")
            .defaultValue(VendorHttpOptions.DEFAULT_REQUESTS_PER_MINUTE).check(Checks.between(0, 1_000_000))
            .doc("Request budget per credential and minute (a token bucket) when its poll: section sets no"
                    + " requestsPerMinute; 0 = no limit. Genesys documents 300 per token.");
    /** {@code poller.http.userAgent}. */
    public static final ConfigKey<String> HTTP_USER_AGENT = ConfigKey.string("poller.http.userAgent")
            .defaultValue(HTTP_DEFAULTS.userAgent()).check(Checks.notBlank())
            .doc("The User-Agent header of every vendor request.");

    // ------------------------------------------------------------------ credentials[].poll

    private static final ConfigKey<String> CREDENTIAL_PROVIDER = ConfigKey.string("credentials[].provider").fileOnly();

    /** {@code credentials[].poll}. */
    public static final ConfigKey<List<ConfigSection>> POLL = ConfigKey.items("credentials[].poll")
            .doc("What the pollers fetch with this credential: a list of entries (the keys below), or a mapping with the"
                    + " entries under jobs: and requestsPerMinute / caBundle beside them. Read by the pollers only.");
    /** {@code credentials[].poll.requestsPerMinute}. */
    public static final ConfigKey<Integer> POLL_REQUESTS_PER_MINUTE = ConfigKey.integer("credentials[].poll.requestsPerMinute")
            .check(n -> n < 0 ? "must be a whole number >= 0 (0 = no limit)" : null)
            .computedDefault("poller.http.requestsPerMinute")
            .doc("This credential's request budget per minute (0 = no limit), kept by the one poller that owns the"
                    + " credential; a 429 with Retry-After or x-ratelimit-* headers pauses it further.");
    /** {@code credentials[].poll.caBundle}. */
    public static final ConfigKey<Path> POLL_CA_BUNDLE = ConfigKey.of("credentials[].poll.caBundle", ConfigType.PATH)
            .check(Checks.pemCertificates()).computedDefault("credentials[].caBundle")
            .doc("PEM file of the certificate authorities to trust for this credential's vendor hosts instead of the JVM's"
                    + " (a private CA, a TLS-inspecting proxy), when the API hosts need another CA than the login host; by"
                    + " default the credential's caBundle, which the token manager's logins use too. TLS is always verified,"
                    + " host name included; there is no setting that turns verification off.");
    /** {@code credentials[].poll.jobs}. */
    public static final ConfigKey<List<ConfigSection>> POLL_JOBS = ConfigKey.items("credentials[].poll.jobs")
            .doc("In the mapping form of poll:, the list of entries (same keys as credentials[].poll[].*).");

    /** The keys of one poll entry, under {@code credentials[].poll[]} (list form) or {@code credentials[].poll.jobs[]}. */
    private record EntryKeys(ConfigKey<String> endpoint, ConfigKey<String> name, ConfigKey<Duration> interval,
                             ConfigKey<List<String>> queueIds, ConfigKey<List<String>> queueNames, ConfigKey<List<String>> metrics,
                             ConfigKey<Integer> batchSize, ConfigKey<Map<String, String>> params, ConfigKey<Boolean> enabled) {

        static EntryKeys under(String prefix) {
            return new EntryKeys(
                    ConfigKey.string(prefix + ".endpoint").fileOnly().required()
                            .check(e -> Endpoints.ALL.contains(e) ? null : "is not an endpoint kind; use one of "
                                    + String.join(", ", Endpoints.ALL))
                            .doc("What to fetch: one of " + String.join(", ", Endpoints.ALL) + "."),
                    ConfigKey.string(prefix + ".name").fileOnly().computedDefault("the endpoint")
                            .check(Checks.matches(NAME.pattern(), "may only contain letters, digits, '.', '_' and '-'"))
                            .doc("Name of the entry, unique per credential; part of the job ids."),
                    ConfigKey.duration(prefix + ".interval").fileOnly().defaultValue(Duration.ofSeconds(10))
                            .check(d -> d.compareTo(MIN_INTERVAL) < 0 ? "must be at least 1 s" : null)
                            .doc("Time between two polls of each job, at least 1s."),
                    ConfigKey.stringList(prefix + ".queueIds").fileOnly().defaultValue(List.of()).check(PollerConfig::noBlank)
                            .doc("Explicit queue ids. With neither queueIds nor queueNames: every queue the vendor lists."),
                    ConfigKey.stringList(prefix + ".queueNames").fileOnly().defaultValue(List.of()).check(PollerConfig::noBlank)
                            .doc("Glob patterns (*, ?) over the queue names discovery finds, e.g. [\"Support*\"]."),
                    ConfigKey.stringList(prefix + ".metrics").fileOnly().defaultValue(List.of()).check(PollerConfig::noBlank)
                            .doc("Vendor metric names; default: the endpoint's set (docs/poller.md)."),
                    ConfigKey.integer(prefix + ".batchSize").fileOnly()
                            .computedDefault("100 for genesys.* and cxone.*, else no limit")
                            .check(n -> n < 1 ? "must be a whole number >= 1 (queues per vendor request)" : null)
                            .doc("Most queues per job, i.e. per vendor request."),
                    ConfigKey.of(prefix + ".params", ConfigType.LITERAL_MAP).fileOnly().defaultValue(Map.of())
                            .doc("Endpoint parameters (granularity, report store id, JSON pointers...). They are written to the"
                                    + " poll-jobs topic in clear text, so never secrets: a ${env:..} value is refused."),
                    ConfigKey.bool(prefix + ".enabled").fileOnly().defaultValue(true)
                            .doc("false keeps the jobs defined but not polled."));
        }

        List<ConfigKey<?>> all() {
            return List.of(endpoint, name, interval, queueIds, queueNames, metrics, batchSize, params, enabled);
        }
    }

    private static final EntryKeys LIST_ENTRY = EntryKeys.under("credentials[].poll[]");
    private static final EntryKeys JOBS_ENTRY = EntryKeys.under("credentials[].poll.jobs[]");

    private static final List<ConfigKey<?>> SHARED_KEYS = List.of(BOOTSTRAP_SERVERS, TOPIC_PREFIX, KAFKA_PROPERTIES,
            SCHEMA_REGISTRY_URL, SCHEMA_REGISTRY_PROPERTIES, ACTIVE_KEY_ID, ENCRYPTION_KEYS);
    private static final List<ConfigKey<?>> POLLER_KEYS = List.of(INSTANCE_ID, JOB_PARTITIONS, TRANSACTIONAL_ID_PREFIX,
            SESSION_TIMEOUT, TRANSACTION_TIMEOUT, SHUTDOWN_TIMEOUT, BACKFILL_LOOK_BACK, PLAN_INTERVAL, DISCOVERY_TIMEOUT, OPS_HOST,
            OPS_PORT);
    private static final List<ConfigKey<?>> HTTP_KEYS = List.of(HTTP_CONNECT_TIMEOUT, HTTP_IDLE_TIMEOUT, HTTP_REQUEST_TIMEOUT,
            HTTP_MAX_CONNECTIONS, HTTP_HTTP2, HTTP_MAX_BODY_BYTES, HTTP_MAX_ATTEMPTS, HTTP_BACKOFF_INITIAL, HTTP_BACKOFF_MAX,
            HTTP_MAX_RETRY_AFTER, HTTP_TOKEN_REFRESH_WAIT, HTTP_REQUESTS_PER_MINUTE, HTTP_USER_AGENT);
    private static final List<ConfigKey<?>> POLL_SECTION_KEYS = List.of(POLL_REQUESTS_PER_MINUTE, POLL_CA_BUNDLE, POLL_JOBS);
    private static final List<ConfigKey<?>> KEYS;
    private static final List<ConfigKey<?>> CREDENTIAL_KEYS;

    static {
        List<ConfigKey<?>> all = new ArrayList<>(SHARED_KEYS);
        all.addAll(POLLER_KEYS);
        all.addAll(HTTP_KEYS);
        KEYS = List.copyOf(all);
        List<ConfigKey<?>> credential = new ArrayList<>();
        credential.add(POLL);
        credential.addAll(POLL_SECTION_KEYS);
        credential.addAll(LIST_ENTRY.all());
        CREDENTIAL_KEYS = List.copyOf(credential);
    }

    /**
     * Names at the top of the file not checked by the top-level check: the credentials (whose poll: sections are read
     * one by one below; the token manager checks the rest), the other roles' sections, the token manager's
     * {@code kafka.requestPartitions} and its older top-level names ({@code instanceId}, {@code refresh}, {@code ops}).
     */
    private static final List<String> FOREIGN;

    static {
        List<String> foreign = new ArrayList<>(ConfigSource.SECTIONS);
        foreign.removeAll(List.of("kafka", "schemaRegistry", "encryption", "poller", "credentials"));
        foreign.addAll(List.of("credentials", "kafka.requestPartitions", "instanceId", "refresh", "ops"));
        FOREIGN = List.copyOf(foreign);
    }

    public PollerConfig {
        Objects.requireNonNull(bootstrapServers, "bootstrapServers");
        Objects.requireNonNull(topicPrefix, "topicPrefix");
        kafkaProperties = Map.copyOf(kafkaProperties);
        Objects.requireNonNull(schemaRegistryUrl, "schemaRegistryUrl");
        schemaRegistryProperties = Map.copyOf(schemaRegistryProperties);
        Objects.requireNonNull(instanceId, "instanceId");
        Objects.requireNonNull(transactionalIdPrefix, "transactionalIdPrefix");
        Objects.requireNonNull(sessionTimeout, "sessionTimeout");
        Objects.requireNonNull(transactionTimeout, "transactionTimeout");
        Objects.requireNonNull(shutdownTimeout, "shutdownTimeout");
        Objects.requireNonNull(backfillLookBack, "backfillLookBack");
        Objects.requireNonNull(planInterval, "planInterval");
        Objects.requireNonNull(discoveryTimeout, "discoveryTimeout");
        Objects.requireNonNull(opsHost, "opsHost");
        Objects.requireNonNull(http, "http");
        credentials = List.copyOf(credentials);
    }

    /** Every key of the shared sections and of {@code poller:} (incl. {@code poller.http.*}), in file order. */
    public static List<ConfigKey<?>> configKeys() {
        return KEYS;
    }

    /** The keys of a credential's {@code poll:} section and of its entries (list form). */
    public static List<ConfigKey<?>> credentialKeys() {
        return CREDENTIAL_KEYS;
    }

    /** The reference sections of the keys only the pollers read: {@code poller} and each credential's {@code poll:}. */
    public static ConfigReference referenceSections(ConfigReference reference) {
        return reference
                .section("poller", "Settings of `switchboard poller` and `switchboard jobs` (the shared kafka, schemaRegistry"
                        + " and encryption sections above are read too; the poller only decrypts tokens).", POLLER_KEYS)
                .section("poller.http", "How the pollers talk to the vendors: timeouts, pooling, retries, the bound on what"
                        + " one answer may weigh, the default request budget. TLS is always verified; trust a private CA per"
                        + " credential with credentials[].caBundle (logins and polls) or credentials[].poll.caBundle (polls only).", HTTP_KEYS)
                .section("credentials[].poll", "The pollers' part of a credential: what to fetch, and the credential's HTTP"
                        + " settings. The entry keys are the same under poll.jobs[] in the mapping form. Entries are set in the"
                        + " file only; requestsPerMinute and caBundle also by environment variable (the credential's id in"
                        + " place of <ID>).", CREDENTIAL_KEYS);
    }

    /** The poller's own sections as plain text (see the CLI's {@code --print-config-reference} for the whole file). */
    public static String reference() {
        return referenceSections(ConfigReference.of().section("kafka, schemaRegistry, encryption (shared by every role)",
                "", SHARED_KEYS)).text();
    }

    /** Topic names under {@link #topicPrefix()}. */
    public Topics topics() {
        return new Topics(topicPrefix);
    }

    /** This poller's producer {@code transactional.id}. */
    public String transactionalId() {
        return transactionalIdPrefix + instanceId;
    }

    /** Kafka client properties: bootstrap servers plus {@link #kafkaProperties()}. */
    public Map<String, Object> kafkaClientProperties() {
        Map<String, Object> props = new LinkedHashMap<>(kafkaProperties);
        props.put("bootstrap.servers", bootstrapServers);
        return props;
    }

    /** The whole registry client configuration: {@code schemaRegistry.url} with {@code schemaRegistry.properties}. */
    public SchemaRegistryConfig schemaRegistry() {
        if (schemaRegistryProperties.isEmpty()) {
            return SchemaRegistryConfig.of(schemaRegistryUrl);
        }
        ConfigProblems problems = new ConfigProblems("schemaRegistry");
        SchemaRegistryConfig config = SchemaRegistryConfig.fromSettings(schemaRegistryUrl, schemaRegistryProperties, problems);
        problems.throwIfAny();
        return config;
    }

    /** The {@link io.switchboard.token.TokenTable} settings of this poller (its executor reads tokens through it). */
    public TokenTableConfig tokenTableConfig() {
        return new TokenTableConfig(kafkaClientProperties(), topics(), keys, schemaRegistryUrl, instanceId)
                .withSchemaRegistry(schemaRegistry());
    }

    /** The {@code poll:} section of {@code credentialId}, if configured. */
    public Optional<CredentialPolls> credential(String credentialId) {
        return credentials.stream().filter(c -> c.credentialId().equals(credentialId)).findFirst();
    }

    /** The HTTP settings of {@code credentialId}: its CA bundle and budget, or the defaults when it has no poll: section. */
    public CredentialHttpSettings credentialHttpSettings(String credentialId) {
        return credential(credentialId).map(CredentialPolls::httpSettings).orElse(CredentialHttpSettings.DEFAULTS);
    }

    /** A copy with another instance id (tests run several pollers in one JVM). */
    public PollerConfig withInstanceId(String id) {
        return new PollerConfig(bootstrapServers, topicPrefix, kafkaProperties, schemaRegistryUrl, schemaRegistryProperties, keys, id, jobPartitions,
                transactionalIdPrefix, sessionTimeout, transactionTimeout, shutdownTimeout, backfillLookBack, planInterval,
                discoveryTimeout, opsHost, opsPort, http, credentials);
    }

    /** A copy with other {@code poll:} sections (tests, embedded demo). */
    public PollerConfig withCredentials(List<CredentialPolls> polls) {
        return new PollerConfig(bootstrapServers, topicPrefix, kafkaProperties, schemaRegistryUrl, schemaRegistryProperties, keys, instanceId, jobPartitions,
                transactionalIdPrefix, sessionTimeout, transactionTimeout, shutdownTimeout, backfillLookBack, planInterval,
                discoveryTimeout, opsHost, opsPort, http, polls);
    }

    /** A copy with other HTTP options (tests, benchmarks). */
    public PollerConfig withHttp(VendorHttpOptions options) {
        return new PollerConfig(bootstrapServers, topicPrefix, kafkaProperties, schemaRegistryUrl, schemaRegistryProperties, keys, instanceId, jobPartitions,
                transactionalIdPrefix, sessionTimeout, transactionTimeout, shutdownTimeout, backfillLookBack, planInterval,
                discoveryTimeout, opsHost, opsPort, options, credentials);
    }

    /** Loads a YAML file, resolving references and overrides against the process environment. */
    public static PollerConfig load(Path file) {
        return load(file, System.getenv());
    }

    /** Loads a YAML file, resolving references and overrides against {@code env}. */
    public static PollerConfig load(Path file, Map<String, String> env) {
        return from(ConfigSource.load(file, env));
    }

    /** Parses YAML text; see {@link #from(ConfigSource)}. */
    public static PollerConfig parse(String yaml, String source, Map<String, String> env) {
        return from(ConfigSource.parse(yaml, source, env));
    }

    /**
     * Reads the configuration from a parsed {@code switchboard.yaml}.
     *
     * @param root   the whole file
     * @param source where it came from, for problem messages
     * @param env    environment for overrides and {@code ${env:..}} references
     * @throws ConfigException with every problem found
     */
    public static PollerConfig from(JsonNode root, String source, Map<String, String> env) {
        return from(ConfigSource.fromTree(root, source, env));
    }

    /**
     * Reads the poller's keys from a configuration.
     *
     * @throws ConfigException with every problem found
     */
    public static PollerConfig from(ConfigSource source) {
        ConfigProblems problems = source.newProblems();
        ConfigSection root = source.root(problems);
        root.rejectUnknownKeys(KEYS, FOREIGN);
        String bootstrap = root.get(BOOTSTRAP_SERVERS);
        String prefix = root.get(TOPIC_PREFIX);
        Map<String, String> kafkaProps = root.get(KAFKA_PROPERTIES);
        String registry = root.get(SCHEMA_REGISTRY_URL);
        Map<String, String> registryProperties = root.get(SCHEMA_REGISTRY_PROPERTIES);
        if (registry != null && registryProperties != null) {
            SchemaRegistryConfig.fromSettings(registry, registryProperties, problems); // its problems, reported with the rest
        }
        TokenKeys keys = TokenKeys.fromConfig(root).orElse(null);
        String instanceId = root.get(INSTANCE_ID);
        if (instanceId == null) {
            instanceId = defaultInstanceId();
        }
        Integer partitions = root.get(JOB_PARTITIONS);
        String txPrefix = root.get(TRANSACTIONAL_ID_PREFIX);
        if (txPrefix == null) {
            txPrefix = (prefix == null ? Topics.DEFAULT_PREFIX : prefix) + ".poller-";
        }
        Duration session = root.get(SESSION_TIMEOUT);
        Duration txTimeout = root.get(TRANSACTION_TIMEOUT);
        Duration shutdown = root.get(SHUTDOWN_TIMEOUT);
        Duration lookBack = root.get(BACKFILL_LOOK_BACK);
        Duration plan = root.get(PLAN_INTERVAL);
        Duration discovery = root.get(DISCOVERY_TIMEOUT);
        String opsHost = root.get(OPS_HOST);
        Integer opsPort = root.get(OPS_PORT);
        VendorHttpOptions http = readHttp(root);
        List<CredentialPolls> credentials = readCredentials(root);
        problems.throwIfAny();
        return new PollerConfig(bootstrap, prefix, kafkaProps == null ? Map.of() : kafkaProps, registry,
                registryProperties == null ? Map.of() : registryProperties, keys, instanceId,
                partitions, txPrefix, session, txTimeout, shutdown, lookBack, plan, discovery, opsHost, opsPort, http, credentials);
    }

    private static VendorHttpOptions readHttp(ConfigSection root) {
        Duration connect = root.get(HTTP_CONNECT_TIMEOUT);
        Duration idle = root.get(HTTP_IDLE_TIMEOUT);
        Duration request = root.get(HTTP_REQUEST_TIMEOUT);
        Integer connections = root.get(HTTP_MAX_CONNECTIONS);
        Boolean http2 = root.get(HTTP_HTTP2);
        Integer maxBody = root.get(HTTP_MAX_BODY_BYTES);
        Integer attempts = root.get(HTTP_MAX_ATTEMPTS);
        Duration backoffInitial = root.get(HTTP_BACKOFF_INITIAL);
        Duration backoffMax = root.get(HTTP_BACKOFF_MAX);
        Duration maxRetryAfter = root.get(HTTP_MAX_RETRY_AFTER);
        Duration refreshWait = root.get(HTTP_TOKEN_REFRESH_WAIT);
        Integer perMinute = root.get(HTTP_REQUESTS_PER_MINUTE);
        String userAgent = root.get(HTTP_USER_AGENT);
        if (backoffInitial != null && backoffMax != null && backoffMax.compareTo(backoffInitial) < 0) {
            root.problem(HTTP_BACKOFF_MAX, backoffMax, "is shorter than " + HTTP_BACKOFF_INITIAL.name() + " ("
                    + HTTP_BACKOFF_INITIAL.describe(backoffInitial) + "); make it at least as long");
            return null;
        }
        if (connect == null || idle == null || request == null || connections == null || http2 == null || maxBody == null
                || attempts == null || backoffInitial == null || backoffMax == null || maxRetryAfter == null || refreshWait == null
                || perMinute == null || userAgent == null) {
            return null; // a problem was recorded
        }
        Map<String, Integer> budgets = new LinkedHashMap<>();
        HTTP_DEFAULTS.requestsPerMinute().keySet().forEach(provider -> budgets.put(provider, perMinute));
        budgets.put(VendorHttpOptions.ANY_PROVIDER, perMinute);
        return new VendorHttpOptions(connect, idle, request, connections, http2, maxBody, attempts,
                new Backoff(backoffInitial, backoffMax), maxRetryAfter, refreshWait, budgets, userAgent);
    }

    private static List<CredentialPolls> readCredentials(ConfigSection root) {
        List<CredentialPolls> out = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        for (ConfigSection c : root.items("credentials")) {
            String id = c.id();
            if (id == null) {
                if (c.has("credentials[].poll")) {
                    c.problems().add(c.path() + ".id", null, "is required for a credential with a poll: section");
                }
                continue;
            }
            if (!ids.add(id) || !c.has("credentials[].poll")) {
                continue; // the token manager reports duplicate ids
            }
            String provider = Optional.ofNullable(c.get(CREDENTIAL_PROVIDER)).orElse("unknown");
            ConfigSection poll = c.section("credentials[].poll");
            Integer budget = null;
            Path caBundle = null;
            List<ConfigSection> entries;
            EntryKeys keys;
            if (c.isList("credentials[].poll")) {
                entries = c.items("credentials[].poll");
                keys = LIST_ENTRY;
                budget = poll.get(POLL_REQUESTS_PER_MINUTE);
                caBundle = poll.get(POLL_CA_BUNDLE);
            } else if (c.isMapping("credentials[].poll")) {
                poll.rejectUnknownKeys(POLL_SECTION_KEYS, List.of(), "is not a key of a poll: section (or write the section as"
                        + " a list of jobs)");
                budget = poll.get(POLL_REQUESTS_PER_MINUTE);
                caBundle = poll.get(POLL_CA_BUNDLE);
                keys = JOBS_ENTRY;
                if (!poll.isList("credentials[].poll.jobs")) {
                    c.problems().add(poll.path() + ".jobs", null, "must be a list of entries like"
                            + " `- {endpoint: genesys.queue-observations, interval: PT10S}`");
                    continue;
                }
                entries = poll.items("credentials[].poll.jobs");
            } else {
                c.problems().add(poll.path(), null, "must be a list of entries like"
                        + " `- {endpoint: genesys.queue-observations, interval: PT10S}`");
                continue;
            }
            List<PollSpec> specs = new ArrayList<>();
            Set<String> names = new HashSet<>();
            for (ConfigSection e : entries) {
                PollSpec spec = readSpec(e, keys);
                if (spec != null && !names.add(spec.name())) {
                    e.problem(keys.name(), spec.name(), "is used twice in credential " + id
                            + "; give each entry its own name (it becomes part of the job ids)");
                } else if (spec != null) {
                    specs.add(spec);
                }
            }
            if (caBundle == null) {
                caBundle = c.get(SharedKeys.CREDENTIAL_CA_BUNDLE); // the login's CA bundle, when the poll: section names none
            }
            out.add(new CredentialPolls(id, provider, specs, budget, caBundle));
        }
        return out;
    }

    private static PollSpec readSpec(ConfigSection e, EntryKeys keys) {
        ConfigProblems problems = e.problems();
        int before = problems.problems().size();
        e.rejectUnknownKeys(keys.all(), List.of(), "is not a key of a poll entry");
        String endpoint = e.get(keys.endpoint());
        String name = e.get(keys.name());
        Duration interval = e.get(keys.interval());
        List<String> queueIds = e.get(keys.queueIds());
        List<String> queueNames = e.get(keys.queueNames());
        List<String> metrics = e.get(keys.metrics());
        Integer batch = e.get(keys.batchSize());
        Map<String, String> params = e.get(keys.params());
        if (params != null) {
            params.forEach((k, v) -> {
                if (SecretReferences.isReference(v)) {
                    problems.add(e.where(keys.params()) + "." + k, "****", "params are written to the poll-jobs topic in clear"
                            + " text; secrets belong in the credential, not in poll params");
                }
            });
        }
        Boolean enabled = e.get(keys.enabled());
        if (problems.problems().size() > before || endpoint == null) {
            return null;
        }
        return new PollSpec(name == null ? endpoint : name, endpoint, interval, queueIds, queueNames, metrics,
                batch == null ? PollSpec.defaultBatchSize(endpoint) : batch, params, enabled);
    }

    private static String noBlank(List<String> values) {
        return values.stream().anyMatch(String::isBlank) ? "entries must be non-empty text" : null;
    }

    /** Parses {@code 1048576}, {@code 512KiB}, {@code 16MiB}, {@code 1GiB}. */
    static Integer parseBytes(String text) {
        Matcher m = BYTES.matcher(text.trim().replace("_", ""));
        if (!m.matches()) {
            throw new IllegalArgumentException("is not a size; write a number of bytes, or with KiB, MiB or GiB, e.g. 16MiB");
        }
        long n;
        try {
            n = Long.parseLong(m.group(1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("is too large; at most 1GiB");
        }
        String unit = m.group(2) == null ? "B" : m.group(2);
        long factor = switch (unit) {
            case "KiB" -> 1L << 10;
            case "MiB" -> 1L << 20;
            case "GiB" -> 1L << 30;
            default -> 1L;
        };
        if (n > Integer.MAX_VALUE / factor) {
            throw new IllegalArgumentException("is too large; at most 1GiB");
        }
        return (int) (n * factor);
    }

    @Override
    public String toString() {
        Map<String, String> masked = new LinkedHashMap<>();
        kafkaProperties.forEach((k, v) -> masked.put(k, SENSITIVE.matcher(k).matches() ? "****" : v));
        return "PollerConfig[bootstrapServers=" + bootstrapServers + ", topicPrefix=" + topicPrefix + ", kafkaProperties=" + masked
                + ", schemaRegistryUrl=" + schemaRegistryUrl + ", keys=" + keys + ", instanceId=" + instanceId
                + ", jobPartitions=" + jobPartitions + ", transactionalId=" + transactionalId() + ", sessionTimeout=" + sessionTimeout
                + ", shutdownTimeout=" + shutdownTimeout + ", backfillLookBack=" + backfillLookBack + ", planInterval=" + planInterval
                + ", ops=" + opsHost + ":" + opsPort + ", credentials=" + credentials.size() + "]";
    }

    static String defaultInstanceId() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName().replaceAll("[^A-Za-z0-9._-]", "-");
        } catch (IOException e) {
            host = "localhost";
        }
        return host + "-" + ProcessHandle.current().pid();
    }
}
