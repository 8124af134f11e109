package io.switchboard.cli.demo;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * What {@code switchboard demo} runs. Immutable.
 *
 * @param dataDir       where the embedded broker keeps its data (reused across restarts)
 * @param queues        queues the simulator serves (every tenant sees them)
 * @param pollers       poller instances
 * @param apiPort       port of the aggregator's query API and dashboard; 0 picks a free one
 * @param revokeAfter   when the simulator revokes the Genesys token (to show one login for the whole fleet), or
 *                      {@code null} for never
 * @param seed          seed of the simulator's data
 */
public record DemoOptions(Path dataDir, int queues, int pollers, int apiPort, Duration revokeAfter, long seed) {

    public DemoOptions {
        Objects.requireNonNull(dataDir, "dataDir");
        if (queues < 1 || pollers < 1) {
            throw new IllegalArgumentException("the demo needs at least one queue and one poller");
        }
    }
}
