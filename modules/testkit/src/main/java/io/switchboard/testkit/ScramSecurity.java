package io.switchboard.testkit;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;

/**
 * The secured mode of the {@link EmbeddedKafkaBroker}: clients connect to a {@code SASL_PLAINTEXT} listener and log in with
 * SCRAM-SHA-512; Kafka's {@code StandardAuthorizer} decides every request from the ACLs (no ACL = denied); the admin
 * user is a super user. The users given here get their SCRAM credentials when the storage is formatted, so they can log in
 * as soon as the broker answers; more can be added at run time with {@link EmbeddedKafkaBroker#createScramUser}.
 *
 * <p>For tests only: passwords are plain strings (never printed by {@link #toString()}). Immutable.
 *
 * @param adminUser     the super user the broker's own helpers ({@link KafkaBroker#admin()}, {@link KafkaBroker#createTopic})
 *                      log in as
 * @param adminPassword its password
 * @param users         more users created at format time, name to password
 */
public record ScramSecurity(String adminUser, String adminPassword, Map<String, String> users) {

    /** The SASL mechanism of the secured listener. */
    public static final String MECHANISM = "SCRAM-SHA-512";

    /** The authorizer the secured broker runs (KRaft's own). */
    public static final String AUTHORIZER = "org.apache.kafka.metadata.authorizer.StandardAuthorizer";

    public ScramSecurity {
        Objects.requireNonNull(adminUser, "adminUser");
        Objects.requireNonNull(adminPassword, "adminPassword");
        users = Map.copyOf(users);
        for (String name : users.keySet()) {
            checkName(name);
        }
        checkName(adminUser);
    }

    /** SCRAM-SHA-512 with {@code adminUser} as the only super user and no other users yet. */
    public static ScramSecurity scramSha512(String adminUser, String adminPassword) {
        return new ScramSecurity(adminUser, adminPassword, Map.of());
    }

    /** With one more user, created when the storage is formatted. */
    public ScramSecurity withUser(String name, String password) {
        Map<String, String> more = new LinkedHashMap<>(users);
        more.put(name, password);
        return new ScramSecurity(adminUser, adminPassword, more);
    }

    /** Every user with a credential at format time, the admin included. */
    Map<String, String> formatTimeUsers() {
        Map<String, String> all = new LinkedHashMap<>();
        all.put(adminUser, adminPassword);
        all.putAll(users);
        return all;
    }

    /** The Kafka principal of {@code user}, as ACLs name it: {@code User:<name>}. */
    public static String principal(String user) {
        return "User:" + user;
    }

    /** Client properties that log in as {@code user} with {@code password} (bootstrap servers not included). */
    public static Properties clientProperties(String user, String password) {
        Properties props = new Properties();
        props.put("security.protocol", "SASL_PLAINTEXT");
        props.put("sasl.mechanism", MECHANISM);
        props.put("sasl.jaas.config", jaasConfig(user, password));
        return props;
    }

    static String jaasConfig(String user, String password) {
        return "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + user + "\" password=\"" + password + "\";";
    }

    private static void checkName(String name) {
        // the Formatter's --add-scram syntax and the JAAS line both break on these
        if (name.isEmpty() || name.chars().anyMatch(c -> c == ',' || c == '=' || c == '"' || c == '[' || c == ']' || Character.isWhitespace(c))) {
            throw new IllegalArgumentException("SCRAM user name '" + name + "' must be non-empty without ',', '=', '\"', '[', ']' or spaces");
        }
    }

    /** Names only: passwords stay out of test logs. */
    @Override
    public String toString() {
        return "ScramSecurity[" + MECHANISM + ", super user " + adminUser + ", users " + Set.copyOf(users.keySet()) + "]";
    }
}
