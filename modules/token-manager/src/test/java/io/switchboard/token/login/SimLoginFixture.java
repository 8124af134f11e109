package io.switchboard.token.login;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import io.switchboard.simulator.SimulatorConfig;
import io.switchboard.simulator.VendorSimulator;
import io.vertx.core.Vertx;

/**
 * The set-up every login test against the vendor simulator shares: one {@link Vertx} and
 * {@link LoginClient} (30 s timeouts) per test class, a simulator per test (stopped after it), and
 * credentials parsed from YAML items whose {@code {base}} is the running simulator's base URL.
 * Register it with {@code @RegisterExtension static final SimLoginFixture logins = new SimLoginFixture();}.
 */
public final class SimLoginFixture implements BeforeAllCallback, AfterAllCallback, AfterEachCallback {

    private Vertx vertx;
    private LoginClient client;
    private VendorSimulator sim;

    @Override
    public void beforeAll(ExtensionContext context) {
        vertx = Vertx.vertx();
        // Generous: no test here waits for a timeout, and a loaded machine must not turn a slow answer into a failure.
        client = new LoginClient(vertx, LoginClientOptions.defaults().withTimeouts(Duration.ofSeconds(30), Duration.ofSeconds(30)));
    }

    @Override
    public void afterEach(ExtensionContext context) {
        stopSim();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        stopSim();
        client.close();
        SimSupport.await(vertx.close());
    }

    /** The Vert.x instance of this test class (for a test's own {@link LoginClient}). */
    public Vertx vertx() {
        return vertx;
    }

    /** The login client of this test class. */
    public LoginClient client() {
        return client;
    }

    /** Starts a simulator for this test (stopping one already running). */
    public VendorSimulator startSim(SimulatorConfig config) {
        stopSim();
        sim = VendorSimulator.start(config);
        return sim;
    }

    /** The simulator of this test. */
    public VendorSimulator sim() {
        return sim;
    }

    /** Stops this test's simulator, if any. */
    public void stopSim() {
        if (sim != null) {
            sim.close();
            sim = null;
        }
    }

    /** Credentials from YAML list items ({@code - id: ...}), {@code {base}} replaced by the simulator's base URL. */
    public Map<String, CredentialSpec> specs(String yamlItems, Map<String, String> env) {
        return SimSupport.specs("credentials:\n" + yamlItems.replace("{base}", sim.baseUrl()).indent(2), env);
    }

    /** The one credential of a YAML list item. */
    public CredentialSpec spec(String yamlItem, Map<String, String> env) {
        return specs(yamlItem, env).values().iterator().next();
    }
}
