package io.switchboard.registry.serde;

import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.switchboard.core.ConfigException;
import io.switchboard.core.supervise.Failures;

/**
 * The processing-time counterpart of {@link DeadLetterDeserializationExceptionHandler}: a record that deserialized
 * but that a processor <em>rejects</em> (it throws an exception that implements {@link RejectedRecord}, anywhere in
 * the cause chain) goes to Kafka Streams' own dead-letter queue (KIP-1034) with its source bytes, and processing
 * continues. Everything else fails the task:
 * <ul>
 *   <li>a retriable cause anywhere in the chain ({@link ReplaceThreadOnRetriableFailure#isRetriable}: the registry
 *       or the broker did not answer) — the record is valid, so it is neither dead-lettered nor skipped; the thread
 *       is replaced by {@link ReplaceThreadOnRetriableFailure} and reads the record again from the last commit;</li>
 *   <li>any other failure (a state store error, a bug) — not the record's fault, so dead-lettering it would hide the
 *       problem; {@link ReplaceThreadOnRetriableFailure} stops the application with the reason.</li>
 * </ul>
 * The dead letter has the same headers as the deserialization handler's (the source key and value are Kafka
 * Streams' {@code sourceRawKey}/{@code sourceRawValue}: the bytes as read from the input topic).
 *
 * <pre>{@code
 * props.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterProcessingExceptionHandler.class);
 * props.put(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, "switchboard.dead-letters");
 * }</pre>
 * A {@link DeadLetterListener} under {@value DeadLetterListener#CONFIG} is told of every dead letter and retriable
 * failure. Stateless apart from process-wide counters; thread-safe.
 */
public class DeadLetterProcessingExceptionHandler implements ProcessingExceptionHandler {

    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterProcessingExceptionHandler.class);

    private String topic;
    private DeadLetterListener listener = new DeadLetterListener() { };

    /** The Streams properties that install both dead-letter handlers with {@code deadLetterTopic}. */
    public static Map<String, Object> streamsProperties(String deadLetterTopic) {
        return Map.of(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterDeserializationExceptionHandler.class,
                StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterProcessingExceptionHandler.class,
                DeadLetterDeserializationExceptionHandler.DEAD_LETTER_TOPIC_CONFIG, deadLetterTopic);
    }

    /**
     * Reads {@value DeadLetterDeserializationExceptionHandler#DEAD_LETTER_TOPIC_CONFIG} and the optional
     * {@value DeadLetterListener#CONFIG}.
     *
     * @throws ConfigException when the topic is missing
     */
    @Override
    public void configure(Map<String, ?> configs) {
        topic = DeadLetters.topic(configs, getClass().getSimpleName());
        listener = DeadLetterListener.from(configs);
    }

    /** The exception in {@code failure}'s cause chain that marks the record as rejected, or null. */
    public static Throwable rejection(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof RejectedRecord) {
                return t;
            }
        }
        return null;
    }

    @Override
    public Response handleError(ErrorHandlerContext context, Record<?, ?> record, Exception exception) {
        String where = context.topic() + "-" + context.partition() + "@" + context.offset();
        if (ReplaceThreadOnRetriableFailure.isRetriable(exception)) {
            DeadLetters.RETRIABLE_FAILURES.incrementAndGet();
            listener.retriableFailure(context.topic(), context.partition(), context.offset(), exception);
            LOG.warn("Processing record {} failed for a retriable reason ({}); not dead-lettering a valid record: failing the task so"
                    + " that it is processed again from its last commit", where,
                    Failures.describe(ReplaceThreadOnRetriableFailure.retriableCause(exception)));
            return Response.fail();
        }
        Throwable rejection = rejection(exception);
        if (rejection == null) {
            LOG.error("Processing record {} failed ({}); failing the task: this is not a rejected record but a failure of the"
                    + " application itself", where, Failures.describe(exception), exception);
            return Response.fail();
        }
        Exception reason = rejection instanceof Exception e ? e : exception;
        ProducerRecord<byte[], byte[]> deadLetter = DeadLetters.of(topic, context, context.topic(), context.partition(), context.offset(),
                context.sourceRawKey(), context.sourceRawValue(), context.timestamp(), context.headers(), reason);
        DeadLetters.DEAD_LETTERED.incrementAndGet();
        listener.deadLettered(context.topic(), context.partition(), context.offset(), reason);
        LOG.warn("Rejected record {} goes to dead-letter topic {}: {}", where, topic, reason.getMessage());
        return Response.resume(List.of(deadLetter));
    }
}
