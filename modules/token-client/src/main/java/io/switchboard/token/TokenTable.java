package io.switchboard.token;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.switchboard.core.Secret;
import io.switchboard.core.SwitchboardException;
import io.switchboard.core.supervise.Backoff;
import io.switchboard.core.kafka.KafkaAccessDeniedException;
import io.switchboard.core.supervise.Failures;
import io.switchboard.core.supervise.Health;
import io.switchboard.core.supervise.Supervisor;
import io.switchboard.events.token.TokenRecord;
import io.switchboard.events.token.TokenRefreshRequest;
import io.switchboard.registry.SchemaRegistryAuthenticationException;
import io.switchboard.token.internal.TokenCipher;
import io.switchboard.token.internal.TokenSerdes;

/**
 * The current token of every credential, read from the compacted {@code switchboard.tokens} topic:
 * the library pollers and tools use to get the headers to send, and to ask the owning token
 * manager for a new token when a vendor rejects one.
 *
 * <p>{@link #start} reads the whole topic from the beginning (no consumer group: every partition is
 * assigned), decrypts each record with the configured keys and keeps the newest version per
 * credential. Tombstones remove a credential.
 *
 * <p><b>Failures.</b> A record that cannot be decoded (not a TokenRecord, unknown schema id) or decrypted
 * (unknown key id, tampered ciphertext) is poison: it is reported ({@link #problems()}, a WARN naming
 * credential, version and key id) and skipped; the table keeps the previous version. A <em>retriable</em> failure
 * is never a reason to skip a record: when the schema registry is unreachable the table seeks back to that record
 * and reads it again after a backoff with jitter, and when the broker does not answer (a {@code TimeoutException}
 * from {@code endOffsets}) it retries the same way; meanwhile the component {@value #COMPONENT} is RETRYING with the
 * reason ({@code /ready} DOWN). The reader checks the broker every {@value #BROKER_CHECK_SECONDS} s, so an outage
 * shows within seconds even when there is nothing to read. A registry that refuses the reader's credentials (401,
 * 403) is fatal, not poison: no record could be read. A table that stays short of the topic's end for more
 * than {@value #MAX_LAG_SECONDS} s is BEHIND; a loop that stops reporting progress (a listener that blocks) is BEHIND
 * after {@value #MAX_SILENCE_SECONDS} s; a fatal failure (e.g. not authorized to read the topic) FAILS the
 * component, which runs the role's fatal handler when the table runs under the role's {@link Supervisor}.
 *
 * <p><b>Contract for readers.</b>
 * <ul>
 *   <li>{@link #addListener} first tells the new listener about every current token (on the calling thread),
 *       then about each new version and removal (on the table's thread), in topic order and never twice.</li>
 *   <li>{@link #requestRefresh} never blocks and never throws — safe on a Vert.x event loop: serialization
 *       (which may ask the registry) and sending happen on the table's sender thread, with a producer created when
 *       the table starts; every problem fails the returned future instead.</li>
 *   <li>{@link #headers} refuses a token that expires within {@link TokenTableConfig#expirySafetyMargin()}.</li>
 *   <li>{@link #close()} completes every pending future ({@link #catchUp}, {@link #requestRefresh}): the ones
 *       not done by then fail with {@link TokenTableClosedException}.</li>
 * </ul>
 *
 * <p>Thread-safe: reads are lock-free; the table has one consumer thread, on which listeners run, and one sender
 * thread for refresh requests.
 */
public final class TokenTable implements AutoCloseable {

    /** Name of the supervised component of the reader. */
    public static final String COMPONENT = "token-table";
    /** How often the reader checks that the broker answers, in seconds. */
    public static final long BROKER_CHECK_SECONDS = 5;
    /** How long the reader may stay short of the topic's end before it is BEHIND, in seconds. */
    public static final long MAX_LAG_SECONDS = 30;
    /** How long the reader may report no progress before it is BEHIND, in seconds. */
    public static final long MAX_SILENCE_SECONDS = 60;

    private static final Logger LOG = LoggerFactory.getLogger(TokenTable.class);
    private static final Duration POLL = Duration.ofMillis(200);
    private static final Duration BROKER_TIMEOUT = Duration.ofSeconds(5);
    private static final Backoff BACKOFF = new Backoff(Duration.ofMillis(200), Duration.ofSeconds(5));
    private static final int MAX_QUEUED_REQUESTS = 10_000;

    private final TokenTableConfig config;
    private final String topic;
    private final String requestTopic;
    private final TokenCipher cipher;
    private final Deserializer<TokenRecord> recordDeserializer;
    private final Serializer<TokenRefreshRequest> requestSerializer;
    private final Map<String, TokenView> views = new ConcurrentHashMap<>();
    private final Map<String, Long> latestVersions = new ConcurrentHashMap<>();
    private final Map<String, String> problems = new ConcurrentHashMap<>();
    private final List<TokenListener> listeners = new CopyOnWriteArrayList<>();
    private final Object notifications = new Object();
    private final ConcurrentLinkedQueue<CompletableFuture<Void>> catchUpRequests = new ConcurrentLinkedQueue<>();
    private final Set<CompletableFuture<Void>> pendingFutures = ConcurrentHashMap.newKeySet();
    private final CountDownLatch ready = new CountDownLatch(1);
    private final CountDownLatch stopping = new CountDownLatch(1);
    private final KafkaConsumer<String, byte[]> consumer;
    private final KafkaProducer<String, byte[]> requestProducer;
    private final ThreadPoolExecutor sender;
    private final Supervisor supervisor;
    private final boolean ownsSupervisor;
    private final Supervisor.Component component;
    private final Clock clock = Clock.systemUTC();
    private final SplittableRandom jitter = new SplittableRandom();
    private final Thread thread;
    private volatile boolean running = true;
    private volatile boolean closed;

    // reader-thread state
    private List<TopicPartition> partitions;
    private Map<TopicPartition, Long> initialEnd;
    private final List<Pending> pendingCatchUps = new ArrayList<>();
    private Instant lastBrokerCheck = Instant.MIN;
    private boolean brokerCheckFailed;
    private Instant behindSince;
    private long behindBy;

    private TokenTable(TokenTableConfig config, Supervisor supervisor) {
        this.config = config;
        this.topic = config.topics().tokens();
        this.requestTopic = config.topics().tokenRequests();
        this.cipher = new TokenCipher(config.keys());
        this.recordDeserializer = TokenSerdes.value(TokenRecord.class, config.schemaRegistry()).deserializer();
        this.requestSerializer = TokenSerdes.value(TokenRefreshRequest.class, config.schemaRegistry()).serializer();
        this.ownsSupervisor = supervisor == null;
        this.supervisor = supervisor != null ? supervisor : Supervisor.create("token-table-" + config.clientId());
        this.component = this.supervisor.component(COMPONENT, Duration.ofSeconds(MAX_SILENCE_SECONDS));
        Map<String, Object> props = new HashMap<>(config.kafkaProperties());
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, config.clientId() + "-token-table");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        this.consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
        Map<String, Object> producerProps = new HashMap<>(config.kafkaProperties());
        producerProps.put(ProducerConfig.CLIENT_ID_CONFIG, config.clientId() + "-token-requests");
        producerProps.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        this.requestProducer = new KafkaProducer<>(producerProps, new StringSerializer(), new ByteArraySerializer());
        this.sender = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(MAX_QUEUED_REQUESTS), r -> {
            Thread t = new Thread(r, "token-requests-" + config.clientId());
            t.setDaemon(true);
            return t;
        });
        this.thread = new Thread(this::run, "token-table-" + config.clientId());
        this.thread.setDaemon(true);
    }

    /**
     * Starts reading {@code <prefix>.tokens} in the background, reporting to a supervisor of its own (see
     * {@link #health()}); see {@link #awaitReady}.
     */
    public static TokenTable start(TokenTableConfig config) {
        return start(config, null);
    }

    /**
     * Starts reading {@code <prefix>.tokens} in the background as component {@value #COMPONENT} of the role's
     * {@code supervisor}: its readiness shows the table's, and a fatal failure of the table runs the role's fatal
     * handler.
     *
     * @param supervisor the role's supervisor, or {@code null} for one of the table's own
     */
    public static TokenTable start(TokenTableConfig config, Supervisor supervisor) {
        TokenTable table = new TokenTable(config, supervisor);
        table.thread.start();
        table.warmUpRequests();
        return table;
    }

    /**
     * Waits until the table has read everything that was on the topic when it started.
     *
     * @return whether it got there within {@code timeout}
     */
    public boolean awaitReady(Duration timeout) throws InterruptedException {
        return ready.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Whether the initial read is complete. */
    public boolean isReady() {
        return ready.getCount() == 0;
    }

    /**
     * The reader's health: DOWN while the first read is not complete, RETRYING during a broker or registry outage,
     * BEHIND, FAILED; else UP. Each with a reason a person can act on.
     */
    public Health health() {
        Health h = component.health();
        if (h.up() && !isReady()) {
            return Health.down("still reading " + topic + " from the beginning");
        }
        return h;
    }

    /**
     * Completes once the table has read everything on the topic at the time of the call, so that a
     * reader sees its own (or another instance's) acknowledged writes. Fails with
     * {@link TokenTableClosedException} when the table closes first.
     */
    public CompletableFuture<Void> catchUp() {
        CompletableFuture<Void> f = new CompletableFuture<>();
        if (closed) {
            f.completeExceptionally(new TokenTableClosedException("token table " + topic + " is closed"));
            return f;
        }
        track(f);
        catchUpRequests.add(f);
        return f;
    }

    /** The newest decrypted token of {@code credentialId}, if any (it may have expired: see {@link TokenView#isExpired}). */
    public Optional<TokenView> current(String credentialId) {
        return Optional.ofNullable(views.get(credentialId));
    }

    /**
     * The headers to send for {@code credentialId}, if a token is known that does not expire within the
     * {@linkplain TokenTableConfig#expirySafetyMargin() safety margin}.
     */
    public Optional<Map<String, Secret>> headers(String credentialId) {
        return headers(credentialId, clock.instant());
    }

    /** {@link #headers(String)} at the instant {@code now} (tests, virtual clocks). */
    public Optional<Map<String, Secret>> headers(String credentialId, Instant now) {
        TokenView view = views.get(credentialId);
        if (view == null || !now.plus(config.expirySafetyMargin()).isBefore(view.expiresAt())) {
            return Optional.empty();
        }
        return Optional.of(view.headers());
    }

    /** The highest version seen for {@code credentialId}, even one that could not be decrypted. */
    public OptionalLong latestVersion(String credentialId) {
        Long v = latestVersions.get(credentialId);
        return v == null ? OptionalLong.empty() : OptionalLong.of(v);
    }

    /** Ids of every credential with a current (decrypted) token. */
    public Set<String> credentialIds() {
        return Set.copyOf(views.keySet());
    }

    /** Credential id to the last problem reading its newest record (decoding, decryption); empty when all is well. */
    public Map<String, String> problems() {
        return Map.copyOf(problems);
    }

    /**
     * Adds a listener. It is first told about every current token, on the calling thread (credentials in id
     * order), then about every new version and removal, on the table's thread; no version is told twice or lost
     * between the two.
     */
    public void addListener(TokenListener listener) {
        Objects.requireNonNull(listener, "listener");
        synchronized (notifications) {
            views.values().stream().sorted(Comparator.comparing(TokenView::credentialId)).forEach(v -> tell(listener, v));
            listeners.add(listener);
        }
    }

    /** Removes a listener. */
    public void removeListener(TokenListener listener) {
        listeners.remove(listener);
    }

    /**
     * Asks the owning token manager to log in again for {@code credentialId}. The owner logs in at
     * most once per failed version, however many readers ask, and only when {@code failedVersion} is
     * still its current version; the new token then arrives through the listeners.
     *
     * <p>Never blocks and never throws (call it from an event loop): the request is encoded and sent on the
     * table's sender thread. The future fails instead — with the registry's or Kafka's exception (retriable ones
     * say so: {@link Failures#isRetriable}), with {@link IllegalArgumentException} for a missing credential id, with
     * {@link TokenTableClosedException} after {@link #close()}, or when {@value #MAX_QUEUED_REQUESTS} requests wait.
     *
     * @param failedVersion the version the vendor rejected, or {@code null} when the reader has none
     * @param reason        what happened, e.g. {@code 401 bad.credentials from POST /api/v2/...}; never a secret
     * @param httpStatus    the vendor's HTTP status, or {@code null}
     * @return completes when the request is on the topic
     */
    public CompletableFuture<Void> requestRefresh(String credentialId, Long failedVersion, String reason, Integer httpStatus) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        try {
            if (credentialId == null || credentialId.isBlank()) {
                done.completeExceptionally(new IllegalArgumentException("requestRefresh needs the id of the credential whose token was rejected"));
                return done;
            }
            if (closed) {
                done.completeExceptionally(new TokenTableClosedException("token table " + topic + " is closed; no refresh request for "
                        + credentialId + " was sent"));
                return done;
            }
            track(done);
            Instant at = clock.instant();
            sender.execute(() -> send(credentialId, failedVersion, reason, httpStatus, at, done));
        } catch (RejectedExecutionException e) {
            done.completeExceptionally(closed ? new TokenTableClosedException("token table " + topic + " is closed; no refresh request for "
                    + credentialId + " was sent") : new RefreshRequestsBacklogException(credentialId, MAX_QUEUED_REQUESTS));
        } catch (RuntimeException e) {
            done.completeExceptionally(e);
        }
        return done;
    }

    private void send(String credentialId, Long failedVersion, String reason, Integer httpStatus, Instant at, CompletableFuture<Void> done) {
        if (done.isDone()) {
            return;
        }
        if (closed) {
            done.completeExceptionally(new TokenTableClosedException("token table " + topic + " closed before the refresh request for "
                    + credentialId + " was sent"));
            return;
        }
        try {
            TokenRefreshRequest request = TokenRefreshRequest.newBuilder()
                    .setCredentialId(credentialId)
                    .setFailedVersion(failedVersion)
                    .setReason(reason == null ? "" : reason)
                    .setHttpStatus(httpStatus)
                    .setRequester(config.clientId())
                    .setRequestedAt(at)
                    .build();
            byte[] value = requestSerializer.serialize(requestTopic, request);
            requestProducer.send(new ProducerRecord<>(requestTopic, credentialId, value), (metadata, error) -> {
                if (error == null) {
                    done.complete(null);
                } else {
                    done.completeExceptionally(error);
                }
            });
        } catch (RuntimeException e) { // registry unreachable, producer closed, metadata timeout
            done.completeExceptionally(e);
        }
    }

    /** Fetches the request topic's metadata and the request schema ahead of the first request; best effort. */
    private void warmUpRequests() {
        try {
            sender.execute(() -> {
                try {
                    requestProducer.partitionsFor(requestTopic);
                } catch (RuntimeException e) {
                    LOG.debug("token table: no metadata for {} yet ({})", requestTopic, e.toString());
                }
            });
        } catch (RejectedExecutionException e) {
            // closed at once
        }
    }

    private void track(CompletableFuture<Void> f) {
        pendingFutures.add(f);
        f.whenComplete((v, e) -> pendingFutures.remove(f));
    }

    /**
     * Stops the reader and the sender, and completes every pending future: those the broker has not acknowledged
     * by then fail with {@link TokenTableClosedException}. Closes the table's own supervisor, never the role's.
     * Idempotent.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        running = false;
        stopping.countDown(); // ends a backoff wait
        consumer.wakeup();    // ends a poll
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        sender.shutdown();
        try {
            if (!sender.awaitTermination(5, TimeUnit.SECONDS)) {
                sender.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            sender.shutdownNow();
        }
        requestProducer.close(Duration.ofSeconds(5));
        TokenTableClosedException closing = new TokenTableClosedException("token table " + topic + " closed before this completed");
        for (CompletableFuture<Void> f : List.copyOf(pendingFutures)) {
            f.completeExceptionally(closing);
        }
        for (CompletableFuture<Void> f; (f = catchUpRequests.poll()) != null; ) {
            f.completeExceptionally(closing);
        }
        if (ownsSupervisor) {
            supervisor.close();
        }
    }

    // ---- the reader thread ----

    private void run() {
        int attempt = 0;
        try {
            while (running) {
                try {
                    step();
                    if (attempt > 0) {
                        LOG.info("token table {}: recovered after {} retr{}", topic, attempt, attempt == 1 ? "y" : "ies");
                        attempt = 0;
                    }
                    component.beat();
                    if (behindSince != null && Duration.between(behindSince, clock.instant()).toSeconds() > MAX_LAG_SECONDS) {
                        component.down("BEHIND: " + behindBy + " record(s) short of the end of " + topic + " for "
                                + Duration.between(behindSince, clock.instant()).toSeconds() + " s (allowed " + MAX_LAG_SECONDS + " s)");
                    }
                } catch (Throwable e) {
                    if (!running || Failures.isInterruption(e) || e instanceof WakeupException) {
                        return;
                    }
                    if (!Failures.isRetriable(e)) {
                        Throwable explained = KafkaAccessDeniedException.explainOrSame(e, "Read", config.kafkaProperties(), "reading " + topic);
                        component.fail("the reader of " + topic + " stopped: " + Failures.describe(explained), explained);
                        return;
                    }
                    attempt++;
                    Duration wait = BACKOFF.delay(attempt, jitter);
                    component.retrying(Failures.describe(e) + " (retry " + attempt + " in " + wait.toMillis() + " ms)");
                    if (stopping.await(wait.toMillis(), TimeUnit.MILLISECONDS)) {
                        return;
                    }
                }
            }
        } catch (InterruptedException e) {
            // closing
        } finally {
            try {
                consumer.close(Duration.ofSeconds(5));
            } catch (RuntimeException e) {
                LOG.debug("closing the token table consumer: {}", e.toString());
            }
        }
    }

    /** One round: (assign), poll and apply, check the broker, answer catch-ups. Throws to report a failure. */
    private void step() {
        if (partitions == null) {
            assignAll();
        }
        if (initialEnd == null) {
            initialEnd = endOffsets();
        }
        ConsumerRecords<String, byte[]> records = consumer.poll(POLL);
        applyAll(records);
        if (!isReady() && reached(initialEnd)) {
            ready.countDown();
            LOG.info("token table {} loaded: {} credential(s)", topic, views.size());
        }
        Instant now = clock.instant();
        boolean checkDue = brokerCheckFailed || !catchUpRequests.isEmpty()
                || Duration.between(lastBrokerCheck, now).toSeconds() >= BROKER_CHECK_SECONDS;
        if (checkDue) {
            Map<TopicPartition, Long> end = endOffsets();
            lastBrokerCheck = now;
            for (CompletableFuture<Void> f; (f = catchUpRequests.poll()) != null; ) {
                pendingCatchUps.add(new Pending(f, end));
            }
            long lag = lag(end);
            if (lag > 0 && isReady()) {
                behindSince = behindSince == null ? now : behindSince;
                behindBy = lag;
            } else {
                behindSince = null;
            }
        }
        pendingCatchUps.removeIf(p -> {
            if (p.future.isDone() || reached(p.end)) {
                p.future.complete(null);
                return true;
            }
            return false;
        });
    }

    private void assignAll() {
        List<PartitionInfo> infos = consumer.partitionsFor(topic, BROKER_TIMEOUT);
        if (infos == null || infos.isEmpty()) {
            throw new WaitingForTopicException(topic);
        }
        List<TopicPartition> tps = infos.stream().map(p -> new TopicPartition(topic, p.partition())).toList();
        consumer.assign(tps);
        consumer.seekToBeginning(tps);
        partitions = tps;
    }

    private Map<TopicPartition, Long> endOffsets() {
        brokerCheckFailed = true;
        Map<TopicPartition, Long> end = consumer.endOffsets(partitions, BROKER_TIMEOUT);
        brokerCheckFailed = false;
        return end;
    }

    private boolean reached(Map<TopicPartition, Long> end) {
        return lag(end) == 0;
    }

    private long lag(Map<TopicPartition, Long> end) {
        long lag = 0;
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            lag += Math.max(0, e.getValue() - consumer.position(e.getKey(), BROKER_TIMEOUT));
        }
        return lag;
    }

    /**
     * Applies the records partition by partition. On a retriable failure the partition is rewound to the record
     * that failed and every partition not yet applied to its first record, then the failure is thrown: nothing
     * is skipped, and the records are read again after the backoff.
     */
    private void applyAll(ConsumerRecords<String, byte[]> records) {
        List<TopicPartition> batch = new ArrayList<>(records.partitions());
        for (int i = 0; i < batch.size(); i++) {
            TopicPartition tp = batch.get(i);
            for (ConsumerRecord<String, byte[]> record : records.records(tp)) {
                try {
                    apply(record);
                } catch (RuntimeException e) {
                    if (!Failures.isRetriable(e)) {
                        throw e;
                    }
                    consumer.seek(tp, record.offset());
                    for (TopicPartition later : batch.subList(i + 1, batch.size())) {
                        consumer.seek(later, records.records(later).get(0).offset());
                    }
                    throw new RetryRecordException(topic, record.partition(), record.offset(), e);
                }
            }
        }
    }

    private void apply(ConsumerRecord<String, byte[]> record) {
        String id = record.key();
        if (id == null) {
            LOG.warn("skipping a record without key on {} partition {} offset {}", topic, record.partition(), record.offset());
            return;
        }
        if (record.value() == null) {
            remove(id);
            return;
        }
        TokenRecord token;
        try {
            token = recordDeserializer.deserialize(topic, record.value());
        } catch (RuntimeException e) { // poison (not a TokenRecord, unknown schema id), or the registry is unreachable
            if (Failures.isRetriable(e) || e instanceof SchemaRegistryAuthenticationException) {
                throw e; // retried, or fatal: without access to the registry no record can be read
            }
            report(id, "record at " + topic + "-" + record.partition() + "@" + record.offset()
                    + " is not a TokenRecord this reader understands (" + e.getMessage() + "); skipped");
            return;
        }
        long version = token.getVersion();
        latestVersions.merge(id, version, Math::max);
        TokenView previous = views.get(id);
        if (previous != null && previous.version() >= version) {
            return; // an older version written late (two owners during a rebalance), or one already applied
        }
        Map<String, Secret> headers;
        try {
            headers = cipher.decrypt(id, version, token.getHeaders());
        } catch (TokenCryptoException e) {
            report(id, e.getMessage());
            return;
        }
        problems.remove(id);
        TokenView view = new TokenView(id, token.getProvider(), version, token.getIssuedAt(), token.getExpiresAt(),
                token.getRefreshAfter(), headers, token.getApiBaseUrl(), token.getTenantId(), token.getGrantedScopes(),
                token.getMetadata(), token.getOwnerId());
        synchronized (notifications) {
            views.put(id, view);
            for (TokenListener l : listeners) {
                tell(l, view);
            }
        }
    }

    private void remove(String id) {
        synchronized (notifications) {
            TokenView removed = views.remove(id);
            problems.remove(id);
            if (removed == null) {
                return;
            }
            LOG.info("credential {} was removed (tombstone at version {})", id, removed.version());
            for (TokenListener l : listeners) {
                try {
                    l.onRemoved(id);
                } catch (RuntimeException e) {
                    LOG.warn("token listener failed for removal of {}: {}", id, e.toString());
                }
            }
        }
    }

    private static void tell(TokenListener listener, TokenView view) {
        try {
            listener.onToken(view.credentialId(), view);
        } catch (RuntimeException e) {
            LOG.warn("token listener failed for {} version {}: {}", view.credentialId(), view.version(), e.toString());
        }
    }

    private void report(String credentialId, String message) {
        String before = problems.put(credentialId, message);
        if (!message.equals(before)) {
            LOG.warn("token table: {}", message);
        }
    }

    private record Pending(CompletableFuture<Void> future, Map<TopicPartition, Long> end) {
    }

    /** The tokens topic does not exist yet; retriable (a token manager creates it when it starts). */
    static final class WaitingForTopicException extends SwitchboardException {
        private static final long serialVersionUID = 1L;

        WaitingForTopicException(String topic) {
            super("waiting for topic " + topic + " to exist (a token manager creates it when it starts)");
        }

        @Override
        public boolean isRetriable() {
            return true;
        }
    }

    /** A record could not be applied for a retriable reason; it is read again after the backoff. */
    static final class RetryRecordException extends SwitchboardException {
        private static final long serialVersionUID = 1L;

        RetryRecordException(String topic, int partition, long offset, Throwable cause) {
            super("record " + topic + "-" + partition + "@" + offset + " is read again later, not skipped: " + Failures.describe(cause), cause);
        }

        @Override
        public boolean isRetriable() {
            return true;
        }
    }

    /** Too many refresh requests wait to be sent (the broker or registry is down); retriable. */
    static final class RefreshRequestsBacklogException extends SwitchboardException {
        private static final long serialVersionUID = 1L;

        RefreshRequestsBacklogException(String credentialId, int queued) {
            super("no refresh request for " + credentialId + ": " + queued + " requests already wait to be sent (is the broker down?)");
        }

        @Override
        public boolean isRetriable() {
            return true;
        }
    }
}
