package io.switchboard.poll.vendor.internal;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

import io.switchboard.poll.QueueDiscovery.DiscoveredQueue;
import io.vertx.core.Future;

/**
 * Genesys {@code GET /api/v2/routing/queues}, every page ({@code pageSize} up to 500, until {@code pageCount}):
 * the queues a credential can see, for discovery and for observation jobs that name no queues.
 */
public final class GenesysQueueList {

    static final String PATH = "/api/v2/routing/queues";
    static final String PERMISSION = "routing:queue:view";
    private static final int MAX_PAGES = 10_000;

    private GenesysQueueList() {
    }

    /**
     * Every queue; fails with a {@link CallFailure} naming the vendor's answer. A complete listing's names are remembered
     * ({@link VendorCalls#rememberQueueNames}) for the records' {@code queueName}.
     */
    public static Future<List<DiscoveredQueue>> fetch(VendorCalls calls, VendorCalls.Caller caller, String apiBase, int pageSize) {
        List<DiscoveredQueue> out = new ArrayList<>();
        return page(calls, caller, apiBase, pageSize, 1, out).map(v -> {
            calls.rememberQueueNames(caller.credentialId(), out);
            return out;
        });
    }

    private static Future<Void> page(VendorCalls calls, VendorCalls.Caller caller, String apiBase, int pageSize, int number,
                                     List<DiscoveredQueue> out) {
        String url = Urls.join(apiBase, PATH) + "?pageSize=" + pageSize + "&pageNumber=" + number;
        CallSpec spec = CallSpec.get(url, "GET " + PATH, PERMISSION);
        return calls.call(caller, spec).compose(result -> {
            if (result instanceof CallResult.Failed f) {
                return Future.failedFuture(new CallFailure(f.error()));
            }
            JsonNode json = ((CallResult.Ok) result).json();
            JsonNode entities = json.path("entities");
            if (!entities.isArray()) {
                return Future.failedFuture(new MappingException("Genesys answered GET " + PATH + " page " + number
                        + " without an \"entities\" list"));
            }
            for (JsonNode e : entities) {
                String id = JsonValues.asText(e.get("id"));
                if (id != null) {
                    out.add(new DiscoveredQueue(id, JsonValues.asText(e.get("name")), singleMediaType(e)));
                }
            }
            Long pageCount = JsonValues.asLong(json.get("pageCount"));
            boolean more = pageCount != null ? number < pageCount : JsonValues.asText(json.get("nextUri")) != null;
            if (more && !entities.isEmpty() && number < MAX_PAGES) {
                return page(calls, caller, apiBase, pageSize, number + 1, out);
            }
            return Future.succeededFuture();
        });
    }

    /** The queue's media type when it routes exactly one ({@code mediaTypes} list, or the keys of {@code mediaSettings}). */
    private static String singleMediaType(JsonNode queue) {
        List<String> types = new ArrayList<>();
        JsonNode list = queue.path("mediaTypes");
        if (list.isArray()) {
            list.forEach(t -> types.add(t.asText()));
        } else if (queue.path("mediaSettings").isObject()) {
            for (Iterator<String> it = queue.path("mediaSettings").fieldNames(); it.hasNext(); ) {
                types.add(it.next());
            }
        }
        return types.size() == 1 ? types.get(0) : null;
    }
}
