package io.switchboard.registry.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

/** Invalid schema text is explained in the schema's terms, never with one of Avro's internal class names. */
class AvroSchemaTextTest {

    private static String reason(String schema) {
        try {
            AvroSchemaText.parse(schema);
        } catch (AvroSchemaText.InvalidSchemaTextException e) {
            assertThat(e.getMessage()).as("reason for %s", schema).doesNotContain("org.apache", "UnresolvedSchema", "Exception");
            return e.getMessage();
        }
        throw new AssertionError("parsed: " + schema);
    }

    @Test
    void anUnknownTypeIsNamedWithWhereItIsUsed() {
        // Avro 1.12 says "NullPointerException: Unknown schema: org.apache.avro.compiler.UnresolvedSchema_1" for these.
        assertThat(reason("{\"type\":\"strin\"}")).startsWith("unknown type \"strin\" at the top level")
                .contains("neither a primitive type (boolean, bytes, double, float, int, long, null, string)");
        assertThat(reason("\"strin\"")).startsWith("unknown type \"strin\" at the top level");
        assertThat(reason("{\"type\":\"record\",\"name\":\"QueueStat\",\"fields\":[{\"name\":\"queueId\",\"type\":\"string\"},"
                + "{\"name\":\"waiting\",\"type\":\"integer\"}]}"))
                .startsWith("unknown type \"integer\" in field 'waiting' of QueueStat");
        assertThat(reason("{\"type\":\"record\",\"name\":\"X\",\"namespace\":\"io.sb\",\"fields\":[{\"name\":\"m\","
                + "\"type\":{\"type\":\"map\",\"values\":[\"null\",\"io.sb.Missing\"]}}]}"))
                .startsWith("unknown type \"io.sb.Missing\" in field 'm' of X (map values) (in a union)");
    }

    @Test
    void namedTypesDefinedInTheSchemaAreNotUnknown() {
        String schema = "{\"type\":\"record\",\"name\":\"Outer\",\"namespace\":\"io.sb\",\"fields\":["
                + "{\"name\":\"a\",\"type\":{\"type\":\"enum\",\"name\":\"Colour\",\"symbols\":[\"RED\"]}},"
                + "{\"name\":\"b\",\"type\":\"Colour\"},{\"name\":\"c\",\"type\":\"io.sb.Colour\"},"
                + "{\"name\":\"d\",\"type\":{\"type\":\"array\",\"items\":\"Colour\"}},{\"name\":\"e\",\"type\":\"strng\"}]}";
        assertThat(reason(schema)).startsWith("unknown type \"strng\" in field 'e' of Outer");
        Schema valid = AvroSchemaText.parse(schema.replace("strng", "string"));
        assertThat(valid.getField("b").schema().getFullName()).isEqualTo("io.sb.Colour");
    }

    @Test
    void brokenJsonSaysWhere() {
        assertThat(reason("{not json")).startsWith("the schema is not valid JSON: Unexpected character ('n'")
                .endsWith("at line 1, column 2");
    }

    @Test
    void avrosOwnReasonsArePassedOnWithoutClassNames() {
        assertThat(reason("{\"type\":\"record\",\"name\":\"X\",\"fields\":[{\"name\":\"a\",\"type\":\"int\",\"default\":\"x\"}]}"))
                .isEqualTo("Invalid default for field a: \"x\" not a \"int\"");
        assertThat(reason("{\"type\":\"record\",\"name\":\"X\"}")).startsWith("Record has no fields");
        assertThat(reason("{\"type\":\"record\",\"name\":\"X\",\"fields\":[{\"name\":\"a\",\"type\":[\"int\",\"int\"]}]}"))
                .isEqualTo("Duplicate in union:int");
    }

    @Test
    void validSchemasParse() {
        assertThat(AvroSchemaText.parse("\"string\"").getType()).isEqualTo(Schema.Type.STRING);
        assertThatThrownBy(() -> AvroSchemaText.parse("42")).isInstanceOf(IllegalArgumentException.class);
    }
}
