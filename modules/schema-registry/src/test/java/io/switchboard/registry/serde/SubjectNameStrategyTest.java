package io.switchboard.registry.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

import io.switchboard.core.ConfigException;
import io.switchboard.events.poll.QueueStat;

class SubjectNameStrategyTest {

    final Schema stat = QueueStat.getClassSchema();

    @Test
    void subjectsAreNamedLikeConfluents() {
        assertThat(SubjectNameStrategy.TOPIC_NAME.subject("stats", false, stat)).isEqualTo("stats-value");
        assertThat(SubjectNameStrategy.TOPIC_NAME.subject("stats", true, stat)).isEqualTo("stats-key");
        assertThat(SubjectNameStrategy.RECORD_NAME.subject("stats", false, stat)).isEqualTo("io.switchboard.events.poll.QueueStat");
        assertThat(SubjectNameStrategy.TOPIC_RECORD_NAME.subject("stats", true, stat)).isEqualTo("stats-io.switchboard.events.poll.QueueStat");
        assertThatThrownBy(() -> SubjectNameStrategy.RECORD_NAME.subject("stats", true, Schema.create(Schema.Type.STRING)))
                .hasMessageContaining("needs a record schema");
    }

    @Test
    void confluentClassNamesAreAccepted() {
        assertThat(SubjectNameStrategy.parse("io.confluent.kafka.serializers.subject.TopicRecordNameStrategy"))
                .isEqualTo(SubjectNameStrategy.TOPIC_RECORD_NAME);
        assertThat(SubjectNameStrategy.parse("RecordNameStrategy")).isEqualTo(SubjectNameStrategy.RECORD_NAME);
        assertThat(SubjectNameStrategy.parse("topic_name")).isEqualTo(SubjectNameStrategy.TOPIC_NAME);
    }

    @Test
    void everyConfigProblemIsReportedAtOnce() {
        assertThatThrownBy(() -> AvroSerdeConfig.fromConfigs(Map.of(
                "auto.register.schemas", "yes",
                "value.subject.name.strategy", "com.example.Mine",
                "max.retries", "-1")))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).extracting(p -> p.key())
                        .containsExactlyInAnyOrder("schema.registry.url", "max.retries", "auto.register.schemas", "value.subject.name.strategy"));
    }

    @Test
    void confluentKeysCarryOver() {
        AvroSerdeConfig c = AvroSerdeConfig.fromConfigs(Map.of(
                "schema.registry.url", "http://a:8081/,http://b:8081",
                "auto.register.schemas", false,
                "use.latest.version", "true",
                "key.subject.name.strategy", "io.confluent.kafka.serializers.subject.RecordNameStrategy",
                "specific.avro.reader", "true",
                "basic.auth.credentials.source", "USER_INFO",
                "basic.auth.user.info", "svc:pa55",
                "max.retries", 5,
                "http.read.timeout.ms", "1500"));
        assertThat(c.registry().urls()).extracting(Object::toString).containsExactly("http://a:8081", "http://b:8081");
        assertThat(c.autoRegister()).isFalse();
        assertThat(c.useLatestVersion()).isTrue();
        assertThat(c.keyStrategy()).isEqualTo(SubjectNameStrategy.RECORD_NAME);
        assertThat(c.valueStrategy()).isEqualTo(SubjectNameStrategy.TOPIC_NAME);
        assertThat(c.specificReader()).isTrue();
        assertThat(c.registry().basicAuthUserInfo().reveal()).isEqualTo("svc:pa55");
        assertThat(c.registry().maxRetries()).isEqualTo(5);
        assertThat(c.registry().requestTimeout()).hasMillis(1500);
        assertThat(c.toString()).doesNotContain("pa55");
    }
}
