package io.switchboard.aggregate.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import io.switchboard.aggregate.AlertRule;
import io.switchboard.events.aggregate.QueueAlert;

/**
 * Checks a queue against the alert rules and records which rules fire in its {@link QueueState}.
 * A rule that starts to breach gives one FIRING alert; it stays firing, whatever the value does on
 * the breaching side of its clear level, until the value reaches the clear level, which gives one
 * RESOLVED alert. Values the vendor does not report (null) neither raise nor clear. Stateless
 * (state lives in the {@link QueueState}); thread-safe.
 */
final class AlertEvaluator {

    private final List<AlertRule> rules;

    AlertEvaluator(List<AlertRule> rules) {
        this.rules = List.copyOf(rules);
    }

    boolean hasStaleRules() {
        return rules.stream().anyMatch(r -> r.kind() == AlertRule.Kind.STALE);
    }

    /**
     * Evaluates every rule for the queue.
     *
     * @param totals  the queue's current values
     * @param at      the time the state change is stamped with (observation time, or the wall clock for staleness)
     * @param nowMs   the aggregator's clock, for staleness
     * @param onlyStale evaluate only the stale rules (the periodic check)
     * @return the alerts to write, in rule order
     */
    List<QueueAlert> evaluate(QueueState state, QueueState.Totals totals, long at, long nowMs, boolean onlyStale) {
        List<QueueAlert> out = new ArrayList<>();
        for (AlertRule rule : rules) {
            if (onlyStale && rule.kind() != AlertRule.Kind.STALE) {
                continue;
            }
            if (!rule.matches(state.credentialId, state.tenantId, state.queueId, state.queueName)) {
                continue;
            }
            boolean firing = state.firing.containsKey(rule.name());
            Double value = value(rule, totals, state, nowMs);
            if (value == null) {
                continue;
            }
            if (!firing && breaches(rule, value, totals)) {
                state.firing.put(rule.name(), at);
                out.add(alert(state, rule, "FIRING", value, at));
            } else if (firing && clears(rule, value, totals)) {
                state.firing.remove(rule.name());
                out.add(alert(state, rule, "RESOLVED", value, at));
            }
        }
        return out;
    }

    private static Double value(AlertRule rule, QueueState.Totals t, QueueState state, long nowMs) {
        return switch (rule.kind()) {
            case WAITING_ABOVE -> t.waiting == null ? null : (double) t.waiting;
            case LONGEST_WAIT_ABOVE -> t.longestWaitingMs == null ? null : (double) t.longestWaitingMs;
            case SERVICE_LEVEL_BELOW -> t.serviceLevelPercent;
            case NO_AGENT_AVAILABLE -> t.agentsAvailable == null || t.waiting == null ? null : (double) t.agentsAvailable;
            case STALE -> Double.valueOf(Math.max(0, nowMs - state.updatedAt));
        };
    }

    private static boolean breaches(AlertRule rule, double value, QueueState.Totals t) {
        return switch (rule.kind()) {
            case WAITING_ABOVE, LONGEST_WAIT_ABOVE, STALE -> value > rule.threshold();
            case SERVICE_LEVEL_BELOW -> value < rule.threshold();
            case NO_AGENT_AVAILABLE -> value == 0 && t.waiting >= Math.max(1, rule.threshold());
        };
    }

    private static boolean clears(AlertRule rule, double value, QueueState.Totals t) {
        return switch (rule.kind()) {
            case WAITING_ABOVE, LONGEST_WAIT_ABOVE -> value <= rule.clear();
            case STALE -> value <= rule.threshold();
            case SERVICE_LEVEL_BELOW -> value >= rule.clear();
            case NO_AGENT_AVAILABLE -> value >= rule.clear() || t.waiting == 0;
        };
    }

    private static QueueAlert alert(QueueState state, AlertRule rule, String transition, double value, long at) {
        boolean firing = transition.equals("FIRING");
        String who = state.queueName == null ? state.key() : state.queueName + " (" + state.key() + ")";
        String what = switch (rule.kind()) {
            case WAITING_ABOVE -> firing ? fmt(value) + " waiting (limit " + fmt(rule.threshold()) + ")"
                    : "waiting back to " + fmt(value) + " (clears at " + fmt(rule.clear()) + ")";
            case LONGEST_WAIT_ABOVE -> firing ? "longest wait " + duration(value) + " (limit " + duration(rule.threshold()) + ")"
                    : "longest wait back to " + duration(value) + " (clears at " + duration(rule.clear()) + ")";
            case SERVICE_LEVEL_BELOW -> firing ? "service level " + pct(value) + " (target " + pct(rule.threshold()) + ")"
                    : "service level back to " + pct(value) + " (clears at " + pct(rule.clear()) + ")";
            case NO_AGENT_AVAILABLE -> firing ? "interactions waiting and no agent available"
                    : "agents available again (" + fmt(value) + ")";
            case STALE -> firing ? "no data for " + duration(value) + " (limit " + duration(rule.threshold()) + ")"
                    : "data again after " + duration(value);
        };
        return QueueAlert.newBuilder()
                .setCredentialId(state.credentialId).setQueueId(state.queueId).setQueueName(state.queueName)
                .setRule(rule.name()).setSeverity(rule.severity()).setState(transition)
                .setObservedValue(value).setThreshold(rule.kind() == AlertRule.Kind.NO_AGENT_AVAILABLE ? 0 : rule.threshold())
                .setMessage(who + ": " + what)
                .setRaisedAt(Instant.ofEpochMilli(at))
                .build();
    }

    private static String fmt(double v) {
        return v == Math.rint(v) ? String.valueOf((long) v) : oneDecimal(v);
    }

    private static String pct(double v) {
        return oneDecimal(v) + "%";
    }

    /**
     * {@code String.format(Locale.ROOT, "%.1f", v)}, without a Formatter per alert: half-up from the shortest decimal that
     * reads back as {@code v}, as Formatter rounds.
     */
    static String oneDecimal(double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return String.valueOf(v);
        }
        return java.math.BigDecimal.valueOf(v).setScale(1, java.math.RoundingMode.HALF_UP).toPlainString();
    }

    /** 192000 ms as 3m12s. */
    static String duration(double ms) {
        Duration d = Duration.ofMillis((long) ms);
        long h = d.toHours();
        long m = d.toMinutesPart();
        long s = d.toSecondsPart();
        if (h > 0) {
            return h + "h" + (m > 0 ? m + "m" : "");
        }
        if (m > 0) {
            return m + "m" + (s > 0 ? s + "s" : "");
        }
        return s + "s";
    }
}
