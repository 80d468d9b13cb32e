package io.jsock.socket;

import io.jsock.socket.internal.Fd;
import io.jsock.socket.internal.IoStatus;
import io.jsock.socket.internal.KernelFeatures;
import io.jsock.socket.internal.Libc;
import io.jsock.socket.internal.Poller;
import io.jsock.socket.internal.InCall;
import io.jsock.socket.internal.Wakeup;
import io.jsock.socket.internal.Sockaddrs;
import io.jsock.socket.internal.SockFprog;

import static io.jsock.socket.internal.Constants.*;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.locks.LockSupport;

/**
 * A socket: one kernel descriptor and the BSD calls on it, each a separate call as in UNP chapter 4.
 *
 * <p>Every call that may wait does what the text says ({@code accept} waits for a completed
 * connection, {@code connect} for the handshake, {@code read} for data) without holding a carrier
 * thread: the descriptor is non-blocking underneath, and a would-block parks a virtual thread (the
 * poller wakes it) or waits in poll(2) on a platform thread. Every failure is an {@link IOException}
 * of the JDK's own type where it has one ({@link java.net.ConnectException},
 * {@link java.net.BindException}, {@link java.net.SocketTimeoutException},
 * {@link java.nio.channels.ClosedChannelException}, ...; else {@link ErrnoException}), and a
 * {@link SyscallFailure} naming the call, the address and the kernel's errno.
 *
 * <p>The {@code try} calls ({@link #tryAccept}, {@link #tryRead}, {@link #tryWrite}) never wait, and
 * say "nothing now" (the kernel's EAGAIN) the same way: they return the constant {@code UNAVAILABLE}
 * of their result type, compared with {@code ==}: {@link Accepted#UNAVAILABLE} for a connection,
 * {@link #UNAVAILABLE} for a count. Never {@code null}, never an exception.
 *
 * <p>It is a {@link ByteChannel}: {@link #read(ByteBuffer)} and {@link #write(ByteBuffer)} block as a
 * channel in blocking mode does, and a closed socket's calls throw a
 * {@link java.nio.channels.ClosedChannelException} ({@link SocketClosedException}).
 *
 * <p>Thread safety: calls may come from any thread; one reader and one writer at a time is the
 * usual use. {@link #close()} from another thread wakes blocked callers with a
 * {@link SocketClosedException}. Every descriptor is close-on-exec.
 *
 * <p>No argument may be {@code null} unless its method says so (a {@code null} is a
 * {@link NullPointerException}), and no method returns {@code null} unless it says so.
 */
public final class Socket implements ByteChannel {
    /** What {@link #tryRead} and {@link #tryWrite} return when the call would block (EAGAIN). */
    public static final int UNAVAILABLE = IoStatus.UNAVAILABLE;

    private final Fd fd;
    private final Family family;
    private final SocketType type;
    private final Protocol protocol;

    // What this Socket's calls moved: added to by whichever thread reads or writes (COUNTS), read by anyone.
    private volatile long bytesReceived;
    private volatile long bytesSent;
    private static final java.lang.invoke.VarHandle RECEIVED, SENT;

    static {
        try {
            java.lang.invoke.MethodHandles.Lookup l = java.lang.invoke.MethodHandles.lookup();
            RECEIVED = l.findVarHandle(Socket.class, "bytesReceived", long.class);
            SENT = l.findVarHandle(Socket.class, "bytesSent", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /**
     * Whether this socket's open file is in blocking mode (O_NONBLOCK cleared), so that a platform
     * thread's recv or send without deadline waits in the call itself ({@link InCall}). Set the first
     * time such a call finds nothing to do (so only on a connected stream socket); cleared by
     * {@link #setBlockingForChild}. Every call that must not wait passes MSG_DONTWAIT, whatever the mode.
     */
    private volatile boolean blockingMode;

    // Set by bind/listen/connect; read for messages only.
    private volatile long timeoutNanos;
    private volatile SockAddr peerHint;

    /**
     * A TCP socket, whose recv(2) returns fewer bytes than asked only when the receive queue is empty,
     * at an urgent mark, or before the end of stream or an error (which its read sub-poller reports: see
     * {@link Fd#endOrUrgent()}): see {@link #drainedAt}.
     */
    private final boolean shortReadDrains;

    /**
     * {@link #DRAINED} with the {@linkplain Fd#readEvents() read events} seen before the last plain recv,
     * when that recv came back short on a TCP socket: the queue was empty then, so as long as no read event
     * has come since, a virtual thread's next recv parks at once instead of trying a recv that would find
     * nothing (EAGAIN), as Netty's edge-triggered transport stops reading at a short read. Data that
     * arrives after that recv is a read event counted after the value kept here, so nothing waits for data
     * already queued; not once the sub-poller has reported urgent data or the end of stream (a recv
     * then may stop short with more to report, and that event will not come again). 0: try first.
     * Plain field: any value a racing reader sees was kept after a short recv, and each is safe to
     * wait on; a stale one only costs the try this saves.
     */
    private long drainedAt;
    private static final long DRAINED = 1L << 32;

    private Socket(int fd, Family family, SocketType type, Protocol protocol) {
        this.fd = new Fd(fd);
        this.family = family;
        this.type = type;
        this.protocol = protocol;
        this.shortReadDrains = type == SocketType.STREAM && (family == Family.INET || family == Family.INET6)
                && (protocol.value() == 0 || protocol.value() == Protocol.TCP.value());
    }

    // ---- socket(2), socketpair(2), adopt

    /**
     * socket(2): a new socket, non-blocking underneath and close-on-exec.
     *
     * @param family the address family, e.g. {@link Family#INET}
     * @param type the socket type, e.g. {@link SocketType#STREAM}
     * @param protocol the protocol, {@link Protocol#DEFAULT} for the family's and type's usual one
     * @return the open socket
     * @throws IOException what the kernel refused, as an {@link ErrnoException} (EAFNOSUPPORT,
     *         EPROTONOSUPPORT, EACCES, EMFILE, ...), with a hint after the errno where a kernel feature
     *         is missing
     */
    public static Socket open(Family family, SocketType type, Protocol protocol) throws IOException {
        int fd = Libc.socket(family.pf(), type.value() | SOCK_NONBLOCK | SOCK_CLOEXEC, protocol.value());
        if (fd < 0) {
            int e = Libc.errno();
            String what = "(" + family.pfName() + ", SOCK_" + type + ", " + protocol + ")";
            throw IoStatus.exception("socket", e, what, KernelFeatures.hint(family, type, protocol, e));
        }
        return new Socket(fd, family, type, protocol);
    }

    /**
     * socketpair(2): two sockets connected to each other (Unix domain on Linux).
     *
     * @param family the family; Linux makes pairs of {@link Family#LOCAL} only
     * @param type the type, e.g. {@link SocketType#STREAM}
     * @return the two ends, each open
     * @throws IOException what the kernel refused, as an {@link ErrnoException} (EOPNOTSUPP for a
     *         family without pairs, EMFILE, ...)
     */
    public static Socket[] pair(Family family, SocketType type) throws IOException {
        MemorySegment sv = MemorySegment.ofArray(new int[2]);
        if (Libc.socketpair(family.pf(), type.value() | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, sv) < 0) {
            throw IoStatus.failure("socketpair", "(" + family.pfName() + ", SOCK_" + type + ")");
        }
        int[] fds = sv.toArray(JAVA_INT);
        return new Socket[] {new Socket(fds[0], family, type, Protocol.DEFAULT), new Socket(fds[1], family, type, Protocol.DEFAULT)};
    }

    /**
     * Takes ownership of an inherited socket descriptor (from a parent, inetd or systemd): asks the
     * kernel its family, type and protocol, and makes it non-blocking. Descriptors above 2 become
     * close-on-exec; 0 to 2 stay standard streams for programs this process starts.
     *
     * @param fd the descriptor number; the returned socket closes it
     * @return the socket on that descriptor
     * @throws IOException as an {@link ErrnoException}, if {@code fd} is not a socket (ENOTSOCK,
     *         EBADF) or its family or type is one jsock does not know (EAFNOSUPPORT)
     */
    public static Socket adopt(int fd) throws IOException {
        MemorySegment v = MemorySegment.ofArray(new long[1]);
        MemorySegment len = MemorySegment.ofArray(new int[] {4});
        if (Libc.getsockopt(fd, SOL_SOCKET, SO_DOMAIN, v, len) < 0) {
            throw IoStatus.exception("getsockopt", Libc.errno(), "fd " + fd, "not a socket that can be adopted");
        }
        int domain = v.get(JAVA_INT, 0);
        Libc.getsockopt(fd, SOL_SOCKET, SO_TYPE, v, len);
        int stype = v.get(JAVA_INT, 0);
        Libc.getsockopt(fd, SOL_SOCKET, SO_PROTOCOL, v, len);
        int proto = v.get(JAVA_INT, 0);
        Family f = Family.ofAf(domain);
        SocketType t = SocketType.of(stype);
        if (f == null || t == null) {
            throw IoStatus.exception("adopt", Errno.EAFNOSUPPORT.number(), "fd " + fd, "family " + domain + " type " + stype);
        }
        setNonBlocking(fd, true);
        if (fd > 2 && Libc.fcntl(fd, F_SETFD, FD_CLOEXEC) < 0) throw IoStatus.failure("fcntl", "fd " + fd);
        return new Socket(fd, f, t, Protocol.of(proto));
    }

    /**
     * Starts now, while descriptors are plentiful, what the first blocking call on a virtual thread
     * would otherwise start on demand (the pollers: the master poller's platform thread, the read
     * sub-pollers (virtual threads) and the write poller, each with an epoll instance; the
     * pre-closed socket with which close wakes a blocked platform thread), and
     * loads the classes a failing call needs. A server calls this before it accepts: once the process
     * has run out of descriptors (EMFILE), starting them fails (the blocking call that needed them
     * fails with EMFILE, and a later one tries again). Safe to call more than once, from any thread.
     *
     * @throws IOException if the pollers cannot start now (EMFILE: no descriptor for epoll); the first
     *         blocking call that needs them tries again
     */
    public static void preload() throws IOException {
        Poller.start();
        Wakeup.ready(); // the one pre-closed socket with which close wakes a blocked platform thread
    }

    /** Sets or clears O_NONBLOCK with ioctl(2) FIONBIO: one call, where fcntl(2) takes F_GETFL and F_SETFL. */
    static void setNonBlocking(int fd, boolean on) throws IOException {
        if (Libc.ioctl(fd, FIONBIO, MemorySegment.ofArray(new int[] {on ? 1 : 0})) < 0) throw IoStatus.failure("ioctl", "fd " + fd);
    }

    // ---- bind(2), listen(2), accept(2), connect(2)

    /**
     * bind(2): gives the socket its local address; port 0 lets the kernel choose an ephemeral port
     * ({@link #getsockname} tells which).
     *
     * @param local the address
     * @throws java.net.BindException (an {@link ErrnoBindException}) if the address is in use (EADDRINUSE),
     *         not one of this host's (EADDRNOTAVAIL) or a privileged port (EACCES)
     * @throws SocketClosedException if the socket is closed
     * @throws IOException any other failure, as an {@link ErrnoException} (EINVAL when bound already, ...)
     */
    public void bind(SockAddr local) throws IOException {
        MemorySegment s = Sockaddrs.storage();
        int len = Sockaddrs.encode(local, s);
        fd.acquire("bind");
        try {
            if (Libc.bind(fd.fd, s, len) < 0) {
                int errno = Libc.errno();
                throw IoStatus.exception("bind", errno, local, bindHint(errno, local));
            }
        } finally {
            fd.release();
        }
    }

    /** What a user can do about a bind failure the errno alone does not explain, or null. */
    private static String bindHint(int errno, SockAddr local) {
        if (errno == Errno.EINVAL.number() && local instanceof SockAddr.Inet6 a && a.scopeId() == 0
                && a.address().isLinkLocalAddress()) {
            return "a link-local address needs its interface: [" + a.host() + "%eth0]:" + a.port();
        }
        if (errno == Errno.EACCES.number() && local.family() != Family.LOCAL) {
            int start = unprivilegedPortStart();
            if (local.port() > 0 && local.port() < start) {
                return "ports below " + start + " need root or CAP_NET_BIND_SERVICE (sysctl net.ipv4.ip_unprivileged_port_start)";
            }
        }
        return null;
    }

    /** net.ipv4.ip_unprivileged_port_start (1024 unless changed; also read where it cannot be). */
    private static int unprivilegedPortStart() {
        try {
            // readAllLines, not readString: a /proc file reports size 0, and readString then stops short
            return Integer.parseInt(java.nio.file.Files.readAllLines(
                    java.nio.file.Path.of("/proc/sys/net/ipv4/ip_unprivileged_port_start")).getFirst().strip());
        } catch (IOException | NumberFormatException | SecurityException e) {
            return 1024;
        }
    }

    /**
     * listen(2): CLOSED to LISTEN; the kernel queues up to {@code backlog} completed connections.
     *
     * @param backlog the queue's length (the kernel caps it at {@code net.core.somaxconn})
     * @throws java.net.BindException (an {@link ErrnoBindException}) if another socket listens on the
     *         port already (EADDRINUSE)
     * @throws SocketClosedException if the socket is closed
     * @throws IOException any other failure, as an {@link ErrnoException} (EOPNOTSUPP for a datagram socket, ...)
     */
    public void listen(int backlog) throws IOException {
        fd.acquire("listen");
        try {
            if (Libc.listen(fd.fd, backlog) < 0) throw IoStatus.failure("listen", localForMessage());
        } finally {
            fd.release();
        }
    }

    /**
     * accept(2): takes the first connection off the completed queue; blocks while it is empty (or
     * until the {@linkplain #setTimeout timeout}). The new socket is non-blocking and close-on-exec.
     *
     * @return the connected socket and its peer's address, never {@code null}
     * @throws java.net.SocketTimeoutException (an {@link ErrnoSocketTimeoutException}) when the timeout
     *         expires; the listener stays open
     * @throws SocketClosedException if the socket is closed, before or while waiting
     * @throws java.io.InterruptedIOException if the waiting thread is interrupted
     * @throws IOException any other failure, as an {@link ErrnoException} (EINVAL when not listening, EMFILE, ...)
     */
    public Accepted accept() throws IOException {
        fd.acquire("accept");
        try {
            long deadline = deadline();
            while (true) {
                int seen = fd.readEvents(); // before the try: a read event after it ends the wait below at once
                Accepted a = tryAcceptAcquired();
                if (a != Accepted.UNAVAILABLE) return a;
                if (timedOut(deadline)) throw timeout("accept", localForMessage());
                fd.await(POLLIN, deadline, "accept", seen);
            }
        } finally {
            fd.release();
        }
    }

    /**
     * A connection this listening socket accepted by other means, such as an io_uring accept
     * ({@link io.jsock.socket.event.IoUring#accept}), which hands back only the descriptor: it becomes
     * a socket of this listener's family, type and protocol, without a system call. The descriptor must
     * be non-blocking and close-on-exec already (accept4's {@code SOCK_NONBLOCK | SOCK_CLOEXEC}), and
     * the returned socket owns it from now on.
     *
     * @param connfd the connected descriptor
     * @return the connected socket; its peer is asked of the kernel when first wanted
     */
    public Socket accepted(int connfd) {
        return new Socket(connfd, family, type, protocol);
    }

    /**
     * accept(2) without waiting.
     *
     * @return the connected socket and its peer, or {@link Accepted#UNAVAILABLE} when the completed queue is
     *         empty; never {@code null}
     * @throws SocketClosedException if the socket is closed
     * @throws IOException any other failure, as an {@link ErrnoException}
     */
    public Accepted tryAccept() throws IOException {
        fd.acquire("accept");
        try {
            return tryAcceptAcquired();
        } finally {
            fd.release();
        }
    }

    private Accepted tryAcceptAcquired() throws IOException {
        MemorySegment s = Sockaddrs.storage();
        MemorySegment len = Sockaddrs.lengthSlot(s);
        int connfd;
        do {
            len.set(JAVA_INT, 0, Sockaddrs.STORAGE_SIZE);
            connfd = IoStatus.result(Libc.accept4(fd.fd, s, len, SOCK_NONBLOCK | SOCK_CLOEXEC),
                    "accept", this, Socket::localForMessage);
        } while (connfd == IoStatus.INTERRUPTED);
        if (connfd == UNAVAILABLE) return Accepted.UNAVAILABLE;
        SockAddr peer = Sockaddrs.decode(s, len.get(JAVA_INT, 0));
        Socket c = new Socket(connfd, family, type, protocol);
        c.peerHint = peer;
        return new Accepted(c, peer);
    }

    /**
     * connect(2): blocks until the three-way handshake completes or fails (UNP 4.3).
     *
     * @param remote the peer's address
     * @throws java.net.ConnectException (an {@link ErrnoConnectException}) if the peer refused (ECONNREFUSED)
     *         or the kernel's SYN retries ran out (ETIMEDOUT)
     * @throws java.net.NoRouteToHostException (an {@link ErrnoNoRouteToHostException}) if there is no route
     *         (ENETUNREACH, EHOSTUNREACH)
     * @throws SocketClosedException if the socket is closed, before or while waiting
     * @throws java.io.InterruptedIOException if the waiting thread is interrupted
     * @throws IOException any other failure, as an {@link ErrnoException} (EISCONN, EADDRNOTAVAIL, ...)
     */
    public void connect(SockAddr remote) throws IOException {
        connect(remote, null);
    }

    /**
     * connect(2) that gives up after {@code timeout} ({@code null} or zero, as for
     * {@link #setTimeout}: only the kernel's own SYN retries end it). Giving up is an
     * {@link ErrnoSocketTimeoutException} whose message says it was this timeout; the kernel's own
     * giving up is an ETIMEDOUT {@link ErrnoConnectException}.
     *
     * @param remote the peer's address
     * @param timeout how long to wait at most, or {@code null} for as long as the kernel tries
     * @throws IllegalArgumentException if {@code timeout} is negative
     * @throws java.net.SocketTimeoutException (an {@link ErrnoSocketTimeoutException}) when {@code timeout} expires
     * @throws java.net.ConnectException if the peer refused or the kernel's SYN retries ran out
     * @throws java.net.NoRouteToHostException if there is no route
     * @throws SocketClosedException if the socket is closed, before or while waiting
     * @throws java.io.InterruptedIOException if the waiting thread is interrupted
     * @throws IOException any other failure, as an {@link ErrnoException}
     */
    public void connect(SockAddr remote, Duration timeout) throws IOException {
        if (timeout != null && timeout.isNegative()) throw new IllegalArgumentException("negative connect timeout: " + timeout);
        long limit = timeout == null ? 0 : timeout.toNanos();
        MemorySegment s = Sockaddrs.storage();
        int len = Sockaddrs.encode(remote, s);
        fd.acquire("connect");
        try {
            peerHint = remote;
            long deadline = limit == 0 ? 0 : System.nanoTime() + limit;
            // Once the handshake is under way, each wake-up calls connect(2) again, which ends a non-blocking
            // connect as the kernel means it to: 0 (or EISCONN) once established, the handshake's errno if it
            // failed, EALREADY while it goes on.
            boolean pending = false;
            while (true) {
                int r = IoStatus.connect(Libc.connect(fd.fd, s, len), pending, remote);
                if (r == 0) return;
                if (r == IoStatus.INTERRUPTED) {
                    pending = true; // the kernel goes on with the handshake; the next call says how it stands
                    continue;
                }
                if (r == UNAVAILABLE && (pending || family != Family.LOCAL)) {
                    throw IoStatus.exception("connect", Errno.EAGAIN.number(), remote); // only a full Unix backlog is waited for
                }
                if (timedOut(deadline)) throw timeout("connect", remote);
                if (r == UNAVAILABLE) {
                    // A Unix listener's backlog is full: a blocking connect would wait for room, which poll cannot tell.
                    LockSupport.parkNanos(1_000_000);
                    if (!fd.isOpen()) throw new SocketClosedException("connect"); // closed by another thread
                    if (Thread.currentThread().isInterrupted()) throw new java.io.InterruptedIOException("connect interrupted");
                } else {
                    pending = true;
                    fd.await(POLLOUT, deadline, "connect");
                }
            }
        } finally {
            fd.release();
        }
    }

    // ---- shutdown(2), close(2), dup

    /**
     * shutdown(2): with WRITE the FIN goes out now, whatever other descriptors share the socket (UNP 4.9).
     *
     * @param how which direction(s) to shut
     * @throws SocketClosedException if the socket is closed
     * @throws IOException any other failure, as an {@link ErrnoException} (ENOTCONN when not connected)
     */
    public void shutdown(Shutdown how) throws IOException {
        fd.acquire("shutdown");
        try {
            if (Libc.shutdown(fd.fd, how.how) < 0) throw IoStatus.failure("shutdown", peerForMessage());
        } finally {
            fd.release();
        }
    }

    /**
     * close(2): drops this descriptor's reference; the kernel sends FIN only when the last reference
     * to the socket goes (UNP 4.9). Threads blocked in this socket wake with a
     * {@link SocketClosedException}. Safe to call more than once; never fails.
     */
    @Override
    public void close() {
        fd.close();
    }

    /** {@return whether {@link #close} has not been called yet} */
    public boolean isOpen() {
        return fd.isOpen();
    }

    /**
     * A second descriptor for the same socket (F_DUPFD_CLOEXEC), with its own close.
     *
     * @return the twin, open, with this socket's timeout
     * @throws SocketClosedException if the socket is closed
     * @throws IOException any other failure, as an {@link ErrnoException} (EMFILE)
     */
    public Socket dup() throws IOException {
        fd.acquire("dup");
        try {
            int n = Libc.fcntl(fd.fd, F_DUPFD_CLOEXEC, 0);
            if (n < 0) throw IoStatus.failure("dup", "fd " + fd.fd);
            Socket twin = new Socket(n, family, type, protocol);
            twin.peerHint = peerHint;
            twin.timeoutNanos = timeoutNanos;
            return twin;
        } finally {
            fd.release();
        }
    }

    /**
     * The bytes this {@code Socket}'s calls have received: read, recv (not with MSG_PEEK), recvfrom and
     * the stream views, counted as the kernel hands them over. What the application read, not what the
     * kernel counted on the wire (no headers, no FIN); a {@link #dup} counts its own.
     *
     * @return the count since the socket was opened or adopted
     */
    public long bytesReceived() {
        return bytesReceived;
    }

    /**
     * The bytes this {@code Socket}'s calls have handed to the kernel to send: write, send, sendto,
     * writeFully and the stream views. What the application wrote, whether or not the peer has
     * acknowledged it yet; a {@link #dup} counts its own.
     *
     * @return the count since the socket was opened or adopted
     */
    public long bytesSent() {
        return bytesSent;
    }

    /** {@return the descriptor number (valid until {@link #close})} */
    public int fd() {
        return fd.fd;
    }

    /** {@return the address family it was opened with} */
    public Family family() {
        return family;
    }

    /** {@return the socket type it was opened with} */
    public SocketType type() {
        return type;
    }

    /** {@return the protocol it was opened with ({@link Protocol#DEFAULT} for a pair)} */
    public Protocol protocol() {
        return protocol;
    }

    // ---- getsockname(2), getpeername(2)

    /**
     * getsockname(2): the local address, with the port the kernel chose after bind to port 0 or connect.
     *
     * @return the address, never {@code null} (an unbound socket has the family's wildcard address, port 0)
     * @throws SocketClosedException if the socket is closed
     * @throws IOException any other failure, as an {@link ErrnoException}
     */
    public SockAddr getsockname() throws IOException {
        return name(true);
    }

    /**
     * getpeername(2): the connected peer.
     *
     * @return its address, never {@code null}
     * @throws SocketClosedException if the socket is closed
     * @throws IOException ENOTCONN when there is no peer, as an {@link ErrnoException}
     */
    public SockAddr getpeername() throws IOException {
        return name(false);
    }

    private SockAddr name(boolean local) throws IOException {
        String call = local ? "getsockname" : "getpeername";
        MemorySegment s = Sockaddrs.storage();
        MemorySegment len = Sockaddrs.lengthSlot(s);
        len.set(JAVA_INT, 0, Sockaddrs.STORAGE_SIZE);
        fd.acquire(call);
        try {
            int r = local ? Libc.getsockname(fd.fd, s, len) : Libc.getpeername(fd.fd, s, len);
            if (r < 0) throw IoStatus.failure(call, "fd " + fd.fd);
            return Sockaddrs.decode(s, len.get(JAVA_INT, 0));
        } finally {
            fd.release();
        }
    }

    // ---- timeouts

    /**
     * A limit for each blocking accept, read, recv and recvfrom, like SO_TIMEOUT: one that waits
     * longer fails with an {@link ErrnoSocketTimeoutException} and leaves the socket open.
     *
     * @param timeout the limit, or {@code null} or zero for none
     */
    public void setTimeout(Duration timeout) {
        timeoutNanos = timeout == null ? 0 : timeout.toNanos();
    }

    long deadline() {
        long t = timeoutNanos;
        return t == 0 ? 0 : System.nanoTime() + t;
    }

    static boolean timedOut(long deadline) {
        return deadline != 0 && deadline - System.nanoTime() <= 0;
    }

    static ErrnoSocketTimeoutException timeout(String call, Object address) {
        return new ErrnoSocketTimeoutException(call, address);
    }

    // ---- recv(2), send(2), recvfrom(2), sendto(2)

    /**
     * Reads into {@code dst} (heap or direct), waiting until at least one byte (or a datagram) is
     * there, as {@link java.nio.channels.ReadableByteChannel#read} in blocking mode.
     *
     * @param dst where the bytes go, from its position up to its limit; its position advances
     * @return the count (0 only when {@code dst} has no room, or for an empty datagram), or -1 at end of
     *         stream (the peer's FIN) on a stream socket
     * @throws IllegalArgumentException if {@code dst} is read-only
     * @throws java.net.SocketTimeoutException (an {@link ErrnoSocketTimeoutException}) when the
     *         {@linkplain #setTimeout timeout} expires
     * @throws SocketClosedException if the socket is closed, before or while waiting
     * @throws java.io.InterruptedIOException if the waiting thread is interrupted
     * @throws IOException any other failure, as an {@link ErrnoException} (ECONNRESET, ...)
     */
    public int read(ByteBuffer dst) throws IOException {
        return recv(dst, 0);
    }

    /**
     * Reads into {@code b[off, off+len)}, as {@link #read(ByteBuffer)}.
     *
     * @param b where the bytes go
     * @param off where in {@code b} they start
     * @param len how many at most
     * @return the count, or -1 at end of stream
     * @throws IndexOutOfBoundsException if the range is not inside {@code b}
     * @throws IOException as {@link #read(ByteBuffer)}
     */
    public int read(byte[] b, int off, int len) throws IOException {
        return read(ByteBuffer.wrap(b, off, len));
    }

    /**
     * Reads into {@code b}, as {@link #read(ByteBuffer)}.
     *
     * @param b where the bytes go
     * @return the count, or -1 at end of stream
     * @throws IOException as {@link #read(ByteBuffer)}
     */
    public int read(byte[] b) throws IOException {
        return read(b, 0, b.length);
    }

    /**
     * recv(2) with flags ({@link MsgFlag#PEEK}, {@link MsgFlag#DONTWAIT}, {@link MsgFlag#WAITALL}),
     * waiting as {@link #read(ByteBuffer)} does unless DONTWAIT says not to.
     *
     * @param dst where the bytes go; its position advances unless PEEK
     * @param flags the flags, none for a plain read
     * @return the count, or -1 at end of stream
     * @throws IllegalArgumentException if {@code dst} is read-only
     * @throws ErrnoException EAGAIN with DONTWAIT and nothing queued, or the kernel's failure
     * @throws java.net.SocketTimeoutException when the {@linkplain #setTimeout timeout} expires
     * @throws SocketClosedException if the socket is closed
     * @throws IOException as {@link #read(ByteBuffer)}
     */
    public int recv(ByteBuffer dst, MsgFlag... flags) throws IOException {
        return recv(dst, MsgFlag.bits(flags));
    }

    /** Whether this call waits in the kernel itself: a platform thread, no deadline, no MSG_DONTWAIT, the file in blocking mode. */
    private boolean waitsInCall(int flags, long deadline) {
        return blockingMode && deadline == 0 && (flags & MSG_DONTWAIT) == 0 && !Thread.currentThread().isVirtual();
    }

    /**
     * A call found nothing to do (EAGAIN): if a platform thread may wait in the call itself from now
     * on, puts the open file in blocking mode (once for the socket's life) and says so. Only a stream
     * socket, which answers EAGAIN only once connected (a listener is never put in blocking mode: its
     * accept(2) has no per-call MSG_DONTWAIT, and other processes may share it). Not without the
     * pre-closed socket (EMFILE): close could not wake the call.
     */
    private boolean startWaitingInCall(int flags, long deadline) {
        if (blockingMode || deadline != 0 || (flags & MSG_DONTWAIT) != 0 || type != SocketType.STREAM
                || Thread.currentThread().isVirtual() || !Wakeup.ready()) {
            return false;
        }
        try {
            setNonBlocking(fd.fd, false);
        } catch (IOException e) {
            return false; // waits in poll(2) as before
        }
        blockingMode = true;
        return true;
    }

    private int recv(ByteBuffer dst, int flags) throws IOException {
        checkWritable(dst);
        fd.acquire("recv");
        try {
            long deadline = deadline();
            while (true) {
                int seen = fd.readEvents();
                long drained = DRAINED | (seen & 0xFFFF_FFFFL);
                if (flags == 0 && drainedAt == drained && Thread.currentThread().isVirtual() && !fd.endOrUrgent()) {
                    drainedAt = 0; // one wait without a try at most: after it, the loop tries
                } else {
                    int asked = dst.remaining();
                    int n = waitsInCall(flags, deadline) ? recvInCall(dst, flags) : tryRecvAcquired(dst, flags | MSG_DONTWAIT);
                    if (flags == 0 && shortReadDrains) drainedAt = n > 0 && n < asked ? drained : 0;
                    if (n != UNAVAILABLE) return n;
                    if ((flags & MSG_DONTWAIT) != 0) throw IoStatus.exception("recv", Errno.EAGAIN.number(), peerForMessage());
                    if (!timedOut(deadline) && startWaitingInCall(flags, deadline)) continue;
                }
                if (timedOut(deadline)) throw timeout("recv", peerForMessage());
                fd.await(POLLIN, deadline, "recv", seen);
            }
        } finally {
            fd.release();
        }
    }

    /**
     * recv(2) without waiting.
     *
     * @param dst where the bytes go; its position advances
     * @return the count, -1 at end of stream, or {@link #UNAVAILABLE} when nothing is queued
     * @throws IllegalArgumentException if {@code dst} is read-only
     * @throws SocketClosedException if the socket is closed
     * @throws IOException any other failure, as an {@link ErrnoException}
     */
    public int tryRead(ByteBuffer dst) throws IOException {
        checkWritable(dst);
        fd.acquire("recv");
        try {
            return tryRecvAcquired(dst, MSG_DONTWAIT);
        } finally {
            fd.release();
        }
    }

    /** The kernel writes through the buffer's memory: a read-only view must not be handed to it. */
    private static void checkWritable(ByteBuffer dst) {
        if (dst.isReadOnly()) throw new IllegalArgumentException("cannot read into a read-only buffer");
    }

    /** recv(2) that does not wait: {@code flags} include MSG_DONTWAIT (the open file may be in blocking mode). */
    private int tryRecvAcquired(ByteBuffer dst, int flags) throws IOException {
        MemorySegment seg = MemorySegment.ofBuffer(dst);
        int n;
        do {
            n = IoStatus.result(Libc.recv(fd.fd, seg, seg.byteSize(), flags), "recv", this, Socket::peerForMessage);
        } while (n == IoStatus.INTERRUPTED);
        return received(dst, n, flags);
    }

    /**
     * recv(2) waiting in the kernel (a platform thread, the file in blocking mode); UNAVAILABLE if the
     * file is non-blocking after all (a child's holder set it again), or a signal other than close's came.
     */
    private int recvInCall(ByteBuffer dst, int flags) throws IOException {
        long r = InCall.recv(fd, MemorySegment.ofBuffer(dst), flags, "recv");
        int n = IoStatus.result(r, "recv", this, Socket::peerForMessage);
        if (n == IoStatus.INTERRUPTED) {
            if (Thread.currentThread().isInterrupted()) throw new java.io.InterruptedIOException("recv interrupted");
            return UNAVAILABLE;
        }
        return received(dst, n, flags);
    }

    /** What a recv(2) that returned {@code n} (or UNAVAILABLE) means for {@code dst} and the caller. */
    private int received(ByteBuffer dst, int n, int flags) {
        if (n == UNAVAILABLE) return UNAVAILABLE;
        int pos = dst.position();
        int rem = dst.remaining();
        // 0: a stream peer sent FIN, or a datagram was empty. An empty buffer reads nothing either way.
        if (n == 0) return rem > 0 && type != SocketType.DGRAM ? -1 : 0;
        if ((flags & MSG_PEEK) == 0) {
            dst.position(pos + n);
            RECEIVED.getAndAdd(this, (long) n);
        }
        return n;
    }

    /**
     * Writes from {@code src}, waiting until the kernel takes at least one byte, as
     * {@link java.nio.channels.WritableByteChannel#write} in blocking mode; returns how many it took
     * (possibly fewer than offered: see {@link #writeFully}). Never raises SIGPIPE.
     *
     * @param src the bytes, from its position up to its limit; its position advances
     * @return how many bytes the kernel took
     * @throws SocketClosedException if the socket is closed, before or while waiting
     * @throws java.io.InterruptedIOException if the waiting thread is interrupted
     * @throws IOException any other failure, as an {@link ErrnoException}: EPIPE or ECONNRESET when the
     *         peer has reset or closed the connection
     */
    public int write(ByteBuffer src) throws IOException {
        return send(src, 0);
    }

    /**
     * Writes from {@code b[off, off+len)}, as {@link #write(ByteBuffer)}.
     *
     * @param b the bytes
     * @param off where in {@code b} they start
     * @param len how many
     * @return how many bytes the kernel took
     * @throws IndexOutOfBoundsException if the range is not inside {@code b}
     * @throws IOException as {@link #write(ByteBuffer)}
     */
    public int write(byte[] b, int off, int len) throws IOException {
        return write(ByteBuffer.wrap(b, off, len));
    }

    /**
     * Writes from {@code b}, as {@link #write(ByteBuffer)}.
     *
     * @param b the bytes
     * @return how many bytes the kernel took
     * @throws IOException as {@link #write(ByteBuffer)}
     */
    public int write(byte[] b) throws IOException {
        return write(b, 0, b.length);
    }

    /**
     * send(2) with flags, waiting as {@link #write(ByteBuffer)} does unless DONTWAIT says not to.
     *
     * @param src the bytes; its position advances
     * @param flags the flags, none for a plain write
     * @return how many bytes the kernel took
     * @throws ErrnoException EAGAIN with DONTWAIT when there is no room, or the kernel's failure
     * @throws SocketClosedException if the socket is closed
     * @throws IOException as {@link #write(ByteBuffer)}
     */
    public int send(ByteBuffer src, MsgFlag... flags) throws IOException {
        return send(src, MsgFlag.bits(flags));
    }

    private int send(ByteBuffer src, int flags) throws IOException {
        fd.acquire("send");
        try {
            while (true) {
                int n = waitsInCall(flags, 0) ? sendInCall(src, flags) : trySendAcquired(src, flags | MSG_DONTWAIT);
                if (n != UNAVAILABLE) return n;
                if ((flags & MSG_DONTWAIT) != 0) throw IoStatus.exception("send", Errno.EAGAIN.number(), peerForMessage());
                if (startWaitingInCall(flags, 0)) continue;
                fd.await(POLLOUT, 0, "send");
            }
        } finally {
            fd.release();
        }
    }

    /**
     * send(2) without waiting.
     *
     * @param src the bytes; its position advances by what the kernel took
     * @return how many bytes the kernel took, or {@link #UNAVAILABLE} when it has no room
     * @throws SocketClosedException if the socket is closed
     * @throws IOException any other failure, as an {@link ErrnoException} (EPIPE, ECONNRESET)
     */
    public int tryWrite(ByteBuffer src) throws IOException {
        fd.acquire("send");
        try {
            return trySendAcquired(src, MSG_DONTWAIT);
        } finally {
            fd.release();
        }
    }

    /** send(2) that does not wait: {@code flags} include MSG_DONTWAIT (the open file may be in blocking mode). */
    private int trySendAcquired(ByteBuffer src, int flags) throws IOException {
        MemorySegment seg = MemorySegment.ofBuffer(src);
        int n;
        do {
            n = IoStatus.result(Libc.send(fd.fd, seg, seg.byteSize(), flags | MSG_NOSIGNAL), "send", this, Socket::peerForMessage);
        } while (n == IoStatus.INTERRUPTED);
        return sent(src, n);
    }

    /** send(2) waiting in the kernel for room, as {@link #recvInCall}. */
    private int sendInCall(ByteBuffer src, int flags) throws IOException {
        long r = InCall.send(fd, MemorySegment.ofBuffer(src), flags | MSG_NOSIGNAL, "send");
        int n = IoStatus.result(r, "send", this, Socket::peerForMessage);
        if (n == IoStatus.INTERRUPTED) {
            if (Thread.currentThread().isInterrupted()) throw new java.io.InterruptedIOException("send interrupted");
            return UNAVAILABLE;
        }
        return sent(src, n);
    }

    /** What a send(2) that returned {@code n} (or UNAVAILABLE) means for {@code src}. */
    private int sent(ByteBuffer src, int n) {
        int pos = src.position();
        if (n != UNAVAILABLE) {
            src.position(pos + n);
            SENT.getAndAdd(this, (long) n);
        }
        return n;
    }

    /**
     * UNP's readn: reads until {@code dst} is full.
     *
     * @param dst where the bytes go; full on return
     * @throws java.io.EOFException if the stream ends first, saying how much came
     * @throws IOException as {@link #read(ByteBuffer)}
     */
    public void readFully(ByteBuffer dst) throws IOException {
        int want = dst.remaining();
        while (dst.hasRemaining()) {
            if (read(dst) < 0) {
                throw new EOFException("end of stream after " + (want - dst.remaining()) + " of " + want + " bytes");
            }
        }
    }

    /**
     * UNP's readn into {@code b[off, off+len)}.
     *
     * @param b where the bytes go
     * @param off where in {@code b} they start
     * @param len how many
     * @throws IndexOutOfBoundsException if the range is not inside {@code b}
     * @throws java.io.EOFException if the stream ends first
     * @throws IOException as {@link #read(ByteBuffer)}
     */
    public void readFully(byte[] b, int off, int len) throws IOException {
        readFully(ByteBuffer.wrap(b, off, len));
    }

    /**
     * UNP's readn into all of {@code b}.
     *
     * @param b where the bytes go
     * @throws java.io.EOFException if the stream ends first
     * @throws IOException as {@link #read(ByteBuffer)}
     */
    public void readFully(byte[] b) throws IOException {
        readFully(b, 0, b.length);
    }

    /**
     * UNP's writen: writes all of {@code src}, across partial writes and EINTR.
     *
     * @param src the bytes; empty on return
     * @throws IOException as {@link #write(ByteBuffer)}
     */
    public void writeFully(ByteBuffer src) throws IOException {
        while (src.hasRemaining()) write(src);
    }

    /**
     * UNP's writen of {@code b[off, off+len)}.
     *
     * @param b the bytes
     * @param off where in {@code b} they start
     * @param len how many
     * @throws IndexOutOfBoundsException if the range is not inside {@code b}
     * @throws IOException as {@link #write(ByteBuffer)}
     */
    public void writeFully(byte[] b, int off, int len) throws IOException {
        writeFully(ByteBuffer.wrap(b, off, len));
    }

    /**
     * UNP's writen of all of {@code b}.
     *
     * @param b the bytes
     * @throws IOException as {@link #write(ByteBuffer)}
     */
    public void writeFully(byte[] b) throws IOException {
        writeFully(b, 0, b.length);
    }

    /**
     * sendto(2): one datagram to {@code to}, waiting while the send buffer is full.
     *
     * @param src the datagram; its position advances
     * @param to where it goes
     * @return how many bytes were sent
     * @throws SocketClosedException if the socket is closed
     * @throws IOException any other failure, as an {@link ErrnoException} (EMSGSIZE, ENETUNREACH, ...)
     */
    public int sendto(ByteBuffer src, SockAddr to) throws IOException {
        return sendto(src, to, true);
    }

    /**
     * sendto(2) without waiting: for a server that answers many peers from one socket and must not
     * stall on one whose queue is full (a Unix datagram peer that does not read).
     *
     * @param src the datagram; its position advances when it is sent
     * @param to where it goes
     * @return how many bytes were sent, or {@link #UNAVAILABLE} when the kernel would have to wait (EAGAIN)
     * @throws SocketClosedException if the socket is closed
     * @throws IOException any other failure, as an {@link ErrnoException} (EMSGSIZE, ENETUNREACH, ...)
     */
    public int trySendto(ByteBuffer src, SockAddr to) throws IOException {
        return sendto(src, to, false);
    }

    private int sendto(ByteBuffer src, SockAddr to, boolean wait) throws IOException {
        MemorySegment s = Sockaddrs.storage();
        int len = Sockaddrs.encode(to, s);
        fd.acquire("sendto");
        try {
            int pos = src.position();
            MemorySegment seg = MemorySegment.ofBuffer(src);
            while (true) {
                int n = IoStatus.result(Libc.sendto(fd.fd, seg, seg.byteSize(), MSG_NOSIGNAL | MSG_DONTWAIT, s, len), "sendto", to);
                if (n >= 0) {
                    src.position(pos + n);
                    SENT.getAndAdd(this, (long) n);
                    return n;
                }
                if (n == UNAVAILABLE) {
                    if (!wait) return UNAVAILABLE;
                    fd.await(POLLOUT, 0, "sendto");
                } // else INTERRUPTED: call again
            }
        } finally {
            fd.release();
        }
    }

    /**
     * recvfrom(2): waits for one datagram (or the {@linkplain #setTimeout timeout}).
     *
     * @param dst where it goes; a datagram longer than the room left is cut to it
     * @return its length and sender, never {@code null}
     * @throws IllegalArgumentException if {@code dst} is read-only
     * @throws java.net.SocketTimeoutException (an {@link ErrnoSocketTimeoutException}) when the timeout expires
     * @throws SocketClosedException if the socket is closed
     * @throws IOException any other failure, as an {@link ErrnoException}
     */
    public Received recvfrom(ByteBuffer dst) throws IOException {
        checkWritable(dst);
        MemorySegment s = Sockaddrs.storage();
        MemorySegment len = Sockaddrs.lengthSlot(s);
        fd.acquire("recvfrom");
        try {
            long deadline = deadline();
            int pos = dst.position();
            MemorySegment seg = MemorySegment.ofBuffer(dst);
            while (true) {
                int seen = fd.readEvents();
                len.set(JAVA_INT, 0, Sockaddrs.STORAGE_SIZE);
                int n = IoStatus.result(Libc.recvfrom(fd.fd, seg, seg.byteSize(), MSG_DONTWAIT, s, len),
                        "recvfrom", this, Socket::localForMessage);
                if (n >= 0) {
                    dst.position(pos + n);
                    RECEIVED.getAndAdd(this, (long) n);
                    int alen = len.get(JAVA_INT, 0); // 0: no address (a stream socket, an unbound Unix sender)
                    return new Received(n, alen == 0 ? null : Sockaddrs.decode(s, alen));
                }
                if (n == IoStatus.INTERRUPTED) continue;
                if (timedOut(deadline)) throw timeout("recvfrom", localForMessage());
                fd.await(POLLIN, deadline, "recvfrom", seen);
            }
        } finally {
            fd.release();
        }
    }

    /**
     * What {@link #recvfrom} received.
     *
     * @param length how many bytes
     * @param from the sender, or {@code null} when the kernel did not say (a stream socket, an unbound Unix sender)
     */
    public record Received(int length, SockAddr from) {}

    // ---- sendmsg(2), recvmsg(2): descriptors and credentials between processes (unix(7))

    /**
     * sendmsg(2) on a Unix socket with descriptors (SCM_RIGHTS): the receiver gets its own
     * descriptors for the same open files, as if {@code dup}ed into its process. This socket keeps
     * its own; closing them here after the call does not close the receiver's. Waits while the send
     * buffer is full.
     *
     * @param src the data, at least one byte (on a stream socket the descriptors travel with its
     *     first byte); its position advances by what the kernel took
     * @param rights the sockets whose descriptors go along, at most 253 (the kernel's SCM_MAX_FD);
     *     empty for none
     * @return how many bytes the kernel took
     * @throws IllegalArgumentException if {@code rights} is not empty and {@code src} is
     * @throws SocketClosedException if this socket or one of {@code rights} is closed
     * @throws IOException what the kernel refused, as an {@link ErrnoException}: EINVAL for more than
     *     SCM_MAX_FD descriptors, ETOOMANYREFS, EPIPE, ...
     */
    public int sendmsg(ByteBuffer src, java.util.List<Socket> rights) throws IOException {
        return AncillaryMessages.send(this, fd, src, rights, null);
    }

    /**
     * {@link #sendmsg(ByteBuffer, java.util.List)} with credentials (SCM_CREDENTIALS) as well: the
     * receiver, with {@link SockOpt#SO_PASSCRED} on, reads them with the message. Without privilege
     * the kernel accepts only the sender's own pid, uid and gid ({@link PeerCred#ofThisProcess()}).
     *
     * @param src the data, at least one byte when {@code rights} is not empty
     * @param rights the sockets whose descriptors go along; empty for none
     * @param credentials the credentials to send
     * @return how many bytes the kernel took
     * @throws IOException as {@link #sendmsg(ByteBuffer, java.util.List)}; EPERM for credentials
     *     that are not the sender's
     */
    public int sendmsg(ByteBuffer src, java.util.List<Socket> rights, PeerCred credentials) throws IOException {
        java.util.Objects.requireNonNull(credentials, "credentials");
        return AncillaryMessages.send(this, fd, src, rights, credentials);
    }

    /**
     * recvmsg(2) on a Unix socket: waits (up to the {@linkplain #setTimeout timeout}) for data, and
     * takes the descriptors (SCM_RIGHTS) and credentials (SCM_CREDENTIALS) that came with it. The
     * received descriptors are close-on-exec and the caller's: close each, or adopt it as a
     * {@link Socket}. More descriptors than {@code maxRights} is an error (the kernel's MSG_CTRUNC),
     * and the ones that did arrive are closed.
     *
     * @param dst where the data goes; its position advances
     * @param maxRights how many descriptors may come with the message (0 to 253)
     * @return the count, the descriptors and the credentials; a count of -1 at end of stream
     * @throws IllegalArgumentException if {@code dst} is read-only or {@code maxRights} is out of range
     * @throws java.net.SocketTimeoutException (an {@link ErrnoSocketTimeoutException}) when the timeout expires
     * @throws SocketClosedException if the socket is closed
     * @throws IOException MSG_CTRUNC named in the message, or the kernel's failure as an {@link ErrnoException}
     */
    public Message recvmsg(ByteBuffer dst, int maxRights) throws IOException {
        return AncillaryMessages.receive(this, fd, dst, maxRights);
    }

    // ---- streams

    /**
     * An {@link InputStream} over this socket: read blocks, returns -1 at end of stream; close closes the socket.
     *
     * @return a new stream; each call makes another over the same socket
     */
    public InputStream inputStream() {
        return new SocketStreams.In(this);
    }

    /**
     * An {@link OutputStream} over this socket: write writes everything; close closes the socket.
     *
     * @return a new stream; each call makes another over the same socket
     */
    public OutputStream outputStream() {
        return new SocketStreams.Out(this);
    }

    // ---- setsockopt(2), getsockopt(2)

    /**
     * setsockopt(2).
     *
     * @param <T> the option's value type
     * @param option the option, e.g. {@link SockOpt#SO_REUSEADDR}
     * @param value its value
     * @throws IllegalArgumentException if the option can only be read
     * @throws SocketClosedException if the socket is closed
     * @throws IOException what the kernel refused, as an {@link ErrnoException} (EINVAL, ENOPROTOOPT, ...)
     */
    public <T> void setOption(SockOpt<T> option, T value) throws IOException {
        if (!option.isSettable()) throw new IllegalArgumentException(option + " can only be read");
        MemorySegment v = MemorySegment.ofArray(new long[(option.codec.size() + 7) / 8]);
        option.codec.encode(value, v);
        fd.acquire("setsockopt");
        try {
            if (Libc.setsockopt(fd.fd, option.level, option.optname, v, option.codec.size()) < 0) {
                throw IoStatus.failure("setsockopt", option + "=" + value);
            }
        } finally {
            fd.release();
        }
    }

    /**
     * getsockopt(2).
     *
     * @param <T> the option's value type
     * @param option the option, e.g. {@link SockOpt#TCP_INFO}
     * @return its value, never {@code null}
     * @throws SocketClosedException if the socket is closed
     * @throws IOException what the kernel refused, as an {@link ErrnoException} (ENOPROTOOPT, ...)
     */
    public <T> T getOption(SockOpt<T> option) throws IOException {
        fd.acquire("getsockopt");
        try {
            return getOptionAcquired(option);
        } finally {
            fd.release();
        }
    }

    private <T> T getOptionAcquired(SockOpt<T> option) throws IOException {
        MemorySegment v = MemorySegment.ofArray(new long[(option.codec.size() + 7) / 8]);
        MemorySegment len = MemorySegment.ofArray(new int[] {option.codec.size()});
        if (Libc.getsockopt(fd.fd, option.level, option.optname, v, len) < 0) {
            throw IoStatus.failure("getsockopt", option.toString());
        }
        return option.codec.decode(v, len.get(JAVA_INT, 0));
    }

    /**
     * When the kernel received the packet or datagram the last {@link #recvfrom} returned: ioctl(2)
     * SIOCGSTAMPNS, once {@link #timestampPackets} has turned the time stamps on before it arrived.
     *
     * @return the kernel's time of receipt (the realtime clock, nanoseconds)
     * @throws SocketClosedException if the socket is closed
     * @throws IOException as an {@link ErrnoException} (ENOENT: no packet with a time stamp was read yet)
     */
    public Instant receiveTime() throws IOException {
        MemorySegment ts = MemorySegment.ofArray(new long[2]); // struct timespec: tv_sec, tv_nsec
        fd.acquire("ioctl");
        try {
            if (Libc.ioctl(fd.fd, SIOCGSTAMPNS, ts) < 0) throw IoStatus.failure("ioctl", "SIOCGSTAMPNS fd " + fd.fd);
        } finally {
            fd.release();
        }
        return Instant.ofEpochSecond(ts.get(JAVA_LONG, 0), ts.get(JAVA_LONG, 8));
    }

    /**
     * Turns on the kernel's time stamp of each packet this socket receives, for {@link #receiveTime}:
     * the first ioctl(2) SIOCGSTAMPNS does it (and finds no packet yet: ENOENT, which is expected here).
     *
     * @throws SocketClosedException if the socket is closed
     * @throws IOException what the kernel refused, as an {@link ErrnoException}
     */
    public void timestampPackets() throws IOException {
        try {
            receiveTime();
        } catch (ErrnoException e) {
            if (e.errno() != Errno.ENOENT) throw e; // ENOENT: stamps are on from now, none taken yet
        }
    }

    /**
     * setsockopt(2) SO_ATTACH_FILTER: the kernel runs {@code program} over every packet that reaches
     * this socket and drops those it does not accept, before they are queued. A second call replaces
     * the first program.
     *
     * @param program the classic BPF program
     * @throws SocketClosedException if the socket is closed
     * @throws IOException what the kernel refused, as an {@link ErrnoException} (EINVAL: the program
     *         does not pass the kernel's checker, e.g. a jump past its end; ENOMEM)
     */
    public void attachFilter(BpfProgram program) throws IOException {
        fd.acquire("setsockopt");
        try (Arena arena = Arena.ofConfined()) {
            var insns = program.instructions();
            MemorySegment filter = arena.allocate(SockFprog.SOCK_FILTER, insns.size());
            for (int i = 0; i < insns.size(); i++) {
                BpfProgram.Instruction in = insns.get(i);
                SockFprog.code(filter, i, in.code());
                SockFprog.jt(filter, i, in.jt());
                SockFprog.jf(filter, i, in.jf());
                SockFprog.k(filter, i, in.k());
            }
            MemorySegment fprog = arena.allocate(SockFprog.LAYOUT);
            SockFprog.len(fprog, insns.size());
            SockFprog.filter(fprog, filter);
            if (Libc.setsockopt(fd.fd, SOL_SOCKET, SO_ATTACH_FILTER, fprog, (int) fprog.byteSize()) < 0) {
                throw IoStatus.failure("setsockopt", "SO_ATTACH_FILTER (" + insns.size() + " BPF instructions)");
            }
        } finally {
            fd.release();
        }
    }

    /**
     * Clears or sets O_NONBLOCK on the open file itself. Only for handing the descriptor to a
     * program that expects blocking I/O (it shares the file status flags): this socket's own calls
     * assume O_NONBLOCK.
     *
     * @param blocking true to clear O_NONBLOCK, false to set it again
     * @throws SocketClosedException if the socket is closed
     * @throws IOException what fcntl(2) refused, as an {@link ErrnoException}
     */
    public void setBlockingForChild(boolean blocking) throws IOException {
        fd.acquire("fcntl");
        try {
            setNonBlocking(fd.fd, !blocking);
            blockingMode = blocking;
        } finally {
            fd.release();
        }
    }

    // ---- messages

    private Object localForMessage() {
        try {
            return getsockname();
        } catch (IOException e) {
            return "fd " + fd.fd;
        }
    }

    Object peerForMessage() {
        SockAddr p = peerHint;
        return p != null ? p : "fd " + fd.fd;
    }

    /** The descriptor's lifetime, for the calls of this package that hold it in flight. */
    Fd descriptor() {
        return fd;
    }

    /** {@return the descriptor, family and type, e.g. {@code Socket[fd=7 INET STREAM]}} */
    @Override
    public String toString() {
        return "Socket[fd=" + fd.fd + " " + family + " " + type + (fd.isOpen() ? "" : " closed") + "]";
    }
}
