package io.switchboard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Smoke test of the artifact users run: the shaded {@code target/switchboard.jar}, started through the
 * repository's {@code ./switchboard} script exactly as the README says (with {@code SWITCHBOARD_NO_BUILD=1},
 * the build having just packaged it). Runs after {@code package} (failsafe).
 */
class SwitchboardJarIT {

    private static final Path SCRIPT = Path.of("../../switchboard").toAbsolutePath().normalize();
    private static final Path JAR = Path.of(System.getProperty("switchboard.jar", "target/switchboard.jar")).toAbsolutePath();
    private static final String VERSION = System.getProperty("switchboard.version");

    record Run(int exit, String out, String err) {
    }

    @BeforeAll
    static void theArtifactExists() {
        assertThat(SCRIPT).as("the ./switchboard script at the repository root").isRegularFile();
        assertThat(JAR).as("the shaded jar (failsafe runs after package)").isRegularFile();
        assertThat(VERSION).as("switchboard.version from the POM (failsafe systemPropertyVariables)").isNotBlank();
    }

    private static Run switchboard(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("bash", SCRIPT.toString()));
        Collections.addAll(command, args);
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().put("SWITCHBOARD_NO_BUILD", "1");
        // The script runs `java` from PATH: the JDK that runs this test comes first.
        pb.environment().put("PATH", Path.of(System.getProperty("java.home"), "bin") + java.io.File.pathSeparator
                + System.getenv().getOrDefault("PATH", ""));
        pb.environment().remove("SWITCHBOARD_CONFIG");
        Path out = Files.createTempFile("switchboard-out", ".txt");
        Path err = Files.createTempFile("switchboard-err", ".txt");
        try {
            Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("switchboard %s ends", String.join(" ", args)).isTrue();
            return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    @Test
    void versionIsTheProjectVersionFromTheShadedJarsManifest() throws Exception {
        Run r = switchboard("--version");
        assertThat(r.exit()).as("exit code; stderr: %s", r.err()).isZero();
        assertThat(r.out()).startsWith("switchboard " + VERSION + System.lineSeparator()).contains("Java ", "Kafka clients ");
        assertThat(r.out()).doesNotContain("development build");
        try (JarFile jar = new JarFile(JAR.toFile())) {
            assertThat(jar.getManifest().getMainAttributes().getValue("Implementation-Version")).isEqualTo(VERSION);
            assertThat(jar.getManifest().getMainAttributes().getValue("Main-Class")).isEqualTo(Switchboard.class.getName());
        }
    }

    @Test
    void helpListsEveryRoleWithItsWholeDescriptionWithinTheUsageWidth() throws Exception {
        Run r = switchboard("--help");
        assertThat(r.exit()).as("exit code; stderr: %s", r.err()).isZero();
        assertThat(r.out()).contains("token-manager", "doctor", "simulator", "schema-registry");
        assertThat(r.out().replaceAll("\\s+", " "))
                .contains("refreshes ahead of expiry and publishes encrypted tokens to <prefix>.tokens")
                .contains("why a login fails and what to change");
        assertThat(r.out().lines()).allSatisfy(line -> assertThat(line.length()).as(line).isLessThanOrEqualTo(Switchboard.USAGE_WIDTH));
        for (String role : List.of("token-manager", "doctor", "simulator", "schema-registry")) {
            Run help = switchboard(role, "--help");
            assertThat(help.exit()).as("%s --help; stderr: %s", role, help.err()).isZero();
            assertThat(help.out()).startsWith("Usage: switchboard " + role);
            assertThat(help.out().lines()).allSatisfy(line -> assertThat(line.length()).as(line).isLessThanOrEqualTo(Switchboard.USAGE_WIDTH));
        }
        // a file name in a description is never broken at its dot
        assertThat(switchboard("token-manager", "--help").out()).contains(" ./switchboard.yaml).");
    }

    @Test
    void aWrongCommandLineExitsWithTwoThroughTheScript() throws Exception {
        Run r = switchboard("tokenmanager");
        assertThat(r.exit()).isEqualTo(Switchboard.EXIT_USAGE);
        assertThat(r.err()).contains("tokenmanager");
    }

    @Test
    void theJarCarriesOneLoggingConfigurationAndNoMainJarATestOne() throws Exception {
        try (JarFile jar = new JarFile(JAR.toFile())) {
            List<String> logging = jar.stream().map(ZipEntry::getName)
                    .filter(n -> n.endsWith("logback.xml") || n.endsWith("logback-test.xml") || n.endsWith("log4j2.xml")
                            || n.endsWith("log4j2-test.xml")).toList();
            assertThat(logging).as("logging configurations in switchboard.jar").containsExactly("logback.xml");
        }
        // Nor does any module's main jar the build produced before this one (they are all on the reactor path).
        try (var jars = Files.newDirectoryStream(Path.of("..").toAbsolutePath().normalize(), "*")) {
            for (Path module : jars) {
                try (var built = Files.newDirectoryStream(module.resolve("target"), "switchboard-*.jar")) {
                    for (Path jarPath : built) {
                        if (jarPath.getFileName().toString().endsWith("-tests.jar")) {
                            continue;
                        }
                        try (JarFile jar = new JarFile(jarPath.toFile())) {
                            assertThat(jar.stream().map(ZipEntry::getName).filter(n -> n.endsWith("logback-test.xml")).toList())
                                    .as("logback-test.xml in %s", jarPath).isEmpty();
                        }
                    }
                } catch (java.nio.file.NoSuchFileException | java.nio.file.NotDirectoryException notBuilt) {
                    // a module that is not built in this run
                }
            }
        }
    }
}
