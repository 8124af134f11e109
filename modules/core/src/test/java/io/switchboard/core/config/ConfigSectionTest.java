package io.switchboard.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.switchboard.core.ConfigException;
import io.switchboard.core.ConfigProblem;
import io.switchboard.core.ConfigProblems;
import io.switchboard.core.Secret;

class ConfigSectionTest {

    static final ConfigKey<Integer> MAX_IN_FLIGHT = ConfigKey.integer("poller.maxInFlight").defaultValue(4)
            .check(Checks.between(1, 1000)).doc("Polls run at the same time.");
    static final ConfigKey<Duration> INTERVAL = ConfigKey.duration("poller.interval").defaultValue(Duration.ofSeconds(30))
            .check(Checks.positive()).doc("How often.");
    static final ConfigKey<String> BOOTSTRAP = ConfigKey.string("kafka.bootstrapServers").required()
            .doc("Kafka bootstrap servers. Required.");
    static final ConfigKey<Map<String, String>> KAFKA_PROPS = ConfigKey.stringMap("kafka.properties").defaultValue(Map.of());
    static final ConfigKey<Secret> PASSWORD = ConfigKey.secret("schemaRegistry.password");
    static final ConfigKey<Map<String, Secret>> KEYS = ConfigKey.of("encryption.keys", ConfigType.SECRET_MAP);
    static final ConfigKey<List<String>> SCOPES = ConfigKey.stringList("credentials[].scopes").defaultValue(List.of());
    static final ConfigKey<Secret> CLIENT_SECRET = ConfigKey.secret("credentials[].clientSecret").required();
    static final ConfigKey<Duration> POLL_INTERVAL = ConfigKey.duration("credentials[].poll.interval");
    static final ConfigKey<Integer> OPS_PORT = ConfigKey.integer("tokenManager.ops.port").defaultValue(9401).alias("ops.port");

    private static ConfigSection root(String yaml, Map<String, String> env) {
        return ConfigSource.parse(yaml, "test.yaml", env).root(new ConfigProblems("test.yaml"));
    }

    @Test
    void theFileSetsTheEnvironmentOverridesTheDefaultFills() {
        ConfigSection s = root("poller: {maxInFlight: 8, interval: 90s}\n", Map.of("SWITCHBOARD_POLLER_INTERVAL", "PT2M"));
        assertThat(s.get(MAX_IN_FLIGHT)).isEqualTo(8);
        assertThat(s.get(INTERVAL)).isEqualTo(Duration.ofMinutes(2));
        assertThat(root("", Map.of()).get(MAX_IN_FLIGHT)).isEqualTo(4);
        assertThat(s.problems().isEmpty()).isTrue();
    }

    @Test
    void environmentVariablesFollowOneNamingRule() {
        assertThat(MAX_IN_FLIGHT.envVar()).isEqualTo("SWITCHBOARD_POLLER_MAX_IN_FLIGHT");
        assertThat(BOOTSTRAP.envVar()).isEqualTo("SWITCHBOARD_KAFKA_BOOTSTRAP_SERVERS");
        assertThat(ConfigKey.string("schemaRegistry.url").envVar()).isEqualTo("SWITCHBOARD_SCHEMA_REGISTRY_URL");
        assertThat(CLIENT_SECRET.envVar()).isEqualTo("SWITCHBOARD_CREDENTIALS_<ID>_CLIENT_SECRET");
        assertThat(POLL_INTERVAL.envVar()).isEqualTo("SWITCHBOARD_CREDENTIALS_<ID>_POLL_INTERVAL");
        assertThat(ConfigKey.envVarOf("credentials[].poll.interval", "genesys-eu.1"))
                .isEqualTo("SWITCHBOARD_CREDENTIALS_GENESYS_EU_1_POLL_INTERVAL");
        assertThat(ConfigKey.string("credentials[].id").fileOnly().envVar()).isNull();
    }

    @Test
    void everyProblemIsReportedAtOnceWithKeyValueAndWhatWouldBeValid() {
        ConfigSection s = root("""
                poller: {maxInFlight: 0, interval: 90}
                """, Map.of("SWITCHBOARD_SCHEMA_REGISTRY_PASSWORD", ""));
        s.get(MAX_IN_FLIGHT);
        s.get(INTERVAL);
        s.get(BOOTSTRAP);
        assertThat(s.problems().problems()).extracting(ConfigProblem::toString).containsExactly(
                "poller.maxInFlight = 0: must be between 1 and 1000",
                "poller.interval = 90: is a bare number, which could mean seconds or milliseconds; add the unit, e.g. 90s or 90ms,"
                        + " or write ISO-8601 such as PT90S",
                "kafka.bootstrapServers: is required (Kafka bootstrap servers); set it in the file or in SWITCHBOARD_KAFKA_BOOTSTRAP_SERVERS");
        assertThatThrownBy(s.problems()::throwIfAny).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("3 problems in test.yaml:");
    }

    @Test
    void aRequiredMapNamesTheVariablesOfItsEntries() {
        ConfigSection s = root("", Map.of());
        s.get(KEYS.required());
        assertThat(s.problems().problems()).extracting(ConfigProblem::toString)
                .containsExactly("encryption.keys: is required; set it in the file or in SWITCHBOARD_ENCRYPTION_KEYS_<NAME>");
    }

    @Test
    void aProblemWithAnEnvironmentValueNamesTheVariable() {
        ConfigSection s = root("", Map.of("SWITCHBOARD_POLLER_MAX_IN_FLIGHT", "many"));
        assertThat(s.get(MAX_IN_FLIGHT)).isNull();
        assertThat(s.problems().problems()).extracting(ConfigProblem::toString)
                .containsExactly("poller.maxInFlight = many: is not a whole number (set by SWITCHBOARD_POLLER_MAX_IN_FLIGHT)");
    }

    @Test
    void secretsAreReferencesInTheFileAndNeverShown() {
        ConfigSection s = root("""
                schemaRegistry: {password: "hunter2"}
                encryption: {keys: {k1: "${env:KEY_1}", k2: "${env:MISSING}"}}
                """, Map.of("KEY_1", "a2V5LW9uZQ=="));
        assertThat(s.get(PASSWORD)).isNull();
        assertThat(s.get(KEYS)).containsOnlyKeys("k1"); // the entries that resolved, so their own checks still run
        assertThat(s.problems().problems()).extracting(ConfigProblem::toString).containsExactly(
                "schemaRegistry.password = ****: secrets are not accepted inline; put the value in an environment variable or a file"
                        + " and write ${env:NAME} or ${file:/path/to/secret}",
                "encryption.keys.k2 = ${env:MISSING}: environment variable MISSING is not set or empty; set it in the environment"
                        + " of this process (export MISSING=...), or keep the secret in a file and write ${file:/path/to/secret}");
        assertThat(s.problems().problems().toString()).doesNotContain("hunter2");
    }

    @Test
    void aSecretFromItsEnvironmentVariableIsTheValueItself(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("pw");
        Files.writeString(file, "from-file\n");
        ConfigSection s = root("schemaRegistry: {password: \"${file:" + file + "}\"}\n", Map.of());
        assertThat(s.get(PASSWORD).reveal()).isEqualTo("from-file");
        ConfigSection env = root("schemaRegistry: {password: \"${file:" + file + "}\"}\n",
                Map.of("SWITCHBOARD_SCHEMA_REGISTRY_PASSWORD", "from-env"));
        Secret secret = env.get(PASSWORD);
        assertThat(secret.reveal()).isEqualTo("from-env");
        assertThat(secret.describe()).isEqualTo("$SWITCHBOARD_SCHEMA_REGISTRY_PASSWORD");
    }

    @Test
    void aMaskedKeyNeverShowsItsValueInAProblem() {
        ConfigKey<Integer> pin = ConfigKey.integer("poller.pin").masked();
        ConfigSection s = root("poller: {pin: 12ab}\n", Map.of());
        s.get(pin);
        assertThat(s.problems().problems()).extracting(ConfigProblem::value).containsExactly("****");
    }

    @Test
    void aReferenceInAnOrdinaryKeyIsResolvedButNeverShownResolved() {
        ConfigSection s = root("kafka: {bootstrapServers: \"${env:BROKERS}\"}\npoller: {maxInFlight: \"${env:N}\"}\n",
                Map.of("BROKERS", "b1:9092", "N", "lots"));
        assertThat(s.get(BOOTSTRAP)).isEqualTo("b1:9092");
        s.get(MAX_IN_FLIGHT);
        assertThat(s.problems().problems()).extracting(ConfigProblem::toString)
                .containsExactly("poller.maxInFlight = ${env:N}: is not a whole number");
    }

    @Test
    void mapsTakeEntriesFromTheEnvironmentKafkaStyle() {
        ConfigSection s = root("""
                kafka:
                  properties: {security.protocol: SASL_SSL, sasl.jaas.config: "${env:JAAS}"}
                """, Map.of("JAAS", "jaas-secret", "SWITCHBOARD_KAFKA_PROPERTIES_SASL_MECHANISM", "PLAIN",
                "SWITCHBOARD_KAFKA_PROPERTIES_SECURITY_PROTOCOL", "SSL", "SWITCHBOARD_ENCRYPTION_KEYS_K9", "a2V5"));
        assertThat(s.get(KAFKA_PROPS)).containsExactlyInAnyOrderEntriesOf(Map.of(
                "security.protocol", "SSL", "sasl.jaas.config", "jaas-secret", "sasl.mechanism", "PLAIN"));
        Map<String, Secret> keys = s.get(KEYS);
        assertThat(keys).containsOnlyKeys("k9");
        assertThat(keys.get("k9").reveal()).isEqualTo("a2V5");
    }

    @Test
    void listItemsAreSectionsOverriddenByTheirId() {
        ConfigSection s = root("""
                credentials:
                  - id: genesys-eu
                    clientSecret: ${env:GEN}
                    scopes: [a, b]
                    poll: {interval: 1m}
                  - id: other
                    scopes: "x y"
                  - just-text
                """, Map.of("GEN", "g", "SWITCHBOARD_CREDENTIALS_GENESYS_EU_POLL_INTERVAL", "PT30S",
                "SWITCHBOARD_CREDENTIALS_OTHER_CLIENT_SECRET", "o"));
        List<ConfigSection> items = s.items("credentials");
        assertThat(items).extracting(ConfigSection::id).containsExactly("genesys-eu", "other");
        assertThat(items.get(0).get(CLIENT_SECRET).reveal()).isEqualTo("g");
        assertThat(items.get(0).get(SCOPES)).containsExactly("a", "b");
        assertThat(items.get(0).get(POLL_INTERVAL)).isEqualTo(Duration.ofSeconds(30));
        assertThat(items.get(1).get(CLIENT_SECRET).reveal()).isEqualTo("o");
        assertThat(items.get(1).get(SCOPES)).containsExactly("x", "y");
        assertThat(items.get(1).get(POLL_INTERVAL)).isNull();
        assertThat(items.get(1).where(POLL_INTERVAL)).isEqualTo("credentials[1].poll.interval");
        assertThat(s.problems().problems()).extracting(ConfigProblem::toString)
                .containsExactly("credentials[2] = just-text: must be a mapping of keys, not a single value");
    }

    @Test
    void aRoleChecksItsOwnSubSectionOfACredentialAndLeavesTheRestToItsOwner() {
        ConfigKey<Integer> maxQueues = ConfigKey.integer("credentials[].poll.maxQueues").defaultValue(100);
        ConfigSection s = root("""
                credentials:
                  - id: genesys-eu
                    provider: genesys-cloud
                    clientSecret: ${env:X}
                    poll: {interval: 2m, maxQueus: 5}
                """, Map.of("X", "x", "SWITCHBOARD_CREDENTIALS_GENESYS_EU_POLL_MAX_QUEUES", "50"));
        ConfigSection item = s.items("credentials").get(0);
        item.section("credentials[].poll").rejectUnknownKeys(List.of(POLL_INTERVAL, maxQueues), List.of());
        assertThat(item.get(POLL_INTERVAL)).isEqualTo(Duration.ofMinutes(2));
        assertThat(item.get(maxQueues)).isEqualTo(50);
        assertThat(item.section("credentials[].poll").get(maxQueues)).isEqualTo(50);
        assertThat(s.problems().problems()).extracting(ConfigProblem::toString).containsExactly(
                "credentials[0].poll.maxQueus: is not a key (did you mean maxQueues?); keys here: interval, maxQueues");
    }

    @Test
    void itemsOfAListInsideAListItemAreReadFromTheFileOnly() {
        ConfigKey<Duration> interval = ConfigKey.duration("credentials[].poll[].interval").fileOnly();
        ConfigSection s = root("""
                credentials:
                  - id: g
                    poll:
                      - {id: live, interval: 10s}
                      - {interval: PT1M}
                """, Map.of("SWITCHBOARD_CREDENTIALS_G_POLL_LIVE_INTERVAL", "5s", "SWITCHBOARD_CREDENTIALS_LIVE_POLL_LIVE_INTERVAL", "5s"));
        List<ConfigSection> polls = s.items("credentials").get(0).items("credentials[].poll");
        assertThat(polls).extracting(p -> p.get(interval)).containsExactly(Duration.ofSeconds(10), Duration.ofMinutes(1));
        assertThat(polls.get(1).where(interval)).isEqualTo("credentials[0].poll[1].interval");
        assertThat(s.problems().isEmpty()).isTrue();
    }

    @Test
    void aFileThatHoldsOneSectionAtTheTopReadsAsThatSection() {
        ConfigKey<Integer> port = ConfigKey.integer("simulator.port").defaultValue(0);
        ConfigSource source = ConfigSource.parse("port: 8089\ncolour: blue\n", "sim.yaml", Map.of("SWITCHBOARD_SIMULATOR_PORT", "9"));
        ConfigSection sim = source.rootAs("simulator", source.newProblems());
        assertThat(sim.get(port)).isEqualTo(9);
        sim.rejectUnknownKeys(List.of(port), List.of());
        assertThat(sim.problems().problems()).extracting(ConfigProblem::toString)
                .containsExactly("colour: is not a key; keys here: port");
    }

    @Test
    void unknownKeysAreProblemsWithTheNearestKeySuggested() {
        ConfigSection s = root("""
                poller: {maxInFlite: 3, interval: 1m}
                kafka: {bootstrapServers: b:1}
                aggregator: {whatever: 1}
                tokenManger: {}
                credentials:
                  - {id: a, clientSecret: "${env:X}", poll: {anything: 1}, scope: [x]}
                """, Map.of("X", "x"));
        List<ConfigKey<?>> keys = List.of(MAX_IN_FLIGHT, INTERVAL, BOOTSTRAP, KAFKA_PROPS, CLIENT_SECRET, SCOPES);
        s.rejectUnknownKeys(keys, List.of("aggregator", "tokenManager"));
        for (ConfigSection item : s.items("credentials")) {
            item.rejectUnknownKeys(List.of(CLIENT_SECRET, SCOPES, ConfigKey.string("credentials[].id")), List.of("poll"),
                    "is not a setting of provider x");
        }
        assertThat(s.problems().problems()).extracting(ConfigProblem::toString).containsExactly(
                "poller.maxInFlite: is not a key (did you mean maxInFlight?); keys here: interval, maxInFlight",
                "tokenManger: is not a key (did you mean tokenManager?); keys here: aggregator, credentials, kafka, poller, tokenManager",
                "credentials[0].scope: is not a setting of provider x (did you mean scopes?); keys here: clientSecret, id, poll, scopes");
    }

    @Test
    void anOlderNameStillWorksButNotTogetherWithTheNewOne() {
        assertThat(root("ops: {port: 0}\n", Map.of()).get(OPS_PORT)).isZero();
        assertThat(root("", Map.of("SWITCHBOARD_OPS_PORT", "7")).get(OPS_PORT)).isEqualTo(7);
        assertThat(root("tokenManager: {ops: {port: 1}}\n", Map.of("SWITCHBOARD_OPS_PORT", "7")).get(OPS_PORT)).isEqualTo(7);
        ConfigSection both = root("ops: {port: 0}\ntokenManager: {ops: {port: 1}}\n", Map.of());
        both.get(OPS_PORT);
        assertThat(both.problems().problems()).extracting(ConfigProblem::toString).containsExactly(
                "tokenManager.ops.port: is set twice, as tokenManager.ops.port and as ops.port (its older name); keep only tokenManager.ops.port");
        ConfigSection known = root("ops: {port: 0}\n", Map.of());
        known.rejectUnknownKeys(List.of(OPS_PORT), List.of());
        assertThat(known.problems().isEmpty()).isTrue();
    }

    @Test
    void aMappingWhereAValueBelongsIsAProblemAndViceVersa() {
        ConfigSection s = root("poller: {maxInFlight: {a: 1}}\nkafka: [1]\n", Map.of());
        s.get(MAX_IN_FLIGHT);
        s.rejectUnknownKeys(List.of(MAX_IN_FLIGHT, BOOTSTRAP), List.of());
        assertThat(s.problems().problems()).extracting(ConfigProblem::toString).containsExactly(
                "poller.maxInFlight: must be a single int, not a mapping",
                "kafka: must be a mapping of keys (bootstrapServers)");
    }

    @Test
    void findTellsUnsetFromDefaulted() {
        ConfigSection s = root("poller: {interval: 5m}\n", Map.of());
        assertThat(s.find(INTERVAL)).contains(Duration.ofMinutes(5));
        assertThat(s.find(MAX_IN_FLIGHT)).isEmpty();
        assertThat(s.isSet(MAX_IN_FLIGHT)).isFalse();
    }

    @Test
    void readingAListItemKeyFromTheWholeFileIsAProgrammingError() {
        assertThatThrownBy(() -> root("", Map.of()).get(CLIENT_SECRET)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("items(\"credentials\")");
    }

    @Test
    void badYamlAndDuplicateKeysNameTheLine() {
        assertThatThrownBy(() -> ConfigSource.parse("poller:\n  maxInFlight: 1\n  maxInFlight: 2\n", "dup.yaml", Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("dup.yaml").hasMessageContaining("has a key twice at line 3");
        assertThatThrownBy(() -> ConfigSource.parse("poller: [\n", "bad.yaml", Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("is not valid YAML at line");
        assertThatThrownBy(() -> ConfigSource.parse("- a\n- b\n", "list.yaml", Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("must be a YAML mapping of sections");
    }

    @Test
    void keyNamesAreCheckedWhenDeclared() {
        assertThatThrownBy(() -> ConfigKey.string("Poller.max_in_flight")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ConfigKey.string("credentials[]")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aLiteralMapKeepsReferencesAsWrittenAndListsAndMappingsAreTold() {
        ConfigKey<Map<String, String>> params = ConfigKey.of("credentials[].poll[].params", ConfigType.LITERAL_MAP).fileOnly()
                .defaultValue(Map.of());
        ConfigSection root = root("""
                credentials:
                  - id: a
                    poll:
                      - params: {granularity: PT15M, password: "${env:NOT_SET}"}
                  - id: b
                    poll: {jobs: []}
                """, Map.of());
        List<ConfigSection> credentials = root.items("credentials");
        assertThat(credentials.get(0).isList("credentials[].poll")).isTrue();
        assertThat(credentials.get(0).isMapping("credentials[].poll")).isFalse();
        assertThat(credentials.get(1).isMapping("credentials[].poll")).isTrue();
        ConfigSection entry = credentials.get(0).items("credentials[].poll").get(0);
        assertThat(entry.get(params)).containsEntry("granularity", "PT15M").containsEntry("password", "${env:NOT_SET}");
        assertThat(root.problems().isEmpty()).as("a literal value is not resolved, so an unset variable is no problem here").isTrue();
    }
}
