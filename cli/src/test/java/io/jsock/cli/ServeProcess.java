package io.jsock.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.jsock.server.Endpoint;
import io.jsock.socket.SockAddr;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A running {@code jsock serve ...} in a process of its own (this JVM's java and class path), so that
 * signals, the exit status and the descriptor limit are its own. Closing it kills it if it still runs.
 */
final class ServeProcess implements AutoCloseable {
    /** A stream endpoint's line ends {@code (model M, backlog N)}; a datagram one's {@code (model M)} or {@code (model M, 8 workers)}. */
    static final Pattern LISTENING = Pattern.compile("listening on (\\S+) \\(model ([^,)\\s]+)(?:, backlog (\\d+))?[^)]*\\)");

    final Process process;
    /** Every line it wrote on standard error so far. */
    final List<String> err = new CopyOnWriteArrayList<>();
    private final Thread reader;
    private Matcher listening;

    private ServeProcess(List<String> argv) throws IOException {
        process = new ProcessBuilder(argv).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        reader = Thread.ofVirtual().name("test-serve-stderr").start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) err.add(line);
            } catch (IOException ended) {
                // the process is gone
            }
        });
    }

    /** Starts {@code jsock ARGS} and waits (at most 60 s) for its listening line. */
    static ServeProcess start(String... args) throws Exception {
        return start(List.of(), args);
    }

    /** As {@link #start(String...)}, the java command behind {@code prefix} (e.g. prlimit --nofile=N:N --). */
    static ServeProcess start(List<String> prefix, String... args) throws Exception {
        List<String> argv = new ArrayList<>(prefix);
        argv.addAll(JsockProcess.command(List.of(), args));
        int cp = argv.indexOf("-cp");
        argv.set(cp + 1, TestJar.classPath()); // as ./jsock runs it: classes in a jar, not a file per class
        ServeProcess p = new ServeProcess(argv);
        boolean success = false;
        try {
            String line = p.awaitLine(l -> LISTENING.matcher(l).find());
            p.listening = LISTENING.matcher(line);
            assertThat(p.listening.find()).isTrue();
            success = true;
            return p;
        } finally {
            if (!success) p.close();
        }
    }

    /**
     * Starts {@code PREFIX java ... jsock ARGS} without waiting for anything: for jsock under a program
     * that starts it later (systemd-socket-activate, at the first connection) or not at all.
     */
    static ServeProcess spawn(List<String> prefix, String... args) throws IOException {
        List<String> argv = new ArrayList<>(prefix);
        argv.addAll(JsockProcess.command(List.of(), args));
        int cp = argv.indexOf("-cp");
        argv.set(cp + 1, TestJar.classPath());
        return new ServeProcess(argv);
    }

    /** The address from the listening line (with the port the kernel chose). */
    SockAddr address() {
        return Endpoint.parse(listening.group(1)).address(); // udp:127.0.0.1:7 too
    }

    int port() {
        return address().port();
    }

    long pid() {
        return process.pid();
    }

    /** The first line matching, waiting for it at most 60 s (a hang guard); fails the test otherwise. */
    String awaitLine(Predicate<String> wanted) throws InterruptedException {
        for (int i = 0; i < 6000; i++) {
            for (String l : err) {
                if (wanted.test(l)) return l;
            }
            if (!process.isAlive() && !reader.isAlive()) break;
            Thread.sleep(10);
        }
        for (String l : err) {
            if (wanted.test(l)) return l;
        }
        throw new AssertionError("no such line from jsock (alive: " + process.isAlive() + "); it wrote: " + err);
    }

    /** Sends a signal by name (TERM, INT, ...) with kill(1). */
    void signal(String name) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(pid())).inheritIO().start();
        assertThat(kill.waitFor(10, TimeUnit.SECONDS) && kill.exitValue() == 0).as("kill -" + name).isTrue();
    }

    /** Waits (at most 60 s: a hang guard) for the exit; returns its status. */
    int awaitExit() throws Exception {
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("jsock serve exited; it wrote: %s", err).isTrue();
        reader.join(10_000);
        return process.exitValue();
    }

    /** Descriptors open in the server process now (/proc/PID/fd). */
    long descriptors() throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc", Long.toString(pid()), "fd"))) {
            return fds.count();
        }
    }

    /** Socket descriptors open in the server process now. */
    long sockets() throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc", Long.toString(pid()), "fd"))) {
            return fds.filter(fd -> {
                try {
                    return Files.readSymbolicLink(fd).toString().startsWith("socket:");
                } catch (IOException gone) {
                    return false;
                }
            }).count();
        }
    }

    @Override
    public void close() throws Exception {
        if (process.isAlive()) {
            // Still running at close: the test failed or gave up on it. Its words are the evidence.
            System.err.println("jsock serve (pid " + pid() + ") still running at close; it wrote:");
            err.forEach(l -> System.err.println("  " + l));
            process.descendants().forEach(d -> System.err.println("  descendant " + d.pid() + " "
                    + d.info().commandLine().orElse("?").replaceAll("(.{200}).+", "$1...")));
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
        reader.join(10_000);
    }
}
