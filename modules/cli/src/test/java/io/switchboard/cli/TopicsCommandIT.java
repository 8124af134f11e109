package io.switchboard.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;

import io.switchboard.core.TopicContract;
import io.switchboard.core.Topics;
import io.switchboard.testkit.KafkaBroker;
import io.switchboard.testkit.WithKafka;
import picocli.CommandLine;

/** {@code switchboard topics create|describe} against a real broker: idempotent creation and drift reports. */
@WithKafka
class TopicsCommandIT {

    KafkaBroker broker;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cli = Switchboard.commandLine();
        out.getBuffer().setLength(0);
        err.getBuffer().setLength(0);
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }

    @Test
    void createIsIdempotentAndDescribeReportsDrift() throws Exception {
        String prefix = "tc" + System.nanoTime();
        String bootstrap = broker.bootstrapServers();
        String[] common = {"--bootstrap-servers", bootstrap, "--config", "does-not-exist.yaml",
                "--kafka-property", "client.id=topics-it"};
        TopicContract contract = TopicContract.of(new Topics(prefix));

        assertThat(runWithPrefix(prefix, "topics", "create", common)).as(err.toString()).isZero();
        assertThat(out.toString()).contains(contract.topics().size() + " topic(s) created");
        try (Admin admin = broker.admin()) {
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                    assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS)).containsAll(contract.names()));
        }

        assertThat(runWithPrefix(prefix, "topics", "create", common)).isZero();
        assertThat(out.toString()).contains("0 topic(s) created, " + contract.topics().size() + " already there");

        // a new topic reaches every part of the broker's metadata a little later
        await().atMost(Duration.ofSeconds(60)).until(() -> runWithPrefix(prefix, "topics", "describe", common) == 0);
        assertThat(out.toString()).contains(contract.topics().size() + " of " + contract.topics().size() + " topic(s) match");

        String stats = new Topics(prefix).queueStats();
        try (Admin admin = broker.admin()) {
            ConfigResource r = new ConfigResource(ConfigResource.Type.TOPIC, stats);
            admin.incrementalAlterConfigs(Map.of(r, List.of(new AlterConfigOp(new ConfigEntry("retention.ms", "1000"),
                    AlterConfigOp.OpType.SET)))).all().get(30, TimeUnit.SECONDS);
        }
        await().atMost(Duration.ofSeconds(60)).until(
                () -> runWithPrefix(prefix, "topics", "describe", common) == Switchboard.EXIT_FAILURE);
        assertThat(out.toString()).containsPattern("DRIFT +" + java.util.regex.Pattern.quote(stats) + " +retention.ms 1000");
    }

    @Test
    void aMalformedPropertyIsAUsageErrorNamingIt() {
        assertThat(run("topics", "describe", "--bootstrap-servers", broker.bootstrapServers(), "--kafka-property", "nonsense"))
                .isEqualTo(Switchboard.EXIT_USAGE);
        assertThat(err.toString()).contains("--kafka-property").contains("KEY=VALUE");
    }

    private int runWithPrefix(String prefix, String cmd, String sub, String[] common) {
        String[] args = new String[common.length + 4];
        args[0] = cmd;
        args[1] = sub;
        args[2] = "--topic-prefix";
        args[3] = prefix;
        System.arraycopy(common, 0, args, 4, common.length);
        return run(args);
    }
}
