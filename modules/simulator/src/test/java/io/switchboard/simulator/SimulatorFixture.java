package io.switchboard.simulator;

import org.junit.jupiter.api.AfterEach;

import java.time.Instant;

/**
 * Base of the simulator tests: one {@link SimHttp} client (java.net.http over the real socket) and at most one running
 * simulator per test, closed after it. Nothing is shared between tests.
 *
 * <p>A simulator started here never follows the wall clock: unless the test sets its own
 * {@link SimulatorConfig#clock()}, its clock starts frozen at {@link #TEST_START}, so that queue data, token expiry,
 * session timeouts and rate-limit windows depend neither on the hour or date the build runs at nor on the machine's
 * speed. Tests move time with {@link VendorSimulator#advanceClock}.
 */
abstract class SimulatorFixture {

    /** Where the simulated clock of a test's simulator stands (frozen) unless the test configures its own clock: a Monday, 10:00 UTC. */
    protected static final Instant TEST_START = Instant.parse("2024-05-06T10:00:00Z");

    protected final SimHttp http = new SimHttp();
    protected VendorSimulator sim;

    /** Starts a simulator with {@code config} (closing the one this test started before) and returns it. */
    protected VendorSimulator start(SimulatorConfig config) {
        if (config.clock().equals(SimulatorConfig.Clock.wallClock())) {
            config = config.toBuilder().clock(SimulatorConfig.Clock.frozenAt(TEST_START)).build();
        }
        if (sim != null) {
            sim.close();
        }
        sim = VendorSimulator.start(config);
        return sim;
    }

    @AfterEach
    void stopSimulator() {
        if (sim != null) {
            sim.close();
            sim = null;
        }
    }
}
