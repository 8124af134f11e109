package io.switchboard.simulator.internal;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Flat per-queue rows, one JSON object per queue, under a vendor's column names: the queue statistics of the
 * Auth0-protected and generic protected APIs (input of the generic mapper) and the rows of the Cognos report.
 * Each row is a view of one {@link QueueSnapshot}, so both agree with every other vendor's shape.
 */
final class StatsJson {

    /**
     * Column names of a row shape, in output order; a null name leaves the column out.
     */
    record Columns(String id, String name, String time, String waiting, String interacting, String longestWaitSeconds,
                   String onQueue, String available, String offered, String answered, String abandoned, String serviceLevel,
                   String sequence) {
    }

    /** {@code GET .../queues/stats} of the Auth0-protected and generic RFC 6749 APIs. */
    static final Columns STATS = new Columns("id", "name", null, "waiting", "interacting", "longestWaitSeconds",
            "agentsOnQueue", "agentsAvailable", "offered", "answered", "abandoned", "serviceLevelPercent", "simSequence");
    /** Cognos report data rows (DataSetJSON). */
    static final Columns COGNOS = new Columns("Queue ID", "Queue", "Time", "Waiting", "Interacting", null,
            "Agents on queue", "Agents available", "Offered", "Answered", "Abandoned", "Service level", "Sequence");

    private StatsJson() {
    }

    /** {@code {"generatedAt":..,"queues":[rows]}} in the {@link #STATS} shape. */
    static String render(io.vertx.ext.web.RoutingContext ctx, SimState s, List<QueueModel> queues) {
        long now = s.clock.nowMillis();
        StringBuilder sb = new StringBuilder(128 + queues.size() * 320);
        sb.append("{\"generatedAt\":\"").append(Instant.ofEpochMilli(now)).append("\",\"queues\":");
        rows(ctx, sb, s, queues, now, STATS);
        return sb.append('}').toString();
    }

    /**
     * Appends {@code [row,...]}: observes each queue at {@code now} for the answer to {@code ctx} (each takes its next
     * sequence number, see {@link Http#observe}).
     */
    static void rows(io.vertx.ext.web.RoutingContext ctx, StringBuilder sb, SimState s, List<QueueModel> queues, long now, Columns c) {
        sb.append('[');
        boolean first = true;
        String time = Instant.ofEpochMilli(now).toString();
        for (QueueModel q : queues) {
            QueueSnapshot x = Http.observe(ctx, q, now);
            if (!first) {
                sb.append(',');
            }
            first = false;
            sb.append("{\"").append(c.id()).append("\":\"").append(q.spec.id())
                    .append("\",\"").append(c.name()).append("\":\"").append(q.spec.name()).append('"');
            if (c.time() != null) {
                sb.append(",\"").append(c.time()).append("\":\"").append(time).append('"');
            }
            number(sb, c.waiting(), x.waiting());
            number(sb, c.interacting(), x.interacting());
            if (c.longestWaitSeconds() != null) {
                number(sb, c.longestWaitSeconds(), x.longestWaitingMs() / 1000);
            }
            number(sb, c.onQueue(), x.onQueue());
            number(sb, c.available(), x.idle());
            number(sb, c.offered(), x.offered());
            number(sb, c.answered(), x.answered());
            number(sb, c.abandoned(), x.abandoned());
            number(sb, c.serviceLevel(), x.serviceLevelPercent());
            if (s.config.sequenceField()) {
                number(sb, c.sequence(), x.sequence());
            }
            sb.append('}');
        }
        sb.append(']');
    }

    private static void number(StringBuilder sb, String name, long value) {
        sb.append(",\"").append(name).append("\":").append(value);
    }

    /** Queues named by a comma-separated {@code queueIds} parameter, or all when absent; unknown ids are left out. */
    static List<QueueModel> select(SimState s, String queueIds) {
        return select(s, queueIds, s.queues::byId);
    }

    /**
     * The queues a comma-separated list names through {@code lookup} (null = unknown, left out as the vendors do),
     * or all queues when the list is absent or blank.
     */
    static List<QueueModel> select(SimState s, String csv, Function<String, QueueModel> lookup) {
        if (csv == null || csv.isBlank()) {
            return s.queues.all();
        }
        List<QueueModel> out = new ArrayList<>();
        for (String id : csv.split(",")) {
            QueueModel q = lookup.apply(id.trim());
            if (q != null) {
                out.add(q);
            }
        }
        return out;
    }
}
