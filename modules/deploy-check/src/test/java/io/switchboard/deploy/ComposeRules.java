package io.switchboard.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * docker-compose.yml, .env.example, deploy/docker/Dockerfile and deploy/docker/switchboard.yaml against
 * issue 12: the services, KRaft Kafka at the project's Kafka version, health checks on /ready at each
 * role's ops port, restart policies, a one-shot topic initialisation the roles wait for, a poller that
 * scales (no container name, no host ports), two aggregators with the dashboard published and their state
 * on volumes, secrets only through .env. Read with SnakeYAML, which resolves the {@code <<} merge keys the
 * file uses, so these checks run without any compose CLI.
 */
final class ComposeRules {

    static final List<String> SERVICES = List.of("kafka", "schema-registry", "topics-init", "simulator",
            "token-manager-1", "token-manager-2", "poller", "aggregator-1", "aggregator-2");
    static final String DOCKERFILE = "deploy/docker/Dockerfile";
    static final String CONFIG_MOUNT = "/etc/switchboard/switchboard.yaml";
    private static final Pattern SECRET_NAME = WorkloadRules.SECRET_NAME;
    private static final Pattern INTERPOLATION = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)");
    private static final Pattern ENV_REF = Pattern.compile("\\$\\{env:([A-Za-z_][A-Za-z0-9_]*)}");

    private ComposeRules() {
    }

    /** Reads YAML with merge keys resolved; throws naming the file when it is not YAML. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> load(Path file) {
        try {
            Object doc = new Yaml(new SafeConstructor(new LoaderOptions())).load(Files.readString(file));
            if (!(doc instanceof Map)) {
                throw new AssertionError(file + " is not a YAML mapping");
            }
            return (Map<String, Object>) doc;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every problem of the compose setup under {@code root}; empty when it is right. */
    static List<String> problems(Path root, String kafkaVersion) {
        List<String> p = new ArrayList<>();
        Map<String, Object> compose = load(root.resolve("docker-compose.yml"));
        Map<String, Object> config = load(root.resolve("deploy/docker/switchboard.yaml"));
        Map<String, String> envExample = envFile(root.resolve(".env.example"));
        Map<String, Map<String, Object>> services = new LinkedHashMap<>();
        map(compose.get("services")).forEach((k, v) -> services.put(k, map(v)));

        Set<String> missing = new TreeSet<>(SERVICES);
        missing.removeAll(services.keySet());
        if (!missing.isEmpty()) {
            p.add("docker-compose.yml lacks the services " + missing);
            return p;
        }

        Map<String, Object> kafka = services.get("kafka");
        if (!("apache/kafka:" + kafkaVersion).equals(kafka.get("image"))) {
            p.add("kafka: image " + kafka.get("image") + ", expected apache/kafka:" + kafkaVersion + " (the project's kafka.version)");
        }
        String roles = String.valueOf(map(kafka.get("environment")).get("KAFKA_PROCESS_ROLES"));
        if (!roles.contains("broker") || !roles.contains("controller")) {
            p.add("kafka: KAFKA_PROCESS_ROLES must be broker,controller (KRaft, no ZooKeeper), found " + roles);
        }
        if (!String.valueOf(services.get("schema-registry").get("image")).startsWith("confluentinc/cp-schema-registry:")) {
            p.add("schema-registry: image must be confluentinc/cp-schema-registry:<version>");
        }

        for (Map.Entry<String, Map<String, Object>> e : services.entrySet()) {
            String name = e.getKey();
            Map<String, Object> s = e.getValue();
            if (s.containsKey("container_name")) {
                p.add(name + ": container_name pins one container; leave it out so projects and replicas do not clash");
            }
            if (name.equals("topics-init")) {
                continue;
            }
            if (!Set.of("always", "unless-stopped", "on-failure").contains(String.valueOf(s.get("restart")))) {
                p.add(name + ": restart policy " + s.get("restart") + "; long-running services need always, unless-stopped or on-failure");
            }
            if (list(map(s.get("healthcheck")).get("test")).isEmpty()) {
                p.add(name + ": no healthcheck");
            }
        }

        Map<String, Object> init = services.get("topics-init");
        if (!List.of("topics", "create").equals(prefix(list(init.get("command")), 2))) {
            p.add("topics-init: command must start with topics create, found " + init.get("command"));
        }
        if (!"no".equals(String.valueOf(init.get("restart")))) {
            p.add("topics-init: restart must be \"no\" (a one-shot job), found " + init.get("restart"));
        }

        Map<String, Integer> counts = new LinkedHashMap<>();
        for (Map.Entry<String, Map<String, Object>> e : services.entrySet()) {
            String name = e.getKey();
            Map<String, Object> s = e.getValue();
            boolean ours = DOCKERFILE.equals(map(s.get("build")).get("dockerfile"));
            if (!ours) {
                continue;
            }
            if (!List.of("./deploy/docker/switchboard.yaml:" + CONFIG_MOUNT + ":ro").stream().allMatch(list(s.get("volumes"))::contains)) {
                p.add(name + ": must mount ./deploy/docker/switchboard.yaml at " + CONFIG_MOUNT + " read-only");
            }
            String role = String.valueOf(prefix(list(s.get("command")), 1).stream().findFirst().orElse(""));
            String section = switch (role) {
                case "token-manager" -> "tokenManager";
                case "poller" -> "poller";
                case "aggregator" -> "aggregator";
                default -> null;
            };
            if (section == null) {
                continue;
            }
            counts.merge(role, 1, Integer::sum);
            Map<String, Object> ops = map(map(config.get(section)).get("ops"));
            String test = String.join(" ", list(map(s.get("healthcheck")).get("test")));
            if (!test.contains(":" + ops.get("port") + "/ready")) {
                p.add(name + ": healthcheck must ask /ready on " + section + ".ops.port " + ops.get("port") + ", found " + test);
            }
            if (!"0.0.0.0".equals(ops.get("host"))) {
                p.add("deploy/docker/switchboard.yaml " + section + ".ops.host must be 0.0.0.0 inside a container, found " + ops.get("host"));
            }
            Map<String, Object> deps = map(s.get("depends_on"));
            if (!"service_completed_successfully".equals(map(deps.get("topics-init")).get("condition"))) {
                p.add(name + ": must depend on topics-init with condition service_completed_successfully");
            }
            if (role.equals("poller")) {
                for (String pinned : List.of("ports", "hostname")) {
                    if (s.containsKey(pinned)) {
                        p.add(name + ": " + pinned + " stops `--scale poller=N`; pollers need neither");
                    }
                }
            }
            if (role.equals("aggregator")) {
                Map<String, Object> agg = map(config.get("aggregator"));
                Object httpPort = map(agg.get("http")).get("port");
                if (list(s.get("ports")).stream().noneMatch(port -> port.endsWith(":" + httpPort))) {
                    p.add(name + ": must publish the dashboard / query API port " + httpPort + " (aggregator.http.port)");
                }
                Object stateDir = map(agg.get("streams")).get("stateDir");
                if (list(s.get("volumes")).stream().noneMatch(v -> v.matches("[a-z0-9-]+:" + Pattern.quote(String.valueOf(stateDir)) + "(:rw)?"))) {
                    p.add(name + ": needs a named volume at aggregator.streams.stateDir " + stateDir);
                }
                Object advertised = map(s.get("environment")).get("SWITCHBOARD_AGGREGATOR_HTTP_ADVERTISED_HOST");
                if (!name.equals(advertised) || !name.equals(s.get("hostname"))) {
                    p.add(name + ": SWITCHBOARD_AGGREGATOR_HTTP_ADVERTISED_HOST and hostname must both be " + name + " (application.server)");
                }
            }
        }
        if (!Integer.valueOf(2).equals(counts.get("token-manager"))) {
            p.add("expected two token managers, found " + counts.get("token-manager"));
        }
        if (!Integer.valueOf(2).equals(counts.get("aggregator"))) {
            p.add("expected two aggregators, found " + counts.get("aggregator"));
        }
        if (!Integer.valueOf(1).equals(counts.get("poller"))) {
            p.add("expected one scalable poller service, found " + counts.get("poller"));
        }

        p.addAll(secrets(root, services, config, envExample));
        p.addAll(dockerfile(root.resolve(DOCKERFILE)));
        Map<String, Object> kafkaConfig = map(config.get("kafka"));
        if (!"kafka:9092".equals(kafkaConfig.get("bootstrapServers"))) {
            p.add("deploy/docker/switchboard.yaml kafka.bootstrapServers must be kafka:9092 (the broker's in-network listener)");
        }
        if (!String.valueOf(map(config.get("schemaRegistry")).get("url")).startsWith("http://schema-registry:")) {
            p.add("deploy/docker/switchboard.yaml schemaRegistry.url must point at the schema-registry service");
        }
        return p;
    }

    private static List<String> secrets(Path root, Map<String, Map<String, Object>> services, Map<String, Object> config,
            Map<String, String> envExample) {
        List<String> p = new ArrayList<>();
        String text = read(root.resolve("docker-compose.yml"));
        Matcher m = INTERPOLATION.matcher(text);
        while (m.find()) {
            if (!envExample.containsKey(m.group(1))) {
                p.add("docker-compose.yml uses ${" + m.group(1) + "}, which .env.example does not list");
            }
        }
        for (String name : List.of("topics-init", "simulator", "aggregator-1", "aggregator-2")) {
            map(services.get(name).get("environment")).keySet().stream().filter(k -> SECRET_NAME.matcher(k).matches())
                    .forEach(k -> p.add(name + " gets the secret " + k + ", which it never uses (least privilege)"));
        }
        for (Map.Entry<String, Map<String, Object>> e : services.entrySet()) {
            map(e.getValue().get("environment")).forEach((k, v) -> {
                if (SECRET_NAME.matcher(k).matches() && !String.valueOf(v).matches("\\$\\{" + Pattern.quote(k) + ":\\?[^}]+}")) {
                    p.add(e.getKey() + " environment " + k + ": a secret must be ${" + k + ":?how to set it} from .env, never a value");
                }
            });
        }
        envExample.forEach((k, v) -> {
            if (SECRET_NAME.matcher(k).matches() && !v.startsWith("replace")) {
                p.add(".env.example " + k + ": placeholder values only (replace-...), found a value");
            }
        });
        Matcher refs = ENV_REF.matcher(read(root.resolve("deploy/docker/switchboard.yaml")));
        Map<String, Object> tmEnv = map(services.get("token-manager-1").get("environment"));
        while (refs.find()) {
            if (!tmEnv.containsKey(refs.group(1))) {
                p.add("deploy/docker/switchboard.yaml refers to ${env:" + refs.group(1) + "}, which the token managers' environment lacks");
            }
        }
        if (!read(root.resolve(".gitignore")).lines().map(String::trim).toList().contains(".env")) {
            p.add(".gitignore must list .env, so the filled-in secrets are never committed");
        }
        if (!read(root.resolve(".dockerignore")).lines().map(String::trim).toList().contains(".env")) {
            p.add(".dockerignore must list .env, so the secrets never enter an image");
        }
        return p;
    }

    private static List<String> dockerfile(Path file) {
        List<String> p = new ArrayList<>();
        if (!Files.isRegularFile(file)) {
            return List.of(DOCKERFILE + " is missing");
        }
        List<String> lines = read(file).lines().map(String::trim).filter(l -> !l.startsWith("#")).toList();
        String last = lines.stream().filter(l -> l.startsWith("FROM ")).reduce((a, b) -> b).orElse("");
        String runtime = lines.stream().filter(l -> l.startsWith("ARG RUNTIME_IMAGE=")).findFirst().orElse("");
        if (!(last.contains("eclipse-temurin:17-jre") || last.contains("${RUNTIME_IMAGE}") && runtime.endsWith("eclipse-temurin:17-jre"))) {
            p.add(DOCKERFILE + ": the runtime stage must be FROM eclipse-temurin:17-jre, found " + last);
        }
        String user = lines.stream().filter(l -> l.startsWith("USER ")).reduce((a, b) -> b).orElse("");
        if (user.isEmpty() || user.matches("USER (root|0)(:.*)?")) {
            p.add(DOCKERFILE + ": must end as a non-root USER, found '" + user + "'");
        }
        if (lines.stream().noneMatch(l -> l.startsWith("ENTRYPOINT [") && l.contains("switchboard.jar"))) {
            p.add(DOCKERFILE + ": ENTRYPOINT must run the switchboard CLI jar (exec form)");
        }
        for (String label : List.of("title", "version", "revision", "created")) {
            if (lines.stream().noneMatch(l -> l.contains("org.opencontainers.image." + label + "="))) {
                p.add(DOCKERFILE + ": OCI label org.opencontainers.image." + label + " missing");
            }
        }
        return p;
    }

    /** KEY=VALUE lines of an env file; comments and blank lines skipped. */
    static Map<String, String> envFile(Path file) {
        Map<String, String> env = new LinkedHashMap<>();
        for (String line : read(file).lines().toList()) {
            String l = line.trim();
            if (l.isEmpty() || l.startsWith("#")) {
                continue;
            }
            int eq = l.indexOf('=');
            if (eq > 0) {
                env.put(l.substring(0, eq).trim(), l.substring(eq + 1).trim());
            }
        }
        return env;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o) {
        return o instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }

    private static List<String> list(Object o) {
        if (o instanceof List<?> l) {
            return l.stream().map(String::valueOf).toList();
        }
        return o == null ? List.of() : List.of(String.valueOf(o));
    }

    private static List<String> prefix(List<String> l, int n) {
        return l.subList(0, Math.min(n, l.size()));
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }
}
