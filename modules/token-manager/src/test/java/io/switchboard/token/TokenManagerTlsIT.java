package io.switchboard.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import io.switchboard.core.Topics;
import io.switchboard.events.token.TokenStatus;
import io.switchboard.registry.server.EmbeddedSchemaRegistry;
import io.switchboard.simulator.SimulatorConfig;
import io.switchboard.simulator.SimulatorConfig.GenesysClient;
import io.switchboard.simulator.Vendor;
import io.switchboard.simulator.VendorSimulator;
import io.switchboard.testkit.Closer;
import io.switchboard.testkit.KafkaBroker;
import io.switchboard.testkit.WithKafka;
import io.switchboard.token.login.internal.LoginHttp;

/**
 * A running token manager (real broker, embedded schema registry) whose Genesys credential points at the vendor
 * simulator in its HTTPS mode, serving a self-signed certificate generated for the test: vendor TLS is verified by
 * default. Without {@code caBundle} the login is refused before the secret is sent, the credential is parked, and
 * every place an operator looks — the status event on {@code <prefix>.token-status}, {@code /metrics}, the log, and
 * {@link TokenManager#lastError} — names the TLS failure and the {@code caBundle} key that fixes it; nothing is
 * published on {@code <prefix>.tokens} and no secret is logged. With the CA configured, a restarted instance logs in
 * at once (the changed configuration un-parks the credential) and publishes an encrypted token a {@link TokenTable}
 * reader decrypts. Adding the CA to the bundle file named already un-parks it too.
 */
@WithKafka
class TokenManagerTlsIT {

    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final String CREDENTIAL = "genesys-tls";

    KafkaBroker broker;

    @TempDir
    Path dir;

    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
    private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    private final Closer closer = new Closer();
    private final String secret = "tls-s3cret+/=" + UUID.randomUUID();
    private final String tokenKey = Base64.getEncoder().encodeToString(TokenKeysForTests.randomKey());
    private final Topics topics = new Topics("tls" + UUID.randomUUID().toString().substring(0, 8));
    private EmbeddedSchemaRegistry registry;
    private VendorSimulator sim;
    private SimulatorConfig.Tls tls;

    @BeforeEach
    void start() {
        appender.setContext((LoggerContext) LoggerFactory.getILoggerFactory());
        appender.start();
        root.addAppender(appender);
        registry = closer.add(EmbeddedSchemaRegistry.start(broker.bootstrapServers()));
        tls = SimulatorConfig.Tls.selfSigned(dir.resolve("sim"));
        sim = closer.add(VendorSimulator.start(SimulatorConfig.builder().tls(tls)
                .genesysClient(GenesysClient.of("tls-client", secret)).build()));
        assertThat(sim.baseUrl()).startsWith("https://127.0.0.1:");
    }

    @AfterEach
    void stop() throws Exception {
        try {
            closer.close();
        } finally {
            root.detachAppender(appender);
        }
    }

    @Test
    void withoutTheCaTheLoginIsRefusedAndSaysHowToFixItAndWithTheCaATokenIsPublished() throws Exception {
        TokenManager refused = closer.add(manager("tm-untrusted", null));

        await("the credential parked on the TLS failure").atMost(WAIT).until(() -> refused.state(CREDENTIAL).orElse(null) == TokenState.PARKED);
        String env = "SWITCHBOARD_CREDENTIALS_GENESYS_TLS_CA_BUNDLE";
        String authority = sim.baseUrl().substring("https://".length());
        assertThat(refused.lastError(CREDENTIAL).orElseThrow())
                .contains("TLS verification failed for " + authority, "the certificate is not trusted", "credentials[].caBundle", env)
                .as("the JDK's reason, not the HTTP client's wrapper").contains("unable to find valid certification path")
                .doesNotContain("Failed to create SSL connection");
        TokenStatus status = lastStatus(s -> "PARKED".equals(s.getState()));
        assertThat(status.getLastErrorKind()).isEqualTo("CONFIGURATION");
        assertThat(status.getLastErrorCode()).isEqualTo(LoginHttp.TLS_UNTRUSTED);
        assertThat(status.getLastError()).contains("TLS verification failed", "credentials[].caBundle", env);
        String metrics = get(refused.opsPort(), "/metrics");
        assertThat(metrics).contains("switchboard_token_last_error{code=\"tls_untrusted\",credential=\"genesys-tls\"")
                .contains("switchboard_token_state{credential=\"genesys-tls\",instance=\"tm-untrusted\",state=\"PARKED\"} 1.0");
        assertThat(logged()).as("the WARN of the failed login").anySatisfy(line -> assertThat(line)
                .contains("login of credential genesys-tls failed (CONFIGURATION tls_untrusted)", "credentials[].caBundle", env,
                        "no valid token is published", "parked"));
        assertThat(sim.requests().matching(Vendor.GENESYS, "/oauth/token")).as("refused before the secret is sent").isEmpty();
        assertThat(sim.issuedTokenCount(Vendor.GENESYS)).isZero();
        assertThat(TokenTopicsForTests.recordCount(broker, topics.tokens())).as("records on %s", topics.tokens()).isZero();
        refused.close();

        // the operator sets caBundle and restarts: the changed configuration is logged in at once, not left parked
        TokenManager trusted = closer.add(manager("tm-trusted", tls.certificate()));
        TokenTable reader = closer.add(TokenTable.start(config("reader", tls.certificate()).tokenTableConfig()));
        await("the token published and decrypted by a reader").atMost(WAIT).until(() -> reader.headers(CREDENTIAL).isPresent());

        String bearer = reader.headers(CREDENTIAL).orElseThrow().get("Authorization").reveal();
        assertThat(bearer).startsWith("Bearer ");
        assertThat(reader.current(CREDENTIAL).orElseThrow().ownerId()).isEqualTo("tm-trusted");
        assertThat(trusted.state(CREDENTIAL)).contains(TokenState.VALID);
        assertThat(trusted.lastError(CREDENTIAL)).isEmpty();
        assertThat(sim.issuedTokenCount(Vendor.GENESYS, "tls-client")).isEqualTo(1);
        String accessToken = bearer.substring("Bearer ".length());
        assertThat(TokenTopicsForTests.rawValues(broker, topics.tokens())).as("the token is encrypted on the topic")
                .isNotEmpty().noneMatch(v -> v.contains(accessToken));

        String everything = String.join("\n", logged()) + get(trusted.opsPort(), "/metrics")
                + TokenTopicsForTests.statuses(broker, registry.url(), topics, 2);
        String basic = Base64.getEncoder().encodeToString(("tls-client:" + secret).getBytes(StandardCharsets.UTF_8));
        for (String leak : List.of(secret, basic, accessToken, tokenKey)) {
            assertThat(everything).as("logs, metrics and status events hold no secret").doesNotContain(leak);
        }
    }

    @Test
    void addingTheMissingCaToTheBundleFileUnparksTheCredentialOnRestart() throws Exception {
        Path bundle = Files.copy(SimulatorConfig.Tls.selfSigned(dir.resolve("other")).certificate(), dir.resolve("bundle.pem"));
        TokenManager wrongCa = closer.add(manager("tm-wrong-ca", bundle));
        await("parked: the bundle lacks the issuer").atMost(WAIT).until(() -> wrongCa.state(CREDENTIAL).orElse(null) == TokenState.PARKED);
        assertThat(wrongCa.lastError(CREDENTIAL).orElseThrow()).contains("the CA bundle " + bundle, "does not hold the CA that issued it");
        assertThat(lastStatus(s -> "PARKED".equals(s.getState())).getLastErrorCode()).isEqualTo(LoginHttp.TLS_UNTRUSTED);
        wrongCa.close();

        // the file's name is unchanged, its content is not: the new owner must not keep it parked for parkedRetry (1 h)
        Files.write(bundle, Files.readAllBytes(tls.certificate()), StandardOpenOption.APPEND);
        TokenManager fixed = closer.add(manager("tm-fixed-ca", bundle));
        await("logged in with the completed bundle").atMost(WAIT).until(() -> fixed.state(CREDENTIAL).orElse(null) == TokenState.VALID);
        assertThat(sim.issuedTokenCount(Vendor.GENESYS, "tls-client")).isEqualTo(1);
    }

    private TokenManager manager(String instanceId, Path caBundle) {
        return TokenManager.start(config(instanceId, caBundle));
    }

    private TokenManagerConfig config(String instanceId, Path caBundle) {
        String yaml = """
                kafka: {bootstrapServers: "%s", topicPrefix: %s, properties: {heartbeat.interval.ms: 500}}
                schemaRegistry: {url: "%s"}
                encryption: {activeKeyId: k1, keys: {k1: "${env:TOKEN_KEY}"}}
                tokenManager: {ops: {port: 0}}
                credentials:
                  - {id: %s, provider: genesys-cloud, tokenUrl: "%s/oauth/token", apiBaseUrl: "%s", clientId: tls-client,
                     clientSecret: "${env:GENESYS_SECRET}"%s}
                """.formatted(broker.bootstrapServers(), topics.prefix(), registry.url(), CREDENTIAL, sim.genesysLoginUrl(),
                sim.genesysApiUrl(), caBundle == null ? "" : ", caBundle: \"" + caBundle + "\"");
        return TokenManagerConfig.parse(yaml, "tls-it.yaml", Map.of("TOKEN_KEY", tokenKey, "GENESYS_SECRET", secret))
                .withInstanceId(instanceId);
    }

    private TokenStatus lastStatus(java.util.function.Predicate<TokenStatus> wanted) {
        List<TokenStatus> read = TokenTopicsForTests.statuses(broker, registry.url(), topics, all -> all.stream().anyMatch(wanted));
        return read.stream().filter(wanted).reduce((a, b) -> b).orElseThrow();
    }

    /** Every captured line so far, exceptions included; copied under the appender's lock while the role still logs. */
    private List<String> logged() {
        List<ILoggingEvent> events;
        synchronized (appender) {
            events = new ArrayList<>(appender.list);
        }
        List<String> lines = new ArrayList<>();
        for (ILoggingEvent e : events) {
            lines.add(e.getFormattedMessage()
                    + (e.getThrowableProxy() == null ? "" : "\n" + ThrowableProxyUtil.asString(e.getThrowableProxy())));
        }
        return lines;
    }

    private static String get(int port, String path) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as("GET %s", path).isEqualTo(200);
        return r.body();
    }
}
