package io.switchboard.token.login;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import io.switchboard.core.ConfigProblems;
import io.switchboard.core.SecretReferences;
import io.vertx.core.Future;

/** Shared helpers for tests that log in against the vendor simulator. */
public final class SimSupport {

    private SimSupport() {
    }

    /** Parses a credentials YAML (with {@code ${env:…}} resolved from {@code env}); fails on any problem. */
    public static Map<String, CredentialSpec> specs(String yaml, Map<String, String> env) {
        try {
            ConfigProblems problems = new ConfigProblems("test");
            List<CredentialSpec> list = CredentialsConfig.parse(new ObjectMapper(new YAMLFactory()).readTree(yaml).get("credentials"),
                    new SecretReferences(env), problems);
            assertThat(problems.problems()).as("config problems").isEmpty();
            Map<String, CredentialSpec> out = new LinkedHashMap<>();
            list.forEach(s -> out.put(s.id(), s));
            return out;
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** The result of a future, waiting at most 30 s. */
    public static <T> T await(Future<T> f) {
        try {
            return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new AssertionError("expected success but failed: " + e.getCause(), e.getCause());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** The LoginException a future failed with, waiting at most 30 s. */
    public static LoginException failure(Future<?> f) {
        try {
            Object r = f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
            return fail("expected a LoginException but got " + r);
        } catch (ExecutionException e) {
            assertThat(e.getCause()).isInstanceOf(LoginException.class);
            return (LoginException) e.getCause();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
