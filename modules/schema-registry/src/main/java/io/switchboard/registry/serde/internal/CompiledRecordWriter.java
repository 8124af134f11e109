package io.switchboard.registry.serde.internal;

import java.io.IOException;
import java.time.Instant;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

import org.apache.avro.LogicalType;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.generic.IndexedRecord;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.Encoder;

/**
 * A {@link DatumWriter} for generated (specific) records, worked out once per schema: one small
 * writer per field, chosen from the field's schema up front, instead of Avro's per-value dispatch
 * ({@code SpecificDatumWriter} resolves every union branch by the value's type name and looks up
 * the logical-type conversion of every field of every record). It makes the same calls on the same
 * {@link Encoder}, so the bytes are Avro's own ({@code CompiledRecordWriterTest} compares them for
 * every event type of the contract).
 *
 * <p>Covers what the contract's schemas use: records, {@code null}, boolean, int, long (plain or
 * {@code timestamp-millis}, as {@link Instant} or a number), double, string, arrays, maps, and
 * unions of {@code null} with one other type. {@link #of} returns null for any other schema (bytes,
 * enums, fixed, float, other logical types, wider unions, recursive records), and the caller keeps
 * Avro's writer. Immutable and thread-safe.
 */
public final class CompiledRecordWriter implements DatumWriter<Object> {

    /** Writes one value of one schema. */
    private interface ValueWriter {
        void write(Object value, Encoder out) throws IOException;
    }

    private final ValueWriter root;

    private CompiledRecordWriter(ValueWriter root) {
        this.root = root;
    }

    /** The compiled writer of a record schema, or null when the schema uses something not covered. */
    public static CompiledRecordWriter of(Schema schema) {
        if (schema.getType() != Schema.Type.RECORD) {
            return null;
        }
        ValueWriter w = compile(schema, new IdentityHashMap<>());
        return w == null ? null : new CompiledRecordWriter(w);
    }

    @Override
    public void setSchema(Schema schema) {
        throw new UnsupportedOperationException("a compiled writer has its schema fixed; compile another with CompiledRecordWriter.of");
    }

    @Override
    public void write(Object datum, Encoder out) throws IOException {
        root.write(datum, out);
    }

    private static ValueWriter compile(Schema s, Map<Schema, Boolean> open) {
        LogicalType logical = s.getLogicalType();
        switch (s.getType()) {
            case NULL:
                return (v, out) -> out.writeNull();
            case BOOLEAN:
                return logical != null ? null : (v, out) -> out.writeBoolean((Boolean) v);
            case INT:
                return logical != null ? null : (v, out) -> out.writeInt(((Number) v).intValue());
            case LONG:
                if (logical == null) {
                    return (v, out) -> out.writeLong(((Number) v).longValue());
                }
                if (logical instanceof LogicalTypes.TimestampMillis) {
                    return (v, out) -> out.writeLong(v instanceof Instant i ? i.toEpochMilli() : ((Number) v).longValue());
                }
                return null;
            case DOUBLE:
                return logical != null ? null : (v, out) -> out.writeDouble(((Number) v).doubleValue());
            case STRING:
                return logical != null ? null : (v, out) -> out.writeString(v instanceof CharSequence cs ? cs : v.toString());
            case UNION:
                return union(s, open);
            case ARRAY: {
                ValueWriter items = compile(s.getElementType(), open);
                return items == null ? null : (v, out) -> {
                    Collection<?> c = (Collection<?>) v;
                    out.writeArrayStart();
                    out.setItemCount(c.size());
                    for (Object item : c) {
                        out.startItem();
                        items.write(item, out);
                    }
                    out.writeArrayEnd();
                };
            }
            case MAP: {
                ValueWriter values = compile(s.getValueType(), open);
                return values == null ? null : (v, out) -> {
                    Map<?, ?> m = (Map<?, ?>) v;
                    out.writeMapStart();
                    out.setItemCount(m.size());
                    for (Map.Entry<?, ?> e : m.entrySet()) {
                        out.startItem();
                        out.writeString(e.getKey().toString());
                        values.write(e.getValue(), out);
                    }
                    out.writeMapEnd();
                };
            }
            case RECORD:
                return record(s, open);
            default:
                return null; // bytes, fixed, enum, float: Avro's writer
        }
    }

    private static ValueWriter union(Schema s, Map<Schema, Boolean> open) {
        List<Schema> branches = s.getTypes();
        if (branches.size() != 2) {
            return null;
        }
        int nullIndex = branches.get(0).getType() == Schema.Type.NULL ? 0 : branches.get(1).getType() == Schema.Type.NULL ? 1 : -1;
        if (nullIndex < 0) {
            return null;
        }
        int valueIndex = 1 - nullIndex;
        ValueWriter value = compile(branches.get(valueIndex), open);
        return value == null ? null : (v, out) -> {
            if (v == null) {
                out.writeIndex(nullIndex);
                out.writeNull();
            } else {
                out.writeIndex(valueIndex);
                value.write(v, out);
            }
        };
    }

    private static ValueWriter record(Schema s, Map<Schema, Boolean> open) {
        if (open.put(s, Boolean.TRUE) != null) {
            return null; // recursive: Avro's writer
        }
        List<Schema.Field> fields = s.getFields();
        String[] names = new String[fields.size()];
        int[] positions = new int[fields.size()];
        ValueWriter[] writers = new ValueWriter[fields.size()];
        for (int i = 0; i < writers.length; i++) {
            Schema.Field f = fields.get(i);
            names[i] = s.getName() + "." + f.name();
            positions[i] = f.pos();
            writers[i] = compile(f.schema(), open);
            if (writers[i] == null) {
                return null;
            }
        }
        open.remove(s);
        return (v, out) -> {
            IndexedRecord r = (IndexedRecord) v;
            for (int i = 0; i < writers.length; i++) {
                Object value = r.get(positions[i]);
                try {
                    writers[i].write(value, out);
                } catch (NullPointerException | ClassCastException e) {
                    throw new IllegalArgumentException((value == null ? "null value for the non-nullable field "
                            : "a " + value.getClass().getName() + " for the field ") + names[i], e);
                }
            }
        };
    }
}
