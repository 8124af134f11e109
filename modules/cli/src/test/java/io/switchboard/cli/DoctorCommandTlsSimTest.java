package io.switchboard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.switchboard.core.SecretReferences;
import io.switchboard.simulator.SimulatorConfig;
import io.switchboard.simulator.VendorSimulator;
import picocli.CommandLine;

/**
 * {@code switchboard doctor} against the vendor simulator in its HTTPS mode (a self-signed certificate generated for
 * the test by keytool, real socket on 127.0.0.1): the login is refused by default with a diagnosis naming TLS
 * verification and {@code credentials[].caBundle}; with the credential's caBundle set to the certificate it logs in.
 */
class DoctorCommandTlsSimTest {

    private static final Map<String, String> ENV = Map.of("GENESYS_SECRET", "genesys-secret");

    @TempDir
    Path dir;

    private VendorSimulator sim;

    @AfterEach
    void stop() {
        if (sim != null) {
            sim.close();
        }
    }

    private Path config(String caBundleLine) throws Exception {
        Path file = dir.resolve("switchboard.yaml");
        Files.writeString(file, ("""
                kafka:
                  bootstrapServers: 127.0.0.1:9092
                credentials:
                  - id: genesys-eu
                    provider: genesys-cloud
                    loginBaseUrl: {base}/genesys/login
                    clientId: genesys-client
                    clientSecret: ${env:GENESYS_SECRET}
                """ + caBundleLine).replace("{base}", sim.baseUrl()));
        return file;
    }

    private int doctor(Path file, StringWriter out) {
        CommandLine cl = new CommandLine(new DoctorCommand(new SecretReferences(ENV), file.toString()));
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(new StringWriter()));
        return cl.execute();
    }

    @Test
    void theDoctorRefusesAnUntrustedVendorCertificateAndLogsInOnceTheCaBundleIsSet() throws Exception {
        SimulatorConfig.Tls tls = SimulatorConfig.Tls.selfSigned(dir.resolve("tls"));
        sim = VendorSimulator.start(SimulatorConfig.builder().tls(tls).build());

        StringWriter refused = new StringWriter();
        assertThat(doctor(config(""), refused)).isEqualTo(1);
        assertThat(refused.toString()).contains("FAIL  genesys-eu (genesys-cloud)", "[tls-untrusted]",
                        "TLS verification failed: the vendor's certificate is not trusted",
                        "set credentials[].caBundle to a PEM file of the CA that issued it", "caBundle:")
                .doesNotContain("genesys-secret");

        StringWriter trusted = new StringWriter();
        assertThat(doctor(config("    caBundle: " + tls.certificate() + "\n"), trusted)).as("%s", trusted).isEqualTo(0);
        assertThat(trusted.toString()).contains("OK    genesys-eu (genesys-cloud)").doesNotContain("genesys-secret");
    }
}
