package io.switchboard.aggregate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.switchboard.testkit.KafkaBroker;
import io.switchboard.testkit.WithKafka;

/**
 * The live dashboard page in headless Chromium against an aggregator on a real broker: values
 * appear, then change as new records arrive (server-sent events, no reload); stale queues are
 * marked; a screenshot is kept at {@code target/dashboard-it.png}.
 */
@WithKafka
class DashboardIT {

    static final Instant T0 = Instant.now().truncatedTo(ChronoUnit.HOURS);
    static final Duration WAIT = Duration.ofSeconds(60);

    KafkaBroker broker;

    @TempDir
    Path dir;

    private static String cell(String queueId, String field) {
        return "(document.querySelector('tr[data-queue-id=\"" + queueId + "\"] [data-field=\"" + field + "\"]') || {}).textContent";
    }

    @Test
    void pageShowsLiveValuesThatChangeAsRecordsArrive() throws Exception {
        assumeTrue(HeadlessChromium.available(), "no Chromium at " + HeadlessChromium.BINARY
                + ": install it (apt-get install -y chromium) or point -Dswitchboard.chromium at one to run the dashboard test");
        try (AggregatorFixture f = new AggregatorFixture(broker, 2)) {
            Map<String, Object> section = f.section("dash", dir.resolve("state"));
            section.put("aggregator.alerts", Map.of("rules", List.of(Map.of("name", "busy", "kind", "waiting-above", "threshold", "5"))));
            Aggregator a = f.start(section);
            await().atMost(WAIT).until(a::isReady);
            for (int m = 0; m < 5; m++) { // a few minutes of history for the chart
                f.send(AggregatorIT.obs("genesys-eu", "q-1", T0.plusSeconds(60L * m + 5), "voice", 1 + m % 3, 20_000, 2));
            }
            f.send(AggregatorIT.obs("genesys-eu", "q-1", T0.plusSeconds(300), "voice", 3, 42_000, 2),
                    AggregatorIT.obs("genesys-eu", "q-2", T0.plusSeconds(300), "voice", 1, 5_000, 4),
                    Stats.observation("cxone-us", "skill-9", T0.plusSeconds(300)).setPolledAt(Instant.now().minusSeconds(600))
                            .setWaiting(2L).build()); // polled 10 minutes ago: stale
            await().atMost(WAIT).untilAsserted(() -> assertThat(f.get(a.httpPort(), "/api/queues").json().getInteger("total")).isEqualTo(3));

            try (HeadlessChromium chrome = new HeadlessChromium(dir.resolve("chrome"), "http://127.0.0.1:" + a.httpPort() + "/")) {
                try {
                    await().atMost(WAIT).untilAsserted(() -> {
                        assertThat(chrome.eval(cell("genesys-eu/q-1", "waiting"))).isEqualTo("3");
                        assertThat(chrome.eval(cell("genesys-eu/q-1", "longestWaitingMs"))).isEqualTo("42s");
                        assertThat(chrome.eval(cell("genesys-eu/q-2", "agentsAvailable"))).isEqualTo("4");
                        assertThat(chrome.eval("document.getElementById('connection').textContent")).isEqualTo("live");
                    });
                    await().atMost(WAIT).untilAsserted(() -> {
                        assertThat(chrome.eval("document.querySelector('tr[data-queue-id=\"cxone-us/skill-9\"]').dataset.stale"))
                                .isEqualTo("true");
                        assertThat(chrome.eval(cell("cxone-us/skill-9", "stale"))).isEqualTo("STALE");
                        assertThat(chrome.eval(cell("genesys-eu/q-1", "stale"))).isEqualTo("live");
                        assertThat(chrome.eval("Number(document.querySelector('tr[data-queue-id=\"genesys-eu/q-1\"] [data-field=chart]')"
                                + ".dataset.points || 0)")).satisfies(n -> assertThat(((Number) n).intValue()).isGreaterThanOrEqualTo(5));
                        assertThat(chrome.eval("(document.querySelector('.tenant[data-tenant-id=\"genesys-eu\"] [data-field=waiting]')"
                                + " || {}).textContent")).isEqualTo("4");
                    });

                    // new records arrive: the page changes without a reload
                    chrome.eval("window.__marker = 'same page'");
                    f.send(AggregatorIT.obs("genesys-eu", "q-1", T0.plusSeconds(310), "voice", 9, 95_000, 0));
                    await().atMost(WAIT).untilAsserted(() -> {
                        assertThat(chrome.eval(cell("genesys-eu/q-1", "waiting"))).isEqualTo("9");
                        assertThat(chrome.eval(cell("genesys-eu/q-1", "longestWaitingMs"))).isEqualTo("1m35s");
                        assertThat(chrome.eval(cell("genesys-eu/q-1", "alerts"))).isEqualTo("busy");
                        assertThat(chrome.eval("(document.querySelector('.tenant[data-tenant-id=\"genesys-eu\"] [data-field=waiting]')"
                                + " || {}).textContent")).isEqualTo("10");
                        assertThat(chrome.eval("document.querySelectorAll('#alerts li.FIRING').length")).isEqualTo(1);
                    });
                    assertThat(chrome.eval("window.__marker")).as("updated live, not reloaded").isEqualTo("same page");
                    assertThat(a.feed().delivered()).isGreaterThan(0);
                } finally {
                    chrome.screenshot(Path.of("target", "dashboard-it.png"));
                }
            }
            assertThat(Files.size(Path.of("target", "dashboard-it.png"))).isGreaterThan(1_000);
        }
    }
}
