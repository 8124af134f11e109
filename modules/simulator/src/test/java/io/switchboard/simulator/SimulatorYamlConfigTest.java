package io.switchboard.simulator;

import io.switchboard.core.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.switchboard.core.config.ConfigSource;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.nio.file.Files;
import java.nio.file.Path;

import static io.switchboard.simulator.SimHttp.basic;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The simulator's YAML configuration: values take effect, and every problem is reported at once. */
class SimulatorYamlConfigTest {

    @Test
    void yamlConfigStartsAServerWithItsClientsAndLimits(@TempDir Path dir) throws IOException {
        Path yaml = dir.resolve("sim.yaml");
        Files.writeString(yaml, """
                allowShortLifetimes: true
                generatedQueues: 2
                genesys:
                  rateLimitPerMinute: 50
                  clients:
                    - clientId: yaml-client
                      secret: yaml-secret
                      tokenLifetime: PT2S
                      permissions: [routing:queue:view]
                """);
        try (VendorSimulator sim = VendorSimulator.start(SimulatorConfig.fromYaml(yaml).toBuilder().port(0).build())) {
            assertThat(sim.config().genesys().rateLimitPerMinute()).isEqualTo(50);
            assertThat(sim.queueIds()).hasSize(7);
            var r = new SimHttp().post(sim.genesysLoginUrl() + "/oauth/token", "grant_type=client_credentials",
                    "Authorization", basic("yaml-client", "yaml-secret"), "Content-Type", "application/x-www-form-urlencoded");
            assertThat(SimHttp.json(r).getLong("expires_in")).isEqualTo(1L);
        }
    }

    @Test
    void tlsKeysServeHttpsWithTheGivenCertificate(@TempDir Path dir) throws Exception {
        SimulatorConfig.Tls tls = SimulatorConfig.Tls.selfSigned(dir.resolve("tls"));
        assertThat(Files.readString(tls.certificate())).startsWith("-----BEGIN CERTIFICATE-----");
        assertThat(Files.readString(tls.privateKey())).startsWith("-----BEGIN PRIVATE KEY-----");
        Path yaml = dir.resolve("sim.yaml");
        Files.writeString(yaml, "tls: {certificate: " + tls.certificate() + ", privateKey: " + tls.privateKey() + "}\n");
        SimulatorConfig config = SimulatorConfig.fromYaml(yaml);
        assertThat(config.tls()).isEqualTo(tls);
        try (VendorSimulator sim = VendorSimulator.start(config)) {
            assertThat(sim.baseUrl()).startsWith("https://127.0.0.1:");
            java.security.KeyStore trust = java.security.KeyStore.getInstance(java.security.KeyStore.getDefaultType());
            trust.load(null, null);
            try (var in = Files.newInputStream(tls.certificate())) {
                trust.setCertificateEntry("sim", java.security.cert.CertificateFactory.getInstance("X.509").generateCertificate(in));
            }
            javax.net.ssl.TrustManagerFactory tmf = javax.net.ssl.TrustManagerFactory.getInstance(
                    javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            javax.net.ssl.SSLContext ctx = javax.net.ssl.SSLContext.getInstance("TLS");
            ctx.init(null, tmf.getTrustManagers(), null);
            java.net.http.HttpClient client = java.net.http.HttpClient.newBuilder().sslContext(ctx)
                    .connectTimeout(Duration.ofSeconds(10)).build();
            var r = client.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(sim.genesysLoginUrl() + "/oauth/token"))
                    .header("Authorization", basic("genesys-client", "genesys-secret"))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString("grant_type=client_credentials")).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).contains("access_token");
            // without the CA the JDK's client refuses the handshake
            assertThatThrownBy(() -> java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create(sim.baseUrl() + "/_admin/state")).build(), java.net.http.HttpResponse.BodyHandlers.ofString()))
                    .isInstanceOf(javax.net.ssl.SSLHandshakeException.class);
        }
        Files.writeString(yaml, "tls: {certificate: " + dir.resolve("missing.pem") + "}\n");
        assertThatThrownBy(() -> SimulatorConfig.fromYaml(yaml)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("tls.privateKey").hasMessageContaining("tls.certificate");
    }

    @Test
    void yamlProblemsAreReportedTogether(@TempDir Path dir) throws IOException {
        Path yaml = dir.resolve("bad.yaml");
        Files.writeString(yaml, """
                port: 70000
                colour: blue
                genesys:
                  clients:
                    - clientId: c
                      secret: s
                      tokenLifetime: PT10S
                """);
        assertThatThrownBy(() -> SimulatorConfig.fromYaml(yaml)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("3 problems").hasMessageContaining("port").hasMessageContaining("colour")
                .hasMessageContaining("genesys.clients[0].tokenLifetime");
    }

    @Test
    void theSimulatorSectionOfTheSharedFileIsReadAndOtherSectionsAreLeftAlone(@TempDir Path dir) throws IOException {
        Path yaml = dir.resolve("switchboard.yaml");
        Files.writeString(yaml, """
                kafka: {bootstrapServers: localhost:9092}
                credentials: [{id: a, provider: genesys-cloud}]
                simulator:
                  seed: 7
                  cxone: {tokenLifetime: 90s}
                  genesys:
                    clients:
                      - {clientId: c, secret: "${env:SIM_SECRET}", tokenLifetime: 2h}
                """);
        ConfigSource source = ConfigSource.load(yaml, Map.of("SIM_SECRET", "from-env", "SWITCHBOARD_SIMULATOR_SEED", "9"));
        SimulatorConfig config = SimulatorConfig.from(source, SimulatorConfig.builder());
        assertThat(config.seed()).isEqualTo(9L);
        assertThat(config.cxone().tokenLifetime()).isEqualTo(Duration.ofSeconds(90));
        assertThat(config.genesys().clients()).singleElement().satisfies(c -> {
            assertThat(c.secret().reveal()).isEqualTo("from-env");
            assertThat(c.tokenLifetime()).isEqualTo(Duration.ofHours(2));
        });
    }

    @Test
    void aBareNumberIsNoLongerSecondsButAProblemNamingBothForms(@TempDir Path dir) throws IOException {
        Path yaml = dir.resolve("sim.yaml");
        Files.writeString(yaml, """
                cognos: {sessionIdleTimeout: 3600}
                genesys:
                  clients:
                    - {clientId: c, secret: s, tokenLifetime: 600, colour: red}
                """);
        assertThatThrownBy(() -> SimulatorConfig.fromYaml(yaml)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("cognos.sessionIdleTimeout = 3600: is a bare number")
                .hasMessageContaining("3600s or 3600ms")
                .hasMessageContaining("genesys.clients[0].tokenLifetime = 600: is a bare number")
                .hasMessageContaining("genesys.clients[0].colour: is not a key");
    }

    @Test
    void problemsInTheSharedFileNameTheSimulatorSection() {
        ConfigSource source = ConfigSource.parse("kafka: {bootstrapServers: b:1}\nsimulator: {port: 70000, seeed: 1}\n", "sb.yaml", Map.of());
        assertThatThrownBy(() -> SimulatorConfig.from(source, SimulatorConfig.builder())).isInstanceOf(ConfigException.class)
                .hasMessageContaining("simulator.port = 70000").hasMessageContaining("simulator.seeed: is not a key (did you mean seed?)");
    }

    @Test
    void everyKeyIsDocumented() {
        assertThat(SimulatorConfig.configKeys()).allSatisfy(k -> assertThat(k.doc()).isNotBlank());
        assertThat(SimulatorConfig.configKeys()).extracting(k -> k.name()).contains("simulator.port", "simulator.genesys.clients[].tokenLifetime");
    }

    @Test
    void yamlClockStartsAtTheConfiguredInstant(@TempDir Path dir) throws IOException {
        Path yaml = dir.resolve("clock.yaml");
        Files.writeString(yaml, """
                seed: 9
                clock:
                  start: 2024-05-06T19:40:00Z
                  frozen: true
                """);
        SimulatorConfig config = SimulatorConfig.fromYaml(yaml);
        assertThat(config.clock()).isEqualTo(SimulatorConfig.Clock.frozenAt(java.time.Instant.parse("2024-05-06T19:40:00Z")));
        try (VendorSimulator sim = VendorSimulator.start(config.toBuilder().port(0).build())) {
            assertThat(sim.now()).isEqualTo(java.time.Instant.parse("2024-05-06T19:40:00Z"));
        }
        assertThat(SimulatorConfig.defaults().clock()).isEqualTo(SimulatorConfig.Clock.wallClock());
    }

    @Test
    void badClockKeysAreReportedWithWhatWouldBeValid(@TempDir Path dir) throws IOException {
        Path yaml = dir.resolve("bad-clock.yaml");
        Files.writeString(yaml, """
                clock:
                  start: half past seven
                  speed: 2
                """);
        assertThatThrownBy(() -> SimulatorConfig.fromYaml(yaml)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("2 problems").hasMessageContaining("clock.start").hasMessageContaining("2024-05-06T10:00:00Z")
                .hasMessageContaining("clock.speed");
    }
}
