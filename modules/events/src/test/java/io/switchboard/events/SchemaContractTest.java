package io.switchboard.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.switchboard.events.aggregate.QueueAlert;
import io.switchboard.events.aggregate.QueueSnapshot;
import io.switchboard.events.aggregate.QueueWindowStats;
import io.switchboard.events.aggregate.TenantSummary;
import io.switchboard.events.poll.PollError;
import io.switchboard.events.poll.PollJob;
import io.switchboard.events.poll.PollProgress;
import io.switchboard.events.poll.QueueStat;
import io.switchboard.events.token.EncryptedPayload;
import io.switchboard.events.token.TokenRecord;
import io.switchboard.events.token.TokenRefreshRequest;
import io.switchboard.events.token.TokenStatus;

/**
 * The topic contract: every schema in {@code schemas/} parses, documents every field, round-trips
 * through Avro binary, and stays BACKWARD compatible with its last released copy
 * ({@code src/test/resources/released/}; update that copy on purpose when releasing).
 */
class SchemaContractTest {

    private static final Instant T0 = Instant.parse("2026-11-20T10:15:30.123Z");

    static Stream<String> schemaFiles() throws IOException {
        try (Stream<Path> files = Files.list(schemasDir())) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".avsc")).sorted().toList().stream();
        }
    }

    static Stream<SpecificRecord> instances() {
        QueueStat stat = QueueStat.newBuilder()
                .setCredentialId("genesys-eu").setTenantId("org-1").setProvider("genesys-cloud")
                .setJobId("job-1").setPollSequence(42).setQueueId("q-1").setQueueName("Support")
                .setMediaType("voice").setObservedAt(T0).setPolledAt(T0.plusMillis(80))
                .setWaiting(3L).setInteracting(5L).setLongestWaitingMs(61_000L).setAgentsOnQueue(9L)
                .setServiceLevelPercent(87.5).setExtraMetrics(Map.of("oUserPresences.AVAILABLE", 4.0))
                .build();
        PollError error = PollError.newBuilder()
                .setCredentialId("genesys-eu").setJobId("job-1").setProvider("genesys-cloud")
                .setOccurredAt(T0).setKind("PERMISSION").setRetriable(false).setHttpStatus(403)
                .setVendorCode("missing.permissions")
                .setMessage("assign analytics:queueObservation:view to the OAuth client's role").build();
        PollJob job = PollJob.newBuilder()
                .setJobId("job-1").setCredentialId("genesys-eu").setEndpoint("genesys.queue-observations")
                .setQueueIds(List.of("q-1", "q-2")).setIntervalMs(10_000).setUpdatedAt(T0).build();
        PollProgress progress = PollProgress.newBuilder()
                .setJobId("job-1").setCredentialId("genesys-eu").setPollSequence(42).setPolledAt(T0)
                .setScheduledAt(T0.minusMillis(120)).setLastClosedIntervalEnd(T0.minusSeconds(30))
                .setLastSuccessAt(T0).setOwnerId("poller-1").build();
        TokenRecord token = TokenRecord.newBuilder()
                .setCredentialId("genesys-eu").setProvider("genesys-cloud").setVersion(7)
                .setIssuedAt(T0).setExpiresAt(T0.plusSeconds(86_399)).setRefreshAfter(T0.plusSeconds(64_799))
                .setApiBaseUrl("https://api.mypurecloud.ie")
                .setHeaders(EncryptedPayload.newBuilder().setKeyId("k1").setAlgorithm("AES-256-GCM")
                        .setNonce(java.nio.ByteBuffer.wrap(new byte[12]))
                        .setCiphertext(java.nio.ByteBuffer.wrap(new byte[] {1, 2, 3})).build())
                .build();
        TokenRefreshRequest request = TokenRefreshRequest.newBuilder()
                .setCredentialId("genesys-eu").setFailedVersion(7L).setReason("401 bad.credentials")
                .setHttpStatus(401).setRequester("poller-1").setRequestedAt(T0).build();
        QueueSnapshot snapshot = QueueSnapshot.newBuilder()
                .setCredentialId("genesys-eu").setProvider("genesys-cloud").setQueueId("q-1")
                .setObservedAt(T0).setUpdatedAt(T0).setPollSequence(42).setWaiting(3L)
                .setAgeMs(1_500L).setStale(true).setAlertsFiring(List.of("long-wait")).build();
        QueueWindowStats window = QueueWindowStats.newBuilder()
                .setCredentialId("genesys-eu").setQueueId("q-1").setWindowSize("PT1M")
                .setWindowStart(T0).setWindowEnd(T0.plusSeconds(60)).setSamples(6).setWaitingMax(4L)
                .setAbandonRate(0.1).setAverageSpeedOfAnswerMs(12_000.0).setAverageHandleTimeMs(240_000.0).setIntervals(1).build();
        TenantSummary summary = TenantSummary.newBuilder()
                .setCredentialId("genesys-eu").setProvider("genesys-cloud").setUpdatedAt(T0).setQueues(12)
                .setServiceLevelPercent(82.5).setWorstQueueId("q-1").setStaleQueues(1).build();
        QueueAlert alert = QueueAlert.newBuilder()
                .setCredentialId("genesys-eu").setQueueId("q-1").setRule("longest-waiting-over-120s")
                .setState("FIRING").setObservedValue(192).setThreshold(120)
                .setMessage("Support: longest wait 3m12s (limit 2m)").setRaisedAt(T0).build();
        TokenStatus status = TokenStatus.newBuilder()
                .setCredentialId("genesys-eu").setProvider("genesys-cloud").setState("PARKED").setVersion(7L)
                .setExpiresAt(T0.plusSeconds(600)).setLastErrorKind("REJECTED").setLastErrorCode("invalid_client")
                .setLastError("Genesys rejected client 6c1f... (invalid_client): check the client secret").setHttpStatus(401)
                .setNextAttemptAt(T0.plusSeconds(3600)).setInstanceId("tm-1").setUpdatedAt(T0)
                .setConfigFingerprint("k1:3q2-7w").build();
        return Stream.of(stat, error, job, progress, token, request, snapshot, window, summary, alert, status);
    }

    @Test
    void everyContractTypeHasASchemaFile() throws IOException {
        assertThat(schemaFiles().toList()).containsExactlyInAnyOrder(
                "QueueStat.avsc", "PollError.avsc", "PollJob.avsc", "PollProgress.avsc", "TokenRecord.avsc",
                "TokenRefreshRequest.avsc", "QueueSnapshot.avsc", "QueueWindowStats.avsc",
                "TenantSummary.avsc", "QueueAlert.avsc", "TokenStatus.avsc");
    }

    @ParameterizedTest
    @MethodSource("schemaFiles")
    void schemaParsesAndDocumentsEveryField(String file) throws IOException {
        Schema schema = new Schema.Parser().parse(schemasDir().resolve(file).toFile());
        assertThat(schema.getDoc()).as("doc of %s", file).isNotBlank();
        assertThat(schema.getNamespace()).startsWith("io.switchboard.events.");
        assertDocumented(schema);
    }

    @ParameterizedTest
    @MethodSource("schemaFiles")
    void schemaIsBackwardCompatibleWithItsReleasedCopy(String file) throws IOException {
        Schema current = new Schema.Parser().parse(schemasDir().resolve(file).toFile());
        Schema released;
        try (InputStream in = getClass().getResourceAsStream("/released/" + file)) {
            assertThat(in).as("released copy of %s in src/test/resources/released", file).isNotNull();
            released = new Schema.Parser().parse(in);
        }
        var result = SchemaCompatibility.checkReaderWriterCompatibility(current, released);
        assertThat(result.getType())
                .as("%s must read data written with its released schema: %s", file, result.getResult().getIncompatibilities())
                .isEqualTo(SchemaCompatibilityType.COMPATIBLE);
    }

    @Test
    void compatibilityCheckRejectsARequiredFieldWithoutDefault() {
        Schema released = QueueStat.getClassSchema();
        String json = released.toString().replace(
                "{\"name\":\"credentialId\"",
                "{\"name\":\"region\",\"type\":\"string\"},{\"name\":\"credentialId\"");
        Schema changed = new Schema.Parser().parse(json);
        var result = SchemaCompatibility.checkReaderWriterCompatibility(changed, released);
        assertThat(result.getType()).isEqualTo(SchemaCompatibilityType.INCOMPATIBLE);
    }

    @ParameterizedTest
    @MethodSource("instances")
    void instanceRoundTripsThroughAvroBinary(SpecificRecord record) throws IOException {
        byte[] bytes = encode(record);
        SpecificDatumReader<SpecificRecord> reader = new SpecificDatumReader<>(record.getSchema());
        SpecificRecord copy = reader.read(null, DecoderFactory.get().binaryDecoder(bytes, null));
        assertThat(copy).isEqualTo(record);
    }

    @Test
    void generatedClassesMatchTheSchemaFiles() throws IOException {
        for (SpecificRecord record : instances().toList()) {
            Schema fromFile = new Schema.Parser().parse(
                    schemasDir().resolve(record.getSchema().getName() + ".avsc").toFile());
            // generated classes add avro.java.string properties; the parsing canonical form ignores them
            assertThat(org.apache.avro.SchemaNormalization.toParsingForm(record.getSchema()))
                    .isEqualTo(org.apache.avro.SchemaNormalization.toParsingForm(fromFile));
        }
    }

    @Test
    void queueStatOptionalMetricsDefaultToNull() {
        QueueStat stat = QueueStat.newBuilder().setCredentialId("c").setProvider("oauth2").setJobId("j")
                .setPollSequence(1).setQueueId("q").setObservedAt(T0).setPolledAt(T0).build();
        assertThat(stat.getWaiting()).isNull();
        assertThat(stat.getServiceLevelPercent()).isNull();
        assertThat(stat.getExtraMetrics()).isEmpty();
    }

    private static void assertDocumented(Schema record) {
        for (Schema.Field field : record.getFields()) {
            assertThat(field.doc()).as("doc of %s.%s", record.getFullName(), field.name()).isNotBlank();
            Schema type = field.schema();
            if (type.getType() == Schema.Type.RECORD) {
                assertDocumented(type);
            }
            if (type.getType() == Schema.Type.UNION) {
                assertThat(type.getTypes().get(0).getType())
                        .as("optional field %s.%s must be a union with null first", record.getFullName(), field.name())
                        .isEqualTo(Schema.Type.NULL);
                assertThat(field.defaultVal()).as("default of optional %s", field.name())
                        .isEqualTo(org.apache.avro.JsonProperties.NULL_VALUE);
            }
        }
    }

    private static byte[] encode(SpecificRecord record) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new SpecificDatumWriter<SpecificRecord>(record.getSchema()).write(record, encoder);
        encoder.flush();
        return out.toByteArray();
    }

    private static Path schemasDir() {
        return Path.of(System.getProperty("switchboard.schemas", "../../schemas"));
    }
}
