package io.switchboard.registry.serde;

import java.util.Locale;

import org.apache.avro.Schema;

/**
 * How the serializer derives the registry subject from the topic and the record, as Confluent's
 * strategies do. Configured with {@code key.subject.name.strategy} / {@code value.subject.name.strategy};
 * Confluent's class names ({@code io.confluent.kafka.serializers.subject.TopicNameStrategy}, …),
 * their simple names and these constant names are all accepted.
 */
public enum SubjectNameStrategy {
    /** {@code <topic>-key} / {@code <topic>-value}: one schema lineage per topic (the default). */
    TOPIC_NAME,
    /** The record's full name, e.g. {@code io.switchboard.events.poll.QueueStat}: one lineage per type across topics. */
    RECORD_NAME,
    /** {@code <topic>-<record full name>}: several types per topic, each with its own lineage. */
    TOPIC_RECORD_NAME;

    /**
     * The subject for a record.
     *
     * @param topic  the topic
     * @param isKey  whether the record is the key
     * @param schema the record's schema
     */
    public String subject(String topic, boolean isKey, Schema schema) {
        return switch (this) {
            case TOPIC_NAME -> topic + (isKey ? "-key" : "-value");
            case RECORD_NAME -> recordName(schema);
            case TOPIC_RECORD_NAME -> topic + "-" + recordName(schema);
        };
    }

    private String recordName(Schema schema) {
        if (schema.getType() != Schema.Type.RECORD) {
            throw new IllegalArgumentException(name() + " needs a record schema but the data's schema is " + schema.getType()
                    + "; use TopicNameStrategy for primitive keys or values");
        }
        return schema.getFullName();
    }

    /**
     * Parses a strategy from a Confluent class name, its simple name, or a constant name.
     *
     * @throws IllegalArgumentException listing what is accepted
     */
    public static SubjectNameStrategy parse(String text) {
        String t = text.trim();
        String simple = t.substring(t.lastIndexOf('.') + 1);
        switch (simple) {
            case "TopicNameStrategy":
                return TOPIC_NAME;
            case "RecordNameStrategy":
                return RECORD_NAME;
            case "TopicRecordNameStrategy":
                return TOPIC_RECORD_NAME;
            default:
                break;
        }
        try {
            return valueOf(t.toUpperCase(Locale.ROOT).replace('-', '_'));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + text + "' is not a subject name strategy; use TopicNameStrategy, RecordNameStrategy"
                    + " or TopicRecordNameStrategy (Confluent's class names work too)", e);
        }
    }
}
