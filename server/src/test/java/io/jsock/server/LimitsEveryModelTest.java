package io.jsock.server;

import static io.jsock.server.Clients.connect;
import static io.jsock.server.Clients.echoByte;
import static org.assertj.core.api.Assertions.assertThat;

import io.jsock.socket.Errno;
import io.jsock.socket.Family;
import io.jsock.socket.Protocol;
import io.jsock.socket.SockAddr;
import io.jsock.socket.Socket;
import io.jsock.socket.SocketType;
import io.jsock.socket.SyscallFailure;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Admission (allow/deny, max per source, rate) and the timeouts (idle, deadline), in every model that
 * can serve them; the slowloris drill. Prefork workers' lines reach the server's log as theirs
 * ({@code worker PID: ...}), so they are checked in every model.
 */
class LimitsEveryModelTest {
    private static final Duration CLIENT_WAIT = Duration.ofSeconds(30); // a hang guard on every read, not a measurement

    static Stream<String> models() {
        return Stream.of("iterative", "thread", "virtual", "pool:8", "epoll:1", "epoll:2", "uring:1", "uring:2", "process", "prefork:1");
    }

    /** The models that serve several clients at once (iterative serves one: it cannot hold two from a source). */
    static Stream<String> concurrentModels() {
        return models().filter(m -> !m.equals("iterative"));
    }

    private static TcpServer.Builder server(String model, Queue<String> log) {
        return EveryModelTest.server(model).grace(Duration.ofSeconds(2)).log(log::add);
    }

    /** A client bound to {@code from} (127.0.0.2 is loopback too), connected to {@code to}. */
    private static Socket connectFrom(String from, SockAddr to) throws IOException {
        Socket c = Socket.open(Family.INET, SocketType.STREAM, Protocol.DEFAULT);
        try {
            c.setTimeout(CLIENT_WAIT);
            c.bind(SockAddr.parse(from + ":0"));
            c.connect(to);
            return c;
        } catch (IOException e) {
            c.close();
            throw e;
        }
    }

    /**
     * A client from {@code from} is reset without a byte: at connect (the server's RST came before
     * connect returned) or at its first read.
     */
    private static void assertRefused(String from, SockAddr to) throws IOException {
        Socket c;
        try {
            c = connectFrom(from, to);
        } catch (IOException e) {
            assertThat(errno(e)).isEqualTo(Errno.ECONNRESET);
            return;
        }
        try (c) {
            assertReset(c);
        }
    }

    /** The server reset the connection without a byte: the client's read says ECONNRESET. */
    private static void assertReset(Socket c) throws IOException {
        c.setTimeout(CLIENT_WAIT);
        try {
            int n = c.read(ByteBuffer.allocate(16));
            throw new AssertionError("expected a reset, read " + n);
        } catch (IOException e) {
            assertThat(errno(e)).isEqualTo(Errno.ECONNRESET);
        }
    }

    /** The server ended the connection: EOF, or a reset when it had unread input or a child was killed. */
    private static void assertEndedByServer(Socket c) throws IOException {
        c.setTimeout(CLIENT_WAIT);
        try {
            ByteBuffer b = ByteBuffer.allocate(4096);
            int n;
            while ((n = c.read(b)) > 0) b.clear(); // anything the service sent before it ended
            assertThat(n).isEqualTo(-1);
        } catch (IOException e) {
            assertThat(errno(e)).isIn(Errno.ECONNRESET, Errno.EPIPE);
        }
    }

    /** A new client is served within a bounded number of tries (a closed line may still be on its way). */
    private static void assertServedSoon(SockAddr to) throws Exception {
        for (int i = 0; i < 100; i++) {
            try (Socket c = connect(to)) {
                c.setTimeout(CLIENT_WAIT);
                if (echoByte(c, (byte) 42) == 42) return;
            } catch (IOException refused) {
                Thread.sleep(50); // refused still: its source's count not yet given back
            }
        }
        throw new AssertionError("no client was served in 100 tries");
    }

    private static Errno errno(IOException e) {
        if (e instanceof SyscallFailure f) return f.errno();
        throw new AssertionError("not a failing call: " + e, e);
    }

    @ParameterizedTest
    @MethodSource("models")
    void aDeniedSourceIsResetBeforeAnyByteAndAnAllowedOneIsServed(String model) throws Exception {
        Queue<String> log = new ConcurrentLinkedQueue<>();
        Admission rules = Admission.builder().deny(Cidr.parse("127.0.0.2")).build();
        try (TcpServer s = server(model, log).admission(rules).start()) {
            assertRefused("127.0.0.2", s.localAddress());
            try (Socket allowed = connectFrom("127.0.0.1", s.localAddress())) {
                assertThat(echoByte(allowed, (byte) 7)).isEqualTo((byte) 7);
            }
        }
        assertThat(log).anyMatch(l -> l.contains(" 127.0.0.2:") && l.endsWith("refused: deny 127.0.0.2/32"));
        assertThat(log).noneMatch(l -> l.contains("127.0.0.2:") && l.contains(" open"));
    }

    @ParameterizedTest
    @MethodSource("models")
    void anAllowListRefusesEveryOtherSource(String model) throws Exception {
        Queue<String> log = new ConcurrentLinkedQueue<>();
        Admission rules = Admission.builder().allow(Cidr.parse("127.0.0.1/32")).build();
        try (TcpServer s = server(model, log).admission(rules).start()) {
            assertRefused("127.0.0.3", s.localAddress());
            assertServedSoon(s.localAddress());
        }
    }

    @ParameterizedTest
    @MethodSource("concurrentModels")
    void beyondMaxPerSourceTheNewConnectionIsResetAndTheOthersGoOn(String model) throws Exception {
        Queue<String> log = new ConcurrentLinkedQueue<>();
        try (TcpServer s = server(model, log).admission(Admission.builder().maxPerSource(2).build()).start()) {
            try (Socket a = connect(s.localAddress()); Socket b = connect(s.localAddress())) {
                assertThat(echoByte(a, (byte) 1)).isEqualTo((byte) 1);
                assertThat(echoByte(b, (byte) 2)).isEqualTo((byte) 2);
                assertRefused("127.0.0.1", s.localAddress());
                try (Socket otherSource = connectFrom("127.0.0.2", s.localAddress())) {
                    assertThat(echoByte(otherSource, (byte) 4)).as("another source has its own count").isEqualTo((byte) 4);
                }
                assertThat(echoByte(a, (byte) 5)).as("no connection lost when another is refused").isEqualTo((byte) 5);
                assertThat(echoByte(b, (byte) 6)).isEqualTo((byte) 6);
            }
            assertServedSoon(s.localAddress()); // the two ended: the source may connect again
        }
        assertThat(log).anyMatch(l -> l.endsWith("refused: max-per-ip 2 from 127.0.0.1"));
    }

    @ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"virtual", "epoll:1", "uring:1", "process"})
    void unixPeersHaveNoSourceToLimitButMeetTheirDeadline(String model) throws Exception {
        Queue<String> log = new ConcurrentLinkedQueue<>();
        Admission rules = Admission.builder().deny(Cidr.parse("0.0.0.0/0")).deny(Cidr.parse("::/0")).maxPerSource(1).rate("1/m").build();
        String name = "@jsock-limits-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
        try (TcpServer s = server(model, log).bind(name).admission(rules).deadline(Duration.ofSeconds(1)).start();
                Socket a = connect(s.localAddress()); Socket b = connect(s.localAddress())) {
            assertThat(echoByte(a, (byte) 1)).as("admitted: no address to deny, no source to count").isEqualTo((byte) 1);
            assertThat(echoByte(b, (byte) 2)).isEqualTo((byte) 2);
            assertEndedByServer(a);
            assertEndedByServer(b);
        }
        assertThat(log).noneMatch(l -> l.contains("refused"));
        assertThat(log.stream().filter(l -> l.endsWith("(deadline 1s)")).count()).isEqualTo(2);
    }

    /**
     * Prefork workers count for themselves (documented): with two workers and {@code --max-per-ip 1}, a
     * source holds at most one connection per worker, so of three at once at least one is reset and at
     * most two are served, however the kernel spreads them.
     */
    @org.junit.jupiter.api.Test
    void preforkWorkersEachCountASourcesConnectionsForThemselves() throws Exception {
        Queue<String> log = new ConcurrentLinkedQueue<>();
        List<Socket> served = new ArrayList<>();
        int refused = 0;
        try (TcpServer s = server("prefork:2", log).admission(Admission.builder().maxPerSource(1).build()).start()) {
            try {
                for (int i = 0; i < 3; i++) {
                    Socket c;
                    try {
                        c = connect(s.localAddress());
                    } catch (IOException e) {
                        assertThat(errno(e)).isEqualTo(Errno.ECONNRESET);
                        refused++;
                        continue;
                    }
                    try {
                        assertThat(echoByte(c, (byte) i)).isEqualTo((byte) i);
                        served.add(c);
                    } catch (IOException e) {
                        assertThat(errno(e)).isIn(Errno.ECONNRESET, Errno.EPIPE);
                        c.close();
                        refused++;
                    }
                }
            } finally {
                for (Socket c : served) c.close();
            }
        }
        assertThat(served).hasSizeBetween(1, 2);
        assertThat(refused).isEqualTo(3 - served.size());
    }

    @ParameterizedTest
    @MethodSource("models")
    void beyondTheRateASourcesNewConnectionsAreReset(String model) throws Exception {
        Queue<String> log = new ConcurrentLinkedQueue<>();
        try (TcpServer s = server(model, log).admission(Admission.builder().rate("2/m").build()).start()) {
            for (int i = 0; i < 2; i++) {
                try (Socket c = connect(s.localAddress())) {
                    assertThat(echoByte(c, (byte) i)).isEqualTo((byte) i);
                }
            }
            assertRefused("127.0.0.1", s.localAddress());
            try (Socket otherSource = connectFrom("127.0.0.2", s.localAddress())) {
                assertThat(echoByte(otherSource, (byte) 9)).isEqualTo((byte) 9);
            }
        }
        assertThat(log).anyMatch(l -> l.endsWith("refused: rate 2/m from 127.0.0.1"));
    }

    @ParameterizedTest
    @MethodSource("models")
    void aSilentClientIsClosedAtItsIdleTimeoutAndTheLineSaysSo(String model) throws Exception {
        Queue<String> log = new ConcurrentLinkedQueue<>();
        try (TcpServer s = server(model, log).idleTimeout(Duration.ofMillis(500)).start();
                Socket c = connect(s.localAddress())) {
            assertThat(echoByte(c, (byte) 1)).isEqualTo((byte) 1);
            assertEndedByServer(c); // then silence: the server ends it
            Clients.waitFor(() -> log.stream().anyMatch(l -> l.contains(" closed after ")));
            assertThat(log).anyMatch(l -> l.contains(" closed after ") && l.endsWith("(idle timeout 500ms)"));
        }
    }

    @ParameterizedTest
    @MethodSource("models")
    void aClientThatKeepsTalkingOutlivesTheIdleTimeout(String model) throws Exception {
        Queue<String> log = new ConcurrentLinkedQueue<>();
        try (TcpServer s = server(model, log).idleTimeout(Duration.ofSeconds(1)).start();
                Socket c = connect(s.localAddress())) {
            for (int i = 0; i < 20; i++) { // two seconds and more of a byte every 100 ms: never a second of silence
                assertThat(echoByte(c, (byte) i)).isEqualTo((byte) i);
                Thread.sleep(100);
            }
        }
        assertThat(log).noneMatch(l -> l.contains("idle timeout"));
    }

    @ParameterizedTest
    @MethodSource("models")
    void aBusyClientIsClosedAtItsDeadline(String model) throws Exception {
        Queue<String> log = new ConcurrentLinkedQueue<>();
        try (TcpServer s = server(model, log).deadline(Duration.ofSeconds(1)).start();
                Socket c = connect(s.localAddress())) {
            boolean ended = false;
            for (int i = 0; i < 600 && !ended; i++) { // bounded: 60 s of a byte every 100 ms
                try {
                    c.writeFully(new byte[] {1});
                    ByteBuffer got = ByteBuffer.allocate(1);
                    ended = c.read(got) < 0;
                } catch (IOException e) {
                    assertThat(errno(e)).isIn(Errno.ECONNRESET, Errno.EPIPE);
                    ended = true;
                }
                Thread.sleep(100);
            }
            assertThat(ended).as("the server ended the connection").isTrue();
            Clients.waitFor(() -> log.stream().anyMatch(l -> l.contains(" closed after ")));
            assertThat(log).anyMatch(l -> l.contains(" closed after ") && l.endsWith("(deadline 1s)"));
        }
    }

    /**
     * The slowloris drill (issue 13): silent clients take every slot; with the idle timeout on, each is
     * closed by the server and a normal client is served within a bounded wait.
     */
    @ParameterizedTest
    @MethodSource("concurrentModels")
    void silentClientsCannotHoldEverySlotWithTheIdleTimeoutOn(String model) throws Exception {
        Queue<String> log = new ConcurrentLinkedQueue<>();
        List<Socket> silent = new ArrayList<>();
        try (TcpServer s = server(model, log).maxConnections(20).idleTimeout(Duration.ofSeconds(1)).start()) {
            try {
                for (int i = 0; i < 50; i++) silent.add(connect(s.localAddress())); // never a byte from these
                try (Socket normal = connect(s.localAddress())) {
                    normal.setTimeout(CLIENT_WAIT);
                    assertThat(echoByte(normal, (byte) 77)).as("the normal client is served").isEqualTo((byte) 77);
                }
                for (Socket c : silent) assertEndedByServer(c);
            } finally {
                for (Socket c : silent) c.close();
            }
        }
        assertThat(log.stream().filter(l -> l.endsWith("(idle timeout 1s)")).count()).isEqualTo(50);
    }
}
