package io.switchboard.registry.serde.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;

import io.switchboard.events.aggregate.QueueAlert;
import io.switchboard.events.aggregate.QueueSnapshot;
import io.switchboard.events.aggregate.QueueWindowStats;
import io.switchboard.events.aggregate.TenantSummary;
import io.switchboard.events.poll.PollError;
import io.switchboard.events.poll.PollJob;
import io.switchboard.events.poll.PollProgress;
import io.switchboard.events.poll.QueueStat;
import io.switchboard.events.token.TokenRecord;
import io.switchboard.events.token.TokenRefreshRequest;
import io.switchboard.events.token.TokenStatus;

/**
 * The compiled writer writes exactly Avro's bytes ({@code SpecificDatumWriter}) for every event type
 * of the contract, over many seeded records with every nullable field both set and null, and
 * declines what it does not cover.
 */
class CompiledRecordWriterTest {

    private static final List<Class<? extends SpecificRecord>> EVENTS = List.of(QueueStat.class, QueueSnapshot.class,
            QueueWindowStats.class, QueueAlert.class, TenantSummary.class, PollJob.class, PollProgress.class, PollError.class,
            TokenRecord.class, TokenRefreshRequest.class, TokenStatus.class);

    @Test
    void writesAvrosOwnBytesForEveryEventTypeItCovers() throws Exception {
        Random random = new Random(20261202);
        int covered = 0;
        for (Class<? extends SpecificRecord> type : EVENTS) {
            SpecificData model = SpecificData.getForClass(type);
            Schema schema = model.getSchema(type);
            CompiledRecordWriter compiled = CompiledRecordWriter.of(schema);
            if (compiled == null) {
                assertThat(usesUncovered(schema)).as("%s is declined only for a type it does not cover", type.getSimpleName()).isTrue();
                continue;
            }
            covered++;
            SpecificDatumWriter<Object> avro = new SpecificDatumWriter<>(schema, model);
            for (int i = 0; i < 300; i++) {
                Object record = fill(model, schema, random, i % 3); // 0: all nulls, 1: none, 2: mixed
                assertThat(encode(compiled, record)).as("%s #%d: %s", type.getSimpleName(), i, record).isEqualTo(encode(avro, record));
            }
        }
        assertThat(covered).as("the hot types at least: QueueStat, QueueSnapshot, QueueWindowStats, QueueAlert, TenantSummary")
                .isGreaterThanOrEqualTo(5);
        assertThat(CompiledRecordWriter.of(QueueSnapshot.getClassSchema())).isNotNull();
        assertThat(CompiledRecordWriter.of(QueueWindowStats.getClassSchema())).isNotNull();
    }

    @Test
    void declinesWhatItDoesNotCoverAndNamesANullRequiredField() throws Exception {
        Schema withEnum = new Schema.Parser().parse("""
                {"type":"record","name":"E","fields":[{"name":"e","type":{"type":"enum","name":"Color","symbols":["RED"]}}]}""");
        Schema wideUnion = new Schema.Parser().parse("""
                {"type":"record","name":"U","fields":[{"name":"u","type":["null","long","string"]}]}""");
        Schema recursive = new Schema.Parser().parse("""
                {"type":"record","name":"Node","fields":[{"name":"next","type":["null","Node"]}]}""");
        assertThat(CompiledRecordWriter.of(withEnum)).isNull();
        assertThat(CompiledRecordWriter.of(wideUnion)).isNull();
        assertThat(CompiledRecordWriter.of(recursive)).isNull();

        QueueSnapshot missing = new QueueSnapshot(); // credentialId null
        assertThatThrownBy(() -> encode(CompiledRecordWriter.of(QueueSnapshot.getClassSchema()), missing))
                .hasMessageContaining("null value for the non-nullable field QueueSnapshot.credentialId");
    }

    private static byte[] encode(DatumWriter<Object> writer, Object record) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(bytes, null);
        writer.write(record, encoder);
        return bytes.toByteArray();
    }

    private static boolean usesUncovered(Schema s) {
        return switch (s.getType()) {
            case BYTES, FIXED, ENUM, FLOAT -> true;
            case RECORD -> s.getFields().stream().anyMatch(f -> usesUncovered(f.schema()));
            case UNION -> s.getTypes().size() != 2 || s.getTypes().stream().anyMatch(CompiledRecordWriterTest::usesUncovered);
            case ARRAY -> usesUncovered(s.getElementType());
            case MAP -> usesUncovered(s.getValueType());
            default -> s.getLogicalType() != null && !(s.getLogicalType() instanceof LogicalTypes.TimestampMillis);
        };
    }

    /** A record of {@code schema} with seeded values; {@code mode} 0 leaves every nullable field null, 1 sets all, 2 half. */
    private static Object fill(SpecificData model, Schema schema, Random random, int mode) {
        SpecificRecord r = (SpecificRecord) model.newRecord(null, schema);
        for (Schema.Field f : schema.getFields()) {
            r.put(f.pos(), value(model, f.schema(), random, mode));
        }
        return r;
    }

    private static Object value(SpecificData model, Schema s, Random random, int mode) {
        return switch (s.getType()) {
            case NULL -> null;
            case BOOLEAN -> random.nextBoolean();
            case INT -> random.nextInt();
            case LONG -> s.getLogicalType() instanceof LogicalTypes.TimestampMillis
                    ? Instant.ofEpochMilli(random.nextLong(4_000_000_000_000L) - 1_000_000_000_000L)
                    : random.nextInt(4) == 0 ? random.nextLong() : (long) random.nextInt(1_000_000) - 1_000;
            case DOUBLE -> random.nextInt(10) == 0 ? Double.NaN : random.nextGaussian() * 1e6;
            case FLOAT -> random.nextFloat();
            case STRING -> text(random);
            case BYTES -> ByteBuffer.wrap(text(random).getBytes(java.nio.charset.StandardCharsets.UTF_8));
            case ENUM -> model.createEnum(s.getEnumSymbols().get(random.nextInt(s.getEnumSymbols().size())), s);
            case FIXED -> model.createFixed(null, new byte[s.getFixedSize()], s);
            case UNION -> {
                boolean setIt = mode == 1 || (mode == 2 && random.nextBoolean());
                Schema branch = s.getTypes().stream().filter(b -> (b.getType() == Schema.Type.NULL) != setIt).findFirst()
                        .orElse(s.getTypes().get(0));
                yield value(model, branch, random, mode);
            }
            case ARRAY -> {
                List<Object> list = new ArrayList<>();
                for (int i = random.nextInt(4); i > 0; i--) {
                    list.add(value(model, s.getElementType(), random, mode));
                }
                yield list;
            }
            case MAP -> {
                Map<String, Object> map = new LinkedHashMap<>();
                for (int i = random.nextInt(4); i > 0; i--) {
                    map.put(text(random), value(model, s.getValueType(), random, mode));
                }
                yield map;
            }
            case RECORD -> fill(model, s, random, mode);
        };
    }

    private static String text(Random random) {
        String[] pieces = {"", "q-1", "genesys-eu", "Support — Köln", "日本語", "x".repeat(200)};
        return pieces[random.nextInt(pieces.length)] + random.nextInt(1000);
    }
}
