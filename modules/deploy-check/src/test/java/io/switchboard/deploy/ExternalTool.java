package io.switchboard.deploy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/** Runs a command-line tool (kubectl, docker compose) as a process and captures what it printed. */
final class ExternalTool {

    /** What one run printed and how it ended. */
    record Result(List<String> command, int exitCode, String stdout, String stderr) {
        boolean ok() {
            return exitCode == 0;
        }

        /** The command, exit code and both outputs, for assertion messages. */
        String describe() {
            return String.join(" ", command) + " exited " + exitCode + "\n--- stdout ---\n" + stdout + "\n--- stderr ---\n" + stderr;
        }
    }

    private ExternalTool() {
    }

    /** Runs {@code command} in {@code dir}; at most {@code timeoutSeconds}, then the process is killed and this throws. */
    static Result run(Path dir, List<String> command, Map<String, String> env, long timeoutSeconds) {
        return run(dir, command, env, Set.of(), timeoutSeconds);
    }

    /** As {@link #run(Path, List, Map, long)}, with the variables {@code unset} removed from the process's environment. */
    static Result run(Path dir, List<String> command, Map<String, String> env, Set<String> unset, long timeoutSeconds) {
        Path out = null;
        Path err = null;
        try {
            out = Files.createTempFile("tool-out", ".txt");
            err = Files.createTempFile("tool-err", ".txt");
            ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile())
                    .redirectOutput(out.toFile()).redirectError(err.toFile()).redirectInput(ProcessBuilder.Redirect.from(nullDevice()));
            pb.environment().keySet().removeAll(unset);
            pb.environment().putAll(env);
            Process p = pb.start();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " did not finish within " + timeoutSeconds + " s");
            }
            return new Result(List.copyOf(command), p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + String.join(" ", command) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + command, e);
        } finally {
            deleteQuietly(out);
            deleteQuietly(err);
        }
    }

    /** The first of {@code candidates} (each a command line) that answers its version with exit code 0. */
    static Optional<List<String>> firstWorking(Path dir, List<List<String>> candidates, List<String> versionArgs) {
        for (List<String> candidate : candidates) {
            if (onPath(candidate.get(0)).isEmpty()) {
                continue;
            }
            List<String> cmd = new ArrayList<>(candidate);
            cmd.addAll(versionArgs);
            try {
                if (run(dir, cmd, Map.of(), 60).ok()) {
                    return Optional.of(candidate);
                }
            } catch (IllegalStateException e) {
                // not usable; try the next one
            }
        }
        return Optional.empty();
    }

    /** The executable called {@code name} on PATH, if any. */
    static Optional<Path> onPath(String name) {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(java.io.File.pathSeparator)) {
            Path p = Path.of(dir, name);
            if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    private static java.io.File nullDevice() {
        return new java.io.File(System.getProperty("os.name").startsWith("Windows") ? "NUL" : "/dev/null");
    }

    private static void deleteQuietly(Path p) {
        if (p != null) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException ignored) {
                // a temp file left behind is harmless
            }
        }
    }
}
