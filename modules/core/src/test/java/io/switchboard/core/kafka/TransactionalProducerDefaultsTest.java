package io.switchboard.core.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

import org.junit.jupiter.api.Test;

class TransactionalProducerDefaultsTest {

    @Test
    void aPlainProducerGetsTheShortFirstBackoff() {
        Map<String, Object> props = new HashMap<>();
        TransactionalProducerDefaults.applyTo(props, "");
        assertThat(props).containsEntry("retry.backoff.ms", TransactionalProducerDefaults.RETRY_BACKOFF_MS);
    }

    @Test
    void streamsPropertiesGetItForTheProducerOnly() {
        Properties props = new Properties();
        TransactionalProducerDefaults.applyTo(props, "producer.");
        assertThat(props).containsOnlyKeys("producer.retry.backoff.ms");
    }

    @Test
    void aUsersOwnSettingWinsPrefixedOrNot() {
        Properties streams = new Properties();
        streams.put("retry.backoff.ms", "250");
        TransactionalProducerDefaults.applyTo(streams, "producer.");
        assertThat(streams).containsOnlyKeys("retry.backoff.ms");

        Map<String, Object> producer = new HashMap<>(Map.of("retry.backoff.ms", 50));
        TransactionalProducerDefaults.applyTo(producer, "");
        assertThat(producer).containsEntry("retry.backoff.ms", 50);
    }
}
