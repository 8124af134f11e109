package io.switchboard.simulator;

import org.junit.jupiter.api.AfterEach;

/**
 * Base of the simulator tests: one {@link SimHttp} client (java.net.http over the real socket) and at most one running
 * simulator per test, closed after it. Nothing is shared between tests.
 */
abstract class SimulatorFixture {

    protected final SimHttp http = new SimHttp();
    protected VendorSimulator sim;

    /** Starts a simulator with {@code config} (closing the one this test started before) and returns it. */
    protected VendorSimulator start(SimulatorConfig config) {
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
