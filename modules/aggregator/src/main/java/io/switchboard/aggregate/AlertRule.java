package io.switchboard.aggregate;

import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * One SLA rule the aggregator checks for every queue it matches. A rule is <em>raised</em> once
 * (a {@code FIRING} {@code QueueAlert}) when its threshold is crossed and <em>cleared</em> once (a
 * {@code RESOLVED} alert) when the value is back past its clear level. The clear level sits on the
 * safe side of the threshold (hysteresis), so a value hovering at the threshold does not flap.
 * Immutable and thread-safe.
 *
 * @param name      unique name, used as {@code QueueAlert.rule} (e.g. {@code longest-wait-over-2m})
 * @param kind      what is measured
 * @param threshold where the rule fires: a count for {@link Kind#WAITING_ABOVE}, milliseconds for
 *                  {@link Kind#LONGEST_WAIT_ABOVE} and {@link Kind#STALE}, a percentage for
 *                  {@link Kind#SERVICE_LEVEL_BELOW}, the minimum waiting for {@link Kind#NO_AGENT_AVAILABLE}
 * @param clear     where it clears: below it for the "above" kinds, above it for service level, at least this
 *                  many available agents for {@link Kind#NO_AGENT_AVAILABLE}; unused by {@link Kind#STALE}
 * @param severity  INFO, WARNING or CRITICAL
 * @param queues    glob patterns ({@code *} any text, {@code ?} one character) matched against
 *                  {@code credentialId/queueId} and the queue name; empty = every queue
 * @param tenants   credential ids or vendor tenant ids the rule applies to; empty = every tenant
 */
public record AlertRule(String name, Kind kind, double threshold, double clear, String severity,
                        List<String> queues, List<String> tenants) {

    /** What a rule measures. */
    public enum Kind {
        /** Interactions waiting above {@code threshold}; clears below {@code clear}. */
        WAITING_ABOVE("waiting-above"),
        /** Longest current wait above {@code threshold} ms; clears below {@code clear} ms. */
        LONGEST_WAIT_ABOVE("longest-wait-above"),
        /** Service level below {@code threshold} percent; clears above {@code clear} percent. */
        SERVICE_LEVEL_BELOW("service-level-below"),
        /** At least {@code threshold} waiting with no agent available; clears with {@code clear} agents available or nobody waiting. */
        NO_AGENT_AVAILABLE("no-agent-available"),
        /** No record for the queue for longer than {@code threshold} ms; clears on the next record. */
        STALE("stale");

        private final String label;

        Kind(String label) {
            this.label = label;
        }

        /** The name used in configuration, e.g. {@code longest-wait-above}. */
        public String label() {
            return label;
        }

        /** Whether the threshold is a duration (written as {@code 2m}, {@code PT90S}). */
        public boolean durationThreshold() {
            return this == LONGEST_WAIT_ABOVE || this == STALE;
        }

        /** The kind with this configuration name. */
        public static Optional<Kind> parse(String text) {
            for (Kind k : values()) {
                if (k.label.equalsIgnoreCase(text == null ? "" : text.trim())) {
                    return Optional.of(k);
                }
            }
            return Optional.empty();
        }
    }

    /** Severities a rule may have. */
    public static final List<String> SEVERITIES = List.of("INFO", "WARNING", "CRITICAL");

    public AlertRule {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(kind, "kind");
        severity = severity == null ? "WARNING" : severity.toUpperCase(Locale.ROOT);
        queues = queues == null ? List.of() : List.copyOf(queues);
        tenants = tenants == null ? List.of() : List.copyOf(tenants);
    }

    /**
     * The clear level a rule gets when none is configured: {@code hysteresis} (a share, e.g. 0.1) of
     * the threshold on the safe side; one available agent for {@link Kind#NO_AGENT_AVAILABLE}.
     */
    public static double defaultClear(Kind kind, double threshold, double hysteresis) {
        return switch (kind) {
            case WAITING_ABOVE, LONGEST_WAIT_ABOVE -> threshold * (1 - hysteresis);
            case SERVICE_LEVEL_BELOW -> Math.min(100.0, threshold * (1 + hysteresis));
            case NO_AGENT_AVAILABLE -> 1;
            case STALE -> threshold;
        };
    }

    /** Whether the rule applies to this queue. */
    public boolean matches(String credentialId, String tenantId, String queueId, String queueName) {
        if (!tenants.isEmpty() && !tenants.contains(credentialId) && (tenantId == null || !tenants.contains(tenantId))) {
            return false;
        }
        if (queues.isEmpty()) {
            return true;
        }
        String key = credentialId + "/" + queueId;
        for (String glob : queues) {
            Pattern p = glob(glob);
            if (p.matcher(key).matches() || (queueName != null && p.matcher(queueName).matches())) {
                return true;
            }
        }
        return false;
    }

    private static final java.util.concurrent.ConcurrentHashMap<String, Pattern> GLOBS = new java.util.concurrent.ConcurrentHashMap<>();

    private static Pattern glob(String glob) {
        return GLOBS.computeIfAbsent(glob, AlertRule::compile);
    }

    private static Pattern compile(String glob) {
        StringBuilder re = new StringBuilder();
        for (char c : glob.toCharArray()) {
            switch (c) {
                case '*' -> re.append(".*");
                case '?' -> re.append('.');
                default -> re.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(re.toString(), Pattern.CASE_INSENSITIVE);
    }
}
