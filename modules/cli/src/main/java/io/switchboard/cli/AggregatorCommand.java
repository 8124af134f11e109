package io.switchboard.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;

import io.switchboard.aggregate.Aggregator;
import io.switchboard.aggregate.AggregatorConfig;
import io.switchboard.core.ConfigException;
import io.switchboard.core.SwitchboardException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code switchboard aggregator}: one instance of the Kafka Streams aggregator with its query API and live dashboard.
 * Instances with the same {@code applicationId} share the work and answer each other's queries.
 */
@Command(name = "aggregator", mixinStandardHelpOptions = true,
        description = {"Runs the Kafka Streams aggregator (exactly-once v2): queue snapshots, 1m/15m/1h windows, tenant",
                "summaries and alerts from <prefix>.queue-stats, the interactive-query API (/api/...) and the live",
                "dashboard page. Start more instances for capacity and standby replicas."})
final class AggregatorCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ClusterOptions cluster;

    @Option(names = "--print-config-reference",
            description = "Print every key the aggregator reads with its environment variable and default, and exit.")
    boolean printReference;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (printReference) {
            out.print(AggregatorConfig.reference());
            out.flush();
            return 0;
        }
        AggregatorConfig config;
        try {
            ClusterOptions.Source src = cluster.source();
            config = AggregatorConfig.load(src.file(), src.environment());
        } catch (ConfigException e) {
            err.println(e.getMessage());
            err.println("Run `switchboard aggregator --print-config-reference` for every key.");
            return Switchboard.EXIT_USAGE;
        }
        CompletableFuture<String> fatal = new CompletableFuture<>();
        Aggregator aggregator;
        try {
            aggregator = Aggregator.start(config, new Aggregator.Options().onFatal(fatal::complete));
        } catch (SwitchboardException e) {
            err.println("aggregator cannot start: " + e.getMessage());
            return e instanceof ConfigException ? Switchboard.EXIT_USAGE : Switchboard.EXIT_FAILURE;
        }
        out.println("aggregator running: dashboard http://" + config.httpHost() + ":" + aggregator.httpPort() + "/  API /api/queues"
                + "  ops http://" + config.opsHost() + ":" + aggregator.opsPort() + "/ready");
        out.flush();
        return RoleRun.serve("aggregator", aggregator, fatal, err);
    }
}
