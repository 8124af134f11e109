package io.switchboard.systemtest;

import java.nio.file.Path;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * What every system test shares: a temporary directory for its {@link SwitchboardFleet} (which the test creates, with
 * the options it needs), every child's output printed when the test failed, and every child killed afterwards.
 */
abstract class FleetTestBase {

    @TempDir
    Path dir;

    /** The test's fleet, once it has created it. */
    SwitchboardFleet fleet;

    @RegisterExtension
    final DumpOnFailure dumpOnFailure = new DumpOnFailure(() -> fleet);

    @AfterEach
    void killEverything() {
        if (fleet != null) {
            fleet.close();
        }
    }
}
