package io.switchboard.systemtest;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One child process of a system test: its command, and its stdout and stderr in two files of the test's directory
 * ({@code <name>.out}, {@code <name>.err}), so that a failure can print them. Not thread-safe.
 */
final class ChildProcess {

    private final String name;
    private final List<String> command;
    private final Path out;
    private final Path err;
    private final Process process;

    private ChildProcess(String name, List<String> command, Path out, Path err, Process process) {
        this.name = name;
        this.command = command;
        this.out = out;
        this.err = err;
        this.process = process;
    }

    /**
     * Starts {@code command}; stdout and stderr are appended to {@code dir/<name>.out} and {@code .err} (appended, so a
     * restarted process keeps its earlier output).
     */
    static ChildProcess start(String name, List<String> command, java.util.Map<String, String> environment, Path dir) {
        return start(name, command, environment, dir, dir);
    }

    /** As {@link #start(String, List, java.util.Map, Path)}, in the working directory {@code workDir}. */
    static ChildProcess start(String name, List<String> command, java.util.Map<String, String> environment, Path dir, Path workDir) {
        Path out = dir.resolve(name + ".out");
        Path err = dir.resolve(name + ".err");
        try {
            Files.createDirectories(workDir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ProcessBuilder pb = new ProcessBuilder(command).directory(workDir.toFile())
                .redirectOutput(ProcessBuilder.Redirect.appendTo(out.toFile()))
                .redirectError(ProcessBuilder.Redirect.appendTo(err.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(nullDevice()));
        pb.environment().keySet().removeIf(k -> k.startsWith("SWITCHBOARD_") || k.equals("JAVA_TOOL_OPTIONS"));
        pb.environment().putAll(environment);
        try {
            return new ChildProcess(name, List.copyOf(command), out, err, pb.start());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name + ": " + String.join(" ", command), e);
        }
    }

    private static java.io.File nullDevice() {
        return new java.io.File(System.getProperty("os.name").startsWith("Windows") ? "NUL" : "/dev/null");
    }

    String name() {
        return name;
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** SIGKILL (on Linux {@link Process#destroyForcibly()} sends SIGKILL): no shutdown hook runs. Waits for the end. */
    void kill() {
        process.destroyForcibly();
        waitForEnd(Duration.ofSeconds(30));
    }

    /** SIGTERM, then SIGKILL when the process has not ended within {@code grace}. */
    void stop(Duration grace) {
        process.destroy();
        if (!waitForEnd(grace)) {
            kill();
        }
    }

    private boolean waitForEnd(Duration timeout) {
        try {
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Waits for the process to end by itself and returns its exit code. */
    int awaitExit(Duration timeout) {
        await(name + " ends").atMost(timeout).pollInterval(Duration.ofMillis(200)).until(() -> !process.isAlive());
        return process.exitValue();
    }

    /**
     * Waits until {@code pattern} matches a line of the process's stdout or stderr and returns its first group;
     * fails early when the process ends first.
     */
    String awaitLine(Pattern pattern, Duration timeout) {
        AtomicReference<String> found = new AtomicReference<>();
        await(name + " prints /" + pattern + "/").atMost(timeout).pollInterval(Duration.ofMillis(200)).until(() -> {
            for (Path file : List.of(out, err)) {
                for (String line : lines(file)) {
                    Matcher m = pattern.matcher(line);
                    if (m.find()) {
                        found.set(m.groupCount() > 0 ? m.group(1) : line);
                        return true;
                    }
                }
            }
            if (!process.isAlive()) {
                throw new AssertionError(name + " ended with exit code " + process.exitValue() + " before printing /" + pattern + "/");
            }
            return false;
        });
        return found.get();
    }

    /** The lines of stdout and stderr so far. */
    List<String> outputLines() {
        List<String> all = new java.util.ArrayList<>(lines(out));
        all.addAll(lines(err));
        return all;
    }

    private static List<String> lines(Path file) {
        try {
            return Files.exists(file) ? Files.readAllLines(file, StandardCharsets.UTF_8) : List.of();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (RuntimeException malformed) {
            // a line cut in the middle of a multi-byte character while the child writes: read again next time
            return List.of();
        }
    }

    /** Prints the command, the state and the last {@code maxLines} lines of stdout and stderr. */
    void dump(PrintStream to, int maxLines) {
        to.printf("==== %s (pid %d, %s): %s%n", name, process.pid(),
                process.isAlive() ? "running" : "exit " + process.exitValue(), String.join(" ", command));
        for (Path file : List.of(out, err)) {
            List<String> lines = lines(file);
            to.printf("---- %s (%d lines%s)%n", file, lines.size(), lines.size() > maxLines ? ", last " + maxLines : "");
            lines.subList(Math.max(0, lines.size() - maxLines), lines.size()).forEach(to::println);
        }
    }

    @Override
    public String toString() {
        return name + "(pid " + process.pid() + ")";
    }
}
