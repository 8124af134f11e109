package io.switchboard.poll;

import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;

import io.switchboard.core.supervise.Health;
import io.switchboard.token.TokenTable;

/**
 * A poller in its own JVM, for tests that kill it (SIGKILL: no leave-group, no commit, an open transaction left
 * behind): {@code java -cp <test classpath> io.switchboard.poll.PollerChild <poller.yaml> <instanceId> [vendor]}. With
 * {@code vendor} it runs the production wiring ({@link PollerProcess}: vendor executor, token table, rate limiter) with
 * a {@code User-Agent} naming the instance and {@link FleetFixture#faultOptions()}; without, {@link SimObservationsExecutor}. Secrets come from the
 * environment. Prints {@code READY} once it is ready, then runs until killed.
 */
public final class PollerChild {

    /** The line printed once ready. */
    static final String READY = "READY";

    private PollerChild() {
    }

    public static void main(String[] args) throws InterruptedException {
        PollerConfig config = PollerConfig.load(Path.of(args[0])).withInstanceId(args[1]);
        Poller poller;
        if (args.length > 2 && args[2].equals("vendor")) {
            poller = PollerProcess.start(config, FleetFixture.vendorOptions(config.instanceId(), FleetFixture.faultOptions()), (component, reason, cause) -> {
                System.out.println("FATAL " + reason);
                System.exit(1);
            }).poller();
        } else {
            TokenTable tokens = TokenTable.start(config.tokenTableConfig());
            poller = Poller.builder(config, new SimObservationsExecutor(config.instanceId(), tokens))
                    .readiness("tokens-loaded", () -> tokens.isReady() ? Health.ok() : Health.down("token table loading"))
                    .onFatal((component, reason, cause) -> {
                        System.out.println("FATAL " + reason);
                        System.exit(1);
                    })
                    .start();
        }
        long[] lastReport = {System.nanoTime()};
        await().atMost(Duration.ofSeconds(120)).until(() -> {
            boolean ready = poller.isReady();
            if (!ready && System.nanoTime() - lastReport[0] > Duration.ofSeconds(5).toNanos()) {
                System.out.println("NOT READY: " + poller.readiness().reason());
                lastReport[0] = System.nanoTime();
            }
            return ready;
        });
        System.out.println(READY);
        System.out.flush();
        Thread.currentThread().join(); // until the test kills this JVM
    }
}
