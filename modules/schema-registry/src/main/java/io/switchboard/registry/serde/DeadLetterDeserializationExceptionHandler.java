package io.switchboard.registry.serde;

import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.switchboard.core.ConfigException;
import io.switchboard.core.supervise.Failures;

/**
 * Kafka Streams {@link DeserializationExceptionHandler} that sends a poison record (wrong magic byte, unknown schema
 * id, truncated Avro, a writer schema the reader cannot resolve) to Kafka Streams' own dead-letter queue (KIP-1034)
 * and lets processing continue — and that never dead-letters or skips a <em>valid</em> record because of a
 * retriable failure.
 *
 * <p>The two cases:
 * <ul>
 *   <li><b>Poison record</b> (the failure is not retriable): the handler answers {@code RESUME} with one
 *       dead-letter record, which Kafka Streams writes through its own producer to
 *       {@value #DEAD_LETTER_TOPIC_CONFIG} — under exactly-once inside the task's transaction, so a dead letter is
 *       committed together with the input offset that skips the record: never lost, never twice.</li>
 *   <li><b>Retriable failure</b> ({@code SchemaRegistryUnavailableException}: the registry is unreachable, timed
 *       out or answered 5xx after the client's retries; any failure {@link ReplaceThreadOnRetriableFailure#isRetriable}
 *       accepts): the record is fine, the registry is not. The handler answers {@code FAIL} with no dead letter;
 *       Kafka Streams throws, the stream thread dies and closes its tasks dirty (exactly-once: the transaction is
 *       aborted), and {@link ReplaceThreadOnRetriableFailure} — set it with
 *       {@code KafkaStreams#setUncaughtExceptionHandler} — replaces the thread after a backoff. The new thread
 *       reads again from the last commit, so the record is processed once the registry answers. Without that
 *       handler Kafka Streams' default shuts the client down instead: nothing is lost either, but nothing retries.</li>
 * </ul>
 *
 * <p>Configuration (Streams properties):
 * <pre>{@code
 * props.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterDeserializationExceptionHandler.class);
 * props.put(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, "switchboard.dead-letters");
 * // or: props.putAll(DeadLetterDeserializationExceptionHandler.streamsProperties("switchboard.dead-letters"));
 * }</pre>
 * {@value #DEAD_LETTER_TOPIC_CONFIG} is required, and the topic must exist before the application starts.
 *
 * <p>A dead letter keeps the source record's key, value, timestamp and headers, and adds the headers Kafka
 * Streams' own handlers add ({@value #HEADER_EXCEPTION}, {@value #HEADER_MESSAGE} — the exception message, which
 * says what is wrong and how to fix it —, {@value #HEADER_STACKTRACE}, {@value #HEADER_TOPIC},
 * {@value #HEADER_PARTITION}, {@value #HEADER_OFFSET}), plus one of ours, {@value #HEADER_TASK} (the Streams task
 * id). All values are UTF-8 strings.
 *
 * <p>A {@link DeadLetterListener} under {@value DeadLetterListener#CONFIG} is told of every dead letter and retriable
 * failure (an application's own metrics). Records a processor rejects go to the same queue through
 * {@link DeadLetterProcessingExceptionHandler}.
 *
 * <p>Stateless apart from process-wide counters; thread-safe.
 */
public class DeadLetterDeserializationExceptionHandler implements DeserializationExceptionHandler {

    /** The dead-letter topic: Kafka Streams' own {@code errors.dead.letter.queue.topic.name}. Required. */
    public static final String DEAD_LETTER_TOPIC_CONFIG = StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG;

    /** Header: class name of the exception (as Kafka Streams' own handlers write it). */
    public static final String HEADER_EXCEPTION = "__streams.errors.exception";
    /** Header: the exception message, which names the problem and the fix. */
    public static final String HEADER_MESSAGE = "__streams.errors.message";
    /** Header: the stack trace. */
    public static final String HEADER_STACKTRACE = "__streams.errors.stacktrace";
    /** Header: source topic. */
    public static final String HEADER_TOPIC = "__streams.errors.topic";
    /** Header: source partition. */
    public static final String HEADER_PARTITION = "__streams.errors.partition";
    /** Header: source offset. */
    public static final String HEADER_OFFSET = "__streams.errors.offset";
    /** Header: the Streams task id (e.g. {@code 0_3}); Kafka Streams' own handlers do not write it. */
    public static final String HEADER_TASK = "switchboard.dlq.task";

    /** The settings of the dead-letter handler before Kafka Streams had its own dead-letter queue; now an error. */
    static final List<String> RETIRED_KEYS = DeadLetters.RETIRED_KEYS;

    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterDeserializationExceptionHandler.class);

    private String topic;
    private DeadLetterListener listener = new DeadLetterListener() { };

    /** The Streams properties that install this handler with {@code deadLetterTopic}. */
    public static Map<String, Object> streamsProperties(String deadLetterTopic) {
        return Map.of(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterDeserializationExceptionHandler.class,
                DEAD_LETTER_TOPIC_CONFIG, deadLetterTopic);
    }

    /**
     * Poison records handed to the dead-letter queue by all handlers in this JVM, this one and
     * {@link DeadLetterProcessingExceptionHandler} (tests; per application: a {@link DeadLetterListener}).
     */
    public static long deadLetteredCount() {
        return DeadLetters.DEAD_LETTERED.get();
    }

    /** Records that failed for a retriable reason and were left for a retry, by all handlers in this JVM. */
    public static long retriableFailureCount() {
        return DeadLetters.RETRIABLE_FAILURES.get();
    }

    /**
     * Reads {@value #DEAD_LETTER_TOPIC_CONFIG} and the optional {@value DeadLetterListener#CONFIG}.
     *
     * @throws ConfigException when the topic is missing, or when a setting of the retired handler is still there
     */
    @Override
    public void configure(Map<String, ?> configs) {
        topic = DeadLetters.topic(configs, getClass().getSimpleName());
        listener = DeadLetterListener.from(configs);
    }

    @Override
    public Response handleError(ErrorHandlerContext context, ConsumerRecord<byte[], byte[]> record, Exception exception) {
        String where = record.topic() + "-" + record.partition() + "@" + record.offset();
        if (ReplaceThreadOnRetriableFailure.isRetriable(exception)) {
            DeadLetters.RETRIABLE_FAILURES.incrementAndGet();
            listener.retriableFailure(record.topic(), record.partition(), record.offset(), exception);
            LOG.warn("Record {} could not be deserialized for a retriable reason ({}); not dead-lettering a valid record:"
                    + " failing the task so that it is read again from its last commit", where,
                    Failures.describe(ReplaceThreadOnRetriableFailure.retriableCause(exception)));
            return Response.fail();
        }
        ProducerRecord<byte[], byte[]> deadLetter = DeadLetters.of(topic, context, record.topic(), record.partition(), record.offset(),
                record.key(), record.value(), record.timestamp(), record.headers(), exception);
        DeadLetters.DEAD_LETTERED.incrementAndGet();
        listener.deadLettered(record.topic(), record.partition(), record.offset(), exception);
        LOG.warn("Poison record {} goes to dead-letter topic {}: {}", where, topic, exception.getMessage());
        return Response.resume(List.of(deadLetter));
    }
}
