package io.switchboard.poll.vendor.internal;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.List;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.vertx.core.Future;

/**
 * {@code genesys.conversation-aggregates}: {@code POST /api/v2/analytics/conversations/aggregates/query} grouped by
 * queue and media type over the intervals of an {@link IntervalPlan}: the last {@code refetchClosedIntervals}
 * (default 2) closed intervals, the open one ({@code includeOpenInterval}, default true) and any backfill after an
 * outage, cut into queries of at most {@code maxIntervalsPerRequest} (default 96) intervals and
 * {@code maxQueuesPerRequest} (default 100) queues. Parameters also: {@code granularity} (default PT15M),
 * {@code timeZone} (default UTC). A job without queues asks for every queue (no queue filter).
 */
public final class GenesysAggregatesAdapter implements EndpointAdapter {

    static final String PATH = "/api/v2/analytics/conversations/aggregates/query";
    static final String PERMISSION = "analytics:conversationAggregate:view";
    public static final List<String> DEFAULT_METRICS = List.of("nOffered", "nOverSla", "tAnswered", "tAbandon", "tHandle",
            "tWait", "oServiceLevel");

    @Override
    public Future<Void> poll(PollScope scope) {
        String api = Urls.apiBase(scope.token());
        Duration granularity = duration(scope.param("granularity", "PT15M"));
        IntervalPlan plan = IntervalPlan.of(scope.now(), granularity, scope.intParam("refetchClosedIntervals", 2, 1, 1000),
                !"false".equalsIgnoreCase(scope.param("includeOpenInterval", "true")),
                scope.request().lastClosedIntervalEnd(), scope.request().lookBack());
        List<IntervalPlan.Range> ranges = plan.chunks(scope.intParam("maxIntervalsPerRequest", 96, 1, 1000));
        int perRequest = scope.intParam("maxQueuesPerRequest", 100, 1, 10_000);
        List<String> metrics = scope.job().getMetrics().isEmpty() ? DEFAULT_METRICS : List.copyOf(scope.job().getMetrics());
        List<List<String>> queueBatches = scope.job().getQueueIds().isEmpty() ? List.of(List.of())
                : Batches.split(List.copyOf(scope.job().getQueueIds()), perRequest);
        String timeZone = scope.param("timeZone", "UTC");
        boolean[] succeeded = new boolean[ranges.size()];
        java.util.Arrays.fill(succeeded, true);
        record Work(int range, List<String> queues) {
        }
        List<Work> work = new java.util.ArrayList<>();
        for (int i = 0; i < ranges.size(); i++) {
            for (List<String> q : queueBatches) {
                work.add(new Work(i, q));
            }
        }
        return Batches.run(work, scope.intParam("parallelRequests", 4, 1, 64), w -> {
            String body = body(ranges.get(w.range()), granularity, timeZone, w.queues(), metrics);
            CallSpec spec = CallSpec.postJson(Urls.join(api, PATH), body, "POST " + PATH, PERMISSION);
            return scope.call(spec).map(result -> {
                boolean ok = scope.okOrRecord(result);
                if (ok) {
                    CallResult.Ok answer = (CallResult.Ok) result;
                    try {
                        scope.addAll(GenesysObservationsAdapter.named(scope, GenesysAggregateMapper.map(answer.json(),
                                scope.base(answer.answer()))));
                    } catch (RuntimeException e) {
                        scope.mappingError(spec, answer, e);
                        ok = false;
                    }
                }
                if (!ok) {
                    synchronized (succeeded) {
                        succeeded[w.range()] = false;
                    }
                }
                return null;
            });
        }).map(v -> {
            synchronized (succeeded) {
                scope.closedIntervalEnd(plan.progress(ranges, succeeded));
            }
            return null;
        });
    }

    static Duration duration(String text) {
        try {
            return Duration.parse(text);
        } catch (DateTimeParseException e) {
            throw new PollScope.ConfigurationProblem("granularity '" + text + "' is not an ISO-8601 duration such as PT15M");
        }
    }

    static String body(IntervalPlan.Range range, Duration granularity, String timeZone, List<String> queueIds, List<String> metrics) {
        ObjectNode body = VendorCalls.JSON.createObjectNode();
        body.put("interval", range.iso());
        body.put("granularity", granularity.toString());
        body.put("timeZone", timeZone);
        body.putArray("groupBy").add("queueId").add("mediaType");
        if (!queueIds.isEmpty()) {
            ObjectNode filter = body.putObject("filter").put("type", "or");
            ArrayNode preds = filter.putArray("predicates");
            queueIds.forEach(id -> preds.addObject().put("dimension", "queueId").put("value", id));
        }
        ArrayNode ms = body.putArray("metrics");
        metrics.forEach(ms::add);
        return body.toString();
    }
}
