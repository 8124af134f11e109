package io.switchboard.bench.e2e;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.switchboard.simulator.SimulatorConfig;
import io.switchboard.simulator.SimulatorConfig.GenesysClient;
import io.switchboard.simulator.Vendor;
import io.switchboard.simulator.VendorSimulator;

/**
 * The vendor simulator of {@link PipelineBenchmark} in its own JVM, so its request handling does not share a process
 * (heap, GC, JIT threads) with the pipeline it serves. Arguments: {@code <queues> <clients> <tokenLifetimeSeconds>
 * <queueIdFile>}. Serves Genesys with {@code clients} OAuth clients {@code bench-client-0..n-1} (secret from the
 * environment variable {@code GENESYS_SECRET}), its rate limit and request recording off, short token lifetimes
 * allowed; writes the queue ids one a line to {@code queueIdFile}; prints {@code SIM <loginUrl> <apiUrl>}, then once a
 * second {@code LOGINS <epochMs> <logins of client 0> <logins of client 1> ...} (tokens the simulator issued). Runs
 * until its stdin closes.
 */
public final class SimulatorChild {

    private SimulatorChild() {
    }

    /** The OAuth client id of credential {@code i}. */
    static String clientId(int i) {
        return "bench-client-" + i;
    }

    public static void main(String[] args) throws Exception {
        int queues = Integer.parseInt(args[0]);
        int clients = Integer.parseInt(args[1]);
        Duration lifetime = Duration.ofSeconds(Long.parseLong(args[2]));
        Path idFile = Path.of(args[3]);
        String secret = System.getenv("GENESYS_SECRET");
        SimulatorConfig.Builder b = SimulatorConfig.builder().generatedQueues(Math.max(0, queues - 5)).maxRecordedRequests(0)
                .allowShortLifetimes(true).genesys(g -> g.withRateLimitPerMinute(0));
        for (int i = 0; i < clients; i++) {
            b.genesysClient(GenesysClient.of(clientId(i), secret).withTokenLifetime(lifetime));
        }
        try (VendorSimulator sim = VendorSimulator.start(b.build())) {
            Files.write(idFile, sim.queueIds(), StandardCharsets.UTF_8);
            System.out.println("SIM " + sim.genesysLoginUrl() + " " + sim.genesysApiUrl());
            System.out.flush();
            CountDownLatch done = new CountDownLatch(1);
            Thread stdin = new Thread(() -> {
                try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
                    while (in.readLine() != null) {
                        // nothing to do: the parent closes stdin to stop us
                    }
                } catch (IOException ignored) {
                    // parent gone
                }
                done.countDown();
            }, "stdin-watch");
            stdin.setDaemon(true);
            stdin.start();
            while (!done.await(1, TimeUnit.SECONDS)) {
                StringBuilder line = new StringBuilder("LOGINS ").append(System.currentTimeMillis());
                for (int i = 0; i < clients; i++) {
                    line.append(' ').append(sim.issuedTokenCount(Vendor.GENESYS, clientId(i)));
                }
                System.out.println(line);
                System.out.flush();
            }
        }
        System.exit(0);
    }
}
