package io.switchboard.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import io.switchboard.core.ConfigException;
import io.switchboard.core.ConfigProblem;
import io.switchboard.core.ConfigProblems;
import io.switchboard.core.SecretReferences;
import io.switchboard.core.config.ConfigFile;
import io.switchboard.core.config.ConfigSource;
import io.switchboard.token.doctor.CredentialReport;
import io.switchboard.token.doctor.Doctor;
import io.switchboard.token.doctor.ReportFormat;
import io.switchboard.token.login.CredentialSpec;
import io.switchboard.token.login.CredentialsConfig;
import io.switchboard.token.login.LoginClient;
import io.vertx.core.Vertx;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code switchboard doctor [--config F] [--credential ID] [--json]}: logs in with each configured
 * credential (or one) and explains every failure in plain words with the change that fixes it.
 *
 * <p>Exit codes: 0 every checked credential logs in; 1 at least one does not; 2 the configuration
 * cannot be read or is invalid (every problem is listed), or {@code --credential} names no credential.
 * Reads the same file as every other command ({@link ConfigFile}: {@code --config}, else
 * {@code $SWITCHBOARD_CONFIG}, else {@code ./switchboard.yaml}); only its {@code credentials:} list
 * matters here, with the same environment overrides as the token manager.
 */
@Command(name = "doctor", mixinStandardHelpOptions = true,
        description = {"Logs in with each configured credential and explains in plain words why a login fails",
                "and what to change (client authentication, encoding, secret, audience, scope, grant, region, clock)."})
public final class DoctorCommand implements Callable<Integer> {

    /** Environment variable naming the configuration file when --config is not given. */
    public static final String CONFIG_ENV = ConfigFile.ENV;

    @Option(names = "--config", paramLabel = "FILE",
            description = "File with a credentials: list (default: $" + ConfigFile.ENV + ", else switchboard.yaml).")
    Path config;

    @Option(names = "--credential", paramLabel = "ID", description = "Check only this credential.")
    String credential;

    @Option(names = "--json", description = "Print the report as JSON.")
    boolean json;

    @Spec
    CommandSpec commandSpec;

    private final SecretReferences secrets;
    private final Map<String, String> environment;

    /** Reads the file choice, overrides and secret references from the process environment. */
    public DoctorCommand() {
        this(System.getenv());
    }

    /**
     * For embedding and tests.
     *
     * @param environment the environment: $SWITCHBOARD_CONFIG, {@code SWITCHBOARD_CREDENTIALS_<ID>_…} overrides and
     *                    the variables that {@code ${env:…}} references name
     */
    public DoctorCommand(Map<String, String> environment) {
        this.environment = Map.copyOf(environment);
        this.secrets = new SecretReferences(this.environment);
    }

    /**
     * For embedding and tests, without environment overrides.
     *
     * @param secrets   resolves the secret references of the configuration
     * @param configEnv value of $SWITCHBOARD_CONFIG, or {@code null}
     */
    public DoctorCommand(SecretReferences secrets, String configEnv) {
        this.secrets = secrets;
        this.environment = configEnv == null ? Map.of() : Map.of(CONFIG_ENV, configEnv);
    }

    @Override
    public Integer call() {
        PrintWriter out = commandSpec.commandLine().getOut();
        PrintWriter err = commandSpec.commandLine().getErr();
        ConfigFile file = ConfigFile.choose(config, environment);
        ConfigProblems problems = new ConfigProblems(file.path().toString());
        List<CredentialSpec> specs = new ArrayList<>();
        try {
            ConfigSource source = file.load(environment).withSecrets(secrets);
            problems = source.newProblems();
            specs = CredentialsConfig.parse(source.root(problems));
        } catch (ConfigException e) {
            for (ConfigProblem p : e.problems()) {
                problems.add(p.key(), p.value(), p.message());
            }
        }
        if (credential != null) {
            List<CredentialSpec> one = specs.stream().filter(s -> s.id().equals(credential)).toList();
            if (one.isEmpty() && problems.isEmpty()) {
                problems.add("--credential", credential, "no credential with this id; configured: "
                        + String.join(", ", specs.stream().map(CredentialSpec::id).toList()));
            }
            if (!one.isEmpty()) {
                // Problems with other credentials do not stop checking this one.
                problems = new ConfigProblems(file.path().toString());
            }
            specs = one;
        }
        if (!problems.isEmpty()) {
            if (json) {
                out.print(ReportFormat.jsonProblems(file.path().toString(), problems.problems()));
            } else {
                err.println(problems.problems().size() + (problems.problems().size() == 1 ? " problem" : " problems") + " in "
                        + file.path() + ":");
                for (ConfigProblem p : problems.problems()) {
                    err.println("  - " + p);
                }
            }
            out.flush();
            err.flush();
            return 2;
        }
        Vertx vertx = Vertx.vertx();
        List<CredentialReport> reports = new ArrayList<>();
        try (LoginClient client = new LoginClient(vertx)) {
            Doctor doctor = new Doctor(client);
            for (CredentialSpec spec : specs) {
                reports.add(doctor.check(spec));
            }
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().join();
        }
        out.print(json ? ReportFormat.json(reports) : ReportFormat.human(reports));
        out.flush();
        return reports.stream().allMatch(CredentialReport::ok) ? 0 : 1;
    }
}
