package io.switchboard.registry;

import io.switchboard.core.SwitchboardException;

/**
 * The writer schema of a record (from its schema id) cannot be read with the reader schema the
 * consumer expects: Avro schema resolution fails, e.g. a field the reader needs has no default, or
 * the record names differ. Not retriable: evolve the schemas compatibly (BACKWARD: new fields need
 * defaults), or read with a reader schema matching the writer.
 */
public class SchemaResolutionException extends SwitchboardException {

    private static final long serialVersionUID = 1L;

    /** @param message which writer and reader schema and why they do not resolve */
    public SchemaResolutionException(String message, Throwable cause) {
        super(message, cause);
    }
}
