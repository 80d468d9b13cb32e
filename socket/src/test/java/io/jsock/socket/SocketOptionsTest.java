package io.jsock.socket;

import static io.jsock.socket.Loopback.assertErrno;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import org.junit.jupiter.api.Test;

/** setsockopt/getsockopt through the typed options: round trips, what the kernel reports, and read-only options. */
class SocketOptionsTest {

    private static Socket tcp() throws IOException {
        return Socket.open(Family.INET, SocketType.STREAM, Protocol.DEFAULT);
    }

    @Test
    void booleanSocketOptionsRoundTrip() throws IOException {
        try (Socket s = tcp()) {
            for (SockOpt<Boolean> o : java.util.List.of(SockOpt.SO_REUSEADDR, SockOpt.SO_REUSEPORT, SockOpt.SO_KEEPALIVE, SockOpt.TCP_NODELAY)) {
                s.setOption(o, true);
                assertThat(s.getOption(o)).as(o.toString()).isTrue();
                s.setOption(o, false);
                assertThat(s.getOption(o)).as(o.toString()).isFalse();
            }
        }
    }

    @Test
    void lingerRoundTrips() throws IOException {
        try (Socket s = tcp()) {
            assertThat(s.getOption(SockOpt.SO_LINGER)).isEqualTo(Linger.OFF);
            s.setOption(SockOpt.SO_LINGER, Linger.on(5));
            assertThat(s.getOption(SockOpt.SO_LINGER)).isEqualTo(Linger.on(5));
            s.setOption(SockOpt.SO_LINGER, Linger.on(0));
            assertThat(s.getOption(SockOpt.SO_LINGER)).isEqualTo(Linger.on(0));
            s.setOption(SockOpt.SO_LINGER, Linger.OFF);
            assertThat(s.getOption(SockOpt.SO_LINGER).on()).isFalse();
        }
        assertThatThrownBy(() -> Linger.on(-1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void bufferSizesComeBackDoubledAsSocket7Says() throws IOException {
        try (Socket s = tcp()) {
            s.setOption(SockOpt.SO_RCVBUF, 65536);
            assertThat(s.getOption(SockOpt.SO_RCVBUF)).isEqualTo(2 * 65536);
            s.setOption(SockOpt.SO_SNDBUF, 32768);
            assertThat(s.getOption(SockOpt.SO_SNDBUF)).isEqualTo(2 * 32768);
        }
    }

    @Test
    void tcpIntegerOptionsRoundTrip() throws IOException {
        try (Socket s = tcp()) {
            s.setOption(SockOpt.TCP_MAXSEG, 1000); // read back as set while the socket is not connected
            assertThat(s.getOption(SockOpt.TCP_MAXSEG)).isEqualTo(1000);
            s.setOption(SockOpt.TCP_SYNCNT, 2);
            assertThat(s.getOption(SockOpt.TCP_SYNCNT)).isEqualTo(2);
            assertErrno(() -> s.setOption(SockOpt.TCP_SYNCNT, 0), "setsockopt", Errno.EINVAL)
                    .hasMessage("setsockopt TCP_SYNCNT=0: EINVAL (Invalid argument)");
            // TCP_DEFER_ACCEPT is kept as a count of SYN-ACK retransmissions: 7 s is 1+2+4, exact;
            // 5 s rounds up to the same 3 retransmissions, so reads back as 7.
            s.setOption(SockOpt.TCP_DEFER_ACCEPT, 7);
            assertThat(s.getOption(SockOpt.TCP_DEFER_ACCEPT)).isEqualTo(7);
            s.setOption(SockOpt.TCP_DEFER_ACCEPT, 5);
            assertThat(s.getOption(SockOpt.TCP_DEFER_ACCEPT)).isEqualTo(7);
        }
    }

    @Test
    void ipv6OnlyRoundTripsOnAnInet6Socket() throws IOException {
        try (Socket s = Socket.open(Family.INET6, SocketType.STREAM, Protocol.DEFAULT)) {
            s.setOption(SockOpt.IPV6_V6ONLY, true);
            assertThat(s.getOption(SockOpt.IPV6_V6ONLY)).isTrue();
            s.setOption(SockOpt.IPV6_V6ONLY, false);
            assertThat(s.getOption(SockOpt.IPV6_V6ONLY)).isFalse();
        }
        try (Socket s = tcp()) {
            assertErrno(() -> s.getOption(SockOpt.IPV6_V6ONLY), "getsockopt", Errno.EOPNOTSUPP);
        }
    }

    @Test
    void readOnlyOptionsReportTypeDomainProtocolErrorAndAcceptconn() throws IOException {
        try (Socket s = tcp(); Socket u = Socket.open(Family.INET6, SocketType.DGRAM, Protocol.DEFAULT)) {
            assertThat(s.getOption(SockOpt.SO_TYPE)).isEqualTo(SocketType.STREAM);
            assertThat(u.getOption(SockOpt.SO_TYPE)).isEqualTo(SocketType.DGRAM);
            assertThat(s.getOption(SockOpt.SO_DOMAIN)).isEqualTo(Family.INET);
            assertThat(u.getOption(SockOpt.SO_DOMAIN)).isEqualTo(Family.INET6);
            assertThat(s.getOption(SockOpt.SO_PROTOCOL)).isEqualTo(Protocol.TCP);
            assertThat(s.getOption(SockOpt.SO_ERROR)).isZero();
            assertThat(s.getOption(SockOpt.SO_ACCEPTCONN)).isFalse();
            s.bind(SockAddr.loopback4(0));
            s.listen(1);
            assertThat(s.getOption(SockOpt.SO_ACCEPTCONN)).as("after listen").isTrue();
            for (SockOpt<?> o : java.util.List.of(SockOpt.SO_TYPE, SockOpt.SO_ERROR, SockOpt.SO_ACCEPTCONN, SockOpt.TCP_INFO, SockOpt.SO_PEERCRED)) {
                assertThat(o.isSettable()).as(o.toString()).isFalse();
            }
            assertThatThrownBy(() -> s.setOption(SockOpt.SO_TYPE, SocketType.DGRAM))
                    .isInstanceOf(IllegalArgumentException.class).hasMessage("SO_TYPE can only be read");
        }
    }

    @Test
    void soErrorReportsAPendingErrorOnceAndClearsIt() throws Exception {
        int port = Loopback.closedPort(SocketType.DGRAM);
        try (Socket u = Socket.open(Family.INET, SocketType.DGRAM, Protocol.DEFAULT)) {
            u.connect(SockAddr.loopback4(port));
            u.write(java.nio.ByteBuffer.wrap(new byte[] {1})); // answered by ICMP port unreachable
            int err = 0;
            long end = System.nanoTime() + 5_000_000_000L;
            while (err == 0 && System.nanoTime() < end) { // bounded: the ICMP comes back over loopback
                err = u.getOption(SockOpt.SO_ERROR);
                if (err == 0) Thread.sleep(1);
            }
            assertThat(Errno.of(err)).isEqualTo(Errno.ECONNREFUSED);
            assertThat(u.getOption(SockOpt.SO_ERROR)).as("reading SO_ERROR clears it").isZero();
        }
    }

    @Test
    void tcpInfoOnAConnectedSocketSaysEstablished() throws IOException {
        Socket[] p = Loopback.tcpPair();
        try (Socket c = p[0]; Socket s = p[1]) {
            c.writeFully(new byte[1000]);
            s.readFully(new byte[1000]);
            TcpInfo ci = c.getOption(SockOpt.TCP_INFO);
            TcpInfo si = s.getOption(SockOpt.TCP_INFO);
            assertThat(ci.state()).isEqualTo(TcpState.ESTABLISHED);
            assertThat(si.state()).isEqualTo(TcpState.ESTABLISHED);
            assertThat(ci.sndMss()).isPositive();
            assertThat(ci.rto()).isPositive();
            assertThat(ci.sndCwnd()).isPositive();
            assertThat(ci.retransmits()).isZero();
            assertThat(si.bytesReceived()).isEqualTo(1000);
            assertThat(ci.segsOut()).isGreaterThanOrEqualTo(2); // the handshake's ACK and the data
        }
    }

    @Test
    void anOptionTheLibraryLacksCanBeDefinedAndReachesTheKernel() throws IOException {
        SockOpt<Integer> rcvlowat = SockOpt.of(SockOpt.SOL_SOCKET, 18, "SO_RCVLOWAT", SockOpt.Codec.INT);
        SockOpt<Boolean> quickack = SockOpt.of(SockOpt.IPPROTO_TCP, 12, "TCP_QUICKACK", SockOpt.Codec.BOOLEAN);
        try (Socket s = tcp()) {
            assertThat(s.getOption(rcvlowat)).as("socket(7): SO_RCVLOWAT defaults to 1").isEqualTo(1);
            s.setOption(rcvlowat, 512);
            assertThat(s.getOption(rcvlowat)).isEqualTo(512);
            s.setOption(quickack, false); // into "pingpong" mode: delayed ACKs
            assertThat(s.getOption(quickack)).isFalse();
            s.setOption(quickack, true);
            assertThat(s.getOption(quickack)).isTrue();
        }
        assertThat(rcvlowat.name()).isEqualTo("SO_RCVLOWAT");
        assertThat(rcvlowat.type()).isEqualTo(Integer.class);
        assertThat(rcvlowat.isSettable()).isTrue();
    }

    @Test
    void anOptionTheKernelDoesNotKnowIsEnoprotooptNamedAsDefined() throws IOException {
        SockOpt<Integer> unknown = SockOpt.of(SockOpt.SOL_SOCKET, 9999, "SO_JSOCK_UNKNOWN", SockOpt.Codec.INT);
        try (Socket s = tcp()) {
            assertErrno(() -> s.setOption(unknown, 1), "setsockopt", Errno.ENOPROTOOPT)
                    .hasMessage("setsockopt SO_JSOCK_UNKNOWN=1: ENOPROTOOPT (Protocol not available)");
            assertErrno(() -> s.getOption(unknown), "getsockopt", Errno.ENOPROTOOPT)
                    .hasMessage("getsockopt SO_JSOCK_UNKNOWN: ENOPROTOOPT (Protocol not available)");
        }
    }

    @Test
    void everyOptionIsAJavaNetSocketOptionWithItsValueType() {
        java.net.SocketOption<Boolean> reuse = SockOpt.SO_REUSEADDR;
        assertThat(reuse.name()).isEqualTo("SO_REUSEADDR");
        assertThat(reuse.type()).isEqualTo(Boolean.class);
        assertThat(SockOpt.SO_RCVBUF.type()).isEqualTo(Integer.class);
        assertThat(SockOpt.SO_LINGER.type()).isEqualTo(Linger.class);
        assertThat(SockOpt.SO_PEERCRED.type()).isEqualTo(PeerCred.class);
        assertThat(SockOpt.TCP_INFO.type()).isEqualTo(TcpInfo.class);
        assertThat(SockOpt.SO_TYPE.type()).isEqualTo(SocketType.class);
        assertThat(SockOpt.SO_DOMAIN.type()).isEqualTo(Family.class);
        assertThat(SockOpt.SO_PROTOCOL.type()).isEqualTo(Protocol.class);
    }

    @Test
    void optionsNameThemselvesAsInC() {
        assertThat(SockOpt.SO_REUSEADDR).hasToString("SO_REUSEADDR");
        assertThat(SockOpt.TCP_INFO).hasToString("TCP_INFO");
        assertThat(SockOpt.IPV6_V6ONLY).hasToString("IPV6_V6ONLY");
    }
}
