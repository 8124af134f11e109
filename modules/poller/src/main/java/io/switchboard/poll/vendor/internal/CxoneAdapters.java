package io.switchboard.poll.vendor.internal;

import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import io.vertx.core.Future;

/**
 * NICE CXone skills, against the tenant's API host that the token record carries (discovered at login from the
 * tenant's area) and the API path of its metadata ({@code apiPath}, e.g. {@code /inContactAPI/services/v31.0}; job
 * parameter {@code apiPath} overrides it). A job's queue ids are skill ids, sent as {@code skills=} and also filtered
 * on the answer.
 */
public final class CxoneAdapters {

    static final String DEFAULT_API_PATH = "/inContactAPI/services/v31.0";

    private CxoneAdapters() {
    }

    static String servicesBase(PollScope scope) {
        return servicesBase(scope.token(), scope.param("apiPath", null));
    }

    static String servicesBase(io.switchboard.token.TokenView token, String apiPathParam) {
        String path = apiPathParam != null ? apiPathParam : token.metadata().getOrDefault("apiPath", DEFAULT_API_PATH);
        return Urls.join(Urls.apiBase(token), path);
    }

    static String skillsQuery(List<String> skills) {
        return skills.isEmpty() ? "" : "skills=" + Urls.encode(String.join(",", skills));
    }

    /** {@code cxone.skills-activity}: {@code GET …/skills/activity}, at most {@code maxQueuesPerRequest} (100) skills each. */
    public static final class Activity implements EndpointAdapter {
        @Override
        public Future<Void> poll(PollScope scope) {
            String base = servicesBase(scope);
            List<String> skills = List.copyOf(scope.job().getQueueIds());
            Set<String> only = new LinkedHashSet<>(skills);
            List<List<String>> batches = skills.isEmpty() ? List.of(List.of())
                    : Batches.split(skills, scope.intParam("maxQueuesPerRequest", 100, 1, 10_000));
            return Batches.run(batches, scope.intParam("parallelRequests", 4, 1, 64), batch -> {
                String q = skillsQuery(batch);
                CallSpec spec = CallSpec.get(base + "/skills/activity" + (q.isEmpty() ? "" : "?" + q),
                        "GET " + Urls.path(base) + "/skills/activity", "RealTimeApi");
                return scope.call(spec).map(result -> {
                    if (scope.okOrRecord(result)) {
                        CallResult.Ok ok = (CallResult.Ok) result;
                        try {
                            scope.addAll(CxoneMapper.activity(ok.json(), scope.base(ok.answer()), only));
                        } catch (RuntimeException e) {
                            scope.mappingError(spec, ok, e);
                        }
                    }
                    return null;
                });
            });
        }
    }

    /**
     * {@code cxone.skills-summary}: {@code GET …/skills/summary?startDate=&endDate=}, one request per interval of the
     * {@link IntervalPlan} (granularity default PT15M, {@code refetchClosedIntervals} default 2, open interval
     * included, backfill within the look-back), so each answer is one interval's totals.
     */
    public static final class Summary implements EndpointAdapter {
        @Override
        public Future<Void> poll(PollScope scope) {
            String base = servicesBase(scope);
            Duration granularity = GenesysAggregatesAdapter.duration(scope.param("granularity", "PT15M"));
            IntervalPlan plan = IntervalPlan.of(scope.now(), granularity, scope.intParam("refetchClosedIntervals", 2, 1, 1000),
                    !"false".equalsIgnoreCase(scope.param("includeOpenInterval", "true")),
                    scope.request().lastClosedIntervalEnd(), scope.request().lookBack());
            List<IntervalPlan.Range> ranges = plan.chunks(1);
            List<String> skills = List.copyOf(scope.job().getQueueIds());
            Set<String> only = new LinkedHashSet<>(skills);
            boolean[] succeeded = new boolean[ranges.size()];
            List<Integer> indexes = new java.util.ArrayList<>();
            for (int i = 0; i < ranges.size(); i++) {
                indexes.add(i);
            }
            String q = skillsQuery(skills);
            return Batches.run(indexes, scope.intParam("parallelRequests", 4, 1, 64), i -> {
                IntervalPlan.Range r = ranges.get(i);
                String url = base + "/skills/summary?startDate=" + Urls.encode(r.start().toString()) + "&endDate="
                        + Urls.encode(r.end().toString()) + (q.isEmpty() ? "" : "&" + q);
                CallSpec spec = CallSpec.get(url, "GET " + Urls.path(base) + "/skills/summary", "ReportingApi");
                return scope.call(spec).map(result -> {
                    boolean ok = scope.okOrRecord(result);
                    if (ok) {
                        CallResult.Ok answer = (CallResult.Ok) result;
                        try {
                            scope.addAll(CxoneMapper.summary(answer.json(), scope.base(answer.answer()), r.start(), r.end(), only));
                        } catch (RuntimeException e) {
                            scope.mappingError(spec, answer, e);
                            ok = false;
                        }
                    }
                    synchronized (succeeded) {
                        succeeded[i] = ok;
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
    }
}
