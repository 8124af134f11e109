package io.switchboard.registry;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.apache.avro.JsonProperties;
import org.apache.avro.Schema;

import io.switchboard.events.poll.QueueStat;

/** QueueStat schemas around the generated one (v2), built in tests for evolution. */
public final class EvolvingSchemas {

    private EvolvingSchemas() {
    }

    /** v1: the generated QueueStat without serviceLevelPercent and extraMetrics (both have defaults in v2). */
    public static Schema v1() {
        return copy(Set.of("serviceLevelPercent", "extraMetrics"), null);
    }

    /** v2: the generated QueueStat. */
    public static Schema v2() {
        return QueueStat.getClassSchema();
    }

    /** Incompatible v3: adds a required field without default. */
    public static Schema v3Incompatible() {
        return copy(Set.of(), new Schema.Field("region", Schema.create(Schema.Type.STRING), "required, no default", (Object) null));
    }

    /** A compatible v3: adds an optional field with a default. */
    public static Schema v3Compatible() {
        return copy(Set.of(), new Schema.Field("region", Schema.createUnion(Schema.create(Schema.Type.NULL), Schema.create(Schema.Type.STRING)),
                "optional", JsonProperties.NULL_VALUE));
    }

    private static Schema copy(Set<String> drop, Schema.Field extra) {
        Schema v2 = QueueStat.getClassSchema();
        List<Schema.Field> fields = new ArrayList<>();
        for (Schema.Field f : v2.getFields()) {
            if (!drop.contains(f.name())) {
                fields.add(new Schema.Field(f, f.schema()));
            }
        }
        if (extra != null) {
            fields.add(extra);
        }
        return Schema.createRecord(v2.getName(), v2.getDoc(), v2.getNamespace(), false, fields);
    }
}
