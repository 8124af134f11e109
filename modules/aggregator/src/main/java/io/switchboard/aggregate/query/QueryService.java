package io.switchboard.aggregate.query;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.LagInfo;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsMetadata;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyWindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;
import org.apache.kafka.streams.kstream.Windowed;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.switchboard.aggregate.AggregatorConfig;
import io.switchboard.aggregate.AggregatorTopology;
import io.switchboard.aggregate.WindowSize;
import io.switchboard.aggregate.internal.Json;
import io.switchboard.aggregate.internal.QueueState;
import io.switchboard.aggregate.internal.WindowAggregate;
import io.switchboard.events.aggregate.QueueAlert;
import io.switchboard.events.aggregate.TenantSummary;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;

/**
 * Interactive queries over the aggregator's stores on every instance: a key is read from the local
 * store when this instance is its active owner, otherwise forwarded (over the internal endpoints)
 * to the owner named by Kafka Streams' metadata ({@code application.server}); when the owner cannot
 * answer, a standby replica answers (here or on another instance) and says how far behind it is
 * ({@code source.replica = standby}, {@code source.offsetLag}). Lists are gathered from every
 * partition's owner the same way. No owner and no standby: 503 with {@code Retry-After}.
 *
 * <p>Store reads run on Vert.x worker threads; forwarding uses a {@link WebClient}. Thread-safe.
 */
public final class QueryService {

    /** Internal endpoint prefix; answered from local stores only, never forwarded again. */
    public static final String INTERNAL = "/internal";

    private static final Logger LOG = LoggerFactory.getLogger(QueryService.class);
    private static final StringSerializer KEYS = new StringSerializer();

    private final Vertx vertx;
    private final Supplier<KafkaStreams> streams;
    private final HostInfo self;
    private final WebClient client;
    private final Clock clock;
    private final long staleAfterMs;
    private final Duration forwardTimeout;
    private final String queueTopic;
    private final String tenantTopic;
    private final Supplier<Integer> partitions;

    /** Which replica answered, and how far behind it was. */
    public record Source(String instance, String replica, long offsetLag) {
        JsonObject toJson() {
            return new JsonObject().put("instance", instance).put("replica", replica).put("offsetLag", offsetLag);
        }

        static Source from(JsonObject o) {
            return new Source(o.getString("instance"), o.getString("replica"), o.getLong("offsetLag", 0L));
        }
    }

    /**
     * An answer: status, JSON body, where it came from, and for 503 the seconds to wait.
     */
    public record Answer(int status, JsonObject body, Source source, Integer retryAfterSeconds) {
        static Answer ok(JsonObject body, Source source) {
            return new Answer(200, body, source, null);
        }

        static Answer error(int status, String message) {
            return new Answer(status, new JsonObject().put("error", message).put("status", status), null,
                    status == 503 ? 1 : null);
        }
    }

    /**
     * @param streams    the running application (a supplier: it is created after the HTTP server binds)
     * @param self       this instance's {@code application.server}
     * @param partitions partitions of the input topic (also of the tenant repartition topic)
     */
    public QueryService(Vertx vertx, Supplier<KafkaStreams> streams, HostInfo self, AggregatorConfig config, Clock clock,
                        Supplier<Integer> partitions) {
        this.vertx = vertx;
        this.streams = streams;
        this.self = self;
        this.clock = clock;
        this.staleAfterMs = config.staleAfter().toMillis();
        this.forwardTimeout = config.forwardTimeout();
        this.queueTopic = config.topics().queueStats();
        this.tenantTopic = config.applicationId() + "-" + AggregatorTopology.TENANT_REPARTITION + "-repartition";
        this.partitions = partitions;
        this.client = WebClient.create(vertx, new WebClientOptions().setConnectTimeout((int) Math.min(forwardTimeout.toMillis(), 5_000))
                .setKeepAlive(true));
    }

    /** host:port of this instance. */
    public String instance() {
        return self.host() + ":" + self.port();
    }

    /** The kinds of record the API reads. */
    public enum Kind {
        /** Queue snapshots, store {@value AggregatorTopology#QUEUE_STORE}. */
        QUEUES(AggregatorTopology.QUEUE_STORE),
        /** Tenant summaries, store {@value AggregatorTopology#TENANT_STORE}. */
        TENANTS(AggregatorTopology.TENANT_STORE),
        /** Alerts: firing rules from the queue states and the alert history. */
        ALERTS(AggregatorTopology.QUEUE_STORE);

        final String store;

        Kind(String store) {
            this.store = store;
        }

        /** Kind by its path segment: queues, tenants, alerts. */
        static Kind of(String path) {
            return switch (path) {
                case "queues" -> QUEUES;
                case "tenants" -> TENANTS;
                case "alerts" -> ALERTS;
                default -> null;
            };
        }
    }

    // ---------------------------------------------------------------------------------------------
    // single keys

    /** One queue's snapshot. */
    public Future<Answer> queue(String key) {
        return byKey(Kind.QUEUES, key, "/queues/" + encode(key), (partition, standby) -> localQueue(key, partition, standby));
    }

    /** One tenant's summary. */
    public Future<Answer> tenant(String credentialId) {
        return byKey(Kind.TENANTS, credentialId, "/tenants/" + encode(credentialId),
                (partition, standby) -> localTenant(credentialId, partition, standby));
    }

    /** A queue's windows of one size whose start is in [from, to]. */
    public Future<Answer> windows(String key, WindowSize size, Instant from, Instant to) {
        String path = "/windows/" + encode(key) + "?size=" + size.label() + "&from=" + from + "&to=" + to;
        return byKey(Kind.QUEUES, key, path, (partition, standby) -> localWindows(key, size, from, to, partition, standby));
    }

    /** Local read of a key in a given partition. */
    interface LocalRead {
        Answer read(int partition, boolean standby);
    }

    private Future<Answer> byKey(Kind kind, String key, String internalPath, LocalRead local) {
        KafkaStreams s = streams.get();
        if (s == null) {
            return Future.succeededFuture(Answer.error(503, "the aggregator is starting; retry shortly"));
        }
        KeyQueryMetadata md;
        try {
            md = s.queryMetadataForKey(kind.store, key, KEYS);
        } catch (RuntimeException e) {
            return Future.succeededFuture(Answer.error(503, "store metadata is not available (" + e.getMessage() + "); retry shortly"));
        }
        if (md == null || md == KeyQueryMetadata.NOT_AVAILABLE || md.activeHost() == null
                || md.activeHost().equals(HostInfo.unavailable())) {
            return Future.succeededFuture(Answer.error(503, "the stores are being (re)assigned; retry shortly"));
        }
        int partition = md.partition();
        Future<Answer> primary;
        if (md.activeHost().equals(self)) {
            primary = blocking(() -> local.read(partition, false));
        } else {
            primary = forward(md.activeHost(), internalPath + (internalPath.contains("?") ? "&" : "?") + "partition=" + partition);
        }
        return primary.compose(answer -> {
            if (answer.status() == 200 || answer.status() == 404 || answer.status() == 400) {
                return Future.succeededFuture(answer);
            }
            return fromStandbys(md.standbyHosts(), internalPath, partition, local, answer);
        }, failure -> fromStandbys(md.standbyHosts(), internalPath, partition, local,
                Answer.error(503, "the owner " + md.activeHost().host() + ":" + md.activeHost().port() + " did not answer ("
                        + failure.getMessage() + ") and no standby could; retry shortly")));
    }

    private Future<Answer> fromStandbys(Set<HostInfo> standbys, String internalPath, int partition, LocalRead local, Answer fallback) {
        List<HostInfo> order = new ArrayList<>();
        if (standbys.contains(self)) {
            order.add(self);
        }
        standbys.stream().filter(h -> !h.equals(self)).forEach(order::add);
        Future<Answer> chain = Future.succeededFuture(fallback);
        for (HostInfo host : order) {
            chain = chain.compose(previous -> {
                if (previous.status() == 200 || previous.status() == 404) {
                    return Future.succeededFuture(previous);
                }
                Future<Answer> next = host.equals(self) ? blocking(() -> local.read(partition, true))
                        : forward(host, internalPath + (internalPath.contains("?") ? "&" : "?") + "partition=" + partition + "&standby=true");
                return next.recover(e -> Future.succeededFuture(previous));
            });
        }
        return chain;
    }

    /** Local read of a queue, for the internal endpoint and this instance's own keys. */
    public Answer localQueue(String key, int partition, boolean standby) {
        return readLocal(AggregatorTopology.QUEUE_STORE, partition, standby, source -> {
            ReadOnlyKeyValueStore<String, QueueState> store = kv(AggregatorTopology.QUEUE_STORE, partition, standby);
            QueueState state = store.get(key);
            if (state == null) {
                return Answer.error(404, "no queue " + key + " (ids are credentialId/queueId)");
            }
            return Answer.ok(new JsonObject().put("data", Json.snapshot(state, clock.millis(), staleAfterMs)), source);
        });
    }

    /** Local read of a tenant summary. */
    public Answer localTenant(String credentialId, int partition, boolean standby) {
        return readLocal(AggregatorTopology.TENANT_STORE, partition, standby, source -> {
            ReadOnlyKeyValueStore<String, TenantSummary> store = kv(AggregatorTopology.TENANT_STORE, partition, standby);
            TenantSummary summary = store.get(credentialId);
            if (summary == null) {
                return Answer.error(404, "no tenant " + credentialId + " (ids are credential ids)");
            }
            return Answer.ok(new JsonObject().put("data", Json.of(summary).put("id", credentialId)), source);
        });
    }

    /** Local read of a queue's windows. */
    public Answer localWindows(String key, WindowSize size, Instant from, Instant to, int partition, boolean standby) {
        String storeName = AggregatorTopology.windowStore(size);
        return readLocal(storeName, partition, standby, source -> {
            ReadOnlyWindowStore<String, WindowAggregate> store = windowStore(storeName, partition, standby);
            String credentialId = key.substring(0, Math.max(0, key.indexOf('/')));
            String queueId = key.substring(key.indexOf('/') + 1);
            java.util.TreeMap<Long, WindowAggregate> byStart = new java.util.TreeMap<>();
            try (WindowStoreIterator<WindowAggregate> it = store.fetch(key, from, to)) { // final windows
                while (it.hasNext()) {
                    KeyValue<Long, WindowAggregate> kv = it.next();
                    byStart.put(kv.key, kv.value);
                }
            }
            QueueState state = this.<QueueState>kv(AggregatorTopology.QUEUE_STORE, partition, standby).get(key); // open windows
            if (state != null) {
                byStart.putAll(state.liveWindows(size, from.toEpochMilli(), to.toEpochMilli()));
            }
            JsonArray items = new JsonArray();
            byStart.forEach((start, w) -> items.add(Json.of(w.toStats(credentialId, queueId, size, start))));
            return Answer.ok(new JsonObject().put("data", new JsonObject().put("id", key).put("size", size.label())
                    .put("from", from.toString()).put("to", to.toString()).put("items", items)), source);
        });
    }

    private interface StoreRead {
        Answer read(Source source);
    }

    private Answer readLocal(String store, int partition, boolean standby, StoreRead read) {
        KafkaStreams s = streams.get();
        if (s == null) {
            return Answer.error(503, "the aggregator is starting; retry shortly");
        }
        try {
            Source source = new Source(instance(), standby ? "standby" : "active", standby ? offsetLag(s, store, partition) : 0);
            return read.read(source);
        } catch (InvalidStateStoreException e) {
            return Answer.error(503, "store " + store + " partition " + partition + " is " + (standby ? "not a standby here" : "migrating")
                    + " (" + e.getMessage() + "); retry shortly");
        }
    }

    private static long offsetLag(KafkaStreams s, String store, int partition) {
        try {
            Map<Integer, LagInfo> lags = s.allLocalStorePartitionLags().get(store);
            LagInfo lag = lags == null ? null : lags.get(partition);
            return lag == null ? -1 : lag.offsetLag();
        } catch (RuntimeException e) {
            return -1;
        }
    }

    private <V> ReadOnlyKeyValueStore<String, V> kv(String name, int partition, boolean standby) {
        StoreQueryParameters<ReadOnlyKeyValueStore<String, V>> p = StoreQueryParameters
                .fromNameAndType(name, QueryableStoreTypes.<String, V>keyValueStore()).withPartition(partition);
        return streams.get().store(standby ? p.enableStaleStores() : p);
    }

    private <V> ReadOnlyWindowStore<String, V> windowStore(String name, int partition, boolean standby) {
        StoreQueryParameters<ReadOnlyWindowStore<String, V>> p = StoreQueryParameters
                .fromNameAndType(name, QueryableStoreTypes.<String, V>windowStore()).withPartition(partition);
        return streams.get().store(standby ? p.enableStaleStores() : p);
    }

    // ---------------------------------------------------------------------------------------------
    // lists: every partition from its owner, or a standby

    /** Everything of one kind over all partitions: {@code items} plus where each partition came from. */
    public Future<Answer> scan(Kind kind) {
        KafkaStreams s = streams.get();
        Integer n = partitions.get();
        if (s == null || n == null || n <= 0) {
            return Future.succeededFuture(Answer.error(503, "the aggregator is starting; retry shortly"));
        }
        String topic = kind == Kind.TENANTS ? tenantTopic : queueTopic;
        Map<Integer, HostInfo> active = new HashMap<>();
        Map<Integer, List<HostInfo>> standby = new HashMap<>();
        Collection<StreamsMetadata> all;
        try {
            all = s.metadataForAllStreamsClients();
        } catch (RuntimeException e) {
            return Future.succeededFuture(Answer.error(503, "store metadata is not available (" + e.getMessage() + "); retry shortly"));
        }
        for (StreamsMetadata md : all) {
            for (TopicPartition tp : md.topicPartitions()) {
                if (tp.topic().equals(topic)) {
                    active.put(tp.partition(), md.hostInfo());
                }
            }
            for (TopicPartition tp : md.standbyTopicPartitions()) {
                if (tp.topic().equals(topic)) {
                    standby.computeIfAbsent(tp.partition(), k -> new ArrayList<>()).add(md.hostInfo());
                }
            }
        }
        Map<HostInfo, List<Integer>> byHost = new LinkedHashMap<>();
        for (int p = 0; p < n; p++) {
            HostInfo h = active.get(p);
            if (h != null) {
                byHost.computeIfAbsent(h, k -> new ArrayList<>()).add(p);
            }
        }
        ScanResult result = new ScanResult();
        return gather(kind, byHost, false, result).compose(v -> {
            Map<HostInfo, List<Integer>> retry = new LinkedHashMap<>();
            for (int p = 0; p < n; p++) {
                if (result.partitions.containsKey(p)) {
                    continue;
                }
                List<HostInfo> hosts = new ArrayList<>(standby.getOrDefault(p, List.of()));
                hosts.sort((a, b) -> a.equals(self) ? -1 : b.equals(self) ? 1 : 0);
                if (!hosts.isEmpty()) {
                    retry.computeIfAbsent(hosts.get(0), k -> new ArrayList<>()).add(p);
                }
            }
            return gather(kind, retry, true, result);
        }).map(v -> {
            Set<Integer> missing = new TreeSet<>();
            for (int p = 0; p < n; p++) {
                if (!result.partitions.containsKey(p)) {
                    missing.add(p);
                }
            }
            if (!missing.isEmpty()) {
                return Answer.error(503, "partitions " + missing + " of " + topic + " have no instance that can answer now"
                        + " (rebalancing or restoring); retry shortly");
            }
            long maxLag = 0;
            boolean anyStandby = false;
            JsonObject parts = new JsonObject();
            for (Map.Entry<Integer, Source> e : new java.util.TreeMap<>(result.partitions).entrySet()) {
                parts.put(String.valueOf(e.getKey()), e.getValue().toJson());
                maxLag = Math.max(maxLag, e.getValue().offsetLag());
                anyStandby |= e.getValue().replica().equals("standby");
            }
            JsonObject body = new JsonObject().put("items", result.items).put("partitions", parts);
            if (kind == Kind.ALERTS) {
                body.put("firing", result.firing);
            }
            return Answer.ok(body, new Source(instance(), anyStandby ? "standby" : "active", maxLag));
        });
    }

    private static final class ScanResult {
        final JsonArray items = new JsonArray();
        final JsonArray firing = new JsonArray();
        final Map<Integer, Source> partitions = new HashMap<>();

        synchronized void add(JsonObject scan) {
            scan.getJsonArray("items", new JsonArray()).forEach(items::add);
            scan.getJsonArray("firing", new JsonArray()).forEach(firing::add);
            JsonObject parts = scan.getJsonObject("partitions", new JsonObject());
            for (String p : parts.fieldNames()) {
                partitions.putIfAbsent(Integer.parseInt(p), Source.from(parts.getJsonObject(p)));
            }
        }
    }

    private Future<Void> gather(Kind kind, Map<HostInfo, List<Integer>> byHost, boolean standby, ScanResult result) {
        List<Future<Void>> all = new ArrayList<>();
        for (Map.Entry<HostInfo, List<Integer>> e : byHost.entrySet()) {
            String parts = e.getValue().stream().map(String::valueOf).collect(Collectors.joining(","));
            Future<Answer> f = e.getKey().equals(self) ? blocking(() -> localScan(kind, e.getValue(), standby))
                    : forward(e.getKey(), "/scan/" + kind.name().toLowerCase(java.util.Locale.ROOT) + "?partitions=" + parts
                    + (standby ? "&standby=true" : ""));
            all.add(f.map(a -> {
                if (a.status() == 200) {
                    result.add(a.body());
                }
                return (Void) null;
            }).recover(x -> {
                LOG.debug("scan of {} partitions {} on {} failed: {}", kind, parts, e.getKey(), x.toString());
                return Future.succeededFuture();
            }));
        }
        return Future.all(all).mapEmpty();
    }

    /** Local scan of the given partitions (internal endpoint); partitions that cannot be read are left out. */
    public Answer localScan(Kind kind, List<Integer> partitionList, boolean standby) {
        KafkaStreams s = streams.get();
        if (s == null) {
            return Answer.error(503, "the aggregator is starting; retry shortly");
        }
        JsonArray items = new JsonArray();
        JsonArray firing = new JsonArray();
        JsonObject parts = new JsonObject();
        long now = clock.millis();
        for (int p : partitionList) {
            try {
                Source source = new Source(instance(), standby ? "standby" : "active", standby ? offsetLag(s, kind.store, p) : 0);
                JsonArray partItems = new JsonArray();
                switch (kind) {
                    case QUEUES -> {
                        ReadOnlyKeyValueStore<String, QueueState> store = kv(AggregatorTopology.QUEUE_STORE, p, standby);
                        try (KeyValueIterator<String, QueueState> it = store.all()) {
                            while (it.hasNext()) {
                                partItems.add(Json.snapshot(it.next().value, now, staleAfterMs));
                            }
                        }
                    }
                    case TENANTS -> {
                        ReadOnlyKeyValueStore<String, TenantSummary> store = kv(AggregatorTopology.TENANT_STORE, p, standby);
                        try (KeyValueIterator<String, TenantSummary> it = store.all()) {
                            while (it.hasNext()) {
                                KeyValue<String, TenantSummary> kv = it.next();
                                partItems.add(Json.of(kv.value).put("id", kv.key));
                            }
                        }
                    }
                    case ALERTS -> {
                        ReadOnlyKeyValueStore<String, QueueState> states = kv(AggregatorTopology.QUEUE_STORE, p, standby);
                        JsonArray partFiring = new JsonArray();
                        try (KeyValueIterator<String, QueueState> it = states.all()) {
                            while (it.hasNext()) {
                                QueueState q = it.next().value;
                                q.firingSince().forEach((rule, since) -> partFiring.add(new JsonObject().put("id", q.key())
                                        .put("credentialId", q.credentialId()).put("queueId", q.queueId()).put("queueName", q.queueName())
                                        .put("rule", rule).put("since", Instant.ofEpochMilli(since).toString())));
                            }
                        }
                        ReadOnlyWindowStore<String, QueueAlert> history = windowStore(AggregatorTopology.ALERT_HISTORY_STORE, p, standby);
                        try (KeyValueIterator<Windowed<String>, QueueAlert> it = history.all()) {
                            while (it.hasNext()) {
                                KeyValue<Windowed<String>, QueueAlert> kv = it.next();
                                partItems.add(Json.of(kv.value).put("id", kv.key.key()));
                            }
                        }
                        partFiring.forEach(firing::add);
                    }
                }
                partItems.forEach(items::add);
                parts.put(String.valueOf(p), source.toJson());
            } catch (InvalidStateStoreException e) {
                LOG.debug("partition {} of {} not readable here ({}): {}", p, kind.store, standby ? "standby" : "active", e.getMessage());
            }
        }
        return Answer.ok(new JsonObject().put("items", items).put("firing", firing).put("partitions", parts), new Source(instance(),
                standby ? "standby" : "active", 0));
    }

    // ---------------------------------------------------------------------------------------------

    private Future<Answer> blocking(Callable<Answer> read) {
        return vertx.executeBlocking(read, false);
    }

    private Future<Answer> forward(HostInfo host, String path) {
        Promise<Answer> promise = Promise.promise();
        client.get(host.port(), host.host(), INTERNAL + path)
                .timeout(forwardTimeout.toMillis())
                .putHeader("Accept", "application/json")
                .send()
                .onSuccess((HttpResponse<Buffer> r) -> {
                    JsonObject body;
                    try {
                        body = r.bodyAsJsonObject();
                    } catch (RuntimeException e) {
                        promise.fail("instance " + host.host() + ":" + host.port() + " answered " + r.statusCode() + " without JSON");
                        return;
                    }
                    if (body == null) {
                        body = new JsonObject();
                    }
                    Source source = body.containsKey("source") ? Source.from(body.getJsonObject("source")) : null;
                    body.remove("source");
                    String retry = r.getHeader("Retry-After");
                    promise.complete(new Answer(r.statusCode(), body, source, retry == null ? null : Integer.valueOf(retry)));
                })
                .onFailure(promise::fail);
        return promise.future();
    }

    static String encode(String s) {
        return java.net.URLEncoder.encode(s, java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** Stops the forwarding client. */
    public void close() {
        client.close();
    }
}
