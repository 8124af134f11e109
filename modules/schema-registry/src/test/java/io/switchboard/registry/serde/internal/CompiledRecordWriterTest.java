package io.switchboard.registry.serde.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.util.Random;

import org.apache.avro.Schema;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;

import io.switchboard.events.aggregate.QueueSnapshot;
import io.switchboard.events.aggregate.QueueWindowStats;

/**
 * The compiled writer writes exactly Avro's bytes ({@code SpecificDatumWriter}) for every event type
 * of the contract, over many seeded records with every nullable field both set and null, and
 * declines what it does not cover.
 */
class CompiledRecordWriterTest {

    @Test
    void writesAvrosOwnBytesForEveryEventTypeItCovers() throws Exception {
        Random random = new Random(20261202);
        int covered = 0;
        for (Class<? extends SpecificRecord> type : SeededRecords.EVENTS) {
            SpecificData model = SpecificData.getForClass(type);
            Schema schema = model.getSchema(type);
            CompiledRecordWriter compiled = CompiledRecordWriter.of(schema);
            if (compiled == null) {
                assertThat(SeededRecords.usesUncovered(schema)).as("%s is declined only for a type it does not cover", type.getSimpleName()).isTrue();
                continue;
            }
            covered++;
            SpecificDatumWriter<Object> avro = new SpecificDatumWriter<>(schema, model);
            for (int i = 0; i < 300; i++) {
                Object record = SeededRecords.fill(model, schema, random, i % 3); // 0: all nulls, 1: none, 2: mixed
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
}
