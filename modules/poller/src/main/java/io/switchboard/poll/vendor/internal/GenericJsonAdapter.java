package io.switchboard.poll.vendor.internal;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;

import io.switchboard.events.poll.QueueStat;
import io.switchboard.token.TokenView;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;

/**
 * {@code generic.json}: any JSON API behind an OAuth2 / Auth0 token (e.g. Open Cosmos DataCosmos), mapped with JSON
 * Pointers. Parameters: {@code url} (absolute, or a path appended to the credential's API base URL), {@code method}
 * (GET or POST), {@code body} (JSON for POST), {@code items} (pointer to the list of items, default the root),
 * {@code field.<field>=<pointer within an item>} (see {@link FieldMapping}; {@code field.queueId} required),
 * {@code root.observedAt} (pointer to an answer-level time), {@code queueIdsParam} (query parameter that takes the
 * job's queue ids, comma-separated; else they filter the items). Pagination: {@code pagination=next-link} follows
 * {@code nextLink} (pointer, default {@code /next}; relative links are appended to the API base URL), {@code
 * pagination=page-number} counts {@code pageParam} (default {@code page}) from {@code firstPage} (default 1), with
 * {@code pageSizeParam}/{@code pageSize}, until a page is empty or short, or {@code pageCount} (pointer) is reached;
 * at most {@code maxPages} (default 50) pages.
 */
public final class GenericJsonAdapter implements EndpointAdapter {

    @Override
    public Future<Void> poll(PollScope scope) {
        Plan plan = Plan.of(scope.token(), scope.job().getParams(), scope.job().getQueueIds());
        return page(scope, plan, plan.firstUrl(), 1, plan.firstPage);
    }

    private Future<Void> page(PollScope scope, Plan plan, String url, int pageIndex, int pageNumber) {
        CallSpec spec = plan.spec(url);
        return scope.call(spec).compose(result -> {
            if (!scope.okOrRecord(result)) {
                return Future.succeededFuture();
            }
            CallResult.Ok ok = (CallResult.Ok) result;
            List<JsonNode> items;
            try {
                items = plan.items(ok.json());
                StatBase base = scope.base(ok.answer());
                Instant rootTime = plan.rootObservedAt == null ? null : JsonValues.asInstant(ok.json().at(plan.rootObservedAt));
                List<QueueStat> out = new ArrayList<>();
                for (JsonNode item : items) {
                    String id = plan.mapping.queueId(item);
                    if (id != null && plan.keep(id)) {
                        out.add(plan.mapping.map(item, base, rootTime));
                    }
                }
                scope.addAll(out);
            } catch (RuntimeException e) {
                scope.mappingError(spec, ok, e);
                return Future.succeededFuture();
            }
            String next = plan.next(ok.json(), items.size(), pageNumber);
            if (next == null) {
                return Future.succeededFuture();
            }
            if (pageIndex >= plan.maxPages) {
                scope.configurationError("stopped after maxPages=" + plan.maxPages + " pages; raise maxPages if the list is longer");
                return Future.succeededFuture();
            }
            return page(scope, plan, next, pageIndex + 1, pageNumber + 1);
        });
    }

    /** The parsed parameters of a generic job; also used by discovery. */
    static final class Plan {
        final String apiBase;
        final String url;
        final HttpMethod method;
        final String body;
        final JsonPointer items;
        final FieldMapping mapping;
        final JsonPointer rootObservedAt;
        final String pagination;
        final JsonPointer nextLink;
        final String pageParam;
        final int firstPage;
        final String pageSizeParam;
        final Integer pageSize;
        final JsonPointer pageCount;
        final int maxPages;
        final String queueIdsParam;
        final Set<String> queueIds;

        private Plan(TokenView token, Map<String, String> p, List<String> queueIds) {
            String u = p.get("url");
            if (u == null || u.isBlank()) {
                throw new PollScope.ConfigurationProblem("job parameter url is required: the API URL, or a path under the"
                        + " credential's apiBaseUrl, e.g. /api/v1/queues/stats");
            }
            this.apiBase = u.startsWith("http://") || u.startsWith("https://") ? null : Urls.apiBase(token);
            this.url = apiBase == null ? u.trim() : Urls.join(apiBase, u.trim());
            String m = p.getOrDefault("method", "GET").toUpperCase(java.util.Locale.ROOT);
            if (!m.equals("GET") && !m.equals("POST")) {
                throw new PollScope.ConfigurationProblem("job parameter method=" + m + " must be GET or POST");
            }
            this.method = HttpMethod.valueOf(m);
            this.body = p.get("body");
            if (body != null) {
                try {
                    VendorCalls.JSON.readTree(body);
                } catch (java.io.IOException e) {
                    throw new PollScope.ConfigurationProblem("job parameter body is not JSON: " + e.getMessage());
                }
            }
            this.items = pointer("items", p.getOrDefault("items", ""));
            this.mapping = FieldMapping.from(p, "field.", s -> {
                JsonPointer ptr = pointer("field", s);
                return item -> item.at(ptr);
            }, "/id");
            this.rootObservedAt = p.containsKey("root.observedAt") ? pointer("root.observedAt", p.get("root.observedAt")) : null;
            this.pagination = p.getOrDefault("pagination", "none");
            if (!List.of("none", "next-link", "page-number").contains(pagination)) {
                throw new PollScope.ConfigurationProblem("job parameter pagination=" + pagination + " must be none, next-link or page-number");
            }
            this.nextLink = pointer("nextLink", p.getOrDefault("nextLink", "/next"));
            this.pageParam = p.getOrDefault("pageParam", "page");
            this.firstPage = integer(p, "firstPage", 1);
            this.pageSizeParam = p.get("pageSizeParam");
            this.pageSize = p.containsKey("pageSize") ? integer(p, "pageSize", 0) : null;
            this.pageCount = p.containsKey("pageCount") ? pointer("pageCount", p.get("pageCount")) : null;
            this.maxPages = integer(p, "maxPages", 50);
            this.queueIdsParam = p.get("queueIdsParam");
            this.queueIds = new LinkedHashSet<>(queueIds);
        }

        static Plan of(TokenView token, Map<String, String> params, List<String> queueIds) {
            return new Plan(token, params, queueIds);
        }

        private static JsonPointer pointer(String key, String text) {
            try {
                return JsonPointer.compile(text.trim());
            } catch (IllegalArgumentException e) {
                throw new PollScope.ConfigurationProblem("job parameter " + key + "='" + text + "' is not a JSON Pointer (RFC 6901),"
                        + " e.g. /queues or /stats/waiting");
            }
        }

        private static int integer(Map<String, String> p, String key, int fallback) {
            String v = p.get(key);
            if (v == null) {
                return fallback;
            }
            try {
                return Integer.parseInt(v.trim());
            } catch (NumberFormatException e) {
                throw new PollScope.ConfigurationProblem("job parameter " + key + "=" + v + " must be a whole number");
            }
        }

        boolean keep(String id) {
            return queueIds.isEmpty() || queueIdsParam != null || queueIds.contains(id);
        }

        String firstUrl() {
            return pageUrl(firstPage);
        }

        private String pageUrl(int page) {
            List<String> query = new ArrayList<>();
            if (queueIdsParam != null && !queueIds.isEmpty()) {
                query.add(Urls.encode(queueIdsParam) + "=" + Urls.encode(String.join(",", queueIds)));
            }
            if (pagination.equals("page-number")) {
                query.add(Urls.encode(pageParam) + "=" + page);
                if (pageSizeParam != null && pageSize != null) {
                    query.add(Urls.encode(pageSizeParam) + "=" + pageSize);
                }
            }
            return withQuery(url, query);
        }

        private static String withQuery(String url, List<String> query) {
            if (query.isEmpty()) {
                return url;
            }
            return url + (url.contains("?") ? "&" : "?") + String.join("&", query);
        }

        CallSpec spec(String pageUrl) {
            String label = method.name() + " " + Urls.path(pageUrl);
            if (method == HttpMethod.POST) {
                return new CallSpec(HttpMethod.POST, pageUrl, Map.of("Content-Type", "application/json"),
                        Buffer.buffer(body == null ? "{}" : body), label, null);
            }
            return CallSpec.get(pageUrl, label, null);
        }

        List<JsonNode> items(JsonNode json) {
            JsonNode list = json.at(items);
            if (list.isMissingNode() || list.isNull()) {
                throw new MappingException("no item list at " + (items.toString().isEmpty() ? "the root" : items));
            }
            if (!list.isArray()) {
                throw new MappingException("the value at " + (items.toString().isEmpty() ? "the root" : items) + " is not a list");
            }
            List<JsonNode> out = new ArrayList<>();
            list.forEach(out::add);
            return out;
        }

        /** The next page's URL, or {@code null} when this was the last. */
        String next(JsonNode json, int itemCount, int pageNumber) {
            switch (pagination) {
                case "next-link": {
                    String link = JsonValues.asText(json.at(nextLink));
                    if (link == null) {
                        return null;
                    }
                    if (link.startsWith("http://") || link.startsWith("https://")) {
                        return link;
                    }
                    String base = apiBase != null ? apiBase : origin(url);
                    return Urls.join(base, link);
                }
                case "page-number": {
                    if (itemCount == 0 || (pageSize != null && itemCount < pageSize)) {
                        return null;
                    }
                    if (pageCount != null) {
                        Long count = JsonValues.asLong(json.at(pageCount));
                        if (count != null && pageNumber - firstPage + 1 >= count) {
                            return null;
                        }
                    }
                    return pageUrl(pageNumber + 1);
                }
                default:
                    return null;
            }
        }

        private static String origin(String url) {
            java.net.URI u = java.net.URI.create(url);
            return u.getScheme() + "://" + u.getRawAuthority();
        }
    }

    /** For discovery: every item's id and name, following the same pagination. */
    static Function<JsonNode, String[]> idAndName(Plan plan) {
        return item -> new String[]{plan.mapping.queueId(item), plan.mapping.queueName(item)};
    }
}
