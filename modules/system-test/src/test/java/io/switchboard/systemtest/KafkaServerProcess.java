package io.switchboard.systemtest;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.Uuid;

/**
 * A single-node KRaft Kafka broker (combined broker and controller) as its own process, from Apache Kafka's own
 * server jars: the classpath Maven wrote to {@code target/broker.classpath} (system property {@code broker.classpath}),
 * storage formatted with {@code kafka.tools.StorageTool format} (what {@code kafka-storage.sh format} runs), then
 * {@code kafka.Kafka server.properties} (what {@code kafka-server-start.sh} runs). Listens on 127.0.0.1 on two free
 * ports chosen once, so a restart ({@link #stop} then {@link #start}) comes back at the same address with the same
 * log directories.
 */
final class KafkaServerProcess {

    private final Path dir;
    private final List<String> javaPrefix;
    private final int brokerPort;
    private final int controllerPort;
    private final Path properties;
    private ChildProcess process;
    private int starts;

    KafkaServerProcess(Path dir, List<String> javaPrefix) {
        this.dir = dir;
        this.javaPrefix = List.copyOf(javaPrefix);
        this.brokerPort = freePort();
        int c = freePort();
        while (c == brokerPort) {
            c = freePort();
        }
        this.controllerPort = c;
        this.properties = dir.resolve("server.properties");
    }

    /** The classpath of Kafka's server jars, from the file the build wrote. */
    static String classpath() {
        String file = System.getProperty("broker.classpath");
        if (file == null) {
            throw new IllegalStateException("system property broker.classpath is not set: run this test with failsafe"
                    + " (./mvnw -pl modules/system-test -am verify), which sets it to target/broker.classpath");
        }
        try {
            return Files.readString(Path.of(file), StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the broker classpath " + file + " (maven-dependency-plugin"
                    + " build-classpath writes it at generate-test-resources)", e);
        }
    }

    String bootstrapServers() {
        return "127.0.0.1:" + brokerPort;
    }

    ChildProcess process() {
        return process;
    }

    /** Writes server.properties and formats the storage (once), then starts the broker and waits until it answers. */
    void start(Duration timeout) {
        if (starts == 0) {
            writeProperties();
            format(timeout);
        }
        starts++;
        List<String> command = new ArrayList<>(javaPrefix);
        command.addAll(List.of("-Xmx512m", "-Dlogback.configurationFile=" + logback(), "-cp", classpath(),
                "kafka.Kafka", properties.toString()));
        process = ChildProcess.start("kafka", command, Map.of(), dir);
        awaitAnswers(timeout);
    }

    /** SIGTERM: a controlled shutdown (logs flushed, clean-shutdown marker written), SIGKILL after {@code grace}. */
    void stop(Duration grace) {
        if (process != null) {
            process.stop(grace);
        }
    }

    private void writeProperties() {
        Properties p = new Properties();
        p.put("process.roles", "broker,controller");
        p.put("node.id", "1");
        p.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        p.put("listeners", "PLAINTEXT://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllerPort);
        p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + brokerPort);
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.put("controller.listener.names", "CONTROLLER");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("log.dirs", dir.resolve("data").toString());
        p.put("metadata.log.dir", dir.resolve("metadata").toString());
        p.put("num.partitions", "1");
        p.put("default.replication.factor", "1");
        p.put("auto.create.topics.enable", "false");
        // a single node: internal topics with one replica, or groups and transactions hang
        p.put("offsets.topic.replication.factor", "1");
        p.put("offsets.topic.num.partitions", "5");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("transaction.state.log.num.partitions", "5");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        p.put("group.initial.rebalance.delay.ms", "0");
        p.put("log.cleaner.dedupe.buffer.size", "2097152");
        p.put("num.network.threads", "2");
        p.put("num.io.threads", "4");
        try (var w = Files.newBufferedWriter(properties, StandardCharsets.UTF_8)) {
            p.store(w, "single-node KRaft broker of a Switchboard system test");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Path logback() {
        Path file = dir.resolve("kafka-logback.xml");
        if (!Files.exists(file)) {
            try {
                Files.writeString(file, """
                        <configuration>
                          <appender name="STDOUT" class="ch.qos.logback.core.ConsoleAppender">
                            <encoder><pattern>%d{HH:mm:ss.SSS} %-5level [%thread] %logger{30} - %msg%n</pattern></encoder>
                          </appender>
                          <logger name="kafka.server.KafkaRaftServer" level="INFO"/>
                          <logger name="kafka.server.BrokerServer" level="INFO"/>
                          <root level="WARN"><appender-ref ref="STDOUT"/></root>
                        </configuration>
                        """, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return file;
    }

    private void format(Duration timeout) {
        List<String> command = new ArrayList<>(javaPrefix);
        command.addAll(List.of("-Dlogback.configurationFile=" + logback(), "-cp", classpath(), "kafka.tools.StorageTool",
                "format", "--cluster-id", Uuid.randomUuid().toString(), "--config", properties.toString()));
        ChildProcess storage = ChildProcess.start("kafka-storage-format", command, Map.of(), dir);
        try {
            int exit = storage.awaitExit(timeout);
            if (exit != 0) {
                storage.dump(System.out, 50);
                throw new AssertionError("kafka.tools.StorageTool format exited with " + exit);
            }
        } finally {
            if (storage.isAlive()) {
                storage.kill();
            }
        }
    }

    private void awaitAnswers(Duration timeout) {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "5000");
        try (Admin admin = Admin.create(p)) {
            await("the broker at " + bootstrapServers() + " answers").atMost(timeout).pollInterval(Duration.ofMillis(500))
                    .until(() -> {
                        if (!process.isAlive()) {
                            throw new AssertionError("the broker process ended: " + process.outputLines());
                        }
                        try {
                            return !admin.describeCluster(new DescribeClusterOptions().timeoutMs(3000)).nodes()
                                    .get(4, TimeUnit.SECONDS).isEmpty();
                        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException notYet) {
                            return false;
                        }
                    });
        }
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
