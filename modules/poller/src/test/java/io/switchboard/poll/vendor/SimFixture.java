package io.switchboard.poll.vendor;

import java.time.Clock;
import java.time.ZoneOffset;
import java.util.function.UnaryOperator;

import io.switchboard.simulator.SimulatorConfig;
import io.switchboard.simulator.VendorSimulator;
import io.switchboard.testkit.Closer;

/**
 * A simulator frozen at one instant, a poller clock fixed at the same instant, the test token source and an executor
 * over them. Close it after the test.
 */
final class SimFixture implements AutoCloseable {

    final VendorSimulator sim;
    final Clock clock;
    final SimulatorTokens tokens;
    final VendorPollExecutor executor;
    private final Closer closeables = new Closer();

    private SimFixture(SimulatorConfig config, boolean freeze, UnaryOperator<VendorPollExecutor.Builder> customize) {
        sim = VendorSimulator.start(config);
        if (freeze) {
            sim.freezeClock();
            clock = Clock.fixed(sim.now(), ZoneOffset.UTC);
        } else {
            clock = Clock.systemUTC();
        }
        tokens = new SimulatorTokens(sim, clock);
        executor = customize.apply(VendorPollExecutor.builder(tokens).clock(clock).random(new java.util.Random(7))).build();
    }

    /** Frozen simulator (default configuration), executor with the default options. */
    static SimFixture frozen() {
        return new SimFixture(SimulatorConfig.defaults(), true, b -> b);
    }

    static SimFixture frozen(SimulatorConfig config, UnaryOperator<VendorPollExecutor.Builder> customize) {
        return new SimFixture(config, true, customize);
    }

    /** Running simulator clock (for tests that measure waits between requests). */
    static SimFixture running(SimulatorConfig config, UnaryOperator<VendorPollExecutor.Builder> customize) {
        return new SimFixture(config, false, customize);
    }

    <T extends AutoCloseable> T closeLater(T c) {
        closeables.add(c);
        return c;
    }

    @Override
    public void close() throws Exception {
        closeables.close();
        executor.close();
        sim.close();
    }
}
