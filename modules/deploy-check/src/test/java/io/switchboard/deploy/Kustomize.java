package io.switchboard.deploy;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** {@code kubectl kustomize DIR} as a process: the manifests exactly as {@code kubectl apply -k DIR} would send them. */
final class Kustomize {

    private static volatile Optional<Path> kubectl;

    private Kustomize() {
    }

    /** Skips the calling test, saying why, when kubectl is not installed. */
    static void assumeKubectl() {
        assumeTrue(kubectl().isPresent(), "kubectl is not on PATH: the rendered Kubernetes manifests are not checked here."
                + " Install kubectl (>= 1.27, with kustomize v5) to run these checks; .ci/run installs it on CI.");
    }

    static Optional<Path> kubectl() {
        Optional<Path> k = kubectl;
        if (k == null) {
            k = ExternalTool.onPath("kubectl");
            kubectl = k;
        }
        return k;
    }

    /** Renders {@code dir}; throws with kubectl's own output when it fails. */
    static String render(Path dir) {
        ExternalTool.Result r = ExternalTool.run(dir, List.of(kubectl().orElseThrow().toString(), "kustomize", dir.toString()),
                Map.of(), 120);
        if (!r.ok()) {
            throw new AssertionError("kubectl kustomize " + dir + " failed:\n" + r.describe());
        }
        return r.stdout();
    }
}
