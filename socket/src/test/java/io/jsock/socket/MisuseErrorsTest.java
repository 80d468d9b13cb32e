package io.jsock.socket;

import static io.jsock.socket.Loopback.assertErrno;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The kernel's errors for misusing the calls, each asserted by errno name, and the one-line message format. */
class MisuseErrorsTest {

    private static Socket tcp() throws IOException {
        return Socket.open(Family.INET, SocketType.STREAM, Protocol.DEFAULT);
    }

    @Test
    void bindingAPortAnotherSocketHoldsIsEaddrinuse() throws IOException {
        try (Socket l = Loopback.listener(1); Socket s = tcp()) {
            SockAddr taken = l.getsockname();
            assertErrno(() -> s.bind(taken), "bind", Errno.EADDRINUSE)
                    .hasMessage("bind " + taken + ": EADDRINUSE (Address already in use)");
        }
    }

    @Test
    void soReuseaddrDoesNotLetTwoListenersShareAPortButSoReuseportDoes() throws IOException {
        try (Socket a = tcp(); Socket b = tcp()) {
            a.setOption(SockOpt.SO_REUSEADDR, true);
            b.setOption(SockOpt.SO_REUSEADDR, true);
            a.bind(SockAddr.loopback4(0));
            a.listen(1);
            assertErrno(() -> b.bind(a.getsockname()), "bind", Errno.EADDRINUSE);
        }
        try (Socket a = tcp(); Socket b = tcp()) {
            a.setOption(SockOpt.SO_REUSEPORT, true);
            b.setOption(SockOpt.SO_REUSEPORT, true);
            a.bind(SockAddr.loopback4(0));
            a.listen(1);
            b.bind(a.getsockname());
            b.listen(1);
            assertThat(b.getsockname()).isEqualTo(a.getsockname());
        }
    }

    @Test
    void bindingTwiceIsEinval() throws IOException {
        try (Socket s = tcp()) {
            s.bind(SockAddr.loopback4(0));
            assertErrno(() -> s.bind(SockAddr.loopback4(0)), "bind", Errno.EINVAL)
                    .hasMessage("bind 127.0.0.1:0: EINVAL (Invalid argument)");
        }
    }

    @Test
    void bindingAnAddressNoInterfaceHasIsEaddrnotavail() throws IOException {
        try (Socket s = tcp()) {
            assertErrno(() -> s.bind(SockAddr.parse("10.213.255.254:0")), "bind", Errno.EADDRNOTAVAIL)
                    .hasMessage("bind 10.213.255.254:0: EADDRNOTAVAIL (Cannot assign requested address)");
        }
    }

    @Test
    void anAddressOfAnotherFamilyIsEafnosupportOrEinval() throws IOException {
        try (Socket s = tcp()) {
            // An INET socket given a sockaddr_in6: its 28 bytes pass the length check, the family does not.
            assertErrno(() -> s.bind(SockAddr.loopback6(0)), "bind", Errno.EAFNOSUPPORT);
            assertErrno(() -> s.connect(SockAddr.loopback6(9)), "connect", Errno.EAFNOSUPPORT);
        }
        try (Socket s6 = Socket.open(Family.INET6, SocketType.STREAM, Protocol.DEFAULT)) {
            // An INET6 socket given a 16-byte sockaddr_in: too short for sockaddr_in6.
            assertErrno(() -> s6.bind(SockAddr.loopback4(0)), "bind", Errno.EINVAL);
        }
    }

    @Test
    void listeningOnAUdpSocketIsEopnotsupp() throws IOException {
        try (Socket u = Socket.open(Family.INET, SocketType.DGRAM, Protocol.UDP)) {
            u.bind(SockAddr.loopback4(0));
            assertErrno(() -> u.listen(5), "listen", Errno.EOPNOTSUPP)
                    .hasMessage("listen " + u.getsockname() + ": EOPNOTSUPP (Operation not supported)");
        }
    }

    @Test
    void acceptingOnASocketThatDoesNotListenIsEinval() throws IOException {
        try (Socket s = tcp()) {
            s.bind(SockAddr.loopback4(0));
            assertErrno(s::accept, "accept", Errno.EINVAL)
                    .hasMessage("accept " + s.getsockname() + ": EINVAL (Invalid argument)");
        }
    }

    @Test
    void acceptingOnAUdpSocketIsEopnotsupp() throws IOException {
        try (Socket u = Socket.open(Family.INET, SocketType.DGRAM, Protocol.DEFAULT)) {
            assertErrno(u::accept, "accept", Errno.EOPNOTSUPP);
        }
    }

    @Test
    void connectingTwiceIsEisconn() throws IOException {
        try (Socket l = Loopback.listener(2); Socket c = Loopback.connectTo(l)) {
            SockAddr there = l.getsockname();
            assertErrno(() -> c.connect(there), "connect", Errno.EISCONN)
                    .hasMessage("connect " + there + ": EISCONN (Transport endpoint is already connected)");
        }
    }

    @Test
    void connectingFromAListeningSocketIsEisconn() throws IOException {
        try (Socket l = Loopback.listener(2); Socket other = Loopback.listener(2)) {
            assertErrno(() -> l.connect(other.getsockname()), "connect", Errno.EISCONN);
        }
    }

    @Test
    void listeningOnAConnectedSocketIsEinval() throws IOException {
        try (Socket l = Loopback.listener(2); Socket c = Loopback.connectTo(l)) {
            assertErrno(() -> c.listen(1), "listen", Errno.EINVAL);
        }
    }

    @Test
    void askingTheNameOfAPeerThatIsNotThereIsEnotconn() throws IOException {
        try (Socket s = tcp()) {
            assertErrno(s::getpeername, "getpeername", Errno.ENOTCONN)
                    .hasMessage("getpeername fd " + s.fd() + ": ENOTCONN (Transport endpoint is not connected)");
        }
    }

    @Test
    void shuttingDownASocketThatIsNotConnectedIsEnotconn() throws IOException {
        try (Socket s = tcp()) {
            assertErrno(() -> s.shutdown(Shutdown.WRITE), "shutdown", Errno.ENOTCONN);
        }
    }

    @Test
    void readingFromASocketThatIsNotConnectedIsEnotconnAndWritingIsEpipe() throws IOException {
        try (Socket s = tcp()) {
            assertErrno(() -> s.read(ByteBuffer.allocate(1)), "recv", Errno.ENOTCONN);
            assertErrno(() -> s.write(ByteBuffer.wrap(new byte[1])), "send", Errno.EPIPE);
        }
    }

    @Test
    void connectingWhereNothingListensIsEconnrefused() throws IOException {
        int port;
        try (Socket s = tcp()) {
            s.bind(SockAddr.loopback4(0)); // bound, never listening: the port is ours and closed
            port = s.getsockname().port();
            try (Socket c = tcp()) {
                assertErrno(() -> c.connect(SockAddr.loopback4(port)), "connect", Errno.ECONNREFUSED)
                        .hasMessage("connect 127.0.0.1:" + port + ": ECONNREFUSED (Connection refused)");
            }
            try (Socket c6 = Socket.open(Family.INET6, SocketType.STREAM, Protocol.DEFAULT)) {
                assertErrno(() -> c6.connect(SockAddr.loopback6(port)), "connect", Errno.ECONNREFUSED)
                        .hasMessage("connect [::1]:" + port + ": ECONNREFUSED (Connection refused)");
            }
        }
    }

    @Test
    void aUdpSendToAClosedPortComesBackAsEconnrefusedOnTheNextCall() throws IOException {
        int port = Loopback.closedPort(SocketType.DGRAM);
        try (Socket u = Socket.open(Family.INET, SocketType.DGRAM, Protocol.DEFAULT)) {
            u.connect(SockAddr.loopback4(port)); // a connected UDP socket hears the ICMP port unreachable
            u.setTimeout(java.time.Duration.ofSeconds(20)); // a lost ICMP fails the test instead of hanging it
            u.write(ByteBuffer.wrap(new byte[] {1}));
            assertErrno(() -> u.read(ByteBuffer.allocate(8)), "recv", Errno.ECONNREFUSED);
        }
    }

    @Test
    void aUnixPathNobodyBoundIsEnoentAndABoundPathIsEaddrinuse(@TempDir Path dir) throws IOException {
        SockAddr missing = SockAddr.of(dir.resolve("nobody"));
        try (Socket c = Socket.open(Family.LOCAL, SocketType.STREAM, Protocol.DEFAULT)) {
            assertErrno(() -> c.connect(missing), "connect", Errno.ENOENT)
                    .hasMessage("connect " + missing + ": ENOENT (No such file or directory)");
        }
        SockAddr path = SockAddr.of(dir.resolve("s"));
        try (Socket a = Socket.open(Family.LOCAL, SocketType.STREAM, Protocol.DEFAULT);
                Socket b = Socket.open(Family.LOCAL, SocketType.STREAM, Protocol.DEFAULT)) {
            a.bind(path);
            assertErrno(() -> b.bind(path), "bind", Errno.EADDRINUSE);
        }
    }

    @Test
    void aUnixListenerThatWasClosedLeavesItsPathAndConnectIsEconnrefused(@TempDir Path dir) throws IOException {
        SockAddr path = SockAddr.of(dir.resolve("gone"));
        try (Socket a = Socket.open(Family.LOCAL, SocketType.STREAM, Protocol.DEFAULT)) {
            a.bind(path);
            a.listen(1);
        }
        try (Socket c = Socket.open(Family.LOCAL, SocketType.STREAM, Protocol.DEFAULT)) {
            assertErrno(() -> c.connect(path), "connect", Errno.ECONNREFUSED);
        }
    }

    @Test
    void everyCallOnAClosedSocketIsASocketClosedExceptionWithEbadf() throws IOException {
        Socket s = tcp();
        s.close();
        s.close(); // safe to call more than once
        assertThat(s.isOpen()).isFalse();
        assertErrno(() -> s.bind(SockAddr.loopback4(0)), "bind", Errno.EBADF)
                .isInstanceOf(SocketClosedException.class)
                .hasMessage("bind: EBADF (Bad file descriptor): socket closed");
        assertErrno(() -> s.listen(1), "listen", Errno.EBADF);
        assertErrno(s::accept, "accept", Errno.EBADF);
        assertErrno(() -> s.read(ByteBuffer.allocate(1)), "recv", Errno.EBADF);
        assertErrno(() -> s.write(ByteBuffer.allocate(1)), "send", Errno.EBADF);
        assertErrno(s::getsockname, "getsockname", Errno.EBADF);
        assertErrno(() -> s.getOption(SockOpt.SO_TYPE), "getsockopt", Errno.EBADF);
        assertErrno(s::dup, "dup", Errno.EBADF);
    }

    @Test
    void anErrnoExceptionCarriesTheCallTheAddressAndTheErrno() {
        ErrnoException e = new ErrnoException("connect", Errno.ETIMEDOUT.number(), SockAddr.parse("10.213.1.77:80"));
        assertThat(e).hasMessage("connect 10.213.1.77:80: ETIMEDOUT (Connection timed out)");
        assertThat(e.syscall()).isEqualTo("connect");
        assertThat(e.address()).isEqualTo("10.213.1.77:80");
        assertThat(e.errno()).isEqualTo(Errno.ETIMEDOUT);
        assertThat(e.errnoNumber()).isEqualTo(110);
        assertThat(e).isInstanceOf(IOException.class);
        assertThat(new ErrnoException("x", 300, null)).hasMessage("x: errno 300");
        assertThat(new ErrnoException("x", 300, null).errno()).isNull();
    }

    @Test
    void errnoNamesAndTextsMatchLinux() {
        assertThat(Errno.of(111)).isEqualTo(Errno.ECONNREFUSED);
        assertThat(Errno.ECONNREFUSED.text()).isEqualTo("Connection refused");
        assertThat(Errno.of(11)).isEqualTo(Errno.EAGAIN); // EWOULDBLOCK is the same number
        assertThat(Errno.of(95)).isEqualTo(Errno.EOPNOTSUPP); // ENOTSUP too
        assertThat(Errno.EHOSTUNREACH.number()).isEqualTo(113);
        assertThat(Errno.ENETUNREACH.number()).isEqualTo(101);
        assertThat(Errno.EADDRINUSE.number()).isEqualTo(98);
        assertThat(Errno.EINPROGRESS.number()).isEqualTo(115);
        assertThat(Errno.of(0)).isNull();
        assertThat(Errno.describe(104)).isEqualTo("ECONNRESET (Connection reset by peer)");
    }
}
