package io.switchboard.registry.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HexFormat;
import java.util.Map;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.switchboard.events.poll.QueueStat;
import io.switchboard.registry.InvalidPayloadException;
import io.switchboard.registry.SchemaNotFoundException;
import io.switchboard.registry.SchemaResolutionException;
import io.switchboard.registry.ScriptedRegistry;
import io.switchboard.registry.SchemaRegistryClient;
import io.switchboard.registry.SchemaRegistryConfig;

/** Bad bytes are rejected with a typed error that says what is wrong. */
class BadPayloadTest {

    ScriptedRegistry server;
    AvroDeserializer<GenericRecord> generic;
    AvroDeserializer<QueueStat> specific;

    @BeforeEach
    void start() throws Exception {
        server = new ScriptedRegistry();
        ObjectMapper json = new ObjectMapper();
        Schema unrelated = new Schema.Parser().parse(
                "{\"type\":\"record\",\"name\":\"QueueStat\",\"namespace\":\"io.switchboard.events.poll\",\"fields\":[{\"name\":\"other\",\"type\":\"int\"}]}");
        server.always("GET /schemas/ids/1", 200, json.writeValueAsString(Map.of("schema", WireFormatGoldenTest.GOLDEN.toString())))
                .always("GET /schemas/ids/2", 200, json.writeValueAsString(Map.of("schema", unrelated.toString())))
                .always("GET /schemas/ids/99", 404, "{\"error_code\":40403,\"message\":\"Schema 99 not found\"}");
        SchemaRegistryClient client = new SchemaRegistryClient(SchemaRegistryConfig.of(server.url()).withRetries(0, java.time.Duration.ZERO,
                java.time.Duration.ZERO));
        generic = new AvroDeserializer<>(client, AvroSerdeConfig.of(client.config()), (Class<GenericRecord>) null);
        specific = new AvroDeserializer<>(client, AvroSerdeConfig.of(client.config()), QueueStat.class);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void wrongMagicByte() {
        assertThatThrownBy(() -> generic.deserialize("t", HexFormat.of().parseHex("0100000001066162")))
                .isInstanceOf(InvalidPayloadException.class).hasMessageContaining("magic byte 0x01").hasMessageContaining("topic 't'");
        assertThatThrownBy(() -> generic.deserialize("t", "{\"json\":1}".getBytes()))
                .isInstanceOf(InvalidPayloadException.class).hasMessageContaining("magic byte 0x7b");
    }

    @Test
    void apicurioLegacyEightByteIdSaysWhichFormatItIsAndHowToSwitchTheProducer() {
        // Apicurio serdes (before 3.0, default id handler): magic byte 0, then the id as an 8-byte long (here 1).
        byte[] apicurio = HexFormat.of().parseHex("00" + "0000000000000001" + "06616263d804020101");
        assertThatThrownBy(() -> generic.deserialize("queue-stats", apicurio))
                .isInstanceOf(InvalidPayloadException.class)
                .hasMessageContaining("topic 'queue-stats'")
                .hasMessageContaining("Apicurio's own wire format (an 8-byte id, here 1)")
                .hasMessageContaining("not the Confluent one (a 4-byte id)")
                .hasMessageContaining("apicurio.registry.as-confluent=true");
        assertThat(server.requests()).as("no lookup of the bogus schema id 0").isEmpty();
        // The same schema in the Confluent format (4-byte id 1) reads fine.
        assertThat(generic.deserialize("queue-stats", HexFormat.of().parseHex("0000000001" + "06616263d804020101"))).isNotNull();
    }

    @Test
    void tooShortForTheHeader() {
        assertThatThrownBy(() -> generic.deserialize("t", new byte[] {0, 0, 0}))
                .isInstanceOf(InvalidPayloadException.class).hasMessageContaining("has 3 byte(s)").hasMessageContaining("at least 5");
        assertThatThrownBy(() -> generic.deserialize("t", new byte[0])).isInstanceOf(InvalidPayloadException.class);
    }

    @Test
    void truncatedAvro() {
        // golden record cut inside the string "abc"
        assertThatThrownBy(() -> generic.deserialize("t", HexFormat.of().parseHex("00000000010661")))
                .isInstanceOf(InvalidPayloadException.class).hasMessageContaining("does not decode").hasMessageContaining("schema id 1");
    }

    @Test
    void trailingBytes() {
        assertThatThrownBy(() -> generic.deserialize("t", HexFormat.of().parseHex("0000000001" + "06616263d8040201" + "01" + "ff")))
                .isInstanceOf(InvalidPayloadException.class).hasMessageContaining("bytes left");
    }

    @Test
    void unknownSchemaId() {
        assertThatThrownBy(() -> generic.deserialize("t", HexFormat.of().parseHex("0000000063" + "00")))
                .isInstanceOfSatisfying(SchemaNotFoundException.class, e -> {
                    assertThat(e.errorCode()).isEqualTo(40403);
                    assertThat(e.status()).isEqualTo(404);
                    assertThat(e.isRetriable()).isFalse();
                })
                .hasMessageContaining("schema id 99").hasMessageContaining("schema.registry.url");
    }

    @Test
    void writerSchemaThatCannotResolveToTheReader() {
        // id 2 is a QueueStat with a single int field: the reader's required fields have no defaults
        assertThatThrownBy(() -> specific.deserialize("t", HexFormat.of().parseHex("0000000002" + "02")))
                .isInstanceOf(SchemaResolutionException.class)
                .hasMessageContaining("Writer schema id 2").hasMessageContaining(QueueStat.class.getName())
                .hasMessageContaining("READER_FIELD_MISSING_DEFAULT_VALUE");
    }
}
