package io.switchboard.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

class ConfigReferenceTest {

    private final ConfigReference reference = ConfigReference.of()
            .section("poller", "One section per role.", List.of(ConfigSectionTest.MAX_IN_FLIGHT, ConfigSectionTest.INTERVAL))
            .section("credentials", "", List.of(ConfigSectionTest.CLIENT_SECRET, ConfigSectionTest.POLL_INTERVAL,
                    ConfigSectionTest.OPS_PORT, ConfigKey.string("credentials[].id").fileOnly().required()));

    @Test
    void textListsEveryKeyWithTypeDefaultAndEnvironmentVariable() {
        String text = reference.text();
        assertThat(text).contains("== poller", "One section per role.",
                "poller.maxInFlight  (int, default 4)", "env: SWITCHBOARD_POLLER_MAX_IN_FLIGHT", "Polls run at the same time.",
                "poller.interval  (duration, default 30s)",
                "credentials[].clientSecret  (secret, default (required))", "env: SWITCHBOARD_CREDENTIALS_<ID>_CLIENT_SECRET",
                "credentials[].poll.interval  (duration, default (none))",
                "also read from ops.port (deprecated)", "env: (file only)", "a bare number is an error");
        assertThat(reference.keys()).hasSize(6);
    }

    @Test
    void markdownIsATablePerSection() {
        String md = reference.markdown();
        assertThat(md).contains("### poller", "| key | type | default | environment variable | meaning |",
                "| `poller.maxInFlight` | int | 4 | `SWITCHBOARD_POLLER_MAX_IN_FLIGHT` | Polls run at the same time. |",
                "| `credentials[].clientSecret` | secret | (required) | `SWITCHBOARD_CREDENTIALS_<ID>_CLIENT_SECRET` |",
                "Also read from `ops.port` (deprecated).");
    }

    @Test
    void mapsShowTheirEntryVariableAndListsOfMappingsAreFileOnly() {
        assertThat(ConfigKey.stringMap("kafka.properties").envVar()).isEqualTo("SWITCHBOARD_KAFKA_PROPERTIES_<NAME>");
        assertThat(ConfigKey.items("credentials").envVar()).isNull();
        assertThat(ConfigKey.of("x.grants", ConfigType.STRING_LIST_MAP).envVar()).isNull();
        String text = ConfigReference.of().section("x", "", List.of(ConfigKey.integer("x.pin").masked())).text();
        assertThat(text).contains("x.pin  (int, default (none), masked)");
    }

    @Test
    void pipesInTypeNamesDoNotBreakTheTable() {
        String md = ConfigReference.of().section("x", "", List.of(ConfigKey.of("x.mode", ConfigType.oneOf("a", "b")))).markdown();
        assertThat(md).contains("| `x.mode` | a \\| b |");
    }
}
