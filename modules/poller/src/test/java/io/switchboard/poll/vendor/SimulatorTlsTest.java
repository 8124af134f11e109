package io.switchboard.poll.vendor;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.Map;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.switchboard.events.poll.PollJob;
import io.switchboard.poll.Endpoints;
import io.switchboard.poll.PollOutcome;
import io.switchboard.poll.PollerConfig;
import io.switchboard.simulator.SimulatorConfig;
import io.switchboard.simulator.Vendor;
import io.switchboard.simulator.VendorSimulator;

/**
 * The vendor simulator in its HTTPS mode, serving a self-signed certificate generated for this test with the JDK's
 * keytool (nothing committed): a poller refuses it by default with an error naming TLS verification and the
 * {@code caBundle} key, and polls it once the credential's {@code poll.caBundle} (read through {@link PollerConfig}, as
 * a user writes it) names the certificate. Real sockets on 127.0.0.1, host name verified (the certificate's subject
 * alternative names are localhost and 127.0.0.1).
 */
class SimulatorTlsTest {

    @TempDir
    Path dir;

    VendorSimulator sim;

    @AfterEach
    void stop() {
        if (sim != null) {
            sim.close();
        }
    }

    @Test
    void aPollerRefusesTheSelfSignedSimulatorUnlessTheCredentialsCaBundleNamesItsCa() throws Exception {
        SimulatorConfig.Tls tls = SimulatorConfig.Tls.selfSigned(dir.resolve("tls"));
        sim = VendorSimulator.start(SimulatorConfig.builder().tls(tls).build());
        assertThat(sim.baseUrl()).startsWith("https://127.0.0.1:");
        sim.freezeClock();
        Clock clock = Clock.fixed(sim.now(), ZoneOffset.UTC);
        SimulatorTokens tokens = new SimulatorTokens(sim, clock, trusting(tls.certificate())).genesys("genesys-eu");
        PollJob job = Jobs.job("live", "genesys-eu", Endpoints.GENESYS_QUEUE_OBSERVATIONS, sim.queueIds(), Map.of());

        PollOutcome refused;
        try (VendorPollExecutor executor = VendorPollExecutor.builder(tokens).clock(clock).build()) {
            refused = executor.poll(job, Jobs.request(1, clock.instant())).get();
        }
        assertThat(refused.stats()).isEmpty();
        assertThat(refused.errors()).singleElement().satisfies(e -> {
            assertThat(e.getKind()).isEqualTo("TRANSPORT");
            assertThat(e.getRetriable()).isFalse();
            assertThat(e.getMessage()).contains("TLS verification").contains("credentials[].poll.caBundle")
                    .contains(sim.baseUrl()).doesNotContain("Bearer");
        });
        assertThat(sim.requests().matching(Vendor.GENESYS, "/observations/query")).as("refused before any request").isEmpty();

        Path yaml = dir.resolve("switchboard.yaml");
        Files.writeString(yaml, """
                kafka: {bootstrapServers: "127.0.0.1:9092"}
                schemaRegistry: {url: "http://127.0.0.1:8081"}
                encryption: {activeKeyId: k1, keys: {k1: "${env:K}"}}
                credentials:
                  - id: genesys-eu
                    provider: genesys-cloud
                    poll:
                      caBundle: %s
                      jobs:
                        - {endpoint: genesys.queue-observations}
                """.formatted(tls.certificate()));
        PollerConfig config = PollerConfig.load(yaml, Map.of("K", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="));
        assertThat(config.credential("genesys-eu").orElseThrow().caBundle()).isEqualTo(tls.certificate());
        PollOutcome trusted;
        try (VendorPollExecutor executor = VendorPollExecutor.builder(tokens).clock(clock).options(config.http())
                .credentialSettings(config::credentialHttpSettings).build()) {
            trusted = executor.poll(job, Jobs.request(2, clock.instant())).get();
        }
        assertThat(trusted.errors()).isEmpty();
        assertThat(trusted.stats()).isNotEmpty();
        assertThat(sim.requests().matching(Vendor.GENESYS, "/observations/query")).hasSize(1);
    }

    @Test
    void theCredentialsOwnCaBundleIsTheDefaultOfPollCaBundle() throws Exception {
        SimulatorConfig.Tls tls = SimulatorConfig.Tls.selfSigned(dir.resolve("tls"));
        sim = VendorSimulator.start(SimulatorConfig.builder().tls(tls).build());
        sim.freezeClock();
        Clock clock = Clock.fixed(sim.now(), ZoneOffset.UTC);
        SimulatorTokens tokens = new SimulatorTokens(sim, clock, trusting(tls.certificate())).genesys("genesys-eu");
        PollJob job = Jobs.job("live", "genesys-eu", Endpoints.GENESYS_QUEUE_OBSERVATIONS, sim.queueIds(), Map.of());
        Path other = SimulatorConfig.Tls.selfSigned(dir.resolve("other")).certificate();
        Path yaml = dir.resolve("switchboard.yaml");
        Files.writeString(yaml, """
                kafka: {bootstrapServers: "127.0.0.1:9092"}
                schemaRegistry: {url: "http://127.0.0.1:8081"}
                encryption: {activeKeyId: k1, keys: {k1: "${env:K}"}}
                credentials:
                  - id: genesys-eu
                    provider: genesys-cloud
                    caBundle: %s
                    poll:
                      - {endpoint: genesys.queue-observations}
                  - id: genesys-us
                    provider: genesys-cloud
                    caBundle: %s
                    poll:
                      caBundle: %s
                      jobs:
                        - {endpoint: genesys.queue-observations}
                """.formatted(tls.certificate(), tls.certificate(), other));
        PollerConfig config = PollerConfig.load(yaml, Map.of("K", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="));
        assertThat(config.credential("genesys-eu").orElseThrow().caBundle()).as("the login's CA bundle").isEqualTo(tls.certificate());
        assertThat(config.credential("genesys-us").orElseThrow().caBundle()).as("poll.caBundle wins").isEqualTo(other);
        PollOutcome trusted;
        try (VendorPollExecutor executor = VendorPollExecutor.builder(tokens).clock(clock).options(config.http())
                .credentialSettings(config::credentialHttpSettings).build()) {
            trusted = executor.poll(job, Jobs.request(1, clock.instant())).get();
        }
        assertThat(trusted.errors()).isEmpty();
        assertThat(trusted.stats()).isNotEmpty();
    }

    /** An SSLContext whose only trust anchor is {@code certificatePem}. */
    static SSLContext trusting(Path certificatePem) throws Exception {
        KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
        ks.load(null, null);
        try (InputStream in = Files.newInputStream(certificatePem)) {
            int i = 0;
            for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                ks.setCertificateEntry("ca-" + i++, c);
            }
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx;
    }
}
