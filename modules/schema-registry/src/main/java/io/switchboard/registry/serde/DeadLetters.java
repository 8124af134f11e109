package io.switchboard.registry.serde;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.streams.errors.ErrorHandlerContext;

import io.switchboard.core.ConfigException;
import io.switchboard.core.ConfigProblem;

/** What both dead-letter handlers share: configuration, the dead-letter record with its headers, JVM-wide counters. */
final class DeadLetters {

    static final AtomicLong DEAD_LETTERED = new AtomicLong();
    static final AtomicLong RETRIABLE_FAILURES = new AtomicLong();

    /** The settings of the dead-letter handler before Kafka Streams had its own dead-letter queue; now an error. */
    static final List<String> RETIRED_KEYS = List.of("switchboard.dlq.topic", "switchboard.dlq.send.timeout.ms");
    private static final String RETIRED_PRODUCER_PREFIX = "switchboard.dlq.producer.";

    private DeadLetters() {
    }

    /**
     * The dead-letter topic of {@code configs}.
     *
     * @throws ConfigException when it is missing, or when a setting of the retired handler is still there
     */
    static String topic(Map<String, ?> configs, String handler) {
        List<ConfigProblem> problems = new ArrayList<>();
        for (String key : configs.keySet()) {
            if (RETIRED_KEYS.contains(key) || key.startsWith(RETIRED_PRODUCER_PREFIX)) {
                problems.add(new ConfigProblem(key, String.valueOf(configs.get(key)), "is no longer read: dead letters go through Kafka"
                        + " Streams' own producer (KIP-1034); set " + DeadLetterDeserializationExceptionHandler.DEAD_LETTER_TOPIC_CONFIG
                        + " instead and remove this key"));
            }
        }
        Object t = configs.get(DeadLetterDeserializationExceptionHandler.DEAD_LETTER_TOPIC_CONFIG);
        String topic = null;
        if (t == null || String.valueOf(t).isBlank()) {
            problems.add(new ConfigProblem(DeadLetterDeserializationExceptionHandler.DEAD_LETTER_TOPIC_CONFIG, null, "is required by "
                    + handler + ": the topic poison records go to, e.g. switchboard.dead-letters (create it before starting)"));
        } else {
            topic = String.valueOf(t).trim();
        }
        if (!problems.isEmpty()) {
            throw new ConfigException("dead-letter handler configuration", problems);
        }
        return topic;
    }

    /**
     * The dead letter of a source record: its key, value, timestamp and headers, plus the headers of Kafka Streams' own
     * handlers and the task id.
     */
    static ProducerRecord<byte[], byte[]> of(String deadLetterTopic, ErrorHandlerContext context, String sourceTopic, int partition,
                                             long offset, byte[] key, byte[] value, long timestamp, Headers source, Exception e) {
        ProducerRecord<byte[], byte[]> out = new ProducerRecord<>(deadLetterTopic, null, timestamp >= 0 ? timestamp : null, key, value);
        Headers headers = out.headers();
        if (source != null) {
            for (Header h : source) {
                headers.add(h);
            }
        }
        StringWriter trace = new StringWriter();
        e.printStackTrace(new PrintWriter(trace));
        put(headers, DeadLetterDeserializationExceptionHandler.HEADER_EXCEPTION, e.getClass().getName());
        put(headers, DeadLetterDeserializationExceptionHandler.HEADER_MESSAGE, e.getMessage() == null ? e.getClass().getName() : e.getMessage());
        put(headers, DeadLetterDeserializationExceptionHandler.HEADER_STACKTRACE, trace.toString());
        put(headers, DeadLetterDeserializationExceptionHandler.HEADER_TOPIC, sourceTopic == null ? "" : sourceTopic);
        put(headers, DeadLetterDeserializationExceptionHandler.HEADER_PARTITION, String.valueOf(partition));
        put(headers, DeadLetterDeserializationExceptionHandler.HEADER_OFFSET, String.valueOf(offset));
        put(headers, DeadLetterDeserializationExceptionHandler.HEADER_TASK,
                context == null || context.taskId() == null ? "" : context.taskId().toString());
        return out;
    }

    private static void put(Headers headers, String key, String value) {
        headers.add(key, value.getBytes(StandardCharsets.UTF_8));
    }
}
