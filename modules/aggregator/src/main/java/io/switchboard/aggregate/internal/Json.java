package io.switchboard.aggregate.internal;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;

import io.switchboard.events.aggregate.QueueSnapshot;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * JSON forms of the dashboard records for the query API and the live page: the Avro field names,
 * timestamps as ISO-8601 text, absent metrics as JSON null. Stateless and thread-safe.
 */
public final class Json {

    private Json() {
    }

    /** Every field of a generated Avro record. */
    public static JsonObject of(SpecificRecord record) {
        JsonObject o = new JsonObject();
        for (Schema.Field f : record.getSchema().getFields()) {
            o.put(f.name(), value(record.get(f.pos())));
        }
        return o;
    }

    private static Object value(Object v) {
        if (v instanceof Instant i) {
            return i.toString();
        }
        if (v instanceof CharSequence cs) {
            return cs.toString();
        }
        if (v instanceof Map<?, ?> m) {
            JsonObject o = new JsonObject();
            m.forEach((k, x) -> o.put(String.valueOf(k), value(x)));
            return o;
        }
        if (v instanceof List<?> l) {
            JsonArray a = new JsonArray();
            l.forEach(x -> a.add(value(x)));
            return a;
        }
        if (v instanceof SpecificRecord r) {
            return of(r);
        }
        return v;
    }

    /**
     * A queue's snapshot as the API shows it: the {@code QueueSnapshot} fields plus {@code id}
     * ({@code credentialId/queueId}), with {@code ageMs} and {@code stale} worked out at {@code nowMs}.
     */
    public static JsonObject snapshot(QueueState state, long nowMs, long staleAfterMs) {
        QueueSnapshot s = state.toSnapshot(nowMs, staleAfterMs);
        s.setStale(nowMs - state.updatedAt > staleAfterMs);
        return of(s).put("id", state.key());
    }

    /** A snapshot record as the API shows it (for records read from the topic by the live feed). */
    public static JsonObject snapshot(QueueSnapshot s) {
        return of(s).put("id", s.getCredentialId() + "/" + s.getQueueId());
    }
}
