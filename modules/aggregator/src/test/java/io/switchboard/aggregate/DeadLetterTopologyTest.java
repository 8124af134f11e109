package io.switchboard.aggregate;

import static io.switchboard.aggregate.Stats.obs;
import static io.switchboard.aggregate.TopologyHarness.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.streams.errors.StreamsException;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.switchboard.registry.serde.DeadLetterDeserializationExceptionHandler;
import io.switchboard.registry.serde.ReplaceThreadOnRetriableFailure;
import io.switchboard.events.poll.QueueStat;
import io.switchboard.registry.SchemaRegistryUnavailableException;

/**
 * Poison records go to the dead-letter topic through Kafka Streams' own DLQ and processing goes on;
 * a registry outage fails the task instead, so a valid record is never dead-lettered or skipped.
 */
class DeadLetterTopologyTest {

    @TempDir
    Path stateDir;
    TopologyHarness h;

    @BeforeEach
    void start() throws Exception {
        h = new TopologyHarness(stateDir, Map.of());
    }

    @AfterEach
    void stop() {
        h.close();
    }

    private static String header(TestRecord<byte[], byte[]> r, String name) {
        Header header = r.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    @Test
    void undecodableRecordsAreHandedToTheDeadLetterQueueAndGoodOnesFlowOn() {
        // The TopologyTestDriver does not write the dead letters of deserialization failures (a real
        // broker does: AggregatorDeadLetterIT); here the handler's count and the flow of good records show it.
        byte[] notAvro = "{\"waiting\": 3}".getBytes(StandardCharsets.UTF_8);
        byte[] unknownId = HexFormat.of().parseHex("000000fff000");
        byte[] good = h.serialize(obs("q-1", T0, "voice", 3, 1_000, 1));
        byte[] truncated = java.util.Arrays.copyOf(good, 9);

        h.pipeRaw("genesys-eu/q-9".getBytes(StandardCharsets.UTF_8), notAvro);
        h.pipeRaw("genesys-eu/q-8".getBytes(StandardCharsets.UTF_8), unknownId);
        h.pipeRaw("genesys-eu/q-7".getBytes(StandardCharsets.UTF_8), truncated);
        h.pipeRaw("genesys-eu/q-1".getBytes(StandardCharsets.UTF_8), good);

        assertThat(h.metrics.deadLetteredCount()).isEqualTo(3);
        assertThat(h.metrics.retriableFailureCount()).isZero();
        assertThat(h.latestSnapshots()).containsOnlyKeys("genesys-eu/q-1");
    }

    @Test
    void poisonOnTheTenantPartialsRepartitionTopicIsDeadLetteredAndSummariesFlowOn() {
        // the aggregator's second input topic: its own repartition topic (internal codec, not Avro)
        String repartition = h.config.applicationId() + "-" + AggregatorTopology.TENANT_REPARTITION + "-repartition";
        h.pipeRawTo(repartition, "genesys-eu".getBytes(StandardCharsets.UTF_8), new byte[] {1, 2, 3}); // truncated
        h.pipeRawTo(repartition, "genesys-eu".getBytes(StandardCharsets.UTF_8), new byte[] {(byte) 0x7f, 0, 0}); // unknown version
        assertThat(h.metrics.deadLetteredCount()).isEqualTo(2);
        assertThat(h.metrics.retriableFailureCount()).as("a bad record, not an outage").isZero();

        h.pipe(obs("q-1", T0, "voice", 3, 1_000, 1));
        h.advanceWallClock(Duration.ofSeconds(2));
        assertThat(h.latestTenants().get("genesys-eu").getWaiting()).as("summaries go on").isEqualTo(3);
    }

    @Test
    void invalidQueueStatIsDeadLetteredBeforeItChangesAnyState() {
        QueueStat bad = Stats.observation("genesys-eu", "q-1", T0).setIntervalStart(T0).setWaiting(3L).build();
        h.pipe(bad);
        h.pipe("genesys-eu/q-2", obs("q-1", T0, "voice", 3, 1_000, 1)); // keyed for another queue
        QueueStat negative = obs("q-1", T0, "voice", -1, 1_000, 1);
        h.pipe(negative);

        List<TestRecord<byte[], byte[]>> dead = h.deadLetters();
        assertThat(dead).hasSize(3);
        assertThat(header(dead.get(0), DeadLetterDeserializationExceptionHandler.HEADER_MESSAGE)).contains("has intervalStart but no intervalEnd");
        assertThat(header(dead.get(1), DeadLetterDeserializationExceptionHandler.HEADER_MESSAGE)).contains("arrived under key 'genesys-eu/q-2'");
        assertThat(header(dead.get(2), DeadLetterDeserializationExceptionHandler.HEADER_EXCEPTION)).isEqualTo(InvalidQueueStatException.class.getName());
        assertThat(h.latestSnapshots()).isEmpty();

        h.pipe(obs("q-1", T0, "voice", 3, 1_000, 1));
        assertThat(h.latestSnapshots().get("genesys-eu/q-1").getWaiting()).as("the queue's state was not touched").isEqualTo(3);
    }

    @Test
    void registryOutageFailsTheTaskAndNeitherDeadLettersNorSkipsTheRecord() {
        byte[] good = h.serialize(obs("q-1", T0, "voice", 3, 1_000, 1)); // registered while the registry is up
        h.registry.close(); // the registry is gone: connection refused

        assertThatThrownBy(() -> h.pipeRaw("genesys-eu/q-1".getBytes(StandardCharsets.UTF_8), good))
                .isInstanceOf(StreamsException.class)
                .satisfies(e -> assertThat(ReplaceThreadOnRetriableFailure.retriableCause(e))
                        .isInstanceOf(SchemaRegistryUnavailableException.class));
        assertThat(h.deadLetters()).isEmpty();
        assertThat(h.snapshots()).isEmpty();
        assertThat(h.metrics.retriableFailureCount()).isEqualTo(1);
        assertThat(h.metrics.deadLetteredCount()).isZero();
    }
}
