package io.switchboard.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Exit;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.Feature;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;

/**
 * A real single-node Kafka broker (combined KRaft broker + controller) running in this JVM from
 * Apache Kafka's own server classes, listening on {@code 127.0.0.1} only, with its data in a
 * fresh temporary directory.
 *
 * <p>Settings are those a single node needs for consumer groups and transactions to work at once
 * (replication factors 1, no initial rebalance delay) and a small log-cleaner buffer so compacted
 * topics work without 128 MB of heap. Kafka's own {@code Exit} procedures are replaced so that a
 * fatal broker error throws instead of silently killing the JVM.
 *
 * <p>{@link #startSecured(ScramSecurity)} runs the same broker with authentication and authorization, as a production
 * cluster would: a SASL_PLAINTEXT listener with SCRAM-SHA-512, Kafka's {@code StandardAuthorizer} and a super user;
 * users and ACLs are created with the Admin API ({@link #createScramUser}, {@link #createAcls}). The default mode
 * ({@link #start()}) is unchanged: one PLAINTEXT listener, no authorizer.
 *
 * <p>Thread-safe; {@link #close()} is idempotent.
 */
public final class EmbeddedKafkaBroker implements KafkaBroker {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafkaBroker.class);
    private static final String HOST = "127.0.0.1";
    private static final int START_ATTEMPTS = 3;

    private final Path dataDir;
    private final boolean deleteOnClose;
    private final KafkaConfig config;
    private final String bootstrapServers;
    private final ScramSecurity security;
    private final Map<String, String> scramPasswords = new ConcurrentHashMap<>();
    private KafkaRaftServer server;
    private boolean closed;

    private EmbeddedKafkaBroker(Path dataDir, boolean deleteOnClose, KafkaConfig config, KafkaRaftServer server, String bootstrapServers,
                                ScramSecurity security) {
        this.dataDir = dataDir;
        this.deleteOnClose = deleteOnClose;
        this.config = config;
        this.server = server;
        this.bootstrapServers = bootstrapServers;
        this.security = security;
        if (security != null) {
            scramPasswords.putAll(security.formatTimeUsers());
        }
    }

    /** Starts a broker with the default settings. */
    public static EmbeddedKafkaBroker start() {
        return start(Map.of());
    }

    /**
     * Starts a broker; {@code overrides} are added to (and win over) the default server properties,
     * e.g. {@code num.partitions} or {@code log.retention.ms}.
     */
    public static EmbeddedKafkaBroker start(Map<String, String> overrides) {
        return start(overrides, null);
    }

    /**
     * Starts a broker in secured mode (see {@link ScramSecurity}): one {@code SASL_PLAINTEXT} listener for clients with
     * SCRAM-SHA-512, the {@code StandardAuthorizer} with no ACLs (so every user but the super user is refused until
     * {@link #createAcls} grants something), the users of {@code security} able to log in from the start.
     * {@link #clientProperties()} (and so {@link #admin()}, {@link #createTopic}) log in as the super user.
     */
    public static EmbeddedKafkaBroker startSecured(ScramSecurity security) {
        return start(Map.of(), java.util.Objects.requireNonNull(security, "security"));
    }

    /** {@link #startSecured(ScramSecurity)} with server property {@code overrides}. */
    public static EmbeddedKafkaBroker startSecured(ScramSecurity security, Map<String, String> overrides) {
        return start(overrides, java.util.Objects.requireNonNull(security, "security"));
    }

    private static EmbeddedKafkaBroker start(Map<String, String> overrides, ScramSecurity security) {
        guardAgainstExit();
        RuntimeException last = null;
        // The controller's port must be known before start (it is written into the quorum
        // configuration), so free ports are picked first; if another process takes one in the
        // meantime the bind fails and we try again with new ports.
        for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
            Path dir = createTempDir();
            try {
                return startOnce(dir, true, overrides, security);
            } catch (RuntimeException e) {
                deleteRecursively(dir);
                if (!isBindFailure(e)) {
                    throw e;
                }
                last = e;
                LOG.warn("embedded Kafka could not bind its ports (attempt {}), retrying with new ports", attempt);
            }
        }
        throw last;
    }

    /**
     * Starts a broker whose logs and metadata live in {@code dataDir} and survive {@link #close()}: the first start
     * formats the directory, later starts reuse it with every topic and committed offset (the embedded demo's
     * {@code --data-dir}). Ports are new on every start; {@code overrides} as in {@link #start(Map)}.
     *
     * @throws IllegalStateException when the directory holds something that is not this broker's storage
     */
    public static EmbeddedKafkaBroker startPersistent(Path dataDir, Map<String, String> overrides) {
        guardAgainstExit();
        try {
            Files.createDirectories(dataDir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the broker's data directory " + dataDir, e);
        }
        RuntimeException last = null;
        for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
            try {
                return startOnce(dataDir, false, overrides, null);
            } catch (RuntimeException e) {
                if (!isBindFailure(e)) {
                    throw e;
                }
                last = e;
                LOG.warn("embedded Kafka could not bind its ports (attempt {}), retrying with new ports", attempt);
            }
        }
        throw last;
    }

    private static EmbeddedKafkaBroker startOnce(Path dir, boolean temporary, Map<String, String> overrides, ScramSecurity security) {
        int brokerPort = freePort();
        int controllerPort = freePort();
        Map<String, String> props = new HashMap<>();
        props.put("process.roles", "broker,controller");
        props.put("node.id", "1");
        props.put("controller.quorum.voters", "1@" + HOST + ":" + controllerPort);
        props.put("listeners", "PLAINTEXT://" + HOST + ":" + brokerPort + ",CONTROLLER://" + HOST + ":" + controllerPort);
        props.put("advertised.listeners", "PLAINTEXT://" + HOST + ":" + brokerPort);
        props.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        props.put("controller.listener.names", "CONTROLLER");
        props.put("inter.broker.listener.name", "PLAINTEXT");
        props.put("log.dirs", dir.resolve("data").toString());
        props.put("metadata.log.dir", dir.resolve("metadata").toString());
        props.put("num.partitions", "1");
        props.put("default.replication.factor", "1");
        props.put("offsets.topic.replication.factor", "1");
        props.put("offsets.topic.num.partitions", "5");
        props.put("transaction.state.log.replication.factor", "1");
        props.put("transaction.state.log.min.isr", "1");
        props.put("transaction.state.log.num.partitions", "5");
        props.put("share.coordinator.state.topic.replication.factor", "1");
        props.put("share.coordinator.state.topic.min.isr", "1");
        props.put("group.initial.rebalance.delay.ms", "0");
        props.put("log.cleaner.dedupe.buffer.size", "2097152");
        props.put("log.cleaner.backoff.ms", "1000");
        props.put("auto.create.topics.enable", "false");
        props.put("num.network.threads", "2");
        props.put("num.io.threads", "4");
        props.put("log.flush.interval.messages", String.valueOf(Long.MAX_VALUE));
        if (security != null) {
            secure(props, security, brokerPort, controllerPort);
        }
        props.putAll(overrides);

        Properties serverProps = new Properties();
        serverProps.putAll(props);
        KafkaConfig config = KafkaConfig.fromProps(serverProps, false);
        boolean formatted = Files.exists(Path.of(props.get("metadata.log.dir"), "meta.properties"));
        if (!formatted && !temporary && Files.exists(dir.resolve("data"))) {
            throw new IllegalStateException(dir + " holds broker data but no KRaft metadata (" + props.get("metadata.log.dir")
                    + "/meta.properties); delete the directory or choose another one");
        }
        if (!formatted) {
            format(dir, props, security);
        }

        long started = System.nanoTime();
        KafkaRaftServer server = new KafkaRaftServer(config, Time.SYSTEM);
        try {
            server.startup();
        } catch (RuntimeException e) {
            safeShutdown(server);
            throw e;
        }
        String bootstrap = HOST + ":" + brokerPort;
        awaitReady(bootstrap, adminLogin(security), server);
        LOG.info("embedded Kafka ready at {} in {} ms (data in {}{})", bootstrap,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started), dir, security == null ? "" : "; " + security);
        return new EmbeddedKafkaBroker(dir, temporary, config, server, bootstrap, security);
    }

    /**
     * The secured mode's server settings. The controller listener stays PLAINTEXT (SCRAM credentials live in the metadata
     * log the controller serves, so it cannot authenticate with them), and its principal, {@code User:ANONYMOUS}, is a
     * super user so the broker can register with its own controller; clients only ever get the SASL listener.
     */
    private static void secure(Map<String, String> props, ScramSecurity security, int brokerPort, int controllerPort) {
        props.put("listeners", "SASL_PLAINTEXT://" + HOST + ":" + brokerPort + ",CONTROLLER://" + HOST + ":" + controllerPort);
        props.put("advertised.listeners", "SASL_PLAINTEXT://" + HOST + ":" + brokerPort);
        props.put("listener.security.protocol.map", "SASL_PLAINTEXT:SASL_PLAINTEXT,CONTROLLER:PLAINTEXT");
        props.put("inter.broker.listener.name", "SASL_PLAINTEXT");
        props.put("sasl.enabled.mechanisms", ScramSecurity.MECHANISM);
        props.put("sasl.mechanism.inter.broker.protocol", ScramSecurity.MECHANISM);
        props.put("listener.name.sasl_plaintext." + ScramSecurity.MECHANISM.toLowerCase(java.util.Locale.ROOT) + ".sasl.jaas.config",
                ScramSecurity.jaasConfig(security.adminUser(), security.adminPassword()));
        props.put("authorizer.class.name", ScramSecurity.AUTHORIZER);
        props.put("super.users", ScramSecurity.principal(security.adminUser()) + ";User:ANONYMOUS");
        props.put("allow.everyone.if.no.acl.found", "false");
    }

    private static Properties adminLogin(ScramSecurity security) {
        return security == null ? new Properties() : ScramSecurity.clientProperties(security.adminUser(), security.adminPassword());
    }

    /** Formats KRaft storage for a new single-node cluster in {@code dir}. */
    private static void format(Path dir, Map<String, String> props, ScramSecurity security) {
        try {
            List<String> scram = new java.util.ArrayList<>();
            if (security != null) {
                security.formatTimeUsers().forEach((user, password) ->
                        scram.add(ScramSecurity.MECHANISM + "=[name=" + user + ",password=" + password + "]"));
            }
            Formatter formatter = new Formatter()
                    .setScramArguments(scram)
                    .setPrintStream(new java.io.PrintStream(java.io.OutputStream.nullOutputStream()))
                    .setClusterId(Uuid.randomUuid().toString())
                    .setNodeId(1)
                    .setSupportedFeatures(Feature.PRODUCTION_FEATURES)
                    .setReleaseVersion(MetadataVersion.latestProduction())
                    .setControllerListenerName("CONTROLLER")
                    .setMetadataLogDirectory(props.get("metadata.log.dir"))
                    .setDirectories(List.of(props.get("log.dirs"), props.get("metadata.log.dir")));
            formatter.run();
        } catch (Exception e) {
            throw new IllegalStateException("could not format KRaft storage in " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Waits until the broker answers a metadata request, which means it is registered and unfenced. */
    private static void awaitReady(String bootstrap, Properties login, KafkaRaftServer server) {
        Properties props = new Properties();
        props.putAll(login);
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        try (Admin admin = Admin.create(props)) {
            while (true) {
                try {
                    if (!admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).isEmpty()) {
                        return;
                    }
                } catch (Exception e) {
                    if (System.nanoTime() > deadline) {
                        safeShutdown(server);
                        throw new IllegalStateException("embedded Kafka at " + bootstrap + " did not become ready within 60 s", e);
                    }
                }
                if (System.nanoTime() > deadline) {
                    safeShutdown(server);
                    throw new IllegalStateException("embedded Kafka at " + bootstrap + " reported no live broker within 60 s");
                }
            }
        }
    }

    @Override
    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** Whether this broker was started {@linkplain #startSecured(ScramSecurity) secured}. */
    public boolean isSecured() {
        return security != null;
    }

    /**
     * Client properties with {@code bootstrap.servers}; for a secured broker they log in as its super user, so every
     * helper of {@link KafkaBroker} works unchanged. Use {@link #clientProperties(String)} for another user.
     */
    @Override
    public Properties clientProperties() {
        Properties props = KafkaBroker.super.clientProperties();
        if (security != null) {
            props.putAll(adminLogin(security));
        }
        return props;
    }

    /**
     * Client properties (with {@code bootstrap.servers}) that log in as {@code user}, one created at format time or by
     * {@link #createScramUser}.
     *
     * @throws IllegalStateException when the broker is not secured
     * @throws IllegalArgumentException when no such user was created
     */
    public Properties clientProperties(String user) {
        requireSecured();
        String password = scramPasswords.get(user);
        if (password == null) {
            throw new IllegalArgumentException("no SCRAM user '" + user + "' on this broker; known: " + new java.util.TreeSet<>(scramPasswords.keySet())
                    + " (add one with ScramSecurity.withUser or createScramUser)");
        }
        Properties props = KafkaBroker.super.clientProperties();
        props.putAll(ScramSecurity.clientProperties(user, password));
        return props;
    }

    /**
     * Creates (or changes) the SCRAM-SHA-512 credential of {@code user} through the Admin API
     * ({@code alterUserScramCredentials}) and waits until {@code user} can log in with it.
     */
    public void createScramUser(String user, String password) {
        requireSecured();
        try (Admin admin = admin()) {
            admin.alterUserScramCredentials(List.of(new UserScramCredentialUpsertion(user,
                    new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 4096), password))).all().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("could not create SCRAM user " + user + ": " + e, e);
        }
        scramPasswords.put(user, password);
        // the broker applies the credential from the metadata log a moment after the controller committed it
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        Properties props = clientProperties(user);
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "5000");
        try (Admin asUser = Admin.create(props)) {
            while (true) {
                try {
                    asUser.describeCluster().clusterId().get(5, TimeUnit.SECONDS);
                    return;
                } catch (Exception e) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("SCRAM user " + user + " still cannot log in 30 s after it was created", e);
                    }
                    pause(100);
                }
            }
        }
    }

    /** Creates {@code acls} with the Admin API and waits until the broker's authorizer holds every one of them. */
    public void createAcls(java.util.Collection<AclBinding> acls) {
        requireSecured();
        try (Admin admin = admin()) {
            admin.createAcls(acls).all().get(30, TimeUnit.SECONDS);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (!admin.describeAcls(AclBindingFilter.ANY).values().get(30, TimeUnit.SECONDS).containsAll(acls)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the broker's authorizer did not show the new ACLs within 30 s: " + acls);
                }
                Thread.sleep(50);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating ACLs", e);
        } catch (Exception e) {
            throw new IllegalStateException("could not create ACLs " + acls + ": " + e, e);
        }
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for embedded Kafka", ie);
        }
    }

    private void requireSecured() {
        if (security == null) {
            throw new IllegalStateException("embedded Kafka at " + bootstrapServers + " runs without security; start it with"
                    + " EmbeddedKafkaBroker.startSecured(ScramSecurity.scramSha512(...))");
        }
    }

    /** The directory holding this broker's logs and metadata (deleted on close unless started persistent). */
    public Path dataDir() {
        return dataDir;
    }

    /**
     * Stops the broker as an outage would: clients lose their connections, nothing is deleted. {@link #restart()}
     * brings it back on the same ports with the same data. Idempotent.
     */
    @Override
    public synchronized void stop() {
        if (closed) {
            throw new IllegalStateException("embedded Kafka at " + bootstrapServers + " is closed");
        }
        if (server == null) {
            return;
        }
        safeShutdown(server);
        server = null;
        LOG.info("embedded Kafka at {} stopped (data kept in {})", bootstrapServers, dataDir);
    }

    /**
     * Starts a stopped broker again on the same ports and data directory: topics, records and committed offsets
     * are as they were, and clients reconnect to the same {@link #bootstrapServers()}. Retries for a while when the
     * old sockets still hold a port. A no-op when it runs.
     */
    @Override
    public synchronized void restart() {
        if (closed) {
            throw new IllegalStateException("embedded Kafka at " + bootstrapServers + " is closed");
        }
        if (server != null) {
            return;
        }
        long started = System.nanoTime();
        long deadline = started + Duration.ofSeconds(30).toNanos();
        while (true) {
            KafkaRaftServer next = new KafkaRaftServer(config, Time.SYSTEM);
            try {
                next.startup();
                awaitReady(bootstrapServers, adminLogin(security), next);
                server = next;
                LOG.info("embedded Kafka restarted at {} in {} ms", bootstrapServers, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
                return;
            } catch (RuntimeException e) {
                safeShutdown(next);
                if (!isBindFailure(e) || System.nanoTime() > deadline) {
                    throw e;
                }
                LOG.warn("embedded Kafka cannot bind {} yet ({}); retrying", bootstrapServers, e.toString());
                try {
                    Thread.sleep(500);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while restarting embedded Kafka", ie);
                }
            }
        }
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (server != null) {
            safeShutdown(server);
            server = null;
        }
        if (deleteOnClose) {
            deleteRecursively(dataDir);
        }
    }

    private static void safeShutdown(KafkaRaftServer server) {
        try {
            server.shutdown();
            server.awaitShutdown();
        } catch (RuntimeException e) {
            LOG.warn("embedded Kafka did not shut down cleanly: {}", e.toString());
        }
    }

    private static void guardAgainstExit() {
        // An in-process broker that hits a fatal error calls Exit.exit/halt, which would end the
        // whole test JVM without a word. Make it an exception the test reports instead.
        Exit.setExitProcedure((status, message) -> {
            throw new IllegalStateException("embedded Kafka asked to exit(" + status + "): " + message);
        });
        Exit.setHaltProcedure((status, message) -> {
            throw new IllegalStateException("embedded Kafka asked to halt(" + status + "): " + message);
        });
    }

    private static boolean isBindFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof BindException || (t.getMessage() != null && t.getMessage().contains("Address already in use"))) {
                return true;
            }
        }
        return false;
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(false);
            socket.bind(new InetSocketAddress(InetAddress.getByName(HOST), 0));
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port on " + HOST, e);
        }
    }

    private static Path createTempDir() {
        try {
            return Files.createTempDirectory("switchboard-kafka-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temp dir for embedded Kafka", e);
        }
    }

    static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            LOG.warn("could not delete {}: {}", dir, e.toString());
        }
    }
}
