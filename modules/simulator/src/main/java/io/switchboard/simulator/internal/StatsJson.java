package io.switchboard.simulator.internal;

import java.time.Instant;
import java.util.List;

/** The queue statistics JSON of the Auth0-protected and generic protected APIs (input of the generic mapper). */
final class StatsJson {

    private StatsJson() {
    }

    static String render(SimState s, List<QueueModel> queues) {
        long now = s.clock.nowMillis();
        StringBuilder sb = new StringBuilder(128 + queues.size() * 320);
        sb.append("{\"generatedAt\":\"").append(Instant.ofEpochMilli(now)).append("\",\"queues\":[");
        boolean first = true;
        for (QueueModel q : queues) {
            QueueSnapshot x = q.observe(now);
            if (!first) {
                sb.append(',');
            }
            first = false;
            sb.append("{\"id\":\"").append(q.spec.id()).append("\",\"name\":\"").append(q.spec.name())
                    .append("\",\"waiting\":").append(x.waiting())
                    .append(",\"interacting\":").append(x.interacting())
                    .append(",\"longestWaitSeconds\":").append(x.longestWaitingMs() / 1000)
                    .append(",\"agentsOnQueue\":").append(x.onQueue())
                    .append(",\"agentsAvailable\":").append(x.idle())
                    .append(",\"offered\":").append(x.offered())
                    .append(",\"answered\":").append(x.answered())
                    .append(",\"abandoned\":").append(x.abandoned())
                    .append(",\"serviceLevelPercent\":").append(x.serviceLevelPercent());
            if (s.config.sequenceField()) {
                sb.append(",\"simSequence\":").append(x.sequence());
            }
            sb.append('}');
        }
        sb.append("]}");
        return sb.toString();
    }

    /** Queues named by a comma-separated {@code queueIds} parameter, or all when absent. */
    static List<QueueModel> select(SimState s, String queueIds) {
        if (queueIds == null || queueIds.isBlank()) {
            return s.queues.all();
        }
        List<QueueModel> out = new java.util.ArrayList<>();
        for (String id : queueIds.split(",")) {
            QueueModel q = s.queues.byId(id.trim());
            if (q != null) {
                out.add(q);
            }
        }
        return out;
    }
}
