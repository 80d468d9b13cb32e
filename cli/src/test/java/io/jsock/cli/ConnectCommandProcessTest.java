package io.jsock.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.jsock.cli.JsockProcess.Run;
import io.jsock.socket.ErrnoBindException;
import io.jsock.socket.Family;
import io.jsock.socket.Protocol;
import io.jsock.socket.SockAddr;
import io.jsock.socket.Socket;
import io.jsock.socket.SocketType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code jsock connect} as its own process on loopback: real standard input and output, exit status, name look-ups. */
class ConnectCommandProcessTest {

    @Test
    void echoHiPrintsHiAndExitsZero() throws Exception {
        try (EchoServer echo = EchoServer.onLoopback()) {
            Run r = JsockProcess.run(JsockProcess.command(List.of(), "connect", echo.address().toString()),
                    "hi\n".getBytes(StandardCharsets.US_ASCII));

            assertThat(r.err()).isEmpty();
            assertThat(r.outText()).isEqualTo("hi\n");
            assertThat(r.exit()).isZero();
        }
    }

    @Test
    void randomBytesSurviveTheRealStandardStreams() throws Exception {
        byte[] data = new byte[2 * 1024 * 1024 + 3];
        new Random(25).nextBytes(data);
        try (EchoServer echo = EchoServer.onLoopback()) {
            Run r = JsockProcess.run(JsockProcess.command(List.of(), "connect", echo.address().toString()), data);

            assertThat(r.exit()).as(r.err()).isZero();
            assertThat(r.out()).isEqualTo(data);
        }
    }

    @Test
    void eachAddressOfANameIsTriedInTurn(@TempDir Path dir) throws Exception {
        Path hosts = dir.resolve("hosts");
        Files.writeString(hosts, "127.0.0.1 two.jsock.test\n::1 two.jsock.test\n");
        for (int attempt = 0; attempt < 5; attempt++) {
            try (EchoServer echo = new EchoServer(SockAddr.parse("[::1]:0"));
                    Socket reserved = Socket.open(Family.INET, SocketType.STREAM, Protocol.TCP)) {
                int port = echo.address().port();
                try {
                    reserved.bind(SockAddr.parse("127.0.0.1:" + port)); // bound, not listening: refused
                } catch (ErrnoBindException inUse) {
                    continue; // someone has this port on IPv4: take another
                }
                Run r = JsockProcess.run(JsockProcess.command(List.of("-Djdk.net.hosts.file=" + hosts),
                        "connect", "-v", "two.jsock.test:" + port), "both?\n".getBytes(StandardCharsets.US_ASCII));

                assertThat(r.exit()).as(r.err()).isZero();
                assertThat(r.outText()).isEqualTo("both?\n");
                assertThat(r.err()).startsWith("jsock: connect 127.0.0.1:" + port
                        + ": ECONNREFUSED (Connection refused) after ")
                        .contains("; trying the next address\njsock: connected: local [::1]:")
                        .contains(", peer [::1]:" + port + "\n");
                return;
            }
        }
        throw new AssertionError("no port free on both [::1] and 127.0.0.1 in 5 tries");
    }

    @Test
    void aNameThatDoesNotResolveIsOneLineAndExitOne(@TempDir Path dir) throws Exception {
        Path hosts = dir.resolve("hosts"); // a hosts file of our own: no DNS query leaves this machine
        Files.writeString(hosts, "127.0.0.1 one.jsock.test\n");

        Run r = JsockProcess.run(JsockProcess.command(List.of("-Djdk.net.hosts.file=" + hosts),
                "connect", "nosuch.jsock.test:80"), new byte[0]);

        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).isEqualTo("jsock: connect nosuch.jsock.test:80: cannot resolve 'nosuch.jsock.test' (no address for this name)\n");
    }

    @Test
    void helpDocumentsTheExitStatus() throws Exception {
        Run r = JsockProcess.run(JsockProcess.command(List.of(), "connect", "--help"), new byte[0]);

        assertThat(r.exit()).isZero();
        assertThat(r.outText()).contains("Exit status:").contains("0   connected").contains("1   a call failed")
                .contains("2   bad usage").contains("-u, --udp").contains("-l, --listen").contains("seqpacket:PATH");
    }
}
