package io.jsock.server.process;

import io.jsock.server.Clients;
import io.jsock.server.Connection;
import io.jsock.server.Handler;
import io.jsock.server.Model;
import io.jsock.server.Service;
import io.jsock.server.TcpServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jsock.socket.Errno;
import io.jsock.socket.ErrnoException;
import io.jsock.socket.Family;
import io.jsock.socket.Protocol;
import io.jsock.socket.Shutdown;
import io.jsock.socket.SockAddr;
import io.jsock.socket.Socket;
import io.jsock.socket.SocketType;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;

/** The {@code process} model: UNP 4.8's child per client, spawned, with the socket as its stdio; reaped; shut down in order. */
class ProcessPerClientTest {
    static final Duration TIMEOUT = Duration.ofSeconds(30);

    /** A handler a child JVM can build: echo until EOF. */
    public static final class Echo implements Handler {
        @Override
        public void serve(Connection c) throws IOException {
            ByteBuffer b = ByteBuffer.allocate(8192);
            while (c.socket().read(b.clear()) > 0) c.socket().writeFully(b.flip());
        }
    }

    static TcpServer.Builder server(String... command) {
        return TcpServer.builder().bind("127.0.0.1:0").model(Model.PROCESS).command(List.of(command))
                .grace(Duration.ofSeconds(2));
    }

    static Socket connect(TcpServer s) throws IOException {
        Socket c = Socket.open(Family.INET, SocketType.STREAM, Protocol.DEFAULT);
        c.setTimeout(TIMEOUT);
        c.connect(s.localAddress());
        return c;
    }

    /** Half-closes, then reads until the server's EOF. */
    static String exchange(TcpServer s, String send) throws IOException {
        try (Socket c = connect(s)) {
            c.writeFully(send.getBytes(StandardCharsets.UTF_8));
            c.shutdown(Shutdown.WRITE);
            return readAll(c);
        }
    }

    static String readAll(Socket c) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteBuffer b = ByteBuffer.allocate(8192);
        while (c.read(b.clear()) > 0) out.write(b.array(), 0, b.position());
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void theChildHoldsOnlyDescriptorsZeroOneAndTwo() throws Exception {
        try (TcpServer s = server("sh", "-c", "ls /proc/$$/fd").start()) {
            assertThat(exchange(s, "")).isEqualTo("0\n1\n2\n");
        }
    }

    @Test
    void theChildsEnvironmentFollowsUcspi() throws Exception {
        try (TcpServer s = server("env").start(); Socket c = connect(s)) {
            c.shutdown(Shutdown.WRITE);
            Map<String, String> env = new HashMap<>();
            for (String line : readAll(c).split("\n")) {
                int eq = line.indexOf('=');
                if (eq > 0) env.put(line.substring(0, eq), line.substring(eq + 1));
            }
            assertThat(env).containsEntry("PROTO", "TCP")
                    .containsEntry("TCPLOCALIP", "127.0.0.1")
                    .containsEntry("TCPLOCALPORT", Integer.toString(s.localAddress().port()))
                    .containsEntry("TCPREMOTEIP", "127.0.0.1")
                    .containsEntry("TCPREMOTEPORT", Integer.toString(c.getsockname().port()))
                    .containsEntry("PATH", System.getenv("PATH"));
        }
    }

    @Test
    void thePeerSeesEofWhenTheChildExitsNotWhenTheParentCloses() throws Exception {
        try (TcpServer s = server("sh", "-c", "read line; echo \"got $line\"").start(); Socket c = connect(s)) {
            // The child's descriptor 0 is the server's end of this connection: socket:[inode].
            // (Until posix_spawn's file actions have run, the child still has the JVM's descriptor 0.)
            ProcessHandle child = awaitOneChild();
            String link = awaitLink(Path.of("/proc", Long.toString(child.pid()), "fd", "0"), "socket:[");
            // The parent closed its connfd right after the spawn: no descriptor of ours names that socket ...
            awaitTrue(() -> !ourDescriptorLinks().contains(link), "the parent still holds " + link);
            // ... yet the connection is open (no EOF: nothing to read, not end of stream) ...
            assertThat(c.tryRead(ByteBuffer.allocate(16))).isEqualTo(Socket.UNAVAILABLE);
            // ... and bytes still flow through the child, whose exit then ends it.
            c.writeFully("hello\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(readAll(c)).isEqualTo("got hello\n");
        }
    }

    @Test
    void childrenAreReapedAndLeaveNoZombie() throws Exception {
        try (TcpServer s = server("true").start()) {
            for (int i = 0; i < 20; i++) assertThat(exchange(s, "")).isEmpty();
            awaitTrue(() -> s.activeConnections() == 0, "connections still held: their children were not reaped");
            assertThat(ourZombies()).isEmpty();
        }
    }

    @Test
    void aConnectionsSlotIsHeldUntilItsChildExits() throws Exception {
        try (TcpServer s = server("sh", "-c", "read x; echo \"served $x\"").maxConnections(1).start();
                Socket first = connect(s); Socket second = connect(s)) {
            // Both handshakes completed (connect returned); one child runs, the second client waits in the queue.
            awaitOneChild();
            second.writeFully("2\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(second.tryRead(ByteBuffer.allocate(16))).isEqualTo(Socket.UNAVAILABLE);
            assertThat(ProcessHandle.current().children().count()).isEqualTo(1);
            first.writeFully("1\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(readAll(first)).isEqualTo("served 1\n");
            assertThat(readAll(second)).isEqualTo("served 2\n"); // its child started once the first was reaped
        }
    }

    @Test
    void aCrashingChildDoesNotDisturbTheServer() throws Exception {
        ConcurrentLinkedQueue<String> log = new ConcurrentLinkedQueue<>();
        try (TcpServer s = server("sh", "-c", "read x; if [ \"$x\" = crash ]; then kill -SEGV $$; fi; echo \"ok $x\"")
                .log(log::add).start()) {
            assertThat(exchange(s, "crash\n")).isEmpty();
            assertThat(exchange(s, "fine\n")).isEqualTo("ok fine\n");
            awaitTrue(() -> s.activeConnections() == 0, "children not reaped");
            assertThat(log).anyMatch(l -> l.contains("closed") && l.contains("killed by SIGSEGV"));
            assertThat(log).anyMatch(l -> l.contains("closed") && l.contains("exit 0"));
        }
    }

    @Test
    void aJavaHandlerRunsInAChildJvmThatAdoptsDescriptorZero() throws Exception {
        ConcurrentLinkedQueue<String> log = new ConcurrentLinkedQueue<>();
        try (TcpServer s = TcpServer.builder().bind("127.0.0.1:0").model(Model.PROCESS).handler(new Echo())
                .log(log::add).start()) {
            byte[] data = new byte[100_000];
            new Random(7).nextBytes(data);
            try (Socket c = connect(s)) {
                assertThat(Clients.echo(c, data)).isEqualTo(data); // and end of stream after it
            }
            awaitTrue(() -> s.activeConnections() == 0, "child JVM not reaped");
            assertThat(log).anyMatch(l -> l.contains("closed") && l.contains("exit 0"));
        }
    }

    @Test
    void aServiceRunsInAChildJvm() throws Exception {
        try (TcpServer s = TcpServer.builder().bind("127.0.0.1:0").model(Model.PROCESS).handler(Service.ECHO).start()) {
            assertThat(exchange(s, "hello, child JVM\n")).isEqualTo("hello, child JVM\n");
        }
    }

    /** Not a handler a child JVM can build: it needs its outer instance. */
    class Inner implements Handler {
        @Override
        public void serve(Connection c) {}
    }

    @Test
    void aChildJvmNamesTheHandlerItBuilds() {
        assertThat(ChildJvm.handlerSpec(Service.ECHO)).isEqualTo("service:ECHO");
        assertThat(ChildJvm.handlerSpec(new Echo())).isEqualTo("class:io.jsock.server.process.ProcessPerClientTest$Echo");
        assertThat(ChildMain.handler("class:io.jsock.server.process.ProcessPerClientTest$Echo")).isInstanceOf(Echo.class);
        assertThat(ChildMain.handler("service:DISCARD")).isSameAs(Service.DISCARD);
        assertThatThrownBy(() -> ChildJvm.handlerSpec(new Inner())).hasMessageContaining("inner (non-static) class");
        assertThatThrownBy(() -> ChildJvm.handlerSpec(new Handler() {
            @Override
            public void serve(Connection c) {}
        })).hasMessageContaining("anonymous");
    }

    @Test
    void aLambdaHandlerIsRefusedAtStart() {
        assertThatThrownBy(() -> TcpServer.builder().bind("127.0.0.1:0").model(Model.PROCESS).handler(c -> { }).start())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("it is a lambda");
    }

    @Test
    void aMissingCommandFailsAtStartWithEnoent() {
        assertThatThrownBy(() -> server("jsock-no-such-command").start())
                .isInstanceOfSatisfying(ErrnoException.class, e -> assertThat(e.errno()).isEqualTo(Errno.ENOENT))
                .hasMessageContaining("jsock-no-such-command");
    }

    @Test
    void twoHundredConcurrentClientsThroughCatGetEveryByteBack() throws Exception {
        int clients = 200;
        try (TcpServer s = server("cat").backlog(256).start()) {
            SockAddr where = s.localAddress();
            List<Thread> threads = new ArrayList<>();
            ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
            Semaphore connecting = new Semaphore(64); // bounds the SYNs in flight, not the concurrency
            for (int i = 0; i < clients; i++) {
                int size = i == 0 ? 1 : ThreadLocalRandom.current().nextInt(1, 64 * 1024);
                threads.add(Thread.ofVirtual().start(() -> {
                    byte[] data = new byte[size];
                    ThreadLocalRandom.current().nextBytes(data);
                    try (Socket c = Socket.open(Family.INET, SocketType.STREAM, Protocol.DEFAULT)) {
                        c.setTimeout(Duration.ofSeconds(60));
                        connecting.acquire();
                        try {
                            c.connect(where);
                        } finally {
                            connecting.release();
                        }
                        Thread w = Thread.ofVirtual().start(() -> {
                            try {
                                c.writeFully(data);
                                c.shutdown(Shutdown.WRITE);
                            } catch (IOException e) {
                                failures.add(e);
                            }
                        });
                        byte[] back = new byte[size];
                        c.readFully(back);
                        w.join();
                        if (!java.util.Arrays.equals(back, data)) failures.add(new AssertionError("bytes differ"));
                        if (c.read(ByteBuffer.allocate(1)) != -1) failures.add(new AssertionError("no EOF"));
                    } catch (Throwable t) {
                        failures.add(t);
                    }
                }));
            }
            for (Thread t : threads) t.join(Duration.ofSeconds(120));
            assertThat(threads).allMatch(t -> !t.isAlive());
            assertThat(failures).isEmpty();
            awaitTrue(() -> s.activeConnections() == 0, "children not reaped");
            assertThat(ourZombies()).isEmpty();
        }
    }

    @Test
    void shutdownTerminatesThenKillsChildrenThatOutliveTheGracePeriod() throws Exception {
        ConcurrentLinkedQueue<String> log = new ConcurrentLinkedQueue<>();
        TcpServer s = server("sh", "-c", "read x; if [ \"$x\" = stubborn ]; then trap '' TERM; fi; echo ready; read y")
                .grace(Duration.ofMillis(200)).log(log::add).start();
        try (Socket polite = connect(s); Socket stubborn = connect(s)) {
            polite.writeFully("polite\n".getBytes(StandardCharsets.US_ASCII));
            stubborn.writeFully("stubborn\n".getBytes(StandardCharsets.US_ASCII));
            byte[] ready = new byte[6];
            polite.readFully(ready);
            stubborn.readFully(ready); // the trap is set: the TERM will be ignored
            assertThat(new String(ready, StandardCharsets.US_ASCII)).isEqualTo("ready\n");
            List<ProcessHandle> children = ProcessHandle.current().children().toList();
            assertThat(children).hasSize(2);
            s.close();
            for (ProcessHandle p : children) assertThat(p.isAlive()).isFalse();
            assertThat(log).anyMatch(l -> l.contains("killed by SIGTERM"));
            assertThat(log).anyMatch(l -> l.contains("killed by SIGKILL"));
            assertThat(s.activeConnections()).isZero();
            assertThat(readAll(polite)).isEmpty(); // EOF: the child's exit closed the connection
        }
    }

    // ---- helpers

    interface Check {
        boolean ok() throws Exception;
    }

    /** Polls up to 20 s; fails with {@code what} otherwise. Not a timing assertion: only a bound on waiting. */
    static void awaitTrue(Check check, String what) throws Exception {
        long until = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!check.ok()) {
            if (System.nanoTime() - until > 0) throw new AssertionError(what);
            Thread.sleep(10);
        }
    }

    static ProcessHandle awaitOneChild() throws Exception {
        awaitTrue(() -> ProcessHandle.current().children().count() == 1, "no child process");
        return ProcessHandle.current().children().findFirst().orElseThrow();
    }

    static String awaitLink(Path p, String prefix) throws Exception {
        String[] target = new String[1];
        awaitTrue(() -> {
            try {
                target[0] = Files.readSymbolicLink(p).toString();
                return target[0].startsWith(prefix);
            } catch (IOException e) {
                return false;
            }
        }, p + " does not become " + prefix + "...");
        return target[0];
    }

    static List<String> ourDescriptorLinks() throws IOException {
        List<String> links = new ArrayList<>();
        try (var fds = Files.list(Path.of("/proc/self/fd"))) {
            for (Path fd : fds.toList()) {
                try {
                    links.add(Files.readSymbolicLink(fd).toString());
                } catch (IOException gone) {
                    // closed while listing (the directory's own descriptor, for one)
                }
            }
        }
        return links;
    }

    /** Our children that are zombies (exited, not reaped). */
    static List<Long> ourZombies() throws IOException {
        List<Long> zombies = new ArrayList<>();
        for (ProcessHandle p : ProcessHandle.current().children().toList()) {
            try {
                String stat = Files.readString(Path.of("/proc", Long.toString(p.pid()), "stat"));
                if (stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z")) zombies.add(p.pid());
            } catch (IOException gone) {
                // reaped meanwhile
            }
        }
        return zombies;
    }
}
