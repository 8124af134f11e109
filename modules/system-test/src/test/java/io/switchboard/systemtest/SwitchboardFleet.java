package io.switchboard.systemtest;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The whole Switchboard deployment of a system test as separate processes on 127.0.0.1: a Kafka broker from Kafka's
 * own jars ({@link KafkaServerProcess}), then from the shaded {@code switchboard.jar} (system property
 * {@code switchboard.jar}, set by the POM to {@code modules/cli/target/switchboard.jar}) the vendor simulator, the
 * development schema registry, {@code topics create}, and the roles — every role from one generated
 * {@code switchboard.yaml} with its secrets as {@code ${env:…}} references, exactly as an operator runs them. Every
 * child's output goes to files of {@code dir}; {@link #close()} kills every child still running. Not thread-safe.
 */
final class SwitchboardFleet implements AutoCloseable {

    static final Duration WAIT = Duration.ofSeconds(90);

    /** A credential of the generated configuration: id, the simulator vendor that serves it, its login path. */
    record Credential(String id, String vendor, String loginMethod, String loginPath) {
    }

    static final Credential GENESYS = new Credential("genesys-eu", "genesys", "POST", "/genesys/login/oauth/token");
    static final Credential CXONE = new Credential("cxone", "cxone", "POST", "/cxone/auth/token");
    static final Credential COGNOS = new Credential("cognos", "cognos", "PUT", "/cognos/api/v1/session");
    static final Credential DATACOSMOS = new Credential("datacosmos", "auth0", "POST", "/auth0/oauth/token");
    static final List<Credential> CREDENTIALS = List.of(GENESYS, CXONE, COGNOS, DATACOSMOS);

    /** A running role: its process and the ports it printed. */
    record Role(String id, ChildProcess process, int opsPort, int httpPort) {
    }

    private final Path dir;
    private final Path jar;
    private final String tokenKey;
    private final List<ChildProcess> children = new ArrayList<>();
    private final Thread killOnExit;
    private KafkaServerProcess kafka;
    private String simulatorUrl;
    private String registryUrl;
    private Path config;
    private final Map<String, String> kafkaProperties;
    private Duration vendorRequestTimeout;
    private Duration genesysIntervalGranularity;

    SwitchboardFleet(Path dir) {
        this(dir, Map.of());
    }

    /**
     * @param kafkaProperties {@code kafka.properties} of the configuration: client properties for every role's clients
     *                        (e.g. a shorter {@code session.timeout.ms} for the aggregator's Streams consumer)
     */
    SwitchboardFleet(Path dir, Map<String, String> kafkaProperties) {
        this.dir = dir;
        this.kafkaProperties = Map.copyOf(kafkaProperties);
        String jarProperty = System.getProperty("switchboard.jar");
        if (jarProperty == null) {
            throw new IllegalStateException("system property switchboard.jar is not set: run this test with failsafe"
                    + " (./mvnw -pl modules/system-test -am verify), which points it at modules/cli/target/switchboard.jar");
        }
        this.jar = Path.of(jarProperty).toAbsolutePath().normalize();
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " does not exist: build the CLI first (the reactor packages"
                    + " modules/cli before this module: ./mvnw -pl modules/system-test -am verify)");
        }
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        this.tokenKey = Base64.getEncoder().encodeToString(key);
        // If the test JVM itself is stopped (failsafe timeout, Ctrl-C), take the children with it.
        this.killOnExit = new Thread(this::killAll, "system-test-kill-children");
        Runtime.getRuntime().addShutdownHook(killOnExit);
    }

    /**
     * Sets {@code poller.http.requestTimeout} (default 20 s) in the configuration {@link #startInfrastructure()} writes:
     * a vendor answer slower than this is a timeout, so a test can make the simulator that slow without waiting long.
     */
    SwitchboardFleet vendorRequestTimeout(Duration timeout) {
        this.vendorRequestTimeout = timeout;
        return this;
    }

    /**
     * Adds a second job to the Genesys credential in the configuration {@link #startInfrastructure()} writes:
     * {@code genesys.conversation-aggregates} (name {@code intervals}, every 5 s, intervals of {@code granularity}; each
     * poll fetches the last two closed intervals and the open one). The poller places the intervals on its own clock
     * (the wall clock), not the simulator's; the simulator's history answers for any instant.
     */
    SwitchboardFleet genesysIntervals(Duration granularity) {
        this.genesysIntervalGranularity = granularity;
        return this;
    }

    /** {@code java} of the JDK that runs the test, with flags that keep many small JVMs cheap on two cores. */
    static List<String> java() {
        return List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-XX:-UsePerfData", "-Xss512k", "-Xms32m");
    }

    Path dir() {
        return dir;
    }

    KafkaServerProcess kafka() {
        return kafka;
    }

    String simulatorUrl() {
        return simulatorUrl;
    }

    String registryUrl() {
        return registryUrl;
    }

    /** Starts the broker, then the simulator and the schema registry side by side, then creates the topics. */
    void startInfrastructure() {
        kafka = new KafkaServerProcess(dir, java());
        kafka.start(WAIT);
        children.add(kafka.process());
        write("simulator.yaml", """
                # simulator-only settings (keys at the top): fixed seed and start instant, a request log for the whole run
                seed: 42
                maxRecordedRequests: 100000
                clock:
                  start: 2024-05-06T10:00:00Z
                """);
        ChildProcess sim = switchboard("simulator", Map.of(), "simulator", "--port", "0", "--config",
                dir.resolve("simulator.yaml").toString());
        ChildProcess registry = switchboard("schema-registry", Map.of(), "schema-registry", "--bootstrap-servers",
                kafka.bootstrapServers(), "--port", "0");
        simulatorUrl = sim.awaitLine(Pattern.compile("simulator listening on (http://127\\.0\\.0\\.1:\\d+)"), WAIT);
        registryUrl = registry.awaitLine(Pattern.compile("Schema registry listening on (http://127\\.0\\.0\\.1:\\d+)"), WAIT);
        config = write("switchboard.yaml", configYaml());
        ChildProcess topics = switchboard("topics-create", Map.of(), "topics", "create", "--config", config.toString());
        int exit = topics.awaitExit(WAIT);
        if (exit != 0) {
            throw new AssertionError("switchboard topics create exited with " + exit + ": " + topics.outputLines());
        }
    }

    /** Starts {@code switchboard token-manager}; its instance id through the environment override. */
    ChildProcess startTokenManager(String id) {
        Map<String, String> env = new LinkedHashMap<>(secrets());
        env.put("SWITCHBOARD_TOKEN_MANAGER_INSTANCE_ID", id);
        return switchboard(id, env, "token-manager", "--config", config.toString());
    }

    /** Starts {@code switchboard poller --instance-id id}: it needs only the token key (it decrypts, never logs in). */
    ChildProcess startPoller(String id) {
        return switchboard(id, Map.of("SWITCHBOARD_TOKEN_KEY", tokenKey), "poller", "--config", config.toString(),
                "--instance-id", id);
    }

    /**
     * Starts {@code switchboard aggregator}: no secrets at all. Each instance runs in its own working directory
     * {@code dir/<id>}, where the configuration's relative {@code streams.stateDir} puts its state (two Streams
     * instances cannot share a state directory).
     */
    ChildProcess startAggregator(String id) {
        return switchboard(id, dir.resolve(id), Map.of(), "aggregator", "--config", config.toString());
    }

    /** Starts the only token manager of the fleet and waits until it owns every credential, each VALID. */
    Role startSoleTokenManager(String id) {
        Role tokenManager = tokenManager(id, startTokenManager(id));
        org.awaitility.Awaitility.await("every credential VALID on " + id).atMost(WAIT).pollInterval(Duration.ofSeconds(1))
                .until(() -> owned(tokenManager).size() == CREDENTIALS.size());
        return tokenManager;
    }

    /** The pollers and aggregators {@link #startPollersAndAggregators} started, in the order of their ids. */
    record Started(List<Role> pollers, List<Role> aggregators) {
    }

    /** Starts the pollers and the aggregators side by side, then waits for each one's start-up line. */
    Started startPollersAndAggregators(List<String> pollerIds, List<String> aggregatorIds) {
        Map<String, ChildProcess> pollerProcesses = new LinkedHashMap<>();
        pollerIds.forEach(id -> pollerProcesses.put(id, startPoller(id)));
        Map<String, ChildProcess> aggregatorProcesses = new LinkedHashMap<>();
        aggregatorIds.forEach(id -> aggregatorProcesses.put(id, startAggregator(id)));
        List<Role> pollers = new ArrayList<>();
        pollerProcesses.forEach((id, p) -> pollers.add(poller(id, p)));
        List<Role> aggregators = new ArrayList<>();
        aggregatorProcesses.forEach((id, p) -> aggregators.add(aggregator(id, p)));
        return new Started(List.copyOf(pollers), List.copyOf(aggregators));
    }

    /** Waits for a token manager's start-up line and returns the role with its ops port. */
    static Role tokenManager(String id, ChildProcess p) {
        int ops = Integer.parseInt(p.awaitLine(Pattern.compile("token manager .* started: .* ops on 127\\.0\\.0\\.1:(\\d+)"), WAIT));
        return new Role(id, p, ops, -1);
    }

    static Role poller(String id, ChildProcess p) {
        int ops = Integer.parseInt(p.awaitLine(Pattern.compile("poller .* running; ops on http://127\\.0\\.0\\.1:(\\d+)/ready"), WAIT));
        return new Role(id, p, ops, -1);
    }

    static Role aggregator(String id, ChildProcess p) {
        String line = p.awaitLine(Pattern.compile("(aggregator running: dashboard .*)"), WAIT);
        var m = Pattern.compile("dashboard http://127\\.0\\.0\\.1:(\\d+)/ .* ops http://127\\.0\\.0\\.1:(\\d+)/ready").matcher(line);
        if (!m.find()) {
            throw new AssertionError("unexpected start-up line of " + id + ": " + line);
        }
        return new Role(id, p, Integer.parseInt(m.group(2)), Integer.parseInt(m.group(1)));
    }

    /** The vendor secrets and the token key, as the configuration's {@code ${env:…}} references name them. */
    private Map<String, String> secrets() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("SWITCHBOARD_TOKEN_KEY", tokenKey);
        env.put("GENESYS_SECRET", "genesys-secret");
        env.put("CXONE_SECRET", "cxone-client-secret");
        env.put("CXONE_KEY_SECRET", "cxone/key+secret==");
        env.put("COGNOS_PASSWORD", "cognos-password");
        env.put("AUTH0_SECRET", "auth0-secret");
        return env;
    }

    /** The deployment's one configuration file (the shape of the demo's, on this run's broker and simulator). */
    private String configYaml() {
        String sim = simulatorUrl;
        return """
                # Generated by a Switchboard system test: every role runs from this one file.
                kafka:
                  bootstrapServers: %s
                  properties: {%s}
                schemaRegistry:
                  url: %s
                encryption:
                  activeKeyId: k1
                  keys:
                    k1: ${env:SWITCHBOARD_TOKEN_KEY}
                tokenManager:
                  ops:
                    port: 0
                poller:
                  ops:
                    port: 0
                  sessionTimeout: 6s
                  planInterval: 1m%s
                aggregator:
                  applicationId: switchboard-aggregator
                  streams:
                    stateDir: aggregator-state     # relative: in each aggregator's working directory
                    standbyReplicas: 0
                  http:
                    port: 0
                  ops:
                    port: 0
                credentials:
                  - id: genesys-eu
                    provider: genesys-cloud
                    tokenUrl: %s/genesys/login/oauth/token
                    apiBaseUrl: %s/genesys/api
                    clientId: genesys-client
                    clientSecret: ${env:GENESYS_SECRET}
                    poll:
                      - endpoint: genesys.queue-observations
                        interval: 5s%s
                  - id: cxone
                    provider: nice-cxone
                    authBaseUrl: %s/cxone
                    apiHostTemplate: %s/cxone/api-{area}
                    clientId: cxone-client
                    clientSecret: ${env:CXONE_SECRET}
                    accessKeyId: cxone-key-id
                    accessKeySecret: ${env:CXONE_KEY_SECRET}
                    poll:
                      # the five skills by id: no discovery call (the simulator has no skill list, and the activity
                      # answer discovery falls back to would take observation numbers no poll wrote)
                      - endpoint: cxone.skills-activity
                        interval: 5s
                        queueIds: ["1001", "1002", "1003", "1004", "1005"]
                  - id: cognos
                    provider: cognos-analytics
                    baseUrl: %s/cognos
                    namespace: LDAP
                    username: cognos-user
                    password: ${env:COGNOS_PASSWORD}
                    poll:
                      - endpoint: cognos.report-data
                        interval: 5s
                        params:
                          reportStoreId: iQueueStatsReport
                          column.queueId: Queue ID
                          column.queueName: Queue
                          column.observedAt: Time
                          column.waiting: Waiting
                          column.interacting: Interacting
                          column.agentsOnQueue: Agents on queue
                          column.agentsAvailable: Agents available
                          column.serviceLevelPercent: Service level
                          extra.simSequence: Sequence
                  - id: datacosmos
                    provider: auth0
                    tokenUrl: %s/auth0/oauth/token
                    audience: https://beeapp.open-cosmos.com
                    clientId: auth0-client
                    clientSecret: ${env:AUTH0_SECRET}
                    poll:
                      - endpoint: generic.json
                        interval: 5s
                        params:
                          url: %s/auth0/api/v1/queues/stats
                          items: /queues
                          field.queueId: /id
                          field.queueName: /name
                          field.waiting: /waiting
                          field.interacting: /interacting
                          field.agentsOnQueue: /agentsOnQueue
                          field.agentsAvailable: /agentsAvailable
                          field.serviceLevelPercent: /serviceLevelPercent
                          root.observedAt: /generatedAt
                          extra.simSequence: /simSequence
                """.formatted(kafka.bootstrapServers(),
                kafkaProperties.entrySet().stream().map(e -> e.getKey() + ": \"" + e.getValue() + "\"")
                        .collect(java.util.stream.Collectors.joining(", ")), registryUrl,
                vendorRequestTimeout == null ? "" : "\n  http:\n    requestTimeout: " + vendorRequestTimeout.toMillis() + "ms",
                sim, sim,
                genesysIntervalGranularity == null ? "" : "\n      - endpoint: genesys.conversation-aggregates"
                        + "\n        name: intervals\n        interval: 5s\n        params:\n          granularity: "
                        + genesysIntervalGranularity,
                sim, sim, sim, sim, sim);
    }

    private ChildProcess switchboard(String name, Map<String, String> env, String... args) {
        return switchboard(name, dir, env, args);
    }

    private ChildProcess switchboard(String name, Path workDir, Map<String, String> env, String... args) {
        List<String> command = new ArrayList<>(java());
        command.addAll(List.of("-Xmx384m", "-jar", jar.toString()));
        command.addAll(List.of(args));
        ChildProcess p = ChildProcess.start(name, command, env, dir, workDir);
        children.add(p);
        return p;
    }

    private Path write(String name, String text) {
        Path file = dir.resolve(name);
        try {
            Files.writeString(file, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    // ------------------------------------------------------------------ what the roles and the simulator show

    /** Credentials a token manager owns: those its /metrics show in state VALID (only the owner exports them). */
    static Set<String> owned(Role tokenManager) {
        return Http.metrics(tokenManager.opsPort()).stream()
                .filter(s -> s.name().equals("switchboard_token_state") && "VALID".equals(s.label("state")) && s.value() == 1.0)
                .map(s -> s.label("credential")).collect(Collectors.toCollection(TreeSet::new));
    }

    /** Polls of a credential that a poller completed without an error ({@code switchboard_poller_polls_total{outcome="ok"}}). */
    static long okPolls(Role poller, String credentialId) {
        return Http.metrics(poller.opsPort()).stream()
                .filter(s -> s.name().equals("switchboard_poller_polls_total") && credentialId.equals(s.label("credential"))
                        && "ok".equals(s.label("outcome")))
                .mapToLong(s -> (long) s.value()).sum();
    }

    /** Waits until every credential was polled {@code polls} more times (ok polls, summed over the live pollers). */
    static void awaitPolled(List<Role> pollers, int polls) {
        Map<String, Long> before = new TreeMap<>();
        for (Credential c : CREDENTIALS) {
            before.put(c.id(), okPollsOfLive(pollers, c.id()));
        }
        org.awaitility.Awaitility.await("every credential polled " + polls + " more times").atMost(WAIT)
                .pollInterval(Duration.ofSeconds(1))
                .until(() -> CREDENTIALS.stream().allMatch(c -> okPollsOfLive(pollers, c.id()) >= before.get(c.id()) + polls));
    }

    private static long okPollsOfLive(List<Role> pollers, String credentialId) {
        return pollers.stream().filter(p -> p.process().isAlive()).mapToLong(p -> okPolls(p, credentialId)).sum();
    }

    /** The aggregator's snapshots of one credential's queues, through its query API (empty while it cannot answer). */
    static List<JsonNode> snapshots(Role aggregator, String credentialId) {
        Http.Answer a = Http.get("http://127.0.0.1:" + aggregator.httpPort() + "/api/queues?pageSize=1000&tenant=" + credentialId);
        if (a.status() != 200) {
            return List.of(); // e.g. 503 while the stores are restoring
        }
        List<JsonNode> items = new ArrayList<>();
        a.json().path("items").forEach(items::add);
        return items;
    }

    /**
     * The aggregator's windows of one queue ({@code credentialId/queueId}) of one size ({@code 1m}, {@code 15m},
     * {@code 1h}) whose start lies in [{@code from}, {@code to}] (ISO-8601), through its query API.
     */
    static List<JsonNode> windows(Role aggregator, String queue, String size, String from, String to) {
        Http.Answer a = Http.get("http://127.0.0.1:" + aggregator.httpPort() + "/api/queues/"
                + java.net.URLEncoder.encode(queue, StandardCharsets.UTF_8) + "/windows?size=" + size + "&from=" + from + "&to=" + to);
        if (a.status() != 200) {
            throw new AssertionError("windows of " + queue + ": " + a.status() + " " + a.body());
        }
        List<JsonNode> items = new ArrayList<>();
        a.json().path("data").path("items").forEach(items::add);
        return items;
    }

    /** The simulator's request log (secrets masked by the simulator). */
    List<JsonNode> simulatorRequests() {
        List<JsonNode> all = new ArrayList<>();
        Http.json(simulatorUrl + "/_admin/requests").forEach(all::add);
        return all;
    }

    /** Successful logins per credential, from the simulator's request log. */
    Map<String, Long> logins() {
        List<JsonNode> requests = simulatorRequests();
        Map<String, Long> logins = new TreeMap<>();
        for (Credential c : CREDENTIALS) {
            logins.put(c.id(), requests.stream().filter(r -> r.path("method").asText().equals(c.loginMethod())
                    && r.path("path").asText().equals(c.loginPath())
                    && r.path("status").asInt() / 100 == 2).count());
        }
        return logins;
    }

    /**
     * The logins a run must have seen: one per credential, plus one for the token version the simulator revoked of
     * {@code revokedOnce} (null: none revoked) — never a second login for the same rejected version.
     */
    static Map<String, Long> expectedLogins(String revokedOnce) {
        Map<String, Long> expected = new TreeMap<>();
        for (Credential c : CREDENTIALS) {
            expected.put(c.id(), c.id().equals(revokedOnce) ? 2L : 1L);
        }
        return expected;
    }

    /** Restarts the broker process (SIGTERM, then the same properties and log directories). */
    void restartKafka() {
        kafka.stop(Duration.ofSeconds(60));
        kafka.start(WAIT);
        children.add(kafka.process());
    }

    /** Prints every child's command, state and output (the last lines of each). */
    void dump(PrintStream to) {
        to.println("==== system test directory " + dir + ", configuration:");
        if (config != null) {
            try {
                to.println(Files.readString(config, StandardCharsets.UTF_8));
            } catch (IOException e) {
                to.println("(unreadable: " + e + ")");
            }
        }
        for (ChildProcess c : children) {
            c.dump(to, 400);
        }
        to.flush();
    }

    private void killAll() {
        for (int i = children.size() - 1; i >= 0; i--) {
            ChildProcess c = children.get(i);
            if (c.isAlive()) {
                c.kill();
            }
        }
    }

    /** Kills every child still running (SIGKILL), the last started first. */
    @Override
    public void close() {
        killAll();
        try {
            Runtime.getRuntime().removeShutdownHook(killOnExit);
        } catch (IllegalStateException shuttingDown) {
            // the hook runs anyway
        }
    }
}
