package io.jsock.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jsock.server.Endpoint;
import io.jsock.socket.Errno;
import io.jsock.socket.Family;
import io.jsock.socket.Message;
import io.jsock.socket.Protocol;
import io.jsock.socket.SockAddr;
import io.jsock.socket.SockOpt;
import io.jsock.socket.Socket;
import io.jsock.socket.SocketType;
import io.jsock.socket.SyscallFailure;
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
            String stored = "FDSTORE=1\nFDNAME=jsock-bind.127.0.0.1_" + s.port();
            assertThat(m.got).containsExactly(stored, "READY=1"); // the listener stored, then start-up is over
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
            assertThat(m.got).filteredOn(g -> !g.equals("WATCHDOG=1")).containsExactly(stored, "READY=1",
                    "STATUS=serving; 0 connection(s)", "STATUS=serving; 1 connection(s)", "STATUS=serving; 0 connection(s)", "STOPPING=1");
        }
    }

    @Test
    void theListenerGoesToTheFdStoreBeforeReady() throws Exception {
        try (Manager m = new Manager(dir.resolve("notify"));
             ServeProcess s = ServeProcess.start(List.of("env", "NOTIFY_SOCKET=" + m.path), "serve", "echo", "--bind", "127.0.0.1:0",
                     "--bind", "[::1]:0", "--bind", dir.resolve("echo.sock").toString())) {
            List<SockAddr> stored = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                ByteBuffer b = ByteBuffer.allocate(4096);
                Message got = m.socket.recvmsg(b, 253);
                assertThat(got.rights()).hasSize(1);
                try (Socket listener = got.rights().getFirst().adopt()) {
                    // systemd's copy is the served listener itself: the same address, listening
                    assertThat(listener.getOption(SockOpt.SO_ACCEPTCONN)).isTrue();
                    stored.add(listener.getsockname());
                    assertThat(new String(b.array(), 0, got.length(), StandardCharsets.US_ASCII))
                            .isEqualTo("FDSTORE=1\nFDNAME=" + FdStore.name(Endpoint.stream(listener.getsockname())));
                }
            }
            assertThat(stored.getFirst()).isEqualTo(s.address());
            assertThat(stored.get(1).toString()).startsWith("[::1]:");
            m.await("READY=1"); // and the Unix socket is not stored: its file goes at a clean stop
            assertThat(m.got).containsExactly("READY=1");
            s.signal("TERM");
            m.await("STOPPING=1");
            assertThat(s.awaitExit()).isZero();
        }
    }

    /**
     * A restart of the unit as systemd makes it: the stored listeners come back as LISTEN_FDS named
     * jsock-bind.ADDRESS (systemd-socket-activate plays the manager's part); the one for --bind serves it,
     * the one for an endpoint no longer asked for is closed and removed from the store.
     */
    @Test
    void listenersBackFromTheStoreServeTheirBindAndTheOthersAreRemoved() throws Exception {
        Activated.assumeSocketActivate();
        int kept = Activated.freePort(SockAddr.parse("127.0.0.1:0"), SocketType.STREAM);
        int gone = Activated.freePort(SockAddr.parse("127.0.0.1:0"), SocketType.STREAM);
        String keptName = "jsock-bind.127.0.0.1_" + kept, goneName = "jsock-bind.127.0.0.1_" + gone;
        try (Manager m = new Manager(dir.resolve("notify"));
             ServeProcess s = ServeProcess.spawn(List.of(Activated.SOCKET_ACTIVATE, "-E", "NOTIFY_SOCKET=" + m.path,
                     "-l", "127.0.0.1:" + kept, "-l", "127.0.0.1:" + gone, "--fdname=" + keptName + ":" + goneName),
                     "serve", "echo", "--bind", "127.0.0.1:" + kept)) {
            s.awaitLine(l -> l.contains("as 4.")); // systemd-socket-activate has made both
            // jsock starts at the first connection, which waits in the kept listener's queue meanwhile
            assertThat(Activated.echo(SockAddr.parse("127.0.0.1:" + kept), SocketType.STREAM, "kept\n")).isEqualTo("kept\n");
            assertThat(s.awaitLine(l -> l.startsWith("listening on 127.0.0.1:" + kept)))
                    .endsWith("; kept by the fd store (fd 3 \"" + keptName + "\")");
            assertThat(s.awaitLine(l -> l.contains("fd 4 \"" + goneName + "\"")))
                    .endsWith("from the fd store is no --bind endpoint now: closed and removed from the store");
            m.await("READY=1");
            assertThat(m.got).containsExactly("FDSTOREREMOVE=1\nFDNAME=" + goneName, "FDSTORE=1\nFDNAME=" + keptName, "READY=1");
            try (Socket c = Socket.open(Family.INET, SocketType.STREAM, Protocol.DEFAULT)) {
                assertThatThrownBy(() -> c.connect(SockAddr.parse("127.0.0.1:" + gone)))
                        .satisfies(e -> assertThat(((SyscallFailure) e).errno()).isEqualTo(Errno.ECONNREFUSED));
            }
            assertThat(s.err).noneMatch(l -> l.contains("EADDRINUSE"));
            s.signal("TERM");
            assertThat(s.awaitExit()).isZero();
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
