package io.switchboard.deploy;

import java.nio.file.Files;
import java.nio.file.Path;

/** Files of the checkout under test. */
final class Repo {

    private Repo() {
    }

    /** The repository root: the {@code switchboard.root} system property (set by the POM), else the nearest parent with {@code .mvn}. */
    static Path root() {
        String prop = System.getProperty("switchboard.root");
        if (prop != null && !prop.isBlank() && Files.isDirectory(Path.of(prop, "deploy"))) {
            return Path.of(prop).toAbsolutePath().normalize();
        }
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.isDirectory(p.resolve(".mvn"))) {
            p = p.getParent();
        }
        if (p == null) {
            throw new IllegalStateException("cannot find the repository root (no .mvn above " + Path.of("").toAbsolutePath()
                    + "); run the tests through Maven or set -Dswitchboard.root");
        }
        return p;
    }

    static Path k8s() {
        return root().resolve("deploy/k8s");
    }

    static Path overlay(String name) {
        return k8s().resolve("overlays").resolve(name);
    }

    static Path composeFile() {
        return root().resolve("docker-compose.yml");
    }
}
