package io.jsock.socket;

import io.jsock.socket.internal.IoStatus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.io.IOException;
import java.net.BindException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Each failure the JDK has a type for is that type, on the real kernel, keeping its errno, call, address and message. */
class JdkExceptionTypesTest {

    @Test
    void aRefusedConnectIsAConnectException() throws IOException {
        SockAddr closed;
        try (Socket l = Loopback.listener(1)) {
            closed = l.getsockname(); // bound and listening, then closed: nothing listens there now
        }
        try (Socket c = Socket.open(Family.INET, SocketType.STREAM, Protocol.TCP)) {
            SyscallFailure f = failure(() -> c.connect(closed), ConnectException.class);
            assertThat(f).isInstanceOf(ErrnoConnectException.class);
            assertThat(f.errno()).isEqualTo(Errno.ECONNREFUSED);
            assertThat(f.errnoNumber()).isEqualTo(111);
            assertThat(f.syscall()).isEqualTo("connect");
            assertThat(f.address()).isEqualTo(closed.toString());
            assertThat(f.getMessage()).isEqualTo("connect " + closed + ": ECONNREFUSED (Connection refused)");
            assertThat(f.call()).isEqualTo(new SyscallFailure.Call("connect", 111, closed.toString()));
        }
    }

    @Test
    void bindingAPortInUseIsABindException() throws IOException {
        try (Socket l = Loopback.listener(1); Socket other = Socket.open(Family.INET, SocketType.STREAM, Protocol.TCP)) {
            SockAddr taken = l.getsockname();
            SyscallFailure f = failure(() -> other.bind(taken), BindException.class);
            assertThat(f.errno()).isEqualTo(Errno.EADDRINUSE);
            assertThat(f.syscall()).isEqualTo("bind");
            assertThat(f.getMessage()).isEqualTo("bind " + taken + ": EADDRINUSE (Address already in use)");
        }
    }

    @Test
    void bindingAnAddressThisHostDoesNotHaveIsABindException() throws IOException {
        SockAddr elsewhere = SockAddr.parse("192.0.2.1:0"); // TEST-NET-1 (RFC 5737): never an address of this host
        try (Socket s = Socket.open(Family.INET, SocketType.STREAM, Protocol.TCP)) {
            SyscallFailure f = failure(() -> s.bind(elsewhere), BindException.class);
            assertThat(f.errno()).isEqualTo(Errno.EADDRNOTAVAIL);
            assertThat(f.getMessage()).isEqualTo("bind 192.0.2.1:0: EADDRNOTAVAIL (Cannot assign requested address)");
        }
    }

    @Test
    void bindingAPrivilegedPortWithoutThePrivilegeIsABindException() throws IOException {
        assumeFalse(Loopback.isRoot(), "skipped: root may bind ports below 1024");
        try (Socket s = Socket.open(Family.INET, SocketType.STREAM, Protocol.TCP)) {
            SyscallFailure f = failure(() -> s.bind(SockAddr.loopback4(1)), BindException.class);
            assertThat(f.errno()).isEqualTo(Errno.EACCES);
            assertThat(f.getMessage()).isEqualTo("bind 127.0.0.1:1: EACCES (Permission denied)");
        }
    }

    @Test
    void listeningWhereAnotherSocketListensIsABindException() throws IOException {
        // SO_REUSEADDR lets both bind the port; only one may listen on it.
        try (Socket a = Socket.open(Family.INET, SocketType.STREAM, Protocol.TCP);
                Socket b = Socket.open(Family.INET, SocketType.STREAM, Protocol.TCP)) {
            a.setOption(SockOpt.SO_REUSEADDR, true);
            b.setOption(SockOpt.SO_REUSEADDR, true);
            a.bind(SockAddr.loopback4(0));
            SockAddr port = a.getsockname();
            b.bind(port);
            a.listen(1);
            SyscallFailure f = failure(() -> b.listen(1), BindException.class);
            assertThat(f.errno()).isEqualTo(Errno.EADDRINUSE);
            assertThat(f.getMessage()).isEqualTo("listen " + port + ": EADDRINUSE (Address already in use)");
        }
    }

    @Test
    void jsocksAcceptTimeoutIsASocketTimeoutExceptionAndTheListenerStaysOpen() throws IOException {
        try (Socket l = Loopback.listener(1)) {
            l.setTimeout(Duration.ofMillis(20));
            SyscallFailure f = failure(l::accept, SocketTimeoutException.class);
            assertThat(f).isInstanceOf(ErrnoSocketTimeoutException.class);
            assertThat(f.errno()).isEqualTo(Errno.ETIMEDOUT);
            assertThat(f.syscall()).isEqualTo("accept");
            assertThat(f.getMessage()).isEqualTo("accept " + l.getsockname()
                    + ": ETIMEDOUT (Connection timed out): jsock's timeout expired");
            assertThat(l.isOpen()).isTrue();
        }
    }

    @Test
    void jsocksConnectTimeoutIsASocketTimeoutException() throws IOException {
        // A Unix listener with backlog 0 holds one connection; the next connect waits for room that never comes.
        SockAddr name = SockAddr.parse("@" + Loopback.uniqueName("full"));
        List<Socket> open = new ArrayList<>();
        try (Socket l = Socket.open(Family.LOCAL, SocketType.STREAM, Protocol.DEFAULT)) {
            l.bind(name);
            l.listen(0);
            Throwable t = null;
            for (int i = 0; i < 8 && t == null; i++) { // bounded: the backlog holds one or two
                Socket c = Socket.open(Family.LOCAL, SocketType.STREAM, Protocol.DEFAULT);
                open.add(c);
                t = catchThrowable(() -> c.connect(name, Duration.ofMillis(20)));
            }
            assertThat(t).isInstanceOf(SocketTimeoutException.class).isInstanceOf(ErrnoSocketTimeoutException.class);
            SyscallFailure f = (SyscallFailure) t;
            assertThat(f.errno()).isEqualTo(Errno.ETIMEDOUT);
            assertThat(f.getMessage()).isEqualTo("connect " + name + ": ETIMEDOUT (Connection timed out): jsock's timeout expired");
        } finally {
            for (Socket c : open) c.close();
        }
    }

    @Test
    void aReadOnAClosedSocketIsAClosedChannelException() throws IOException {
        Socket[] pair = Socket.pair(Family.LOCAL, SocketType.STREAM);
        pair[1].close();
        Socket s = pair[0];
        s.close();
        SyscallFailure f = failure(() -> s.read(ByteBuffer.allocate(1)), ClosedChannelException.class);
        assertThat(f).isInstanceOf(SocketClosedException.class);
        assertThat(f.errno()).isEqualTo(Errno.EBADF);
        assertThat(f.syscall()).isEqualTo("recv");
        assertThat(f.address()).isNull();
        assertThat(f.getMessage()).isEqualTo("recv: EBADF (Bad file descriptor): socket closed");
    }

    @Test
    void aResetIsStillAnErrnoException() throws IOException {
        Socket[] p = Loopback.tcpPair();
        try (Socket c = p[0]) {
            Loopback.reset(p[1]); // RST
            Throwable t = catchThrowable(() -> {
                while (c.read(ByteBuffer.allocate(16)) >= 0) {
                    // a reset ends the reads with ECONNRESET, never with end of stream
                }
            });
            assertThat(t).isInstanceOfSatisfying(ErrnoException.class, e -> assertThat(e.errno()).isEqualTo(Errno.ECONNRESET));
        }
    }

    @Test
    void theMappingGivesTheJdkTypesOnlyToTheCallsThatSetAConnectionUp() {
        int refused = Errno.ECONNREFUSED.number(), timedOut = Errno.ETIMEDOUT.number();
        assertThat(IoStatus.exception("connect", refused, "x")).isInstanceOf(ErrnoConnectException.class);
        assertThat(IoStatus.exception("connect", timedOut, "x")).isInstanceOf(ErrnoConnectException.class);
        assertThat(IoStatus.exception("connect", Errno.EHOSTUNREACH.number(), "x")).isInstanceOf(ErrnoNoRouteToHostException.class);
        assertThat(IoStatus.exception("connect", Errno.ENETUNREACH.number(), "x")).isInstanceOf(ErrnoNoRouteToHostException.class);
        assertThat(IoStatus.exception("connect", Errno.EADDRNOTAVAIL.number(), "x")).isInstanceOf(ErrnoBindException.class);
        assertThat(IoStatus.exception("bind", Errno.EACCES.number(), "x")).isInstanceOf(ErrnoBindException.class);
        assertThat(IoStatus.exception("socket", Errno.EACCES.number(), "x")).as("EACCES is a BindException only from bind")
                .isInstanceOf(ErrnoException.class);
        assertThat(IoStatus.exception("recv", timedOut, "x")).as("an established connection that timed out")
                .isInstanceOf(ErrnoException.class);
        assertThat(IoStatus.exception("recv", refused, "x")).as("a connected datagram socket after ICMP port unreachable")
                .isInstanceOf(ErrnoException.class);
        assertThat(IoStatus.exception("connect", Errno.EISCONN.number(), "x")).isInstanceOf(ErrnoException.class);
    }

    /** The failure {@code call} throws: of JDK type {@code type}, and a {@link SyscallFailure}. */
    private static SyscallFailure failure(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, Class<? extends IOException> type) {
        Throwable t = catchThrowable(call);
        assertThat(t).isInstanceOf(type).isInstanceOf(SyscallFailure.class);
        return (SyscallFailure) t;
    }
}
