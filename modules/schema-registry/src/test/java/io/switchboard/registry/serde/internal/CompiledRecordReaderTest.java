package io.switchboard.registry.serde.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.Random;

import org.apache.avro.Schema;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;

import io.switchboard.events.aggregate.QueueSnapshot;
import io.switchboard.events.poll.QueueStat;

/**
 * The compiled reader builds exactly the records Avro's {@code SpecificDatumReader} builds, for every
 * event type of the contract it covers, over many seeded records with every nullable field both set
 * and null; it consumes exactly the record's bytes, fails on truncated input as Avro does, and
 * declines writer schemas that need Avro's resolution.
 */
class CompiledRecordReaderTest {

    @Test
    void readsWhatAvrosReaderReadsForEveryEventTypeItCovers() throws Exception {
        Random random = new Random(20261203);
        int covered = 0;
        for (Class<? extends SpecificRecord> type : SeededRecords.EVENTS) {
            SpecificData model = SpecificData.getForClass(type);
            Schema schema = model.getSchema(type);
            CompiledRecordReader compiled = CompiledRecordReader.of(schema, schema, model);
            if (compiled == null) {
                assertThat(SeededRecords.usesUncovered(schema)).as("%s is declined only for a type it does not cover", type.getSimpleName())
                        .isTrue();
                continue;
            }
            covered++;
            SpecificDatumWriter<Object> writer = new SpecificDatumWriter<>(schema, model);
            SpecificDatumReader<Object> avro = new SpecificDatumReader<>(schema, schema, model);
            for (int i = 0; i < 300; i++) {
                byte[] bytes = encode(writer, SeededRecords.fill(model, schema, random, i % 3));
                BinaryDecoder in = DecoderFactory.get().binaryDecoder(bytes, null);
                Object read = compiled.read(null, in);
                assertThat(in.isEnd()).as("%s #%d: every byte read", type.getSimpleName(), i).isTrue();
                Object expected = avro.read(null, DecoderFactory.get().binaryDecoder(bytes, null));
                // Avro's equals treats NaN as unequal to itself: compare the text, the types of the values and the bytes written again
                assertThat(read).as("%s #%d", type.getSimpleName(), i).isInstanceOf(type);
                assertThat(read.toString()).isEqualTo(expected.toString());
                for (Schema.Field f : schema.getFields()) {
                    Object mine = ((SpecificRecord) read).get(f.pos());
                    Object avros = ((SpecificRecord) expected).get(f.pos());
                    assertThat(mine == null ? null : mine.getClass()).as("%s.%s", type.getSimpleName(), f.name())
                            .isEqualTo(avros == null ? null : avros.getClass());
                }
                assertThat(encode(writer, read)).as("%s #%d written again", type.getSimpleName(), i).isEqualTo(encode(writer, expected));
            }
        }
        assertThat(covered).as("the hot types at least: QueueStat, QueueSnapshot, QueueWindowStats, QueueAlert, TenantSummary")
                .isGreaterThanOrEqualTo(5);
    }

    @Test
    void truncatedInputFailsLikeAvrosReader() throws Exception {
        SpecificData model = SpecificData.getForClass(QueueStat.class);
        Schema schema = QueueStat.getClassSchema();
        CompiledRecordReader compiled = CompiledRecordReader.of(schema, schema, model);
        byte[] bytes = encode(new SpecificDatumWriter<>(schema, model), SeededRecords.fill(model, schema, new Random(7), 1));
        for (int cut : new int[] {0, 1, bytes.length / 2, bytes.length - 1}) {
            byte[] truncated = Arrays.copyOf(bytes, cut);
            assertThatThrownBy(() -> compiled.read(null, DecoderFactory.get().binaryDecoder(truncated, null)))
                    .as("cut at %d of %d bytes", cut, bytes.length).isInstanceOf(IOException.class);
        }
    }

    @Test
    void declinesWriterSchemasThatNeedResolutionAndReadersThatAreNotGenerated() {
        SpecificData model = SpecificData.getForClass(QueueSnapshot.class);
        Schema reader = QueueSnapshot.getClassSchema();
        Schema older = new Schema.Parser().parse("""
                {"type":"record","name":"QueueSnapshot","namespace":"io.switchboard.events.aggregate",
                 "fields":[{"name":"credentialId","type":"string"}]}""");
        assertThat(CompiledRecordReader.of(older, reader, model)).as("evolution: Avro resolves").isNull();

        Schema plain = new Schema.Parser().parse("""
                {"type":"record","name":"NotGenerated","fields":[{"name":"n","type":"long"}]}""");
        assertThat(CompiledRecordReader.of(plain, plain, SpecificData.get())).as("no generated class").isNull();

        // the same schema without the generated class's properties (as a registry may hold it): same bytes, compiled
        Schema bare = new Schema.Parser().parse(reader.toString().replace(",\"avro.java.string\":\"String\"", ""));
        assertThat(CompiledRecordReader.of(bare, reader, model)).isNotNull();
    }

    private static byte[] encode(SpecificDatumWriter<Object> writer, Object record) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(bytes, null);
        writer.write(record, encoder);
        encoder.flush();
        return bytes.toByteArray();
    }
}
