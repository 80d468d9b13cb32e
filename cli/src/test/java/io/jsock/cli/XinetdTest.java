package io.jsock.cli;

import static io.jsock.cli.Activated.echo;
import static io.jsock.cli.Activated.freePort;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.jsock.socket.SockAddr;
import io.jsock.socket.SocketType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * jsock serve --inetd under a real xinetd, started by the test in the foreground with deploy/'s
 * xinetd entry (its port and program made the test's), in both styles: nowait (xinetd accepts, one
 * jsock per connection) and wait (one jsock accepts on xinetd's listener). Stopped by their pids;
 * nothing is left running.
 */
class XinetdTest {
    static final Path XINETD = Path.of("/usr/sbin/xinetd");

    @TempDir
    Path dir;

    /** The repository's deploy/ folder (the tests run in the cli module's directory). */
    static Path deploy(String name) {
        return Path.of(System.getProperty("user.dir")).toAbsolutePath().getParent().resolve("deploy").resolve(name);
    }

    /** deploy/xinetd.d/jsock-echo with the test's port, wait style and program: java running this build's jsock. */
    private Path config(int port, boolean wait) throws IOException {
        List<String> java = JsockProcess.command(List.of());
        java.set(java.indexOf("-cp") + 1, TestJar.classPath());
        List<String> out = new ArrayList<>();
        Pattern attribute = Pattern.compile("^(\\s*)(\\w+)(\\s*)=\\s*(.*)$");
        for (String line : Files.readAllLines(deploy("xinetd.d/jsock-echo"))) {
            Matcher m = attribute.matcher(line);
            if (!m.matches()) {
                out.add(line);
                continue;
            }
            String value = switch (m.group(2)) {
                case "port" -> Integer.toString(port);
                case "wait" -> wait ? "yes" : "no";
                case "server" -> java.getFirst();
                case "server_args" -> String.join(" ", java.subList(1, java.size())) + " " + m.group(4); // java's flags, then the entry's own
                default -> m.group(4);
            };
            out.add(m.group(1) + m.group(2) + m.group(3) + "= " + value);
        }
        Path conf = dir.resolve("xinetd.conf");
        Files.write(conf, out);
        return conf;
    }

    private static void awaitAccepting(SockAddr at, Process xinetd) throws Exception {
        for (int i = 0; i < 600; i++) {
            assertThat(xinetd.isAlive()).as("xinetd runs").isTrue();
            if (!ServeLifecycleTest.refused(at)) return;
            Thread.sleep(50);
        }
        throw new AssertionError("xinetd does not accept on " + at);
    }

    private void run(boolean wait) throws Exception {
        assumeTrue(Files.isExecutable(XINETD), "needs xinetd (scripts/install-deps.sh installs it)");
        assumeTrue(new com.sun.security.auth.module.UnixSystem().getUid() == 0, "xinetd runs the entry as user nobody: needs root");
        int port = freePort(SockAddr.parse("127.0.0.1:0"), SocketType.STREAM);
        SockAddr at = SockAddr.parse("127.0.0.1:" + port);
        Process xinetd = new ProcessBuilder(XINETD.toString(), "-dontfork", "-f", config(port, wait).toString(),
                "-pidfile", dir.resolve("xinetd.pid").toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("xinetd.out").toFile()).start();
        List<ProcessHandle> started = new ArrayList<>();
        try {
            awaitAccepting(at, xinetd);
            assertThat(echo(at, SocketType.STREAM, "first\n")).isEqualTo("first\n");
            started.addAll(xinetd.descendants().toList());
            assertThat(echo(at, SocketType.STREAM, "second\n")).isEqualTo("second\n");
            started.addAll(xinetd.descendants().toList());
            if (wait) {
                // One jsock serves every connection from xinetd's listener: the same process both times.
                assertThat(started).hasSize(2);
                assertThat(started.get(0)).isEqualTo(started.get(1));
            }
        } finally {
            started.addAll(xinetd.descendants().toList());
            // xinetd 2.3.15 leaves a wait-style server running when it stops: jsock gets its SIGTERM from
            // us first (what a service manager stopping both would send), and ends in order.
            for (ProcessHandle p : started) terminate(p.pid());
            for (ProcessHandle p : started) p.onExit().get(60, TimeUnit.SECONDS);
            terminate(xinetd.pid());
            boolean exited = xinetd.waitFor(60, TimeUnit.SECONDS);
            if (!exited) {
                xinetd.destroyForcibly();
                xinetd.waitFor(30, TimeUnit.SECONDS);
            }
            assertThat(exited).as("xinetd stopped at SIGTERM; it wrote: %s", Files.readString(dir.resolve("xinetd.out"))).isTrue();
        }
        for (ProcessHandle p : started) assertThat(p.isAlive()).as("pid %d left running", p.pid()).isFalse();
        assertThat(xinetd.descendants()).isEmpty();
    }

    /** kill -TERM, by pid; a process already gone is fine. */
    private static void terminate(long pid) throws Exception {
        new ProcessBuilder("kill", "-TERM", Long.toString(pid)).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor(10, TimeUnit.SECONDS);
    }

    @Test
    void nowaitStyleRunsOneJsockPerConnection() throws Exception {
        run(false);
    }

    @Test
    void waitStyleRunsOneJsockServingFromTheListener() throws Exception {
        run(true);
    }
}
