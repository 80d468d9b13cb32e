package io.jsock.server;

import static io.jsock.server.Clients.connect;
import static io.jsock.server.Clients.echo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jsock.socket.Errno;
import io.jsock.socket.Family;
import io.jsock.socket.Protocol;
import io.jsock.socket.SockAddr;
import io.jsock.socket.SockOpt;
import io.jsock.socket.Socket;
import io.jsock.socket.SocketType;
import io.jsock.socket.SyscallFailure;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/** Every endpoint a TcpServer listens on: TCP, Unix stream and Unix seqpacket, in every model; the socket file's life. */
class EndpointsTest {
    @TempDir
    Path dir;

    private static TcpServer.Builder echoServer(String model, Endpoint where) {
        TcpServer.Builder b = TcpServer.builder().bind(where).model(Model.parse(model)).grace(Duration.ofSeconds(10));
        return model.startsWith("process") ? b.command(List.of("cat")) : b.handler(Service.ECHO);
    }

    @ParameterizedTest
    @MethodSource("io.jsock.server.EveryModelTest#models")
    void aUnixStreamSocketServesInEveryModelAndItsFileGoesAtStop(String model) throws Exception {
        Path file = dir.resolve("echo.sock");
        try (TcpServer s = echoServer(model, Endpoint.parse(file.toString())).start()) {
            assertThat(s.endpoint().type()).isEqualTo(SocketType.STREAM);
            for (int i = 0; i < 3; i++) {
                try (Socket c = connect(s.localAddress())) {
                    byte[] data = ("hello over a Unix socket " + i).repeat(1000).getBytes(StandardCharsets.US_ASCII);
                    assertThat(echo(c, data)).isEqualTo(data);
                }
            }
            assertThat(file).exists();
        }
        assertThat(file).as("a clean stop removes the socket file").doesNotExist();
    }

    @ParameterizedTest
    @MethodSource("io.jsock.server.EveryModelTest#models")
    void aSeqpacketSocketKeepsRecordBoundariesInEveryModel(String model) throws Exception {
        Path file = dir.resolve("records.sock");
        try (TcpServer s = echoServer(model, Endpoint.parse("seqpacket:" + file)).start();
                Socket c = connect(s.localAddress(), SocketType.SEQPACKET)) {
            assertThat(s.endpoint().toString()).isEqualTo("seqpacket:" + file);
            for (String record : List.of("one", "two records", "three")) {
                c.writeFully(record.getBytes(StandardCharsets.US_ASCII));
                ByteBuffer back = ByteBuffer.allocate(100);
                c.read(back);
                assertThat(new String(back.array(), 0, back.position(), StandardCharsets.US_ASCII))
                        .as("one read, one record").isEqualTo(record);
            }
        }
        assertThat(file).doesNotExist();
    }

    @Test
    void aStaleSocketFileIsRemovedAndBoundAgain() throws Exception {
        Path file = dir.resolve("stale.sock");
        try (Socket gone = Socket.open(Family.LOCAL, SocketType.STREAM, Protocol.DEFAULT)) {
            gone.bind(SockAddr.of(file)); // bound, never listening, then closed: the file stays, as after a crash
        }
        assertThat(file).exists();
        try (TcpServer s = echoServer("virtual", Endpoint.parse(file.toString())).start(); Socket c = connect(s.localAddress())) {
            assertThat(echo(c, new byte[] {1, 2, 3})).containsExactly(1, 2, 3);
        }
    }

    @Test
    void aLiveSocketFileIsEaddrinuseWithAHintAndIsLeftAlone() throws Exception {
        Path file = dir.resolve("live.sock");
        try (TcpServer first = echoServer("virtual", Endpoint.parse(file.toString())).start()) {
            assertThatThrownBy(() -> echoServer("thread", Endpoint.parse(file.toString())).start())
                    .isInstanceOf(java.net.BindException.class)
                    .hasMessage("bind " + file + ": EADDRINUSE (Address already in use): a server is accepting on it; stop it first");
            try (Socket c = connect(first.localAddress())) {
                assertThat(echo(c, new byte[] {9})).containsExactly(9);
            }
        }
    }

    @Test
    void aFileThatIsNotASocketIsNeverRemoved() throws Exception {
        Path file = dir.resolve("data.txt");
        Files.writeString(file, "keep me");
        assertThatThrownBy(() -> echoServer("virtual", Endpoint.parse(file.toString())).start())
                .isInstanceOf(java.net.BindException.class)
                .hasMessageContaining("EADDRINUSE").hasMessageEndingWith("the path exists and is not a socket; choose another path or remove it");
        assertThat(file).hasContent("keep me");
    }

    @Test
    void theSocketModeIsSetOnTheFile() throws Exception {
        Path file = dir.resolve("mode.sock");
        try (TcpServer s = echoServer("virtual", Endpoint.parse(file.toString()))
                .socketMode(PosixFilePermissions.fromString("rw-rw----")).start()) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-rw----");
        }
    }

    @ParameterizedTest
    @CsvSource({"false", "true"})
    void anInheritedSocketIsServedListeningOrNotAndItsFileIsNotItsToRemove(boolean listening) throws Exception {
        Path file = dir.resolve("inherited.sock");
        Socket l = Socket.open(Family.LOCAL, SocketType.STREAM, Protocol.DEFAULT);
        l.bind(SockAddr.of(file));
        if (listening) l.listen(5);
        try (TcpServer s = TcpServer.builder().listener(l).handler(Service.ECHO).start(); Socket c = connect(s.localAddress())) {
            assertThat(l.getOption(SockOpt.SO_ACCEPTCONN)).isTrue();
            assertThat(echo(c, new byte[] {4, 2})).containsExactly(4, 2);
        }
        assertThat(l.isOpen()).as("the server owned it and closed it").isFalse();
        assertThat(file).as("the file belongs to whoever made it (systemd)").exists();
    }

    @ParameterizedTest
    @MethodSource("io.jsock.server.EveryModelTest#models")
    void anInheritedTcpListenerIsServedInEveryModel(String model) throws Exception {
        Socket l = Socket.open(Family.INET, SocketType.STREAM, Protocol.DEFAULT);
        l.bind(SockAddr.parse("127.0.0.1:0"));
        l.listen(16);
        TcpServer.Builder b = TcpServer.builder().listener(l).model(Model.parse(model)).grace(Duration.ofSeconds(10));
        if (model.startsWith("process")) b.command(List.of("cat"));
        else b.handler(Service.ECHO);
        try (TcpServer s = b.start()) {
            for (int i = 0; i < 4; i++) {
                try (Socket c = connect(s.localAddress())) {
                    assertThat(echo(c, new byte[] {(byte) i})).containsExactly((byte) i);
                }
            }
        }
    }

    @Test
    void aDatagramEndpointOrSocketIsNotATcpServers() throws Exception {
        assertThatThrownBy(() -> TcpServer.builder().bind(Endpoint.parse("udp:127.0.0.1:0")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("DatagramServer");
        try (Socket d = Socket.open(Family.INET, SocketType.DGRAM, Protocol.DEFAULT)) {
            assertThatThrownBy(() -> TcpServer.builder().listener(d))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("a TcpServer serves a stream or seqpacket socket, not DGRAM");
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "127.0.0.1:7            | STREAM    | 127.0.0.1:7",
        "tcp:[::1]:7            | STREAM    | [::1]:7",
        "udp:127.0.0.1:7        | DGRAM     | udp:127.0.0.1:7",
        "UDP:*:7                | DGRAM     | udp:0.0.0.0:7",
        "/run/x.sock            | STREAM    | /run/x.sock",
        "./x.sock               | STREAM    | ./x.sock",
        "@name                  | STREAM    | @name",
        "seqpacket:/run/x.sock  | SEQPACKET | seqpacket:/run/x.sock",
        "seqpacket:@name        | SEQPACKET | seqpacket:@name",
        "dgram:/run/x.sock      | DGRAM     | dgram:/run/x.sock",
        "stream:/run/x.sock     | STREAM    | /run/x.sock",
    })
    void everyFormParsesAndPrintsBack(String text, SocketType type, String printed) {
        Endpoint e = Endpoint.parse(text);
        assertThat(e.type()).isEqualTo(type);
        assertThat(e.toString()).isEqualTo(printed);
        assertThat(Endpoint.parse(printed)).isEqualTo(e);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        ":9877                  | say which interfaces: 0.0.0.0:9877 or *:9877",
        "udp::9877              | say which interfaces",
        "udp:/run/x.sock        | udp: takes an IP address and port; a Unix socket is a path behind dgram: (dgram:/run/x.sock)",
        "tcp:@name              | tcp: takes an IP address and port",
        "seqpacket:127.0.0.1:9  | seqpacket: takes a Unix socket path or @name",
        "1.2.3:80               | '1.2.3' is not an IPv4 address",
        "127.0.0.1              | no port",
    })
    void badFormsSayWhatIsAccepted(String text, String why) {
        assertThatThrownBy(() -> Endpoint.parse(text)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("bad address '" + text + "' (")
                .hasMessageContaining(why)
                .hasMessageEndingWith("expected " + Endpoint.FORMS);
    }

    @Test
    void theErrnoOfAFailedBindIsKept() {
        assertThatThrownBy(() -> echoServer("virtual", Endpoint.parse(dir.resolve("no/such/dir.sock").toString())).start())
                .isInstanceOf(SyscallFailure.class).extracting(e -> ((SyscallFailure) e).errno()).isEqualTo(Errno.ENOENT);
    }
}
