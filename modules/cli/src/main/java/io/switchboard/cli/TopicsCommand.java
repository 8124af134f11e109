package io.switchboard.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.TopicExistsException;

import io.switchboard.core.ConfigException;
import io.switchboard.core.ConfigProblems;
import io.switchboard.core.TopicContract;
import io.switchboard.core.TopicSpec;
import io.switchboard.core.Topics;
import io.switchboard.core.config.ConfigFile;
import io.switchboard.core.config.ConfigKey;
import io.switchboard.core.config.ConfigSection;
import io.switchboard.core.config.ConfigSource;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code switchboard topics create|describe}: the topic contract ({@link TopicContract}) on a real cluster.
 * {@code create} creates every missing topic with its policy and is safe to repeat; {@code describe} compares every
 * topic with the contract and exits 1 when one is missing or has drifted (partitions, cleanup policy, retention).
 */
@Command(name = "topics", mixinStandardHelpOptions = true,
        description = "Creates or checks every topic of Switchboard's topic contract (names under the configured prefix).",
        subcommands = {TopicsCommand.Create.class, TopicsCommand.Describe.class})
final class TopicsCommand implements Runnable {

    static final ConfigKey<String> BOOTSTRAP = ConfigKey.string("kafka.bootstrapServers").required()
            .doc("Kafka bootstrap servers, host:port[,host:port...].");
    static final ConfigKey<String> PREFIX = ConfigKey.string("kafka.topicPrefix").defaultValue(Topics.DEFAULT_PREFIX)
            .doc("Prefix of every topic name.");
    static final ConfigKey<Map<String, String>> PROPERTIES = ConfigKey.stringMap("kafka.properties").defaultValue(Map.of())
            .doc("Kafka client properties (SASL, SSL, ...).");

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** What both subcommands share: the cluster, the contract. */
    abstract static class TopicsTask implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Mixin
        ClusterOptions cluster;

        @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "30s",
                converter = DurationConverter.class, description = "How long to wait for the cluster (default: ${DEFAULT-VALUE}).")
        Duration timeout;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            Properties admin = new Properties();
            TopicContract contract;
            try {
                Map<String, String> env = cluster.environment(System.getenv());
                ConfigFile file = cluster.configFile(env);
                ConfigSource source = java.nio.file.Files.exists(file.path())
                        ? ConfigSource.load(file.path(), env) : ConfigSource.empty(file.describe(), env);
                ConfigProblems problems = source.newProblems();
                ConfigSection root = source.root(problems);
                String bootstrap = root.get(BOOTSTRAP);
                String prefix = root.get(PREFIX);
                Map<String, String> properties = root.get(PROPERTIES);
                problems.throwIfAny();
                admin.putAll(properties);
                admin.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
                admin.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, String.valueOf(timeout.toMillis()));
                contract = TopicContract.of(new Topics(prefix));
            } catch (ConfigException e) {
                err.println(e.getMessage());
                return Switchboard.EXIT_USAGE;
            }
            try (Admin client = Admin.create(admin)) {
                return run(client, contract, out);
            } catch (ExecutionException e) {
                err.println("the cluster refused: " + e.getCause().getMessage());
                return Switchboard.EXIT_FAILURE;
            } catch (java.util.concurrent.TimeoutException e) {
                err.println("the cluster at " + admin.get(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG) + " did not answer within "
                        + timeout.toSeconds() + " s; check --bootstrap-servers and the security properties");
                return Switchboard.EXIT_FAILURE;
            }
        }

        abstract int run(Admin admin, TopicContract contract, PrintWriter out) throws Exception;

        long waitMs() {
            return timeout.toMillis();
        }
    }

    /** {@code topics create}. */
    @Command(name = "create", mixinStandardHelpOptions = true,
            description = "Creates every missing topic of the contract with its partitions, cleanup policy and retention;"
                    + " existing topics are left as they are (run `topics describe` to see drift). Safe to repeat.")
    static final class Create extends TopicsTask {

        @Option(names = "--replication-factor", paramLabel = "N",
                description = "Replication factor of new topics (default: 3, or the number of brokers when fewer).")
        Short replicationFactor;

        @Override
        int run(Admin admin, TopicContract contract, PrintWriter out) throws Exception {
            int brokers = admin.describeCluster().nodes().get(waitMs(), TimeUnit.MILLISECONDS).size();
            short rf = replicationFactor != null ? replicationFactor : (short) Math.min(3, Math.max(1, brokers));
            Set<String> existing = admin.listTopics().names().get(waitMs(), TimeUnit.MILLISECONDS);
            int created = 0;
            for (TopicSpec t : contract.topics()) {
                if (existing.contains(t.name())) {
                    out.printf("exists   %s%n", t.name());
                    continue;
                }
                try {
                    admin.createTopics(List.of(new NewTopic(t.name(), t.partitions(), rf).configs(t.configs())))
                            .all().get(waitMs(), TimeUnit.MILLISECONDS);
                    out.printf("created  %s (%d partitions, replication %d, %s)%n", t.name(), t.partitions(), rf, t.configs());
                    created++;
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw e;
                    }
                    out.printf("exists   %s%n", t.name());
                }
            }
            out.printf("%d topic(s) created, %d already there%n", created, contract.topics().size() - created);
            out.flush();
            return 0;
        }
    }

    /** {@code topics describe}. */
    @Command(name = "describe", mixinStandardHelpOptions = true,
            description = "Compares every topic of the contract with the cluster: missing topics, and partitions, cleanup"
                    + " policy or retention that differ. Exit code 0 when everything matches, 1 otherwise.")
    static final class Describe extends TopicsTask {

        @Override
        int run(Admin admin, TopicContract contract, PrintWriter out) throws Exception {
            Set<String> existing = admin.listTopics().names().get(waitMs(), TimeUnit.MILLISECONDS);
            List<String> present = contract.names().stream().filter(existing::contains).toList();
            Map<String, TopicDescription> descriptions = admin.describeTopics(present).allTopicNames()
                    .get(waitMs(), TimeUnit.MILLISECONDS);
            Collection<ConfigResource> resources = present.stream()
                    .map(n -> new ConfigResource(ConfigResource.Type.TOPIC, n)).toList();
            Map<ConfigResource, Config> configs = admin.describeConfigs(resources).all().get(waitMs(), TimeUnit.MILLISECONDS);
            int drifted = 0;
            for (TopicSpec t : contract.topics()) {
                List<String> drift = new ArrayList<>();
                if (!existing.contains(t.name())) {
                    drift.add("missing (run `switchboard topics create`)");
                } else {
                    int partitions = descriptions.get(t.name()).partitions().size();
                    if (partitions != t.partitions()) {
                        drift.add("partitions " + partitions + " (contract " + t.partitions() + ")");
                    }
                    Config c = configs.get(new ConfigResource(ConfigResource.Type.TOPIC, t.name()));
                    String policy = c.get("cleanup.policy").value();
                    if (TopicSpec.CleanupPolicy.fromConfigValue(policy) != t.cleanupPolicy()) {
                        drift.add("cleanup.policy " + policy + " (contract " + t.cleanupPolicy().configValue() + ")");
                    }
                    Long retention = t.retentionMs();
                    if (retention != null && !String.valueOf(retention).equals(c.get("retention.ms").value())) {
                        drift.add("retention.ms " + c.get("retention.ms").value() + " (contract " + retention + ")");
                    }
                }
                if (drift.isEmpty()) {
                    out.printf("ok       %-45s %s%n", t.name(), t.purpose());
                } else {
                    drifted++;
                    out.printf("DRIFT    %-45s %s%n", t.name(), String.join("; ", drift));
                }
            }
            out.printf("%d of %d topic(s) match the contract%n", contract.topics().size() - drifted, contract.topics().size());
            out.flush();
            return drifted == 0 ? 0 : Switchboard.EXIT_FAILURE;
        }
    }
}
