package io.switchboard.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The broker's secured mode: SCRAM-SHA-512 logins, the StandardAuthorizer, users and ACLs through the Admin API. */
class SecuredKafkaBrokerIT {

    private static EmbeddedKafkaBroker broker;

    @BeforeAll
    static void start() {
        broker = EmbeddedKafkaBroker.startSecured(ScramSecurity.scramSha512("admin", "admin-pw").withUser("writer", "writer-pw"));
        broker.createTopic("granted", 1, Map.of());
        broker.createTopic("forbidden", 1, Map.of());
    }

    @AfterAll
    static void stop() {
        broker.close();
    }

    @Test
    void theSuperUserDoesEverythingThroughTheUsualHelpers() throws Exception {
        assertThat(broker.isSecured()).isTrue();
        try (Admin admin = broker.admin()) {
            assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS)).contains("granted", "forbidden");
        }
        assertThat(broker.clientProperties().getProperty("sasl.jaas.config")).contains("username=\"admin\"");
        assertThat(new ScramSecurity("admin", "admin-pw", Map.of("writer", "writer-pw")).toString()).doesNotContain("-pw");
    }

    @Test
    void aUserWithoutAclsIsRefusedAndAGrantedAclOpensExactlyItsTopic() throws Exception {
        broker.createAcls(List.of(acl("writer", ResourceType.TOPIC, "granted", AclOperation.WRITE)));
        try (KafkaProducer<String, String> producer = producer("writer")) {
            producer.send(new ProducerRecord<>("granted", "k", "v")).get(30, TimeUnit.SECONDS);
            assertThatThrownBy(() -> producer.send(new ProducerRecord<>("forbidden", "k", "v")).get(30, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .cause().isInstanceOf(TopicAuthorizationException.class)
                    .satisfies(e -> assertThat(((TopicAuthorizationException) e).unauthorizedTopics()).containsExactly("forbidden"));
        }
        // Write does not imply Read
        Properties props = broker.clientProperties("writer");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer())) {
            consumer.assign(List.of(new TopicPartition("granted", 0)));
            assertThatThrownBy(() -> consumer.poll(Duration.ofSeconds(10))).isInstanceOf(TopicAuthorizationException.class);
        }
    }

    @Test
    void aUserCreatedAtRunTimeLogsInAndReadsWhatItIsGranted() throws Exception {
        broker.createScramUser("reader", "reader-pw");
        broker.createAcls(List.of(acl("reader", ResourceType.TOPIC, "granted", AclOperation.READ)));
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(broker.clientProperties(), new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>("granted", "by-admin", "x")).get(30, TimeUnit.SECONDS);
        }
        Properties props = broker.clientProperties("reader");
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer())) {
            TopicPartition tp = new TopicPartition("granted", 0);
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            List<String> keys = new ArrayList<>();
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> keys.add(r.key()));
                return keys.contains("by-admin");
            });
        }
    }

    @Test
    void aWrongPasswordAndAnUnknownUserAreRefusedAtLogin() {
        Properties props = broker.clientProperties("writer");
        props.putAll(ScramSecurity.clientProperties("writer", "not-the-password"));
        try (Admin admin = Admin.create(props)) {
            assertThatThrownBy(() -> admin.listTopics().names().get(30, TimeUnit.SECONDS))
                    .cause().isInstanceOf(SaslAuthenticationException.class);
        }
        assertThatThrownBy(() -> broker.clientProperties("nobody")).hasMessageContaining("no SCRAM user 'nobody'");
    }

    @Test
    void aPlainBrokerSaysHowToGetASecuredOne() {
        // the default mode stays as it was: no authorizer, no SASL
        try (EmbeddedKafkaBroker plain = EmbeddedKafkaBroker.start()) {
            assertThat(plain.isSecured()).isFalse();
            assertThat(plain.clientProperties()).doesNotContainKey("sasl.jaas.config");
            assertThatThrownBy(() -> plain.createScramUser("x", "y")).hasMessageContaining("startSecured");
        }
    }

    private static KafkaProducer<String, String> producer(String user) {
        Properties props = broker.clientProperties(user);
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "20000");
        return new KafkaProducer<>(props, new StringSerializer(), new StringSerializer());
    }

    private static AclBinding acl(String user, ResourceType type, String name, AclOperation operation) {
        return new AclBinding(new ResourcePattern(type, name, PatternType.LITERAL),
                new AccessControlEntry(ScramSecurity.principal(user), "*", operation, AclPermissionType.ALLOW));
    }
}
