package io.switchboard.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;

import io.switchboard.core.ConfigException;
import io.switchboard.core.ConfigProblem;
import io.switchboard.core.config.ConfigFile;
import io.switchboard.simulator.SimulatorConfig;
import io.switchboard.simulator.VendorSimulator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code switchboard simulator}: the vendor simulator (Genesys Cloud, NICE CXone, IBM Cognos,
 * Auth0, generic RFC 6749) as a process, for trying Switchboard without vendor accounts.
 * Serves until the JVM is stopped (Ctrl-C, SIGTERM). Reads the {@code simulator:} section of the
 * configuration file every command reads (or a simulator-only file); runs with the defaults when there is none.
 */
@Command(name = "simulator", mixinStandardHelpOptions = true,
        description = "Runs the vendor simulator (Genesys Cloud, NICE CXone, IBM Cognos Analytics, Auth0, RFC 6749)"
                + " until stopped. See docs/simulator.md.")
final class SimulatorCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--port", description = "Port to listen on; 0 picks a free one (default: simulator.port of the"
            + " configuration, else 8089).")
    Integer port;

    @Option(names = "--host", description = "Address to bind (default: simulator.host of the configuration, else 127.0.0.1).")
    String host;

    @Option(names = "--config", paramLabel = "FILE", description = "Configuration file: its simulator: section (tenants, clients,"
            + " queues), or a simulator-only file (default: $" + ConfigFile.ENV + ", else ./switchboard.yaml if it exists;"
            + " without one the documented defaults apply).")
    Path config;

    @Option(names = "--clock-start", paramLabel = "<instant>", description = "Simulated instant at start-up, e.g."
            + " 2024-05-06T10:00:00Z: the same seed then serves the same data whatever the wall clock says"
            + " (overrides simulator.clock.start of the configuration; default: the wall clock).")
    String clockStart;

    @Option(names = "--clock-frozen", description = "Start with the simulated clock frozen; it then moves only with"
            + " POST /_admin/clock/advance?seconds=N (overrides simulator.clock.frozen of the configuration).")
    boolean clockFrozen;

    @Option(names = "--print-config-reference",
            description = "Print every key of the configuration file with its environment variable, default and meaning, and exit.")
    boolean printReference;

    private final Map<String, String> environment;

    /** Reads the configuration choice and overrides from the process environment. */
    SimulatorCommand() {
        this(System.getenv());
    }

    /** For tests. */
    SimulatorCommand(Map<String, String> environment) {
        this.environment = Map.copyOf(environment);
    }

    @Override
    public Integer call() throws InterruptedException {
        if (printReference) {
            spec.commandLine().getOut().print(ConfigurationReference.all().text());
            spec.commandLine().getOut().flush();
            return 0;
        }
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
        SimulatorConfig fromFile = SimulatorConfig.from(ConfigFile.choose(config, environment).loadIfPresent(environment),
                SimulatorConfig.builder().port(DEFAULT_PORT));
        SimulatorConfig.Builder builder = fromFile.toBuilder();
        if (port != null) {
            builder.port(port);
        }
        if (host != null) {
            builder.host(host);
        }
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

    /** The port of {@code switchboard simulator} when neither --port nor the configuration gives one. */
    static final int DEFAULT_PORT = 8089;
}
