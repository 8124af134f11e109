package io.switchboard.token;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import io.switchboard.core.Secret;
import io.switchboard.token.login.CredentialLogin;
import io.switchboard.token.login.LoginException;
import io.switchboard.token.login.LoginResult;
import io.vertx.core.Future;

/** Temporary stand-in for the simulator-backed LoginClient: issues random tokens and counts logins. */
final class InTestLogin implements CredentialLogin {

    static final List<String> ISSUED = new CopyOnWriteArrayList<>();

    private final String id;
    private final Duration lifetime;
    private final LoginException failure;
    final AtomicInteger logins = new AtomicInteger();

    InTestLogin(String id, Duration lifetime, LoginException failure) {
        this.id = id;
        this.lifetime = lifetime;
        this.failure = failure;
    }

    @Override
    public String credentialId() {
        return id;
    }

    @Override
    public String provider() {
        return "genesys-cloud";
    }

    @Override
    public Future<LoginResult> login(LoginResult previous) {
        logins.incrementAndGet();
        if (failure != null) {
            return Future.failedFuture(failure);
        }
        String token = "tok-" + UUID.randomUUID();
        ISSUED.add(token);
        return Future.succeededFuture(new LoginResult(Map.of("Authorization", Secret.of("Bearer " + token)), Instant.now(),
                lifetime, List.of(), "https://api.example.test", null, Map.of("token_type", "bearer"), null));
    }
}
