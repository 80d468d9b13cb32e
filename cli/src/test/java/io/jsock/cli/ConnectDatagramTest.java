package io.jsock.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.jsock.server.DatagramServer;
import io.jsock.server.Service;
import io.jsock.socket.Errno;
import io.jsock.socket.Family;
import io.jsock.socket.Protocol;
import io.jsock.socket.SockAddr;
import io.jsock.socket.Socket;
import io.jsock.socket.SocketType;
import io.jsock.socket.SyscallFailure;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code jsock connect -u}, {@code -l} and {@code seqpacket:PATH}, against jsock's servers, socat, nc and a seqpacket socket made here. */
class ConnectDatagramTest {

    @TempDir
    Path dir;

    private static ByteArrayInputStream in(String text) {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void udpSendsEachLineAsADatagramAndPrintsTheReplies() throws Exception {
        try (DatagramServer s = DatagramServer.builder().bind("udp:127.0.0.1:0").service(Service.ECHO).start()) {
            CliRun r = CliRun.connectWithin60s(in("one\ntwo\nthree"), "-u", "--timeout", "1s", "-v", s.localAddress().toString());
            assertThat(r.exit()).as(r.err()).isZero();
            assertThat(r.outText()).isEqualTo("one\ntwo\nthree");
            assertThat(s.counts().received()).as("a datagram per line").isEqualTo(3);
            assertThat(r.err()).contains("3 datagram(s) sent to " + s.localAddress() + ", 3 received");
        }
    }

    @Test
    void udpAgainstSocatsEcho() throws Exception {
        int port = freeUdpPort();
        Process socat = new ProcessBuilder("socat", "-T", "30", "UDP-LISTEN:" + port + ",bind=127.0.0.1", "PIPE")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try {
            awaitBound(SocketType.DGRAM, port);
            CliRun r = CliRun.connectWithin60s(in("to socat\n"), "-u", "--timeout", "1s", "127.0.0.1:" + port);
            assertThat(r.exit()).as(r.err()).isZero();
            assertThat(r.outText()).isEqualTo("to socat\n");
        } finally {
            socat.destroy();
            socat.waitFor(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void icmpPortUnreachableIsOneLineSayingSoAndExitOne() throws Exception {
        int port = freeUdpPort(); // nothing bound: the kernel answers ICMP port unreachable
        CliRun r = CliRun.connectWithin60s(in("anyone?\n"), "-u", "--timeout", "5s", "127.0.0.1:" + port);
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).isEqualTo("jsock: recv 127.0.0.1:" + port + ": ECONNREFUSED (Connection refused): "
                + "ICMP port unreachable, nothing listens on UDP 127.0.0.1:" + port + "\n");
    }

    @Test
    void noReplyWithinTheTimeoutIsOneLineAndExitOne() throws Exception {
        try (Socket silent = Socket.open(Family.INET, SocketType.DGRAM, Protocol.UDP)) {
            silent.bind(SockAddr.parse("127.0.0.1:0"));
            CliRun r = CliRun.connectWithin60s(in("hello?\n"), "-u", "--timeout", "300ms", silent.getsockname().toString());
            assertThat(r.exit()).isEqualTo(1);
            assertThat(r.err()).startsWith("jsock: no reply from " + silent.getsockname() + " within ");
            assertThat(silent.recvfrom(java.nio.ByteBuffer.allocate(100)).length()).as("the datagram did arrive").isEqualTo(7);
        }
    }

    @Test
    void listenOnceOverTcpRelaysBothWaysWithNc() throws Exception {
        int port = freeTcpPort();
        CompletableFuture<CliRun> jsock = CompletableFuture.supplyAsync(() -> run(in("from jsock\n"), "-l", "127.0.0.1:" + port));
        awaitBound(SocketType.STREAM, port);
        byte[] fromJsock = null;
        for (int attempt = 0; attempt < 50 && fromJsock == null; attempt++) { // bound a moment before it listens
            // Without -N: nc sends no FIN at the end of its input (a FIN ends jsock's relay at once, as in connect), and
            // exits when jsock, its input sent, closes.
            Process nc = new ProcessBuilder("nc", "127.0.0.1", Integer.toString(port)).start();
            nc.getOutputStream().write("from nc\n".getBytes(StandardCharsets.US_ASCII));
            nc.getOutputStream().close();
            byte[] got = nc.getInputStream().readAllBytes();
            assertThat(nc.waitFor(60, TimeUnit.SECONDS)).isTrue();
            if (nc.exitValue() == 0) fromJsock = got;
            else Thread.sleep(20);
        }
        assertThat(fromJsock).asString(StandardCharsets.US_ASCII).isEqualTo("from jsock\n");
        CliRun r = jsock.get(60, TimeUnit.SECONDS);
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.outText()).isEqualTo("from nc\n");
    }

    @Test
    void listenOnceOverUdpTakesTheFirstSenderAsItsPeer() throws Exception {
        int port = freeUdpPort();
        CompletableFuture<CliRun> jsock = CompletableFuture.supplyAsync(() -> run(in("back to nc\n"), "-u", "-l", "--timeout", "1s", "127.0.0.1:" + port));
        awaitBound(SocketType.DGRAM, port);
        byte[] reply = ServeCommandTest.client(List.of("nc", "-u", "-w2", "127.0.0.1", Integer.toString(port)), "hello from nc\n".getBytes());
        assertThat(new String(reply, StandardCharsets.US_ASCII)).isEqualTo("back to nc\n");
        CliRun r = jsock.get(60, TimeUnit.SECONDS);
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.outText()).isEqualTo("hello from nc\n");
    }

    @Test
    void seqpacketSendsEachLineAsOneRecord() throws Exception {
        SockAddr path = SockAddr.Local.path(dir.resolve("records.sock").toString());
        List<Integer> recordSizes = new ArrayList<>();
        try (Socket l = Socket.open(Family.LOCAL, SocketType.SEQPACKET, Protocol.DEFAULT)) {
            l.bind(path);
            l.listen(1);
            CompletableFuture<Void> server = CompletableFuture.runAsync(() -> {
                try (Socket c = l.accept().socket()) {
                    byte[] b = new byte[1000];
                    for (int n; (n = c.read(b)) > 0; ) { // each read: one record
                        recordSizes.add(n);
                        c.write(new String(b, 0, n, StandardCharsets.US_ASCII).toUpperCase().getBytes(StandardCharsets.US_ASCII));
                    }
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            CliRun r = CliRun.connectWithin60s(in("a\nbb\nccc\n"), "seqpacket:" + path);
            assertThat(r.exit()).as(r.err()).isZero();
            assertThat(r.outText()).isEqualTo("A\nBB\nCCC\n");
            server.get(60, TimeUnit.SECONDS);
            assertThat(recordSizes).containsExactly(2, 3, 4);
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "seqpacket:PATH connects to a Unix seqpacket socket; -u and -l take HOST:PORT | -u seqpacket:/tmp/x",
        "--syn-retries, --nodelay and --linger are TCP's; -u sends UDP datagrams | -u --nodelay 127.0.0.1:7",
        "with -l, HOST:PORT is the local address to listen on; --bind does not apply | -l --bind 127.0.0.1:0 127.0.0.1:0",
        "-u sends UDP to HOST:PORT; /tmp/x is a Unix socket path | -u /tmp/x",
        "-u listens on UDP HOST:PORT, not a Unix socket path | -u -l /tmp/x",
        "bad address 'seqpacket:127.0.0.1:7'; seqpacket: takes a Unix socket path or @name: seqpacket:/run/x.sock, seqpacket:@name | seqpacket:127.0.0.1:7",
    })
    void badCombinationsAreOneLineAndExitTwo(String message, String args) throws Exception {
        CliRun r = CliRun.connect("", args.split(" "));
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).isEqualTo("jsock: " + message + "\n");
    }

    private static CliRun run(ByteArrayInputStream stdin, String... args) {
        try {
            return CliRun.connectWithin60s(stdin, args);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static int freeUdpPort() throws IOException {
        try (Socket s = Socket.open(Family.INET, SocketType.DGRAM, Protocol.UDP)) {
            s.bind(SockAddr.parse("127.0.0.1:0"));
            return s.getsockname().port();
        }
    }

    private static int freeTcpPort() throws IOException {
        try (Socket s = Socket.open(Family.INET, SocketType.STREAM, Protocol.TCP)) {
            s.bind(SockAddr.parse("127.0.0.1:0"));
            return s.getsockname().port();
        }
    }

    /** Waits (bounded: 10 s) until something has bound 127.0.0.1:port: a bind of our own there fails with EADDRINUSE. */
    private static void awaitBound(SocketType type, int port) throws Exception {
        for (int i = 0; i < 1000; i++) {
            try (Socket probe = Socket.open(Family.INET, type, Protocol.DEFAULT)) {
                probe.bind(SockAddr.parse("127.0.0.1:" + port));
            } catch (IOException e) {
                if (e instanceof SyscallFailure f && f.errno() == Errno.EADDRINUSE) return;
                throw e;
            }
            Thread.sleep(10);
        }
        throw new AssertionError("nothing bound 127.0.0.1:" + port + " within 10 s");
    }
}
