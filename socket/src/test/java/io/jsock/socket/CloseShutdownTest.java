package io.jsock.socket;

import static io.jsock.socket.Loopback.assertErrno;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

/** close(2) against shutdown(2) (UNP 4.9): FIN goes with the last close, or at once with shutdown; SO_LINGER 0 sends RST. */
class CloseShutdownTest {

    @RepeatedTest(3)
    void withADuplicatedDescriptorThePeerSeesEndOfStreamOnlyAfterTheLastClose() throws IOException {
        Socket[] p = Loopback.tcpPair();
        try (Socket client = p[0]) {
            Socket server = p[1];
            Socket twin = server.dup();
            assertThat(twin.fd()).isNotEqualTo(server.fd());
            server.close(); // one reference gone; the socket lives on in twin: no FIN
            assertThat(twin.getOption(SockOpt.TCP_INFO).state()).as("no FIN sent").isEqualTo(TcpState.ESTABLISHED);
            twin.writeFully("still here".getBytes(StandardCharsets.US_ASCII));
            byte[] got = new byte[10];
            client.readFully(got);
            assertThat(new String(got, StandardCharsets.US_ASCII)).isEqualTo("still here");
            assertThat(client.getOption(SockOpt.TCP_INFO).state()).isEqualTo(TcpState.ESTABLISHED);
            assertErrno(() -> client.recv(ByteBuffer.allocate(1), MsgFlag.DONTWAIT), "recv", Errno.EAGAIN);
            twin.close(); // the last reference: FIN
            assertThat(client.read(ByteBuffer.allocate(1))).as("end of stream").isEqualTo(-1);
            assertThat(client.getOption(SockOpt.TCP_INFO).state()).isEqualTo(TcpState.CLOSE_WAIT);
        }
    }

    @RepeatedTest(3)
    void shutdownWriteSendsFinAtOnceWhileTheOtherDirectionStillWorks() throws IOException {
        Socket[] p = Loopback.tcpPair();
        try (Socket client = p[0]; Socket server = p[1]; Socket clientTwin = client.dup()) {
            client.shutdown(Shutdown.WRITE); // FIN now, although clientTwin still refers to the socket
            assertThat(server.read(ByteBuffer.allocate(1))).as("server reads end of stream").isEqualTo(-1);
            assertThat(server.getOption(SockOpt.TCP_INFO).state()).isEqualTo(TcpState.CLOSE_WAIT);
            server.writeFully("reply".getBytes(StandardCharsets.US_ASCII));
            byte[] got = new byte[5];
            clientTwin.readFully(got);
            assertThat(new String(got, StandardCharsets.US_ASCII)).isEqualTo("reply");
            assertErrno(() -> client.write(ByteBuffer.wrap(new byte[1])), "send", Errno.EPIPE);
            server.close();
            assertThat(client.read(ByteBuffer.allocate(1))).isEqualTo(-1);
        }
    }

    @Test
    void shutdownReadMakesReadsReturnEndOfStream() throws IOException {
        Socket[] p = Loopback.tcpPair();
        try (Socket client = p[0]; Socket server = p[1]) {
            server.shutdown(Shutdown.READ);
            assertThat(server.read(ByteBuffer.allocate(4))).isEqualTo(-1);
            server.writeFully(new byte[] {42}); // the write direction is untouched
            assertThat(client.inputStream().read()).isEqualTo(42);
        }
    }

    @Test
    void shutdownBothEndsBothDirections() throws IOException {
        Socket[] p = Loopback.tcpPair();
        try (Socket client = p[0]; Socket server = p[1]) {
            server.shutdown(Shutdown.BOTH);
            assertThat(client.read(ByteBuffer.allocate(1))).isEqualTo(-1);
            assertThat(server.read(ByteBuffer.allocate(1))).isEqualTo(-1);
            assertErrno(() -> server.write(ByteBuffer.wrap(new byte[1])), "send", Errno.EPIPE);
        }
    }

    @RepeatedTest(3)
    void lingerOnWithZeroSecondsMakesCloseSendRstAndThePeerReadsEconnreset() throws IOException {
        Socket[] p = Loopback.tcpPair();
        try (Socket client = p[0]) {
            Socket server = p[1];
            SockAddr peer = client.getpeername(); // after the RST there is no peer to ask for
            server.setOption(SockOpt.SO_LINGER, Linger.on(0));
            server.close();
            assertErrno(() -> client.read(ByteBuffer.allocate(1)), "recv", Errno.ECONNRESET)
                    .hasMessage("recv " + peer + ": ECONNRESET (Connection reset by peer)");
            assertErrno(client::getpeername, "getpeername", Errno.ENOTCONN);
        }
    }

    @Test
    void aPlainCloseSendsFinNotRst() throws IOException {
        Socket[] p = Loopback.tcpPair();
        try (Socket client = p[0]) {
            p[1].close();
            assertThat(client.read(ByteBuffer.allocate(1))).isEqualTo(-1);
        }
    }
}
