package io.switchboard.simulator.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.switchboard.core.ConfigException;
import io.switchboard.core.ConfigProblems;
import io.switchboard.core.Secret;
import io.switchboard.core.SecretReferences;
import io.switchboard.simulator.SimulatorConfig;
import io.switchboard.simulator.SimulatorConfig.Auth0Client;
import io.switchboard.simulator.SimulatorConfig.CognosApiKey;
import io.switchboard.simulator.SimulatorConfig.CognosUser;
import io.switchboard.simulator.SimulatorConfig.CxoneAccessKey;
import io.switchboard.simulator.SimulatorConfig.CxoneClient;
import io.switchboard.simulator.SimulatorConfig.CxoneTenant;
import io.switchboard.simulator.SimulatorConfig.GenesysClient;
import io.switchboard.simulator.SimulatorConfig.OAuth2Client;
import io.switchboard.simulator.SimulatorConfig.QueueSpec;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads the simulator's YAML (same shape as {@link SimulatorConfig}); every key optional, unknown keys are problems,
 * all problems reported together. Durations are ISO-8601 ({@code PT2S}) or seconds ({@code 2}).
 */
public final class YamlConfigReader {

    private final ConfigProblems problems;
    private final SecretReferences refs = new SecretReferences();

    private YamlConfigReader(ConfigProblems problems) {
        this.problems = problems;
    }

    public static SimulatorConfig read(Path file) {
        ConfigProblems problems = new ConfigProblems(file.toString());
        JsonNode root;
        try {
            root = new ObjectMapper(new YAMLFactory()).readTree(file.toFile());
        } catch (IOException e) {
            problems.add("(file)", null, "cannot be read as YAML: " + e.getMessage());
            problems.throwIfAny();
            return null;
        }
        YamlConfigReader r = new YamlConfigReader(problems);
        SimulatorConfig.Builder b = SimulatorConfig.builder();
        if (root != null && !root.isNull() && !root.isMissingNode()) {
            r.apply(root, b);
        }
        SimulatorConfig cfg = null;
        try {
            cfg = b.build(file.toString());
        } catch (ConfigException e) {
            for (var p : e.problems()) {
                problems.add(p.key(), p.value(), p.message());
            }
        }
        problems.throwIfAny();
        return cfg;
    }

    private void known(JsonNode node, String path, String... keys) {
        Set<String> k = Set.of(keys);
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (!k.contains(name)) {
                problems.add(path + name, null, "unknown key; known keys here: " + new java.util.TreeSet<>(k));
            }
        }
    }

    private Duration duration(JsonNode n, String key) {
        if (n.isNumber()) {
            return Duration.ofSeconds(n.asLong());
        }
        try {
            return Duration.parse(n.asText());
        } catch (DateTimeParseException e) {
            problems.add(key, n.asText(), "must be an ISO-8601 duration such as PT2S or PT24H, or a number of seconds");
            return Duration.ofHours(1);
        }
    }

    private Instant instant(JsonNode n, String key) {
        if (n == null || n.isNull() || n.asText().isBlank()) {
            return null;
        }
        try {
            return Instant.parse(n.asText());
        } catch (DateTimeParseException e) {
            problems.add(key, n.asText(), "must be an ISO-8601 instant such as 2024-05-06T10:00:00Z (or left out for the wall clock)");
            return null;
        }
    }

    private Secret secret(JsonNode n, String key) {
        String text = n == null ? "" : n.asText();
        if (SecretReferences.isReference(text)) {
            return refs.resolve(key, text, problems).orElse(Secret.of(""));
        }
        return Secret.of(text);
    }

    private static Map<String, String> stringMap(JsonNode n) {
        Map<String, String> out = new java.util.LinkedHashMap<>();
        if (n != null && n.isObject()) {
            n.properties().forEach(e -> out.put(e.getKey(), e.getValue().asText()));
        }
        return out;
    }

    private static Set<String> strings(JsonNode n) {
        Set<String> out = new HashSet<>();
        if (n != null && n.isArray()) {
            n.forEach(x -> out.add(x.asText()));
        } else if (n != null && n.isTextual()) {
            for (String s : n.asText().split("[ ,]+")) {
                if (!s.isEmpty()) {
                    out.add(s);
                }
            }
        }
        return out;
    }

    private static String text(JsonNode n, String field, String def) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? def : v.asText();
    }

    private void apply(JsonNode root, SimulatorConfig.Builder b) {
        known(root, "", "host", "port", "seed", "allowShortLifetimes", "maxRecordedRequests", "sequenceField", "eventLoops",
                "queues", "generatedQueues", "clock", "genesys", "cxone", "cognos", "auth0", "oauth2");
        if (root.has("host")) b.host(root.get("host").asText());
        if (root.has("port")) b.port(root.get("port").asInt(-1));
        if (root.has("seed")) b.seed(root.get("seed").asLong());
        if (root.has("allowShortLifetimes")) b.allowShortLifetimes(root.get("allowShortLifetimes").asBoolean());
        if (root.has("maxRecordedRequests")) b.maxRecordedRequests(root.get("maxRecordedRequests").asInt());
        if (root.has("sequenceField")) b.sequenceField(root.get("sequenceField").asBoolean());
        if (root.has("eventLoops")) b.eventLoops(root.get("eventLoops").asInt());
        if (root.has("generatedQueues")) b.generatedQueues(root.get("generatedQueues").asInt());
        JsonNode clock = root.get("clock");
        if (clock != null) {
            known(clock, "clock.", "start", "frozen");
            b.clock(new SimulatorConfig.Clock(instant(clock.get("start"), "clock.start"), clock.path("frozen").asBoolean(false)));
        }
        if (root.has("queues")) {
            List<QueueSpec> qs = new ArrayList<>();
            int i = 0;
            for (JsonNode q : root.get("queues")) {
                String key = "queues[" + i++ + "]";
                known(q, key + ".", "id", "name", "skillId", "mediaTypes", "agents");
                Set<String> media = strings(q.get("mediaTypes"));
                qs.add(new QueueSpec(text(q, "id", "queue-" + i), text(q, "name", "Queue " + i), q.path("skillId").asInt(1000 + i),
                        media.isEmpty() ? List.of("voice") : List.copyOf(new java.util.TreeSet<>(media)), q.path("agents").asInt(20)));
            }
            b.queues(qs);
        }
        JsonNode g = root.get("genesys");
        if (g != null) {
            known(g, "genesys.", "clients", "rateLimitPerMinute", "maxQueueIdsPerObservationQuery", "invalidClientStatus");
            if (g.has("clients")) {
                List<GenesysClient> list = new ArrayList<>();
                int i = 0;
                for (JsonNode c : g.get("clients")) {
                    String key = "genesys.clients[" + i++ + "]";
                    known(c, key + ".", "clientId", "secret", "tokenLifetime", "grants", "permissions", "organization");
                    GenesysClient gc = GenesysClient.of(text(c, "clientId", ""), "");
                    gc = new GenesysClient(gc.clientId(), secret(c.get("secret"), key + ".secret"),
                            c.has("tokenLifetime") ? duration(c.get("tokenLifetime"), key + ".tokenLifetime") : gc.tokenLifetime(),
                            c.has("grants") ? strings(c.get("grants")) : gc.grants(),
                            c.has("permissions") ? strings(c.get("permissions")) : gc.permissions(),
                            text(c, "organization", gc.organization()));
                    list.add(gc);
                }
                b.genesys(x -> new SimulatorConfig.Genesys(list, x.rateLimitPerMinute(), x.maxQueueIdsPerObservationQuery(), x.invalidClientStatus()));
            }
            b.genesys(x -> new SimulatorConfig.Genesys(x.clients(), g.path("rateLimitPerMinute").asInt(x.rateLimitPerMinute()),
                    g.path("maxQueueIdsPerObservationQuery").asInt(x.maxQueueIdsPerObservationQuery()),
                    g.path("invalidClientStatus").asInt(x.invalidClientStatus())));
        }
        JsonNode c = root.get("cxone");
        if (c != null) {
            known(c, "cxone.", "clients", "accessKeys", "tenants", "tokenLifetime", "refreshTokenLifetime",
                    "acceptFormUrlEncodedBasic", "refreshTokenSingleUse", "wrapActivityInResultSet", "rateLimitPerMinute");
            b.cxone(x -> {
                List<CxoneClient> clients = x.clients();
                if (c.has("clients")) {
                    clients = new ArrayList<>();
                    int i = 0;
                    for (JsonNode n : c.get("clients")) {
                        clients.add(new CxoneClient(text(n, "clientId", ""), secret(n.get("clientSecret"), "cxone.clients[" + i++ + "].clientSecret")));
                    }
                }
                List<CxoneAccessKey> keys = x.accessKeys();
                if (c.has("accessKeys")) {
                    keys = new ArrayList<>();
                    int i = 0;
                    for (JsonNode n : c.get("accessKeys")) {
                        keys.add(new CxoneAccessKey(text(n, "accessKeyId", ""), secret(n.get("accessKeySecret"),
                                "cxone.accessKeys[" + i++ + "].accessKeySecret"), text(n, "tenantId", "")));
                    }
                }
                List<CxoneTenant> tenants = x.tenants();
                if (c.has("tenants")) {
                    tenants = new ArrayList<>();
                    for (JsonNode n : c.get("tenants")) {
                        tenants.add(new CxoneTenant(text(n, "tenantId", ""), text(n, "area", "")));
                    }
                }
                return new SimulatorConfig.Cxone(clients, keys, tenants,
                        c.has("tokenLifetime") ? duration(c.get("tokenLifetime"), "cxone.tokenLifetime") : x.tokenLifetime(),
                        c.has("refreshTokenLifetime") ? duration(c.get("refreshTokenLifetime"), "cxone.refreshTokenLifetime") : x.refreshTokenLifetime(),
                        c.path("acceptFormUrlEncodedBasic").asBoolean(x.acceptFormUrlEncodedBasic()),
                        c.path("refreshTokenSingleUse").asBoolean(x.refreshTokenSingleUse()),
                        c.path("wrapActivityInResultSet").asBoolean(x.wrapActivityInResultSet()),
                        c.path("rateLimitPerMinute").asInt(x.rateLimitPerMinute()));
            });
        }
        JsonNode k = root.get("cognos");
        if (k != null) {
            known(k, "cognos.", "namespaces", "users", "apiKeys", "sessionIdleTimeout", "reportStoreIds");
            b.cognos(x -> {
                List<CognosUser> users = x.users();
                if (k.has("users")) {
                    users = new ArrayList<>();
                    int i = 0;
                    for (JsonNode n : k.get("users")) {
                        users.add(new CognosUser(text(n, "namespace", ""), text(n, "username", ""),
                                secret(n.get("password"), "cognos.users[" + i++ + "].password")));
                    }
                }
                List<CognosApiKey> keys = x.apiKeys();
                if (k.has("apiKeys")) {
                    keys = new ArrayList<>();
                    int i = 0;
                    for (JsonNode n : k.get("apiKeys")) {
                        keys.add(new CognosApiKey(secret(n.get("key"), "cognos.apiKeys[" + i++ + "].key"), text(n, "namespace", ""),
                                text(n, "username", "")));
                    }
                }
                return new SimulatorConfig.Cognos(k.has("namespaces") ? List.copyOf(strings(k.get("namespaces"))) : x.namespaces(),
                        users, keys,
                        k.has("sessionIdleTimeout") ? duration(k.get("sessionIdleTimeout"), "cognos.sessionIdleTimeout") : x.sessionIdleTimeout(),
                        k.has("reportStoreIds") ? List.copyOf(strings(k.get("reportStoreIds"))) : x.reportStoreIds());
            });
        }
        JsonNode a = root.get("auth0");
        if (a != null) {
            known(a, "auth0.", "clients", "apis", "protectedApiAudience", "protectedApiScope", "rateLimitPerMinute",
                    "legacyUnauthorizedClientError");
            b.auth0(x -> {
                List<Auth0Client> clients = x.clients();
                if (a.has("clients")) {
                    clients = new ArrayList<>();
                    int i = 0;
                    for (JsonNode n : a.get("clients")) {
                        String key = "auth0.clients[" + i++ + "]";
                        Map<String, Set<String>> grants = new HashMap<>();
                        JsonNode gn = n.get("grants");
                        if (gn != null) {
                            gn.fields().forEachRemaining(e -> grants.put(e.getKey(), strings(e.getValue())));
                        } else {
                            grants.put(SimulatorConfig.DEFAULT_AUTH0_AUDIENCE, Set.of("read:stats"));
                        }
                        clients.add(new Auth0Client(text(n, "clientId", ""), secret(n.get("secret"), key + ".secret"),
                                n.has("tokenLifetime") ? duration(n.get("tokenLifetime"), key + ".tokenLifetime") : Duration.ofHours(24),
                                grants, text(n, "tenant", "open-cosmos")));
                    }
                }
                return new SimulatorConfig.Auth0(clients, a.has("apis") ? List.copyOf(strings(a.get("apis"))) : x.apis(),
                        text(a, "protectedApiAudience", x.protectedApiAudience()), text(a, "protectedApiScope", x.protectedApiScope()),
                        a.path("rateLimitPerMinute").asInt(x.rateLimitPerMinute()),
                        a.path("legacyUnauthorizedClientError").asBoolean(x.legacyUnauthorizedClientError()));
            });
        }
        JsonNode o = root.get("oauth2");
        if (o != null) {
            known(o, "oauth2.", "clients", "protectedApiScope", "expiresInOneLess", "omitExpiresIn", "emptyInvalidClientBody",
                    "loginPageRedirect");
            b.oauth2(x -> {
                List<OAuth2Client> clients = x.clients();
                if (o.has("clients")) {
                    clients = new ArrayList<>();
                    int i = 0;
                    for (JsonNode n : o.get("clients")) {
                        String key = "oauth2.clients[" + i++ + "]";
                        OAuth2Client d = OAuth2Client.of(text(n, "clientId", ""), "");
                        boolean refresh = n.path("issueRefreshToken").asBoolean(false);
                        Set<String> grants = n.has("grants") ? strings(n.get("grants")) : new HashSet<>(d.grants());
                        if (refresh) {
                            grants.add("refresh_token");
                        }
                        clients.add(new OAuth2Client(d.clientId(), secret(n.get("secret"), key + ".secret"),
                                n.has("authMethods") ? strings(n.get("authMethods")) : d.authMethods(), grants,
                                n.has("scopes") ? strings(n.get("scopes")) : d.scopes(),
                                n.has("tokenLifetime") ? duration(n.get("tokenLifetime"), key + ".tokenLifetime") : d.tokenLifetime(),
                                refresh, text(n, "tenant", d.tenant()), stringMap(n.get("requiredParams"))));
                    }
                }
                return new SimulatorConfig.OAuth2(clients, text(o, "protectedApiScope", x.protectedApiScope()),
                        o.path("expiresInOneLess").asBoolean(x.expiresInOneLess()), o.path("omitExpiresIn").asBoolean(x.omitExpiresIn()),
                        o.path("emptyInvalidClientBody").asBoolean(x.emptyInvalidClientBody()),
                        o.path("loginPageRedirect").asBoolean(x.loginPageRedirect()));
            });
        }
    }
}
