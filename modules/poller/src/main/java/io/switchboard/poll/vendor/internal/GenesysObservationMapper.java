package io.switchboard.poll.vendor.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import io.switchboard.events.poll.QueueStat;

/**
 * Genesys {@code POST /api/v2/analytics/queues/observations/query} answer → {@link QueueStat}: one record per
 * (queue, media type) with the conversation metrics of that media type, and one all-media record per queue
 * ({@code mediaType} null) with the conversation metrics summed over media types (longest waiting: the maximum) and
 * the user metrics, which Genesys reports per queue only. See docs/poller.md, "Vendor mappings". Stateless.
 */
public final class GenesysObservationMapper {

    private GenesysObservationMapper() {
    }

    private static final class Acc {
        Long waiting;
        Long interacting;
        Long longestWaiting;
        boolean longestRequested;
        Long onQueue;
        Long available;
        Long routingIdle;
        Long loggedIn;
        final Map<String, Double> extra = new LinkedHashMap<>();

        void add(String name, double v) {
            extra.merge(name, v, Double::sum);
        }
    }

    private static final class QueueAcc {
        final Map<String, Acc> media = new LinkedHashMap<>();
        final Acc all = new Acc();
        boolean allMediaConversation;
        Long sequence;
    }

    /**
     * @param json             the answer
     * @param requestedMetrics the metrics asked for (to tell "nobody waits" from "not reported")
     */
    public static List<QueueStat> map(JsonNode json, StatBase base, List<String> requestedMetrics) {
        JsonNode results = json.path("results");
        if (results.isMissingNode() || results.isNull()) {
            return List.of(); // Genesys leaves "results" out when no queue matched
        }
        if (!results.isArray()) {
            throw new MappingException("\"results\" is a " + results.getNodeType().toString().toLowerCase() + ", not a list");
        }
        boolean longestRequested = requestedMetrics.contains("oLongestWaiting");
        Map<String, QueueAcc> queues = new LinkedHashMap<>();
        for (JsonNode result : results) {
            String queueId = JsonValues.asText(result.path("group").path("queueId"));
            if (queueId == null) {
                throw new MappingException("a result has no group.queueId");
            }
            String mediaType = JsonValues.asText(result.path("group").path("mediaType"));
            QueueAcc q = queues.computeIfAbsent(queueId, k -> new QueueAcc());
            Long seq = JsonValues.asLong(result.get("simSequence"));
            if (seq != null) {
                q.sequence = seq;
            }
            Acc acc = mediaType == null ? q.all : q.media.computeIfAbsent(mediaType, k -> new Acc());
            acc.longestRequested = longestRequested;
            JsonNode data = result.path("data");
            if (!data.isArray()) {
                continue;
            }
            for (JsonNode d : data) {
                String metric = JsonValues.asText(d.get("metric"));
                if (metric == null) {
                    continue;
                }
                String qualifier = JsonValues.asText(d.get("qualifier"));
                JsonNode stats = d.path("stats");
                Long value = JsonValues.asLong(stats.has("count") ? stats.get("count") : stats.get("calculatedMetricValue"));
                if (value == null) {
                    value = JsonValues.asLong(stats.get("max"));
                }
                if (value == null) {
                    continue;
                }
                if (mediaType == null && isConversationMetric(metric)) {
                    q.allMediaConversation = true;
                }
                apply(acc, metric, qualifier, value);
            }
        }
        List<QueueStat> out = new ArrayList<>();
        queues.forEach((queueId, q) -> {
            Acc all = q.all;
            if (!q.allMediaConversation) {
                for (Acc m : q.media.values()) {
                    all.waiting = sum(all.waiting, m.waiting);
                    all.interacting = sum(all.interacting, m.interacting);
                    all.longestWaiting = max(all.longestWaiting, m.longestWaiting);
                    for (Map.Entry<String, Double> e : m.extra.entrySet()) {
                        if (e.getKey().equals("oAlerting") || e.getKey().equals("oLongestInteracting")) {
                            if (e.getKey().equals("oAlerting")) {
                                all.add(e.getKey(), e.getValue());
                            } else {
                                all.extra.merge(e.getKey(), e.getValue(), Math::max);
                            }
                        }
                    }
                }
            }
            q.media.forEach((type, m) -> out.add(record(base, queueId, type, m, q.sequence)));
            out.add(record(base, queueId, null, all, q.sequence));
        });
        return out;
    }

    private static boolean isConversationMetric(String metric) {
        return metric.equals("oWaiting") || metric.equals("oInteracting") || metric.equals("oAlerting")
                || metric.equals("oLongestWaiting") || metric.equals("oLongestInteracting");
    }

    private static void apply(Acc acc, String metric, String qualifier, long value) {
        switch (metric) {
            case "oWaiting" -> acc.waiting = sum(acc.waiting, value);
            case "oInteracting" -> acc.interacting = sum(acc.interacting, value);
            case "oLongestWaiting" -> acc.longestWaiting = max(acc.longestWaiting, value);
            case "oAlerting" -> acc.add("oAlerting", value);
            case "oLongestInteracting" -> acc.extra.merge("oLongestInteracting", (double) value, Math::max);
            case "oOnQueueUsers" -> {
                acc.onQueue = sum(acc.onQueue, value);
                if ("IDLE".equals(qualifier)) {
                    acc.available = sum(acc.available, value);
                }
                if (qualifier != null) {
                    acc.add("oOnQueueUsers." + qualifier, value);
                }
            }
            case "oUserRoutingStatuses" -> {
                if ("IDLE".equals(qualifier)) {
                    acc.routingIdle = sum(acc.routingIdle, value);
                }
                acc.add(qualifier == null ? metric : metric + "." + qualifier, value);
            }
            case "oActiveUsers" -> acc.loggedIn = sum(acc.loggedIn, value);
            default -> acc.add(qualifier == null ? metric : metric + "." + qualifier, value);
        }
    }

    private static QueueStat record(StatBase base, String queueId, String mediaType, Acc a, Long sequence) {
        Long longest = a.longestWaiting;
        if (longest == null && a.longestRequested && a.waiting != null && a.waiting == 0) {
            longest = 0L; // Genesys leaves oLongestWaiting out when nobody waits
        }
        QueueStat.Builder b = base.builder(queueId).setMediaType(mediaType)
                .setWaiting(a.waiting)
                .setInteracting(a.interacting)
                .setLongestWaitingMs(longest)
                .setAgentsOnQueue(a.onQueue)
                .setAgentsAvailable(a.available != null ? a.available : a.routingIdle)
                .setAgentsLoggedIn(a.loggedIn);
        Map<String, Double> extra = new LinkedHashMap<>(a.extra);
        if (sequence != null) {
            extra.put("simSequence", (double) sequence);
        }
        b.setExtraMetrics(extra);
        return b.build();
    }

    static Long sum(Long a, Long b) {
        if (a == null) {
            return b;
        }
        return b == null ? a : Long.valueOf(a + b);
    }

    static Long max(Long a, Long b) {
        if (a == null) {
            return b;
        }
        return b == null ? a : Long.valueOf(Math.max(a, b));
    }
}
