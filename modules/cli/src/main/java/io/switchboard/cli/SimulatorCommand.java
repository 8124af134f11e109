package io.switchboard.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

import io.switchboard.core.ConfigException;
import io.switchboard.core.ConfigProblem;
import io.switchboard.simulator.SimulatorConfig;
import io.switchboard.simulator.VendorSimulator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code switchboard simulator}: the vendor simulator (Genesys Cloud, NICE CXone, IBM Cognos,
 * Auth0, generic RFC 6749) as a process, for trying Switchboard without vendor accounts.
 * Serves until the JVM is stopped (Ctrl-C, SIGTERM).
 */
@Command(name = "simulator", mixinStandardHelpOptions = true,
        description = "Runs the vendor simulator (Genesys Cloud, NICE CXone, IBM Cognos Analytics, Auth0, RFC 6749)"
                + " until stopped. See docs/simulator.md.")
final class SimulatorCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--port", description = "Port to listen on; 0 picks a free one (default: ${DEFAULT-VALUE}).", defaultValue = "8089")
    int port;

    @Option(names = "--host", description = "Address to bind (default: ${DEFAULT-VALUE}).", defaultValue = "127.0.0.1")
    String host;

    @Option(names = "--config", paramLabel = "sim.yaml", description = "Simulator configuration (tenants, clients, queues, faults)."
            + " Without it the documented defaults apply.")
    Path config;

    @Option(names = "--clock-start", paramLabel = "<instant>", description = "Simulated instant at start-up, e.g."
            + " 2024-05-06T10:00:00Z: the same seed then serves the same data whatever the wall clock says"
            + " (overrides clock.start of --config; default: the wall clock).")
    String clockStart;

    @Option(names = "--clock-frozen", description = "Start with the simulated clock frozen; it then moves only with"
            + " POST /_admin/clock/advance?seconds=N (overrides clock.frozen of --config).")
    boolean clockFrozen;

    @Override
    public Integer call() throws InterruptedException {
        VendorSimulator sim;
        try {
            sim = start();
        } catch (ConfigException e) {
            spec.commandLine().getErr().println(e.getMessage());
            return Switchboard.EXIT_USAGE;
        }
        PrintWriter out = spec.commandLine().getOut();
        out.println("Switchboard vendor simulator listening on " + sim.baseUrl());
        out.println("  Genesys login " + sim.genesysLoginUrl() + "  API " + sim.genesysApiUrl());
        out.println("  CXone " + sim.cxoneAuthUrl() + "  Cognos " + sim.cognosUrl() + "  Auth0 " + sim.auth0Url()
                + "  OAuth2 " + sim.oauth2Issuer() + "  admin " + sim.baseUrl() + "/_admin/state");
        out.flush();
        Shutdown.awaitThenClose(sim, "simulator-shutdown");
        return 0;
    }

    /** Starts the simulator the options describe; the caller closes it. */
    VendorSimulator start() {
        SimulatorConfig.Builder builder = SimulatorConfig.builder();
        if (config != null) {
            if (!Files.isReadable(config)) {
                throw new ConfigException("--config", java.util.List.of(new ConfigProblem("--config", config.toString(),
                        "no readable file there; give a simulator YAML file (see docs/simulator.md)")));
            }
            builder = SimulatorConfig.fromYaml(config).toBuilder();
        }
        builder.port(port).host(host);
        SimulatorConfig.Clock clock = builder.build().clock();
        java.time.Instant start = clock.start();
        if (clockStart != null) {
            try {
                start = java.time.Instant.parse(clockStart);
            } catch (java.time.format.DateTimeParseException e) {
                throw new ConfigException("--clock-start", java.util.List.of(new ConfigProblem("--clock-start", clockStart,
                        "must be an ISO-8601 instant such as 2024-05-06T10:00:00Z")));
            }
        }
        return VendorSimulator.start(builder.clock(new SimulatorConfig.Clock(start, clock.frozen() || clockFrozen)).build());
    }
}
