package io.switchboard.registry.serde;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kafka Streams {@link DeserializationExceptionHandler} that sends a record it cannot deserialize
 * (a poison record: wrong magic byte, unknown schema id, truncated Avro, unresolvable schema) to a
 * dead-letter topic with its original key, value and headers, plus headers saying why, then lets
 * processing continue. The record is on the dead-letter topic (acknowledged by the broker) before
 * the handler returns CONTINUE; if it cannot be written the handler returns FAIL, so nothing is
 * silently lost.
 *
 * <p>Set it with {@code default.deserialization.exception.handler} (
 * {@link StreamsConfig#DEFAULT_DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG}). Settings, read
 * from the Streams configuration:
 * <ul>
 *   <li>{@value #DLQ_TOPIC_CONFIG} — the dead-letter topic; default {@code <application.id>.dlq}.
 *       The topic must exist (or the broker must auto-create topics).</li>
 *   <li>{@value #DLQ_SEND_TIMEOUT_MS_CONFIG} — how long to wait for the broker's ack (default 30000).</li>
 *   <li>{@value #DLQ_PRODUCER_PREFIX}{@code *} — producer overrides; {@code bootstrap.servers},
 *       {@code security.protocol}, {@code sasl.*} and {@code ssl.*} are taken from the Streams config.</li>
 * </ul>
 *
 * <p>Headers added (UTF-8 strings): {@value #HEADER_REASON} (the exception message, which names the
 * problem and the fix), {@value #HEADER_EXCEPTION} (class name), {@value #HEADER_STACKTRACE},
 * {@value #HEADER_TOPIC}, {@value #HEADER_PARTITION}, {@value #HEADER_OFFSET}, {@value #HEADER_TASK}.
 *
 * <p>Written for the Kafka Streams 4.1 API ({@code handle(ErrorHandlerContext, ConsumerRecord, Exception)}).
 * Producers are shared per producer configuration in the JVM and closed at JVM exit (the handler
 * interface has no close). Thread-safe.
 */
public class DeadLetterDeserializationExceptionHandler implements DeserializationExceptionHandler {

    /** Dead-letter topic. */
    public static final String DLQ_TOPIC_CONFIG = "switchboard.dlq.topic";
    /** Ack timeout in ms. */
    public static final String DLQ_SEND_TIMEOUT_MS_CONFIG = "switchboard.dlq.send.timeout.ms";
    /** Prefix of producer overrides. */
    public static final String DLQ_PRODUCER_PREFIX = "switchboard.dlq.producer.";

    /** Why the record was rejected. */
    public static final String HEADER_REASON = "switchboard.dlq.reason";
    /** Exception class. */
    public static final String HEADER_EXCEPTION = "switchboard.dlq.exception";
    /** Stack trace. */
    public static final String HEADER_STACKTRACE = "switchboard.dlq.stacktrace";
    /** Source topic. */
    public static final String HEADER_TOPIC = "switchboard.dlq.topic";
    /** Source partition. */
    public static final String HEADER_PARTITION = "switchboard.dlq.partition";
    /** Source offset. */
    public static final String HEADER_OFFSET = "switchboard.dlq.offset";
    /** Streams task id. */
    public static final String HEADER_TASK = "switchboard.dlq.task";

    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterDeserializationExceptionHandler.class);
    private static final ConcurrentHashMap<Map<String, Object>, KafkaProducer<byte[], byte[]>> PRODUCERS = new ConcurrentHashMap<>();
    private static final AtomicLong SENT = new AtomicLong();

    private String topic;
    private Duration timeout;
    private KafkaProducer<byte[], byte[]> producer;

    /** Records sent to dead-letter topics by all handlers in this JVM (for metrics and tests). */
    public static long deadLetteredCount() {
        return SENT.get();
    }

    @Override
    public void configure(Map<String, ?> configs) {
        Object app = configs.get(StreamsConfig.APPLICATION_ID_CONFIG);
        Object t = configs.get(DLQ_TOPIC_CONFIG);
        this.topic = t != null && !String.valueOf(t).isBlank() ? String.valueOf(t).trim() : (app == null ? "switchboard" : app) + ".dlq";
        Object ms = configs.get(DLQ_SEND_TIMEOUT_MS_CONFIG);
        this.timeout = Duration.ofMillis(ms == null ? 30_000 : Long.parseLong(String.valueOf(ms).trim()));
        Map<String, Object> producerConfig = new HashMap<>();
        configs.forEach((k, v) -> {
            if (k.equals(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG) || k.equals("security.protocol") || k.startsWith("sasl.")
                    || k.startsWith("ssl.") || k.equals("client.dns.lookup")) {
                producerConfig.put(k, v);
            }
        });
        configs.forEach((k, v) -> {
            if (k.startsWith(DLQ_PRODUCER_PREFIX)) {
                producerConfig.put(k.substring(DLQ_PRODUCER_PREFIX.length()), v);
            }
        });
        producerConfig.putIfAbsent(ProducerConfig.ACKS_CONFIG, "all");
        producerConfig.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, "switchboard-dlq-" + topic);
        this.producer = PRODUCERS.computeIfAbsent(Map.copyOf(producerConfig), c -> {
            KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(c, new ByteArraySerializer(), new ByteArraySerializer());
            Runtime.getRuntime().addShutdownHook(new Thread(() -> p.close(Duration.ofSeconds(5)), "switchboard-dlq-producer-close"));
            return p;
        });
    }

    @Override
    public DeserializationHandlerResponse handle(ErrorHandlerContext context, ConsumerRecord<byte[], byte[]> record, Exception exception) {
        Headers headers = new RecordHeaders();
        for (Header h : record.headers()) {
            headers.add(h);
        }
        String reason = exception.getMessage() == null ? exception.getClass().getName() : exception.getMessage();
        put(headers, HEADER_REASON, reason);
        put(headers, HEADER_EXCEPTION, exception.getClass().getName());
        StringWriter trace = new StringWriter();
        exception.printStackTrace(new PrintWriter(trace));
        put(headers, HEADER_STACKTRACE, trace.toString());
        put(headers, HEADER_TOPIC, record.topic());
        put(headers, HEADER_PARTITION, String.valueOf(record.partition()));
        put(headers, HEADER_OFFSET, String.valueOf(record.offset()));
        put(headers, HEADER_TASK, context == null || context.taskId() == null ? "" : context.taskId().toString());
        try {
            producer.send(new ProducerRecord<>(topic, null, record.timestamp() >= 0 ? record.timestamp() : null, record.key(), record.value(),
                    headers)).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            LOG.error("Cannot write the poison record {}-{}@{} to dead-letter topic {} ({}); stopping so it is not lost",
                    record.topic(), record.partition(), record.offset(), topic, e.toString());
            return DeserializationHandlerResponse.FAIL;
        }
        SENT.incrementAndGet();
        LOG.warn("Poison record {}-{}@{} sent to dead-letter topic {}: {}", record.topic(), record.partition(), record.offset(), topic, reason);
        return DeserializationHandlerResponse.CONTINUE;
    }

    private static void put(Headers headers, String key, String value) {
        headers.add(key, value.getBytes(StandardCharsets.UTF_8));
    }
}
