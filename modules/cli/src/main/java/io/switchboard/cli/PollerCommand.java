package io.switchboard.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;

import io.switchboard.core.ConfigException;
import io.switchboard.core.SwitchboardException;
import io.switchboard.poll.PollerConfig;
import io.switchboard.poll.PollerProcess;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code switchboard poller}: one poller of the fleet. Start as many as there are credentials' worth of work: they
 * share the jobs through the consumer group on {@code <prefix>.poll-jobs} (all jobs of one credential stay on one
 * poller, which keeps that vendor's rate limit exactly).
 */
@Command(name = "poller", mixinStandardHelpOptions = true,
        description = {"Polls the vendors' reporting APIs for its share of the poll jobs (a consumer group on the poll-jobs topic)",
                "with the fleet's tokens, and writes QueueStat events, poll errors and job progress in one Kafka transaction",
                "per poll. Start more instances to scale out."})
final class PollerCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ClusterOptions cluster;

    @Option(names = "--instance-id", paramLabel = "ID",
            description = "Id of this poller (overrides poller.instanceId); every running poller needs its own.")
    String instanceId;

    @Option(names = "--print-config-reference", description = "Print every key of the configuration file (the poller's: kafka, schemaRegistry, encryption, poller,"
            + " poller.http, credentials[].poll) with its environment variable and default, and exit.")
    boolean printReference;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (printReference) {
            out.print(ConfigurationReference.all().text());
            out.flush();
            return 0;
        }
        PollerConfig config;
        try {
            ClusterOptions.Source src = cluster.source();
            config = PollerConfig.load(src.file(), src.environment());
            if (instanceId != null) {
                config = config.withInstanceId(instanceId);
            }
        } catch (ConfigException e) {
            err.println(e.getMessage());
            err.println("Run `switchboard poller --print-config-reference` for every key.");
            return Switchboard.EXIT_USAGE;
        }
        CompletableFuture<String> fatal = new CompletableFuture<>();
        PollerProcess poller;
        try {
            poller = PollerProcess.start(config, (component, reason, cause) -> fatal.complete(reason));
        } catch (SwitchboardException e) {
            err.println("poller cannot start: " + e.getMessage());
            return e instanceof ConfigException ? Switchboard.EXIT_USAGE : Switchboard.EXIT_FAILURE;
        }
        out.println("poller " + config.instanceId() + " running; ops on http://" + config.opsHost() + ":"
                + poller.poller().opsPort() + "/ready");
        out.flush();
        return RoleRun.serve("poller", poller, fatal, err);
    }
}
