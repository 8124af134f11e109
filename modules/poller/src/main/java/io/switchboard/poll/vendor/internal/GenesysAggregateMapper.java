package io.switchboard.poll.vendor.internal;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import io.switchboard.events.poll.QueueStat;

/**
 * Genesys {@code POST /api/v2/analytics/conversations/aggregates/query} answer → one {@link QueueStat} per
 * (queue, media type, interval): offered = nOffered.count, answered = tAnswered.count, abandoned = tAbandon.count,
 * handle time = tHandle sum/count, wait (speed to answer) = tAnswered sum/count, service level = oServiceLevel
 * numerator/denominator/ratio; every other metric as {@code <metric>.<stat>} extra metrics. See docs/poller.md.
 * Stateless.
 */
public final class GenesysAggregateMapper {

    private GenesysAggregateMapper() {
    }

    public static List<QueueStat> map(JsonNode json, StatBase base) {
        JsonNode results = json.path("results");
        if (results.isMissingNode() || results.isNull()) {
            return List.of(); // no conversations in the whole range
        }
        if (!results.isArray()) {
            throw new MappingException("\"results\" is a " + results.getNodeType().toString().toLowerCase() + ", not a list");
        }
        List<QueueStat> out = new ArrayList<>();
        for (JsonNode result : results) {
            String queueId = JsonValues.asText(result.path("group").path("queueId"));
            if (queueId == null) {
                throw new MappingException("a result has no group.queueId (the query must group by queueId)");
            }
            String mediaType = JsonValues.asText(result.path("group").path("mediaType"));
            for (JsonNode bucket : result.path("data")) {
                String interval = JsonValues.asText(bucket.get("interval"));
                int slash = interval == null ? -1 : interval.indexOf('/');
                Instant start = slash < 0 ? null : JsonValues.parseInstant(interval.substring(0, slash));
                Instant end = slash < 0 ? null : JsonValues.parseInstant(interval.substring(slash + 1));
                if (start == null || end == null) {
                    throw new MappingException("a data bucket of queue " + queueId + " has no readable interval: " + interval);
                }
                out.add(record(base, queueId, mediaType, start, end, bucket.path("metrics")));
            }
        }
        return out;
    }

    private static QueueStat record(StatBase base, String queueId, String mediaType, Instant start, Instant end, JsonNode metrics) {
        QueueStat.Builder b = base.builder(queueId).setMediaType(mediaType).setIntervalStart(start).setIntervalEnd(end)
                .setObservedAt(end.isAfter(base.observedAt()) ? base.observedAt() : end);
        Map<String, Double> extra = new LinkedHashMap<>();
        for (JsonNode m : metrics) {
            String metric = JsonValues.asText(m.get("metric"));
            JsonNode stats = m.path("stats");
            if (metric == null) {
                continue;
            }
            switch (metric) {
                case "nOffered" -> b.setOffered(JsonValues.asLong(stats.get("count")));
                case "tAnswered" -> {
                    b.setAnswered(JsonValues.asLong(stats.get("count")));
                    b.setWaitTimeSumMs(JsonValues.asLong(stats.get("sum")));
                    b.setWaitTimeCount(JsonValues.asLong(stats.get("count")));
                }
                case "tAbandon" -> {
                    b.setAbandoned(JsonValues.asLong(stats.get("count")));
                    putStats(extra, metric, stats, "sum");
                }
                case "tHandle" -> {
                    b.setHandleTimeSumMs(JsonValues.asLong(stats.get("sum")));
                    b.setHandleTimeCount(JsonValues.asLong(stats.get("count")));
                }
                case "oServiceLevel" -> {
                    b.setServiceLevelNumerator(JsonValues.asLong(stats.get("numerator")));
                    b.setServiceLevelDenominator(JsonValues.asLong(stats.get("denominator")));
                    Double ratio = JsonValues.asDouble(stats.get("ratio"));
                    b.setServiceLevelPercent(ratio == null ? null : ratio * 100.0);
                    Double target = JsonValues.asDouble(stats.get("target"));
                    if (target != null) {
                        extra.put("oServiceLevel.target", target);
                    }
                }
                default -> putStats(extra, metric, stats, null);
            }
        }
        if (metrics.isArray()) {
            for (JsonNode m : metrics) {
                if ("tAnswered".equals(JsonValues.asText(m.get("metric")))) {
                    Double max = JsonValues.asDouble(m.path("stats").get("max"));
                    if (max != null) {
                        extra.put("tAnswered.max", max);
                    }
                }
            }
        }
        b.setExtraMetrics(extra);
        return b.build();
    }

    /** Every numeric stat of a metric as {@code metric.stat} (only {@code only} when given). */
    private static void putStats(Map<String, Double> extra, String metric, JsonNode stats, String only) {
        for (Iterator<Map.Entry<String, JsonNode>> it = stats.properties().iterator(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (only != null && !only.equals(e.getKey())) {
                continue;
            }
            Double v = JsonValues.asDouble(e.getValue());
            if (v != null) {
                extra.put(metric + "." + e.getKey(), v);
            }
        }
    }
}
