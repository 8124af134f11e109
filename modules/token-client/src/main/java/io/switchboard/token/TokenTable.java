package io.switchboard.token;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
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
import io.switchboard.events.token.TokenRecord;
import io.switchboard.events.token.TokenRefreshRequest;
import io.switchboard.token.internal.TokenCipher;
import io.switchboard.token.internal.TokenSerdes;
import io.switchboard.token.internal.TopicCatchUp;

/**
 * The current token of every credential, read from the compacted {@code switchboard.tokens} topic:
 * the library pollers and tools use to get the headers to send, and to ask the owning token
 * manager for a new token when a vendor rejects one.
 *
 * <p>{@link #start} reads the whole topic from the beginning (no consumer group: every partition is
 * assigned), decrypts each record with the configured keys and keeps the newest version per
 * credential. A record that cannot be decoded or decrypted is reported ({@link #problems()}, a WARN
 * log naming credential, version and key id) and skipped; the table keeps the previous version and
 * keeps running. Tombstones remove a credential.
 *
 * <p>Thread-safe: reads are lock-free; the table has one consumer thread, on which listeners run.
 * {@link #close()} stops it.
 */
public final class TokenTable implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TokenTable.class);
    private static final Duration POLL = Duration.ofMillis(200);

    private final TokenTableConfig config;
    private final String topic;
    private final TokenCipher cipher;
    private final Deserializer<TokenRecord> recordDeserializer;
    private final Map<String, TokenView> views = new ConcurrentHashMap<>();
    private final Map<String, Long> latestVersions = new ConcurrentHashMap<>();
    private final Map<String, String> problems = new ConcurrentHashMap<>();
    private final List<TokenListener> listeners = new CopyOnWriteArrayList<>();
    private final ConcurrentLinkedQueue<CompletableFuture<Void>> catchUpRequests = new ConcurrentLinkedQueue<>();
    private final CountDownLatch ready = new CountDownLatch(1);
    private final KafkaConsumer<String, byte[]> consumer;
    private final Thread thread;
    private volatile boolean running = true;
    private KafkaProducer<String, byte[]> requestProducer;
    private Serializer<TokenRefreshRequest> requestSerializer;

    private TokenTable(TokenTableConfig config) {
        this.config = config;
        this.topic = config.topics().tokens();
        this.cipher = new TokenCipher(config.keys());
        this.recordDeserializer = TokenSerdes.value(TokenRecord.class, config.schemaRegistryUrl()).deserializer();
        Map<String, Object> props = new HashMap<>(config.kafkaProperties());
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, config.clientId() + "-token-table");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        this.consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
        this.thread = new Thread(this::run, "token-table-" + config.clientId());
        this.thread.setDaemon(true);
    }

    /** Starts reading {@code <prefix>.tokens} in the background; see {@link #awaitReady}. */
    public static TokenTable start(TokenTableConfig config) {
        TokenTable table = new TokenTable(config);
        table.thread.start();
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
     * Completes once the table has read everything on the topic at the time of the call, so that a
     * reader sees its own (or another instance's) acknowledged writes.
     */
    public CompletableFuture<Void> catchUp() {
        CompletableFuture<Void> f = new CompletableFuture<>();
        catchUpRequests.add(f);
        return f;
    }

    /** The newest decrypted token of {@code credentialId}, if any (it may have expired: see {@link TokenView#isExpired}). */
    public Optional<TokenView> current(String credentialId) {
        return Optional.ofNullable(views.get(credentialId));
    }

    /** The headers to send for {@code credentialId}, if a token that has not expired is known. */
    public Optional<Map<String, Secret>> headers(String credentialId) {
        TokenView view = views.get(credentialId);
        return view == null || view.isExpired(Instant.now()) ? Optional.empty() : Optional.of(view.headers());
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

    /** Adds a listener for new versions and removals. */
    public void addListener(TokenListener listener) {
        listeners.add(listener);
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
     * @param failedVersion the version the vendor rejected, or {@code null} when the reader has none
     * @param reason        what happened, e.g. {@code 401 bad.credentials from POST /api/v2/...}; never a secret
     * @param httpStatus    the vendor's HTTP status, or {@code null}
     * @return completes when the request is on the topic
     */
    public CompletableFuture<Void> requestRefresh(String credentialId, Long failedVersion, String reason, Integer httpStatus) {
        TokenRefreshRequest request = TokenRefreshRequest.newBuilder()
                .setCredentialId(credentialId)
                .setFailedVersion(failedVersion)
                .setReason(reason == null ? "" : reason)
                .setHttpStatus(httpStatus)
                .setRequester(config.clientId())
                .setRequestedAt(Instant.now())
                .build();
        CompletableFuture<Void> done = new CompletableFuture<>();
        String requests = config.topics().tokenRequests();
        producer().send(new ProducerRecord<>(requests, credentialId, requestSerializer.serialize(requests, request)),
                (metadata, error) -> {
                    if (error == null) {
                        done.complete(null);
                    } else {
                        done.completeExceptionally(error);
                    }
                });
        return done;
    }

    private synchronized KafkaProducer<String, byte[]> producer() {
        if (requestProducer == null) {
            Map<String, Object> props = new HashMap<>(config.kafkaProperties());
            props.put(ProducerConfig.CLIENT_ID_CONFIG, config.clientId() + "-token-requests");
            props.put(ProducerConfig.LINGER_MS_CONFIG, 0);
            requestSerializer = TokenSerdes.value(TokenRefreshRequest.class, config.schemaRegistryUrl()).serializer();
            requestProducer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
        }
        return requestProducer;
    }

    /** Stops the consumer thread and the request producer. Idempotent. */
    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (this) {
            if (requestProducer != null) {
                requestProducer.close(Duration.ofSeconds(5));
                requestProducer = null;
            }
        }
    }

    private void run() {
        try {
            if (!assignAll()) {
                return;
            }
            Map<TopicPartition, Long> initialEnd = consumer.endOffsets(consumer.assignment());
            List<Pending> pending = new ArrayList<>();
            while (running) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(POLL)) {
                    apply(record);
                }
                if (initialEnd != null && reached(initialEnd)) {
                    initialEnd = null;
                    ready.countDown();
                    LOG.info("token table {} loaded: {} credential(s)", topic, views.size());
                }
                for (CompletableFuture<Void> f; (f = catchUpRequests.poll()) != null; ) {
                    pending.add(new Pending(f, consumer.endOffsets(consumer.assignment())));
                }
                pending.removeIf(p -> {
                    if (reached(p.end)) {
                        p.future.complete(null);
                        return true;
                    }
                    return false;
                });
            }
        } catch (WakeupException | InterruptException e) {
            // closing
        } catch (RuntimeException e) {
            LOG.error("token table {} stopped: {}", topic, e.toString());
        } finally {
            consumer.close(Duration.ofSeconds(5));
            CompletableFuture<Void> f;
            while ((f = catchUpRequests.poll()) != null) {
                f.completeExceptionally(new IllegalStateException("token table closed"));
            }
        }
    }

    private boolean assignAll() {
        boolean warned = false;
        while (running) {
            List<PartitionInfo> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(5));
            if (partitions != null && !partitions.isEmpty()) {
                List<TopicPartition> tps = partitions.stream().map(p -> new TopicPartition(topic, p.partition())).toList();
                consumer.assign(tps);
                consumer.seekToBeginning(tps);
                return true;
            }
            if (!warned) {
                LOG.info("waiting for topic {} to exist (a token manager creates it when it starts)", topic);
                warned = true;
            }
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return false;
    }

    private boolean reached(Map<TopicPartition, Long> end) {
        return TopicCatchUp.reached(consumer, end);
    }

    private void apply(ConsumerRecord<String, byte[]> record) {
        String id = record.key();
        if (id == null) {
            LOG.warn("skipping a record without key on {} partition {} offset {}", topic, record.partition(), record.offset());
            return;
        }
        if (record.value() == null) {
            TokenView removed = views.remove(id);
            problems.remove(id);
            if (removed != null) {
                LOG.info("credential {} was removed (tombstone at version {})", id, removed.version());
                for (TokenListener l : listeners) {
                    try {
                        l.onRemoved(id);
                    } catch (RuntimeException e) {
                        LOG.warn("token listener failed for removal of {}: {}", id, e.toString());
                    }
                }
            }
            return;
        }
        TokenRecord token;
        try {
            token = recordDeserializer.deserialize(topic, record.value());
        } catch (RuntimeException e) { // SerializationException, or the registry cannot resolve the writer schema
            report(id, "record at " + topic + "-" + record.partition() + "@" + record.offset()
                    + " is not a TokenRecord this reader understands (" + e.getMessage() + "); skipped");
            return;
        }
        long version = token.getVersion();
        latestVersions.merge(id, version, Math::max);
        TokenView previous = views.get(id);
        if (previous != null && previous.version() > version) {
            return; // an older version written late (two owners during a rebalance): the newer one stays
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
        views.put(id, view);
        for (TokenListener l : listeners) {
            try {
                l.onToken(id, view);
            } catch (RuntimeException e) {
                LOG.warn("token listener failed for {} version {}: {}", id, version, e.toString());
            }
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
}
