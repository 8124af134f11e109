package io.switchboard.poll.vendor.internal;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

import io.switchboard.events.poll.QueueStat;

/**
 * NICE CXone answers → {@link QueueStat}, one record per skill ({@code queueId} = skillId, {@code mediaType} null: a
 * CXone skill has one media type, which the activity answer does not name). See docs/poller.md. Stateless.
 */
public final class CxoneMapper {

    private CxoneMapper() {
    }

    /**
     * {@code GET …/skills/activity} ({@code skillActivity[]}, or the older {@code resultSet} wrapper).
     *
     * @param onlySkills skill ids to keep, or empty for all
     */
    public static List<QueueStat> activity(JsonNode json, StatBase base, Set<String> onlySkills) {
        JsonNode items = json.path("skillActivity");
        Instant fallbackTime = base.observedAt();
        if (items.isMissingNode() && json.path("resultSet").isObject()) {
            JsonNode rs = json.path("resultSet");
            items = rs.path("skillActivity");
            Instant lastPoll = JsonValues.asInstant(rs.get("lastPollTime"));
            if (lastPoll != null) {
                fallbackTime = lastPoll;
            }
        }
        if (items.isMissingNode() || items.isNull()) {
            if (json.isObject() && json.isEmpty()) {
                return List.of();
            }
            throw new MappingException("no \"skillActivity\" list (nor resultSet.skillActivity)");
        }
        if (!items.isArray()) {
            throw new MappingException("\"skillActivity\" is not a list");
        }
        List<QueueStat> out = new ArrayList<>();
        for (JsonNode a : items) {
            String skillId = JsonValues.asText(a.get("skillId"));
            if (skillId == null || (!onlySkills.isEmpty() && !onlySkills.contains(skillId))) {
                continue;
            }
            Instant at = JsonValues.asInstant(a.get("serverTime"));
            if (at == null) {
                at = fallbackTime;
            }
            Long waiting = JsonValues.asLong(a.get("queueCount"));
            if (waiting == null) {
                waiting = JsonValues.asLong(a.get("skillQueueCount"));
            }
            Instant earliest = JsonValues.asInstant(a.get("earliestQueueTime"));
            Long longest = earliest != null ? Long.valueOf(Math.max(0, at.toEpochMilli() - earliest.toEpochMilli()))
                    : waiting != null && waiting == 0 ? Long.valueOf(0) : null;
            Long working = JsonValues.asLong(a.get("agentsWorking"));
            Long available = JsonValues.asLong(a.get("agentsAvailable"));
            Long acw = JsonValues.asLong(a.get("agentsACW"));
            Double sl = JsonValues.asDouble(a.get("serviceLevel"));
            QueueStat.Builder b = base.builder(skillId).setQueueName(JsonValues.asText(a.get("skillName"))).setObservedAt(at)
                    .setWaiting(waiting)
                    .setInteracting(JsonValues.asLong(a.get("contactsActive")))
                    .setLongestWaitingMs(longest)
                    .setAgentsOnQueue(GenesysObservationMapper.sum(GenesysObservationMapper.sum(working, available), acw))
                    .setAgentsAvailable(available)
                    .setAgentsLoggedIn(JsonValues.asLong(a.get("agentsLoggedIn")))
                    .setServiceLevelPercent(sl);
            Map<String, Double> extra = new LinkedHashMap<>();
            for (String f : List.of("agentsWorking", "agentsUnavailable", "agentsACW", "agentsIdle", "skillQueueCount",
                    "serviceLevelGoal", "simSequence")) {
                Double v = JsonValues.asDouble(a.get(f));
                if (v != null) {
                    extra.put(f, v);
                }
            }
            b.setExtraMetrics(extra);
            out.add(b.build());
        }
        return out;
    }

    /** {@code GET …/skills/summary?startDate=&endDate=} ({@code skillSummaries[]}) for one interval. */
    public static List<QueueStat> summary(JsonNode json, StatBase base, Instant start, Instant end, Set<String> onlySkills) {
        JsonNode items = json.path("skillSummaries");
        if (items.isMissingNode() && json.path("resultSet").isObject()) {
            items = json.path("resultSet").path("skillSummaries");
        }
        if (items.isMissingNode() || items.isNull()) {
            if (json.isObject() && json.isEmpty()) {
                return List.of();
            }
            throw new MappingException("no \"skillSummaries\" list");
        }
        if (!items.isArray()) {
            throw new MappingException("\"skillSummaries\" is not a list");
        }
        List<QueueStat> out = new ArrayList<>();
        Instant observed = end.isAfter(base.observedAt()) ? base.observedAt() : end;
        for (JsonNode s : items) {
            String skillId = JsonValues.asText(s.get("skillId"));
            if (skillId == null || (!onlySkills.isEmpty() && !onlySkills.contains(skillId))) {
                continue;
            }
            Long handled = JsonValues.asLong(s.get("contactsHandled"));
            Long aht = JsonValues.asDurationMillis(s.get("averageHandleTime"), 1000);
            Long asa = JsonValues.asDurationMillis(s.get("averageSpeedToAnswer"), 1000);
            Long wrap = JsonValues.asDurationMillis(s.get("averageWrapTime"), 1000);
            QueueStat.Builder b = base.builder(skillId).setQueueName(JsonValues.asText(s.get("skillName")))
                    .setIntervalStart(start).setIntervalEnd(end).setObservedAt(observed)
                    .setOffered(JsonValues.asLong(s.get("contactsOffered")))
                    .setAnswered(handled)
                    .setAbandoned(JsonValues.asLong(s.get("abandonCount")))
                    .setHandleTimeSumMs(aht == null || handled == null ? null : Long.valueOf(aht * handled))
                    .setHandleTimeCount(aht == null ? null : handled)
                    .setWaitTimeSumMs(asa == null || handled == null ? null : Long.valueOf(asa * handled))
                    .setWaitTimeCount(asa == null ? null : handled)
                    .setServiceLevelPercent(JsonValues.asDouble(s.get("serviceLevel")));
            Map<String, Double> extra = new LinkedHashMap<>();
            Double queued = JsonValues.asDouble(s.get("contactsQueued"));
            if (queued != null) {
                extra.put("contactsQueued", queued);
            }
            if (aht != null) {
                extra.put("averageHandleTimeMs", aht.doubleValue());
            }
            if (asa != null) {
                extra.put("averageSpeedToAnswerMs", asa.doubleValue());
            }
            if (wrap != null) {
                extra.put("averageWrapTimeMs", wrap.doubleValue());
            }
            b.setExtraMetrics(extra);
            out.add(b.build());
        }
        return out;
    }
}
