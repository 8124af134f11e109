package io.switchboard.cli;

import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.Callable;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.switchboard.core.ConfigException;
import io.switchboard.core.SwitchboardException;
import io.switchboard.core.config.ConfigFile;
import io.switchboard.token.TokenManager;
import io.switchboard.token.TokenManagerConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code switchboard token-manager --config FILE}: runs one token-manager instance until SIGTERM or
 * SIGINT, then hands its credentials over to the other instances (leaves the consumer group),
 * flushes the producer and stops. Start more instances with the same file for a hot standby (on one
 * host, with {@code ops.port: 0} or a port per instance). Exit codes: 2 a configuration problem, also
 * one found at start (the ops port is taken); 1 the role cannot run (Kafka unreachable).
 */
@Command(name = "token-manager", mixinStandardHelpOptions = true,
        description = {"Logs in to the vendors with the configured credentials, refreshes ahead of expiry and publishes",
                "encrypted tokens to <prefix>.tokens. Any number of instances share the credentials through Kafka."})
public final class TokenManagerCommand implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger(TokenManagerCommand.class);

    /** Environment variable naming the configuration file when --config is not given. */
    public static final String CONFIG_ENV = ConfigFile.ENV;

    @Mixin
    ClusterOptions cluster;

    @Option(names = "--print-config-reference",
            description = "Print every key of the configuration file (every role's, credentials included) with its environment"
                    + " variable, default and meaning, and exit.")
    boolean printReference;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (printReference) {
            out.print(ConfigurationReference.all().text());
            out.flush();
            return 0;
        }
        ConfigFile file;
        TokenManagerConfig cfg;
        try {
            Map<String, String> env = cluster.environment(System.getenv());
            file = cluster.configFile(env);
            cfg = TokenManagerConfig.from(file.load(env));
        } catch (ConfigException e) {
            err.println(e.getMessage());
            err.println("Run `switchboard token-manager --print-config-reference` for every key.");
            err.flush();
            return Switchboard.EXIT_USAGE;
        }
        TokenManager manager;
        try {
            manager = TokenManager.start(cfg);
        } catch (ConfigException e) {
            // A setting that cannot work on this host (e.g. ops.port taken by another instance): a configuration problem.
            err.println("token-manager cannot start: " + new ConfigException(file.path().toString(), e.problems()).getMessage());
            err.println("Run `switchboard token-manager --print-config-reference` for every key.");
            err.flush();
            return Switchboard.EXIT_USAGE;
        } catch (SwitchboardException e) {
            err.println("token-manager cannot start: " + e.getMessage());
            err.flush();
            return Switchboard.EXIT_FAILURE;
        }
        // Until SIGTERM/SIGINT (hand the credentials over, exit 0), or until a supervised component fails
        // fatally (/ready is DOWN with the reason; stop and exit 1, so the orchestrator restarts the instance).
        return Shutdown.awaitStopOrFatal(() -> {
            LOG.info("shutting down: handing credentials over to the other instances");
            manager.close();
        }, manager.fatal(), "switchboard-shutdown", err);
    }
}
