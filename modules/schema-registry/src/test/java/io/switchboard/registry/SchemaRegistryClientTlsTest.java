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

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;

/** TLS to the registry: a truststore makes a self-signed registry trusted; without it the error says TLS. */
class SchemaRegistryClientTlsTest {

    @Test
    void truststoreFromConfluentKeysIsUsed(@TempDir Path dir) throws Exception {
        Path keystore = dir.resolve("server.p12");
        Path cert = dir.resolve("server.crt");
        Path truststore = dir.resolve("trust.p12");
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        run(keytool, "-genkeypair", "-alias", "registry", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
                "-dname", "CN=localhost", "-ext", "san=ip:127.0.0.1", "-storetype", "PKCS12", "-keystore", keystore.toString(),
                "-storepass", "changeit", "-keypass", "changeit");
        run(keytool, "-exportcert", "-alias", "registry", "-keystore", keystore.toString(), "-storepass", "changeit", "-rfc",
                "-file", cert.toString());
        run(keytool, "-importcert", "-noprompt", "-alias", "registry", "-file", cert.toString(), "-storetype", "PKCS12",
                "-keystore", truststore.toString(), "-storepass", "trustpw");

        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
            ks.load(in, "changeit".toCharArray());
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, "changeit".toCharArray());
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(kmf.getKeyManagers(), null, null);
        HttpsServer server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 10);
        server.setHttpsConfigurator(new HttpsConfigurator(ssl));
        server.createContext("/subjects", exchange -> {
            byte[] body = "[\"tls-value\"]".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        try {
            String url = "https://127.0.0.1:" + server.getAddress().getPort();
            SchemaRegistryClient trusted = SchemaRegistryClient.fromConfigs(Map.of(
                    "schema.registry.url", url,
                    "schema.registry.ssl.truststore.location", truststore.toString(),
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

    private static void run(String... command) throws Exception {
        Process p = new ProcessBuilder(List.of(command)).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
    }
}
