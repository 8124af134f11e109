package io.switchboard.cli.demo;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.switchboard.simulator.SimulatorConfig;
import io.switchboard.simulator.VendorSimulator;

/**
 * The demo's tenants: one per vendor Switchboard was made for, on the vendor simulator, plus one credential with a
 * wrong secret that the token manager parks with the doctor's reason. Secrets are the simulator's own fake ones and
 * reach the configuration as {@code ${env:…}} references, exactly as a user's real secrets would.
 */
final class DemoScenario {

    /** A demo tenant: credential id, provider profile, and the vendor name shown. */
    record Tenant(String credentialId, String provider, String vendor) {
    }

    static final Tenant GENESYS = new Tenant("genesys-eu", "genesys-cloud", "Genesys Cloud");
    static final Tenant CXONE = new Tenant("cxone", "nice-cxone", "NICE CXone");
    static final Tenant COGNOS = new Tenant("cognos", "cognos-analytics", "IBM Cognos Analytics");
    static final Tenant DATACOSMOS = new Tenant("datacosmos", "auth0", "Open Cosmos DataCosmos (Auth0)");
    /** The credential whose secret is wrong on purpose. */
    static final Tenant WRONG_SECRET = new Tenant("genesys-wrong-secret", "genesys-cloud", "Genesys Cloud (wrong secret)");

    /** The tenants that poll (the wrong-secret one never gets a token). */
    static final List<Tenant> POLLING = List.of(GENESYS, CXONE, COGNOS, DATACOSMOS);
    /** Every credential of the demo. */
    static final List<Tenant> ALL = List.of(GENESYS, CXONE, COGNOS, DATACOSMOS, WRONG_SECRET);

    private DemoScenario() {
    }

    /** The simulator: {@code queues} generated queues, fixed seed, Genesys tokens living 10 minutes. */
    static SimulatorConfig simulator(DemoOptions options) {
        SimulatorConfig defaults = SimulatorConfig.defaults();
        return defaults.toBuilder()
                .port(0)
                .seed(options.seed())
                .generatedQueues(options.queues())
                .build();
    }

    /** The secrets the configuration's {@code ${env:…}} references resolve to. */
    static Map<String, String> env(String tokenKey) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("SWITCHBOARD_TOKEN_KEY", tokenKey);
        env.put("GENESYS_SECRET", "genesys-secret");
        env.put("GENESYS_WRONG_SECRET", "not-the-genesys-secret");
        env.put("CXONE_SECRET", "cxone-client-secret");
        env.put("CXONE_KEY_SECRET", "cxone/key+secret==");
        env.put("COGNOS_PASSWORD", "cognos-password");
        env.put("AUTH0_SECRET", "auth0-secret");
        return env;
    }

    /** The {@code credentials:} section for {@code sim}, with the {@code poll:} section of each polling tenant. */
    static String credentialsYaml(VendorSimulator sim) {
        String base = sim.baseUrl();
        return """
                credentials:
                  - id: %s
                    provider: genesys-cloud
                    tokenUrl: %s/oauth/token
                    apiBaseUrl: %s
                    clientId: genesys-client
                    clientSecret: ${env:GENESYS_SECRET}
                    poll:
                      - endpoint: genesys.queue-observations
                        interval: 5s
                      - endpoint: genesys.conversation-aggregates
                        interval: 30s
                        params: {granularity: PT15M}
                  - id: %s
                    provider: nice-cxone
                    authBaseUrl: %s/cxone
                    apiHostTemplate: %s/cxone/api-{area}
                    clientId: cxone-client
                    clientSecret: ${env:CXONE_SECRET}
                    accessKeyId: cxone-key-id
                    accessKeySecret: ${env:CXONE_KEY_SECRET}
                    poll:
                      - endpoint: cxone.skills-activity
                        interval: 5s
                  - id: %s
                    provider: cognos-analytics
                    baseUrl: %s
                    namespace: LDAP
                    username: cognos-user
                    password: ${env:COGNOS_PASSWORD}
                    poll:
                      - endpoint: cognos.report-data
                        interval: 10s
                        params:
                          reportStoreId: iQueueStatsReport
                          column.queueId: Queue ID
                          column.queueName: Queue
                          column.observedAt: Time
                          column.waiting: Waiting
                          column.interacting: Interacting
                          column.agentsOnQueue: Agents on queue
                          column.agentsAvailable: Agents available
                          column.serviceLevelPercent: Service level
                  - id: %s
                    provider: auth0
                    tokenUrl: %s/oauth/token
                    audience: https://beeapp.open-cosmos.com
                    clientId: auth0-client
                    clientSecret: ${env:AUTH0_SECRET}
                    poll:
                      - endpoint: generic.json
                        interval: 10s
                        params:
                          url: %s/api/v1/queues/stats
                          items: /queues
                          field.queueId: /id
                          field.queueName: /name
                          field.waiting: /waiting
                          field.interacting: /interacting
                          field.longestWaitingMs: /longestWaitSeconds
                          scale.longestWaitingMs: "1000"
                          field.agentsOnQueue: /agentsOnQueue
                          field.agentsAvailable: /agentsAvailable
                          field.serviceLevelPercent: /serviceLevelPercent
                          root.observedAt: /generatedAt
                  - id: %s
                    provider: genesys-cloud
                    tokenUrl: %s/oauth/token
                    apiBaseUrl: %s
                    clientId: genesys-client
                    clientSecret: ${env:GENESYS_WRONG_SECRET}
                """.formatted(GENESYS.credentialId(), sim.genesysLoginUrl(), sim.genesysApiUrl(),
                CXONE.credentialId(), base, base,
                COGNOS.credentialId(), sim.cognosUrl(),
                DATACOSMOS.credentialId(), sim.auth0Url(), sim.auth0Url(),
                WRONG_SECRET.credentialId(), sim.genesysLoginUrl(), sim.genesysApiUrl());
    }
}
