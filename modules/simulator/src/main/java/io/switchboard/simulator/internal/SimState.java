package io.switchboard.simulator.internal;

import io.switchboard.simulator.SimulatorConfig;
import io.switchboard.simulator.SimulatorConfig.Auth0Client;
import io.switchboard.simulator.SimulatorConfig.CognosApiKey;
import io.switchboard.simulator.SimulatorConfig.CognosUser;
import io.switchboard.simulator.SimulatorConfig.CxoneAccessKey;
import io.switchboard.simulator.SimulatorConfig.CxoneClient;
import io.switchboard.simulator.SimulatorConfig.CxoneTenant;
import io.switchboard.simulator.SimulatorConfig.GenesysClient;
import io.switchboard.simulator.SimulatorConfig.OAuth2Client;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Everything the handlers share, pre-computed from the configuration once (no per-request config work).
 * Thread-safe: the maps are read-only after construction; the stores are concurrent.
 */
public final class SimState {

    final SimulatorConfig config;
    final SimClock clock;
    final TokenStore tokens;
    final FaultRegistry faults;
    final RequestRecorder recorder;
    final QueueData queues;
    final Map<String, GenesysClient> genesysClients;
    final Map<String, CxoneClient> cxoneClients;
    final Map<String, CxoneAccessKey> cxoneKeys;
    final Map<String, CxoneTenant> cxoneTenants;
    final Map<String, CognosUser> cognosUsers;
    final Map<String, CognosApiKey> cognosApiKeys;
    final Map<String, Auth0Client> auth0Clients;
    final Map<String, OAuth2Client> oauth2Clients;
    final Map<String, RateWindow> auth0Windows = new java.util.concurrent.ConcurrentHashMap<>();

    public SimState(SimulatorConfig config) {
        this.config = config;
        this.clock = new SimClock(config.clock().start(), config.clock().frozen());
        this.tokens = new TokenStore(clock);
        this.faults = new FaultRegistry(tokens, config.seed());
        this.recorder = new RequestRecorder(config.maxRecordedRequests());
        this.queues = new QueueData(config, clock.nowMillis());
        this.genesysClients = index(config.genesys().clients(), GenesysClient::clientId);
        this.cxoneClients = index(config.cxone().clients(), CxoneClient::clientId);
        this.cxoneKeys = index(config.cxone().accessKeys(), CxoneAccessKey::accessKeyId);
        this.cxoneTenants = index(config.cxone().tenants(), CxoneTenant::tenantId);
        this.cognosUsers = index(config.cognos().users(), u -> u.namespace() + '\u0000' + u.username());
        this.cognosApiKeys = index(config.cognos().apiKeys(), k -> k.key().reveal());
        this.auth0Clients = index(config.auth0().clients(), Auth0Client::clientId);
        this.oauth2Clients = index(config.oauth2().clients(), OAuth2Client::clientId);
    }

    private static <T> Map<String, T> index(List<T> items, Function<T, String> key) {
        Map<String, T> m = new HashMap<>();
        for (T t : items) {
            m.put(key.apply(t), t);
        }
        return Map.copyOf(m);
    }

    public SimulatorConfig config() {
        return config;
    }

    public SimClock clock() {
        return clock;
    }

    public TokenStore tokens() {
        return tokens;
    }

    public FaultRegistry faults() {
        return faults;
    }

    public RequestRecorder recorder() {
        return recorder;
    }

    public QueueData queues() {
        return queues;
    }
}
