package io.jsock.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.jsock.socket.Accepted;
import io.jsock.socket.Errno;
import io.jsock.socket.ErrnoException;
import io.jsock.socket.Family;
import io.jsock.socket.Linger;
import io.jsock.socket.Protocol;
import io.jsock.socket.Shutdown;
import io.jsock.socket.SockAddr;
import io.jsock.socket.SockOpt;
import io.jsock.socket.Socket;
import io.jsock.socket.SocketType;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code jsock connect} on loopback, in this JVM: the copy both ways, half-close, -v, --bind, --linger and every one-line failure. */
class ConnectCommandTest {

    @Test
    void echoesStandardInputAndExitsZeroOnceThePeerAnswersTheFinByClosing() throws Exception {
        try (EchoServer echo = EchoServer.onLoopback()) {
            CliRun r = CliRun.connect("hi\n", echo.address().toString());

            assertThat(r.err()).isEmpty();
            assertThat(r.outText()).isEqualTo("hi\n");
            assertThat(r.exit()).isZero();
        }
    }

    @Test
    void randomBytesComeBackUnchanged() throws Exception {
        byte[] data = new byte[3 * 1024 * 1024 + 17];
        new Random(4).nextBytes(data);
        try (EchoServer echo = EchoServer.onLoopback()) {
            CliRun r = CliRun.connectWithin60s(new ByteArrayInputStream(data), echo.address().toString());

            assertThat(r.exit()).as(r.err()).isZero();
            assertThat(r.out()).isEqualTo(data);
        }
    }

    /**
     * --timeout is one deadline counted from the command's start, and connect(2) is handed what is left:
     * a command whose process started an hour ago with --timeout 1h gives up at once on a peer that does
     * not answer (a listener whose accept queue is full drops the SYN). Before, the connect was handed
     * the whole hour again (the JVM's start and name resolution came on top of the timeout).
     */
    @Test
    @Timeout(60)
    void theTimeoutCountsFromTheCommandsStartAndTheConnectGetsWhatIsLeft() throws Exception {
        try (Socket listener = Socket.open(Family.INET, SocketType.STREAM, Protocol.DEFAULT)) {
            listener.bind(SockAddr.parse("127.0.0.1:0"));
            listener.listen(0); // a queue of one: the second handshake's SYN is dropped
            List<Socket> queued = new ArrayList<>();
            try {
                boolean full = false;
                for (int i = 0; i < 4 && !full; i++) {
                    Socket c = Socket.open(Family.INET, SocketType.STREAM, Protocol.DEFAULT);
                    queued.add(c);
                    try {
                        c.connect(listener.getsockname(), Duration.ofMillis(300));
                    } catch (SocketTimeoutException dropped) {
                        full = true;
                    }
                }
                assertThat(full).as("the accept queue filled").isTrue();

                CliRun r = CliRun.connectStartedAt(Instant.now().minus(Duration.ofHours(1)), "--timeout", "1h",
                        listener.getsockname().toString());

                assertThat(r.exit()).isEqualTo(1);
                assertThat(r.err()).startsWith("jsock: connect " + listener.getsockname() + ": ETIMEDOUT")
                        .contains("jsock's timeout expired");
            } finally {
                for (Socket c : queued) c.close();
            }
        }
    }

    @Test
    void verbosePrintsTheLocalAddressTheKernelChoseAndThePeer() throws Exception {
        try (EchoServer echo = EchoServer.onLoopback()) {
            CliRun r = CliRun.connect("x", "-v", echo.address().toString());

            assertThat(r.exit()).isZero();
            SockAddr chosen = echo.peers.getFirst(); // what accept(2) saw is what getsockname(2) said
            assertThat(r.err()).startsWith("jsock: connected: local " + chosen + ", peer " + echo.address() + "\n");
            assertThat(chosen.port()).isPositive();
            assertThat(r.err()).contains("the peer closed the connection (after our FIN): 1 bytes sent, 1 received");
        }
    }

    @Test
    void bindChoosesTheSourceAddressAndThePortStaysTheKernelsChoice() throws Exception {
        try (EchoServer echo = EchoServer.onLoopback()) {
            CliRun r = CliRun.connect("x", "--bind", "127.0.0.2", "-v", echo.address().toString());

            assertThat(r.exit()).as(r.err()).isZero();
            assertThat(echo.peers.getFirst().toString()).startsWith("127.0.0.2:");
            assertThat(r.err()).contains("local " + echo.peers.getFirst());
        }
    }

    @Test
    void aPortWithoutAListenerFailsWithOneLineAndExitOne() throws Exception {
        try (Socket reserved = Socket.open(Family.INET, SocketType.STREAM, Protocol.TCP)) {
            reserved.bind(SockAddr.parse("127.0.0.1:0")); // bound, never listening: the port answers RST
            String target = reserved.getsockname().toString();

            CliRun r = CliRun.connect("", target, "--syn-retries", "1", "--nodelay", "--linger", "0");

            assertThat(r.exit()).isEqualTo(1);
            assertThat(r.err()).matches("jsock: connect " + target.replace(".", "\\.")
                    + ": ECONNREFUSED \\(Connection refused\\) after \\d+\\.\\d s\n");
            assertThat(r.out()).isEmpty();
        }
    }

    @Test
    void whenThePeerClosesFirstTheCommandEndsWithoutWaitingForStandardInput() throws Exception {
        CountDownLatch never = new CountDownLatch(1);
        try (Socket l = listenOnLoopback()) {
            CompletableFuture<Void> server = serveOnce(l, c -> {
                c.writeFully("daytime\n".getBytes(StandardCharsets.US_ASCII));
                // and close: FIN while the client's standard input is still open
            });
            CliRun r = CliRun.connectWithin60s(blockedUntil(never), "-v", l.getsockname().toString());

            assertThat(r.exit()).as(r.err()).isZero();
            assertThat(r.outText()).isEqualTo("daytime\n");
            assertThat(r.err()).contains("the peer closed the connection (first: standard input still open)");
            server.get(10, TimeUnit.SECONDS);
        } finally {
            never.countDown();
        }
    }

    @Test
    void aResetFromThePeerIsOneLineAndExitOne() throws Exception {
        CountDownLatch never = new CountDownLatch(1);
        CountDownLatch clientGotHello = new CountDownLatch(1);
        try (Socket l = listenOnLoopback()) {
            CompletableFuture<Void> server = serveOnce(l, c -> {
                c.writeFully("hello\n".getBytes(StandardCharsets.US_ASCII));
                awaitUninterruptibly(clientGotHello); // so the RST hits recv, not the end of connect
                c.setOption(SockOpt.SO_LINGER, Linger.on(0)); // and close sends RST
            });
            String target = l.getsockname().toString();
            OutputStream tee = new OutputStream() {
                @Override
                public void write(int b) {
                    clientGotHello.countDown();
                }
            };

            CliRun r = CliRun.connectWithin60s(blockedUntil(never), tee, target);

            assertThat(r.exit()).isEqualTo(1);
            assertThat(r.outText()).isEqualTo("hello\n");
            assertThat(r.err()).isEqualTo("jsock: recv " + target + ": ECONNRESET (Connection reset by peer)\n");
            server.get(10, TimeUnit.SECONDS);
        } finally {
            never.countDown();
            clientGotHello.countDown();
        }
    }

    private static void awaitUninterruptibly(CountDownLatch latch) throws IOException {
        try {
            if (!latch.await(30, TimeUnit.SECONDS)) throw new IOException("the client never got the server's bytes");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    @Test
    void withoutLingerTheClientsCloseIsAFinButLingerZeroMakesItAnRst() throws Exception {
        assertThat(whatTheServerReadsAfterTheClientCloses()).isEqualTo("end of stream");
        assertThat(whatTheServerReadsAfterTheClientCloses("--linger", "0")).isEqualTo("ECONNRESET");
    }

    /**
     * The server half-closes (the client's copy ends) and keeps reading: a normal close of the client
     * reaches it as end of stream, an abortive one (SO_LINGER 0) as ECONNRESET.
     */
    private static String whatTheServerReadsAfterTheClientCloses(String... options) throws Exception {
        CountDownLatch never = new CountDownLatch(1);
        try (Socket l = listenOnLoopback()) {
            CompletableFuture<String> seen = new CompletableFuture<>();
            Thread.ofVirtual().start(() -> {
                try (Socket c = l.accept().socket()) {
                    c.writeFully("bye\n".getBytes(StandardCharsets.US_ASCII));
                    c.shutdown(Shutdown.WRITE);
                    seen.complete(c.read(new byte[16]) < 0 ? "end of stream" : "data");
                } catch (ErrnoException e) {
                    seen.complete(e.errno() == Errno.ECONNRESET ? "ECONNRESET" : e.getMessage());
                } catch (IOException e) {
                    seen.completeExceptionally(e);
                }
            });
            String[] args = new String[options.length + 1];
            System.arraycopy(options, 0, args, 0, options.length);
            args[options.length] = l.getsockname().toString();

            CliRun r = CliRun.connectWithin60s(blockedUntil(never), args);

            assertThat(r.exit()).as(r.err()).isZero();
            assertThat(r.outText()).isEqualTo("bye\n");
            return seen.get(30, TimeUnit.SECONDS);
        } finally {
            never.countDown();
        }
    }

    @Test
    void badInputExitsTwoSayingWhatWouldBeAccepted() throws Exception {
        CliRun noPort = CliRun.connect("", "127.0.0.1");
        assertThat(noPort.exit()).isEqualTo(2);
        assertThat(noPort.err()).startsWith("jsock: bad address '127.0.0.1' (no port); expected IPv4:PORT").doesNotContain("\tat ");

        CliRun badIp = CliRun.connect("", "999.1.1.1:80"); // a bad IPv4 literal, not a name to look up (as serve says)
        assertThat(badIp.exit()).isEqualTo(2);
        assertThat(badIp.err()).startsWith("jsock: bad address '999.1.1.1:80' ('999.1.1.1' is not an IPv4 address); expected");

        CliRun badTimeout = CliRun.connect("", "127.0.0.1:9", "--timeout", "5x");
        assertThat(badTimeout.exit()).isEqualTo(2);
        assertThat(badTimeout.err()).isEqualTo("jsock: bad --timeout '5x'; expected a number with a unit: 500ms, 5s, 1.5s, 2m, 1h\n");

        CliRun badRetries = CliRun.connect("", "127.0.0.1:9", "--syn-retries", "0");
        assertThat(badRetries.exit()).isEqualTo(2);
        assertThat(badRetries.err()).isEqualTo("jsock: bad --syn-retries 0; expected 1 to 127 (TCP_SYNCNT)\n");

        CliRun badLinger = CliRun.connect("", "127.0.0.1:9", "--linger", "-1");
        assertThat(badLinger.exit()).isEqualTo(2);
        assertThat(badLinger.err()).contains("expected seconds >= 0");

        CliRun badBind = CliRun.connect("", "127.0.0.1:9", "--bind", "nowhere");
        assertThat(badBind.exit()).isEqualTo(2);
        assertThat(badBind.err()).startsWith("jsock: bad --bind 'nowhere'; expected a local address with or without a port");

        CliRun familyMismatch = CliRun.connect("", "127.0.0.1:9", "--bind", "[::1]:0");
        assertThat(familyMismatch.exit()).isEqualTo(2);
        assertThat(familyMismatch.err()).contains("bind an address of the same family");

        CliRun unknownOption = CliRun.connect("", "127.0.0.1:9", "--frobnicate");
        assertThat(unknownOption.exit()).isEqualTo(2);
        assertThat(unknownOption.err()).contains("Unknown option: '--frobnicate'").contains("connect --help").hasLineCount(1);
    }

    @Test
    void aBindToAnAddressThisHostDoesNotHaveFailsWithTheKernelsErrno() throws Exception {
        CliRun r = CliRun.connect("", "--bind", "10.213.255.254:0", "127.0.0.1:9");

        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).isEqualTo("jsock: bind 10.213.255.254:0: EADDRNOTAVAIL (Cannot assign requested address)\n");
    }

    @Test
    void aUnixSocketPathIsAnAddressToo() throws Exception {
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("jsock-connect");
        SockAddr path = SockAddr.parse(dir.resolve("echo.sock").toString());
        try (EchoServer echo = new EchoServer(path)) {
            CliRun r = CliRun.connect("over AF_UNIX\n", "--nodelay", path.toString()); // --nodelay: TCP only, skipped

            assertThat(r.exit()).as(r.err()).isZero();
            assertThat(r.outText()).isEqualTo("over AF_UNIX\n");
        } finally {
            java.nio.file.Files.deleteIfExists(dir.resolve("echo.sock"));
            java.nio.file.Files.delete(dir);
        }
    }

    // ---- helpers

    @FunctionalInterface
    interface Conn {
        void serve(Socket c) throws IOException;
    }

    private static Socket listenOnLoopback() throws IOException {
        Socket l = Socket.open(Family.INET, SocketType.STREAM, Protocol.TCP);
        l.bind(SockAddr.parse("127.0.0.1:0"));
        l.listen(4);
        return l;
    }

    /** Accepts one connection, runs {@code body} on it and closes it. */
    private static CompletableFuture<Void> serveOnce(Socket listener, Conn body) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        Thread.ofVirtual().name("test-serve-once").start(() -> {
            try {
                Accepted a = listener.accept();
                try (Socket c = a.socket()) {
                    body.serve(c);
                }
                done.complete(null);
            } catch (Throwable e) {
                done.completeExceptionally(e);
            }
        });
        return done;
    }

    /** Standard input that ends only when the latch is released: a terminal nobody types into. */
    private static InputStream blockedUntil(CountDownLatch release) {
        return new InputStream() {
            @Override
            public int read() throws IOException {
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return -1;
            }
        };
    }
}
