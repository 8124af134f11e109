package io.switchboard.cli;

import io.switchboard.cli.demo.DemoCommand;
import io.switchboard.token.doctor.DoctorCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code switchboard <role> [options]}: every role of Switchboard from one runnable jar.
 *
 * <p>A role is a picocli subcommand; adding one is one entry in {@code subcommands} below.
 * Exit codes shared by every subcommand: 0 success (or a clean shutdown), 1 the role failed while
 * running, 2 bad configuration or usage (every problem is printed).
 */
@Command(name = "switchboard", mixinStandardHelpOptions = true, versionProvider = Switchboard.Version.class,
        description = "Logs in to contact-centre and analytics SaaS vendors once for the whole fleet, shares tokens"
                + " through Kafka, polls queue statistics and aggregates them.",
        subcommands = {
            DemoCommand.class,
            TokenManagerCommand.class,
            DoctorCommand.class,
            SimulatorCommand.class,
            SchemaRegistryCommand.class,
            CommandLine.HelpCommand.class,
        })
public final class Switchboard implements Runnable {

    /** Exit code: the configuration or the command line is wrong. */
    public static final int EXIT_USAGE = 2;
    /** Exit code: the role failed while running. */
    public static final int EXIT_FAILURE = 1;

    @Spec
    CommandSpec spec;

    /** Runs the command line and exits with its code. */
    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The command line with every role, for embedding and tests. */
    public static CommandLine commandLine() {
        return new CommandLine(new Switchboard()); // picocli answers invalid input with 2 (EXIT_USAGE)
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Version from the jar manifest. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Switchboard.class.getPackage().getImplementationVersion();
            return new String[] {"switchboard " + (v == null ? "development build" : v)};
        }
    }
}
