package io.switchboard.poll;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.switchboard.core.Topics;
import io.switchboard.events.poll.QueueStat;
import io.switchboard.poll.internal.PollSerdes;
import io.switchboard.registry.server.EmbeddedSchemaRegistry;
import io.switchboard.simulator.SimulatorConfig;
import io.switchboard.simulator.VendorSimulator;
import io.switchboard.testkit.Closer;
import io.switchboard.testkit.KafkaBroker;
import io.switchboard.testkit.WithKafka;
import io.switchboard.token.TokenKeys;
import io.switchboard.token.TokenManager;
import io.switchboard.token.TokenManagerConfig;

/**
 * The poller's own registry clients (poll-jobs store, assignment, transactional writer, planner) against a schema
 * registry that requires HTTP Basic credentials, given as {@code schemaRegistry.properties.basic.auth.user.info}: the
 * poller plans, polls and commits queue stats, and no registry request goes without the credentials.
 */
@WithKafka(scope = WithKafka.Scope.JVM)
class PollerRegistryCredentialsIT {

    static KafkaBroker broker;

    private final Closer closeables = new Closer();

    @AfterEach
    void close() {
        closeables.closeQuietly();
    }

    @Test
    void thePollerCommitsQueueStatsThroughARegistryThatRequiresBasicAuth() throws Exception {
        String password = "registry-pw-4711";
        EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start(broker.bootstrapServers());
        closeables.add(registry);
        String basic = "Basic " + Base64.getEncoder().encodeToString(("poller:" + password).getBytes(StandardCharsets.UTF_8));
        BasicAuthRegistryProxy proxy = new BasicAuthRegistryProxy(registry.url(), basic);
        closeables.add(proxy);
        VendorSimulator sim = VendorSimulator.start(SimulatorConfig.builder().generatedQueues(4).build());
        closeables.add(sim);
        byte[] key = new byte[TokenKeys.KEY_BYTES];
        for (int i = 0; i < key.length; i++) {
            key[i] = (byte) (i * 11 + 5); // fixed test key
        }
        Map<String, String> env = Map.of("TOKEN_KEY", Base64.getEncoder().encodeToString(key), "GENESYS_SECRET", "genesys-secret",
                "REGISTRY_USER_INFO", "poller:" + password);
        String prefix = "rcp" + (System.nanoTime() % 1_000_000);
        String yaml = """
                kafka:
                  bootstrapServers: %s
                  topicPrefix: %s
                  properties:
                    heartbeat.interval.ms: 500
                schemaRegistry:
                  url: %s
                  properties:
                    basic.auth.user.info: ${env:REGISTRY_USER_INFO}
                    max.retries: 1
                encryption:
                  activeKeyId: k1
                  keys:
                    k1: ${env:TOKEN_KEY}
                tokenManager:
                  ops: {port: -1}
                poller:
                  instanceId: poller-rc
                  jobPartitions: 2
                  sessionTimeout: PT6S
                  transactionTimeout: PT10S
                  shutdownTimeout: PT10S
                  planInterval: PT5M
                  ops:
                    port: 0
                credentials:
                  - id: genesys
                    provider: genesys-cloud
                    tokenUrl: %s/oauth/token
                    apiBaseUrl: %s
                    clientId: genesys-client
                    clientSecret: ${env:GENESYS_SECRET}
                    poll:
                      requestsPerMinute: 0
                      jobs:
                        - {endpoint: genesys.queue-observations, name: live, interval: PT2S, queueNames: ["*"], batchSize: 10}
                """.formatted(broker.bootstrapServers(), prefix, proxy.url(), sim.genesysLoginUrl(), sim.genesysApiUrl());

        TokenManager manager = TokenManager.start(TokenManagerConfig.parse(yaml, "switchboard.yaml", env).withInstanceId("tm-rc"));
        closeables.add(manager);
        List<String> fatal = new CopyOnWriteArrayList<>();
        PollerConfig config = PollerConfig.parse(yaml, "switchboard.yaml", env);
        assertThat(config.toString() + config.schemaRegistry()).doesNotContain(password);
        PollerProcess process = PollerProcess.start(config, (component, reason, cause) -> fatal.add(reason));
        closeables.add(process);

        List<QueueStat> stats = new ArrayList<>();
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "reader-" + prefix);
        Deserializer<QueueStat> values = PollSerdes.value(QueueStat.class, registry.url()).deserializer(); // the registry itself
        String topic = new Topics(prefix).queueStats();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            await("committed queue stats of the genesys credential").atMost(Duration.ofSeconds(60)).until(() -> {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    stats.add(values.deserialize(topic, r.value()));
                }
                return stats.stream().map(QueueStat::getQueueId).distinct().count() >= sim.queueIds().size();
            });
        }
        assertThat(stats).allSatisfy(s -> {
            assertThat(s.getCredentialId()).isEqualTo("genesys");
            assertThat(s.getJobId()).startsWith("genesys/live/");
        });
        assertThat(proxy.authorized.get()).as("registry requests with the credentials").isPositive();
        assertThat(proxy.rejected.get()).as("registry requests without them").isZero();
        assertThat(fatal).isEmpty();
    }
}
