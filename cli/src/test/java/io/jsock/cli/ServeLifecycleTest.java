package io.jsock.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import io.jsock.socket.Errno;
import io.jsock.socket.ErrnoConnectException;
import io.jsock.socket.Family;
import io.jsock.socket.Protocol;
import io.jsock.socket.SockAddr;
import io.jsock.socket.Socket;
import io.jsock.socket.SocketType;
import io.jsock.socket.SyscallFailure;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * jsock serve as a process: SIGTERM and SIGINT stop it in order with exit status 0 and nothing left
 * behind, its descriptors come back after many connections, and it survives running out of them.
 */
class ServeLifecycleTest {

    /** {@code serve echo --model M}, or for the process models {@code serve exec -- cat} (a JVM per connection would be slow). */
    static String[] serve(String model, String... more) {
        List<String> args = new ArrayList<>(List.of("serve"));
        args.add(model.startsWith("process") ? "exec" : "echo");
        args.addAll(List.of("--bind", "127.0.0.1:0", "--model", model));
        args.addAll(List.of(more));
        if (model.startsWith("process")) args.addAll(List.of("--", "cat"));
        return args.toArray(String[]::new);
    }

    static Socket connect(SockAddr to) throws IOException {
        Socket c = Socket.open(Family.INET, SocketType.STREAM, Protocol.DEFAULT);
        try {
            c.setTimeout(Duration.ofSeconds(60)); // a hang guard on every read
            c.connect(to);
            return c;
        } catch (IOException e) {
            c.close();
            throw e;
        }
    }

    static byte echoByte(Socket c, byte b) throws IOException {
        c.writeFully(new byte[] {b});
        ByteBuffer got = ByteBuffer.allocate(1);
        c.readFully(got);
        return got.get(0);
    }

    static boolean refused(SockAddr to) {
        try (Socket probe = connect(to)) {
            return false;
        } catch (IOException e) {
            return e instanceof SyscallFailure f && f.errno() == Errno.ECONNREFUSED;
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"virtual", "thread", "iterative", "pool:2", "epoll:1", "uring:1", "process", "prefork:2"})
    void onSigtermConnectionsInFlightFinishNewOnesAreRefusedAndTheExitStatusIsZero(String model) throws Exception {
        try (ServeProcess s = ServeProcess.start(serve(model, "--grace", "60s"))) {
            List<ProcessHandle> children;
            try (Socket inFlight = connect(s.address())) {
                assertThat(echoByte(inFlight, (byte) 'a')).isEqualTo((byte) 'a');
                children = s.process.descendants().toList();
                s.signal("TERM");
                String count = model.startsWith("prefork") ? "connections" : "1 connection(s)"; // workers count their own
                s.awaitLine(l -> l.equals("jsock: SIGTERM: stopping; " + count + " in flight get up to 60s"));
                for (int i = 0; i < 500 && !refused(s.address()); i++) Thread.sleep(10);
                assertThatThrownBy(() -> connect(s.address()).close())
                        .isInstanceOfSatisfying(ErrnoConnectException.class, e -> assertThat(e.errno()).isEqualTo(Errno.ECONNREFUSED));
                assertThat(echoByte(inFlight, (byte) 'b')).as("served after the listener closed").isEqualTo((byte) 'b');
                assertThat(s.process.isAlive()).as("waits for the connection in flight").isTrue();
            }
            assertThat(s.awaitExit()).isZero();
            assertThat(children).noneMatch(ProcessHandle::isAlive);
        }
    }

    @Test
    void sigintStopsItTheSameWay() throws Exception {
        assumeFalse(ignored("INT"), "SIGINT is ignored in this process and so in its children (a shell's background job)");
        try (ServeProcess s = ServeProcess.start(serve("virtual"))) {
            s.signal("INT");
            s.awaitLine(l -> l.startsWith("jsock: SIGINT: stopping"));
            assertThat(s.awaitExit()).isZero();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"virtual", "iterative", "epoll:1", "uring:1", "process", "prefork:2"})
    void afterTheGracePeriodTheConnectionsLeftAreClosedAndTheExitStatusIsZero(String model) throws Exception {
        try (ServeProcess s = ServeProcess.start(serve(model, "--grace", "300ms"));
                Socket idle = connect(s.address())) {
            assertThat(echoByte(idle, (byte) 'a')).isEqualTo((byte) 'a');
            s.signal("TERM");
            assertThat(s.awaitExit()).isZero();
            assertThat(idle.read(ByteBuffer.allocate(1))).as("closed by the server").isEqualTo(-1);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"virtual", "thread", "pool:4", "epoll:2", "uring:2", "process"})
    void afterAThousandConnectionsTheServersDescriptorCountIsBackAtBaseline(String model) throws Exception {
        try (ServeProcess s = ServeProcess.start(serve(model))) {
            try (Socket warm = connect(s.address())) {
                echoByte(warm, (byte) 'w');
            }
            long baseline = awaitDescriptors(s, -1);
            long baselineSockets = s.sockets();
            try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
                List<Future<Byte>> batch = new ArrayList<>();
                for (int i = 0; i < 1000; i++) {
                    batch.add(clients.submit(() -> {
                        try (Socket c = connect(s.address())) {
                            return echoByte(c, (byte) 'x');
                        }
                    }));
                    if (batch.size() == 50) {
                        for (Future<Byte> f : batch) assertThat(f.get(1, TimeUnit.MINUTES)).isEqualTo((byte) 'x');
                        batch.clear();
                    }
                }
            }
            for (int i = 0; i < 1000 && s.sockets() != baselineSockets; i++) Thread.sleep(10);
            assertThat(s.sockets()).as("sockets").isEqualTo(baselineSockets);
            // A blocked platform thread holds no descriptor of its own (the socket layer keeps one pre-closed
            // socket for the whole process); the JVM may still open a file or two of its own (class loading).
            // The last children's pidfds go when the reaper has seen them exit: give it a moment (bounded).
            for (int i = 0; i < 1000 && Math.abs(s.descriptors() - baseline) > 2; i++) Thread.sleep(10);
            assertThat(s.descriptors()).as("all descriptors").isBetween(baseline - 2, baseline + 2);
            s.signal("TERM");
            assertThat(s.awaitExit()).isZero();
        }
    }

    /**
     * Runs the server with a descriptor limit of 64 (prlimit), holds more connections than that, and
     * checks it said EMFILE, kept going, and serves again once the clients leave: every model that
     * holds a descriptor per connection (pool:100 has threads enough to run out; a prefork worker
     * inherits the limit and runs out in its own JVM). (iterative holds one connection, and the process
     * model's parent keeps no descriptor per child: those cannot run out this way.)
     */
    @ParameterizedTest
    @ValueSource(strings = {"virtual", "thread", "epoll:1", "uring:1", "pool:100", "prefork:1"})
    void outOfDescriptorsItBacksOffAndServesAgainWhenTheyAreFreed(String model) throws Exception {
        try (ServeProcess s = ServeProcess.start(List.of("prlimit", "--nofile=64:64", "--"), serve(model, "-v"))) {
            try (Socket warm = connect(s.address())) {
                echoByte(warm, (byte) 'w'); // loads the classes of serving (this class path is directories: a file per class)
            }
            List<Socket> hogs = new ArrayList<>();
            try {
                for (int i = 0; i < 80; i++) {
                    Socket c = connect(s.address()); // completes in the kernel's queue even when the server cannot accept
                    hogs.add(c);
                    c.writeFully(new byte[] {'h'});
                }
                s.awaitLine(l -> l.contains("EMFILE"));
                assertThat(s.descriptors()).isLessThanOrEqualTo(64);
            } finally {
                for (Socket c : hogs) c.close();
            }
            try (Socket after = connect(s.address())) {
                assertThat(echoByte(after, (byte) 'y')).as("served again").isEqualTo((byte) 'y');
            }
            assertThat(s.process.isAlive()).isTrue();
            s.signal("TERM");
            assertThat(s.awaitExit()).isZero();
            assertThat(s.err).noneMatch(l -> l.contains("Exception") || l.contains("Error"));
        }
    }

    /**
     * Polls /proc/PID/fd until it shows {@code want}, or with -1 until it has held still for 300 ms
     * (a child that just exited may still be in the count); bounded to 10 s.
     */
    static long awaitDescriptors(ServeProcess s, long want) throws Exception {
        long last = -2;
        int still = 0;
        for (int i = 0; i < 1000; i++) {
            long now = s.descriptors();
            if (now == want) return now;
            still = now == last ? still + 1 : 0;
            if (want == -1 && still == 30) return now;
            last = now;
            Thread.sleep(10);
        }
        return s.descriptors();
    }

    /** Whether this process ignores the signal (SigIgn in /proc/self/status); children inherit it. */
    static boolean ignored(String signal) throws IOException {
        int number = switch (signal) {
            case "INT" -> 2;
            case "TERM" -> 15;
            default -> throw new IllegalArgumentException(signal);
        };
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("SigIgn:")) {
                long mask = Long.parseUnsignedLong(line.substring(7).trim(), 16);
                return (mask & (1L << (number - 1))) != 0;
            }
        }
        return false;
    }
}
