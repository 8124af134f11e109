package io.switchboard.poll.vendor.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.switchboard.events.poll.QueueStat;

/** Answers the simulator does not produce: missing, odd or extra fields become nulls; a changed shape is named. */
class MapperEdgeCasesTest {

    static final Instant T = Instant.parse("2024-05-01T10:00:00Z");
    static final StatBase BASE = new StatBase("c", "t", "genesys-cloud", "j", 3, T, T);

    static JsonNode json(String s) throws Exception {
        return VendorCalls.JSON.readTree(s);
    }

    @Test
    void genesysObservationsWithOddValuesMapToNullsNotCrashes() throws Exception {
        List<QueueStat> out = GenesysObservationMapper.map(json("""
                {"results":[
                  {"group":{"queueId":"q1","mediaType":"voice"},"data":[
                     {"metric":"oWaiting","stats":{"count":"4"}},
                     {"metric":"oInteracting","stats":{}},
                     {"metric":"oSomethingNew","qualifier":"X","stats":{"count":2}},
                     {"stats":{"count":9}}]},
                  {"group":{"queueId":"q1"}},
                  {"group":{"queueId":"q2"},"data":[{"metric":"oOnQueueUsers","qualifier":"IDLE","stats":{"count":5}}]}
                ],"unexpected":true}"""), BASE, List.of("oWaiting", "oInteracting"));
        assertThat(out).hasSize(3);
        QueueStat voice = out.get(0);
        assertThat(voice.getMediaType()).isEqualTo("voice");
        assertThat(voice.getWaiting()).isEqualTo(4);
        assertThat(voice.getInteracting()).isNull();
        assertThat(voice.getExtraMetrics()).containsEntry("oSomethingNew.X", 2.0);
        assertThat(out.get(1).getWaiting()).isEqualTo(4);
        assertThat(out.get(2).getAgentsOnQueue()).isEqualTo(5);
        assertThat(out.get(2).getAgentsAvailable()).isEqualTo(5);
        assertThat(out.get(2).getWaiting()).isNull();
    }

    static List<QueueStat> streamed(String body, List<String> metrics) throws Exception {
        try (com.fasterxml.jackson.core.JsonParser p = VendorCalls.parser(io.vertx.core.buffer.Buffer.buffer(body))) {
            return GenesysObservationMapper.map(p, BASE, metrics);
        }
    }

    /** The streaming mapper gives the tree mapper's records, and its shape errors, for the same body. */
    @Test
    void theStreamingObservationMapperAgreesWithTheTreeMapper() throws Exception {
        List<String> bodies = List.of("{}", "[]", "{\"results\":null}", "{\"results\":[]}", """
                {"results":[
                  {"group":{"queueId":"q1","mediaType":"voice"},"simSequence":7,"data":[
                     {"metric":"oWaiting","stats":{"count":"4"}},
                     {"metric":"oInteracting","stats":{}},
                     {"metric":"oAlerting","stats":{"count":1}},
                     {"metric":"oLongestInteracting","stats":{"max":1200.6}},
                     {"metric":"oLongestWaiting","stats":{"calculatedMetricValue":"350"}},
                     {"metric":"oSomethingNew","qualifier":"X","stats":{"count":2}},
                     {"metric":{"odd":1},"stats":{"count":2}}, 5, null,
                     {"stats":{"count":9}}]},
                  {"data":[{"metric":"oWaiting","stats":{"count":2}}],"group":{"queueId":"q1","mediaType":"chat"}},
                  {"group":{"queueId":"q1"},"simSequence":"8"},
                  {"group":{"queueId":"q2"},"data":[{"metric":"oOnQueueUsers","qualifier":"IDLE","stats":{"count":5}},
                     {"metric":"oOnQueueUsers","qualifier":"INTERACTING","stats":{"count":3}},
                     {"metric":"oUserRoutingStatuses","qualifier":"IDLE","stats":{"count":6}},
                     {"metric":"oActiveUsers","stats":{"count":12, "count":13}},
                     {"metric":"oWaiting","stats":{"count":null,"max":4}}]},
                  {"group":{"queueId":7,"mediaType":true},"data":{}}
                ],"unexpected":[1,{"a":2}]}""");
        for (String body : bodies) {
            for (List<String> metrics : List.of(List.<String>of(), List.of("oLongestWaiting"))) {
                assertThat(streamed(body, metrics)).as(body).isEqualTo(GenesysObservationMapper.map(json(body), BASE, metrics));
            }
        }
        assertThat(streamed(bodies.get(4), List.of())).hasSize(6);
        for (String bad : List.of("{\"results\":{}}", "{\"results\":\"x\"}", "{\"results\":[{\"data\":[]}]}", "{\"results\":[3]}",
                "{\"results\":[{\"group\":{\"queueId\":\"\"}}]}")) {
            String expected = catchThrowable(() -> GenesysObservationMapper.map(json(bad), BASE, List.of())).getMessage();
            assertThatThrownBy(() -> streamed(bad, List.of())).as(bad).isInstanceOf(MappingException.class).hasMessage(expected);
        }
        assertThat(streamed("{\"results\":{}, \"results\":[]}", List.of())).isEmpty();
        for (String malformed : List.of("{\"results\":[", "{\"results\":{}} x", "{} {}", "{\"results\":[{\"group\":{\"queueId\":\"q\"}}]]")) {
            assertThatThrownBy(() -> json(malformed)).isInstanceOf(java.io.IOException.class);
            assertThatThrownBy(() -> streamed(malformed, List.of())).as(malformed).isInstanceOf(java.io.IOException.class);
        }
    }

    /**
     * A large answer (more distinct texts than the streaming mapper keeps per answer, texts longer than it keeps, escaped
     * characters, more data per result than its first buffer holds, a repeated "data"), read from the chunks the body
     * codec joins: the same records as the tree mapper over the same bytes.
     */
    @Test
    void theStreamingObservationMapperAgreesWithTheTreeMapperOnALargeChunkedAnswer() throws Exception {
        StringBuilder b = new StringBuilder("{\"results\":[");
        String longQualifier = "Q".repeat(70);
        for (int q = 0; q < 700; q++) {
            if (q > 0) {
                b.append(',');
            }
            String id = "queue-" + q + (q % 7 == 0 ? "-\\u00e9t\\u00e9" : "");
            b.append("{\"group\":{\"queueId\":\"").append(id).append("\",\"mediaType\":\"").append(q % 2 == 0 ? "voice" : "chat")
                    .append("\"},\"data\":[{\"metric\":\"oWaiting\",\"stats\":{\"count\":99}}],\"data\":[");
            for (int d = 0; d < 20; d++) {
                b.append(d == 0 ? "" : ",").append("{\"metric\":\"").append(d % 3 == 0 ? "oWaiting" : "oCustom" + (q * 20 + d) % 900)
                        .append("\",\"qualifier\":").append(d % 5 == 0 ? "\"" + longQualifier + d + "\"" : d % 4 == 0 ? "null" : "\"IDLE\"")
                        .append(",\"stats\":{\"count\":").append(q + d).append("}}");
            }
            b.append("],\"simSequence\":").append(q).append("},{\"group\":{\"queueId\":\"").append(id)
                    .append("\"},\"data\":[{\"metric\":\"oOnQueueUsers\",\"qualifier\":\"IDLE\",\"stats\":{\"count\":").append(q)
                    .append("}}]}");
        }
        String body = b.append("]}").toString();
        byte[] bytes = body.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        var stream = new BoundedBodyCodec(bytes.length).stream();
        for (int off = 0; off < bytes.length; off += 8192) {
            stream.write(io.vertx.core.buffer.Buffer.buffer(java.util.Arrays.copyOfRange(bytes, off, Math.min(bytes.length, off + 8192))));
        }
        stream.end();
        io.vertx.core.buffer.Buffer chunked = stream.result().result();
        assertThat(chunked.length()).isEqualTo(bytes.length);
        assertThat(chunked.toString(java.nio.charset.StandardCharsets.UTF_8)).isEqualTo(body);
        List<String> metrics = List.of("oWaiting", "oLongestWaiting");
        List<QueueStat> tree = GenesysObservationMapper.map(json(body), BASE, metrics);
        assertThat(tree).hasSize(1400);
        try (com.fasterxml.jackson.core.JsonParser p = VendorCalls.parser(chunked)) {
            assertThat(GenesysObservationMapper.map(p, BASE, metrics)).isEqualTo(tree);
        }
        assertThat(streamed(body, metrics)).isEqualTo(tree);
        // extraMetrics (the mapper's own compact map) behaves and encodes as the LinkedHashMap it replaces
        for (QueueStat r : tree) {
            Map<String, Double> copy = new java.util.LinkedHashMap<>(r.getExtraMetrics());
            QueueStat plain = QueueStat.newBuilder(r).setExtraMetrics(copy).build();
            assertThat(r).isEqualTo(plain);
            assertThat(r.getExtraMetrics()).isEqualTo(copy).hasSameHashCodeAs(copy);
            assertThat(new java.util.ArrayList<>(r.getExtraMetrics().keySet())).containsExactlyElementsOf(copy.keySet());
            assertThat(avro(r)).isEqualTo(avro(plain));
        }
    }

    private static byte[] avro(QueueStat r) throws java.io.IOException {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        org.apache.avro.io.BinaryEncoder enc = org.apache.avro.io.EncoderFactory.get().binaryEncoder(out, null);
        new org.apache.avro.specific.SpecificDatumWriter<>(QueueStat.class).write(r, enc);
        enc.flush();
        return out.toByteArray();
    }

    @Test
    void aChangedShapeIsNamed() throws Exception {
        assertThat(GenesysObservationMapper.map(json("{}"), BASE, List.of())).isEmpty();
        assertThatThrownBy(() -> GenesysObservationMapper.map(json("{\"results\":{}}"), BASE, List.of()))
                .isInstanceOf(MappingException.class).hasMessageContaining("not a list");
        assertThatThrownBy(() -> GenesysObservationMapper.map(json("{\"results\":[{\"data\":[]}]}"), BASE, List.of()))
                .hasMessageContaining("group.queueId");
        assertThatThrownBy(() -> GenesysAggregateMapper.map(json("{\"results\":[{\"group\":{\"queueId\":\"q\"},\"data\":[{\"interval\":\"yesterday\"}]}]}"), BASE))
                .hasMessageContaining("no readable interval");
        assertThatThrownBy(() -> CxoneMapper.activity(json("{\"skills\":[]}"), BASE, Set.of()))
                .hasMessageContaining("skillActivity");
    }

    @Test
    void cxoneActivityWithMissingFieldsAndAnOffsetTime() throws Exception {
        List<QueueStat> out = CxoneMapper.activity(json("""
                {"skillActivity":[{"skillId":7,"serverTime":"2024-05-01T12:00:00+02:00","queueCount":2,
                  "earliestQueueTime":"2024-05-01T09:59:30Z","agentsAvailable":"3"},
                  {"skillName":"no id"}]}"""), BASE, Set.of());
        assertThat(out).singleElement().satisfies(s -> {
            assertThat(s.getQueueId()).isEqualTo("7");
            assertThat(s.getObservedAt()).isEqualTo(T);
            assertThat(s.getLongestWaitingMs()).isEqualTo(30_000);
            assertThat(s.getAgentsAvailable()).isEqualTo(3);
            assertThat(s.getAgentsOnQueue()).isEqualTo(3);
            assertThat(s.getInteracting()).isNull();
            assertThat(s.getServiceLevelPercent()).isNull();
        });
    }

    @Test
    void cxoneSummaryDurationsInIsoAndBrokenOnes() throws Exception {
        List<QueueStat> out = CxoneMapper.summary(json("""
                {"skillSummaries":[{"skillId":"9","contactsHandled":4,"averageHandleTime":"PT3M5S",
                  "averageSpeedToAnswer":"soon","contactsOffered":5}]}"""), BASE, T.minusSeconds(900), T, Set.of());
        assertThat(out).singleElement().satisfies(s -> {
            assertThat(s.getHandleTimeSumMs()).isEqualTo(4 * 185_000L);
            assertThat(s.getHandleTimeCount()).isEqualTo(4);
            assertThat(s.getWaitTimeSumMs()).isNull();
            assertThat(s.getWaitTimeCount()).isNull();
            assertThat(s.getAbandoned()).isNull();
            assertThat(s.getIntervalStart()).isEqualTo(T.minusSeconds(900));
        });
    }

    @Test
    void fieldMappingScalesAndReadsPercentTextAndEpochTimes() throws Exception {
        FieldMapping m = FieldMapping.from(Map.of("column.queueId", "id", "column.longestWaitingMs", "wait",
                "scale.longestWaitingMs", "1000", "column.serviceLevelPercent", "sl", "column.observedAt", "at",
                "extra.queued", "q"), "column.", name -> row -> row.get(name), "Queue ID");
        QueueStat s = m.map(json("{\"id\":12,\"wait\":\"2.5\",\"sl\":\"87%\",\"at\":1714557600,\"q\":\"x\"}"), BASE, null);
        assertThat(s.getQueueId()).isEqualTo("12");
        assertThat(s.getLongestWaitingMs()).isEqualTo(2_500);
        assertThat(s.getServiceLevelPercent()).isEqualTo(87.0);
        assertThat(s.getObservedAt()).isEqualTo(Instant.ofEpochSecond(1714557600));
        assertThat(s.getExtraMetrics()).isEmpty();
        assertThat(s.getPollSequence()).isEqualTo(3);
    }
}
