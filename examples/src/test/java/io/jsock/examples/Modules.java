package io.jsock.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * jsock's modules as this build made them, found on the test's class path (Maven puts a module's
 * jar there once it is packaged, its target/classes before), and child JVMs that run on them.
 */
final class Modules {
    private Modules() {}

    /** What a child JVM left. */
    record Run(int exit, String out, String err) {}

    /** The class-path entry of the artifact {@code jsock-NAME} (its jar or its classes), or of this module's classes. */
    static Path entry(String artifact) {
        for (String e : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            Path p = Path.of(e);
            String file = p.getFileName().toString();
            if (file.startsWith(artifact + "-") && file.endsWith(".jar")) return p;
            if (file.equals("classes") && p.getParent().getParent().getFileName().toString().equals(artifact.substring(6))) return p;
        }
        throw new AssertionError(artifact + " is not on the test class path: " + System.getProperty("java.class.path"));
    }

    /** The packaged jar of {@code jsock-NAME}, or empty when this build has not packaged it (mvn test). */
    static Optional<Path> jar(String artifact) {
        Path p = entry(artifact);
        return p.toString().endsWith(".jar") ? Optional.of(p) : Optional.empty();
    }

    /** The module path a user would give: socket, server and the examples, nothing else. */
    static String modulePath() {
        List<String> path = new ArrayList<>();
        for (String a : List.of("jsock-socket", "jsock-server", "jsock-examples")) path.add(entry(a).toString());
        return String.join(java.io.File.pathSeparator, path);
    }

    /** {@code java --enable-native-access=io.jsock.socket -p PATH -m io.jsock.examples/io.jsock.examples.MAIN ARGS}. */
    static Run runExample(String main, String... args) throws IOException, InterruptedException {
        List<String> argv = new ArrayList<>(List.of(tool("java"), "--enable-native-access=io.jsock.socket",
                "-Djsock.aot=off", // no AOT training run for the process model's children: one JVM less
                "-p", modulePath(), "-m", "io.jsock.examples/io.jsock.examples." + main));
        argv.addAll(Arrays.asList(args));
        return run(argv);
    }

    /** Runs {@code argv} to its end (killed after two minutes: a test failure, not a hang). */
    static Run run(List<String> argv) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(argv).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        try {
            CompletableFuture<String> out = read(p.getInputStream()), err = read(p.getErrorStream());
            assertThat(p.waitFor(2, TimeUnit.MINUTES)).as("%s finished", argv).isTrue();
            return new Run(p.exitValue(), out.join(), err.join());
        } finally {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            p.waitFor();
        }
    }

    /** A tool of the JDK running this test: java, jar. */
    static String tool(String name) {
        Path t = Path.of(System.getProperty("java.home"), "bin", name);
        assertThat(Files.isExecutable(t)).as("%s in this JDK", t).isTrue();
        return t.toString();
    }

    private static CompletableFuture<String> read(java.io.InputStream in) {
        return CompletableFuture.supplyAsync(() -> {
            try (in) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "(unreadable: " + e + ")";
            }
        });
    }
}
