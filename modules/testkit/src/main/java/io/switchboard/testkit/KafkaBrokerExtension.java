package io.switchboard.testkit;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ExtensionContext.Namespace;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit 5 extension that provides a real {@link KafkaBroker}.
 *
 * <p>Use through {@link WithKafka}. The scope decides how long a broker lives: one per test class
 * (the default, started before the first test, stopped after the last) or one per JVM (shared by
 * every class that asks for {@link WithKafka.Scope#JVM}, stopped when the JVM's tests end). Tests
 * receive the broker as a parameter ({@code KafkaBroker broker}) or in a {@code KafkaBroker} field.
 * Tests sharing a broker must use their own topic names and group ids.
 */
public final class KafkaBrokerExtension implements BeforeAllCallback, BeforeEachCallback, ParameterResolver {

    private static final Namespace NAMESPACE = Namespace.create(KafkaBrokerExtension.class);

    @Override
    public void beforeAll(ExtensionContext context) {
        KafkaBroker broker = broker(context);
        injectFields(context.getRequiredTestClass(), null, broker, true);
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        injectFields(context.getRequiredTestClass(), context.getRequiredTestInstance(), broker(context), false);
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return KafkaBroker.class.isAssignableFrom(parameter.getParameter().getType());
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) throws ParameterResolutionException {
        return broker(context);
    }

    private static KafkaBroker broker(ExtensionContext context) {
        WithKafka.Scope scope = context.getRequiredTestClass().isAnnotationPresent(WithKafka.class)
                ? context.getRequiredTestClass().getAnnotation(WithKafka.class).scope()
                : WithKafka.Scope.CLASS;
        ExtensionContext owner = scope == WithKafka.Scope.JVM ? context.getRoot() : classContext(context);
        // Stores are looked up through the parents too, so the key names the owner: a class-scoped
        // nested class must not pick up its outer class's (or the JVM's) broker.
        String key = scope == WithKafka.Scope.JVM ? "broker:jvm" : "broker:" + owner.getRequiredTestClass().getName();
        return owner.getStore(NAMESPACE)
                .getOrComputeIfAbsent(key, k -> new ClosingBroker(KafkaBroker.start()), ClosingBroker.class)
                .broker();
    }

    private static ExtensionContext classContext(ExtensionContext context) {
        ExtensionContext c = context;
        while (c.getTestMethod().isPresent() && c.getParent().isPresent()) {
            c = c.getParent().get();
        }
        return c;
    }

    private static void injectFields(Class<?> type, Object instance, KafkaBroker broker, boolean statics) {
        for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
            for (Field field : c.getDeclaredFields()) {
                if (KafkaBroker.class.isAssignableFrom(field.getType()) && Modifier.isStatic(field.getModifiers()) == statics) {
                    try {
                        field.setAccessible(true);
                        field.set(instance, broker);
                    } catch (IllegalAccessException e) {
                        throw new IllegalStateException("cannot inject KafkaBroker into " + field, e);
                    }
                }
            }
        }
    }

    /** Closes the broker when JUnit closes the store that holds it. */
    private record ClosingBroker(KafkaBroker broker) implements AutoCloseable {
        @Override
        public void close() {
            broker.close();
        }
    }
}
