package io.switchboard.simulator.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.switchboard.simulator.SimulatorConfig;
import io.switchboard.simulator.SimulatorException;

/**
 * A self-signed certificate for the simulator's HTTPS mode, made with the JDK's {@code keytool} (no BouncyCastle, no
 * JDK-internal classes) and written as PEM: the certificate (also the CA a client trusts) and the PKCS#8 key.
 * The PKCS#12 store keytool writes is a throw-away inside the given directory.
 */
public final class SelfSignedPem {

    private static final char[] STORE_PASSWORD = "simulator".toCharArray();
    private static final String ALIAS = "simulator";

    private SelfSignedPem() {
    }

    /** See {@link SimulatorConfig.Tls#selfSigned(Path)}. */
    public static SimulatorConfig.Tls generate(Path dir) {
        try {
            Files.createDirectories(dir);
            Path store = dir.resolve("simulator-keystore.p12");
            Files.deleteIfExists(store);
            String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
            Process p = new ProcessBuilder(List.of(keytool, "-genkeypair", "-alias", ALIAS, "-keyalg", "RSA", "-keysize", "2048",
                    "-validity", "7", "-dname", "CN=localhost, O=Switchboard vendor simulator",
                    "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-ext", "BC=ca:true",
                    "-keystore", store.toString(), "-storetype", "PKCS12",
                    "-storepass", new String(STORE_PASSWORD), "-keypass", new String(STORE_PASSWORD)))
                    .redirectErrorStream(true).start();
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new SimulatorException("keytool could not generate the simulator's certificate: " + output.trim());
            }
            KeyStore ks = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(store)) {
                ks.load(in, STORE_PASSWORD);
            }
            Key key = ks.getKey(ALIAS, STORE_PASSWORD);
            Certificate cert = ks.getCertificate(ALIAS);
            Path certPem = dir.resolve("simulator-cert.pem");
            Path keyPem = dir.resolve("simulator-key.pem");
            Files.writeString(certPem, pem("CERTIFICATE", cert.getEncoded()));
            Files.writeString(keyPem, pem("PRIVATE KEY", key.getEncoded()));
            Files.delete(store);
            return new SimulatorConfig.Tls(certPem, keyPem);
        } catch (IOException | GeneralSecurityException e) {
            throw new SimulatorException("cannot generate the simulator's self-signed certificate in " + dir + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SimulatorException("interrupted while generating the simulator's certificate", e);
        }
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(der) + "\n-----END " + type + "-----\n";
    }
}
