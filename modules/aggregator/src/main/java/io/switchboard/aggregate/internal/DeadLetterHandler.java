package io.switchboard.aggregate.internal;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.switchboard.aggregate.InvalidQueueStatException;
import io.switchboard.core.SwitchboardException;

/**
 * The aggregator's deserialization and processing exception handler, built on Kafka Streams' own
 * dead-letter queue (KIP-1034): a poison record (bytes that are not a {@code QueueStat} in the
 * Confluent wire format, an unknown schema id, a record the aggregator rejects as invalid:
 * {@link InvalidQueueStatException}) is
 * returned to Streams as a dead-letter record for {@value StreamsConfig#ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG}
 * with a RESUME response. Streams writes it with its own producer, inside the exactly-once
 * transaction of the task, so the dead letter and the skipped offset commit together.
 *
 * <p>A <em>retriable</em> cause anywhere in the exception chain ({@link SwitchboardException#isRetriable()},
 * e.g. {@code SchemaRegistryUnavailableException} when the registry does not answer, or Kafka's
 * {@link RetriableException}) never dead-letters and never skips: the handler answers FAIL, the
 * stream thread stops before committing, and the runtime's uncaught-exception handler replaces the
 * thread after a backoff, so the same record is read again from the last committed offset.
 *
 * <p>Dead-letter records keep the source key, value, timestamp and headers, plus the headers Kafka
 * Streams' built-in handlers write: {@value #HEADER_EXCEPTION}, {@value #HEADER_MESSAGE},
 * {@value #HEADER_STACKTRACE}, {@value #HEADER_TOPIC}, {@value #HEADER_PARTITION},
 * {@value #HEADER_OFFSET}. Configure with {@code deserialization.exception.handler} and
 * {@code processing.exception.handler}. Thread-safe.
 */
public class DeadLetterHandler implements DeserializationExceptionHandler, ProcessingExceptionHandler {

    /** Exception class name (same header as Kafka Streams' built-in handlers). */
    public static final String HEADER_EXCEPTION = "__streams.errors.exception";
    /** Exception message: what is wrong with the record. */
    public static final String HEADER_MESSAGE = "__streams.errors.message";
    /** Stack trace. */
    public static final String HEADER_STACKTRACE = "__streams.errors.stacktrace";
    /** Source topic. */
    public static final String HEADER_TOPIC = "__streams.errors.topic";
    /** Source partition. */
    public static final String HEADER_PARTITION = "__streams.errors.partition";
    /** Source offset. */
    public static final String HEADER_OFFSET = "__streams.errors.offset";

    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterHandler.class);

    private String topic;
    private AggregatorMetrics metrics = new AggregatorMetrics();

    @Override
    public void configure(Map<String, ?> configs) {
        Object t = configs.get(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG);
        topic = t == null || String.valueOf(t).isBlank() ? null : String.valueOf(t).trim();
        metrics = AggregatorMetrics.from(configs);
    }

    /** Whether a failure with this cause chain may succeed when retried (the registry or broker is back). */
    public static boolean isRetriable(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SwitchboardException se) {
                return se.isRetriable(); // our own exceptions know; their causes (an EOFException under a corrupt payload) do not
            }
            if (t instanceof RetriableException) {
                return true;
            }
        }
        return false;
    }

    @Override
    public DeserializationExceptionHandler.Response handleError(ErrorHandlerContext context, ConsumerRecord<byte[], byte[]> record,
                                                                Exception exception) {
        if (isRetriable(exception)) {
            metrics.retriableFailure();
            LOG.warn("Cannot read record {}-{}@{} for a retriable reason ({}); failing the task so it is retried, the record is"
                    + " neither skipped nor dead-lettered", record.topic(), record.partition(), record.offset(), exception.toString());
            return DeserializationExceptionHandler.Response.fail();
        }
        return DeserializationExceptionHandler.Response.resume(deadLetter(context, record.key(), record.value(), record.timestamp(),
                record.headers(), exception));
    }

    /**
     * Only a record the aggregator rejected before changing any state ({@link InvalidQueueStatException})
     * is dead-lettered; any other processing failure (a state store error, a bug) fails the task:
     * retried when retriable, otherwise the instance stops with the reason on {@code /ready}.
     */
    @Override
    public ProcessingExceptionHandler.Response handleError(ErrorHandlerContext context, Record<?, ?> record, Exception exception) {
        if (isRetriable(exception)) {
            metrics.retriableFailure();
            LOG.warn("Processing record {}-{}@{} failed for a retriable reason ({}); failing the task so it is retried",
                    context.topic(), context.partition(), context.offset(), exception.toString());
            return ProcessingExceptionHandler.Response.fail();
        }
        if (!(rootOf(exception) instanceof InvalidQueueStatException)) {
            LOG.error("Processing record {}-{}@{} failed ({}); failing the task: this is not a poison record but a failure of the"
                    + " aggregator itself", context.topic(), context.partition(), context.offset(), exception.toString(), exception);
            return ProcessingExceptionHandler.Response.fail();
        }
        return ProcessingExceptionHandler.Response.resume(deadLetter(context, context.sourceRawKey(), context.sourceRawValue(),
                context.timestamp(), context.headers(), exception));
    }

    private static Throwable rootOf(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof InvalidQueueStatException) {
                return t;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return failure;
    }

    private List<ProducerRecord<byte[], byte[]>> deadLetter(ErrorHandlerContext context, byte[] key, byte[] value, long timestamp,
                                                            Headers source, Exception exception) {
        if (topic == null) {
            LOG.error("Poison record {}-{}@{} skipped WITHOUT a dead letter: {} is not set ({})", context.topic(), context.partition(),
                    context.offset(), StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, exception.toString());
            return List.of();
        }
        Headers headers = new RecordHeaders();
        if (source != null) {
            for (Header h : source) {
                headers.add(h);
            }
        }
        StringWriter trace = new StringWriter();
        exception.printStackTrace(new PrintWriter(trace));
        put(headers, HEADER_EXCEPTION, exception.getClass().getName());
        put(headers, HEADER_MESSAGE, exception.getMessage() == null ? exception.getClass().getName() : exception.getMessage());
        put(headers, HEADER_STACKTRACE, trace.toString());
        put(headers, HEADER_TOPIC, context.topic());
        put(headers, HEADER_PARTITION, String.valueOf(context.partition()));
        put(headers, HEADER_OFFSET, String.valueOf(context.offset()));
        metrics.deadLettered();
        LOG.warn("Poison record {}-{}@{} goes to dead-letter topic {}: {}", context.topic(), context.partition(), context.offset(), topic,
                exception.getMessage());
        return List.of(new ProducerRecord<>(topic, null, timestamp >= 0 ? timestamp : null, key, value, headers));
    }

    private static void put(Headers headers, String key, String value) {
        headers.add(key, (value == null ? "" : value).getBytes(StandardCharsets.UTF_8));
    }
}
