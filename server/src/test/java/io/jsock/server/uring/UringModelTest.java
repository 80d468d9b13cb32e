package io.jsock.server.uring;

import io.jsock.server.Model;
import io.jsock.server.TcpServer;
import io.jsock.server.event.EventConnection;
import io.jsock.server.event.EventHandler;
import io.jsock.server.event.EventServices;

import static io.jsock.server.Clients.connect;
import static io.jsock.server.Clients.echo;
import static io.jsock.server.Clients.echoByte;
import static io.jsock.server.Clients.jsockThreads;
import static io.jsock.server.Clients.waitFor;
import static org.assertj.core.api.Assertions.assertThat;

import io.jsock.socket.Family;
import io.jsock.socket.Protocol;
import io.jsock.socket.Shutdown;
import io.jsock.socket.SockOpt;
import io.jsock.socket.SocketType;
import io.jsock.socket.Socket;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The uring model's own cases: every service on the ring, the buffer ring running dry, a completion ring
 * overflow, cancellation of what is in flight at close, and nothing left behind (EveryModelTest runs the
 * shared cases on uring:1 and uring:2).
 */
class UringModelTest {
    private static final Pattern COUNTERS = Pattern.compile(
            "ran dry (\\d+) time\\(s\\).*overflowed (\\d+) time\\(s\\); (\\d+) completion\\(s\\) for a connection already gone");

    static TcpServer.Builder server(String model, Queue<String> log) {
        return TcpServer.builder().bind("127.0.0.1:0").model(Model.parse(model)).grace(Duration.ofSeconds(1)).log(log::add);
    }

    /** The loops' counters, summed from their closing lines: {dry, overflows, stale}. */
    static long[] counters(Queue<String> log) {
        long[] sum = new long[3];
        for (String line : log) {
            Matcher m = COUNTERS.matcher(line);
            if (!m.find()) continue;
            for (int i = 0; i < 3; i++) sum[i] += Long.parseLong(m.group(i + 1));
        }
        return sum;
    }

    /** Starts a server with the ring sized by {@code properties} (name, value, ...), which are cleared again. */
    static TcpServer withRing(TcpServer.Builder b, String... properties) throws IOException {
        for (int i = 0; i < properties.length; i += 2) System.setProperty(properties[i], properties[i + 1]);
        try {
            return b.start();
        } finally {
            for (int i = 0; i < properties.length; i += 2) System.clearProperty(properties[i]);
        }
    }

    /** {@code clients} clients at once, each echoing a random payload of up to {@code max} bytes, every byte checked. */
    static void echoConcurrently(TcpServer s, int clients, int max) throws Exception {
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> done = new ArrayList<>();
            for (int i = 0; i < clients; i++) {
                int client = i;
                done.add(pool.submit(() -> {
                    Random r = new Random(client);
                    byte[] data = new byte[1 + r.nextInt(max)];
                    r.nextBytes(data);
                    try (Socket c = connect(s.localAddress())) {
                        assertThat(echo(c, data)).isEqualTo(data);
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) f.get(2, TimeUnit.MINUTES); // a hang guard, not a measurement
        }
    }

    @Test
    void everyServiceRunsOnTheRing() throws Exception {
        Queue<String> log = new ConcurrentLinkedQueue<>();
        try (TcpServer s = server("uring:1", log).eventHandler(EventServices.CHARGEN).start(); Socket c = connect(s.localAddress())) {
            byte[] got = new byte[95 * 74 * 2];
            c.readFully(got);
            for (int line = 0; line < 95 * 2; line++) {
                for (int k = 0; k < 72; k++) assertThat(got[line * 74 + k]).isEqualTo((byte) (' ' + (line + k) % 95));
            }
        }
        try (TcpServer s = server("uring:1", log).eventHandler(EventServices.DAYTIME).start(); Socket c = connect(s.localAddress())) {
            String line = new String(c.inputStream().readAllBytes(), StandardCharsets.US_ASCII);
            assertThat(line).matches("[A-Z][a-z]{2} [A-Z][a-z]{2} [ 0-9]\\d \\d\\d:\\d\\d:\\d\\d \\d{4}\r\n");
        }
        try (TcpServer s = server("uring:1", log).eventHandler(EventServices.DISCARD).start(); Socket c = connect(s.localAddress())) {
            c.writeFully(new byte[3 << 20]);
            c.shutdown(Shutdown.WRITE);
            assertThat(c.read(ByteBuffer.allocate(1))).as("nothing, then the server's FIN").isEqualTo(-1);
        }
        try (TcpServer s = server("uring:1", log).eventHandler(EventServices.ECHO).start(); Socket c = connect(s.localAddress())) {
            byte[] data = "half-closed\n".getBytes(StandardCharsets.US_ASCII);
            c.writeFully(data);
            c.shutdown(Shutdown.WRITE); // half-close: the echo still comes back, then FIN
            assertThat(c.inputStream().readAllBytes()).isEqualTo(data);
        }
    }

    @Test
    void whenTheBufferRingRunsDryAPlainRecvReadsAndEveryByteStillComesBackInOrder() throws Exception {
        Queue<String> log = new ConcurrentLinkedQueue<>();
        try (TcpServer s = withRing(server("uring:1", log).eventHandler(EventServices.ECHO),
                "jsock.uring.buffers", "2", "jsock.uring.buffer.size", "64")) {
            echoConcurrently(s, 20, 256 * 1024); // 128 bytes of buffers for 20 clients sending up to 256 KiB
        }
        long[] c = counters(log);
        assertThat(c[0]).as("receives that found the buffer ring dry, in %s", log).isPositive();
        assertThat(c[2]).as("stale completions").isZero();
    }

    @Test
    void whenTheCompletionRingOverflowsNoCompletionIsLost() throws Exception {
        Queue<String> log = new ConcurrentLinkedQueue<>();
        try (TcpServer s = withRing(server("uring:1", log).eventHandler(EventServices.ECHO),
                "jsock.uring.entries", "2", "jsock.uring.cq.entries", "2")) {
            echoConcurrently(s, 50, 64 * 1024); // 50 clients' completions for a ring of 2
        }
        long[] c = counters(log);
        assertThat(c[1]).as("turns that found completions in the kernel's overflow list, in %s", log).isPositive();
        assertThat(c[2]).as("stale completions").isZero();
    }

    /**
     * A connection that ends with a receive armed and a send in flight (its client reads nothing) has
     * both cancelled and completed before its socket closes: the next connection, which gets the same
     * descriptor number, sees none of their completions.
     */
    @Test
    void closingAConnectionCancelsWhatItHasInFlightBeforeItsDescriptorIsReused() throws Exception {
        Queue<String> log = new ConcurrentLinkedQueue<>();
        EventHandler floodThenFail = new EventHandler() {
            @Override
            public void onReadable(EventConnection c, ByteBuffer in) {
                byte first = in.get(in.position());
                in.position(in.limit());
                if (first == '!') throw new IllegalStateException("ends with its operations in flight");
                c.write(ByteBuffer.allocate(200 * 1024)); // more than a client with a small window takes: the send stays in flight
                c.write(ByteBuffer.wrap(new byte[] {(byte) first}));
            }
        };
        try (TcpServer s = server("uring:1", log).eventHandler(c -> c.id() % 2 == 1 ? floodThenFail : EventServices.ECHO.create(c)).start()) {
            for (int round = 0; round < 20; round++) {
                try (Socket flooded = Socket.open(Family.INET, SocketType.STREAM, Protocol.TCP)) {
                    flooded.setOption(SockOpt.SO_RCVBUF, 4096); // a small window: the server's send cannot complete
                    flooded.connect(s.localAddress());
                    flooded.writeFully(new byte[] {'x'});
                    assertThat(flooded.read(ByteBuffer.allocate(1))).as("the flood begins").isEqualTo(1);
                    flooded.writeFully(new byte[] {'!'}); // the handler fails: recv armed, send in flight
                    waitFor(() -> s.activeConnections() == 0);
                }
                try (Socket next = connect(s.localAddress())) { // the lowest free descriptor: the one just closed
                    assertThat(echoByte(next, (byte) 'n')).isEqualTo((byte) 'n');
                }
                waitFor(() -> s.activeConnections() == 0);
            }
        }
        assertThat(log.stream().filter(l -> l.contains("handler failed: java.lang.IllegalStateException"))).hasSize(20);
        assertThat(counters(log)[2]).as("completions for a connection already gone").isZero();
    }

    @Test
    void closeLeavesNoLoopThreadNoRingAndNoDescriptor() throws Exception {
        Queue<String> log = new ConcurrentLinkedQueue<>();
        try (TcpServer warm = server("uring:1", log).eventHandler(EventServices.ECHO).start(); Socket c = connect(warm.localAddress())) {
            echoByte(c, (byte) 'w');
        }
        List<String> before = descriptors();
        TcpServer s = server("uring:3", log).eventHandler(EventServices.ECHO).start();
        Socket open = connect(s.localAddress());
        assertThat(echoByte(open, (byte) 'x')).isEqualTo((byte) 'x');
        assertThat(jsockThreads()).filteredOn(t -> t.startsWith("jsock-uring-")).hasSize(3);
        assertThat(descriptors()).filteredOn(d -> d.contains("io_uring")).hasSize(3);
        s.close();
        assertThat(open.read(ByteBuffer.allocate(1))).as("the server closed it after the grace period").isEqualTo(-1);
        open.close();
        assertThat(jsockThreads()).noneMatch(t -> t.startsWith("jsock-uring-"));
        waitFor(() -> descriptorsOrNull() != null && descriptorsOrNull().equals(before));
        assertThat(descriptors()).isEqualTo(before);
    }

    /** This process's sockets, rings, eventfds and epoll sets, sorted, without their numbers (files the JDK opens lazily aside). */
    static List<String> descriptors() throws IOException {
        List<String> out = new ArrayList<>();
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            for (Path p : fds.toList()) {
                try {
                    String target = Files.readSymbolicLink(p).toString();
                    if (target.startsWith("socket:")) out.add("socket");
                    else if (target.startsWith("anon_inode:")) out.add(target); // [io_uring], [eventfd], [eventpoll]
                } catch (IOException gone) {
                    // the listing's own descriptor, closed already
                }
            }
        }
        out.sort(null);
        return out;
    }

    private static List<String> descriptorsOrNull() {
        try {
            return descriptors();
        } catch (IOException e) {
            return null;
        }
    }

    @Test
    void aKernelThatRefusesIoUringIsToldInOneLineWithWhatToUseInstead() {
        // Not reproducible here (kernel.io_uring_disabled is 0 and changing it is the machine's business):
        // the line is made from what io_uring_setup failed with.
        var perm = RingLoop.refusal(new io.jsock.socket.ErrnoException("io_uring_setup", io.jsock.socket.Errno.EPERM.number(), null));
        assertThat(perm.getMessage()).isEqualTo("io_uring_setup: EPERM (Operation not permitted): io_uring is not allowed here"
                + " (sysctl kernel.io_uring_disabled, or a seccomp filter); --model epoll serves the same handlers");
        assertThat(perm.getMessage()).doesNotContain("\n");
        var nosys = RingLoop.refusal(new io.jsock.socket.ErrnoException("io_uring_setup", io.jsock.socket.Errno.ENOSYS.number(), null));
        assertThat(nosys.getMessage()).contains("ENOSYS").contains("this kernel has no io_uring");
    }
}
