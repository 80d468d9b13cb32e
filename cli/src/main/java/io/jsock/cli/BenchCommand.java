package io.jsock.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code jsock bench}: runs the bench jar (bench/target/jsock-bench.jar) as a child process with
 * this terminal, passing every argument through. The benchmark lives in the bench module, which
 * carries Netty and the peer servers; the CLI jar must not, so it cannot link to it: it starts it.
 * The bench jar owns the options ({@code jsock bench --help} is its help). Like the ./jsock
 * launcher, it builds the jar with Maven when the jar is missing or older than the sources.
 */
@Command(name = "bench",
        description = {
            "Benchmarks: every jsock server model side by side with Netty, a JDK virtual-thread server,",
            "a C epoll server and tcpserver; ratios against C. Options: jsock bench --help.",
        })
final class BenchCommand implements Callable<Integer> {
    @CommandLine.Unmatched
    List<String> args = new ArrayList<>();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException, InterruptedException {
        Path repo = repository();
        if (repo == null) {
            throw new IOException("bench needs a jsock checkout (the bench module and Maven): none found around " + codeLocation());
        }
        Path jar = repo.resolve("bench/target/jsock-bench.jar");
        if (stale(repo, jar)) build(repo);
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.add("--enable-native-access=ALL-UNNAMED");
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

    /** The checkout holding this jar (cli/target/jsock.jar), recognised by its bench module. */
    private static Path repository() {
        for (Path p = codeLocation(); p != null; p = p.getParent()) {
            if (Files.exists(p.resolve("bench/pom.xml")) && Files.exists(p.resolve("pom.xml"))) return p;
        }
        return null;
    }

    private static Path codeLocation() {
        try {
            return Path.of(BenchCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toAbsolutePath();
        } catch (Exception e) {
            return Path.of("").toAbsolutePath();
        }
    }

    /** Missing, or older than a source, pom or resource of a module it holds (the C server included). */
    static boolean stale(Path repo, Path jar) throws IOException {
        if (!Files.exists(jar)) return true;
        long built = Files.getLastModifiedTime(jar).toMillis();
        if (Files.getLastModifiedTime(repo.resolve("pom.xml")).toMillis() > built) return true;
        for (String module : List.of("socket", "server", "bench")) {
            Path dir = repo.resolve(module);
            if (!Files.isDirectory(dir)) continue;
            if (Files.getLastModifiedTime(dir.resolve("pom.xml")).toMillis() > built) return true;
            Path src = dir.resolve("src/main");
            if (!Files.isDirectory(src)) continue;
            try (Stream<Path> files = Files.walk(src)) {
                if (files.filter(Files::isRegularFile).anyMatch(f -> modified(f) > built)) return true;
            }
        }
        return false;
    }

    private static long modified(Path f) {
        try {
            return Files.getLastModifiedTime(f).toMillis();
        } catch (IOException e) {
            return Long.MAX_VALUE;
        }
    }

    private void build(Path repo) throws IOException, InterruptedException {
        Path log = Path.of(System.getProperty("java.io.tmpdir"), "jsock-bench-build.log");
        spec.commandLine().getErr().println("jsock: building bench/target/jsock-bench.jar ...");
        Process mvn;
        try {
            mvn = new ProcessBuilder("mvn", "-q", "-B", "-DskipTests", "-pl", "bench", "-am", "package")
                    .directory(repo.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        } catch (IOException e) {
            throw new IOException("bench/target/jsock-bench.jar is missing or stale and Maven (mvn) could not be run to build it: "
                    + e.getMessage());
        }
        if (mvn.waitFor() != 0) throw new IOException("building the bench jar failed; see " + log);
    }
}
