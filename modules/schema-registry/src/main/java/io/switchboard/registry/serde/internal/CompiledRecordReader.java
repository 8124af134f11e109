package io.switchboard.registry.serde.internal;

import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.time.Instant;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

import org.apache.avro.LogicalType;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.generic.GenericData;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.Decoder;

/**
 * A {@link DatumReader} into generated (specific) records for the common case of a record written
 * with the schema it is read with, worked out once per schema: one small reader per field, chosen
 * from the field's schema up front, instead of Avro's resolving reader (which walks a grammar of
 * symbols for every field of every record, even when writer and reader are the same schema, and
 * looks up each field's logical-type conversion). It makes the same calls on the same
 * {@link Decoder} as Avro's reader and builds the same values: {@code String}s (the contract's
 * generated classes use {@code stringType=String}), {@link Instant}s for {@code timestamp-millis},
 * Avro's arrays, hash maps with string keys and nested generated records
 * ({@code CompiledRecordReaderTest} compares it with {@code SpecificDatumReader} for every event type
 * of the contract, and on truncated input).
 *
 * <p>{@link #of} returns null, and the caller keeps Avro's reader, when the writer schema is not the
 * reader's (by parsing canonical form, which decides the bytes: schema evolution needs Avro's
 * resolution), when the reader is not a generated class, or when the schema uses what this does not
 * cover (bytes, enums, fixed, float, other logical types, unions other than {@code null} and one
 * type, recursive records). Immutable and thread-safe.
 */
public final class CompiledRecordReader implements DatumReader<Object> {

    /** Reads one value of one schema. */
    private interface ValueReader {
        Object read(Decoder in) throws IOException;
    }

    private final ValueReader root;

    private CompiledRecordReader(ValueReader root) {
        this.root = root;
    }

    /**
     * The compiled reader of records written with {@code writer} into the generated class of
     * {@code reader}, or null when Avro's reader is needed (see the class comment).
     */
    public static CompiledRecordReader of(Schema writer, Schema reader, SpecificData model) {
        if (reader.getType() != Schema.Type.RECORD || writer.getType() != Schema.Type.RECORD
                || SchemaNormalization.parsingFingerprint64(writer) != SchemaNormalization.parsingFingerprint64(reader)) {
            return null;
        }
        ValueReader r = compile(reader, model, new IdentityHashMap<>());
        return r == null ? null : new CompiledRecordReader(r);
    }

    @Override
    public void setSchema(Schema schema) {
        throw new UnsupportedOperationException("a compiled reader has its schemas fixed; compile another with CompiledRecordReader.of");
    }

    /** Reads one record; {@code reuse} is ignored (a new record every time, as the serdes ask). */
    @Override
    public Object read(Object reuse, Decoder in) throws IOException {
        return root.read(in);
    }

    private static ValueReader compile(Schema s, SpecificData model, Map<Schema, Boolean> open) {
        LogicalType logical = s.getLogicalType();
        switch (s.getType()) {
            case NULL:
                return in -> {
                    in.readNull();
                    return null;
                };
            case BOOLEAN:
                return logical != null ? null : Decoder::readBoolean;
            case INT:
                return logical != null ? null : Decoder::readInt;
            case LONG:
                if (logical == null) {
                    return Decoder::readLong;
                }
                return logical instanceof LogicalTypes.TimestampMillis ? in -> Instant.ofEpochMilli(in.readLong()) : null;
            case DOUBLE:
                return logical != null ? null : Decoder::readDouble;
            case STRING:
                return logical != null ? null : in -> in.readString();
            case UNION:
                return union(s, model, open);
            case ARRAY: {
                ValueReader items = compile(s.getElementType(), model, open);
                return items == null ? null : in -> {
                    List<Object> list = new GenericData.Array<>(0, s); // Avro's own list type, as its reader makes
                    for (long n = in.readArrayStart(); n != 0; n = in.arrayNext()) {
                        for (long i = 0; i < n; i++) {
                            list.add(items.read(in));
                        }
                    }
                    return list;
                };
            }
            case MAP: {
                ValueReader values = compile(s.getValueType(), model, open);
                return values == null ? null : in -> {
                    Map<String, Object> map = new HashMap<>(); // as Avro's fast reader (default size): the same iteration order
                    for (long n = in.readMapStart(); n != 0; n = in.mapNext()) {
                        for (long i = 0; i < n; i++) {
                            String key = in.readString();
                            map.put(key, values.read(in));
                        }
                    }
                    return map;
                };
            }
            case RECORD:
                return record(s, model, open);
            default:
                return null; // bytes, fixed, enum, float: Avro's reader
        }
    }

    private static ValueReader union(Schema s, SpecificData model, Map<Schema, Boolean> open) {
        List<Schema> branches = s.getTypes();
        if (branches.size() != 2) {
            return null;
        }
        int nullIndex = branches.get(0).getType() == Schema.Type.NULL ? 0 : branches.get(1).getType() == Schema.Type.NULL ? 1 : -1;
        if (nullIndex < 0) {
            return null;
        }
        int valueIndex = 1 - nullIndex;
        ValueReader value = compile(branches.get(valueIndex), model, open);
        return value == null ? null : in -> {
            int index = in.readIndex();
            if (index == nullIndex) {
                in.readNull();
                return null;
            }
            if (index != valueIndex) {
                throw new IOException("union index " + index + " out of range for " + s);
            }
            return value.read(in);
        };
    }

    private static ValueReader record(Schema s, SpecificData model, Map<Schema, Boolean> open) {
        Class<?> type = model.getClass(s);
        if (type == null || !SpecificRecord.class.isAssignableFrom(type) || open.put(s, Boolean.TRUE) != null) {
            return null; // not generated, or recursive: Avro's reader
        }
        Constructor<?> constructor;
        try {
            constructor = type.getConstructor();
        } catch (NoSuchMethodException e) {
            return null;
        }
        List<Schema.Field> fields = s.getFields();
        int[] positions = new int[fields.size()];
        ValueReader[] readers = new ValueReader[fields.size()];
        for (int i = 0; i < readers.length; i++) {
            Schema.Field f = fields.get(i);
            positions[i] = f.pos();
            readers[i] = compile(f.schema(), model, open);
            if (readers[i] == null) {
                return null;
            }
        }
        open.remove(s);
        return in -> {
            SpecificRecord r = newRecord(constructor);
            for (int i = 0; i < readers.length; i++) {
                r.put(positions[i], readers[i].read(in));
            }
            return r;
        };
    }

    private static SpecificRecord newRecord(Constructor<?> constructor) {
        try {
            return (SpecificRecord) constructor.newInstance();
        } catch (InstantiationException | IllegalAccessException | InvocationTargetException e) {
            throw new IllegalStateException("cannot create a " + constructor.getDeclaringClass().getName(), e);
        }
    }
}
