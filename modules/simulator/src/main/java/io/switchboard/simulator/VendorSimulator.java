package io.switchboard.simulator;

import io.switchboard.simulator.internal.SimServer;
import io.switchboard.simulator.internal.SimState;

import java.time.Duration;
import java.util.List;

/**
 * A running vendor simulator: one real HTTP server on a real socket hosting Genesys Cloud, NICE CXone,
 * IBM Cognos Analytics, an Auth0 tenant and a generic RFC 6749 server, each under its own path prefix.
 *
 * <pre>{@code
 * try (VendorSimulator sim = VendorSimulator.start(SimulatorConfig.defaults())) {
 *     String tokenUrl = sim.genesysLoginUrl() + "/oauth/token";
 *     ...
 * }
 * }</pre>
 *
 * <p>Thread-safe. {@link #close()} stops the server and its Vert.x instance.
 */
public final class VendorSimulator implements AutoCloseable {

    private final SimServer server;
    private final SimState state;
    private final String baseUrl;

    private VendorSimulator(SimServer server) {
        this.server = server;
        this.state = server.state();
        String host = state.config().host();
        if (host.equals("0.0.0.0") || host.equals("::")) {
            host = "127.0.0.1";
        }
        this.baseUrl = (state.config().tls() == null ? "http://" : "https://") + (host.contains(":") ? "[" + host + "]" : host) + ":" + server.port();
    }

    /**
     * Starts a simulator and blocks until it listens.
     *
     * @throws SimulatorException when the server cannot bind or start
     */
    public static VendorSimulator start(SimulatorConfig config) {
        try {
            return new VendorSimulator(SimServer.start(new SimState(config)));
        } catch (Exception e) {
            throw new SimulatorException("The vendor simulator could not start on " + config.host() + ":" + config.port()
                    + " (" + e.getMessage() + "); choose another port or 0 for any free port", e);
        }
    }

    /** Starts a simulator with {@link SimulatorConfig#defaults()}. */
    public static VendorSimulator start() {
        return start(SimulatorConfig.defaults());
    }

    /** e.g. {@code http://127.0.0.1:41234} ({@code https://} with {@link SimulatorConfig#tls()}), no trailing slash. */
    public String baseUrl() {
        return baseUrl;
    }

    /** The bound port. */
    public int port() {
        return server.port();
    }

    /** The configuration it serves. */
    public SimulatorConfig config() {
        return state.config();
    }

    /** Genesys login host, e.g. {@code http://127.0.0.1:41234/genesys/login} (token URL = this + {@code /oauth/token}). */
    public String genesysLoginUrl() {
        return baseUrl + "/genesys/login";
    }

    /** Genesys API host, e.g. {@code http://127.0.0.1:41234/genesys/api} (paths {@code /api/v2/...} follow). */
    public String genesysApiUrl() {
        return baseUrl + "/genesys/api";
    }

    /** CXone auth host ({@code /auth/token}, {@code /.well-known/cxone-configuration} follow). */
    public String cxoneAuthUrl() {
        return baseUrl + "/cxone";
    }

    /** CXone API host of an area, e.g. {@code .../cxone/api-na1}. */
    public String cxoneApiUrl(String area) {
        return baseUrl + "/cxone/api-" + area;
    }

    /** Cognos server root ({@code /api/v1/session}, {@code /bi/v1/disp/rds/...} follow). */
    public String cognosUrl() {
        return baseUrl + "/cognos";
    }

    /** Auth0 tenant domain ({@code /oauth/token}, {@code /api/v1/queues/stats} follow). */
    public String auth0Url() {
        return baseUrl + "/auth0";
    }

    /** Issuer of the generic RFC 6749 server ({@code /token}, {@code /api/queues/stats} follow). */
    public String oauth2Issuer() {
        return baseUrl + "/oauth2";
    }

    /** Run-time fault switches and token revocation. */
    public Faults faults() {
        return state.faults();
    }

    /** Every request received (masked), for assertions. */
    public RecordedRequests requests() {
        return state.recorder();
    }

    /**
     * How many tokens were issued to one client: Genesys/Auth0/OAuth2 client id, CXone access key id or application
     * client id, Cognos user name (sessions). Refresh-grant tokens count too.
     */
    public long issuedTokenCount(Vendor vendor, String clientId) {
        return state.tokens().issuedCount(vendor, clientId);
    }

    /**
     * Every secret this simulator handed out since it started: access tokens of every vendor, refresh tokens, Cognos
     * passports and XSRF tokens (the first 100,000). For tests that check none of them leaks into logs, metrics or topics.
     */
    public java.util.Set<String> issuedSecrets() {
        return state.tokens().everIssued();
    }

    /** How many tokens (sessions) the vendor issued in total. */
    public long issuedTokenCount(Vendor vendor) {
        return state.tokens().issuedCount(vendor, null);
    }

    /**
     * The per-queue observation counter: how many answers have included this queue so far (each live answer —
     * Genesys observations, CXone skills/activity, Cognos report rows, Auth0/OAuth2 stats — takes the next value and
     * reports it as {@code simSequence}). -1 for an unknown queue.
     */
    public long queueSequence(String queueId) {
        return state.queues().sequence(queueId);
    }

    /**
     * The sequences of {@link #queueSequence} this queue took in answers that never reached a client intact (a body
     * garbled or cut by a fault, or written after the client had closed the connection), ascending; the newest
     * 10,000 at most. Empty for an unknown queue.
     */
    public List<Long> undeliveredSequences(String queueId) {
        return state.queues().undelivered(queueId);
    }

    /**
     * Adds a queue while the simulator runs: every vendor reports it from the next answer on (Genesys queue list and
     * observations, CXone skills, Cognos rows, the stats APIs), as when an administrator creates one. Its data is
     * seeded like the configured queues'. {@link #config()} keeps the start-up queues; {@link #queueIds()} has all.
     *
     * @return false when a queue with that id or skill id exists already
     */
    public boolean addQueue(SimulatorConfig.QueueSpec queue) {
        return state.queues().add(queue, state.clock().nowMillis());
    }

    /** Removes a queue while the simulator runs (no vendor reports it any more). Returns whether it existed. */
    public boolean removeQueue(String queueId) {
        return state.queues().remove(queueId);
    }

    /** Ids of every queue served (configured then generated, then added at run time), in order. */
    public java.util.List<String> queueIds() {
        return state.queues().ids();
    }

    /**
     * Moves the simulator's clock forward (tokens and sessions expire, rate windows reset, queues evolve) without waiting.
     * The {@code Date} header follows.
     *
     * @throws IllegalArgumentException when {@code d} is negative: the simulated clock only moves forward
     */
    public void advanceClock(Duration d) {
        if (d.isNegative()) {
            throw new IllegalArgumentException("advanceClock(" + d + "): the simulated clock only moves forward; give a duration >= 0");
        }
        state.clock().advance(d.toMillis());
    }

    /**
     * The simulator's current time: the configured {@link SimulatorConfig.Clock#start()} (or the wall clock) plus the
     * time elapsed since start-up, plus what {@link #advanceClock(Duration)} added; fixed while frozen.
     */
    public java.time.Instant now() {
        return java.time.Instant.ofEpochMilli(state.clock().nowMillis());
    }

    /**
     * Stops the simulator's clock at the current simulated instant: queues no longer evolve, tokens no longer age and
     * every answer is taken at the same instant, so the views of different vendors can be compared figure by figure.
     * {@link #advanceClock(Duration)} still moves the frozen clock. Idempotent.
     */
    public void freezeClock() {
        state.clock().freeze();
    }

    /** Lets a frozen clock run on from where it stands. Idempotent. */
    public void resumeClock() {
        state.clock().resume();
    }

    @Override
    public void close() {
        server.close();
    }

    @Override
    public String toString() {
        return "VendorSimulator[" + baseUrl + "]";
    }
}
