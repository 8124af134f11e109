package io.switchboard.registry.serde;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HexFormat;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.switchboard.registry.ScriptedRegistry;
import io.switchboard.registry.SchemaRegistryClient;
import io.switchboard.registry.SchemaRegistryConfig;

/**
 * Golden byte vectors of the Confluent wire format. The expected bytes are computed by hand from the
 * Avro spec (zig-zag varints, length-prefixed strings, union index), not produced by the code under test.
 */
class WireFormatGoldenTest {

    static final Schema GOLDEN = new Schema.Parser().parse("""
            {"type":"record","name":"Golden","namespace":"io.switchboard.test","fields":[
              {"name":"name","type":"string"},
              {"name":"count","type":"int"},
              {"name":"maybe","type":["null","long"],"default":null},
              {"name":"flag","type":"boolean"}]}""");

    /*
     * id 16909060 = 0x01020304 -> 00 | 01 02 03 04 (big-endian)
     * name "abc"  -> length 3 zig-zag 6 = 06, then 61 62 63
     * count 300   -> zig-zag 600 = 0b100_1011000 -> D8 04
     * maybe -1L   -> union branch 1 zig-zag 2 = 02, then -1 zig-zag 1 = 01
     * flag true   -> 01
     */
    static final String GOLDEN_HEX = "0001020304" + "06616263" + "d804" + "0201" + "01";

    /* id 1, name "", count -1 (zig-zag 1 = 01), maybe null (branch 0 = 00), flag false (00) */
    static final String GOLDEN_HEX_2 = "0000000001" + "00" + "01" + "00" + "00";

    ScriptedRegistry server;
    SchemaRegistryClient client;

    @BeforeEach
    void start() throws Exception {
        server = new ScriptedRegistry();
        String schemaJson = new ObjectMapper().writeValueAsString(java.util.Map.of("schema", GOLDEN.toString()));
        server.always("POST /subjects/golden-value/versions", 200, "{\"id\":16909060}")
                .always("POST /subjects/golden1-value/versions", 200, "{\"id\":1}")
                .always("GET /schemas/ids/16909060", 200, schemaJson)
                .always("GET /schemas/ids/1", 200, schemaJson);
        client = new SchemaRegistryClient(SchemaRegistryConfig.of(server.url()));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void serializerWritesMagicByteBigEndianIdAndAvroBinary() {
        AvroSerializer<GenericRecord> serializer = new AvroSerializer<>(client, AvroSerdeConfig.of(client.config()), false);
        GenericRecord r = new GenericData.Record(GOLDEN);
        r.put("name", "abc");
        r.put("count", 300);
        r.put("maybe", -1L);
        r.put("flag", true);
        assertThat(HexFormat.of().formatHex(serializer.serialize("golden", r))).isEqualTo(GOLDEN_HEX);

        GenericRecord r2 = new GenericData.Record(GOLDEN);
        r2.put("name", "");
        r2.put("count", -1);
        r2.put("maybe", null);
        r2.put("flag", false);
        assertThat(HexFormat.of().formatHex(serializer.serialize("golden1", r2))).isEqualTo(GOLDEN_HEX_2);
    }

    @Test
    void deserializerReadsTheGoldenBytes() {
        AvroDeserializer<GenericRecord> deserializer = new AvroDeserializer<>(client, AvroSerdeConfig.of(client.config()), (Class<GenericRecord>) null);
        GenericRecord r = deserializer.deserialize("golden", HexFormat.of().parseHex(GOLDEN_HEX));
        assertThat(r.get("name").toString()).isEqualTo("abc");
        assertThat(r.get("count")).isEqualTo(300);
        assertThat(r.get("maybe")).isEqualTo(-1L);
        assertThat(r.get("flag")).isEqualTo(true);
        GenericRecord r2 = deserializer.deserialize("golden", HexFormat.of().parseHex(GOLDEN_HEX_2));
        assertThat(r2.get("name").toString()).isEmpty();
        assertThat(r2.get("count")).isEqualTo(-1);
        assertThat(r2.get("maybe")).isNull();
        assertThat(r2.get("flag")).isEqualTo(false);
    }

    @Test
    void nullIsATombstoneBothWays() {
        assertThat(new AvroSerializer<GenericRecord>(client, AvroSerdeConfig.of(client.config()), false).serialize("golden", null)).isNull();
        assertThat(new AvroDeserializer<GenericRecord>(client, AvroSerdeConfig.of(client.config()), (Class<GenericRecord>) null)
                .deserialize("golden", null)).isNull();
    }
}
