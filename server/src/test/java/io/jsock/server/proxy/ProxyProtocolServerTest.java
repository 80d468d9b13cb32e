package io.jsock.server.proxy;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jsock.server.Admission;
import io.jsock.server.Cidr;
import io.jsock.server.Clients;
import io.jsock.server.Model;
import io.jsock.server.Service;
import io.jsock.server.TcpServer;
import io.jsock.server.proxy.ProxyHeader.Tlv;
import io.jsock.socket.Family;
import io.jsock.socket.Protocol;
import io.jsock.socket.SockAddr;
import io.jsock.socket.SockOpt;
import io.jsock.socket.Socket;
import io.jsock.socket.SocketType;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** A listener with the PROXY protocol on, over loopback: the header's client becomes the peer; bad, late and untrusted headers cost only their connection. */
class ProxyProtocolServerTest {
    private static final SockAddr CLIENT = SockAddr.parse("192.0.2.7:40000"), SERVED = SockAddr.parse("198.51.100.2:80");

    private final Queue<String> log = new ConcurrentLinkedQueue<>();

    private TcpServer echo(Model model, List<String> from, Duration deadline) throws IOException {
        return TcpServer.builder().bind("127.0.0.1:0").model(model).handler(Service.ECHO)
                .proxyProtocol(from, deadline).log(log::add).start();
    }

    private static Socket client(TcpServer s, String from) throws IOException {
        Socket c = Socket.open(Family.INET, SocketType.STREAM, Protocol.TCP);
        c.setTimeout(Clients.READ_LIMIT);
        c.bind(SockAddr.parse(from + ":0"));
        c.connect(s.localAddress());
        return c;
    }

    private String lineFor(String what) throws InterruptedException {
        Clients.waitFor(() -> log.stream().anyMatch(l -> l.contains(what)));
        return log.stream().filter(l -> l.contains(what)).findFirst().orElse("(no line with " + what + " in " + log + ")");
    }

    /** Each way a model reads the header: blocking in a thread (virtual, thread, pool) and a round per readiness in a loop (epoll, uring). */
    static Stream<Arguments> versionsAndModels() {
        return Stream.of("v1", "v2", "v2crc").flatMap(v -> Stream.of("virtual", "epoll:1", "epoll:2", "uring:1", "uring:2").map(m -> Arguments.of(v, m)));
    }

    @ParameterizedTest
    @MethodSource("versionsAndModels")
    void theHeadersClientIsThePeerAndTheDataAfterItIsServed(String version, String model) throws Exception {
        byte[] header = switch (version) {
            case "v1" -> ProxyHeaders.v1(CLIENT, SERVED);
            case "v2" -> ProxyHeaders.v2(CLIENT, SERVED, List.of(), false);
            default -> ProxyHeaders.v2(CLIENT, SERVED, List.of(new Tlv(Tlv.AUTHORITY, "example.com".getBytes(US_ASCII))), true);
        };
        try (TcpServer s = echo(Model.parse(model), List.of("127.0.0.0/8"), Duration.ofSeconds(3)); Socket c = client(s, "127.0.0.1")) {
            c.writeFully(header);
            assertThat(new String(Clients.echo(c, "hello".getBytes(US_ASCII)), US_ASCII)).isEqualTo("hello");
            String open = lineFor(" open");
            assertThat(open).startsWith("#1 192.0.2.7:40000 > 198.51.100.2:80 open (PROXY v" + version.charAt(1) + " via 127.0.0.1:");
        }
        assertThat(lineFor(" closed")).startsWith("#1 192.0.2.7:40000 > 198.51.100.2:80 closed");
    }

    @ParameterizedTest
    @ValueSource(strings = {"thread", "epoll:1", "uring:1"})
    void aHeaderSplitOverManySegmentsIsReadWholeAndNothingAfterIt(String model) throws Exception {
        byte[] header = ProxyHeaders.v2(CLIENT, SERVED, List.of(new Tlv(Tlv.UNIQUE_ID, new byte[64])), true);
        try (TcpServer s = echo(Model.parse(model), List.of(), Duration.ofSeconds(10)); Socket c = client(s, "127.0.0.1")) {
            c.setOption(SockOpt.TCP_NODELAY, true);
            for (byte b : header) c.writeFully(new byte[] {b}); // one segment per byte (or as the kernel merges them)
            assertThat(Clients.echoByte(c, (byte) 'x')).isEqualTo((byte) 'x');
            assertThat(lineFor(" open")).contains("192.0.2.7:40000");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"virtual", "epoll:1", "uring:1"})
    void aHeaderNotCompleteWithinTheDeadlineClosesTheConnection(String model) throws Exception {
        try (TcpServer s = echo(Model.parse(model), List.of(), Duration.ofMillis(300)); Socket c = client(s, "127.0.0.1")) {
            c.writeFully("PROXY TCP4 192.0".getBytes(US_ASCII));
            assertThat(readUntilClosed(c)).isTrue();
            assertThat(lineFor("refused")).contains("PROXY header: not complete within 300 ms (16 byte(s) came)");
            assertThat(s.activeConnections()).isZero();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"virtual", "epoll:1", "uring:1"})
    void aSourceOutsideProxyFromIsClosedAtOnceAndATrustedOneServed(String model) throws Exception {
        try (TcpServer s = echo(Model.parse(model), List.of("127.0.0.1/32"), Duration.ofSeconds(3))) {
            try (Socket untrusted = client(s, "127.0.0.2")) {
                untrusted.writeFully(ProxyHeaders.v1(CLIENT, SERVED));
                assertThat(readUntilClosed(untrusted)).isTrue();
            }
            assertThat(lineFor("refused")).startsWith("127.0.0.2:").contains("is not in --proxy-from");
            try (Socket trusted = client(s, "127.0.0.1")) {
                trusted.writeFully(ProxyHeaders.v1(CLIENT, SERVED));
                assertThat(Clients.echoByte(trusted, (byte) 7)).isEqualTo((byte) 7);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"pool:4", "epoll:2", "uring:2"})
    void aBadHeaderClosesOnlyItsConnection(String model) throws Exception {
        try (TcpServer s = echo(Model.parse(model), List.of(), Duration.ofSeconds(3)); Socket good = client(s, "127.0.0.1")) {
            good.writeFully(ProxyHeaders.v1(CLIENT, SERVED));
            assertThat(Clients.echoByte(good, (byte) 1)).isEqualTo((byte) 1);
            for (String bad : List.of("GET / HTTP/1.0\r\n\r\n", "PROXY TCP4 1.2.3.4 5.6.7.8 80000 80\r\n", "PROXY TCP4 1.2.3.4\n")) {
                try (Socket c = client(s, "127.0.0.1")) {
                    c.writeFully(bad.getBytes(US_ASCII));
                    assertThat(readUntilClosed(c)).as(bad).isTrue();
                }
            }
            assertThat(Clients.echoByte(good, (byte) 2)).as("the good connection goes on").isEqualTo((byte) 2);
            Clients.waitFor(() -> log.stream().filter(l -> l.contains("refused")).count() == 3);
            assertThat(log.stream().filter(l -> l.contains("refused"))).hasSize(3);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"virtual", "epoll:1", "uring:1"})
    void aLocalHeaderKeepsTheRealEndpoints(String model) throws Exception {
        try (TcpServer s = echo(Model.parse(model), List.of(), Duration.ofSeconds(3)); Socket c = client(s, "127.0.0.1")) {
            c.writeFully(ProxyHeaders.v2Local());
            assertThat(Clients.echoByte(c, (byte) 3)).isEqualTo((byte) 3);
            assertThat(lineFor(" open")).startsWith("#1 " + c.getsockname() + " > " + s.localAddress() + " open (PROXY v2 LOCAL)");
        }
    }

    @Test
    void anExecChildSeesTheHeadersClientAndProxyOne() throws Exception {
        try (TcpServer s = TcpServer.builder().bind("127.0.0.1:0").model(Model.PROCESS)
                .command(List.of("/bin/sh", "-c", "echo \"$TCPREMOTEIP $TCPREMOTEPORT $TCPLOCALIP $TCPLOCALPORT PROXY=$PROXY\""))
                .proxyProtocol(List.of("127.0.0.1/32"), Duration.ofSeconds(3)).log(log::add).start();
             Socket c = client(s, "127.0.0.1")) {
            c.writeFully(ProxyHeaders.v2(CLIENT, SERVED, List.of(), false));
            String line = new String(c.inputStream().readAllBytes(), US_ASCII);
            assertThat(line).isEqualTo("192.0.2.7 40000 198.51.100.2 80 PROXY=1\n");
        }
    }

    /** The header's client is the source admission judges: denied, and counted per source, by the header's address. */
    @ParameterizedTest
    @ValueSource(strings = {"virtual", "epoll:1", "uring:1"})
    void theHeadersSourceIsTheOneAdmissionJudges(String model) throws Exception {
        Admission rules = Admission.builder().deny(Cidr.parse("192.0.2.0/24")).maxPerSource(1).build();
        SockAddr other = SockAddr.parse("203.0.113.9:5000");
        try (TcpServer s = TcpServer.builder().bind("127.0.0.1:0").model(Model.parse(model)).handler(Service.ECHO)
                .proxyProtocol(List.of("127.0.0.1/32"), Duration.ofSeconds(3)).admission(rules).log(log::add).start()) {
            try (Socket denied = client(s, "127.0.0.1")) {
                denied.writeFully(ProxyHeaders.v1(CLIENT, SERVED));
                assertThat(readUntilClosed(denied)).isTrue();
            }
            assertThat(lineFor("refused")).contains("192.0.2.7:40000").endsWith("refused: deny 192.0.2.0/24");
            try (Socket first = client(s, "127.0.0.1"); Socket second = client(s, "127.0.0.1")) {
                first.writeFully(ProxyHeaders.v2(other, SERVED, List.of(), false));
                assertThat(Clients.echoByte(first, (byte) 1)).isEqualTo((byte) 1);
                second.writeFully(ProxyHeaders.v2(other, SERVED, List.of(), false));
                assertThat(readUntilClosed(second)).as("a second from the header's source").isTrue();
                assertThat(lineFor("refused: max-per-ip")).contains("203.0.113.9:5000").endsWith("refused: max-per-ip 1 from 203.0.113.9");
                assertThat(Clients.echoByte(first, (byte) 2)).as("the first goes on").isEqualTo((byte) 2);
            }
        }
    }

    /**
     * prefork: the worker reads the header, logs the header's client, and counts --max-per-ip by it
     * (one worker: the counts are each worker's own), not by the proxy's address all come from.
     */
    @Test
    void aPreforkWorkerReadsTheHeaderAndCountsItsLimitsByTheHeadersSource() throws Exception {
        SockAddr other = SockAddr.parse("192.0.2.8:40001");
        try (TcpServer s = TcpServer.builder().bind("127.0.0.1:0").model(Model.parse("prefork:1")).handler(Service.ECHO)
                .admission(Admission.builder().maxPerSource(1).build())
                .proxyProtocol(List.of("127.0.0.1/32"), Duration.ofSeconds(3)).log(log::add).start();
             Socket first = client(s, "127.0.0.1"); Socket second = client(s, "127.0.0.1")) {
            first.writeFully(ProxyHeaders.v2(CLIENT, SERVED, List.of(), false));
            assertThat(Clients.echoByte(first, (byte) 1)).isEqualTo((byte) 1); // held open: CLIENT has its one connection
            assertThat(lineFor(" open")).matches("worker [0-9]+: #1 192.0.2.7:40000 > 198.51.100.2:80 open \\(PROXY v2 via 127.0.0.1:[0-9]+\\)");
            second.writeFully(ProxyHeaders.v1(other, SERVED));
            assertThat(Clients.echoByte(second, (byte) 2)).as("another client behind the same proxy").isEqualTo((byte) 2);
            try (Socket again = client(s, "127.0.0.1")) {
                again.writeFully(ProxyHeaders.v1(CLIENT, SERVED));
                assertThat(readUntilClosed(again)).as("CLIENT's second connection: over --max-per-ip 1").isTrue();
            }
            try (Socket untrusted = client(s, "127.0.0.2")) {
                untrusted.writeFully(ProxyHeaders.v1(other, SERVED));
                assertThat(readUntilClosed(untrusted)).as("a source outside --proxy-from").isTrue();
            }
            assertThat(Clients.echoByte(first, (byte) 3)).as("the first goes on").isEqualTo((byte) 3);
        }
    }

    /** Reads until the server closes: true at end of stream or a reset. */
    private static boolean readUntilClosed(Socket c) throws IOException {
        try {
            ByteBuffer b = ByteBuffer.allocate(256);
            while (c.read(b) >= 0) b.clear();
            return true;
        } catch (io.jsock.socket.ErrnoException e) {
            return e.getMessage().contains("ECONNRESET");
        }
    }
}
