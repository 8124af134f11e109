package io.switchboard.aggregate.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.api.Record;
import org.junit.jupiter.api.Test;

import io.switchboard.aggregate.InvalidQueueStatException;
import io.switchboard.registry.InvalidPayloadException;
import io.switchboard.registry.SchemaRegistryUnavailableException;
import io.switchboard.registry.serde.DeadLetterDeserializationExceptionHandler;
import io.switchboard.registry.serde.DeadLetterListener;
import io.switchboard.registry.serde.DeadLetterProcessingExceptionHandler;

/**
 * The shared dead-letter handlers as the aggregator configures them (its metrics as the listener, its
 * {@link InvalidQueueStatException} as a rejected record): dead letters with the source bytes and Streams' error
 * headers for poison, FAIL for anything retriable or for a failure of the aggregator itself.
 */
class DeadLetterWiringTest {

    private static final byte[] KEY = "genesys-eu/q-1".getBytes(StandardCharsets.UTF_8);
    private static final byte[] VALUE = {1, 2, 3};

    private final AggregatorMetrics metrics = new AggregatorMetrics();

    private DeadLetterDeserializationExceptionHandler handler(String dlq) {
        DeadLetterDeserializationExceptionHandler h = new DeadLetterDeserializationExceptionHandler();
        h.configure(Map.of("errors.dead.letter.queue.topic.name", dlq, DeadLetterListener.CONFIG, metrics));
        return h;
    }

    private DeadLetterProcessingExceptionHandler processing(String dlq) {
        DeadLetterProcessingExceptionHandler h = new DeadLetterProcessingExceptionHandler();
        h.configure(Map.of("errors.dead.letter.queue.topic.name", dlq, DeadLetterListener.CONFIG, metrics));
        return h;
    }

    private static ErrorHandlerContext context() {
        Headers headers = new RecordHeaders().add("trace-id", "abc".getBytes(StandardCharsets.UTF_8));
        return new ErrorHandlerContext() {
            @Override public String topic() { return "switchboard.queue-stats"; }
            @Override public int partition() { return 3; }
            @Override public long offset() { return 42; }
            @Override public Headers headers() { return headers; }
            @Override public String processorNodeId() { return "queue-aggregator"; }
            @Override public TaskId taskId() { return new TaskId(0, 3); }
            @Override public long timestamp() { return 1_000L; }
            @Override public byte[] sourceRawKey() { return KEY; }
            @Override public byte[] sourceRawValue() { return VALUE; }
        };
    }

    private static ConsumerRecord<byte[], byte[]> consumed() {
        return new ConsumerRecord<>("switchboard.queue-stats", 3, 42, 1_000L, TimestampType.CREATE_TIME, KEY.length, VALUE.length, KEY, VALUE,
                new RecordHeaders().add("trace-id", "abc".getBytes(StandardCharsets.UTF_8)), java.util.Optional.empty());
    }

    private static String header(ProducerRecord<byte[], byte[]> r, String name) {
        return new String(r.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }

    @Test
    void poisonRecordBecomesADeadLetterWithItsBytesHeadersAndTheReason() {
        var response = handler("switchboard.dead-letters").handleError(context(), consumed(),
                new InvalidPayloadException("starts with magic byte 0x7b"));
        assertThat(response.result()).isEqualTo(DeserializationExceptionHandler.Result.RESUME);
        assertThat(response.deadLetterQueueRecords()).hasSize(1);
        ProducerRecord<byte[], byte[]> dead = response.deadLetterQueueRecords().get(0);
        assertThat(dead.topic()).isEqualTo("switchboard.dead-letters");
        assertThat(dead.key()).isEqualTo(KEY);
        assertThat(dead.value()).isEqualTo(VALUE);
        assertThat(dead.timestamp()).isEqualTo(1_000L);
        assertThat(header(dead, "trace-id")).isEqualTo("abc");
        assertThat(header(dead, DeadLetterDeserializationExceptionHandler.HEADER_EXCEPTION)).isEqualTo(InvalidPayloadException.class.getName());
        assertThat(header(dead, DeadLetterDeserializationExceptionHandler.HEADER_MESSAGE)).isEqualTo("starts with magic byte 0x7b");
        assertThat(header(dead, DeadLetterDeserializationExceptionHandler.HEADER_TOPIC)).isEqualTo("switchboard.queue-stats");
        assertThat(header(dead, DeadLetterDeserializationExceptionHandler.HEADER_PARTITION)).isEqualTo("3");
        assertThat(header(dead, DeadLetterDeserializationExceptionHandler.HEADER_OFFSET)).isEqualTo("42");
        assertThat(header(dead, DeadLetterDeserializationExceptionHandler.HEADER_STACKTRACE)).contains("InvalidPayloadException");
        assertThat(metrics.deadLetteredCount()).isEqualTo(1);
    }

    @Test
    void registryOutageAnywhereInTheCauseChainFailsWithoutADeadLetter() {
        Exception wrapped = new org.apache.kafka.common.errors.SerializationException("could not deserialize",
                new SchemaRegistryUnavailableException(-1, -1, "Connection refused", null));
        var response = handler("switchboard.dead-letters").handleError(context(), consumed(), wrapped);
        assertThat(response.result()).isEqualTo(DeserializationExceptionHandler.Result.FAIL);
        assertThat(response.deadLetterQueueRecords()).isEmpty();
        assertThat(metrics.retriableFailureCount()).isEqualTo(1);
        assertThat(metrics.deadLetteredCount()).isZero();
    }

    @Test
    void kafkaRetriableExceptionFailsToo() {
        var response = handler("dlq").handleError(context(), consumed(), new TimeoutException("metadata"));
        assertThat(response.result()).isEqualTo(DeserializationExceptionHandler.Result.FAIL);
    }

    @Test
    void processingFailureIsDeadLetteredOnlyForAnInvalidQueueStat() {
        Record<String, String> record = new Record<>("k", "v", 1_000L);
        var invalid = processing("dlq").handleError(context(), record, new InvalidQueueStatException("intervalEnd before intervalStart"));
        assertThat(invalid.result()).isEqualTo(ProcessingExceptionHandler.Result.RESUME);
        assertThat(invalid.deadLetterQueueRecords()).singleElement().satisfies(r -> {
            assertThat(r.key()).isEqualTo(KEY);
            assertThat(r.value()).isEqualTo(VALUE);
        });
        var bug = processing("dlq").handleError(context(), record, new NullPointerException("a bug"));
        assertThat(bug.result()).as("a failure of the aggregator itself is not the record's fault").isEqualTo(ProcessingExceptionHandler.Result.FAIL);
        assertThat(bug.deadLetterQueueRecords()).isEmpty();
    }

    @Test
    void aRegistryOutageWrappedInAnInvalidRecordOfOursIsStillRetriedNotDeadLettered() {
        Record<String, String> record = new Record<>("k", "v", 1_000L);
        // a processor's own exception around an outage: the whole cause chain is searched
        var wrapped = new io.switchboard.core.SwitchboardException("cannot resolve the writer schema",
                new SchemaRegistryUnavailableException(-1, -1, "Connection refused", null));
        var response = processing("dlq").handleError(context(), record, wrapped);
        assertThat(response.result()).isEqualTo(ProcessingExceptionHandler.Result.FAIL);
        assertThat(response.deadLetterQueueRecords()).isEmpty();
        assertThat(metrics.retriableFailureCount()).isEqualTo(1);
        assertThat(metrics.deadLetteredCount()).isZero();
        var truncated = handler("dlq").handleError(context(), consumed(),
                new InvalidPayloadException("truncated payload", new java.io.EOFException("eof")));
        assertThat(truncated.result()).as("a poison record's own I/O cause is not an outage").isEqualTo(DeserializationExceptionHandler.Result.RESUME);
    }
}
