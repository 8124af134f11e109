package io.switchboard.deploy;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Renders a kustomization as a process: {@code kubectl kustomize DIR} (exactly what {@code kubectl apply -k DIR}
 * sends), or {@code kustomize build DIR} where only the standalone kustomize is installed. The overlays
 * use {@code patches:} with targets, so the kustomize inside kubectl must be v4 or newer (kubectl 1.21+).
 */
final class Kustomize {

    private static final Pattern KUSTOMIZE_VERSION = Pattern.compile("Kustomize Version: v(\\d+)\\.");
    private static volatile Optional<List<String>> renderer;
    private static volatile String unusable = "";

    private Kustomize() {
    }

    /** Skips the calling test, saying why, when no usable kubectl or kustomize is installed. */
    static void assumeKubectl() {
        assumeTrue(renderer().isPresent(), "no usable kubectl on PATH" + unusable + ": the rendered Kubernetes manifests are not"
                + " checked here. Install kubectl >= 1.21 (kustomize v4+; v5 tested) or kustomize to run these checks;"
                + " .ci/run installs it on CI.");
    }

    static synchronized Optional<List<String>> renderer() {
        if (renderer == null) {
            renderer = find();
        }
        return renderer;
    }

    private static Optional<List<String>> find() {
        Optional<Path> kubectl = ExternalTool.onPath("kubectl");
        if (kubectl.isPresent()) {
            ExternalTool.Result v = ExternalTool.run(Path.of("."), List.of(kubectl.get().toString(), "version", "--client"), Map.of(), 60);
            Matcher m = KUSTOMIZE_VERSION.matcher(v.stdout());
            if (v.ok() && m.find() && Integer.parseInt(m.group(1)) >= 4) {
                return Optional.of(List.of(kubectl.get().toString(), "kustomize"));
            }
            unusable = " (" + kubectl.get() + " has no kustomize v4+: " + v.stdout().strip().replace('\n', ' ') + ")";
        }
        return ExternalTool.onPath("kustomize").map(k -> List.of(k.toString(), "build"));
    }

    /** Renders {@code dir}; throws with the tool's own output when it fails. */
    static String render(Path dir) {
        List<String> cmd = new ArrayList<>(renderer().orElseThrow());
        cmd.add(dir.toString());
        ExternalTool.Result r = ExternalTool.run(dir, cmd, Map.of(), 120);
        if (!r.ok()) {
            throw new AssertionError("rendering " + dir + " failed:\n" + r.describe());
        }
        return r.stdout();
    }
}
