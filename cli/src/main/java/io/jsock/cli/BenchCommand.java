package io.jsock.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code jsock bench}: runs the bench jar ({@code jsock-bench.jar}, built by the bench module) with
 * this JVM's java as a child process with this terminal, passing every argument through. The
 * benchmark carries Netty and the peer servers; the CLI jar must not, so it cannot link to it: it
 * starts it. The bench jar owns the options ({@code jsock bench --help} is its help). Nothing is
 * built here: a missing jar is one line saying how to build it (the ./jsock launcher builds it when
 * it is missing or stale).
 */
@Command(name = "bench",
        description = {
            "Benchmarks every jsock server model side by side with Netty, a JDK server, C and tcpserver.",
            "Each is compared with a C epoll server (ratios); options: jsock bench --help.",
        })
final class BenchCommand implements Callable<Integer> {
    static final String JAR = "jsock-bench.jar";

    @CommandLine.Unmatched
    List<String> args = new ArrayList<>();

    @Override
    public Integer call() throws IOException, InterruptedException {
        Path jar = locate(codeLocation());
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.add("--enable-native-access=ALL-UNNAMED"); // the bench jar runs on the class path
        command.add("-jar");
        command.add(jar.toString());
        command.addAll(args);
        Process p = new ProcessBuilder(command).inheritIO().start();
        try {
            return p.waitFor();
        } finally {
            // Interrupted (not by a signal to the group, which reaches the child too): do not leave it running.
            if (p.isAlive()) {
                p.destroy();
                p.waitFor();
            }
        }
    }

    /**
     * The bench jar for the jsock jar (or classes) at {@code from}: beside it, or in
     * {@code bench/target/} of the checkout holding it.
     *
     * @throws IOException when there is none, with one line saying how to build it
     */
    static Path locate(Path from) throws IOException {
        Path beside = from.resolveSibling(JAR);
        if (Files.isRegularFile(beside)) return beside;
        for (Path dir = from.getParent(); dir != null; dir = dir.getParent()) {
            Path built = dir.resolve("bench/target").resolve(JAR);
            if (Files.isRegularFile(built)) return built;
            if (Files.isRegularFile(dir.resolve("bench/pom.xml"))) {
                throw new IOException("bench needs " + built + ", which is not built; build it with: mvn -pl bench -am package");
            }
        }
        throw new IOException("bench needs " + JAR + " beside " + from.getFileName()
                + " or in a jsock checkout; build it there with: mvn -pl bench -am package");
    }

    private static Path codeLocation() {
        try {
            return Path.of(BenchCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toAbsolutePath();
        } catch (Exception e) {
            return Path.of("").toAbsolutePath();
        }
    }
}
