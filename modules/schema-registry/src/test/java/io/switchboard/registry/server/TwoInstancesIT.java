package io.switchboard.registry.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.junit.jupiter.api.Test;

import io.switchboard.registry.CompatibilityLevel;
import io.switchboard.registry.SchemaRegistryClient;
import io.switchboard.registry.SchemaRegistryConfig;
import io.switchboard.testkit.KafkaBroker;
import io.switchboard.testkit.WithKafka;

/** Two embedded registries on one schema topic agree on ids and versions, also after a restart. */
@WithKafka
class TwoInstancesIT {

    KafkaBroker broker;

    @Test
    void concurrentWritersOnTwoInstancesAgreeAndARestartedInstanceSeesTheSame() throws Exception {
        EmbeddedSchemaRegistryOptions options = EmbeddedSchemaRegistryOptions.defaults(broker.bootstrapServers()).withTopic("_schemas-pair");
        EmbeddedSchemaRegistry a = EmbeddedSchemaRegistry.start(options);
        EmbeddedSchemaRegistry b = EmbeddedSchemaRegistry.start(options);
        try {
            SchemaRegistryClient ca = new SchemaRegistryClient(SchemaRegistryConfig.of(a.url()));
            SchemaRegistryClient cb = new SchemaRegistryClient(SchemaRegistryConfig.of(b.url()));
            ca.setCompatibility("pair-shared", CompatibilityLevel.NONE);

            // 12 distinct schemas, registered at once through both instances, each under its own subject
            // and all under one shared subject (so ids and versions race)
            ExecutorService pool = Executors.newFixedThreadPool(8);
            List<Future<Integer>> futures = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                Schema s = schema(i);
                SchemaRegistryClient c = i % 2 == 0 ? ca : cb;
                int n = i;
                futures.add(pool.submit(() -> c.register("pair-" + n, s)));
                futures.add(pool.submit(() -> c.register("pair-shared", s)));
            }
            List<Integer> ids = new ArrayList<>();
            for (Future<Integer> f : futures) {
                ids.add(f.get(60, TimeUnit.SECONDS));
            }
            pool.shutdown();
            Map<Integer, Integer> idBySchema = new HashMap<>();
            for (int i = 0; i < 12; i++) {
                assertThat(ids.get(2 * i)).as("same schema, same id under both subjects").isEqualTo(ids.get(2 * i + 1));
                idBySchema.put(i, ids.get(2 * i));
            }
            assertThat(new HashSet<>(idBySchema.values())).as("distinct schemas get distinct ids").hasSize(12);

            SchemaRegistryClient freshA = new SchemaRegistryClient(SchemaRegistryConfig.of(a.url()));
            SchemaRegistryClient freshB = new SchemaRegistryClient(SchemaRegistryConfig.of(b.url()));
            for (int i = 0; i < 12; i++) {
                assertThat(freshA.getSchemaById(idBySchema.get(i))).isEqualTo(schema(i));
                assertThat(freshB.getSchemaById(idBySchema.get(i))).isEqualTo(schema(i));
                assertThat(freshB.lookup("pair-shared", schema(i)).version()).isEqualTo(freshA.lookup("pair-shared", schema(i)).version());
            }
            assertThat(freshA.getVersions("pair-shared")).containsExactlyElementsOf(freshB.getVersions("pair-shared"))
                    .containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12);
            assertThat(freshB.getCompatibility("pair-shared")).isEqualTo(CompatibilityLevel.NONE);

            // restart: a new instance replays the topic into the same state
            a.close();
            try (EmbeddedSchemaRegistry c = EmbeddedSchemaRegistry.start(options)) {
                SchemaRegistryClient cc = new SchemaRegistryClient(SchemaRegistryConfig.of(c.url()));
                for (int i = 0; i < 12; i++) {
                    assertThat(cc.getSchemaById(idBySchema.get(i))).isEqualTo(schema(i));
                    assertThat(cc.lookup("pair-" + i, schema(i)).id()).isEqualTo(idBySchema.get(i));
                }
                assertThat(cc.getVersions("pair-shared")).hasSize(12);
                assertThat(cc.getCompatibility("pair-shared")).isEqualTo(CompatibilityLevel.NONE);
                // the next new schema gets an id no one has
                assertThat(cc.register("pair-new", schema(100))).isNotIn(idBySchema.values());
            }
        } finally {
            b.close();
            a.close();
        }
    }

    private static Schema schema(int i) {
        return SchemaBuilder.record("Thing" + i).namespace("io.switchboard.test").fields().requiredLong("n" + i).endRecord();
    }
}
