package io.switchboard.deploy;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.strimzi.api.kafka.model.user.KafkaUser;
import io.strimzi.api.kafka.model.user.KafkaUserAuthorizationSimple;
import io.strimzi.api.kafka.model.user.acl.AclOperation;
import io.strimzi.api.kafka.model.user.acl.AclResourcePatternType;
import io.strimzi.api.kafka.model.user.acl.AclRule;
import io.strimzi.api.kafka.model.user.acl.AclRuleClusterResource;
import io.strimzi.api.kafka.model.user.acl.AclRuleGroupResource;
import io.strimzi.api.kafka.model.user.acl.AclRuleTopicResource;
import io.strimzi.api.kafka.model.user.acl.AclRuleTransactionalIdResource;
import io.strimzi.api.kafka.model.user.acl.AclRuleType;
import io.switchboard.core.TopicContract;
import io.switchboard.core.Topics;

/**
 * The KafkaUser ACLs against who may read and write each topic of the contract (ARCHITECTURE.md). Exact
 * in both directions: a role that needs an operation has it, and a role that does not need it has not
 * (so only the token managers can write {@code tokens}). Kafka's implications hold: Read, Write,
 * Delete and Alter imply Describe; All implies everything.
 */
final class AclRules {

    /** The roles that log in to Kafka, by their {@code app.kubernetes.io/component} label. */
    enum Role {
        TOKEN_MANAGER("token-manager"), POLLER("poller"), AGGREGATOR("aggregator");

        final String component;

        Role(String component) {
            this.component = component;
        }
    }

    /** Who reads and who writes one topic. */
    record Access(Set<Role> readers, Set<Role> writers) {
    }

    private AclRules() {
    }

    /** The access matrix of the topic contract. */
    static Map<String, Access> matrix(Topics t) {
        Map<String, Access> m = new LinkedHashMap<>();
        m.put(t.tokens(), access(EnumSet.of(Role.TOKEN_MANAGER, Role.POLLER), EnumSet.of(Role.TOKEN_MANAGER)));
        m.put(t.tokenRequests(), access(EnumSet.of(Role.TOKEN_MANAGER), EnumSet.of(Role.POLLER)));
        m.put(t.tokenStatus(), access(EnumSet.of(Role.TOKEN_MANAGER), EnumSet.of(Role.TOKEN_MANAGER)));
        m.put(t.pollJobs(), access(EnumSet.of(Role.POLLER), EnumSet.of(Role.POLLER)));
        m.put(t.pollProgress(), access(EnumSet.of(Role.POLLER), EnumSet.of(Role.POLLER)));
        m.put(t.queueStats(), access(EnumSet.of(Role.AGGREGATOR), EnumSet.of(Role.POLLER)));
        m.put(t.pollErrors(), access(EnumSet.noneOf(Role.class), EnumSet.of(Role.POLLER)));
        for (String out : List.of(t.queueSnapshots(), t.queueWindowStats("1m"), t.queueWindowStats("15m"), t.queueWindowStats("1h"),
                t.tenantSummary(), t.alerts(), t.deadLetters())) {
            m.put(out, access(EnumSet.noneOf(Role.class), EnumSet.of(Role.AGGREGATOR)));
        }
        return m;
    }

    private static Access access(Set<Role> readers, Set<Role> writers) {
        return new Access(Set.copyOf(readers), Set.copyOf(writers));
    }

    /**
     * Every way {@code users} differ from the matrix and the roles' group / transactional-id / internal-topic
     * needs.
     *
     * @param aggregatorApplicationId the aggregator's Kafka Streams {@code application.id}
     */
    static List<String> problems(List<KafkaUser> users, TopicContract contract, String aggregatorApplicationId) {
        List<String> problems = new ArrayList<>();
        Topics topics = new Topics(contract.prefix());
        Map<String, Access> matrix = matrix(topics);
        if (!matrix.keySet().equals(Set.copyOf(contract.names()))) {
            problems.add("the ACL matrix in AclRules and the topic contract list different topics: matrix " + matrix.keySet()
                    + ", contract " + contract.names() + "; say who reads and writes every new topic");
        }
        Map<Role, KafkaUser> byRole = new LinkedHashMap<>();
        for (KafkaUser u : users) {
            String component = u.getMetadata().getLabels() == null ? null : u.getMetadata().getLabels().get(Manifests.COMPONENT);
            Role role = null;
            for (Role r : Role.values()) {
                if (r.component.equals(component)) {
                    role = r;
                }
            }
            if (role == null) {
                problems.add("KafkaUser " + u.getMetadata().getName() + " has no known " + Manifests.COMPONENT + " label (token-manager, poller, aggregator)");
            } else if (byRole.put(role, u) != null) {
                problems.add("more than one KafkaUser for " + role.component);
            }
            problems.addAll(shape(u, contract));
        }
        for (Role r : Role.values()) {
            if (!byRole.containsKey(r)) {
                problems.add("no KafkaUser for the " + r.component + " (label " + Manifests.COMPONENT + ": " + r.component + ")");
            }
        }
        if (!problems.isEmpty()) {
            return problems;
        }
        for (Map.Entry<String, Access> e : matrix.entrySet()) {
            for (Role r : Role.values()) {
                KafkaUser u = byRole.get(r);
                check(problems, u, r, "topic", e.getKey(), AclOperation.READ, e.getValue().readers().contains(r));
                check(problems, u, r, "topic", e.getKey(), AclOperation.WRITE, e.getValue().writers().contains(r));
            }
        }
        String p = contract.prefix();
        require(problems, byRole.get(Role.TOKEN_MANAGER), "group", p + ".token-manager", AclOperation.READ);
        require(problems, byRole.get(Role.POLLER), "group", p + ".poller", AclOperation.READ);
        require(problems, byRole.get(Role.POLLER), "transactionalId", p + ".poller-0", AclOperation.WRITE);
        require(problems, byRole.get(Role.POLLER), "transactionalId", p + ".poller-0", AclOperation.DESCRIBE);
        KafkaUser agg = byRole.get(Role.AGGREGATOR);
        require(problems, agg, "group", aggregatorApplicationId, AclOperation.READ);
        for (AclOperation op : List.of(AclOperation.CREATE, AclOperation.READ, AclOperation.WRITE, AclOperation.DELETE, AclOperation.DESCRIBECONFIGS)) {
            require(problems, agg, "topic", aggregatorApplicationId + "-queue-state-store-changelog", op);
            require(problems, agg, "topic", aggregatorApplicationId + "-KSTREAM-REPARTITION-0000000001-repartition", op);
        }
        require(problems, agg, "transactionalId", aggregatorApplicationId + "-0b1c2d3e-1", AclOperation.WRITE);
        require(problems, agg, "transactionalId", aggregatorApplicationId + "-0b1c2d3e-1", AclOperation.DESCRIBE);
        return problems;
    }

    /** Rules that make the matrix check meaningful: allow rules only, named resources, prefixes only for internal topics. */
    private static List<String> shape(KafkaUser u, TopicContract contract) {
        List<String> problems = new ArrayList<>();
        String who = "KafkaUser " + u.getMetadata().getName();
        if (u.getSpec() == null || !(u.getSpec().getAuthorization() instanceof KafkaUserAuthorizationSimple simple)) {
            return List.of(who + ": needs authorization type simple with its ACLs");
        }
        if (u.getSpec().getAuthentication() == null) {
            problems.add(who + ": needs an authentication (scram-sha-512 or tls)");
        }
        for (AclRule rule : simple.getAcls()) {
            String r = who + " ACL " + describe(rule);
            if (rule.getType() == AclRuleType.DENY) {
                problems.add(r + ": deny rules make the matrix unreadable; grant less instead");
            }
            if (rule.getOperation() != null) {
                problems.add(r + ": 'operation' was removed in kafka.strimzi.io/v1; use 'operations: [...]'");
            }
            if (rule.getOperations() == null || rule.getOperations().isEmpty()) {
                problems.add(r + ": no operations");
            }
            if (rule.getResource() instanceof AclRuleClusterResource) {
                problems.add(r + ": no role needs cluster-level ACLs");
            }
            String name = resourceName(rule);
            if ("*".equals(name)) {
                problems.add(r + ": '*' grants every resource");
            }
            if (rule.getResource() instanceof AclRuleTopicResource t) {
                if (t.getPatternType() == AclResourcePatternType.PREFIX) {
                    for (String topic : contract.names()) {
                        if (topic.startsWith(t.getName())) {
                            problems.add(r + ": the prefix covers contract topic " + topic + "; name contract topics literally");
                        }
                    }
                } else if (contract.find(t.getName()).isEmpty()) {
                    problems.add(r + ": topic " + t.getName() + " is not in the topic contract (a typo?)");
                }
                if (rule.getOperations() != null && rule.getOperations().contains(AclOperation.ALL)) {
                    problems.add(r + ": All on a topic; list the operations");
                }
            }
        }
        return problems;
    }

    private static void check(List<String> problems, KafkaUser u, Role role, String type, String name, AclOperation op, boolean expected) {
        boolean actual = allowed(u, type, name, op);
        if (actual != expected) {
            problems.add(expected
                    ? "the " + role.component + " (KafkaUser " + u.getMetadata().getName() + ") needs " + op.toValue() + " on " + type + " " + name
                    : "the " + role.component + " (KafkaUser " + u.getMetadata().getName() + ") must not have " + op.toValue() + " on " + type + " "
                            + name + " (ARCHITECTURE.md: " + (op == AclOperation.WRITE ? "writers" : "readers") + " of " + name + ")");
        }
    }

    private static void require(List<String> problems, KafkaUser u, String type, String name, AclOperation op) {
        if (!allowed(u, type, name, op)) {
            problems.add("KafkaUser " + u.getMetadata().getName() + " needs " + op.toValue() + " on " + type + " " + name);
        }
    }

    /** Whether {@code u}'s ACLs allow {@code op} on the resource, with Kafka's implications. */
    static boolean allowed(KafkaUser u, String type, String name, AclOperation op) {
        if (!(u.getSpec().getAuthorization() instanceof KafkaUserAuthorizationSimple simple)) {
            return false;
        }
        for (AclRule rule : simple.getAcls()) {
            if (rule.getType() == AclRuleType.DENY || !type.equals(rule.getResource().getType()) || rule.getOperations() == null) {
                continue;
            }
            String ruleName = resourceName(rule);
            boolean prefix = patternType(rule) == AclResourcePatternType.PREFIX;
            boolean matches = "*".equals(ruleName) || (prefix ? name.startsWith(ruleName) : name.equals(ruleName));
            if (!matches) {
                continue;
            }
            for (AclOperation granted : rule.getOperations()) {
                if (granted == op || granted == AclOperation.ALL) {
                    return true;
                }
                if (op == AclOperation.DESCRIBE && EnumSet.of(AclOperation.READ, AclOperation.WRITE, AclOperation.DELETE, AclOperation.ALTER).contains(granted)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static String resourceName(AclRule rule) {
        if (rule.getResource() instanceof AclRuleTopicResource t) {
            return t.getName();
        }
        if (rule.getResource() instanceof AclRuleGroupResource g) {
            return g.getName();
        }
        if (rule.getResource() instanceof AclRuleTransactionalIdResource x) {
            return x.getName();
        }
        return null;
    }

    private static AclResourcePatternType patternType(AclRule rule) {
        AclResourcePatternType p = null;
        if (rule.getResource() instanceof AclRuleTopicResource t) {
            p = t.getPatternType();
        } else if (rule.getResource() instanceof AclRuleGroupResource g) {
            p = g.getPatternType();
        } else if (rule.getResource() instanceof AclRuleTransactionalIdResource x) {
            p = x.getPatternType();
        }
        return p == null ? AclResourcePatternType.LITERAL : p;
    }

    private static String describe(AclRule rule) {
        return rule.getResource() == null ? "(no resource)" : rule.getResource().getType() + " " + resourceName(rule) + " "
                + patternType(rule).toValue() + " " + rule.getOperations();
    }
}
