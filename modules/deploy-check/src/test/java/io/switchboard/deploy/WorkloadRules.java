package io.switchboard.deploy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HTTPGetAction;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.autoscaling.v2.MetricSpec;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.strimzi.api.kafka.model.topic.KafkaTopic;
import io.strimzi.api.kafka.model.user.KafkaUser;
import io.switchboard.core.TopicContract;

/**
 * The workloads of an overlay: what issue 12 asks of each role (replicas, autoscaling, disruption budgets,
 * persistent state, standby replicas, application.server), what every container must have (probes on
 * /health and /ready at the role's ops port, resources, non-root, scrape annotations), secrets by
 * reference only, Services that reach their pods, and a default-deny network policy.
 */
final class WorkloadRules {

    static final String TOKEN_MANAGER = "switchboard-token-manager";
    static final String POLLER = "switchboard-poller";
    static final String AGGREGATOR = "switchboard-aggregator";
    /** Env var names that hold secrets and so may only come from a Secret. */
    static final Pattern SECRET_NAME = Pattern.compile("(?i).*(secret|password|jaas|token_key|credential|api_key).*");
    private static final Pattern ENV_REF = Pattern.compile("\\$\\{env:([A-Za-z_][A-Za-z0-9_]*)}");

    private WorkloadRules() {
    }

    static List<String> problems(Manifests m, TopicContract contract) {
        List<String> problems = new ArrayList<>();
        JsonNode config = m.switchboardConfig();
        problems.addAll(roles(m, contract, config));
        m.podTemplates().forEach((name, template) -> problems.addAll(pod(name, template, config, m)));
        problems.addAll(services(m));
        problems.addAll(secrets(m, config));
        problems.addAll(networkPolicies(m));
        problems.addAll(strimziLabels(m));
        problems.addAll(namespaces(m));
        return problems;
    }

    private static List<String> roles(Manifests m, TopicContract contract, JsonNode config) {
        List<String> p = new ArrayList<>();
        Deployment tm = m.get(Deployment.class, TOKEN_MANAGER);
        int tmReplicas = tm.getSpec().getReplicas();
        if (tmReplicas < 2) {
            p.add("Deployment " + TOKEN_MANAGER + ": " + tmReplicas + " replica(s); two give a hot standby");
        }
        int requestPartitions = contract.get(contract.prefix() + ".token-requests").partitions();
        if (tmReplicas > requestPartitions) {
            p.add("Deployment " + TOKEN_MANAGER + ": " + tmReplicas + " replicas but token-requests has " + requestPartitions + " partitions; the rest would idle");
        }

        HorizontalPodAutoscaler hpa = m.get(HorizontalPodAutoscaler.class, POLLER);
        var target = hpa.getSpec().getScaleTargetRef();
        if (!"Deployment".equals(target.getKind()) || !POLLER.equals(target.getName())) {
            p.add("HorizontalPodAutoscaler " + POLLER + " scales " + target.getKind() + " " + target.getName() + ", not Deployment " + POLLER);
        }
        m.get(Deployment.class, POLLER);
        int jobPartitions = contract.get(contract.prefix() + ".poll-jobs").partitions();
        if (hpa.getSpec().getMaxReplicas() > jobPartitions) {
            p.add("HorizontalPodAutoscaler " + POLLER + ": maxReplicas " + hpa.getSpec().getMaxReplicas() + " is more than the "
                    + jobPartitions + " partitions of poll-jobs; the extra pollers would get no jobs");
        }
        if (hpa.getSpec().getMinReplicas() == null || hpa.getSpec().getMinReplicas() > hpa.getSpec().getMaxReplicas()) {
            p.add("HorizontalPodAutoscaler " + POLLER + ": minReplicas must be set and at most maxReplicas");
        }
        List<MetricSpec> metrics = hpa.getSpec().getMetrics();
        boolean cpu = metrics.stream().anyMatch(ms -> "Resource".equals(ms.getType()) && ms.getResource() != null && "cpu".equals(ms.getResource().getName()));
        boolean lag = metrics.stream().anyMatch(ms -> "External".equals(ms.getType()) && ms.getExternal() != null
                && ms.getExternal().getMetric().getName().contains("lag")
                && ms.getExternal().getMetric().getSelector() != null
                && (contract.prefix() + ".poller").equals(ms.getExternal().getMetric().getSelector().getMatchLabels().get("consumergroup")));
        if (!cpu) {
            p.add("HorizontalPodAutoscaler " + POLLER + ": no CPU Resource metric");
        }
        if (!lag) {
            p.add("HorizontalPodAutoscaler " + POLLER + ": no External consumer-group lag metric selecting consumergroup=" + contract.prefix() + ".poller");
        }

        for (String name : List.of(TOKEN_MANAGER, POLLER, AGGREGATOR)) {
            PodDisruptionBudget pdb = m.find(PodDisruptionBudget.class, name).orElse(null);
            if (pdb == null) {
                p.add("no PodDisruptionBudget " + name);
            } else if (!selects(pdb.getSpec().getSelector().getMatchLabels(), podLabels(m, name))) {
                p.add("PodDisruptionBudget " + name + " selects " + pdb.getSpec().getSelector().getMatchLabels() + ", which are not the labels of " + name + "'s pods");
            }
        }

        StatefulSet agg = m.get(StatefulSet.class, AGGREGATOR);
        String headless = agg.getSpec().getServiceName();
        Optional<Service> hs = m.find(Service.class, headless == null ? "" : headless);
        if (hs.isEmpty() || !"None".equals(hs.get().getSpec().getClusterIP())) {
            p.add("StatefulSet " + AGGREGATOR + ": serviceName " + headless + " must be a headless Service (clusterIP: None) for application.server");
        }
        int aggReplicas = agg.getSpec().getReplicas();
        int statsPartitions = contract.get(contract.prefix() + ".queue-stats").partitions();
        if (aggReplicas > statsPartitions) {
            p.add("StatefulSet " + AGGREGATOR + ": " + aggReplicas + " replicas but queue-stats has " + statsPartitions + " partitions");
        }
        JsonNode aggConfig = config.path("aggregator");
        int standby = aggConfig.path("streams").path("standbyReplicas").asInt(-1);
        if (standby < 1 || standby >= aggReplicas) {
            p.add("aggregator.streams.standbyReplicas is " + standby + "; with " + aggReplicas + " replicas it must be between 1 and "
                    + (aggReplicas - 1) + " so every store has a warm copy elsewhere");
        }
        String stateDir = aggConfig.path("streams").path("stateDir").asText(null);
        List<PersistentVolumeClaim> claims = agg.getSpec().getVolumeClaimTemplates();
        Container aggContainer = agg.getSpec().getTemplate().getSpec().getContainers().get(0);
        boolean statePersistent = claims != null && claims.stream().anyMatch(c -> aggContainer.getVolumeMounts().stream()
                .anyMatch(vm -> vm.getName().equals(c.getMetadata().getName()) && vm.getMountPath().equals(stateDir)));
        if (!statePersistent) {
            p.add("StatefulSet " + AGGREGATOR + ": no volumeClaimTemplate mounted at aggregator.streams.stateDir (" + stateDir + ")");
        }
        String advertised = env(aggContainer, "SWITCHBOARD_AGGREGATOR_HTTP_ADVERTISED_HOST").map(EnvVar::getValue).orElse("");
        if (!advertised.startsWith("$(POD_NAME)." + headless + ".")) {
            p.add("StatefulSet " + AGGREGATOR + ": SWITCHBOARD_AGGREGATOR_HTTP_ADVERTISED_HOST '" + advertised
                    + "' must be $(POD_NAME)." + headless + ".<namespace>... so application.server names this pod");
        }
        int httpPort = aggConfig.path("http").path("port").asInt(-1);
        if (!hasPort(aggContainer, httpPort) || hs.isPresent() && hs.get().getSpec().getPorts().stream().noneMatch(sp -> sp.getPort() == httpPort)) {
            p.add("StatefulSet " + AGGREGATOR + " and Service " + headless + " must expose aggregator.http.port " + httpPort);
        }
        return p;
    }

    private static List<String> pod(String workload, PodTemplateSpec t, JsonNode config, Manifests m) {
        List<String> p = new ArrayList<>();
        String component = t.getMetadata().getLabels().get(Manifests.COMPONENT);
        String section = switch (Objects.requireNonNullElse(component, "")) {
            case "token-manager" -> "tokenManager";
            case "poller" -> "poller";
            case "aggregator" -> "aggregator";
            default -> null;
        };
        if (section == null) {
            return List.of(workload + ": pod label " + Manifests.COMPONENT + " must be token-manager, poller or aggregator");
        }
        int opsPort = config.path(section).path("ops").path("port").asInt(-1);
        String opsHost = config.path(section).path("ops").path("host").asText("");
        if (!"0.0.0.0".equals(opsHost)) {
            p.add(section + ".ops.host is '" + opsHost + "'; probes and Prometheus reach the pod IP, so it must be 0.0.0.0");
        }
        var spec = t.getSpec();
        if (spec.getSecurityContext() == null || !Boolean.TRUE.equals(spec.getSecurityContext().getRunAsNonRoot())) {
            p.add(workload + ": pod securityContext.runAsNonRoot must be true");
        }
        if (!Boolean.FALSE.equals(spec.getAutomountServiceAccountToken())) {
            p.add(workload + ": automountServiceAccountToken must be false (no role talks to the Kubernetes API)");
        }
        Map<String, String> annotations = Objects.requireNonNullElse(t.getMetadata().getAnnotations(), Map.of());
        if (!"true".equals(annotations.get("prometheus.io/scrape")) || !String.valueOf(opsPort).equals(annotations.get("prometheus.io/port"))
                || !"/metrics".equals(annotations.get("prometheus.io/path"))) {
            p.add(workload + ": pod annotations prometheus.io/scrape=true, prometheus.io/port=" + opsPort + ", prometheus.io/path=/metrics expected, found " + annotations);
        }
        for (Container c : spec.getContainers()) {
            String who = workload + " container " + c.getName();
            if (c.getArgs() == null || c.getArgs().isEmpty() || !c.getArgs().get(0).equals(component)) {
                p.add(who + ": args must start with the subcommand " + component + ", found " + c.getArgs());
            }
            if (c.getArgs() != null && !c.getArgs().containsAll(List.of("--config", "/etc/switchboard/switchboard.yaml"))) {
                p.add(who + ": args must pass --config /etc/switchboard/switchboard.yaml");
            }
            if (c.getVolumeMounts() == null || c.getVolumeMounts().stream().map(VolumeMount::getMountPath).noneMatch("/etc/switchboard"::equals)) {
                p.add(who + ": the ConfigMap switchboard-config must be mounted at /etc/switchboard");
            }
            if (!hasPort(c, opsPort)) {
                p.add(who + ": no container port " + opsPort + " (" + section + ".ops.port)");
            }
            p.addAll(probe(who + " livenessProbe", c.getLivenessProbe(), "/health", c, opsPort));
            p.addAll(probe(who + " readinessProbe", c.getReadinessProbe(), "/ready", c, opsPort));
            var res = c.getResources();
            for (String kind : List.of("cpu", "memory")) {
                if (res == null || res.getRequests() == null || !res.getRequests().containsKey(kind)) {
                    p.add(who + ": no resources.requests." + kind);
                }
                if (res == null || res.getLimits() == null || !res.getLimits().containsKey(kind)) {
                    p.add(who + ": no resources.limits." + kind);
                }
            }
            var sc = c.getSecurityContext();
            if (sc == null || !Boolean.FALSE.equals(sc.getAllowPrivilegeEscalation()) || !Boolean.TRUE.equals(sc.getReadOnlyRootFilesystem())) {
                p.add(who + ": securityContext must set allowPrivilegeEscalation: false and readOnlyRootFilesystem: true");
            }
            String userSecret = env(c, "KAFKA_SASL_JAAS_CONFIG").map(e -> e.getValueFrom() == null || e.getValueFrom().getSecretKeyRef() == null
                    ? null : e.getValueFrom().getSecretKeyRef().getName()).orElse(null);
            boolean ownUser = m.all(KafkaUser.class).anyMatch(u -> u.getMetadata().getName().equals(userSecret)
                    && component.equals(u.getMetadata().getLabels().get(Manifests.COMPONENT)));
            if (!ownUser) {
                p.add(who + ": KAFKA_SASL_JAAS_CONFIG must come from the Secret of the " + component + "'s own KafkaUser, found " + userSecret);
            }
            // least privilege: only the token manager logs in at vendors; the aggregator decrypts no token
            Set<String> allowedSecrets = switch (component) {
                case "token-manager" -> Set.of("*");
                case "poller" -> Set.of(String.valueOf(userSecret), "switchboard-token-keys");
                default -> Set.of(String.valueOf(userSecret));
            };
            for (EnvVar e : Objects.requireNonNullElse(c.getEnv(), List.<EnvVar>of())) {
                if (e.getValueFrom() != null && e.getValueFrom().getSecretKeyRef() != null && !allowedSecrets.contains("*")
                        && !allowedSecrets.contains(e.getValueFrom().getSecretKeyRef().getName())) {
                    p.add(who + ": env " + e.getName() + " reads Secret " + e.getValueFrom().getSecretKeyRef().getName()
                            + ", which the " + component + " does not need (least privilege)");
                }
            }
        }
        return p;
    }

    private static List<String> probe(String who, Probe probe, String path, Container c, int opsPort) {
        HTTPGetAction get = probe == null ? null : probe.getHttpGet();
        if (get == null) {
            return List.of(who + ": missing; it must be an httpGet of " + path);
        }
        List<String> p = new ArrayList<>();
        if (!path.equals(get.getPath())) {
            p.add(who + ": path " + get.getPath() + ", expected " + path);
        }
        Integer port = resolvePort(c, get.getPort());
        if (port == null || port != opsPort) {
            p.add(who + ": port " + get.getPort().getValue() + " is not the ops port " + opsPort);
        }
        return p;
    }

    private static List<String> services(Manifests m) {
        List<String> p = new ArrayList<>();
        for (Service s : m.all(Service.class).toList()) {
            Map<String, String> selector = s.getSpec().getSelector();
            List<Map.Entry<String, PodTemplateSpec>> targets = m.podTemplates().entrySet().stream()
                    .filter(e -> selects(selector, e.getValue().getMetadata().getLabels())).toList();
            if (targets.isEmpty()) {
                p.add("Service " + s.getMetadata().getName() + " selects " + selector + ", which no pod template carries");
                continue;
            }
            for (ServicePort sp : s.getSpec().getPorts()) {
                for (var target : targets) {
                    Container c = target.getValue().getSpec().getContainers().get(0);
                    if (resolvePort(c, sp.getTargetPort() == null ? new IntOrString(sp.getPort()) : sp.getTargetPort()) == null) {
                        p.add("Service " + s.getMetadata().getName() + " port " + sp.getName() + " targets " + sp.getTargetPort().getValue()
                                + ", which " + target.getKey() + " does not expose");
                    }
                }
            }
        }
        return p;
    }

    private static List<String> secrets(Manifests m, JsonNode config) {
        List<String> p = new ArrayList<>();
        java.util.Set<String> defined = new java.util.HashSet<>();
        m.podTemplates().forEach((workload, t) -> {
            for (Container c : t.getSpec().getContainers()) {
                for (EnvVar e : Objects.requireNonNullElse(c.getEnv(), List.<EnvVar>of())) {
                    defined.add(e.getName());
                    if (SECRET_NAME.matcher(e.getName()).matches()
                            && (e.getValue() != null || e.getValueFrom() == null || e.getValueFrom().getSecretKeyRef() == null)) {
                        p.add(workload + " env " + e.getName() + ": a secret must come from valueFrom.secretKeyRef, never a value");
                    }
                }
                if (c.getEnvFrom() != null && !c.getEnvFrom().isEmpty()) {
                    p.add(workload + ": envFrom imports every key of a Secret or ConfigMap; name each variable with secretKeyRef");
                }
            }
        });
        String text = m.get(io.fabric8.kubernetes.api.model.ConfigMap.class, "switchboard-config").getData().get("switchboard.yaml");
        Matcher matcher = ENV_REF.matcher(text);
        while (matcher.find()) {
            if (!defined.contains(matcher.group(1))) {
                p.add("switchboard.yaml refers to ${env:" + matcher.group(1) + "}, which no workload defines");
            }
        }
        secretValues(config, "", p);
        return p;
    }

    /** Config values under secret-looking keys must be references. */
    private static void secretValues(JsonNode node, String path, List<String> p) {
        if (node.isObject()) {
            node.fields().forEachRemaining(f -> {
                String key = path.isEmpty() ? f.getKey() : path + "." + f.getKey();
                if (f.getValue().isValueNode() && Pattern.compile("(?i).*(secret|password|jaas|apikey).*").matcher(f.getKey()).matches()
                        && !f.getValue().asText().matches("\\$\\{(env|file):[^}]+}")) {
                    p.add("switchboard.yaml " + key + " holds a value; secrets are ${env:NAME} or ${file:/path} references");
                }
                secretValues(f.getValue(), key, p);
            });
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                secretValues(node.get(i), path + "[" + i + "]", p);
            }
        }
    }

    private static List<String> networkPolicies(Manifests m) {
        List<NetworkPolicy> policies = m.all(NetworkPolicy.class).toList();
        boolean defaultDeny = policies.stream().anyMatch(np -> (np.getSpec().getPodSelector().getMatchLabels() == null
                || np.getSpec().getPodSelector().getMatchLabels().isEmpty())
                && np.getSpec().getPodSelector().getMatchExpressions().isEmpty()
                && np.getSpec().getPolicyTypes().containsAll(List.of("Ingress", "Egress"))
                && np.getSpec().getIngress().isEmpty() && np.getSpec().getEgress().isEmpty());
        return defaultDeny ? List.of() : List.of("no default-deny NetworkPolicy (podSelector {}, policyTypes Ingress and Egress, no rules)");
    }

    private static List<String> strimziLabels(Manifests m) {
        Set<String> clusters = new java.util.TreeSet<>();
        List<String> p = new ArrayList<>();
        for (HasMetadata r : m.resources()) {
            if (r instanceof KafkaTopic || r instanceof KafkaUser) {
                String c = r.getMetadata().getLabels() == null ? null : r.getMetadata().getLabels().get("strimzi.io/cluster");
                if (c == null) {
                    p.add(r.getKind() + " " + r.getMetadata().getName() + ": no strimzi.io/cluster label; the operator would ignore it");
                } else {
                    clusters.add(c);
                }
            }
        }
        if (clusters.size() > 1) {
            p.add("KafkaTopics and KafkaUsers name several clusters: " + clusters);
        }
        return p;
    }

    private static List<String> namespaces(Manifests m) {
        List<String> p = new ArrayList<>();
        for (HasMetadata r : m.resources()) {
            if (!"Namespace".equals(r.getKind()) && !"switchboard".equals(r.getMetadata().getNamespace())) {
                p.add(r.getKind() + " " + r.getMetadata().getName() + " is in namespace " + r.getMetadata().getNamespace() + ", not switchboard");
            }
        }
        return p;
    }

    private static Map<String, String> podLabels(Manifests m, String workload) {
        return m.find(Deployment.class, workload).map(d -> d.getSpec().getTemplate().getMetadata().getLabels())
                .or(() -> m.find(StatefulSet.class, workload).map(s -> s.getSpec().getTemplate().getMetadata().getLabels()))
                .orElse(Map.of());
    }

    static boolean selects(Map<String, String> selector, Map<String, String> labels) {
        return selector != null && !selector.isEmpty() && labels != null && labels.entrySet().containsAll(selector.entrySet());
    }

    private static Optional<EnvVar> env(Container c, String name) {
        return Objects.requireNonNullElse(c.getEnv(), List.<EnvVar>of()).stream().filter(e -> name.equals(e.getName())).findFirst();
    }

    private static boolean hasPort(Container c, int port) {
        return c.getPorts() != null && c.getPorts().stream().anyMatch(cp -> cp.getContainerPort() == port);
    }

    /** The container port a probe or Service port names (by number or by port name), or null. */
    private static Integer resolvePort(Container c, IntOrString port) {
        if (port == null || c.getPorts() == null) {
            return null;
        }
        for (ContainerPort cp : c.getPorts()) {
            if (port.getIntVal() != null ? cp.getContainerPort().equals(port.getIntVal()) : port.getStrVal().equals(cp.getName())) {
                return cp.getContainerPort();
            }
        }
        return null;
    }
}
