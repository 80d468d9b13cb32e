package io.jsock.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** {@code jsock} as a separate program (this JVM's java and class path): real standard streams, a real exit status. */
final class JsockProcess {
    private JsockProcess() {}

    /** What the program did. */
    record Run(int exit, byte[] out, String err) {
        String outText() {
            return new String(out, java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    /** Starts an argv; the caller owns the process (e.g. TestNetwork.start, which kills it on close). */
    @FunctionalInterface
    interface Starter {
        Process start(List<String> argv) throws IOException;
    }

    /** {@code java [jvmOptions] -cp CLASSPATH io.jsock.cli.Main ARGS}. */
    static List<String> command(List<String> jvmOptions, String... args) {
        List<String> argv = new ArrayList<>();
        argv.add(ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        argv.add("--enable-native-access=ALL-UNNAMED");
        argv.addAll(jvmOptions);
        argv.addAll(List.of("-cp", System.getProperty("java.class.path"), "io.jsock.cli.Main"));
        argv.addAll(List.of(args));
        return argv;
    }

    /** Runs {@code argv} with {@code stdin} then end of input; fails the test (not hangs) after 60 s. */
    static Run run(Starter starter, List<String> argv, byte[] stdin) throws Exception {
        Process p = starter.start(argv);
        try {
            CompletableFuture<byte[]> out = drain(p.getInputStream()), err = drain(p.getErrorStream());
            try (OutputStream in = p.getOutputStream()) {
                in.write(stdin);
            } catch (IOException exitedEarly) {
                // It stopped reading (it failed before reading its input): the exit status says why.
            }
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("jsock ended").isTrue(); // a hang guard
            return new Run(p.exitValue(), out.get(10, TimeUnit.SECONDS),
                    new String(err.get(10, TimeUnit.SECONDS), java.nio.charset.StandardCharsets.UTF_8));
        } finally {
            if (p.isAlive()) {
                p.destroyForcibly();
                p.waitFor();
            }
        }
    }

    static Run run(List<String> argv, byte[] stdin) throws Exception {
        return run(a -> new ProcessBuilder(a).start(), argv, stdin);
    }

    private static CompletableFuture<byte[]> drain(InputStream s) {
        CompletableFuture<byte[]> f = new CompletableFuture<>();
        Thread.ofVirtual().name("test-drain").start(() -> {
            try (s) {
                f.complete(s.readAllBytes());
            } catch (IOException e) {
                f.completeExceptionally(e);
            }
        });
        return f;
    }
}
