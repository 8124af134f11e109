package io.switchboard.aggregate;

import static io.switchboard.aggregate.Stats.interval;
import static io.switchboard.aggregate.Stats.obs;
import static io.switchboard.aggregate.TopologyHarness.T0;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.switchboard.events.aggregate.QueueAlert;

/** alerts: raised once per breach, cleared once on recovery, with hysteresis; the stale rule on the wall clock. */
class AlertTopologyTest {

    @TempDir
    Path stateDir;
    TopologyHarness h;

    @BeforeEach
    void start() throws Exception {
        h = new TopologyHarness(stateDir, Map.of(
                "staleness.checkInterval", "5s",
                "alerts", Map.of("rules", List.of(
                        Map.of("name", "busy", "kind", "waiting-above", "threshold", "10", "clear", "7"),
                        Map.of("name", "long-wait", "kind", "longest-wait-above", "threshold", "2m", "severity", "CRITICAL"),
                        Map.of("name", "sl", "kind", "service-level-below", "threshold", "80", "queues", List.of("genesys-eu/q-sl*")),
                        Map.of("name", "nobody", "kind", "no-agent-available"),
                        Map.of("name", "silent", "kind", "stale", "threshold", "90s")))));
    }

    @AfterEach
    void stop() {
        h.close();
    }

    private static List<String> transitions(List<QueueAlert> alerts) {
        return alerts.stream().map(a -> a.getRule() + ":" + a.getState()).toList();
    }

    @Test
    void waitingAboveFiresOnceStaysFiringWhileHoveringAndClearsOnceBelowTheClearLevel() {
        long[] waiting = {5, 11, 12, 10, 11, 9, 8, 11, 7, 6, 12};
        for (int i = 0; i < waiting.length; i++) {
            h.pipe(obs("q-1", T0.plusSeconds(10L * i), "voice", waiting[i], 1_000, 3));
        }
        List<QueueAlert> alerts = h.alerts();
        assertThat(transitions(alerts)).containsExactly("busy:FIRING", "busy:RESOLVED", "busy:FIRING");
        QueueAlert fired = alerts.get(0);
        assertThat(fired.getObservedValue()).isEqualTo(11.0);
        assertThat(fired.getThreshold()).isEqualTo(10.0);
        assertThat(fired.getRaisedAt()).isEqualTo(T0.plusSeconds(10));
        assertThat(fired.getSeverity()).isEqualTo("WARNING");
        assertThat(fired.getMessage()).isEqualTo("Queue q-1 (genesys-eu/q-1): 11 waiting (limit 10)");
        assertThat(alerts.get(1).getRaisedAt()).as("cleared when waiting reached the clear level 7").isEqualTo(T0.plusSeconds(80));
        assertThat(h.latestSnapshots().get("genesys-eu/q-1").getAlertsFiring()).containsExactly("busy");
    }

    @Test
    void longestWaitUsesTheDefaultHysteresisOfTenPercent() {
        long[] longestSeconds = {100, 125, 115, 119, 121, 107, 130};
        for (int i = 0; i < longestSeconds.length; i++) {
            h.pipe(obs("q-1", T0.plusSeconds(10L * i), "voice", 1, longestSeconds[i] * 1000, 3));
        }
        List<QueueAlert> alerts = h.alerts();
        assertThat(transitions(alerts)).containsExactly("long-wait:FIRING", "long-wait:RESOLVED", "long-wait:FIRING");
        assertThat(alerts.get(0).getSeverity()).isEqualTo("CRITICAL");
        assertThat(alerts.get(0).getMessage()).endsWith("longest wait 2m5s (limit 2m)");
        assertThat(alerts.get(1).getObservedValue()).as("clears at 108 s, 10 % under the limit").isEqualTo(107_000.0);
    }

    @Test
    void serviceLevelBelowAppliesOnlyToMatchingQueues() {
        h.pipe(interval("q-sl-1", T0, T0.plusSeconds(900), T0.plusSeconds(905), 10, 7, 3, 7, 10));
        h.pipe(interval("q-other", T0, T0.plusSeconds(900), T0.plusSeconds(905), 10, 5, 5, 5, 10));
        h.pipe(interval("q-sl-1", T0.plusSeconds(900), T0.plusSeconds(1800), T0.plusSeconds(1805), 10, 8, 2, 8, 10)); // 80 %: still below 88
        h.pipe(interval("q-sl-1", T0.plusSeconds(1800), T0.plusSeconds(2700), T0.plusSeconds(2705), 10, 9, 1, 9, 10)); // 90 %
        List<QueueAlert> alerts = h.alerts();
        assertThat(alerts).extracting(QueueAlert::getQueueId).containsOnly("q-sl-1");
        assertThat(transitions(alerts)).containsExactly("sl:FIRING", "sl:RESOLVED");
        assertThat(alerts.get(0).getMessage()).endsWith("service level 70.0% (target 80.0%)");
    }

    @Test
    void noAgentAvailableFiresWhileInteractionsWaitAndClearsWithAnAgentOrAnEmptyQueue() {
        h.pipe(obs("q-1", T0, "voice", 2, 1_000, 0));
        h.pipe(obs("q-1", T0.plusSeconds(10), "voice", 3, 1_000, 0));
        h.pipe(obs("q-1", T0.plusSeconds(20), "voice", 3, 1_000, 1));
        h.pipe(obs("q-1", T0.plusSeconds(30), "voice", 0, 0, 0));
        h.pipe(obs("q-1", T0.plusSeconds(40), "voice", 1, 1_000, 0));
        h.pipe(obs("q-1", T0.plusSeconds(50), "voice", 0, 0, 0));
        assertThat(transitions(h.alerts())).containsExactly("nobody:FIRING", "nobody:RESOLVED", "nobody:FIRING", "nobody:RESOLVED");
    }

    @Test
    void staleRuleFiresOnTheWallClockOnceAndClearsWithTheNextRecord() {
        h.pipe(obs("q-1", T0, "voice", 1, 1_000, 3)); // polled at T0+0.5s
        h.alerts();
        h.advanceWallClock(Duration.ofSeconds(90));
        assertThat(h.alerts()).as("90 s is not over the 90 s limit yet").isEmpty();
        h.advanceWallClock(Duration.ofSeconds(5));
        List<QueueAlert> fired = h.alerts();
        assertThat(transitions(fired)).containsExactly("silent:FIRING");
        assertThat(fired.get(0).getRaisedAt()).isEqualTo(T0.plusSeconds(95));
        assertThat(fired.get(0).getMessage()).endsWith("no data for 1m34s (limit 1m30s)");
        h.advanceWallClock(Duration.ofSeconds(60));
        assertThat(h.alerts()).as("raised once").isEmpty();

        h.pipe(obs("q-1", T0.plusSeconds(160), "voice", 1, 1_000, 3));
        assertThat(transitions(h.alerts())).containsExactly("silent:RESOLVED");
    }

    @Test
    void alertCountsAreExposed() {
        h.pipe(obs("q-1", T0, "voice", 11, 1_000, 3));
        h.pipe(obs("q-1", T0.plusSeconds(10), "voice", 1, 1_000, 3));
        assertThat(h.metrics.alertsRaisedCount()).isEqualTo(1);
        assertThat(h.metrics.alertsClearedCount()).isEqualTo(1);
    }
}
