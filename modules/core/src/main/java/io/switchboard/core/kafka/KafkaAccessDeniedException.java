package io.switchboard.core.kafka;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.kafka.common.config.types.Password;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.ClusterAuthorizationException;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.TransactionalIdAuthorizationException;

import io.switchboard.core.SwitchboardException;

/**
 * Kafka refused this role: the ACL it lacks (resource, operation, principal) or the login it failed, as a sentence that
 * says how to fix it, e.g. <em>"Kafka refused User:switchboard-poller Write on topic switchboard.tokens while publishing
 * a token: no ACL allows it. Grant it with `kafka-acls.sh ... --add --allow-principal User:switchboard-poller
 * --operation Write --topic switchboard.tokens` (Strimzi: ...), or run this role as the Kafka user that should do
 * this."</em>
 *
 * <p>Made from a Kafka client failure with {@link #explain}; Kafka's own messages ("Not authorized to access topics:
 * [switchboard.tokens]") name neither the operation nor the principal. The principal is worked out from the client's
 * {@code security.protocol}, {@code sasl.mechanism} and the {@code username} of {@code sasl.jaas.config} (a user name is
 * not a secret; the password is never read).
 *
 * <p>Not retriable: repeating the operation fails the same way until an operator grants the ACL or gives the role the
 * right Kafka identity, so a role stops (readiness DOWN with this message) or reports it on every attempt. Immutable.
 */
public final class KafkaAccessDeniedException extends SwitchboardException {

    private static final long serialVersionUID = 1L;
    private static final Pattern JAAS_USERNAME = Pattern.compile("username\\s*=\\s*\"([^\"]*)\"");

    /** The kinds of resource a Kafka ACL can name, with their {@code kafka-acls.sh} option and Strimzi type. */
    public enum Resource {
        TOPIC("topic", "--topic"),
        GROUP("group", "--group"),
        TRANSACTIONAL_ID("transactionalId", "--transactional-id"),
        CLUSTER("cluster", "--cluster");

        private final String strimziType;
        private final String option;

        Resource(String strimziType, String option) {
            this.strimziType = strimziType;
            this.option = option;
        }

        /** The type as a Strimzi {@code KafkaUser} ACL names it, e.g. {@code transactionalId}. */
        public String strimziType() {
            return strimziType;
        }
    }

    private final Resource resource;
    private final List<String> resourceNames;
    private final List<String> operations;
    private final String principal;

    private KafkaAccessDeniedException(String message, Throwable cause, Resource resource, List<String> resourceNames,
                                       List<String> operations, String principal) {
        super(message, cause);
        this.resource = resource;
        this.resourceNames = List.copyOf(resourceNames);
        this.operations = List.copyOf(operations);
        this.principal = principal;
    }

    /** The kind of resource refused; null for a refused login. */
    public Resource resource() {
        return resource;
    }

    /** The names of the refused resources (topics, group, transactional id); empty for the cluster or a login. */
    public List<String> resourceNames() {
        return resourceNames;
    }

    /** The ACL operations the role needs on them, e.g. {@code [Write]}; empty for a refused login. */
    public List<String> operations() {
        return operations;
    }

    /** The principal Kafka refused, e.g. {@code User:switchboard-poller}, or a description when it cannot be known here. */
    public String principal() {
        return principal;
    }

    /**
     * Explains {@code failure} when it is (or wraps) a Kafka authorization or authentication failure.
     *
     * @param failure          what a client threw or handed to a callback
     * @param topicOperation   the ACL operation the client needed on the topics: {@code Write} for a producer,
     *                         {@code Read} for a consumer, {@code Describe} for metadata
     * @param clientProperties the client's properties (principal, {@code transactional.id}, {@code group.id},
     *                         {@code bootstrap.servers}); values may be strings or Kafka {@link Password}s
     * @param doing            what the role was doing, e.g. "publishing a token"; part of the sentence
     * @return the explanation, or empty when {@code failure} is something else
     */
    public static Optional<KafkaAccessDeniedException> explain(Throwable failure, String topicOperation, Map<String, ?> clientProperties,
                                                               String doing) {
        return explain(failure, topicOperation, List.of(), clientProperties, doing);
    }

    /**
     * {@link #explain(Throwable, String, Map, String)} for a client that knows which topics it asked for, for the
     * failures that do not name them (the Admin API's {@code createTopics}).
     *
     * @param topics the topics of the refused request, used when the failure names none
     */
    public static Optional<KafkaAccessDeniedException> explain(Throwable failure, String topicOperation, List<String> topics,
                                                               Map<String, ?> clientProperties, String doing) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof KafkaAccessDeniedException already) {
                return Optional.of(already);
            }
            if (t instanceof AuthorizationException a) {
                return Optional.of(authorization(a, topicOperation, topics, clientProperties, doing));
            }
            if (t instanceof AuthenticationException a) {
                return Optional.of(authentication(a, clientProperties, doing));
            }
        }
        return Optional.empty();
    }

    /** {@link #explain} or, when {@code failure} is no access failure, {@code failure} itself. */
    public static Throwable explainOrSame(Throwable failure, String topicOperation, Map<String, ?> clientProperties, String doing) {
        return explain(failure, topicOperation, clientProperties, doing).<Throwable>map(e -> e).orElse(failure);
    }

    private static KafkaAccessDeniedException authorization(AuthorizationException e, String topicOperation, List<String> topics,
                                                            Map<String, ?> props, String doing) {
        String principal = principal(props);
        Resource resource;
        List<String> names = new ArrayList<>();
        List<String> operations = new ArrayList<>();
        if (e instanceof TopicAuthorizationException t) {
            resource = Resource.TOPIC;
            names.addAll(t.unauthorizedTopics() == null ? List.of() : t.unauthorizedTopics().stream().sorted().toList());
            if (names.isEmpty()) {
                names.addAll(topics);
            }
            operations.add(topicOperation);
        } else if (e instanceof GroupAuthorizationException g) {
            resource = Resource.GROUP;
            String group = g.groupId() != null ? g.groupId() : string(props, "group.id");
            if (group != null) {
                names.add(group);
            }
            operations.add("Read");
        } else if (e instanceof TransactionalIdAuthorizationException) {
            resource = Resource.TRANSACTIONAL_ID;
            String id = string(props, "transactional.id");
            if (id != null) {
                names.add(id);
            }
            operations.add("Write");
            operations.add("Describe");
        } else if (e instanceof ClusterAuthorizationException) {
            resource = Resource.CLUSTER;
            operations.add("IdempotentWrite");
        } else {
            resource = null;
        }
        StringBuilder m = new StringBuilder("Kafka refused ").append(principal).append(' ');
        if (resource == null) {
            m.append("while ").append(doing).append(": ").append(e.getClass().getSimpleName()).append(": ").append(e.getMessage())
                    .append(". Grant the principal the ACL this names, or run this role as the Kafka user that has it.");
            return new KafkaAccessDeniedException(m.toString(), e, null, names, operations, principal);
        }
        String what = resource == Resource.CLUSTER ? "the cluster"
                : resource.strimziType + " " + (names.isEmpty() ? "(name not reported)" : String.join(", ", names));
        m.append(String.join(" and ", operations)).append(" on ").append(what).append(" while ").append(doing)
                .append(": no ACL allows it. Grant it with `kafka-acls.sh --bootstrap-server ")
                .append(string(props, "bootstrap.servers") == null ? "<bootstrap>" : string(props, "bootstrap.servers"))
                .append(" --command-config <admin client properties> --add --allow-principal ").append(principal.startsWith("User:") ? principal : "<principal>");
        operations.forEach(o -> m.append(" --operation ").append(o));
        if (resource == Resource.CLUSTER) {
            m.append(" --cluster");
        } else {
            (names.isEmpty() ? List.of("<name>") : names).forEach(n -> m.append(' ').append(resource.option).append(' ').append(n));
        }
        m.append('`');
        if (principal.startsWith("User:")) {
            m.append(" (Strimzi: add {resource: {type: ").append(resource.strimziType);
            if (resource != Resource.CLUSTER) {
                m.append(", name: ").append(names.isEmpty() ? "<name>" : names.get(0)).append(", patternType: literal");
            }
            m.append("}, operations: [").append(String.join(", ", operations)).append("]} to spec.authorization.acls of KafkaUser ")
                    .append(principal.substring("User:".length())).append(')');
        }
        m.append(", or, if this role should not do that, run it as the Kafka user meant for it (kafka.properties: sasl.jaas.config).");
        return new KafkaAccessDeniedException(m.toString(), e, resource, names, operations, principal);
    }

    private static KafkaAccessDeniedException authentication(AuthenticationException e, Map<String, ?> props, String doing) {
        String principal = principal(props);
        String message = "Kafka refused the login of " + principal + " while " + doing + " ("
                + protocol(props) + (protocol(props).startsWith("SASL") ? " " + mechanism(props) : "") + "): " + e.getMessage()
                + ". Check the user name and password in kafka.properties.sasl.jaas.config (and that the user exists on the cluster,"
                + " e.g. its Strimzi KafkaUser is Ready), and that security.protocol and sasl.mechanism match the broker's listener.";
        return new KafkaAccessDeniedException(message, e, null, List.of(), List.of(), principal);
    }

    /** The principal the client logs in as, as far as its properties tell. */
    static String principal(Map<String, ?> props) {
        String protocol = protocol(props);
        if (protocol.startsWith("SASL")) {
            String mechanism = mechanism(props);
            if (mechanism.equals("PLAIN") || mechanism.startsWith("SCRAM-")) {
                String jaas = secretString(props.get("sasl.jaas.config"));
                Matcher m = jaas == null ? null : JAAS_USERNAME.matcher(jaas);
                return m != null && m.find() ? "User:" + m.group(1) : "the user of sasl.jaas.config";
            }
            if (mechanism.equals("GSSAPI")) {
                return "the Kerberos principal of sasl.jaas.config (as mapped by the broker's sasl.kerberos.principal.to.local.rules)";
            }
            return "the " + mechanism + " principal of this client";
        }
        if (protocol.equals("SSL")) {
            return "the subject of this client's TLS certificate (as mapped by the broker's ssl.principal.mapping.rules)";
        }
        return "User:ANONYMOUS (security.protocol " + protocol + " logs in as nobody; configure SASL or TLS client authentication)";
    }

    private static String protocol(Map<String, ?> props) {
        String p = string(props, "security.protocol");
        return p == null ? "PLAINTEXT" : p.trim().toUpperCase(Locale.ROOT);
    }

    private static String mechanism(Map<String, ?> props) {
        String m = string(props, "sasl.mechanism");
        return m == null ? "GSSAPI" : m.trim().toUpperCase(Locale.ROOT);
    }

    private static String string(Map<String, ?> props, String key) {
        Object v = props == null ? null : props.get(key);
        if (v instanceof Password) {
            return null; // only ever read through secretString
        }
        return v == null ? null : String.valueOf(v);
    }

    private static String secretString(Object v) {
        if (v instanceof Password p) {
            return p.value();
        }
        return v == null ? null : String.valueOf(v);
    }
}
