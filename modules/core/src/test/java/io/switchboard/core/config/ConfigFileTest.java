package io.switchboard.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.switchboard.core.ConfigException;
import io.switchboard.core.ConfigProblems;

class ConfigFileTest {

    @Test
    void theOptionWinsOverTheEnvironmentWhichWinsOverTheDefault() {
        Map<String, String> env = Map.of(ConfigFile.ENV, "/etc/switchboard/prod.yaml");
        assertThat(ConfigFile.choose(Path.of("mine.yaml"), env)).isEqualTo(new ConfigFile(Path.of("mine.yaml"), "--config"));
        assertThat(ConfigFile.choose(null, env)).isEqualTo(new ConfigFile(Path.of("/etc/switchboard/prod.yaml"), "$SWITCHBOARD_CONFIG"));
        assertThat(ConfigFile.choose(null, Map.of(ConfigFile.ENV, " "))).isEqualTo(new ConfigFile(Path.of("switchboard.yaml"), "default"));
        assertThat(ConfigFile.choose(null, Map.of()).isDefault()).isTrue();
    }

    @Test
    void aMissingFileSaysHowItWasChosen(@TempDir Path dir) {
        ConfigFile named = ConfigFile.choose(null, Map.of(ConfigFile.ENV, dir.resolve("nope.yaml").toString()));
        assertThatThrownBy(() -> named.load(Map.of())).isInstanceOf(ConfigException.class)
                .hasMessageContaining("$SWITCHBOARD_CONFIG").hasMessageContaining("no such file");
        assertThatThrownBy(() -> named.loadIfPresent(Map.of())).isInstanceOf(ConfigException.class);
        ConfigFile byDefault = new ConfigFile(dir.resolve("switchboard.yaml"), "default");
        assertThatThrownBy(() -> byDefault.load(Map.of())).hasMessageContaining("give --config FILE or set SWITCHBOARD_CONFIG");
    }

    @Test
    void onlyTheDefaultFileMayBeAbsentForCommandsThatRunWithout(@TempDir Path dir) {
        ConfigSource none = new ConfigFile(dir.resolve("switchboard.yaml"), "default")
                .loadIfPresent(Map.of("SWITCHBOARD_POLLER_MAX_IN_FLIGHT", "6"));
        assertThat(none.root(new ConfigProblems("x")).get(ConfigSectionTest.MAX_IN_FLIGHT)).isEqualTo(6);
    }

    @Test
    void loadsTheChosenFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("sb.yaml");
        Files.writeString(file, "poller: {maxInFlight: 9}\n");
        ConfigSource source = ConfigFile.choose(file, Map.of()).load(Map.of());
        assertThat(source.origin()).isEqualTo(file.toString());
        assertThat(source.has("poller.maxInFlight")).isTrue();
        assertThat(source.root(source.newProblems()).get(ConfigSectionTest.MAX_IN_FLIGHT)).isEqualTo(9);
    }
}
