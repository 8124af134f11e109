package io.switchboard.aggregate.query;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.switchboard.aggregate.AggregatorConfig;
import io.switchboard.registry.serde.ReplaceThreadOnRetriableFailure;
import io.switchboard.aggregate.internal.Json;
import io.switchboard.core.Topics;
import io.switchboard.events.aggregate.QueueAlert;
import io.switchboard.events.aggregate.QueueSnapshot;
import io.switchboard.events.aggregate.TenantSummary;
import io.switchboard.registry.serde.AvroSerdes;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * Live updates for the dashboard page: server-sent events ({@code GET /api/events}) carrying every
 * new queue snapshot ({@code event: snapshot}), tenant summary ({@code event: tenant}) and alert
 * ({@code event: alert}) as JSON in the API's shapes. Every instance reads the whole of the three
 * output topics (no consumer group; {@code read_committed}, so only committed exactly-once output),
 * so any instance's page sees every tenant.
 *
 * <p>The consumer loop is supervised: a retriable failure (broker away, registry unreachable) is
 * retried with backoff and jitter; anything else stops the feed and {@link #failure()} names it,
 * which turns {@code /ready} DOWN. Thread-safe.
 */
public final class DashboardFeed implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DashboardFeed.class);

    private final Vertx vertx;
    private final AggregatorConfig config;
    private final Set<HttpServerResponse> clients = new CopyOnWriteArraySet<>();
    private final AtomicReference<String> failure = new AtomicReference<>();
    private final AtomicLong delivered = new AtomicLong();
    private final Thread thread;
    private volatile boolean running = true;
    private volatile boolean assigned;
    private volatile KafkaConsumer<String, SpecificRecord> consumer;
    private final long heartbeatTimer;

    /** Starts reading the output topics from their end. */
    public DashboardFeed(Vertx vertx, AggregatorConfig config) {
        this.vertx = vertx;
        this.config = config;
        this.thread = new Thread(this::run, "dashboard-feed-" + config.instanceId());
        this.thread.setDaemon(true);
        this.thread.start();
        this.heartbeatTimer = vertx.setPeriodic(15_000, id -> clients.forEach(c -> write(c, ": keep-alive\n\n")));
    }

    /** Why the feed stopped, or null while it runs. */
    public String failure() {
        return failure.get();
    }

    /** Whether the feed has its partitions and reads. */
    public boolean isAssigned() {
        return assigned;
    }

    /** Connected pages. */
    public int clients() {
        return clients.size();
    }

    /** Events sent to pages so far. */
    public long delivered() {
        return delivered.get();
    }

    /** Handles {@code GET /api/events}: keeps the response open and streams events to it. */
    public void handle(RoutingContext ctx) {
        HttpServerResponse response = ctx.response();
        response.setChunked(true)
                .putHeader("Content-Type", "text/event-stream; charset=utf-8")
                .putHeader("Cache-Control", "no-cache")
                .putHeader("X-Accel-Buffering", "no");
        response.write("retry: 2000\n: connected to " + config.instanceId() + "\n\n");
        clients.add(response);
        response.closeHandler(v -> clients.remove(response));
        response.exceptionHandler(e -> clients.remove(response));
    }

    private void write(HttpServerResponse c, String text) {
        try {
            c.write(text).onFailure(e -> clients.remove(c));
        } catch (RuntimeException e) {
            clients.remove(c);
        }
    }

    private void broadcast(String event, JsonObject data) {
        String text = "event: " + event + "\ndata: " + data.encode() + "\n\n";
        vertx.runOnContext(v -> {
            for (HttpServerResponse c : clients) {
                write(c, text);
                delivered.incrementAndGet();
            }
        });
    }

    private void run() {
        long backoff = 500;
        while (running) {
            try (KafkaConsumer<String, SpecificRecord> c = newConsumer()) {
                consumer = c;
                if (!running) {
                    return;
                }
                assign(c);
                assigned = true;
                backoff = 500;
                while (running) {
                    try {
                        for (ConsumerRecord<String, SpecificRecord> r : c.poll(Duration.ofMillis(500))) {
                            dispatch(r.value());
                        }
                    } catch (RecordDeserializationException e) {
                        if (ReplaceThreadOnRetriableFailure.isRetriable(e)) {
                            throw e;
                        }
                        // only the aggregator writes these topics; a record it cannot read is skipped, not fatal
                        LOG.warn("dashboard feed skips unreadable record {}@{}: {}", e.topicPartition(), e.offset(), e.getMessage());
                        c.seek(e.topicPartition(), e.offset() + 1);
                    }
                }
            } catch (WakeupException e) {
                return;
            } catch (RuntimeException e) {
                assigned = false;
                if (!running) {
                    return;
                }
                if (!ReplaceThreadOnRetriableFailure.isRetriable(e)) {
                    failure.set("the dashboard feed stopped: " + e);
                    LOG.error("dashboard feed stopped; /ready is DOWN", e);
                    return;
                }
                long wait = backoff + ThreadLocalRandom.current().nextLong(backoff / 2 + 1);
                LOG.warn("dashboard feed: {}; retrying in {} ms", e.toString(), wait);
                try {
                    Thread.sleep(wait);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    return;
                }
                backoff = Math.min(backoff * 2, 30_000);
            }
        }
    }

    private void dispatch(SpecificRecord value) {
        if (value instanceof QueueSnapshot s) {
            broadcast("snapshot", Json.snapshot(s));
        } else if (value instanceof TenantSummary t) {
            broadcast("tenant", Json.of(t).put("id", t.getCredentialId()));
        } else if (value instanceof QueueAlert a) {
            broadcast("alert", Json.of(a).put("id", a.getCredentialId() + "/" + a.getQueueId()));
        }
    }

    private void assign(KafkaConsumer<String, SpecificRecord> c) {
        Topics topics = config.topics();
        List<TopicPartition> parts = new ArrayList<>();
        for (String topic : List.of(topics.queueSnapshots(), topics.tenantSummary(), topics.alerts())) {
            List<PartitionInfo> infos = c.partitionsFor(topic, Duration.ofSeconds(30));
            if (infos == null || infos.isEmpty()) {
                // just created and not in the metadata yet (or not created yet): retried with backoff
                throw new org.apache.kafka.common.errors.UnknownTopicOrPartitionException("topic " + topic
                        + " has no partitions in the metadata yet");
            }
            infos.forEach(i -> parts.add(new TopicPartition(i.topic(), i.partition())));
        }
        c.assign(parts);
        c.seekToEnd(parts);
        parts.forEach(c::position); // resolve the end now, so events after start are not missed
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private KafkaConsumer<String, SpecificRecord> newConsumer() {
        Properties p = new Properties();
        p.putAll(config.kafkaProperties());
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, "dashboard-feed-" + config.instanceId());
        Map<String, Object> serde = config.serdeConfig();
        Deserializer snapshot = AvroSerdes.specific(QueueSnapshot.class, serde, false).deserializer();
        Deserializer tenant = AvroSerdes.specific(TenantSummary.class, serde, false).deserializer();
        Deserializer alert = AvroSerdes.specific(QueueAlert.class, serde, false).deserializer();
        Topics topics = config.topics();
        Deserializer<SpecificRecord> byTopic = (topic, bytes) -> {
            if (topic.equals(topics.queueSnapshots())) {
                return (SpecificRecord) snapshot.deserialize(topic, bytes);
            }
            if (topic.equals(topics.tenantSummary())) {
                return (SpecificRecord) tenant.deserialize(topic, bytes);
            }
            return (SpecificRecord) alert.deserialize(topic, bytes);
        };
        return new KafkaConsumer<>(p, new StringDeserializer(), byTopic);
    }

    @Override
    public void close() {
        running = false;
        vertx.cancelTimer(heartbeatTimer);
        KafkaConsumer<String, SpecificRecord> c = consumer;
        if (c != null) {
            c.wakeup();
        }
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        clients.forEach(r -> {
            try {
                r.end();
            } catch (RuntimeException e) {
                // the page went away
            }
        });
    }
}
