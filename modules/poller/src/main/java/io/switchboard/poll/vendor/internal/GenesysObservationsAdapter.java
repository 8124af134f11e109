package io.switchboard.poll.vendor.internal;

import java.util.List;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.switchboard.poll.QueueDiscovery.DiscoveredQueue;
import io.vertx.core.Future;

/**
 * {@code genesys.queue-observations}: {@code POST /api/v2/analytics/queues/observations/query} for the job's queues,
 * at most {@code maxQueuesPerRequest} (default 100) queue predicates per request; a job without queues polls every
 * queue of {@code GET /api/v2/routing/queues}. Parameters: {@code maxQueuesPerRequest}, {@code parallelRequests}
 * (default 4), {@code mediaTypes} (comma-separated filter). Records carry {@code queueName} when a queue listing of the
 * credential (discovery, or the job's own when it names no queues) has named the queue.
 */
public final class GenesysObservationsAdapter implements EndpointAdapter {

    static final String PATH = "/api/v2/analytics/queues/observations/query";
    static final String PERMISSION = "analytics:queueObservation:view";
    /** Asked for when the job names no metrics. */
    public static final List<String> DEFAULT_METRICS = List.of("oWaiting", "oInteracting", "oAlerting", "oLongestWaiting",
            "oLongestInteracting", "oOnQueueUsers", "oOffQueueUsers", "oActiveUsers", "oMemberUsers", "oUserRoutingStatuses");

    @Override
    public Future<Void> poll(PollScope scope) {
        String api = Urls.apiBase(scope.token());
        int perRequest = scope.intParam("maxQueuesPerRequest", 100, 1, 10_000);
        int parallel = scope.intParam("parallelRequests", 4, 1, 64);
        List<String> metrics = scope.job().getMetrics().isEmpty() ? DEFAULT_METRICS : List.copyOf(scope.job().getMetrics());
        List<String> mediaTypes = csv(scope.param("mediaTypes", null));
        Future<List<String>> queueIds = scope.job().getQueueIds().isEmpty()
                ? GenesysQueueList.fetch(scope.calls(), scope.caller(), api, 500).map(list -> list.stream().map(DiscoveredQueue::id).toList())
                : Future.succeededFuture(List.copyOf(scope.job().getQueueIds()));
        return queueIds.recover(e -> {
            if (e instanceof CallFailure f) {
                scope.error(f.error());
                return Future.succeededFuture(List.of());
            }
            return Future.failedFuture(e);
        }).compose(ids -> Batches.run(Batches.split(ids, perRequest), parallel, batch -> {
            CallSpec spec = CallSpec.postJson(Urls.join(api, PATH), body(batch, metrics, mediaTypes), "POST " + PATH, PERMISSION)
                    .withRawJson();
            return scope.call(spec).map(result -> {
                if (scope.okOrRecord(result)) {
                    CallResult.Ok ok = (CallResult.Ok) result;
                    // Streamed from the body's bytes: no JSON tree (see docs/poller.md, "Vendor mappings").
                    try (com.fasterxml.jackson.core.JsonParser p = VendorCalls.parser(ok.answer().body())) {
                        scope.addAll(named(scope, GenesysObservationMapper.map(p, scope.base(ok.answer()), metrics)));
                    } catch (java.io.IOException e) {
                        scope.okOrRecord(scope.calls().malformed(scope.caller(), spec, ok, e));
                    } catch (RuntimeException e) {
                        scope.mappingError(spec, ok, e);
                    }
                }
                return null;
            });
        }));
    }

    /**
     * Sets {@code queueName} from the credential's latest queue listing (discovery, or this job's own listing when it
     * names no queues); Genesys's observation answer carries ids only. Stays null for a queue no listing named yet.
     */
    static List<io.switchboard.events.poll.QueueStat> named(PollScope scope, List<io.switchboard.events.poll.QueueStat> stats) {
        String credential = scope.job().getCredentialId();
        for (io.switchboard.events.poll.QueueStat s : stats) {
            if (s.getQueueName() == null) {
                s.setQueueName(scope.calls().queueName(credential, s.getQueueId()));
            }
        }
        return stats;
    }

    static String body(List<String> queueIds, List<String> metrics, List<String> mediaTypes) {
        ObjectNode body = VendorCalls.JSON.createObjectNode();
        ObjectNode filter = body.putObject("filter");
        if (mediaTypes.isEmpty()) {
            filter.put("type", "or");
            predicates(filter.putArray("predicates"), "queueId", queueIds);
        } else {
            filter.put("type", "and");
            ArrayNode clauses = filter.putArray("clauses");
            ObjectNode q = clauses.addObject().put("type", "or");
            predicates(q.putArray("predicates"), "queueId", queueIds);
            ObjectNode m = clauses.addObject().put("type", "or");
            predicates(m.putArray("predicates"), "mediaType", mediaTypes);
        }
        ArrayNode ms = body.putArray("metrics");
        metrics.forEach(ms::add);
        return body.toString();
    }

    private static void predicates(ArrayNode preds, String dimension, List<String> values) {
        for (String v : values) {
            preds.addObject().put("dimension", dimension).put("value", v);
        }
    }

    static List<String> csv(String s) {
        if (s == null || s.isBlank()) {
            return List.of();
        }
        return java.util.Arrays.stream(s.split(",")).map(String::trim).filter(x -> !x.isEmpty()).toList();
    }
}
