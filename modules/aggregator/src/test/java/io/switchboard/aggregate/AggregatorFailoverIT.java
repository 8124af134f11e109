package io.switchboard.aggregate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsMetadata;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.switchboard.aggregate.AggregatorFixture.Reply;
import io.switchboard.aggregate.internal.Json;
import io.switchboard.aggregate.internal.QueueState;
import io.switchboard.aggregate.query.QueryApi;
import io.switchboard.testkit.KafkaBroker;
import io.switchboard.testkit.WithKafka;
import io.vertx.core.json.JsonObject;

/**
 * Two aggregator instances: any instance answers (forwarding to the owner), a standby answers while
 * the owner is gone and says so, and state comes back after a restart and from the changelog alone,
 * with nothing counted twice.
 */
@WithKafka
class AggregatorFailoverIT {

    static final Instant T0 = Instant.now().truncatedTo(ChronoUnit.HOURS);
    static final Duration WAIT = Duration.ofSeconds(90);

    KafkaBroker broker;

    @TempDir
    Path dir;

    private static HostInfo host(Aggregator a) {
        return new HostInfo("127.0.0.1", a.httpPort());
    }

    private static HostInfo owner(Aggregator any, String key) {
        KeyQueryMetadata md = any.streams().queryMetadataForKey(AggregatorTopology.QUEUE_STORE, key, new StringSerializer());
        return md.activeHost();
    }

    private static long samples(AggregatorFixture f, Aggregator via, String key) {
        Reply w = f.get(via.httpPort(), "/api/queues/" + key + "/windows?size=15m&from=" + T0 + "&to=" + T0.plusSeconds(3600));
        assertThat(w.status()).as(w.body()).isEqualTo(200);
        return w.json().getJsonObject("data").getJsonArray("items").getJsonObject(0).getLong("samples");
    }

    @Test
    void anyInstanceAnswersStandbyServesWhileTheOwnerIsGoneAndStateSurvivesRestarts() {
        try (AggregatorFixture f = new AggregatorFixture(broker, 4)) {
            Map<String, Object> sa = f.section("a", dir.resolve("a"));
            Map<String, Object> sb = f.section("b", dir.resolve("b"));
            Aggregator a = f.start(sa);
            Aggregator b = f.start(sb);
            await().dontCatchUncaughtExceptions().atMost(WAIT).until(() -> a.isReady() && b.isReady()
                    && a.streams().metadataForAllStreamsClients().size() == 2
                    && a.streams().metadataForAllStreamsClients().stream().allMatch(m -> !m.topicPartitions().isEmpty()));

            List<String> keys = new ArrayList<>();
            for (int q = 0; q < 8; q++) {
                String queue = "q-" + q;
                keys.add("genesys-eu/" + queue);
                f.send(AggregatorIT.obs("genesys-eu", queue, T0.plusSeconds(10), "voice", q, 1_000L * q, 1),
                        AggregatorIT.obs("genesys-eu", queue, T0.plusSeconds(20), "voice", q + 1, 1_000L * q, 1));
            }
            for (Aggregator via : List.of(a, b)) {
                await().dontCatchUncaughtExceptions().atMost(WAIT).untilAsserted(() -> {
                    Reply all = f.get(via.httpPort(), "/api/queues?pageSize=100");
                    assertThat(all.status()).as(all.body()).isEqualTo(200);
                    assertThat(all.json().getInteger("total")).isEqualTo(8);
                });
            }

            // forwarding: each instance answers for keys the other owns
            String ownedByA = keys.stream().filter(k -> owner(a, k).equals(host(a))).findFirst().orElseThrow();
            String ownedByB = keys.stream().filter(k -> owner(a, k).equals(host(b))).findFirst().orElseThrow();
            Reply forwarded = f.get(a.httpPort(), "/api/queues/" + ownedByB);
            assertThat(forwarded.status()).as(forwarded.body()).isEqualTo(200);
            assertThat(forwarded.header(QueryApi.SERVED_BY_HEADER)).isEqualTo("127.0.0.1:" + b.httpPort());
            assertThat(forwarded.header(QueryApi.REPLICA_HEADER)).isEqualTo("active");
            assertThat(f.get(b.httpPort(), "/api/queues/" + ownedByA).header(QueryApi.SERVED_BY_HEADER))
                    .isEqualTo("127.0.0.1:" + a.httpPort());
            long expectedWaiting = Long.parseLong(ownedByA.substring(ownedByA.indexOf("q-") + 2)) + 1;
            assertThat(samples(f, b, ownedByA)).isEqualTo(2);

            // b keeps a caught-up standby of a's partitions
            int partitionOfA = a.streams().queryMetadataForKey(AggregatorTopology.QUEUE_STORE, ownedByA, new StringSerializer()).partition();
            await().dontCatchUncaughtExceptions().atMost(WAIT).untilAsserted(() -> {
                StreamsMetadata mdB = b.streams().metadataForAllStreamsClients().stream().filter(m -> m.hostInfo().equals(host(b)))
                        .findFirst().orElseThrow();
                assertThat(mdB.standbyTopicPartitions()).anyMatch(tp -> tp.partition() == partitionOfA);
                // (LagInfo's offset lag stays at 1 or so under exactly-once: the end offset counts the commit marker)
                ReadOnlyKeyValueStore<String, QueueState> standby = b.streams().store(StoreQueryParameters
                        .fromNameAndType(AggregatorTopology.QUEUE_STORE, QueryableStoreTypes.<String, QueueState>keyValueStore())
                        .withPartition(partitionOfA).enableStaleStores());
                QueueState state = standby.get(ownedByA);
                assertThat(state).isNotNull();
                assertThat(Json.snapshot(state, 0, 60_000).getLong("waiting")).isEqualTo(expectedWaiting);
            });

            // a is killed: its group membership stays until the session times out; b answers from its standby
            a.close();
            Reply fromStandby = f.get(b.httpPort(), "/api/queues/" + ownedByA);
            assertThat(fromStandby.status()).as(fromStandby.body()).isEqualTo(200);
            assertThat(fromStandby.header(QueryApi.REPLICA_HEADER)).isEqualTo("standby");
            assertThat(fromStandby.header(QueryApi.SERVED_BY_HEADER)).isEqualTo("127.0.0.1:" + b.httpPort());
            assertThat(fromStandby.json().getJsonObject("source").getString("replica")).isEqualTo("standby");
            assertThat(fromStandby.json().getJsonObject("source").getLong("offsetLag")).isGreaterThanOrEqualTo(0);
            assertThat(fromStandby.json().getJsonObject("data").getLong("waiting")).isEqualTo(expectedWaiting);

            // after the rebalance b owns everything
            await().dontCatchUncaughtExceptions().atMost(WAIT).untilAsserted(() -> {
                Reply r = f.get(b.httpPort(), "/api/queues/" + ownedByA);
                assertThat(r.status()).as(r.body()).isEqualTo(200);
                assertThat(r.header(QueryApi.REPLICA_HEADER)).isEqualTo("active");
            });
            f.send(AggregatorIT.obs("genesys-eu", ownedByA.substring("genesys-eu/".length()), T0.plusSeconds(30), "voice", 50, 1_000, 1));
            await().dontCatchUncaughtExceptions().atMost(WAIT).untilAsserted(() -> assertThat(f.get(b.httpPort(), "/api/queues/" + ownedByA).json()
                    .getJsonObject("data").getLong("waiting")).isEqualTo(50));
            assertThat(samples(f, b, ownedByA)).isEqualTo(3);

            // a comes back with its old state directory and takes its share again: nothing counted twice
            Aggregator a2 = f.start(sa);
            await().dontCatchUncaughtExceptions().atMost(WAIT).until(() -> a2.isReady() && a2.streams().metadataForAllStreamsClients().stream()
                    .filter(m -> m.hostInfo().equals(host(a2))).anyMatch(m -> !m.topicPartitions().isEmpty()));
            for (String key : keys) {
                await().dontCatchUncaughtExceptions().atMost(WAIT).untilAsserted(() -> assertThat(f.get(a2.httpPort(), "/api/queues/" + key).status()).isEqualTo(200));
                assertThat(samples(f, a2, key)).as(key).isEqualTo(key.equals(ownedByA) ? 3 : 2);
            }

            // both stop; a new instance with an empty state directory restores everything from the changelogs
            a2.close();
            b.close();
            Aggregator c = f.start(f.section("c", dir.resolve("c-empty")));
            await().dontCatchUncaughtExceptions().atMost(WAIT).until(c::isReady);
            for (String key : keys) {
                await().dontCatchUncaughtExceptions().atMost(WAIT).untilAsserted(() -> {
                    Reply r = f.get(c.httpPort(), "/api/queues/" + key);
                    assertThat(r.status()).as(r.body()).isEqualTo(200);
                    assertThat(r.header(QueryApi.REPLICA_HEADER)).isEqualTo("active");
                });
                assertThat(samples(f, c, key)).as(key).isEqualTo(key.equals(ownedByA) ? 3 : 2);
            }
            JsonObject restored = f.get(c.httpPort(), "/api/queues/" + ownedByA).json().getJsonObject("data");
            assertThat(restored.getLong("waiting")).isEqualTo(50);
        }
    }
}
