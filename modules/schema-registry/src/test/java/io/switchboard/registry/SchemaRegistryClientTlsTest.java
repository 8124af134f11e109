package io.switchboard.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManagerFactory;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsExchange;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;

/**
 * TLS to the registry over a real socket (a JDK HTTPS server with keytool-made certificates in a temp dir): a truststore
 * makes a self-signed registry trusted; a keystore gives the client certificate a registry that requires one (mutual
 * TLS); without them the error is typed and names the TLS settings.
 */
class SchemaRegistryClientTlsTest {

    private static final String KEYTOOL = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();

    @Test
    void truststoreFromConfluentKeysIsUsed(@TempDir Path dir) throws Exception {
        ServerCerts certs = serverCerts(dir);
        HttpsServer server = start(sslContext(certs.keystore(), null), false);
        try {
            String url = "https://127.0.0.1:" + server.getAddress().getPort();
            SchemaRegistryClient trusted = SchemaRegistryClient.fromConfigs(Map.of(
                    "schema.registry.url", url,
                    "schema.registry.ssl.truststore.location", certs.truststore().toString(),
                    "schema.registry.ssl.truststore.password", "trustpw",
                    "schema.registry.ssl.truststore.type", "PKCS12"));
            assertThat(trusted.getSubjects()).containsExactly("tls-value");

            SchemaRegistryClient untrusted = SchemaRegistryClient.fromConfigs(Map.of("schema.registry.url", url, "max.retries", 0));
            assertThatThrownBy(untrusted::getSubjects).isInstanceOf(SchemaRegistryUnavailableException.class)
                    .hasMessageContaining("TLS settings");
        } finally {
            server.stop(0);
        }
    }

    @Test
    void clientCertificateFromTheKeystoreIsPresentedWhenTheRegistryRequiresOne(@TempDir Path dir) throws Exception {
        ServerCerts certs = serverCerts(dir);
        Path clientKeystore = dir.resolve("client.p12");
        run(KEYTOOL, "-genkeypair", "-alias", "client", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
                "-dname", "CN=switchboard-client", "-storetype", "PKCS12", "-keystore", clientKeystore.toString(),
                "-storepass", "clientpw", "-keypass", "clientpw");
        // The registry trusts exactly the client's certificate and refuses connections without one.
        KeyStore clientTrust = KeyStore.getInstance("PKCS12");
        clientTrust.load(null, null);
        clientTrust.setCertificateEntry("client", load(clientKeystore, "clientpw").getCertificate("client"));
        HttpsServer server = start(sslContext(certs.keystore(), clientTrust), true);
        try {
            String url = "https://127.0.0.1:" + server.getAddress().getPort();
            Map<String, Object> trustOnly = Map.of(
                    "schema.registry.url", url, "max.retries", 0,
                    "schema.registry.ssl.truststore.location", certs.truststore().toString(),
                    "schema.registry.ssl.truststore.password", "trustpw");

            Map<String, Object> mutual = new java.util.HashMap<>(trustOnly);
            mutual.put("schema.registry.ssl.keystore.location", clientKeystore.toString());
            mutual.put("schema.registry.ssl.keystore.password", "clientpw");
            mutual.put("schema.registry.ssl.keystore.type", "PKCS12");
            mutual.put("schema.registry.ssl.key.password", "clientpw");
            // The server answers with the subject of the certificate the client presented.
            assertThat(SchemaRegistryClient.fromConfigs(mutual).getSubjects()).containsExactly("CN=switchboard-client");

            assertThatThrownBy(() -> SchemaRegistryClient.fromConfigs(trustOnly).getSubjects())
                    .isInstanceOf(SchemaRegistryUnavailableException.class)
                    .hasMessageContaining("Cannot reach the schema registry at " + url)
                    .hasMessageContaining("schema.registry.ssl.keystore.location")
                    .satisfies(e -> assertThat(((SchemaRegistryException) e).isRetriable()).isTrue());
        } finally {
            server.stop(0);
        }
    }

    /** The registry's self-signed key pair and a truststore holding its certificate. */
    private record ServerCerts(Path keystore, Path truststore) {
    }

    private static ServerCerts serverCerts(Path dir) throws Exception {
        Path keystore = dir.resolve("server.p12");
        Path cert = dir.resolve("server.crt");
        Path truststore = dir.resolve("trust.p12");
        run(KEYTOOL, "-genkeypair", "-alias", "registry", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
                "-dname", "CN=localhost", "-ext", "san=ip:127.0.0.1", "-storetype", "PKCS12", "-keystore", keystore.toString(),
                "-storepass", "changeit", "-keypass", "changeit");
        run(KEYTOOL, "-exportcert", "-alias", "registry", "-keystore", keystore.toString(), "-storepass", "changeit", "-rfc",
                "-file", cert.toString());
        run(KEYTOOL, "-importcert", "-noprompt", "-alias", "registry", "-file", cert.toString(), "-storetype", "PKCS12",
                "-keystore", truststore.toString(), "-storepass", "trustpw");
        return new ServerCerts(keystore, truststore);
    }

    private static SSLContext sslContext(Path serverKeystore, KeyStore trustedClients) throws Exception {
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(load(serverKeystore, "changeit"), "changeit".toCharArray());
        TrustManagerFactory tmf = null;
        if (trustedClients != null) {
            tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trustedClients);
        }
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(kmf.getKeyManagers(), tmf == null ? null : tmf.getTrustManagers(), null);
        return ssl;
    }

    /** An HTTPS server on 127.0.0.1:0 answering GET /subjects; with client auth it lists the client certificate's subject. */
    private static HttpsServer start(SSLContext ssl, boolean needClientAuth) throws Exception {
        HttpsServer server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 10);
        server.setHttpsConfigurator(new HttpsConfigurator(ssl) {
            @Override
            public void configure(HttpsParameters params) {
                SSLParameters p = getSSLContext().getDefaultSSLParameters();
                p.setNeedClientAuth(needClientAuth);
                params.setSSLParameters(p);
            }
        });
        server.createContext("/subjects", exchange -> {
            String subject = needClientAuth
                    ? ((HttpsExchange) exchange).getSSLSession().getPeerPrincipal().getName()
                    : "tls-value";
            byte[] body = ("[\"" + subject + "\"]").getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        return server;
    }

    private static KeyStore load(Path path, String password) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(path)) {
            ks.load(in, password.toCharArray());
        }
        return ks;
    }

    private static void run(String... command) throws Exception {
        Process p = new ProcessBuilder(List.of(command)).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
    }
}
