package io.switchboard.cli.demo;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.switchboard.cli.DurationConverter;
import io.switchboard.core.SwitchboardException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code switchboard demo}: the whole pipeline in one JVM on an embedded default (see {@link EmbeddedDemo}), with a
 * live summary, until Ctrl-C or for {@code --duration}; {@code --report} writes the JSON report at the end.
 * Exit codes: 0 the demo ran (and stopped cleanly), 1 a component failed, 2 bad options.
 */
@Command(name = "demo", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Runs the whole pipeline in one JVM: an in-process Kafka broker, the schema registry, the vendor",
                "simulator with one tenant per vendor (Genesys Cloud, NICE CXone, IBM Cognos Analytics, an Auth0-protected",
                "API like Open Cosmos DataCosmos), the token manager, pollers and the aggregator with its live dashboard.",
                "One extra credential has a wrong secret on purpose (it is parked with the reason), and the simulator",
                "revokes the Genesys token mid-run to show that the whole fleet logs in exactly once."})
public final class DemoCommand implements java.util.concurrent.Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger(DemoCommand.class);

    @Spec
    CommandSpec spec;

    @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = ".switchboard/demo",
            description = "The broker's data, reused across restarts (default: ${DEFAULT-VALUE}).")
    Path dataDir;

    @Option(names = "--duration", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Run this long, then stop and exit 0 (e.g. 60s, 5m, PT2M). Default: until Ctrl-C.")
    Duration duration;

    @Option(names = "--report", paramLabel = "FILE",
            description = "At the end, write a JSON report (credentials, roles, tenants, errors, URLs) to FILE.")
    Path report;

    @Option(names = "--queues", paramLabel = "N", defaultValue = "200",
            description = "Queues the simulator serves (default: ${DEFAULT-VALUE}).")
    int queues;

    @Option(names = "--pollers", paramLabel = "N", defaultValue = "2", description = "Poller instances (default: ${DEFAULT-VALUE}).")
    int pollers;

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "8080",
            description = "Port of the dashboard and query API; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--revoke-after", paramLabel = "DURATION", converter = DurationConverter.class, defaultValue = "20s",
            description = "When the simulator revokes the Genesys token, to show one login for the whole fleet (default: ${DEFAULT-VALUE}).")
    Duration revokeAfter;

    @Option(names = "--refresh", paramLabel = "DURATION", converter = DurationConverter.class, defaultValue = "2s",
            description = "How often the summary is refreshed (default: ${DEFAULT-VALUE}).")
    Duration refresh;

    @Option(names = "--plain", description = "Print the summary as plain lines even on a terminal.")
    boolean plain;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (queues < 1 || pollers < 1 || port < 0 || port > 65535) {
            err.println("--queues and --pollers need at least 1, --port 0-65535");
            return io.switchboard.cli.Switchboard.EXIT_USAGE;
        }
        DemoOptions options = new DemoOptions(dataDir, queues, pollers, port, revokeAfter, 42L);
        java.nio.file.Files.createDirectories(dataDir);
        Path log = dataDir.resolve("demo.log");
        boolean logged = DemoLogging.toFile(log);
        out.println("Switchboard demo: starting every component in this JVM (Ctrl-C stops them all, in order)");
        if (logged) {
            out.println("  logs: " + log.toAbsolutePath());
        }
        out.flush();
        EmbeddedDemo demo;
        try {
            demo = EmbeddedDemo.start(options, out);
        } catch (SwitchboardException | IllegalStateException e) {
            err.println("the demo could not start: " + e.getMessage());
            return io.switchboard.cli.Switchboard.EXIT_FAILURE;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        AtomicBoolean closing = new AtomicBoolean();
        Thread hook = new Thread(() -> {
            if (closing.compareAndSet(false, true)) {
                out.println();
                out.println("stopping: pollers, aggregator, token manager, simulator, registry, broker ...");
                out.flush();
                demo.close();
            }
            stopped.countDown();
        }, "demo-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);

        DemoConsole console = new DemoConsole(out, !plain && System.console() != null);
        Instant started = Instant.now();
        Instant end = duration == null ? null : started.plus(duration);
        boolean revoked = false;
        int code = 0;
        try {
            while (!stopped.await(refresh.toMillis(), TimeUnit.MILLISECONDS)) {
                if (demo.fatal().isDone()) {
                    err.println("the demo stopped: " + demo.fatal().getNow(null));
                    code = io.switchboard.cli.Switchboard.EXIT_FAILURE;
                    break;
                }
                Instant now = Instant.now();
                if (!revoked && revokeAfter != null && now.isAfter(started.plus(revokeAfter))) {
                    demo.revokeGenesysTokens();
                    revoked = true;
                }
                console.print(demo.snapshot());
                if (end != null && now.isAfter(end)) {
                    break;
                }
            }
        } catch (RuntimeException e) {
            LOG.error("demo failed", e);
            err.println("the demo failed: " + e.getMessage());
            code = io.switchboard.cli.Switchboard.EXIT_FAILURE;
        }
        if (closing.compareAndSet(false, true)) {
            DemoSnapshot last = demo.snapshot();
            if (report != null) {
                DemoReport.write(last, report);
                out.println("report written to " + report.toAbsolutePath());
            }
            out.println("stopping every component ...");
            out.flush();
            demo.close();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // the JVM is already shutting down
            }
        }
        out.flush();
        return code;
    }
}
