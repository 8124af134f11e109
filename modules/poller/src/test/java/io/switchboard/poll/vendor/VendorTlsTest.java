package io.switchboard.poll.vendor;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.switchboard.core.Secret;
import io.switchboard.poll.Endpoints;
import io.switchboard.poll.PollOutcome;
import io.switchboard.token.TokenView;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.SelfSignedCertificate;

/**
 * TLS against a real HTTPS server with a private (self-signed) CA on 127.0.0.1: refused without the credential's CA
 * bundle, accepted with it, host name verified, HTTP/2 negotiated through ALPN. (The vendor simulator speaks plain
 * HTTP, so this one test runs its own small HTTPS server.)
 */
class VendorTlsTest {

    Vertx vertx;
    HttpServer server;
    SelfSignedCertificate cert;
    final List<HttpVersion> versions = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() {
        vertx = Vertx.vertx();
        cert = SelfSignedCertificate.create("localhost");
        server = vertx.createHttpServer(new HttpServerOptions().setSsl(true).setUseAlpn(true).setKeyCertOptions(cert.keyCertOptions())
                        .setHost("127.0.0.1").setPort(0))
                .requestHandler(req -> {
                    versions.add(req.version());
                    req.response().putHeader("Content-Type", "application/json")
                            .end("{\"queues\":[{\"id\":\"q1\",\"waiting\":3}]}");
                })
                .listen().await();
    }

    @AfterEach
    void stop() {
        server.close().await();
        vertx.close().await();
        cert.delete();
    }

    /** A fixed token pointing at the HTTPS server. */
    private TokenSource tokenFor(String host) {
        Instant now = Instant.now();
        TokenView t = new TokenView("tls-cred", "oauth2", 1, now, now.plusSeconds(3600), now.plusSeconds(1800),
                Map.of("Authorization", Secret.of("Bearer tls-test-token")), "https://" + host + ":" + server.actualPort(), null,
                List.of(), Map.of(), "test");
        return new TokenSource() {
            @Override
            public Optional<TokenView> current(String credentialId) {
                return Optional.of(t);
            }

            @Override
            public CompletableFuture<TokenView> refresh(String credentialId, long rejectedVersion, String reason, Integer httpStatus,
                                                        java.time.Duration wait) {
                return CompletableFuture.failedFuture(new IllegalStateException("no refresh in this test"));
            }
        };
    }

    private PollOutcome poll(TokenSource tokens, Path caBundle) throws Exception {
        try (VendorPollExecutor executor = VendorPollExecutor.builder(tokens)
                .credentialSettings(id -> new CredentialHttpSettings(caBundle, null)).build()) {
            return executor.poll(Jobs.job("tls", "tls-cred", Endpoints.GENERIC_JSON, List.of(), Map.of("url", "/stats", "items", "/queues",
                    "field.queueId", "/id", "field.waiting", "/waiting")), Jobs.request(1, Instant.now())).get();
        }
    }

    @Test
    void aPrivateCaIsRefusedUnlessTheCredentialNamesItsBundle() throws Exception {
        PollOutcome refused = poll(tokenFor("localhost"), null);
        assertThat(refused.stats()).isEmpty();
        assertThat(refused.errors()).singleElement().satisfies(e -> {
            assertThat(e.getKind()).isEqualTo("TRANSPORT");
            assertThat(e.getRetriable()).isFalse();
            assertThat(e.getMessage()).contains("TLS handshake failed").contains("caBundle");
        });

        PollOutcome trusted = poll(tokenFor("localhost"), Path.of(cert.certificatePath()));
        assertThat(trusted.errors()).isEmpty();
        assertThat(trusted.stats()).singleElement().satisfies(s -> assertThat(s.getWaiting()).isEqualTo(3));
        assertThat(versions).containsOnly(HttpVersion.HTTP_2);
    }

    @Test
    void theHostNameIsVerifiedToo() throws Exception {
        PollOutcome wrongName = poll(tokenFor("127.0.0.1"), Path.of(cert.certificatePath()));
        assertThat(wrongName.errors()).singleElement().satisfies(e -> {
            assertThat(e.getKind()).isEqualTo("TRANSPORT");
            assertThat(e.getMessage()).contains("TLS");
        });
    }
}
