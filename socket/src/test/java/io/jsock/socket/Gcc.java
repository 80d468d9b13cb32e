package io.jsock.socket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** Asks gcc how this machine lays out a C struct: compiles a small C program and runs it (the test is skipped without gcc). */
public final class Gcc {
    private Gcc() {}

    /**
     * Compiles {@code program} with gcc and runs it.
     *
     * @param program a C program printing what the test compares
     * @return its standard output
     * @throws IOException if the temporary files cannot be made
     * @throws InterruptedException if interrupted while waiting for gcc or the program
     */
    public static String run(String program) throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("jsock-gcc");
        try {
            Path source = Files.writeString(dir.resolve("layout.c"), program);
            Path binary = dir.resolve("layout");
            assumeTrue(exec(dir, "gcc", "-o", binary.toString(), source.toString()) != null, "skipped: gcc is not installed");
            return exec(dir, binary.toString());
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
            }
        }
    }

    /** Runs {@code command} in {@code dir}: its output, or null when it cannot start; fails the test on a non-zero exit. */
    private static String exec(Path dir, String... command) throws IOException, InterruptedException {
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
