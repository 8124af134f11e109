package io.switchboard.cli;

import io.switchboard.cli.demo.DemoCommand;
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
            PollerCommand.class,
            AggregatorCommand.class,
            JobsCommand.class,
            DoctorCommand.class,
            SimulatorCommand.class,
            SchemaRegistryCommand.class,
            TopicsCommand.class,
            CommandLine.HelpCommand.class,
        })
public final class Switchboard implements Runnable {

    /** Exit code: the configuration or the command line is wrong. */
    public static final int EXIT_USAGE = 2;
    /** Exit code: the role failed while running. */
    public static final int EXIT_FAILURE = 1;
    /**
     * Width of {@code --help}: wide enough that no option description or file name is broken in the
     * middle; the same on every terminal, so the help in the docs is what users see.
     */
    public static final int USAGE_WIDTH = 120;
    /** Long options up to this width share the line with their description. */
    static final int LONG_OPTIONS_WIDTH = 24;

    @Spec
    CommandSpec spec;

    /** Runs the command line and exits with its code. */
    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The command line with every role, for embedding and tests. */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Switchboard()); // picocli answers invalid input with 2 (EXIT_USAGE)
        cl.setUsageHelpWidth(USAGE_WIDTH);
        cl.setUsageHelpLongOptionsMaxWidth(LONG_OPTIONS_WIDTH);
        everyRole(cl);
        cl.setHelpFactory(WordWrappingHelp.factory()); // reaches every role; after everyRole, which adds none
        return cl;
    }

    /**
     * The same width, version and whole description for every role: the command list shows only the
     * first line of a description, so a description written as several lines becomes one paragraph
     * (picocli wraps it) instead of being cut off after its first line.
     */
    private static void everyRole(CommandLine parent) {
        for (CommandLine sub : parent.getSubcommands().values()) {
            CommandSpec role = sub.getCommandSpec();
            String[] description = role.usageMessage().description();
            if (description.length > 1) {
                role.usageMessage().description(String.join(" ", description));
            }
            if (role.version().length == 0) {
                role.versionProvider(new Version());
            }
            sub.setUsageHelpWidth(USAGE_WIDTH);
            sub.setUsageHelpLongOptionsMaxWidth(LONG_OPTIONS_WIDTH);
            everyRole(sub);
        }
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /**
     * {@code Implementation-Version} of the jar's manifest (the shaded {@code switchboard.jar} carries the
     * project version), with the Java and Kafka client versions; "development build" from classes
     * outside a jar (tests, an IDE).
     */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"switchboard " + implementationVersion().orElse("development build"),
                    "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + "), Kafka clients "
                            + org.apache.kafka.common.utils.AppInfoParser.getVersion()};
        }

        /** The version in the manifest of the jar this class was loaded from, if any. */
        static java.util.Optional<String> implementationVersion() {
            return java.util.Optional.ofNullable(Switchboard.class.getPackage().getImplementationVersion());
        }
    }
}
