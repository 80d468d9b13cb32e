package io.jsock.socket.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** Compiles a C program with gcc and runs it: how the layout tests ask for offsetof and sizeof on this machine. */
final class Gcc {
    private Gcc() {}

    /** The output of {@code source} compiled and run; the test is skipped when gcc is not installed. */
    static String output(String source) throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("jsock-gcc");
        try {
            Path c = Files.writeString(dir.resolve("program.c"), source);
            Path exe = dir.resolve("program");
            assumeTrue(run(dir, "gcc", "-o", exe.toString(), c.toString()) != null, "skipped: gcc is not installed");
            return run(dir, exe.toString());
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
            }
        }
    }

    /** Runs {@code command} in {@code dir}: its output, or null when it cannot start; fails the test on a non-zero exit. */
    private static String run(Path dir, String... command) throws IOException, InterruptedException {
        Process p;
        try {
            p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        } catch (IOException notInstalled) {
            return null;
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as(String.join(" ", command) + " ends").isTrue();
        assertThat(p.exitValue()).as(String.join(" ", command) + ": " + out).isZero();
        return out;
    }
}
