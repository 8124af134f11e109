package io.switchboard.core.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionException;

import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.config.types.Password;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.TransactionalIdAuthorizationException;
import org.junit.jupiter.api.Test;

class KafkaAccessDeniedExceptionTest {

    private static final String JAAS = "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"switchboard-poller\""
            + " password=\"s3cr3t-pw\";";
    private static final Map<String, Object> SCRAM = Map.of("bootstrap.servers", "kafka:9093", "security.protocol", "SASL_SSL",
            "sasl.mechanism", "SCRAM-SHA-512", "sasl.jaas.config", JAAS, "transactional.id", "switchboard.poller-p1");

    @Test
    void aRefusedTopicWriteNamesTopicOperationPrincipalAndTheGrant() {
        KafkaAccessDeniedException e = KafkaAccessDeniedException.explain(
                new CompletionException(new TopicAuthorizationException(Set.of("switchboard.tokens"))), "Write", SCRAM, "publishing a token")
                .orElseThrow();
        assertThat(e.resource()).isEqualTo(KafkaAccessDeniedException.Resource.TOPIC);
        assertThat(e.resourceNames()).containsExactly("switchboard.tokens");
        assertThat(e.operations()).containsExactly("Write");
        assertThat(e.principal()).isEqualTo("User:switchboard-poller");
        assertThat(e.isRetriable()).isFalse();
        assertThat(e.getMessage())
                .startsWith("Kafka refused User:switchboard-poller Write on topic switchboard.tokens while publishing a token: no ACL allows it.")
                .contains("kafka-acls.sh --bootstrap-server kafka:9093 --command-config <admin client properties> --add"
                        + " --allow-principal User:switchboard-poller --operation Write --topic switchboard.tokens")
                .contains("{resource: {type: topic, name: switchboard.tokens, patternType: literal}, operations: [Write]}")
                .contains("KafkaUser switchboard-poller")
                .doesNotContain("s3cr3t");
    }

    @Test
    void transactionalIdsAndGroupsComeFromTheClientProperties() {
        KafkaAccessDeniedException tx = KafkaAccessDeniedException.explain(new KafkaException("init",
                new TransactionalIdAuthorizationException("Transactional Id authorization failed.")), "Write", SCRAM, "initialising transactions")
                .orElseThrow();
        assertThat(tx.getMessage()).contains("Write and Describe on transactionalId switchboard.poller-p1")
                .contains("--operation Write --operation Describe --transactional-id switchboard.poller-p1");
        KafkaAccessDeniedException group = KafkaAccessDeniedException.explain(new GroupAuthorizationException("no", "switchboard.poller"),
                "Read", SCRAM, "joining the job group").orElseThrow();
        assertThat(group.getMessage()).contains("Read on group switchboard.poller").contains("--group switchboard.poller");
    }

    @Test
    void aPasswordObjectIsReadOnlyForTheUserNameAndOtherPrincipalsAreDescribed() {
        Map<String, Object> withPassword = Map.of("security.protocol", "SASL_PLAINTEXT", "sasl.mechanism", "SCRAM-SHA-256",
                "sasl.jaas.config", new Password(JAAS));
        assertThat(KafkaAccessDeniedException.principal(withPassword)).isEqualTo("User:switchboard-poller");
        assertThat(KafkaAccessDeniedException.principal(Map.of("security.protocol", "SSL"))).contains("TLS certificate");
        assertThat(KafkaAccessDeniedException.principal(Map.of())).startsWith("User:ANONYMOUS");
    }

    @Test
    void aFailedLoginIsExplainedWithoutThePassword() {
        KafkaAccessDeniedException e = KafkaAccessDeniedException.explain(
                new SaslAuthenticationException("Authentication failed during authentication due to invalid credentials with SASL mechanism SCRAM-SHA-512"),
                "Write", SCRAM, "publishing a token").orElseThrow();
        assertThat(e.getMessage()).startsWith("Kafka refused the login of User:switchboard-poller while publishing a token (SASL_SSL SCRAM-SHA-512)")
                .contains("sasl.jaas.config").doesNotContain("s3cr3t");
    }

    @Test
    void otherFailuresAreLeftAlone() {
        TimeoutException timeout = new TimeoutException("metadata");
        assertThat(KafkaAccessDeniedException.explain(timeout, "Write", SCRAM, "x")).isEmpty();
        assertThat(KafkaAccessDeniedException.explainOrSame(timeout, "Write", SCRAM, "x")).isSameAs(timeout);
    }
}
