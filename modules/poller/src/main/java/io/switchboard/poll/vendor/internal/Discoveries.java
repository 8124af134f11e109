package io.switchboard.poll.vendor.internal;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.JsonNode;

import io.switchboard.poll.Endpoints;
import io.switchboard.poll.QueueDiscovery.DiscoveredQueue;
import io.switchboard.token.TokenView;
import io.vertx.core.Future;

/**
 * Queue discovery per endpoint kind, over the same calls (tokens, limiter, retries) as polling. Failures are
 * {@link CallFailure} (a vendor answer), {@link PollScope.ConfigurationProblem} or {@link MappingException}.
 */
public final class Discoveries {

    private static final Logger LOG = LoggerFactory.getLogger(Discoveries.class);

    private final VendorCalls calls;
    /** Credentials whose CXone skill list answered 404 (the fallback is logged once per credential). */
    private final Set<String> skillListMissing = ConcurrentHashMap.newKeySet();

    public Discoveries(VendorCalls calls) {
        this.calls = calls;
    }

    public Future<List<DiscoveredQueue>> discover(TokenView token, String endpoint, Map<String, String> params) {
        VendorCalls.Caller caller = VendorCalls.Caller.of(token.credentialId(), null);
        if (endpoint.startsWith("genesys.")) {
            int pageSize = intParam(params, "discoveryPageSize", 500);
            return GenesysQueueList.fetch(calls, caller, Urls.apiBase(token), pageSize);
        }
        if (endpoint.startsWith("cxone.")) {
            return cxoneSkills(caller, CxoneAdapters.servicesBase(token, params.get("apiPath")));
        }
        if (endpoint.equals(Endpoints.COGNOS_REPORT_DATA)) {
            FieldMapping mapping = CognosReportAdapter.mapping(params);
            CallSpec spec = CognosReportAdapter.spec(token, params);
            return calls.call(caller, spec).compose(r -> {
                JsonNode json = ok(r);
                Map<String, DiscoveredQueue> out = new LinkedHashMap<>();
                for (JsonNode row : CognosReportAdapter.rows(json, params.get("dataTable"))) {
                    add(out, mapping.queueId(row), mapping.queueName(row), mediaType(params, "column.mediaType", row, false));
                }
                return Future.succeededFuture(List.copyOf(out.values()));
            });
        }
        if (endpoint.equals(Endpoints.GENERIC_JSON)) {
            GenericJsonAdapter.Plan plan = GenericJsonAdapter.Plan.of(token, params, List.of());
            Map<String, DiscoveredQueue> out = new LinkedHashMap<>();
            return genericPage(caller, plan, plan.firstUrl(), 1, plan.firstPage, params, out).map(v -> List.copyOf(out.values()));
        }
        throw new PollScope.ConfigurationProblem("endpoint '" + endpoint + "' is not one this poller knows; use one of "
                + String.join(", ", Endpoints.ALL));
    }

    private Future<Void> genericPage(VendorCalls.Caller caller, GenericJsonAdapter.Plan plan, String url, int index, int page,
                                     Map<String, String> params, Map<String, DiscoveredQueue> out) {
        return calls.call(caller, plan.spec(url)).compose(r -> {
            JsonNode json = ok(r);
            List<JsonNode> items = plan.items(json);
            for (JsonNode item : items) {
                add(out, plan.mapping.queueId(item), plan.mapping.queueName(item), mediaType(params, "field.mediaType", item, true));
            }
            String next = plan.next(json, items.size(), page);
            if (next == null || index >= plan.maxPages) {
                return Future.succeededFuture();
            }
            return genericPage(caller, plan, next, index + 1, page + 1, params, out);
        });
    }

    private Future<List<DiscoveredQueue>> cxoneSkills(VendorCalls.Caller caller, String services) {
        CallSpec skills = CallSpec.get(services + "/skills", "GET " + Urls.path(services) + "/skills", "AdminApi");
        return calls.call(caller, skills).compose(r -> {
            if (r instanceof CallResult.Failed f && f.error().getHttpStatus() != null && f.error().getHttpStatus() == 404) {
                // Tenants (and the simulator) without the skill list: the activity answer names every skill. It costs
                // one more real-time request per discovery (the 404 is asked again each time: the list may appear).
                if (skillListMissing.add(caller.credentialId())) {
                    LOG.info("NICE CXone credential {}: {} answered 404 (no skill list on this tenant); queue discovery"
                            + " reads the skills of GET {}/skills/activity instead, one more real-time request per"
                            + " discovery (logged once)", caller.credentialId(), skills.label(), Urls.path(services));
                }
                CallSpec activity = CallSpec.get(services + "/skills/activity", "GET " + Urls.path(services) + "/skills/activity",
                        "RealTimeApi");
                return calls.call(caller, activity).map(a -> list(ok(a), "skillActivity"));
            }
            return Future.succeededFuture(list(ok(r), "skills"));
        });
    }

    private static List<DiscoveredQueue> list(JsonNode json, String field) {
        JsonNode items = json.path(field);
        if (items.isMissingNode() && json.path("resultSet").isObject()) {
            items = json.path("resultSet").path(field);
        }
        if (!items.isArray()) {
            throw new MappingException("NICE CXone answered without a \"" + field + "\" list");
        }
        Map<String, DiscoveredQueue> out = new LinkedHashMap<>();
        for (JsonNode s : items) {
            if (s.has("isActive") && !s.get("isActive").asBoolean(true)) {
                continue;
            }
            add(out, JsonValues.asText(s.get("skillId")), JsonValues.asText(s.get("skillName")), JsonValues.asText(s.get("mediaTypeName")));
        }
        return List.copyOf(out.values());
    }

    private static void add(Map<String, DiscoveredQueue> out, String id, String name, String mediaType) {
        if (id != null) {
            out.putIfAbsent(id, new DiscoveredQueue(id, name, mediaType));
        }
    }

    private static String mediaType(Map<String, String> params, String key, JsonNode item, boolean pointer) {
        String source = params.get(key);
        if (source == null) {
            return null;
        }
        return JsonValues.asText(pointer ? item.at(source) : item.get(source));
    }

    private static JsonNode ok(CallResult r) {
        if (r instanceof CallResult.Failed f) {
            throw new CallFailure(f.error());
        }
        return ((CallResult.Ok) r).json();
    }

    private static int intParam(Map<String, String> params, String key, int fallback) {
        String v = params.get(key);
        try {
            return v == null ? fallback : Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new PollScope.ConfigurationProblem("parameter " + key + "=" + v + " must be a whole number");
        }
    }
}
