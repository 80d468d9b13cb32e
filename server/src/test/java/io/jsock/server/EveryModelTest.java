package io.jsock.server;

import static io.jsock.server.Clients.acceptQueue;
import static io.jsock.server.Clients.connect;
import static io.jsock.server.Clients.echo;
import static io.jsock.server.Clients.echoByte;
import static io.jsock.server.Clients.jsockThreads;
import static io.jsock.server.Clients.sockets;
import static io.jsock.server.Clients.waitFor;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jsock.socket.Errno;
import io.jsock.socket.ErrnoConnectException;
import io.jsock.socket.Linger;
import io.jsock.socket.SockOpt;
import io.jsock.socket.Socket;
import io.jsock.socket.SyscallFailure;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** What every model must do the same: echo every byte, survive rude clients, finish in order, leak nothing. */
class EveryModelTest {

    /** Every model, by its command-line name. */
    static Stream<String> models() {
        return Stream.of("iterative", "thread", "virtual", "pool:4", "epoll:1", "epoll:2", "uring:1", "uring:2", "process", "prefork:2");
    }

    /** The models that run a {@link Handler} of any kind in this JVM (epoll and uring run event handlers: EpollModelTest, UringModelTest). */
    static Stream<String> blockingModels() {
        return models().filter(m -> !m.startsWith("epoll") && !m.startsWith("uring") && !m.startsWith("process")
                && !m.startsWith("prefork"));
    }

    /**
     * An echo server in {@code model}. The process model echoes with cat(1), a program per connection
     * as inetd would run it (ProcessPerClientTest runs Java services in child JVMs: 200 of those at
     * once would be 200 JVMs on this machine's two cores).
     */
    static TcpServer.Builder server(String model) {
        TcpServer.Builder b = TcpServer.builder().bind("127.0.0.1:0").backlog(256).model(Model.parse(model))
                .grace(Duration.ofSeconds(30));
        return model.startsWith("process") ? b.command(List.of("cat")) : b.handler(Service.ECHO);
    }

    @ParameterizedTest
    @MethodSource("models")
    void twoHundredConcurrentClientsGetBackEveryByteInOrder(String model) throws Exception {
        try (TcpServer s = server(model).start(); ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Integer>> done = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                int client = i;
                done.add(clients.submit(() -> {
                    Random r = new Random(client * 31L + model.hashCode());
                    // 1 B, 1 MiB, and sizes spread evenly on a log scale between them
                    int size = client == 0 ? 1 : client == 1 ? 1 << 20 : 1 + (int) Math.pow(2, r.nextDouble() * 20);
                    byte[] data = new byte[size];
                    r.nextBytes(data);
                    try (Socket c = connect(s.localAddress())) {
                        assertThat(echo(c, data)).as("client %d, %d bytes", client, size).isEqualTo(data);
                    }
                    return size;
                }));
            }
            long total = 0;
            for (Future<Integer> f : done) total += f.get(5, TimeUnit.MINUTES); // a hang guard, not a measurement
            assertThat(total).isGreaterThan(1 << 20);
        }
    }

    /** The models whose --max-connections is one count for the whole server (prefork's workers each hold a share). */
    static Stream<String> modelsWithOneCap() {
        return models().filter(m -> !m.startsWith("prefork"));
    }

    @ParameterizedTest
    @MethodSource("modelsWithOneCap")
    void aClientThatResetsBeforeItIsAcceptedCostsOnlyItsOwnConnection(String model) throws Exception {
        try (TcpServer s = server(model).maxConnections(1).start(); Socket first = connect(s.localAddress())) {
            assertThat(echoByte(first, (byte) 'a')).isEqualTo((byte) 'a');
            Socket rude = connect(s.localAddress());
            rude.writeFully(new byte[1000]);
            waitFor(() -> queued(s) == 1);
            assertThat(acceptQueue(s)).as("completed, not accepted: the server is at its cap").isEqualTo(1);
            rude.setOption(SockOpt.SO_LINGER, Linger.on(0));
            rude.close(); // RST while it waits in the queue
            Socket third = connect(s.localAddress());
            first.close(); // a slot frees: the server accepts the reset one, then the third
            assertThat(echoByte(third, (byte) 'c')).isEqualTo((byte) 'c');
            third.close();
            waitFor(() -> s.activeConnections() == 0);
            assertThat(s.activeConnections()).isZero();
        }
    }

    @ParameterizedTest
    @MethodSource("models")
    void aClientThatResetsMidTransferCostsOnlyItsOwnConnection(String model) throws Exception {
        Queue<String> log = new ConcurrentLinkedQueue<>();
        try (TcpServer s = server(model.equals("iterative") ? "pool:2" : model).log(log::add).start();
                Socket steady = connect(s.localAddress())) {
            assertThat(echoByte(steady, (byte) 'x')).isEqualTo((byte) 'x');
            for (int i = 0; i < 10; i++) {
                Socket rude = connect(s.localAddress());
                rude.writeFully(new byte[1 << 20]); // the server echoes into a socket that reads nothing back
                rude.setOption(SockOpt.SO_LINGER, Linger.on(0));
                rude.close(); // RST mid-transfer
                assertThat(echoByte(steady, (byte) 'x')).isEqualTo((byte) 'x');
            }
            if (countsHere(model)) {
                waitFor(() -> s.activeConnections() == 1);
                assertThat(s.activeConnections()).isEqualTo(1);
            }
        }
        // Each connection accepted was closed (a reset one may also be dropped from the queue before accept).
        assertThat(ids(log, " closed after ")).as("%s", log).containsAll(ids(log, " open"));
    }

    /** The connection numbers (#N) of the log lines containing {@code what}. */
    static Set<String> ids(Queue<String> log, String what) {
        return log.stream().filter(l -> l.contains(what)).map(l -> l.substring(0, l.indexOf(' '))).collect(java.util.stream.Collectors.toSet());
    }

    /** Whether this process serves the connections, so that activeConnections() and the log see them (prefork's workers do not). */
    static boolean countsHere(String model) {
        return !model.startsWith("prefork");
    }

    @ParameterizedTest
    @MethodSource("blockingModels")
    void anExceptionInAHandlerClosesOnlyItsConnectionAndIsLogged(String model) throws Exception {
        Queue<String> log = new ConcurrentLinkedQueue<>();
        Handler grumpy = c -> {
            ByteBuffer b = ByteBuffer.allocate(1);
            while (c.socket().read(b.clear()) > 0) {
                if (b.get(0) == '!') throw new IllegalStateException("no shouting");
                c.socket().writeFully(b.flip());
            }
        };
        try (TcpServer s = TcpServer.builder().bind("127.0.0.1:0").model(Model.parse(model.equals("iterative") ? "pool:2" : model))
                .handler(grumpy).log(log::add).start();
                Socket calm = connect(s.localAddress());
                Socket loud = connect(s.localAddress())) {
            assertThat(echoByte(calm, (byte) 'x')).isEqualTo((byte) 'x');
            loud.writeFully(new byte[] {'!'});
            assertThat(loud.read(ByteBuffer.allocate(1))).as("the server closed this one").isEqualTo(-1);
            assertThat(echoByte(calm, (byte) 'y')).isEqualTo((byte) 'y');
            waitFor(() -> log.stream().anyMatch(l -> l.contains("handler failed")));
        }
        assertThat(log).anyMatch(l -> l.contains("closed") && l.contains("handler failed: java.lang.IllegalStateException: no shouting"));
    }

    @ParameterizedTest
    @MethodSource("models")
    void atCloseConnectionsInFlightFinishWhileNewOnesAreRefused(String model) throws Exception {
        TcpServer s = server(model).start();
        Thread closer;
        try (Socket inFlight = connect(s.localAddress())) {
            assertThat(echoByte(inFlight, (byte) 'a')).isEqualTo((byte) 'a');
            closer = Thread.ofPlatform().start(s::close);
            waitFor(() -> refused(s));
            assertThatThrownBy(() -> connect(s.localAddress()).close())
                    .isInstanceOfSatisfying(ErrnoConnectException.class, e -> assertThat(e.errno()).isEqualTo(Errno.ECONNREFUSED));
            assertThat(echoByte(inFlight, (byte) 'b')).as("still served after the listener closed").isEqualTo((byte) 'b');
            assertThat(closer.isAlive()).as("close waits for the connection in flight").isTrue();
        }
        closer.join(TimeUnit.MINUTES.toMillis(1)); // a hang guard: the grace period is 30 s, the client has left
        assertThat(closer.isAlive()).isFalse();
    }

    @ParameterizedTest
    @MethodSource("models")
    void afterTheGracePeriodCloseClosesTheConnectionsStillOpen(String model) throws Exception {
        TcpServer s = server(model).grace(Duration.ofMillis(200)).start();
        try (Socket idle = connect(s.localAddress())) {
            assertThat(echoByte(idle, (byte) 'a')).isEqualTo((byte) 'a');
            s.close(); // returns once the grace period is over and the connection is closed
            assertThat(idle.read(ByteBuffer.allocate(1))).as("the server closed it").isEqualTo(-1);
        }
    }

    @ParameterizedTest
    @MethodSource("models")
    void afterAThousandConnectionsTheSocketCountIsBackAtBaseline(String model) throws Exception {
        try (TcpServer s = server(model).start()) {
            try (Socket warm = connect(s.localAddress())) {
                echoByte(warm, (byte) 'w'); // loads classes, starts the pollers
            }
            waitFor(() -> s.activeConnections() == 0);
            long baseline = Clients.steadySockets(); // prefork's worker may still be closing the warm one
            try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
                List<Future<Byte>> batch = new ArrayList<>();
                for (int i = 0; i < 1000; i++) {
                    batch.add(clients.submit(() -> {
                        try (Socket c = connect(s.localAddress())) {
                            return echoByte(c, (byte) 'x');
                        }
                    }));
                    if (batch.size() == 50) { // 50 at a time: the iterative server has a queue of 256
                        for (Future<Byte> f : batch) assertThat(f.get(1, TimeUnit.MINUTES)).isEqualTo((byte) 'x');
                        batch.clear();
                    }
                }
            }
            waitFor(() -> s.activeConnections() == 0);
            waitFor(() -> socketsOrMinus1() == baseline);
            assertThat(sockets()).isEqualTo(baseline);
        }
    }

    @ParameterizedTest
    @MethodSource("models")
    void closeLeavesNoThreadAndNoSocketBehind(String model) throws Exception {
        try (TcpServer warm = server(model).start(); Socket c = connect(warm.localAddress())) {
            echoByte(c, (byte) 'w');
        }
        Set<String> threadsBefore = jsockThreads();
        long socketsBefore = sockets();
        TcpServer s = server(model).grace(Duration.ofMillis(100)).start();
        List<Socket> open = new ArrayList<>();
        for (int i = 0; i < 3; i++) open.add(connect(s.localAddress()));
        assertThat(echoByte(open.get(0), (byte) 'x')).isEqualTo((byte) 'x');
        s.close();
        for (Socket c : open) c.close();
        assertThat(jsockThreads()).isEqualTo(threadsBefore);
        assertThat(sockets()).isEqualTo(socketsBefore);
        assertThat(ProcessHandle.current().children()).as("children reaped").isEmpty();
    }

    private static int queued(TcpServer s) {
        try {
            return acceptQueue(s);
        } catch (IOException e) {
            return -1;
        }
    }

    private static long socketsOrMinus1() {
        try {
            return sockets();
        } catch (IOException e) {
            return -1;
        }
    }

    private static boolean refused(TcpServer s) {
        try (Socket probe = connect(s.localAddress())) {
            return false;
        } catch (IOException e) {
            return e instanceof SyscallFailure f && f.errno() == Errno.ECONNREFUSED;
        }
    }
}
