package io.jsock.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.jsock.socket.Family;
import io.jsock.socket.Protocol;
import io.jsock.socket.SockAddr;
import io.jsock.socket.Socket;
import io.jsock.socket.SocketType;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** sd_notify(3): what jsock serve tells a service manager on NOTIFY_SOCKET, received on a Unix datagram socket of the test's own. */
class ServeNotifyTest {
    @TempDir
    Path dir;

    /** The service manager's end: a bound Unix datagram socket. */
    private static final class Manager implements AutoCloseable {
        final Socket socket;
        final Path path;
        final List<String> got = new ArrayList<>();

        Manager(Path path) throws IOException {
            this.path = path;
            socket = Socket.open(Family.LOCAL, SocketType.DGRAM, Protocol.DEFAULT);
            socket.bind(SockAddr.Local.path(path.toString()));
            socket.setTimeout(Duration.ofSeconds(60)); // a hang guard on each receive
        }

        /** Receives messages (at most 1000) until one equals {@code wanted}; all are kept in {@link #got}. */
        void await(String wanted) throws IOException {
            for (int i = 0; i < 1000; i++) {
                ByteBuffer b = ByteBuffer.allocate(4096);
                socket.recvfrom(b);
                String m = new String(b.array(), 0, b.position(), StandardCharsets.UTF_8);
                got.add(m);
                if (m.equals(wanted)) return;
            }
            throw new AssertionError("no " + wanted + " in " + got.stream().filter(g -> !g.equals("WATCHDOG=1")).toList()
                    + " (and WATCHDOG=1s)");
        }

        @Override
        public void close() {
            socket.close();
        }
    }

    @Test
    void readyStatusWatchdogAndStoppingComeInOrder() throws Exception {
        try (Manager m = new Manager(dir.resolve("notify"));
             ServeProcess s = ServeProcess.start(List.of("env", "NOTIFY_SOCKET=" + m.path, "WATCHDOG_USEC=200000"),
                     "serve", "echo", "--bind", "127.0.0.1:0")) {
            m.await("READY=1");
            assertThat(m.got).containsExactly("READY=1"); // the first word: start-up is over
            m.await("STATUS=serving; 0 connection(s)");
            try (Socket c = ServeLifecycleTest.connect(s.address())) {
                assertThat(ServeLifecycleTest.echoByte(c, (byte) 'x')).isEqualTo((byte) 'x'); // being served, and held open
                m.await("STATUS=serving; 1 connection(s)");
            }
            m.await("STATUS=serving; 0 connection(s)");
            s.signal("TERM");
            m.await("STOPPING=1");
            assertThat(s.awaitExit()).isZero();
            assertThat(m.got).as("WATCHDOG=1 every 100 ms (half of WATCHDOG_USEC) while serving").contains("WATCHDOG=1");
            assertThat(m.got).filteredOn(g -> !g.equals("WATCHDOG=1")).containsExactly("READY=1",
                    "STATUS=serving; 0 connection(s)", "STATUS=serving; 1 connection(s)", "STATUS=serving; 0 connection(s)", "STOPPING=1");
        }
    }

    @Test
    void preforkIsReadyOnceEveryWorkerAccepts() throws Exception {
        try (Manager m = new Manager(dir.resolve("notify"));
             ServeProcess s = ServeProcess.start(List.of("env", "NOTIFY_SOCKET=" + m.path), "serve", "echo", "--bind", "127.0.0.1:0", "--model", "prefork:2")) {
            m.await("READY=1");
            // At READY=1 each worker JVM runs its accept thread already (the kernel names threads after Java's).
            List<ProcessHandle> workers = s.process.descendants()
                    .filter(p -> p.info().commandLine().orElse("").contains(" worker ")).toList();
            assertThat(workers).hasSize(2);
            for (ProcessHandle w : workers) assertThat(threadNames(w.pid())).as("threads of worker %d", w.pid()).contains("jsock-accept");
            m.await("STATUS=serving (the workers count their connections)");
            s.signal("TERM");
            m.await("STOPPING=1");
            assertThat(s.awaitExit()).isZero();
        }
    }

    private static List<String> threadNames(long pid) throws IOException {
        try (var tasks = java.nio.file.Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            List<String> names = new ArrayList<>();
            for (Path t : (Iterable<Path>) tasks::iterator) {
                try {
                    names.add(java.nio.file.Files.readString(t.resolve("comm")).strip());
                } catch (IOException threadEnded) {
                    // gone between the listing and the read
                }
            }
            return names;
        }
    }

    @Test
    void aWatchdogForAnotherProcessIsNotPinged() throws Exception {
        try (Manager m = new Manager(dir.resolve("notify"));
             ServeProcess s = ServeProcess.start(List.of("env", "NOTIFY_SOCKET=" + m.path, "WATCHDOG_USEC=200000", "WATCHDOG_PID=1"),
                     "serve", "echo", "--bind", "127.0.0.1:0")) {
            m.await("READY=1");
            Thread.sleep(500); // several watchdog intervals, were it ours: the ping would be there by now
            s.signal("TERM");
            m.await("STOPPING=1");
            assertThat(s.awaitExit()).isZero();
            assertThat(m.got).doesNotContain("WATCHDOG=1");
        }
    }

    @Test
    void programsRunPerConnectionDoNotSpeakToTheServiceManager() throws Exception {
        try (Manager m = new Manager(dir.resolve("notify"));
             ServeProcess s = ServeProcess.start(List.of("env", "NOTIFY_SOCKET=" + m.path, "WATCHDOG_USEC=60000000"),
                     "serve", "exec", "--bind", "127.0.0.1:0", "--", "sh", "-c", "env | grep -c '^NOTIFY_SOCKET=\\|^WATCHDOG_' || true")) {
            m.await("READY=1");
            assertThat(Activated.echo(s.address(), SocketType.STREAM, "")).isEqualTo("0\n");
            s.signal("TERM");
            assertThat(s.awaitExit()).isZero();
        }
    }
}
