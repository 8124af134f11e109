package io.switchboard.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** A JVM-scoped broker is one broker for every class that asks for JVM scope. */
@WithKafka(scope = WithKafka.Scope.JVM)
class KafkaBrokerScopeIT {

    static KafkaBroker shared;
    KafkaBroker broker;

    @Test
    void staticAndInstanceFieldsAndParametersGetTheSameBroker(KafkaBroker parameter) {
        assertThat(shared).isNotNull();
        assertThat(broker).isSameAs(shared);
        assertThat(parameter).isSameAs(shared);
    }

    @Nested
    @WithKafka(scope = WithKafka.Scope.JVM)
    class AnotherClass {

        KafkaBroker nestedBroker;

        @Test
        void seesTheSameBroker() {
            assertThat(nestedBroker).isNotNull();
            assertThat(nestedBroker.bootstrapServers()).isEqualTo(shared.bootstrapServers());
        }
    }

    @Nested
    @WithKafka
    class ClassScoped {

        KafkaBroker own;

        @Test
        void getsItsOwnBroker() {
            assertThat(own).isNotNull();
            assertThat(own.bootstrapServers()).isNotEqualTo(shared.bootstrapServers());
        }
    }
}
