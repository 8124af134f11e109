package io.switchboard.registry;

import java.util.Objects;

import org.apache.avro.Schema;

/**
 * A schema as registered under a subject: the answer of {@code GET /subjects/{s}/versions/{v}} and
 * {@code POST /subjects/{s}}. Immutable.
 *
 * @param subject the subject
 * @param version the version within the subject, from 1
 * @param id      the registry-wide schema id written into every record
 * @param schema  the parsed Avro schema
 */
public record RegisteredSchema(String subject, int version, int id, Schema schema) {

    public RegisteredSchema {
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(schema, "schema");
    }
}
