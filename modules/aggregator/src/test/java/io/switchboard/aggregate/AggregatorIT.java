package io.switchboard.aggregate;

import static io.switchboard.aggregate.Stats.interval;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.switchboard.aggregate.AggregatorFixture.Reply;
import io.switchboard.registry.serde.DeadLetterDeserializationExceptionHandler;
import io.switchboard.aggregate.query.OpenApiValidator;
import io.switchboard.aggregate.query.QueryApi;
import io.switchboard.events.poll.QueueStat;
import io.switchboard.testkit.KafkaBroker;
import io.switchboard.testkit.WithKafka;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** One aggregator on a real broker and the embedded registry: the query API, the topics, the dead letters, a registry outage. */
@WithKafka
class AggregatorIT {

    /**
     * Vendor time of the records: the start of the current hour. Output records carry vendor time, and
     * the 1-minute topic keeps 2 hours, so records of a fixed date would be deleted by retention once
     * that date is past; only the distance to the window boundary matters to the assertions.
     */
    static final Instant T0 = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.HOURS);
    static final Duration WAIT = Duration.ofSeconds(60);

    KafkaBroker broker;

    @TempDir
    Path dir;

    private final OpenApiValidator openApi = OpenApiValidator.fromJar();

    /** An observation observed at a fixed vendor time and polled now (so it is fresh on the wall clock). */
    static QueueStat obs(String credential, String queue, Instant observedAt, String media, long waiting, long longestMs, long available) {
        return Stats.observation(credential, queue, observedAt).setPolledAt(Instant.now()).setMediaType(media).setWaiting(waiting)
                .setLongestWaitingMs(longestMs).setAgentsAvailable(available).setAgentsOnQueue(available + 1).build();
    }

    private void conforms(Reply r, String path) {
        String schema = openApi.responseSchema(path, r.status());
        assertThat(schema).as("the document describes %s %s", path, r.status()).isNotNull();
        assertThat(openApi.validate(r.json(), schema)).as("%s answered %s against %s", path, r.body(), schema).isEmpty();
    }

    @Test
    void answersQueriesFromItsStoresAndWritesEveryOutputTopic() {
        try (AggregatorFixture f = new AggregatorFixture(broker, 3)) {
            Map<String, Object> section = f.section("solo", dir.resolve("solo"));
            section.put("aggregator.alerts", Map.of("rules", List.of(Map.of("name", "busy", "kind", "waiting-above", "threshold", "8"))));
            section.put("aggregator.http.corsOrigins", List.of("https://wallboard.example.com"));
            section.put("aggregator.windows.emit", "updates"); // windows on their topics as they change (final emission: WindowEmitTopologyTest)
            Aggregator a = f.start(section);
            int port = a.httpPort();
            await().atMost(WAIT).until(a::isReady);

            f.send(obs("genesys-eu", "q-1", T0.plusSeconds(10), "voice", 3, 40_000, 2),
                    obs("genesys-eu", "q-1", T0.plusSeconds(10), "chat", 4, 50_000, 1),
                    obs("genesys-eu", "q-2", T0.plusSeconds(10), "voice", 9, 70_000, 0),
                    interval("q-1", T0, T0.plusSeconds(60), Instant.now(), 10, 8, 2, 7, 10),
                    obs("cxone-us", "skill-1", T0.plusSeconds(10), null, 1, 5_000, 3));

            await().atMost(WAIT).untilAsserted(() -> {
                Reply q = f.get(port, "/api/queues/genesys-eu/q-1");
                assertThat(q.status()).as(q.body()).isEqualTo(200);
                assertThat(q.json().getJsonObject("data").getLong("waiting")).isEqualTo(7);
                assertThat(q.json().getJsonObject("data").getDouble("serviceLevelPercent")).isEqualTo(70.0);
            });
            Reply one = f.get(port, "/api/queues/genesys-eu%2Fq-1");
            assertThat(one.status()).isEqualTo(200);
            conforms(one, "/api/queues/{id}");
            assertThat(one.header(QueryApi.REPLICA_HEADER)).isEqualTo("active");
            assertThat(one.header(QueryApi.LAG_HEADER)).isEqualTo("0");
            assertThat(one.header(QueryApi.SERVED_BY_HEADER)).isEqualTo("127.0.0.1:" + port);
            JsonObject data = one.json().getJsonObject("data");
            assertThat(data.getString("id")).isEqualTo("genesys-eu/q-1");
            assertThat(data.getJsonObject("byMediaType").getMap()).containsEntry("voice", 3).containsEntry("chat", 4);
            assertThat(data.getBoolean("stale")).isFalse();

            await().atMost(WAIT).untilAsserted(() -> assertThat(f.get(port, "/api/queues").json().getInteger("total")).isEqualTo(3));
            Reply list = f.get(port, "/api/queues?tenant=genesys-eu&sort=waiting");
            conforms(list, "/api/queues");
            assertThat(list.json().getJsonArray("items").stream().map(o -> ((JsonObject) o).getString("queueId")))
                    .containsExactly("q-2", "q-1");
            Reply page = f.get(port, "/api/queues?sort=id&pageSize=2&page=2");
            assertThat(page.json().getJsonArray("items").stream().map(o -> ((JsonObject) o).getString("id")))
                    .containsExactly("genesys-eu/q-2");
            assertThat(page.json().getInteger("total")).isEqualTo(3);

            Reply windows = f.get(port, "/api/queues/genesys-eu/q-1/windows?size=1m&from=" + T0 + "&to=" + T0.plusSeconds(3600));
            assertThat(windows.status()).as(windows.body()).isEqualTo(200);
            conforms(windows, "/api/queues/{id}/windows");
            JsonArray w = windows.json().getJsonObject("data").getJsonArray("items");
            assertThat(w).hasSize(1);
            assertThat(w.getJsonObject(0).getLong("samples")).isEqualTo(1);
            assertThat(w.getJsonObject(0).getLong("waitingMax")).isEqualTo(7);
            assertThat(w.getJsonObject(0).getLong("offered")).isEqualTo(10);

            await().atMost(WAIT).untilAsserted(() -> {
                Reply t = f.get(port, "/api/tenants/genesys-eu");
                assertThat(t.status()).as(t.body()).isEqualTo(200);
                assertThat(t.json().getJsonObject("data").getLong("waiting")).isEqualTo(16);
            });
            conforms(f.get(port, "/api/tenants/genesys-eu"), "/api/tenants/{id}");
            await().atMost(WAIT).untilAsserted(() -> assertThat(f.get(port, "/api/tenants").json().getInteger("total")).isEqualTo(2));
            Reply tenants = f.get(port, "/api/tenants");
            conforms(tenants, "/api/tenants");
            assertThat(tenants.json().getJsonArray("items").getJsonObject(1).getString("worstQueueId")).isEqualTo("q-2");

            Reply alerts = f.get(port, "/api/alerts");
            conforms(alerts, "/api/alerts");
            assertThat(alerts.json().getJsonArray("items")).singleElement()
                    .satisfies(o -> assertThat(((JsonObject) o).getString("id")).isEqualTo("genesys-eu/q-2"));
            conforms(f.get(port, "/api/alerts?state=all"), "/api/alerts");

            Reply missing = f.get(port, "/api/queues/genesys-eu/nope");
            assertThat(missing.status()).isEqualTo(404);
            conforms(missing, "/api/queues/{id}");
            assertThat(missing.json().getString("error")).contains("no queue genesys-eu/nope");
            Reply badSize = f.get(port, "/api/queues/genesys-eu/q-1/windows?size=5m");
            assertThat(badSize.status()).isEqualTo(400);
            conforms(badSize, "/api/queues/{id}/windows");
            assertThat(f.get(port, "/api/nothing").status()).isEqualTo(404);
            assertThat(f.get(port, "/api/queues?sort=colour").status()).isEqualTo(400);

            Reply cors = f.get(port, "/api/queues", Map.of("Origin", "https://wallboard.example.com"));
            assertThat(cors.header("Access-Control-Allow-Origin")).isEqualTo("https://wallboard.example.com");
            assertThat(f.get(port, "/api/queues", Map.of("Origin", "https://evil.example.com")).header("Access-Control-Allow-Origin"))
                    .isNull();
            Reply doc = f.get(port, "/api/openapi.json");
            assertThat(doc.json().getString("openapi")).startsWith("3.0");

            // a snapshot per queue and commit: the record cache folds q-1's records of one commit into one
            await().atMost(WAIT).untilAsserted(() -> assertThat(f.readAll(f.prefix + ".dashboard.queue-snapshots").stream()
                    .map(r -> new String(r.key(), java.nio.charset.StandardCharsets.UTF_8)).distinct())
                    .containsExactlyInAnyOrder("genesys-eu/q-1", "genesys-eu/q-2", "cxone-us/skill-1"));
            assertThat(f.read(f.prefix + ".dashboard.queue-stats-1m", 4)).hasSizeGreaterThanOrEqualTo(4);
            assertThat(f.read(f.prefix + ".dashboard.queue-stats-15m", 5)).hasSizeGreaterThanOrEqualTo(5);
            assertThat(f.read(f.prefix + ".dashboard.tenant-summary", 2)).hasSizeGreaterThanOrEqualTo(2);
            assertThat(f.read(f.prefix + ".alerts", 1)).hasSize(1);

            Reply ready = f.get(a.opsPort(), "/ready");
            assertThat(ready.status()).as(ready.body()).isEqualTo(200);
            String metrics = f.get(a.opsPort(), "/metrics").body();
            assertThat(metrics).contains("aggregator_records_processed_total{instance=\"solo\"} 5.0")
                    .contains("aggregator_records_dropped_late_total{instance=\"solo\",window=\"1m\"} 0.0")
                    .contains("aggregator_records_dead_lettered_total")
                    .contains("aggregator_punctuation_lag_milliseconds")
                    .contains("aggregator_store_entries{instance=\"solo\",store=\"queue-state\"}");
        }
    }

    @Test
    void poisonRecordsGoToTheDeadLetterTopicWithTheirBytesAndGoodRecordsFlowOn() {
        try (AggregatorFixture f = new AggregatorFixture(broker, 1)) {
            Aggregator a = f.start(f.section("dlq", dir.resolve("dlq")));
            await().atMost(WAIT).until(a::isReady);
            byte[] notAvro = "{\"waiting\":3}".getBytes(StandardCharsets.UTF_8);
            byte[] unknownId = HexFormat.of().parseHex("000000fff000");
            f.sendRaw("genesys-eu/q-9", notAvro);
            f.sendRaw("genesys-eu/q-8", unknownId);
            f.send(Stats.observation("genesys-eu", "q-7", T0).setIntervalStart(T0).setPolledAt(Instant.now()).build()); // no intervalEnd
            // the aggregator's other input topics: its tenant repartition topic (own codec) and, for the live feed,
            // the snapshot topic it reads back
            byte[] notAPartial = {1, 2, 3};
            f.sendRawTo(f.prefix + "-aggregator-" + AggregatorTopology.TENANT_REPARTITION + "-repartition", "poison-tenant", notAPartial);
            f.sendRawTo(f.prefix + ".dashboard.queue-snapshots", "genesys-eu/q-6", notAvro);
            f.send(obs("genesys-eu", "q-1", T0, "voice", 2, 1_000, 1));

            // the dead-letter topic has several partitions: order only holds per key
            Map<String, ConsumerRecord<byte[], byte[]>> dead = new java.util.HashMap<>();
            f.read(f.prefix + ".dead-letters", 4).forEach(r -> dead.put(new String(r.key(), StandardCharsets.UTF_8), r));
            assertThat(dead).containsOnlyKeys("genesys-eu/q-9", "genesys-eu/q-8", "genesys-eu/q-7", "poison-tenant");
            assertThat(dead.get("poison-tenant").value()).isEqualTo(notAPartial);
            assertThat(new String(dead.get("poison-tenant").headers().lastHeader(DeadLetterDeserializationExceptionHandler.HEADER_MESSAGE)
                    .value(), StandardCharsets.UTF_8)).contains("does not decode");
            assertThat(dead.get("genesys-eu/q-9").value()).isEqualTo(notAvro);
            assertThat(dead.get("genesys-eu/q-8").value()).isEqualTo(unknownId);
            assertThat(new String(dead.get("genesys-eu/q-9").headers().lastHeader(DeadLetterDeserializationExceptionHandler.HEADER_MESSAGE).value(),
                    StandardCharsets.UTF_8)).contains("magic byte");
            assertThat(new String(dead.get("genesys-eu/q-7").headers().lastHeader(DeadLetterDeserializationExceptionHandler.HEADER_EXCEPTION).value(),
                    StandardCharsets.UTF_8)).isEqualTo(InvalidQueueStatException.class.getName());
            await().atMost(WAIT).untilAsserted(() -> assertThat(f.get(a.httpPort(), "/api/queues/genesys-eu/q-1").status()).isEqualTo(200));
            assertThat(a.metrics().deadLetteredCount()).isEqualTo(4);
            assertThat(a.isReady()).as("the live feed skipped the unreadable snapshot and reads on").isTrue();
            await().atMost(WAIT).untilAsserted(() -> assertThat(f.get(a.httpPort(), "/api/tenants/genesys-eu").status())
                    .as("tenant summaries flow on").isEqualTo(200));
        }
    }

    @Test
    void registryOutageNeverDeadLettersOrSkipsAValidRecord() {
        try (AggregatorFixture f = new AggregatorFixture(broker, 1)) {
            Aggregator a = f.start(f.section("outage", dir.resolve("outage")));
            await().atMost(WAIT).until(a::isReady);
            byte[] valid = f.serialize(obs("genesys-eu", "q-1", T0, "voice", 4, 1_000, 1)); // schema registered, id known to the producer only
            f.stopRegistry();
            f.sendRaw("genesys-eu/q-1", valid);

            // the stream thread dies on purpose (and is replaced): do not let Awaitility fail on that
            await().dontCatchUncaughtExceptions().atMost(WAIT)
                    .untilAsserted(() -> assertThat(a.metrics().retriableFailureCount()).isGreaterThanOrEqualTo(2));
            assertThat(a.metrics().deadLetteredCount()).isZero();
            assertThat(f.get(a.httpPort(), "/api/queues/genesys-eu/q-1").status()).isNotEqualTo(200);
            assertThat(a.failure()).isNull();

            f.restartRegistry();
            await().dontCatchUncaughtExceptions().atMost(WAIT).untilAsserted(() -> {
                Reply q = f.get(a.httpPort(), "/api/queues/genesys-eu/q-1");
                assertThat(q.status()).as(q.body()).isEqualTo(200);
                assertThat(q.json().getJsonObject("data").getLong("waiting")).isEqualTo(4);
            });
            assertThat(a.metrics().deadLetteredCount()).isZero();
            assertThat(f.readAll(f.prefix + ".dead-letters")).as("committed with the snapshot, so it would be there").isEmpty();
            assertThat(f.read(f.prefix + ".dashboard.queue-snapshots", 1)).hasSize(1);
            assertThat(a.isReady()).isTrue();
        }
    }
}
