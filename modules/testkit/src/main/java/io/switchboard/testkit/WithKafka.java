package io.switchboard.testkit;

import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Runs the annotated test class against a real Kafka broker: the in-process KRaft broker, or a
 * Testcontainers one with {@code -Dswitchboard.kafka=testcontainers}. See {@link KafkaBrokerExtension}.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Inherited
@ExtendWith(KafkaBrokerExtension.class)
public @interface WithKafka {

    /** How long one broker lives. */
    Scope scope() default Scope.CLASS;

    /** Broker lifetime. */
    enum Scope {
        /** One broker for the test class. */
        CLASS,
        /** One broker for every class in this JVM that asks for JVM scope. */
        JVM
    }
}
