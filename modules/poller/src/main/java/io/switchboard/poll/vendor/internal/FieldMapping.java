package io.switchboard.poll.vendor.internal;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Function;

import com.fasterxml.jackson.databind.JsonNode;

import io.switchboard.events.poll.QueueStat;

/**
 * A configured mapping from the items of an answer (Cognos report rows, generic JSON list items) to {@link QueueStat}
 * fields, read from job parameters: {@code <prefix><field>=<source>} for each field ({@code column.waiting=Waiting},
 * {@code field.waiting=/stats/waiting}), {@code scale.<field>=<factor>} to convert units (e.g. seconds to
 * milliseconds: 1000), {@code extra.<name>=<source>} for further numeric metrics. {@code queueId} is required.
 * Values are lenient: numbers or numeric text, ISO-8601 durations for {@code *Ms} fields, ISO-8601 or epoch times
 * for {@code observedAt} and the interval bounds; anything unreadable is a null. Immutable.
 */
public final class FieldMapping {

    enum Kind { TEXT, LONG, DOUBLE, MILLIS, INSTANT }

    /** Every field a mapping may fill, and how its value is read. */
    static final Map<String, Kind> FIELDS;

    static {
        Map<String, Kind> f = new LinkedHashMap<>();
        f.put("queueId", Kind.TEXT);
        f.put("queueName", Kind.TEXT);
        f.put("mediaType", Kind.TEXT);
        f.put("observedAt", Kind.INSTANT);
        f.put("intervalStart", Kind.INSTANT);
        f.put("intervalEnd", Kind.INSTANT);
        for (String n : new String[]{"waiting", "interacting", "agentsOnQueue", "agentsAvailable", "agentsLoggedIn", "offered",
                "answered", "abandoned", "handleTimeCount", "waitTimeCount", "serviceLevelNumerator", "serviceLevelDenominator"}) {
            f.put(n, Kind.LONG);
        }
        f.put("longestWaitingMs", Kind.MILLIS);
        f.put("handleTimeSumMs", Kind.MILLIS);
        f.put("waitTimeSumMs", Kind.MILLIS);
        f.put("serviceLevelPercent", Kind.DOUBLE);
        FIELDS = java.util.Collections.unmodifiableMap(f);
    }

    private final Map<String, Function<JsonNode, JsonNode>> fields;
    private final Map<String, Function<JsonNode, JsonNode>> extras;
    private final Map<String, Double> scales;

    private FieldMapping(Map<String, Function<JsonNode, JsonNode>> fields, Map<String, Function<JsonNode, JsonNode>> extras,
                         Map<String, Double> scales) {
        this.fields = fields;
        this.extras = extras;
        this.scales = scales;
    }

    /**
     * Reads the mapping from job parameters.
     *
     * @param prefix  {@code column.} or {@code field.}
     * @param compile turns a source text (column name, JSON Pointer) into an extractor; throws
     *                {@link PollScope.ConfigurationProblem} for a bad one
     * @param sourceHint example of a source, for messages
     */
    public static FieldMapping from(Map<String, String> params, String prefix, Function<String, Function<JsonNode, JsonNode>> compile,
                                    String sourceHint) {
        Map<String, Function<JsonNode, JsonNode>> fields = new LinkedHashMap<>();
        Map<String, Function<JsonNode, JsonNode>> extras = new LinkedHashMap<>();
        Map<String, Double> scales = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : new java.util.TreeMap<>(params).entrySet()) {
            String key = e.getKey();
            if (key.startsWith(prefix)) {
                String name = key.substring(prefix.length());
                if (!FIELDS.containsKey(name)) {
                    throw new PollScope.ConfigurationProblem("job parameter " + key + " names no QueueStat field; use one of "
                            + String.join(", ", FIELDS.keySet()).replace(", ", ", " + prefix).replaceFirst("^", prefix)
                            + ", or extra.<name> for another metric");
                }
                fields.put(name, compile.apply(e.getValue()));
            } else if (key.startsWith("extra.")) {
                extras.put(key.substring("extra.".length()), compile.apply(e.getValue()));
            } else if (key.startsWith("scale.")) {
                try {
                    scales.put(key.substring("scale.".length()), Double.parseDouble(e.getValue()));
                } catch (NumberFormatException ex) {
                    throw new PollScope.ConfigurationProblem("job parameter " + key + "=" + e.getValue() + " must be a number, e.g. 1000");
                }
            }
        }
        if (!fields.containsKey("queueId")) {
            throw new PollScope.ConfigurationProblem("job parameter " + prefix + "queueId is required: where each item's queue id is, e.g. "
                    + prefix + "queueId=" + sourceHint);
        }
        return new FieldMapping(fields, extras, scales);
    }

    /** The queue id of an item, or {@code null}. */
    public String queueId(JsonNode item) {
        return JsonValues.asText(fields.get("queueId").apply(item));
    }

    /** The item's name, or {@code null}. */
    public String queueName(JsonNode item) {
        Function<JsonNode, JsonNode> f = fields.get("queueName");
        return f == null ? null : JsonValues.asText(f.apply(item));
    }

    /**
     * One record from one item.
     *
     * @param rootObservedAt the answer-level time (e.g. {@code generatedAt}), or {@code null}
     */
    public QueueStat map(JsonNode item, StatBase base, Instant rootObservedAt) {
        QueueStat.Builder builder = base.builder(queueId(item));
        if (rootObservedAt != null) {
            builder.setObservedAt(rootObservedAt);
        }
        QueueStat b = builder.build();
        for (Map.Entry<String, Function<JsonNode, JsonNode>> e : fields.entrySet()) {
            String name = e.getKey();
            if (name.equals("queueId")) {
                continue;
            }
            JsonNode v = e.getValue().apply(item);
            double scale = scales.getOrDefault(name, 1.0);
            switch (FIELDS.get(name)) {
                case TEXT -> set(b, name, JsonValues.asText(v));
                case LONG -> {
                    Double d = JsonValues.asDouble(v);
                    set(b, name, d == null ? null : Math.round(d * scale));
                }
                case DOUBLE -> {
                    Double d = JsonValues.asDouble(v);
                    set(b, name, d == null ? null : d * scale);
                }
                case MILLIS -> set(b, name, JsonValues.asDurationMillis(v, scale));
                case INSTANT -> {
                    Instant t = JsonValues.asInstant(v);
                    if (t != null || !name.equals("observedAt")) {
                        set(b, name, t);
                    }
                }
            }
        }
        Map<String, Double> extra = new LinkedHashMap<>();
        extras.forEach((name, source) -> {
            Double d = JsonValues.asDouble(source.apply(item));
            if (d != null) {
                extra.put(name, d * scales.getOrDefault(name, 1.0));
            }
        });
        b.setExtraMetrics(extra);
        return b;
    }

    private static void set(QueueStat record, String field, Object value) {
        // Avro's put by field name: FIELDS names schema fields only, each with the value type the schema wants.
        record.put(field, value);
    }

    /** For messages: the fields this mapping fills. */
    @Override
    public String toString() {
        return new TreeSet<>(fields.keySet()).toString();
    }
}
