package io.switchboard.token;

import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;

/**
 * A token manager in its own JVM, for tests that kill it (SIGKILL: no leave-group, no flush):
 * {@code java -cp <test classpath> io.switchboard.token.TokenManagerChild <config.yaml> <instanceId>}.
 * Secrets come from the environment, as in production. Prints {@code READY owned=[...]} once the
 * group has assigned it and its token table is loaded, then runs until killed.
 */
public final class TokenManagerChild {

    /** The line printed once ready. */
    static final String READY = "READY";

    private TokenManagerChild() {
    }

    public static void main(String[] args) throws InterruptedException {
        TokenManager manager = TokenManager.start(TokenManagerConfig.load(Path.of(args[0])).withInstanceId(args[1]));
        await().atMost(Duration.ofSeconds(120)).until(manager::isReady);
        System.out.println(READY + " owned=" + manager.ownedCredentials());
        System.out.flush();
        Thread.currentThread().join(); // until the test kills this JVM
    }
}
