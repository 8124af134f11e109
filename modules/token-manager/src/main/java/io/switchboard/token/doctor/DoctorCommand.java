package io.switchboard.token.doctor;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import io.switchboard.core.ConfigProblem;
import io.switchboard.core.ConfigProblems;
import io.switchboard.core.SecretReferences;
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
 * Reads the same file as the token manager; only its {@code credentials:} list matters here.
 */
@Command(name = "doctor", mixinStandardHelpOptions = true,
        description = {"Logs in with each configured credential and explains in plain words why a login fails",
                "and what to change (client authentication, encoding, secret, audience, scope, grant, region, clock)."})
public final class DoctorCommand implements Callable<Integer> {

    /** Environment variable naming the configuration file when --config is not given. */
    public static final String CONFIG_ENV = "SWITCHBOARD_CONFIG";

    @Option(names = "--config", paramLabel = "FILE",
            description = "File with a credentials: list (default: $SWITCHBOARD_CONFIG, else ./credentials.yaml).")
    Path config;

    @Option(names = "--credential", paramLabel = "ID", description = "Check only this credential.")
    String credential;

    @Option(names = "--json", description = "Print the report as JSON.")
    boolean json;

    @Spec
    CommandSpec commandSpec;

    private final SecretReferences secrets;
    private final String configEnv;

    /** Resolves secrets and $SWITCHBOARD_CONFIG against the process environment. */
    public DoctorCommand() {
        this(new SecretReferences(), System.getenv(CONFIG_ENV));
    }

    /**
     * For embedding and tests.
     *
     * @param secrets   resolves the secret references of the configuration
     * @param configEnv value of $SWITCHBOARD_CONFIG, or {@code null}
     */
    public DoctorCommand(SecretReferences secrets, String configEnv) {
        this.secrets = secrets;
        this.configEnv = configEnv;
    }

    @Override
    public Integer call() {
        PrintWriter out = commandSpec.commandLine().getOut();
        PrintWriter err = commandSpec.commandLine().getErr();
        Path file = config != null ? config : Path.of(configEnv != null && !configEnv.isBlank() ? configEnv : "credentials.yaml");
        ConfigProblems problems = new ConfigProblems(file.toString());
        List<CredentialSpec> specs = new ArrayList<>();
        try {
            JsonNode root = new ObjectMapper(new YAMLFactory()).readTree(Files.readString(file));
            specs = CredentialsConfig.parse(root == null ? null : root.get("credentials"), secrets, problems);
        } catch (IOException e) {
            problems.add("file", file.toString(), "cannot be read as YAML (" + e.getClass().getSimpleName()
                    + (e.getMessage() != null && !(e instanceof java.nio.file.NoSuchFileException) ? ": " + firstLine(e.getMessage()) : "")
                    + "); give --config or set " + CONFIG_ENV);
        }
        if (credential != null) {
            List<CredentialSpec> one = specs.stream().filter(s -> s.id().equals(credential)).toList();
            if (one.isEmpty() && problems.isEmpty()) {
                problems.add("--credential", credential, "no credential with this id; configured: "
                        + String.join(", ", specs.stream().map(CredentialSpec::id).toList()));
            }
            if (!one.isEmpty()) {
                // Problems with other credentials do not stop checking this one.
                problems = new ConfigProblems(file.toString());
            }
            specs = one;
        }
        if (!problems.isEmpty()) {
            if (json) {
                out.print(ReportFormat.jsonProblems(file.toString(), problems.problems()));
            } else {
                err.println(problems.problems().size() + (problems.problems().size() == 1 ? " problem" : " problems") + " in " + file + ":");
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

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
