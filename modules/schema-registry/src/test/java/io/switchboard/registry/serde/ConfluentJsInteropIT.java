package io.switchboard.registry.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.switchboard.events.poll.QueueStat;
import io.switchboard.registry.server.EmbeddedSchemaRegistry;
import io.switchboard.registry.server.EmbeddedSchemaRegistryOptions;
import io.switchboard.testkit.KafkaBroker;
import io.switchboard.testkit.WithKafka;

/**
 * Interoperability with an independent Confluent-wire-format implementation: the npm package
 * {@code @kafkajs/confluent-schema-registry} (client + avsc serde, written without any of our code)
 * reads what our serializer writes, fetching the schema from our embedded registry by id, and writes
 * records (registering through our registry's REST API) that our deserializer reads.
 *
 * <p>Needs Node.js and the package, so it runs only when asked:
 * {@code (cd modules/schema-registry/src/test/interop/confluent-js && npm ci)} then
 * {@code ./mvnw -B verify -pl modules/schema-registry -am -Dit.test=ConfluentJsInteropIT
 * -Dswitchboard.interop.confluentJs=$PWD/modules/schema-registry/src/test/interop/confluent-js}.
 * Skipped (not failed) otherwise, since the build needs only a JDK.
 */
@WithKafka
class ConfluentJsInteropIT {

    private static final String DRIVER_DIR = System.getProperty("switchboard.interop.confluentJs", "");
    private static final ObjectMapper JSON = new ObjectMapper();

    static KafkaBroker broker;
    static EmbeddedSchemaRegistry registry;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        assumeTrue(!DRIVER_DIR.isBlank() && Files.isDirectory(Path.of(DRIVER_DIR, "node_modules", "@kafkajs")),
                "set -Dswitchboard.interop.confluentJs to the interop/confluent-js directory after `npm ci` there");
        registry = EmbeddedSchemaRegistry.start(EmbeddedSchemaRegistryOptions.defaults(broker.bootstrapServers())
                .withTopic("_schemas-interop"));
    }

    @AfterAll
    static void stop() {
        if (registry != null) {
            registry.close();
        }
    }

    @Test
    void anIndependentConfluentClientReadsWhatWeWrite() throws Exception {
        Serde<QueueStat> serde = AvroSerdes.specific(QueueStat.class, Map.of("schema.registry.url", registry.url()), false);
        QueueStat stat = QueueStat.newBuilder()
                .setCredentialId("genesys-eu").setProvider("genesys-cloud").setJobId("job-7").setPollSequence(42)
                .setQueueId("q-1").setQueueName("Support \u00e9").setMediaType("voice")
                .setObservedAt(Instant.ofEpochMilli(1_763_000_000_123L)).setPolledAt(Instant.ofEpochMilli(1_763_000_000_456L))
                .setWaiting(3L).setLongestWaitingMs(61_000L).setServiceLevelPercent(87.5)
                .setExtraMetrics(Map.of("oUserPresences.AVAILABLE", 4.0)).build();
        byte[] bytes = serde.serializer().serialize("interop.queue-stats", stat);

        JsonNode decoded = JSON.readTree(node("decode", registry.url(), HexFormat.of().formatHex(bytes)));

        assertThat(decoded.get("credentialId").asText()).isEqualTo("genesys-eu");
        assertThat(decoded.get("queueName").asText()).isEqualTo("Support \u00e9");
        assertThat(decoded.get("pollSequence").asLong()).isEqualTo(42);
        assertThat(decoded.get("observedAt").asLong()).isEqualTo(1_763_000_000_123L);
        assertThat(decoded.get("waiting").asLong()).isEqualTo(3);
        assertThat(decoded.get("interacting").isNull()).isTrue();
        assertThat(decoded.get("serviceLevelPercent").asDouble()).isEqualTo(87.5);
        assertThat(decoded.get("extraMetrics").get("oUserPresences.AVAILABLE").asDouble()).isEqualTo(4.0);
    }

    @Test
    void weReadWhatAnIndependentConfluentClientWritesAndRegisters() throws Exception {
        Path schema = dir.resolve("schema.avsc");
        Files.writeString(schema, QueueStat.getClassSchema().toString());
        Path record = dir.resolve("record.json");
        Files.writeString(record, """
                {"credentialId": "cxone-main", "tenantId": "tenant-1", "provider": "nice-cxone", "jobId": "job-9",
                 "pollSequence": 7, "queueId": "skill-1", "queueName": null, "mediaType": null,
                 "observedAt": 1763000000999, "polledAt": 1763000001000, "intervalStart": null, "intervalEnd": null,
                 "waiting": 5, "interacting": 2, "longestWaitingMs": null, "agentsOnQueue": null, "agentsAvailable": 1,
                 "agentsLoggedIn": 4, "offered": null, "answered": null, "abandoned": null, "handleTimeSumMs": null,
                 "handleTimeCount": null, "waitTimeSumMs": null, "waitTimeCount": null, "serviceLevelNumerator": null,
                 "serviceLevelDenominator": null, "serviceLevelPercent": 92.0, "extraMetrics": {}}
                """);
        JsonNode written = JSON.readTree(node("encode", registry.url(), "interop.queue-stats-value", schema.toString(), record.toString()));
        byte[] bytes = HexFormat.of().parseHex(written.get("hex").asText());
        assertThat(bytes[0]).as("magic byte").isZero();

        Serde<QueueStat> serde = AvroSerdes.specific(QueueStat.class, Map.of("schema.registry.url", registry.url()), false);
        QueueStat stat = serde.deserializer().deserialize("interop.queue-stats", bytes);

        assertThat(stat.getCredentialId()).isEqualTo("cxone-main");
        assertThat(stat.getTenantId()).isEqualTo("tenant-1");
        assertThat(stat.getPollSequence()).isEqualTo(7);
        assertThat(stat.getObservedAt()).isEqualTo(Instant.ofEpochMilli(1_763_000_000_999L));
        assertThat(stat.getWaiting()).isEqualTo(5L);
        assertThat(stat.getQueueName()).isNull();
        assertThat(stat.getServiceLevelPercent()).isEqualTo(92.0);
    }

    private static String node(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("node", "interop.js"));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).directory(Path.of(DRIVER_DIR).toFile()).start();
        byte[] out = process.getInputStream().readAllBytes();
        byte[] err = process.getErrorStream().readAllBytes();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("node finished").isTrue();
        assertThat(process.exitValue()).as("node %s failed: %s", args[0], new String(err, StandardCharsets.UTF_8)).isZero();
        return new String(out, StandardCharsets.UTF_8);
    }
}
