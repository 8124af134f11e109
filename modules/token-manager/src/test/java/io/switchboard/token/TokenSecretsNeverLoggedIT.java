package io.switchboard.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import io.switchboard.core.Topics;
import io.switchboard.events.token.TokenStatus;
import io.switchboard.registry.server.EmbeddedSchemaRegistry;
import io.switchboard.simulator.SimulatorConfig.GenesysClient;
import io.switchboard.simulator.SimulatorConfig;
import io.switchboard.simulator.VendorSimulator;
import io.switchboard.testkit.Closer;
import io.switchboard.testkit.KafkaBroker;
import io.switchboard.testkit.WithKafka;

/**
 * Captures every log line of a fleet run (two instances, refreshes, a refresh request, a rejected
 * credential, a failover) with our loggers at DEBUG, and checks that no configured secret, no
 * encryption key and no issued access token appears in the logs, the metrics or the status events.
 */
@WithKafka(scope = WithKafka.Scope.JVM)
class TokenSecretsNeverLoggedIT {

    static KafkaBroker broker;

    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
    private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    private final Logger ours = (Logger) LoggerFactory.getLogger("io.switchboard");
    private Level oursBefore;
    private final Closer closeables = new Closer();

    @BeforeEach
    void capture() {
        appender.setContext((LoggerContext) LoggerFactory.getILoggerFactory());
        appender.start();
        root.addAppender(appender);
        oursBefore = ours.getLevel();
        ours.setLevel(Level.DEBUG);
    }

    @AfterEach
    void release() throws Exception {
        closeables.close();
        root.detachAppender(appender);
        ours.setLevel(oursBefore);
    }

    @Test
    void noSecretOrTokenAppearsInLogsMetricsOrStatusEvents() throws Exception {
        String goodSecret = "s3cret-Genesys+/=" + UUID.randomUUID();
        String wrongSecret = "wr0ng-Genesys+/=" + UUID.randomUUID();
        String tokenKey = Base64.getEncoder().encodeToString(TokenKeysForTests.randomKey());
        EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start(broker.bootstrapServers());
        closeables.add(registry);
        VendorSimulator sim = VendorSimulator.start(SimulatorConfig.builder().allowShortLifetimes(true)
                .genesysClient(GenesysClient.of("log-client", goodSecret).withTokenLifetime(Duration.ofSeconds(4)))
                .genesysClient(GenesysClient.of("log-bad-client", "the-real-one-" + UUID.randomUUID()))
                .build());
        closeables.add(sim);
        String prefix = "log" + UUID.randomUUID().toString().substring(0, 8);
        List<TokenFleetIT.Cred> creds = List.of(new TokenFleetIT.Cred("genesys-log", "log-client", goodSecret),
                new TokenFleetIT.Cred("genesys-log-bad", "log-bad-client", wrongSecret));
        String yaml = TokenFleetIT.yaml(broker.bootstrapServers(), registry.url(), sim, prefix, 0, creds);
        var env = TokenFleetIT.env(tokenKey, creds);

        TokenManager a = TokenManager.start(TokenManagerConfig.parse(yaml, "a.yaml", env).withInstanceId("tm-a"));
        closeables.add(a);
        TokenManager b = TokenManager.start(TokenManagerConfig.parse(yaml, "b.yaml", env).withInstanceId("tm-b"));
        closeables.add(b);
        TokenTable table = TokenTable.start(TokenManagerConfig.parse(yaml, "p.yaml", env).withInstanceId("poller").tokenTableConfig());
        closeables.add(table);
        Set<String> issuedTokens = ConcurrentHashMap.newKeySet();
        table.addListener((id, view) -> view.headers().values().forEach(h -> issuedTokens.add(h.reveal().replace("Bearer ", ""))));

        await().atMost(TokenFleetIT.WAIT).until(() -> table.current("genesys-log").map(v -> v.version() >= 2).orElse(false));
        table.requestRefresh("genesys-log", table.current("genesys-log").orElseThrow().version(), "401 bad.credentials", 401).get();
        await().atMost(TokenFleetIT.WAIT).until(() -> a.state("genesys-log-bad").orElse(null) == TokenState.PARKED
                || b.state("genesys-log-bad").orElse(null) == TokenState.PARKED);

        // ops endpoints of a running instance, over a real socket
        TokenManager withOps = a.isReady() ? a : b;
        await().atMost(TokenFleetIT.WAIT).until(withOps::isReady);
        assertThat(get(withOps.opsPort(), "/health").statusCode()).isEqualTo(200);
        assertThat(get(withOps.opsPort(), "/ready").statusCode()).isEqualTo(200);
        String metrics = a.meterRegistry().scrape() + b.meterRegistry().scrape();
        HttpResponse<String> scraped = get(withOps.opsPort(), "/metrics");
        assertThat(scraped.statusCode()).isEqualTo(200);
        assertThat(metrics).contains("switchboard_token_logins_total").contains("switchboard_token_seconds_to_expiry")
                .contains("switchboard_token_age_seconds").contains("switchboard_token_last_error");

        // failover: the owner of the good credential leaves, the other takes over and refreshes
        TokenManager owner = a.ownedCredentials().contains("genesys-log") ? a : b;
        TokenManager other = owner == a ? b : a;
        long before = table.current("genesys-log").orElseThrow().version();
        owner.close();
        await().atMost(TokenFleetIT.WAIT).until(() -> table.current("genesys-log").orElseThrow().version() > before
                && other.config().instanceId().equals(table.current("genesys-log").orElseThrow().ownerId()));
        List<TokenStatus> statuses = TokenTopicsForTests.statuses(broker, registry.url(), new Topics(prefix), 2);

        assertThat(issuedTokens).hasSizeGreaterThanOrEqualTo(3);
        List<String> secrets = new ArrayList<>(issuedTokens);
        secrets.add(goodSecret);
        secrets.add(wrongSecret);
        secrets.add(tokenKey);
        // The fleet is still running and logging: copy the captured events under the appender's lock (doAppend holds it)
        // instead of iterating the live list.
        List<ILoggingEvent> events;
        synchronized (appender) {
            events = new ArrayList<>(appender.list);
        }
        StringBuilder everything = new StringBuilder();
        for (ILoggingEvent e : events) {
            everything.append(e.getFormattedMessage()).append('\n');
            if (e.getThrowableProxy() != null) {
                everything.append(ThrowableProxyUtil.asString(e.getThrowableProxy())).append('\n');
            }
        }
        everything.append(metrics).append(scraped.body());
        statuses.forEach(s -> everything.append(s)); // Avro's toString: every field as JSON
        assertThat(events).as("captured log events").hasSizeGreaterThan(20);
        String all = everything.toString();
        for (String secret : secrets) {
            assertThat(all).as("logs, metrics and status events must not contain a secret or token").doesNotContain(secret);
        }
        // Basic auth header of the good client must not leak either
        String basic = Base64.getEncoder().encodeToString(("log-client:" + goodSecret).getBytes(StandardCharsets.UTF_8));
        assertThat(all).doesNotContain(basic);
    }

    private static HttpResponse<String> get(int port, String path) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
