package io.switchboard.poll;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import io.switchboard.core.TopicContract;
import io.switchboard.core.TopicSpec;
import io.switchboard.core.Topics;
import io.switchboard.core.kafka.KafkaAccessDeniedException;
import io.switchboard.core.supervise.Supervisor;
import io.switchboard.events.poll.QueueStat;
import io.switchboard.poll.internal.PollSerdes;
import io.switchboard.poll.internal.PollTopics;
import io.switchboard.registry.SchemaRegistryConfig;
import io.switchboard.registry.server.EmbeddedSchemaRegistry;
import io.switchboard.registry.server.EmbeddedSchemaRegistryOptions;
import io.switchboard.simulator.SimulatorConfig;
import io.switchboard.simulator.SimulatorConfig.GenesysClient;
import io.switchboard.simulator.VendorSimulator;
import io.switchboard.testkit.EmbeddedKafkaBroker;
import io.switchboard.testkit.ScramSecurity;
import io.switchboard.token.TokenKeys;
import io.switchboard.token.TokenManager;
import io.switchboard.token.TokenManagerConfig;
import io.switchboard.token.internal.KafkaPublications;

/**
 * The Kafka identities of {@code deploy/k8s/base/050-kafka-users.yaml} against a broker that enforces them: SCRAM-SHA-512
 * logins, the StandardAuthorizer, and exactly the ACLs of the KafkaUser resources (read from the file, so the test
 * follows the manifests). A poller's principal cannot write {@code switchboard.tokens}, and Switchboard's error names the
 * ACL (topic, operation, principal) and how to grant it; with its own ACLs the poller reads the tokens, takes its jobs
 * through the consumer group and commits queue-stats in transactions, next to a token manager with its own identity.
 */
class PollerKafkaAclIT {

    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final String POLLER = "switchboard-poller";
    private static final String TOKEN_MANAGER = "switchboard-token-manager";
    private static final String CREDENTIAL = "genesys-acl";
    private static final Topics TOPICS = new Topics(Topics.DEFAULT_PREFIX);

    private static EmbeddedKafkaBroker broker;
    private static EmbeddedSchemaRegistry registry;
    private static VendorSimulator sim;
    private static String tokenKey;
    private static List<AclBinding> deployAcls;

    @BeforeAll
    static void start() throws IOException {
        broker = EmbeddedKafkaBroker.startSecured(ScramSecurity.scramSha512("admin", "admin-pw").withUser(POLLER, "poller-pw"));
        broker.createScramUser(TOKEN_MANAGER, "token-manager-pw"); // the other path: a credential made through the Admin API
        deployAcls = KafkaUserAcls.read(repoFile("deploy/k8s/base/050-kafka-users.yaml"));
        broker.createAcls(deployAcls);
        // the topics, as `switchboard topics create` makes them with an operator's identity
        for (TopicSpec t : TopicContract.of(TOPICS).topics()) {
            broker.createTopic(t.name(), t.partitions(), t.configs());
        }
        registry = EmbeddedSchemaRegistry.start(EmbeddedSchemaRegistryOptions.defaults(broker.bootstrapServers())
                .withKafkaProperties(strings(broker.clientProperties())));
        sim = VendorSimulator.start(SimulatorConfig.builder().generatedQueues(6)
                .genesysClient(GenesysClient.of(CREDENTIAL + "-client", CREDENTIAL + "-secret")).build());
        byte[] key = new byte[TokenKeys.KEY_BYTES];
        new SecureRandom().nextBytes(key);
        tokenKey = Base64.getEncoder().encodeToString(key);
    }

    @AfterAll
    static void stop() {
        if (sim != null) {
            sim.close();
        }
        if (registry != null) {
            registry.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void theManifestsGiveOnlyTheTokenManagerWriteOnTheTokensTopic() {
        assertThat(deployAcls).as("ACLs read from the KafkaUser resources").hasSizeGreaterThan(10);
        assertThat(deployAcls).filteredOn(a -> a.pattern().resourceType() == ResourceType.TOPIC
                        && a.pattern().name().equals(TOPICS.tokens()) && a.entry().operation() == AclOperation.WRITE)
                .extracting(a -> a.entry().principal()).containsExactly(ScramSecurity.principal(TOKEN_MANAGER));
    }

    @Test
    void thePollersPrincipalCannotWriteTheTokensTopicAndTheErrorNamesTheAclAndTheGrant() throws Exception {
        Map<String, Object> asPoller = objects(broker.clientProperties(POLLER));
        // the code that writes switchboard.tokens, run with the poller's identity (a token manager given the wrong Secret)
        try (KafkaPublications publications = new KafkaPublications(asPoller, TOPICS, SchemaRegistryConfig.of(registry.url()), "intruder")) {
            assertThatThrownBy(() -> publications.tombstone("intruder-credential").get(60, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .cause().isInstanceOfSatisfying(KafkaAccessDeniedException.class, e -> {
                        assertThat(e.resource()).isEqualTo(KafkaAccessDeniedException.Resource.TOPIC);
                        assertThat(e.resourceNames()).containsExactly(TOPICS.tokens());
                        assertThat(e.operations()).containsExactly("Write");
                        assertThat(e.principal()).isEqualTo("User:" + POLLER);
                        assertThat(e.getMessage())
                                .contains("Kafka refused User:switchboard-poller Write on topic switchboard.tokens")
                                .contains("--add --allow-principal User:switchboard-poller --operation Write --topic switchboard.tokens")
                                .contains("KafkaUser switchboard-poller")
                                .doesNotContain("poller-pw");
                    });
        }
        assertThat(keysOf(TOPICS.tokens())).as("nothing reached %s", TOPICS.tokens()).doesNotContain("intruder-credential");
    }

    @Test
    void aTokenManagerStartedWithThePollersIdentityIsRefusedNamingTheAclItLacks() {
        // the poller may not even Describe token-status, so the token manager sees it missing and is refused creating it
        assertThatThrownBy(() -> TokenManager.start(tokenManagerConfig(POLLER, "poller-pw", "tm-as-poller")).close())
                .isInstanceOf(KafkaAccessDeniedException.class)
                .hasMessageContaining("Kafka refused User:switchboard-poller Create on topic switchboard.token-status")
                .hasMessageContaining("--allow-principal User:switchboard-poller --operation Create --topic switchboard.token-status")
                .hasMessageContaining("run it as the Kafka user meant for it")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("poller-pw"));
    }

    @Test
    void aPollerWhoseTopicsWereNeverCreatedIsToldWhichCreateAclItLacks() {
        PollerConfig config = PollerConfig.parse(pollerYaml("acl-poller-topics", ""), "poller.yaml", env(POLLER, "poller-pw"));
        Topics unprovisioned = new Topics("unprovisioned");
        assertThatThrownBy(() -> PollTopics.ensure(config.kafkaClientProperties(), unprovisioned, 2))
                .isInstanceOfSatisfying(KafkaAccessDeniedException.class, e -> {
                    assertThat(e.operations()).containsExactly("Create");
                    assertThat(e.principal()).isEqualTo("User:" + POLLER);
                    assertThat(e.resourceNames()).singleElement().satisfies(name -> assertThat(name).startsWith("unprovisioned."));
                    assertThat(e.getMessage()).doesNotContain("poller-pw");
                });
    }

    @Test
    void withItsOwnAclsThePollerReadsTokensTakesJobsAndCommitsQueueStatsInTransactions() throws Exception {
        TokenManager tm = TokenManager.start(tokenManagerConfig(TOKEN_MANAGER, "token-manager-pw", "tm-1"));
        PollerProcess process = null;
        try {
            await().atMost(WAIT).until(tm::isReady);
            PollerConfig config = PollerConfig.parse(pollerYaml("acl-poller-1", ""), "poller.yaml", env(POLLER, "poller-pw"));
            assertThat(config.transactionalId()).startsWith("switchboard.poller"); // covered by the prefixed transactionalId ACL
            List<String> fatal = new CopyOnWriteArrayList<>();
            process = PollerProcess.start(config, (component, reason, cause) -> fatal.add(component + ": " + reason));
            Poller poller = process.poller();
            await().atMost(WAIT).untilAsserted(() -> {
                assertThat(fatal).as("fatal failures of the poller").isEmpty();
                assertThat(poller.runningJobs()).isNotEmpty();
                assertThat(poller.runningJobs()).allMatch(j -> poller.pollSequence(j).orElse(0L) >= 2);
            });
            Set<String> queues = new TreeSet<>(sim.queueIds());
            List<QueueStat> stats = committedStats(read -> read.stream().map(QueueStat::getQueueId).collect(Collectors.toSet()).containsAll(queues));
            assertThat(stats).allSatisfy(s -> assertThat(s.getCredentialId()).isEqualTo(CREDENTIAL));
            assertThat(fatal).isEmpty();
            assertThat(poller.isReady()).isTrue();
        } finally {
            if (process != null) {
                process.close();
            }
            tm.close();
        }
    }

    @Test
    void aTokenManagerWithoutWriteOnTheTokensTopicStopsAfterItsFirstLoginNamingTheAcl() {
        // the token manager's own ACLs minus Write on switchboard.tokens, for a user of its own
        String user = "switchboard-token-manager-without-write";
        broker.createScramUser(user, "no-write-pw");
        broker.createAcls(deployAcls.stream()
                .filter(a -> a.entry().principal().equals(ScramSecurity.principal(TOKEN_MANAGER)))
                .filter(a -> !(a.pattern().name().equals(TOPICS.tokens()) && a.entry().operation() == AclOperation.WRITE))
                .map(a -> new AclBinding(a.pattern(), new AccessControlEntry(ScramSecurity.principal(user), "*",
                        a.entry().operation(), a.entry().permissionType())))
                .toList());
        long loginsBefore = sim.issuedTokenCount(io.switchboard.simulator.Vendor.GENESYS, CREDENTIAL + "-client");
        TokenManager tm = TokenManager.start(tokenManagerConfig(user, "no-write-pw", "tm-without-write"));
        try {
            Supervisor.Fatal fatal = tm.fatal().orTimeout(WAIT.toSeconds(), TimeUnit.SECONDS).join();
            assertThat(fatal.reason())
                    .contains("a token could not be published: Kafka refused User:" + user + " Write on topic switchboard.tokens")
                    .contains("--allow-principal User:" + user + " --operation Write --topic switchboard.tokens")
                    .doesNotContain("no-write-pw");
            assertThat(tm.readiness().up()).isFalse();
            assertThat(sim.issuedTokenCount(io.switchboard.simulator.Vendor.GENESYS, CREDENTIAL + "-client") - loginsBefore)
                    .as("vendor logins before the role stopped").isEqualTo(1);
        } finally {
            tm.close();
        }
    }

    @Test
    void aPollerWhoseTransactionalIdIsNotCoveredStopsNamingTheTransactionalIdAcl() throws Exception {
        TokenManager tm = TokenManager.start(tokenManagerConfig(TOKEN_MANAGER, "token-manager-pw", "tm-2"));
        PollerProcess process = null;
        try {
            PollerConfig config = PollerConfig.parse(pollerYaml("rogue-poller", "  transactionalIdPrefix: rogue.\n"), "poller.yaml",
                    env(POLLER, "poller-pw"));
            List<String> fatal = new CopyOnWriteArrayList<>();
            process = PollerProcess.start(config, (component, reason, cause) -> fatal.add(reason));
            await().atMost(WAIT).until(() -> !fatal.isEmpty());
            assertThat(fatal.get(0))
                    .contains("Kafka refused User:switchboard-poller Write and Describe on transactionalId rogue.rogue-poller")
                    .contains("--operation Write --operation Describe --transactional-id rogue.rogue-poller")
                    .doesNotContain("poller-pw");
        } finally {
            if (process != null) {
                process.close();
            }
            tm.close();
        }
    }

    // ---- configuration ----

    private static Map<String, String> env(String user, String password) {
        Map<String, String> env = new HashMap<>();
        env.put("TOKEN_KEY", tokenKey);
        env.put("CLIENT_SECRET", CREDENTIAL + "-secret");
        env.put("KAFKA_JAAS", ScramSecurity.clientProperties(user, password).getProperty("sasl.jaas.config"));
        return env;
    }

    private static String common() {
        return """
                kafka:
                  bootstrapServers: %s
                  properties:
                    security.protocol: SASL_PLAINTEXT
                    sasl.mechanism: SCRAM-SHA-512
                    sasl.jaas.config: ${env:KAFKA_JAAS}
                    heartbeat.interval.ms: 500
                schemaRegistry:
                  url: %s
                encryption:
                  activeKeyId: k1
                  keys:
                    k1: ${env:TOKEN_KEY}
                """.formatted(broker.bootstrapServers(), registry.url());
    }

    private static TokenManagerConfig tokenManagerConfig(String user, String password, String instanceId) {
        String yaml = common() + """
                ops:
                  port: -1
                credentials:
                  - id: %s
                    provider: genesys-cloud
                    tokenUrl: %s/oauth/token
                    apiBaseUrl: %s
                    clientId: %s-client
                    clientSecret: ${env:CLIENT_SECRET}
                """.formatted(CREDENTIAL, sim.genesysLoginUrl(), sim.genesysApiUrl(), CREDENTIAL);
        return TokenManagerConfig.parse(yaml, "token-manager.yaml", env(user, password)).withInstanceId(instanceId);
    }

    private static String pollerYaml(String instanceId, String extraPollerKeys) {
        return common() + """
                poller:
                  instanceId: %s
                %s  jobPartitions: %d
                  sessionTimeout: PT6S
                  transactionTimeout: PT10S
                  shutdownTimeout: PT10S
                  planInterval: PT2S
                  ops:
                    port: -1
                credentials:
                  - id: %s
                    provider: genesys-cloud
                    poll:
                      requestsPerMinute: 0
                      jobs:
                        - {endpoint: genesys.queue-observations, name: live, interval: PT2S, queueNames: ["*"], batchSize: 10}
                """.formatted(instanceId, extraPollerKeys, TopicContract.POLL_JOB_PARTITIONS, CREDENTIAL);
    }

    // ---- reading back as the operator ----

    private static List<QueueStat> committedStats(java.util.function.Predicate<List<QueueStat>> until) {
        Deserializer<QueueStat> deserializer = PollSerdes.value(QueueStat.class, registry.url()).deserializer();
        List<QueueStat> out = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = operatorConsumer(TOPICS.queueStats())) {
            await().atMost(WAIT).until(() -> {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    out.add(deserializer.deserialize(r.topic(), r.value()));
                }
                return until.test(out);
            });
        }
        return out;
    }

    /** Every key on {@code topic} up to its end now. */
    private static List<String> keysOf(String topic) {
        List<String> keys = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = operatorConsumer(topic)) {
            Map<TopicPartition, Long> end = consumer.endOffsets(consumer.assignment());
            await().atMost(WAIT).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> keys.add(r.key()));
                return end.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue());
            });
        }
        return keys;
    }

    private static KafkaConsumer<String, byte[]> operatorConsumer(String topic) {
        Properties props = broker.clientProperties();
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> parts = consumer.partitionsFor(topic).stream().map(p -> new TopicPartition(topic, p.partition())).toList();
        consumer.assign(parts);
        consumer.seekToBeginning(parts);
        return consumer;
    }

    private static Map<String, String> strings(Properties props) {
        Map<String, String> out = new HashMap<>();
        props.forEach((k, v) -> out.put(String.valueOf(k), String.valueOf(v)));
        return out;
    }

    private static Map<String, Object> objects(Properties props) {
        return new HashMap<>(strings(props));
    }

    private static Path repoFile(String relative) {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.exists(dir.resolve(relative))) {
                return dir.resolve(relative);
            }
        }
        throw new IllegalStateException(relative + " not found above " + Path.of("").toAbsolutePath());
    }

    /** The ACLs of Strimzi KafkaUser resources (simple authorization) as Kafka AclBindings for {@code User:<metadata.name>}. */
    static final class KafkaUserAcls {

        static List<AclBinding> read(Path file) throws IOException {
            List<AclBinding> out = new ArrayList<>();
            try (MappingIterator<JsonNode> docs = new YAMLMapper().readerFor(JsonNode.class).readValues(file.toFile())) {
                while (docs.hasNext()) {
                    JsonNode doc = docs.next();
                    if (doc == null || !"KafkaUser".equals(doc.path("kind").asText())) {
                        continue;
                    }
                    String principal = ScramSecurity.principal(doc.path("metadata").path("name").asText());
                    for (JsonNode acl : doc.path("spec").path("authorization").path("acls")) {
                        JsonNode r = acl.path("resource");
                        ResourceType type = switch (r.path("type").asText()) {
                            case "topic" -> ResourceType.TOPIC;
                            case "group" -> ResourceType.GROUP;
                            case "transactionalId" -> ResourceType.TRANSACTIONAL_ID;
                            case "cluster" -> ResourceType.CLUSTER;
                            default -> throw new IllegalArgumentException("unknown ACL resource type in " + file + ": " + r);
                        };
                        String name = type == ResourceType.CLUSTER ? "kafka-cluster" : r.path("name").asText();
                        PatternType pattern = "prefix".equals(r.path("patternType").asText("literal")) ? PatternType.PREFIXED : PatternType.LITERAL;
                        for (JsonNode op : acl.path("operations")) {
                            AclOperation operation = AclOperation.fromString(op.asText().replaceAll("([a-z])([A-Z])", "$1_$2").toUpperCase(Locale.ROOT));
                            if (operation == AclOperation.UNKNOWN) {
                                throw new IllegalArgumentException("unknown ACL operation in " + file + ": " + op);
                            }
                            out.add(new AclBinding(new ResourcePattern(type, name, pattern),
                                    new AccessControlEntry(principal, "*", operation, AclPermissionType.ALLOW)));
                        }
                    }
                }
            }
            return out;
        }
    }
}
