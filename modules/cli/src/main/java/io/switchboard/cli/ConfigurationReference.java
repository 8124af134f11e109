package io.switchboard.cli;

import io.switchboard.core.config.ConfigReference;
import io.switchboard.poll.PollerConfig;
import io.switchboard.simulator.SimulatorConfig;
import io.switchboard.token.TokenManagerConfig;

/**
 * The reference of every key of the configuration file, generated from the keys each role declares:
 * printed by {@code --print-config-reference} and kept in docs/configuration.md (a test fails when the
 * document and the code disagree). A new role adds its section here.
 */
final class ConfigurationReference {

    private ConfigurationReference() {
    }

    /** Every section, in file order. */
    static ConfigReference all() {
        return PollerConfig.referenceSections(TokenManagerConfig.referenceSections(ConfigReference.of()))
                .section("simulator", "Settings of `switchboard simulator` (the vendor simulator). A file with none of the other"
                        + " sections may hold them at the top instead, as a simulator-only file. List items without an id"
                        + " (clients, users, keys) are set in the file only.", SimulatorConfig.configKeys());
    }
}
