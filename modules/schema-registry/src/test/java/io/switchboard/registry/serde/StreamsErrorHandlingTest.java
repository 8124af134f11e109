package io.switchboard.registry.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.StreamsException;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.apache.kafka.streams.errors.internals.DefaultErrorHandlerContext;
import org.apache.kafka.streams.processor.TaskId;
import org.junit.jupiter.api.Test;

import io.switchboard.core.ConfigException;
import io.switchboard.core.supervise.Backoff;
import io.switchboard.core.supervise.Supervisor;
import io.switchboard.registry.InvalidPayloadException;
import io.switchboard.registry.SchemaNotFoundException;
import io.switchboard.registry.SchemaRegistryUnavailableException;

/** The two Streams handlers' decisions, without a broker: which failures are retried, which are dead-lettered. */
class StreamsErrorHandlingTest {

    private static final Backoff TINY = new Backoff(Duration.ofMillis(1), Duration.ofMillis(2));

    private final ConsumerRecord<byte[], byte[]> record = new ConsumerRecord<>("in", 3, 41L, 1_700_000_000_000L, TimestampType.CREATE_TIME,
            2, 5, "k1".getBytes(StandardCharsets.UTF_8), new byte[] {0, 0, 0, 0, 9}, headers(), java.util.Optional.empty());

    private static RecordHeaders headers() {
        RecordHeaders h = new RecordHeaders();
        h.add("trace-id", "abc".getBytes(StandardCharsets.UTF_8));
        return h;
    }

    private DeadLetterDeserializationExceptionHandler handler() {
        DeadLetterDeserializationExceptionHandler h = new DeadLetterDeserializationExceptionHandler();
        h.configure(Map.of(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, "dead"));
        return h;
    }

    private DefaultErrorHandlerContext context() {
        return new DefaultErrorHandlerContext(null, "in", 3, 41L, record.headers(), "KSTREAM-SOURCE-0000000000", new TaskId(0, 3),
                record.timestamp(), record.key(), record.value());
    }

    @Test
    void aRegistryOutageFailsTheTaskWithoutADeadLetter() {
        SchemaRegistryUnavailableException outage = new SchemaRegistryUnavailableException(-1, -1,
                "Cannot reach the schema registry at http://127.0.0.1:1 while fetching schema id 9", new IOException("refused"));
        DeserializationExceptionHandler.Response response = handler().handleError(context(), record, outage);
        assertThat(response.result()).isEqualTo(DeserializationExceptionHandler.Result.FAIL);
        assertThat(response.deadLetterQueueRecords()).isEmpty();
    }

    @Test
    void aPoisonRecordGoesToTheDeadLetterQueueWithItsBytesHeadersAndTheReason() {
        InvalidPayloadException poison = new InvalidPayloadException("Record on topic 'in' does not start with magic byte 0", new IOException("eof"));
        DeserializationExceptionHandler.Response response = handler().handleError(context(), record, poison);
        assertThat(response.result()).isEqualTo(DeserializationExceptionHandler.Result.RESUME);
        ProducerRecord<byte[], byte[]> dead = response.deadLetterQueueRecords().get(0);
        assertThat(dead.topic()).isEqualTo("dead");
        assertThat(dead.key()).isEqualTo(record.key());
        assertThat(dead.value()).isEqualTo(record.value());
        assertThat(dead.timestamp()).isEqualTo(record.timestamp());
        assertThat(header(dead, "trace-id")).isEqualTo("abc");
        assertThat(header(dead, DeadLetterDeserializationExceptionHandler.HEADER_MESSAGE)).contains("magic byte 0");
        assertThat(header(dead, DeadLetterDeserializationExceptionHandler.HEADER_EXCEPTION)).isEqualTo(InvalidPayloadException.class.getName());
        assertThat(header(dead, DeadLetterDeserializationExceptionHandler.HEADER_TOPIC)).isEqualTo("in");
        assertThat(header(dead, DeadLetterDeserializationExceptionHandler.HEADER_PARTITION)).isEqualTo("3");
        assertThat(header(dead, DeadLetterDeserializationExceptionHandler.HEADER_OFFSET)).isEqualTo("41");
        assertThat(header(dead, DeadLetterDeserializationExceptionHandler.HEADER_TASK)).isEqualTo("0_3");

        assertThat(handler().handleError(context(), record, new SchemaNotFoundException(404, 40403, "Schema 9 not found")).result())
                .isEqualTo(DeserializationExceptionHandler.Result.RESUME);
    }

    @Test
    void theDeadLetterTopicIsRequiredAndTheRetiredKeysAreNamed() {
        assertThatThrownBy(() -> new DeadLetterDeserializationExceptionHandler().configure(Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("errors.dead.letter.queue.topic.name").hasMessageContaining("required");
        assertThatThrownBy(() -> new DeadLetterDeserializationExceptionHandler().configure(Map.of("switchboard.dlq.topic", "old",
                "switchboard.dlq.producer.acks", "all", StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, "dead")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("switchboard.dlq.topic").hasMessageContaining("switchboard.dlq.producer.acks")
                .hasMessageContaining("KIP-1034");
        assertThat(DeadLetterDeserializationExceptionHandler.streamsProperties("dead"))
                .containsEntry(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterDeserializationExceptionHandler.class)
                .containsEntry(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, "dead");
    }

    @Test
    void retriableCausesAreFoundBehindStreamsWrappersButAPoisonRecordsIoCauseIsNotRetriable() {
        SchemaRegistryUnavailableException outage = new SchemaRegistryUnavailableException(503, 50301, "registry answered 503", null);
        assertThat(ReplaceThreadOnRetriableFailure.isRetriable(new StreamsException("Deserialization exception handler is set to fail",
                new StreamsException("Exception caught in process", outage)))).isTrue();
        assertThat(ReplaceThreadOnRetriableFailure.isRetriable(new StreamsException("task timeout", new TimeoutException("endOffsets")))).isTrue();
        assertThat(ReplaceThreadOnRetriableFailure.isRetriable(new StreamsException("fail",
                new InvalidPayloadException("truncated", new IOException("eof"))))).isFalse();
        assertThat(ReplaceThreadOnRetriableFailure.isRetriable(new StreamsException("no cause"))).isFalse();
    }

    @Test
    void theWholeCauseChainIsSearchedForARetriableCause() {
        SchemaRegistryUnavailableException outage = new SchemaRegistryUnavailableException(-1, -1, "Cannot reach the registry", null);
        // an application's own (non-retriable) exception around an outage does not hide it
        assertThat(ReplaceThreadOnRetriableFailure.isRetriable(new StreamsException("Exception caught in process",
                new io.switchboard.core.SwitchboardException("cannot decode the value", outage)))).isTrue();
        assertThat(ReplaceThreadOnRetriableFailure.retriableCause(new StreamsException("x", new RuntimeException("y", outage))))
                .isSameAs(outage);
        assertThat(ReplaceThreadOnRetriableFailure.isRetriable(new StreamsException("x", new IOException("connection reset")))).isTrue();
        assertThat(ReplaceThreadOnRetriableFailure.isRetriable(new StreamsException("x",
                new IllegalStateException("state does not decode", new java.io.EOFException("truncated")))))
                .as("an I/O cause a decoder wrapped is a bad record, not an outage").isFalse();
    }

    /** A processor's exception for a record it rejects. */
    static final class BadRecord extends io.switchboard.core.SwitchboardException implements RejectedRecord {
        BadRecord(String message) {
            super(message);
        }
    }

    @Test
    void theProcessingHandlerDeadLettersARejectedRecordAndFailsOnAnythingElse() {
        List<String> told = new CopyOnWriteArrayList<>();
        DeadLetterListener listener = new DeadLetterListener() {
            @Override
            public void deadLettered(String topic, int partition, long offset, Exception cause) {
                told.add("dead " + topic + "-" + partition + "@" + offset);
            }

            @Override
            public void retriableFailure(String topic, int partition, long offset, Exception cause) {
                told.add("retry " + topic + "-" + partition + "@" + offset);
            }
        };
        DeadLetterProcessingExceptionHandler h = new DeadLetterProcessingExceptionHandler();
        h.configure(Map.of(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, "dead", DeadLetterListener.CONFIG, listener));
        org.apache.kafka.streams.processor.api.Record<String, String> r = new org.apache.kafka.streams.processor.api.Record<>("k", "v", 1L);

        var rejected = h.handleError(context(), r, new StreamsException("wrapped", new BadRecord("count is negative: waiting = -1")));
        assertThat(rejected.result()).isEqualTo(org.apache.kafka.streams.errors.ProcessingExceptionHandler.Result.RESUME);
        ProducerRecord<byte[], byte[]> dead = rejected.deadLetterQueueRecords().get(0);
        assertThat(dead.key()).isEqualTo(record.key());
        assertThat(dead.value()).isEqualTo(record.value());
        assertThat(header(dead, DeadLetterDeserializationExceptionHandler.HEADER_MESSAGE)).isEqualTo("count is negative: waiting = -1");
        assertThat(header(dead, DeadLetterDeserializationExceptionHandler.HEADER_EXCEPTION)).isEqualTo(BadRecord.class.getName());
        assertThat(header(dead, DeadLetterDeserializationExceptionHandler.HEADER_TASK)).isEqualTo("0_3");

        var outage = h.handleError(context(), r, new SchemaRegistryUnavailableException(503, 50301, "registry answered 503", null));
        assertThat(outage.result()).isEqualTo(org.apache.kafka.streams.errors.ProcessingExceptionHandler.Result.FAIL);
        assertThat(outage.deadLetterQueueRecords()).isEmpty();
        var bug = h.handleError(context(), r, new IllegalStateException("a bug"));
        assertThat(bug.result()).as("not the record's fault").isEqualTo(org.apache.kafka.streams.errors.ProcessingExceptionHandler.Result.FAIL);
        assertThat(bug.deadLetterQueueRecords()).isEmpty();
        assertThat(told).containsExactly("dead in-3@41", "retry in-3@41");
        assertThat(DeadLetterProcessingExceptionHandler.streamsProperties("dead"))
                .containsEntry(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterProcessingExceptionHandler.class)
                .containsEntry(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterDeserializationExceptionHandler.class);
    }

    @Test
    void aRetriableFailureReplacesTheThreadAndAFatalOneShutsDownAndFailsTheRole() {
        List<String> fatals = new CopyOnWriteArrayList<>();
        try (Supervisor supervisor = new Supervisor("aggregator", Clock.systemUTC(), new SplittableRandom(1), (c, r, e) -> fatals.add(r))) {
            ReplaceThreadOnRetriableFailure handler = new ReplaceThreadOnRetriableFailure(TINY, supervisor.component("streams"),
                    Clock.systemUTC(), new SplittableRandom(2));
            StreamsException outage = new StreamsException("Deserialization exception handler is set to fail",
                    new SchemaRegistryUnavailableException(-1, -1, "Cannot reach the schema registry at http://127.0.0.1:1", null));
            assertThat(handler.handle(outage)).isEqualTo(StreamThreadExceptionResponse.REPLACE_THREAD);
            assertThat(handler.replacements()).isEqualTo(1);
            assertThat(supervisor.readiness().reason()).startsWith("streams: RETRYING: Cannot reach the schema registry")
                    .contains("is replaced in").contains("resume from their last commit");
            handler.stateListener(null).onChange(org.apache.kafka.streams.KafkaStreams.State.RUNNING,
                    org.apache.kafka.streams.KafkaStreams.State.REBALANCING);
            assertThat(supervisor.readiness().up()).isTrue();
            assertThat(fatals).isEmpty();

            assertThat(handler.handle(new StreamsException("boom", new IllegalStateException("a bug in a processor"))))
                    .isEqualTo(StreamThreadExceptionResponse.SHUTDOWN_CLIENT);
            assertThat(fatals).singleElement().asString().contains("streams:").contains("IllegalStateException: a bug in a processor");
            assertThat(supervisor.readiness().reason()).contains("FAILED");
        }
    }

    private static String header(ProducerRecord<byte[], byte[]> r, String key) {
        return r.headers().lastHeader(key) == null ? null : new String(r.headers().lastHeader(key).value(), StandardCharsets.UTF_8);
    }
}
