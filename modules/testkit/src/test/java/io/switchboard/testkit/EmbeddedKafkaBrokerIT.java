package io.switchboard.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** Life cycle of the plain Java API used by benchmarks and the demo. */
class EmbeddedKafkaBrokerIT {

    @Test
    void closeStopsTheBrokerAndDeletesItsData() {
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(Map.of("num.partitions", "3"));
        Path data = broker.dataDir();
        broker.createTopic("life.cycle", 1, Map.of());
        assertThat(Files.exists(data)).isTrue();
        broker.close();
        broker.close(); // idempotent
        assertThat(Files.exists(data)).isFalse();
    }

    @Test
    void unknownBrokerKindIsExplained() {
        String before = System.getProperty(KafkaBroker.KIND_PROPERTY);
        System.setProperty(KafkaBroker.KIND_PROPERTY, "zookeeper");
        try {
            assertThatThrownBy(KafkaBroker::start)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("'embedded'").hasMessageContaining("'testcontainers'");
        } finally {
            if (before == null) {
                System.clearProperty(KafkaBroker.KIND_PROPERTY);
            } else {
                System.setProperty(KafkaBroker.KIND_PROPERTY, before);
            }
        }
    }
}
