package io.switchboard.poll.vendor.internal;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonParser;
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

    private static final String ALERTING = "oAlerting";
    private static final String LONGEST_INTERACTING = "oLongestInteracting";
    private static final String SIM_SEQUENCE = "simSequence";
    /** {@code metric.qualifier} keys of extraMetrics, built once per pair (bounded: vendor qualifiers are open-ended). */
    private static final java.util.concurrent.ConcurrentHashMap<String, java.util.concurrent.ConcurrentHashMap<String, String>> KEYS =
            new java.util.concurrent.ConcurrentHashMap<>();
    private static final int MAX_KEYS = 4096;
    private static final java.util.concurrent.atomic.AtomicInteger KEY_COUNT = new java.util.concurrent.atomic.AtomicInteger();

    static String key(String metric, String qualifier) {
        if (qualifier == null) {
            return metric;
        }
        java.util.concurrent.ConcurrentHashMap<String, String> byQualifier = KEYS.get(metric);
        String key = byQualifier == null ? null : byQualifier.get(qualifier);
        if (key != null) {
            return key;
        }
        key = metric + "." + qualifier;
        if (KEY_COUNT.get() < MAX_KEYS) {
            KEY_COUNT.incrementAndGet();
            KEYS.computeIfAbsent(metric, k -> new java.util.concurrent.ConcurrentHashMap<>()).putIfAbsent(qualifier, key);
        }
        return key;
    }

    static final class Acc {
        Long waiting;
        Long interacting;
        Long longestWaiting;
        boolean longestRequested;
        Long onQueue;
        Long available;
        Long routingIdle;
        Long loggedIn;
        /** Becomes the record's extraMetrics: names and primitive values, no boxing while they accumulate. */
        final MetricMap extra = new MetricMap();

        void add(String name, double v) {
            extra.add(name, v);
        }
    }

    static final class QueueAcc {
        final Map<String, Acc> media = new LinkedHashMap<>();
        final Acc all = new Acc();
        boolean allMediaConversation;
        Long sequence;
    }

    /**
     * Maps an answer read as a tree.
     *
     * @param json             the answer
     * @param requestedMetrics the metrics asked for (to tell "nobody waits" from "not reported")
     */
    public static List<QueueStat> map(JsonNode json, StatBase base, List<String> requestedMetrics) {
        JsonNode results = json.path("results");
        if (results.isMissingNode() || results.isNull()) {
            return List.of(); // Genesys leaves "results" out when no queue matched
        }
        if (!results.isArray()) {
            throw notAList(results.getNodeType().toString().toLowerCase());
        }
        Answer answer = new Answer(requestedMetrics.contains("oLongestWaiting"));
        for (JsonNode result : results) {
            String queueId = JsonValues.asText(result.path("group").path("queueId"));
            if (queueId == null) {
                throw noQueueId();
            }
            String mediaType = JsonValues.asText(result.path("group").path("mediaType"));
            QueueAcc q = answer.queue(queueId, JsonValues.asLong(result.get("simSequence")));
            Acc acc = answer.acc(q, mediaType);
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
                answer.datum(q, acc, mediaType == null, metric, qualifier, value);
            }
        }
        return answer.records(base);
    }

    /**
     * Maps an answer straight from its bytes with a streaming parser, building no tree: the same records, in the same
     * order, and the same {@link MappingException}s as {@link #map(JsonNode, StatBase, List)} over the tree of the same
     * body. A body that is not one complete JSON value is an {@link IOException} (a shape error of a body that is not
     * JSON either is the IOException), so the caller reports it as a tree parse would.
     */
    public static List<QueueStat> map(JsonParser p, StatBase base, List<String> requestedMetrics) throws IOException {
        GenesysObservationStream stream = new GenesysObservationStream(p, requestedMetrics.contains("oLongestWaiting"));
        Answer answer = stream.read();
        return answer == null ? List.of() : answer.records(base);
    }

    static MappingException notAList(String type) {
        return new MappingException("\"results\" is a " + type + ", not a list");
    }

    static MappingException noQueueId() {
        return new MappingException("a result has no group.queueId");
    }

    /** The queues of one answer as its results are read, then its records. Not thread-safe. */
    static final class Answer {
        private final boolean longestRequested;
        private final Map<String, QueueAcc> queues = new LinkedHashMap<>();

        Answer(boolean longestRequested) {
            this.longestRequested = longestRequested;
        }

        /** The queue of a result, taking the result's {@code simSequence} when it has one. */
        QueueAcc queue(String queueId, Long sequence) {
            QueueAcc q = queues.computeIfAbsent(queueId, k -> new QueueAcc());
            if (sequence != null) {
                q.sequence = sequence;
            }
            return q;
        }

        /** The accumulator of a result's media type (the all-media one when null). */
        Acc acc(QueueAcc q, String mediaType) {
            Acc acc = mediaType == null ? q.all : q.media.computeIfAbsent(mediaType, k -> new Acc());
            acc.longestRequested = longestRequested;
            return acc;
        }

        void datum(QueueAcc q, Acc acc, boolean allMedia, String metric, String qualifier, long value) {
            if (allMedia && isConversationMetric(metric)) {
                q.allMediaConversation = true;
            }
            apply(acc, metric, qualifier, value);
        }

        List<QueueStat> records(StatBase base) {
            List<QueueStat> out = new ArrayList<>(queues.size() * 2);
            queues.forEach((queueId, q) -> {
                Acc all = q.all;
                if (!q.allMediaConversation) {
                    for (Acc m : q.media.values()) {
                        all.waiting = sum(all.waiting, m.waiting);
                        all.interacting = sum(all.interacting, m.interacting);
                        all.longestWaiting = max(all.longestWaiting, m.longestWaiting);
                        for (int i = 0; i < m.extra.count(); i++) {
                            String key = m.extra.keyAt(i);
                            if (key.equals(ALERTING)) {
                                all.add(ALERTING, m.extra.valueAt(i));
                            } else if (key.equals(LONGEST_INTERACTING)) {
                                all.extra.max(LONGEST_INTERACTING, m.extra.valueAt(i));
                            }
                        }
                    }
                }
                q.media.forEach((type, m) -> out.add(record(base, queueId, type, m, q.sequence)));
                out.add(record(base, queueId, null, all, q.sequence));
            });
            return out;
        }
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
            case "oAlerting" -> acc.add(ALERTING, value);
            case "oLongestInteracting" -> acc.extra.max(LONGEST_INTERACTING, value);
            case "oOnQueueUsers" -> {
                acc.onQueue = sum(acc.onQueue, value);
                if ("IDLE".equals(qualifier)) {
                    acc.available = sum(acc.available, value);
                }
                if (qualifier != null) {
                    acc.add(key("oOnQueueUsers", qualifier), value);
                }
            }
            case "oUserRoutingStatuses" -> {
                if ("IDLE".equals(qualifier)) {
                    acc.routingIdle = sum(acc.routingIdle, value);
                }
                acc.add(key(metric, qualifier), value);
            }
            case "oActiveUsers" -> acc.loggedIn = sum(acc.loggedIn, value);
            default -> acc.add(key(metric, qualifier), value);
        }
    }

    private static QueueStat record(StatBase base, String queueId, String mediaType, Acc a, Long sequence) {
        Long longest = a.longestWaiting;
        if (longest == null && a.longestRequested && a.waiting != null && a.waiting == 0) {
            longest = 0L; // Genesys leaves oLongestWaiting out when nobody waits
        }
        QueueStat r = base.record(queueId);
        r.setMediaType(mediaType);
        r.setWaiting(a.waiting);
        r.setInteracting(a.interacting);
        r.setLongestWaitingMs(longest);
        r.setAgentsOnQueue(a.onQueue);
        r.setAgentsAvailable(a.available != null ? a.available : a.routingIdle);
        r.setAgentsLoggedIn(a.loggedIn);
        // The accumulator's own map: each accumulator makes one record, after the all-media sums have read it.
        MetricMap extra = a.extra;
        if (sequence != null) {
            extra.set(SIM_SEQUENCE, sequence);
        }
        r.setExtraMetrics(extra);
        return r;
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
