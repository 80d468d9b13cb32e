package io.jsock.socket;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** Test support: a C program compiled with gcc and run, for the struct layout tests that ask gcc what the C side is. */
public final class CProgram {
    private CProgram() {}

    /**
     * Compiles {@code source} with gcc in a temporary directory, runs it and removes the directory.
     *
     * @return its standard output, or {@code null} when gcc is not installed (the caller skips)
     */
    public static String output(String name, String source) throws Exception {
        Path dir = Files.createTempDirectory("jsock-" + name);
        try {
            Path c = Files.writeString(dir.resolve(name + ".c"), source);
            Path program = dir.resolve(name);
            if (run(dir, "gcc", "-o", program.toString(), c.toString()) == null) return null;
            return run(dir, program.toString());
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
