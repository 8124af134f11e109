package io.switchboard.poll;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One entry of a credential's {@code poll:} section in {@code switchboard.yaml}: what to fetch from which endpoint and
 * how often. The {@link JobPlanner} turns it into one or more {@code PollJob}s, packing up to {@link #batchSize()}
 * queues into each.
 *
 * <pre>
 * credentials:
 *   - id: genesys-eu
 *     provider: genesys-cloud
 *     ...
 *     poll:
 *       - endpoint: genesys.queue-observations   # one of {@link Endpoints#ALL}
 *         name: live                            # optional, unique per credential; default: the endpoint
 *         interval: PT10S
 *         queueNames: ["Support*", "Sales"]     # glob patterns over discovered names; or queueIds: [...]; neither = all
 *         metrics: [oWaiting, oInteracting]
 *         batchSize: 100                        # queues per job (one vendor request); default per endpoint
 *         params: {granularity: PT15M}
 * </pre>
 *
 * Immutable.
 *
 * @param name       name of the entry, unique within the credential; part of the job ids
 * @param endpoint   endpoint kind, one of {@link Endpoints#ALL}
 * @param interval   time between two polls of each job
 * @param queueIds   explicit queue ids (possibly empty)
 * @param queueNames glob patterns ({@code *}, {@code ?}) matched against discovered queue names (possibly empty)
 * @param metrics    vendor metric names; empty = the endpoint's default set
 * @param batchSize  most queues per job; 0 = no limit (one job)
 * @param params     endpoint parameters, never secrets
 * @param enabled    whether the jobs are polled
 */
public record PollSpec(String name, String endpoint, Duration interval, List<String> queueIds, List<String> queueNames,
                       List<String> metrics, int batchSize, Map<String, String> params, boolean enabled) {

    /** Genesys observation and aggregate queries: queue predicates per request (VENDORS.md: 100, unconfirmed). */
    public static final int GENESYS_DEFAULT_BATCH = 100;
    /** CXone skill filters per request. */
    public static final int CXONE_DEFAULT_BATCH = 100;

    public PollSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(interval, "interval");
        queueIds = List.copyOf(queueIds);
        queueNames = List.copyOf(queueNames);
        metrics = List.copyOf(metrics);
        params = Map.copyOf(params);
    }

    /** The default batch size of {@code endpoint}: how many queues its vendor takes per request; 0 = no limit. */
    public static int defaultBatchSize(String endpoint) {
        if (endpoint.startsWith("genesys.")) {
            return GENESYS_DEFAULT_BATCH;
        }
        if (endpoint.startsWith("cxone.")) {
            return CXONE_DEFAULT_BATCH;
        }
        return 0;
    }

    /** Whether this entry selects every queue the endpoint returns (no ids, no name patterns). */
    public boolean selectsAll() {
        return queueIds.isEmpty() && queueNames.isEmpty();
    }

    /** Whether the planner needs the vendor's queue list: name patterns, or "all" on an endpoint that batches queues. */
    public boolean needsDiscovery() {
        return !queueNames.isEmpty() || (selectsAll() && batchSize > 0);
    }

    /** Whether {@code queueName} matches one of {@link #queueNames()} (case-sensitive globs). */
    public boolean matchesName(String queueName) {
        if (queueName == null) {
            return false;
        }
        for (String glob : queueNames) {
            if (globToRegex(glob).matcher(queueName).matches()) {
                return true;
            }
        }
        return false;
    }

    static Pattern globToRegex(String glob) {
        StringBuilder re = new StringBuilder();
        for (char c : glob.toCharArray()) {
            switch (c) {
                case '*' -> re.append(".*");
                case '?' -> re.append('.');
                default -> re.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(re.toString());
    }
}
