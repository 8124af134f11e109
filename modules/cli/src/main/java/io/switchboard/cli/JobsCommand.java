package io.switchboard.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

import io.switchboard.core.ConfigException;
import io.switchboard.poll.JobPlan;
import io.switchboard.poll.JobPlanner;
import io.switchboard.poll.PollerConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code switchboard jobs apply|list}: the poll jobs the {@code poll:} sections of the configuration describe, on
 * {@code <prefix>.poll-jobs}. {@code apply} discovers queues with the fleet's tokens, packs them into jobs and writes
 * what changed (unchanged jobs are not rewritten, removed ones tombstoned); {@code list} shows the jobs there now.
 * The pollers run the same planning on a schedule by themselves; this is for seeing and forcing it.
 */
@Command(name = "jobs", mixinStandardHelpOptions = true,
        description = "Plans (apply) or shows (list) the poll jobs of every credential's poll: section.",
        subcommands = {JobsCommand.Apply.class, JobsCommand.ListJobs.class})
final class JobsCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    abstract static class JobsTask implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Mixin
        ClusterOptions cluster;

        @Override
        public Integer call() throws Exception {
            PrintWriter err = spec.commandLine().getErr();
            PollerConfig config;
            try {
                ClusterOptions.Source src = cluster.source();
                config = PollerConfig.load(src.file(), src.environment()).withInstanceId("switchboard-jobs");
            } catch (ConfigException e) {
                err.println(e.getMessage());
                return Switchboard.EXIT_USAGE;
            }
            return run(config, spec.commandLine().getOut());
        }

        abstract int run(PollerConfig config, PrintWriter out) throws Exception;
    }

    /** {@code jobs apply}. */
    @Command(name = "apply", mixinStandardHelpOptions = true,
            description = "Discovers queues, packs them into jobs and writes what changed to <prefix>.poll-jobs.")
    static final class Apply extends JobsTask {

        @Option(names = "--dry-run", description = "Show the plan without writing it.")
        boolean dryRun;

        @Override
        int run(PollerConfig config, PrintWriter out) {
            try (JobPlanner planner = JobPlanner.createWithVendorDiscovery(config, java.time.Duration.ofSeconds(60))) {
                JobPlan plan = planner.plan();
                out.println(plan.describe());
                plan.problems().forEach(p -> out.println("problem: " + p));
                if (!dryRun) {
                    int written = planner.apply(plan);
                    out.println(written + " record(s) written to " + config.topics().pollJobs());
                }
                out.flush();
                return plan.problems().isEmpty() ? 0 : Switchboard.EXIT_FAILURE;
            }
        }
    }

    /** {@code jobs list}. */
    @Command(name = "list", mixinStandardHelpOptions = true, description = "Shows the jobs on <prefix>.poll-jobs per credential.")
    static final class ListJobs extends JobsTask {
        @Override
        int run(PollerConfig config, PrintWriter out) {
            try (JobPlanner planner = JobPlanner.create(config, null)) {
                out.println(JobPlanner.describe(planner.list()));
                out.flush();
                return 0;
            }
        }
    }
}
