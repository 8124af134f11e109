package io.switchboard.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

import io.switchboard.core.ConfigException;
import io.switchboard.simulator.SimulatorConfig;
import io.switchboard.simulator.VendorSimulator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code switchboard simulator}: the vendor simulator (Genesys Cloud, NICE CXone, IBM Cognos,
 * Auth0, generic RFC 6749) as a process, for trying Switchboard without vendor accounts.
 */
@Command(name = "simulator", mixinStandardHelpOptions = true,
        description = "Runs the vendor simulator (Genesys Cloud, NICE CXone, IBM Cognos Analytics, Auth0, RFC 6749)"
                + " until stopped. See docs/simulator.md.")
final class SimulatorCommand implements Callable<Integer> {

    @Option(names = "--port", description = "Port to listen on; 0 picks a free one (default: ${DEFAULT-VALUE}).", defaultValue = "8089")
    int port;

    @Option(names = "--host", description = "Address to bind (default: ${DEFAULT-VALUE}).", defaultValue = "127.0.0.1")
    String host;

    @Option(names = "--config", paramLabel = "sim.yaml", description = "Simulator configuration (tenants, clients, queues, faults)."
            + " Without it the documented defaults apply.")
    Path config;

    @Override
    public Integer call() throws InterruptedException {
        SimulatorConfig.Builder builder;
        if (config == null) {
            builder = SimulatorConfig.builder();
        } else {
            if (!Files.isReadable(config)) {
                System.err.println("--config " + config + ": no readable file there; give a simulator YAML file (see docs/simulator.md)");
                return Switchboard.EXIT_USAGE;
            }
            try {
                builder = SimulatorConfig.fromYaml(config).toBuilder();
            } catch (ConfigException e) {
                System.err.println(e.getMessage());
                return Switchboard.EXIT_USAGE;
            }
        }
        VendorSimulator sim = VendorSimulator.start(builder.port(port).host(host).build());
        System.out.println("Switchboard vendor simulator listening on " + sim.baseUrl());
        System.out.println("  Genesys login " + sim.genesysLoginUrl() + "  API " + sim.genesysApiUrl());
        System.out.println("  CXone " + sim.cxoneAuthUrl() + "  Cognos " + sim.cognosUrl() + "  Auth0 " + sim.auth0Url()
                + "  OAuth2 " + sim.oauth2Issuer() + "  admin " + sim.baseUrl() + "/_admin/state");
        awaitShutdown(sim, "simulator-shutdown");
        return 0;
    }

    /** Blocks until the JVM is asked to stop (Ctrl-C, SIGTERM), then closes {@code resource}. */
    static void awaitShutdown(AutoCloseable resource, String threadName) throws InterruptedException {
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                resource.close();
            } catch (Exception e) {
                System.err.println("closing: " + e);
            } finally {
                stopped.countDown();
            }
        }, threadName));
        stopped.await();
    }
}
