package io.jsock.server.process;

import static org.assertj.core.api.Assertions.assertThat;

import io.jsock.server.Clients;
import io.jsock.server.Model;
import io.jsock.server.TcpServer;
import io.jsock.socket.Family;
import io.jsock.socket.Protocol;
import io.jsock.socket.SockAddr;
import io.jsock.socket.Socket;
import io.jsock.socket.SocketType;
import io.jsock.socket.process.ChildProcess;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * Nothing a server started outlives it: each child of the process model (and of a prefork worker)
 * leads a process group, grace expiry signals the whole group, a clean stop ends the groups children
 * left behind, and a prefork worker's children die with it. Each test finds the processes of its
 * connection by their environment (TCPREMOTEPORT is the client's port) in /proc.
 */
class ProcessGroupsTest {
    private static final Duration WAIT = Duration.ofSeconds(30); // hang guards, not measurements

    /** Live (not zombie) processes whose environment says they serve the client at {@code port}. */
    static List<Long> serving(int port) {
        byte[] marker = ("TCPREMOTEPORT=" + port + "\0").getBytes(StandardCharsets.US_ASCII);
        List<Long> found = new ArrayList<>();
        try (DirectoryStream<Path> proc = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
            for (Path p : proc) {
                try {
                    String stat = Files.readString(p.resolve("stat"));
                    if (stat.charAt(stat.lastIndexOf(')') + 2) == 'Z') continue;
                    byte[] env = Files.readAllBytes(p.resolve("environ"));
                    if (holds(env, marker)) found.add(Long.parseLong(p.getFileName().toString()));
                } catch (IOException | RuntimeException gone) {
                    // exited while we looked
                }
            }
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        return found;
    }

    private static boolean holds(byte[] env, byte[] entry) {
        outer:
        for (int i = 0; i + entry.length <= env.length; i++) {
            if (i > 0 && env[i - 1] != 0) continue; // entries start after a NUL
            for (int j = 0; j < entry.length; j++) {
                if (env[i + j] != entry[j]) continue outer;
            }
            return true;
        }
        return false;
    }

    /** Waits (bounded) until {@code n} or more processes serve the client; returns them. */
    static List<Long> awaitServing(int port, int n) throws InterruptedException {
        List<Long> now = serving(port);
        for (int i = 0; i < 3000 && now.size() < n; i++) {
            Thread.sleep(10);
            now = serving(port);
        }
        assertThat(now).as("processes serving port %d", port).hasSizeGreaterThanOrEqualTo(n);
        return now;
    }

    /** Waits (bounded) until no process serves the client (init may take a moment to reap what was killed). */
    static List<Long> awaitNoneServing(int port) throws InterruptedException {
        List<Long> now = serving(port);
        for (int i = 0; i < 500 && !now.isEmpty(); i++) {
            Thread.sleep(10);
            now = serving(port);
        }
        return now;
    }

    private static Socket client(TcpServer s) throws IOException {
        Socket c = Clients.connect(s.localAddress());
        c.setTimeout(WAIT);
        return c;
    }

    private static int port(Socket c) throws IOException {
        return c.getsockname().port();
    }

    private static String line(Socket c) throws IOException {
        StringBuilder b = new StringBuilder();
        ByteBuffer one = ByteBuffer.allocate(1);
        while (c.read(one.clear()) == 1 && one.get(0) != '\n') b.append((char) one.get(0));
        return b.toString();
    }

    @Test
    void graceExpirySignalsTheWholeGroupSoTheShellsSleepGoesToo() throws Exception {
        Queue<String> log = new ConcurrentLinkedQueue<>();
        int port;
        try (TcpServer s = TcpServer.builder().bind("127.0.0.1:0").model(Model.PROCESS).grace(Duration.ofMillis(300)).log(log::add)
                .command(List.of("sh", "-c", "echo up; sleep 31; true")).start(); Socket c = client(s)) {
            port = port(c);
            assertThat(line(c)).isEqualTo("up");
            assertThat(awaitServing(port, 2)).as("sh and its sleep").hasSize(2);
            s.close();
            assertThat(awaitNoneServing(port)).as("left after the stop").isEmpty();
        }
        assertThat(log).anyMatch(l -> l.contains("closed after") && l.contains("killed by SIGTERM"));
    }

    @Test
    void aClientStillTransferringWhenTheGraceEndsLosesTheShellAndItsCat() throws Exception {
        stillTransferringWhenTheGraceEnds(Model.PROCESS);
    }

    @Test
    void aPreforkClientStillTransferringWhenTheGraceEndsLosesTheShellAndItsCat() throws Exception {
        stillTransferringWhenTheGraceEnds(Model.prefork(1));
    }

    /** A clean stop whose grace ends while {@code sh -c '...; cat'} still serves: sh and its cat are gone when close() returns. */
    private static void stillTransferringWhenTheGraceEnds(Model model) throws Exception {
        int port;
        AtomicBoolean ended = new AtomicBoolean();
        try (TcpServer s = TcpServer.builder().bind("127.0.0.1:0").model(model).grace(Duration.ofSeconds(1))
                .command(List.of("sh", "-c", "echo \"hello $TCPREMOTEIP\"; cat")).start(); Socket c = client(s)) {
            port = port(c);
            assertThat(line(c)).isEqualTo("hello 127.0.0.1");
            Thread talker = Thread.ofVirtual().start(() -> {
                try {
                    for (int i = 0; i < 3000; i++) { // bounded: at most 300 s of a byte every 100 ms
                        Clients.echoByte(c, (byte) 'x');
                        Thread.sleep(100);
                    }
                } catch (IOException | InterruptedException e) {
                    ended.set(true);
                }
            });
            awaitServing(port, 2);
            s.close(); // grace 1 s, then the group's SIGTERM
            assertThat(serving(port)).as("processes of the connection when close() returned").isEmpty();
            talker.join(WAIT);
            assertThat(ended).as("the client's transfer ended").isTrue();
        }
    }

    @Test
    void aCleanStopEndsWhatAnExitedChildLeftRunning() throws Exception {
        Queue<String> log = new ConcurrentLinkedQueue<>();
        int port;
        try (TcpServer s = TcpServer.builder().bind("127.0.0.1:0").model(Model.PROCESS).grace(Duration.ofSeconds(1)).log(log::add)
                .command(List.of("sh", "-c", "sleep 31 >/dev/null & echo started")).start(); Socket c = client(s)) {
            port = port(c);
            assertThat(line(c)).isEqualTo("started");
            Clients.waitFor(() -> log.stream().anyMatch(l -> l.contains("closed after"))); // sh exited; its sleep runs on
            assertThat(serving(port)).as("the background sleep").hasSize(1);
            s.close();
            assertThat(awaitNoneServing(port)).isEmpty();
        }
        assertThat(log).anyMatch(l -> l.startsWith("ending 1 process group(s) left by children that exited"));
    }

    /**
     * The process model's server killed with SIGKILL (it cannot end anything itself): its child and
     * the child's own child go with it. The server here is a worker JVM run by hand on a listener of
     * this test, serving {@code sh -c 'echo hello; cat'} with no parent watching over it; the kernel's
     * parent-death signal and the helper's guardian (ChildProcess.Builder.dieWithParent) are all
     * that end them.
     */
    @Test
    void aProcessServerKilledWithSigkillTakesItsChildrenAndTheirChildren() throws Exception {
        try (Socket l = Socket.open(Family.INET, SocketType.STREAM, Protocol.DEFAULT)) {
            l.bind(SockAddr.parse("127.0.0.1:0"));
            l.listen(4);
            ChildProcess server = ChildProcess.builder(ChildJvm.command("worker", "--", "sh", "-c", "echo hello; cat"))
                    .devNull(0).devNull(1).descriptor(PreforkWorker.LISTENER_FD, l).start();
            try (Socket c = Clients.connect(l.getsockname())) {
                c.setTimeout(WAIT);
                int port = port(c);
                assertThat(line(c)).isEqualTo("hello");
                List<Long> procs = awaitServing(port, 2);
                assertThat(procs).as("sh and its cat").hasSize(2);
                server.kill(); // SIGKILL
                assertThat(server.waitFor(WAIT)).as("the server's end").hasToString("killed by SIGKILL");
                assertThat(awaitNoneServing(port)).as("left after the server was killed").isEmpty();
                try {
                    assertThat(c.read(ByteBuffer.allocate(16))).as("the client sees its connection end").isEqualTo(-1);
                } catch (IOException reset) {
                    // also an end
                }
            } finally {
                server.kill();
            }
        }
    }

    @Test
    void aPreforkWorkersChildrenDieWithItWhenItIsKilled() throws Exception {
        int port;
        try (TcpServer s = TcpServer.builder().bind("127.0.0.1:0").model(Model.prefork(1)).grace(Duration.ofSeconds(2))
                .command(List.of("sh", "-c", "echo hello; cat")).start(); Socket c = client(s)) {
            port = port(c);
            assertThat(line(c)).isEqualTo("hello");
            List<Long> procs = awaitServing(port, 2);
            long worker = procs.stream().map(p -> ProcessHandle.of(p).flatMap(ProcessHandle::parent).map(ProcessHandle::pid).orElse(-1L))
                    .filter(pp -> ProcessHandle.current().children().anyMatch(ch -> ch.pid() == pp)).findFirst().orElseThrow();
            ProcessHandle w = ProcessHandle.of(worker).orElseThrow();
            assertThat(w.parent().map(ProcessHandle::pid)).as("a worker of this server").contains(ProcessHandle.current().pid());
            w.destroyForcibly(); // SIGKILL: the worker cannot end its children itself
            assertThat(awaitNoneServing(port)).as("the dead worker's children").isEmpty();
            c.setTimeout(WAIT);
            try {
                assertThat(c.read(ByteBuffer.allocate(16))).as("the client sees its connection end").isEqualTo(-1);
            } catch (IOException reset) {
                // also an end
            }
        }
    }
}
