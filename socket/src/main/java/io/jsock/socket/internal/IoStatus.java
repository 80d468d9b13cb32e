package io.jsock.socket.internal;

import io.jsock.socket.Errno;
import io.jsock.socket.ErrnoBindException;
import io.jsock.socket.ErrnoConnectException;
import io.jsock.socket.ErrnoException;
import io.jsock.socket.ErrnoNoRouteToHostException;
import io.jsock.socket.SyscallFailure;

import java.io.IOException;
import java.util.function.Function;

/**
 * The one place where a raw libc result becomes a value or an exception, as the JDK's
 * {@code IOStatus} and Netty's {@code Errors.ioResult} do: a count passes through, EINTR is
 * {@link #INTERRUPTED} (call again), EAGAIN is {@link #UNAVAILABLE} (would block: wait, then call
 * again), and any other errno is thrown as the exception {@link #exception} maps it to.
 *
 * <p>A call site reads:
 * <pre>{@code
 * int n;
 * do {
 *     n = IoStatus.result(Libc.recv(fd, seg, len, 0), "recv", fd);
 * } while (n == IoStatus.INTERRUPTED);
 * if (n == IoStatus.UNAVAILABLE) ... // park, or tell the caller "nothing now"
 * }</pre>
 *
 * <p>The address a message names is made only when a call fails: for a socket it may cost a
 * getsockname(2), which the common EAGAIN must not pay.
 *
 * <p>The {@code result} methods are for the calls that wait or move data (accept, recv, send,
 * recvfrom, sendto, read, write, epoll_wait): the JDK has no type of its own for their failures, so
 * they throw {@link ErrnoException}, as {@code EventIo}'s signatures promise.
 */
public final class IoStatus {
    private IoStatus() {}

    /** EAGAIN: the call would block. */
    public static final int UNAVAILABLE = -2;
    /** EINTR: a signal came first; make the call again. */
    public static final int INTERRUPTED = -3;
    /** connect(2) only: the handshake goes on (EINPROGRESS, or EALREADY for a connect this socket started). */
    public static final int IN_PROGRESS = -4;
    /** Neither EINTR nor EAGAIN: thrown, never returned. */
    private static final int FAILED = -5;

    /**
     * For a call that returned {@code n}: {@code n} when it succeeded; {@link #INTERRUPTED} for EINTR;
     * {@link #UNAVAILABLE} for EAGAIN; any other errno is thrown, naming {@code syscall} and {@code where}.
     */
    public static int result(long n, String syscall, Object where) throws ErrnoException {
        int s = status(n);
        if (s == FAILED) throw transferFailure(syscall, Libc.errno(), where);
        return s;
    }

    /** {@link #result(long, String, Object)} for a bare descriptor: the message names "fd N". */
    public static int result(long n, String syscall, int fd) throws ErrnoException {
        int s = status(n);
        if (s == FAILED) throw transferFailure(syscall, Libc.errno(), "fd " + fd);
        return s;
    }

    /**
     * {@link #result(long, String, Object)} where naming the address has a cost: {@code where} is
     * applied to {@code owner} only when the call failed.
     */
    public static <T> int result(long n, String syscall, T owner, Function<? super T, ?> where) throws ErrnoException {
        int s = status(n);
        if (s != FAILED) return s;
        int errno = Libc.errno(); // before `where`, which may make a call of its own
        throw transferFailure(syscall, errno, where.apply(owner));
    }

    /**
     * What a non-blocking connect(2) returned: 0 once connected, {@link #IN_PROGRESS} while the
     * handshake goes on, {@link #INTERRUPTED}, or {@link #UNAVAILABLE} (EAGAIN: a Unix listener's
     * backlog is full). {@code pending} says this socket's own handshake was already under way: then
     * EISCONN means it completed and EALREADY that it goes on; otherwise both are the caller's misuse,
     * thrown like any other errno.
     */
    public static int connect(int r, boolean pending, Object where) throws IOException {
        if (r == 0) return 0;
        int errno = Libc.errno();
        if (errno == Errno.EINPROGRESS.number()) return IN_PROGRESS;
        if (pending && errno == Errno.EALREADY.number()) return IN_PROGRESS;
        if (pending && errno == Errno.EISCONN.number()) return 0;
        int s = retryOrWait(errno);
        if (s == FAILED) throw exception("connect", errno, where);
        return s;
    }

    private static int status(long n) {
        return n >= 0 ? (int) n : retryOrWait(Libc.errno());
    }

    private static int retryOrWait(int errno) {
        if (errno == Errno.EINTR.number()) return INTERRUPTED;
        if (errno == Errno.EAGAIN.number()) return UNAVAILABLE;
        return FAILED;
    }

    /** The mapping gives a call that waits or moves data no JDK type: its failure is an ErrnoException. */
    private static ErrnoException transferFailure(String syscall, int errno, Object where) {
        return (ErrnoException) exception(syscall, errno, where, null);
    }

    /** {@link #exception(String, int, Object, String)} for the errno the calling thread's last call left. */
    public static IOException failure(String syscall, Object where) {
        return exception(syscall, Libc.errno(), where, null);
    }

    /** {@link #exception(String, int, Object, String)} without a detail. */
    public static IOException exception(String syscall, int errno, Object where) {
        return exception(syscall, errno, where, null);
    }

    /**
     * The one mapping from a failed call to its exception: {@code syscall} failed with {@code errno}
     * about {@code where} (an address, "fd 7", or {@code null}), with an optional {@code detail}
     * appended to the message. The calls that set a connection up get the JDK's types, as its own
     * sockets throw them; every other failure is an {@link ErrnoException}. Each keeps the errno.
     *
     * <pre>
     * connect  ECONNREFUSED, ETIMEDOUT          ConnectException
     * connect  EHOSTUNREACH, ENETUNREACH        NoRouteToHostException
     * connect  EADDRINUSE, EADDRNOTAVAIL        BindException   (the local end: no ephemeral port left, ...)
     * bind     EADDRINUSE, EADDRNOTAVAIL, EACCES BindException
     * listen   EADDRINUSE                       BindException   (another socket listens on the port)
     * </pre>
     */
    public static IOException exception(String syscall, int errno, Object where, String detail) {
        // No switch on Errno: its helper class would have to be loaded, perhaps while out of descriptors.
        SyscallFailure.Call call = SyscallFailure.Call.of(syscall, errno, where);
        boolean connect = syscall.equals("connect"), bind = syscall.equals("bind"), listen = syscall.equals("listen");
        if (connect && (is(errno, Errno.ECONNREFUSED) || is(errno, Errno.ETIMEDOUT))) {
            return new ErrnoConnectException(call, detail);
        }
        if (connect && (is(errno, Errno.EHOSTUNREACH) || is(errno, Errno.ENETUNREACH))) {
            return new ErrnoNoRouteToHostException(call, detail);
        }
        if ((connect || bind) && (is(errno, Errno.EADDRINUSE) || is(errno, Errno.EADDRNOTAVAIL))
                || bind && is(errno, Errno.EACCES) || listen && is(errno, Errno.EADDRINUSE)) {
            return new ErrnoBindException(call, detail);
        }
        return new ErrnoException(call, detail);
    }

    private static boolean is(int errno, Errno e) {
        return errno == e.number();
    }
}
