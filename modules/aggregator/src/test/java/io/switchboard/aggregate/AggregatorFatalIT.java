package io.switchboard.aggregate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.switchboard.aggregate.AggregatorFixture.Reply;
import io.switchboard.testkit.KafkaBroker;
import io.switchboard.testkit.WithKafka;

/** A failure that retrying cannot fix stops the application: /ready DOWN with the reason, the fatal callback runs once. */
@WithKafka
class AggregatorFatalIT {

    KafkaBroker broker;

    @TempDir
    Path dir;

    @Test
    void deletedInputTopicStopsTheInstanceWithTheReasonOnReady() throws Exception {
        try (AggregatorFixture f = new AggregatorFixture(broker, 2)) {
            CompletableFuture<String> fatal = new CompletableFuture<>();
            Aggregator a = Aggregator.start(AggregatorConfig.fromMap(f.section("fatal", dir.resolve("fatal"))),
                    new Aggregator.Options().onFatal(fatal::complete));
            try {
                await().dontCatchUncaughtExceptions().atMost(Duration.ofSeconds(60)).until(a::isReady);
                assertThat(f.get(a.opsPort(), "/ready").status()).isEqualTo(200);

                try (Admin admin = broker.admin()) {
                    admin.deleteTopics(List.of(f.prefix + ".queue-stats")).all().get(30, TimeUnit.SECONDS);
                }

                String reason = fatal.get(90, TimeUnit.SECONDS);
                assertThat(reason).contains("MissingSourceTopicException");
                assertThat(a.isReady()).isFalse();
                await().dontCatchUncaughtExceptions().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                    Reply ready = f.get(a.opsPort(), "/ready");
                    assertThat(ready.status()).isEqualTo(503);
                    assertThat(ready.json().getJsonObject("checks").getString("streams")).isEqualTo("DOWN");
                    assertThat(ready.json().getJsonObject("reasons").getString("streams")).contains("MissingSourceTopicException");
                });
                assertThat(f.get(a.opsPort(), "/health").status()).as("alive, just not ready").isEqualTo(200);
            } finally {
                a.close();
            }
        }
    }
}
