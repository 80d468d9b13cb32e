package io.jsock.socket.event;

import io.jsock.socket.internal.IoStatus;
import io.jsock.socket.internal.Libc;

import io.jsock.socket.ErrnoException;
import io.jsock.socket.Socket;

import static io.jsock.socket.internal.Constants.MSG_DONTWAIT;
import static io.jsock.socket.internal.Constants.MSG_NOSIGNAL;

import java.lang.foreign.MemorySegment;
import java.util.Objects;

/**
 * recv(2) and send(2) on a descriptor number, for an event loop that owns its sockets: the loop is
 * the only thread that reads, writes or closes them, so the per-call bookkeeping of {@link Socket}
 * (which keeps a descriptor number from being reused under a call in flight on another thread) is
 * not needed, and these calls cost the system call and nothing else: no allocation, no atomic.
 *
 * <p>Using a descriptor that another thread may close is a bug this class cannot detect: call these
 * only from the thread that owns the socket, and only until that thread closes it.
 */
public final class EventIo {
    private EventIo() {}

    /** What recv and send return when the call would block (EAGAIN): {@link Socket#UNAVAILABLE}. */
    public static final int UNAVAILABLE = Socket.UNAVAILABLE;

    /** What recv returns at end of stream (the peer's FIN). */
    public static final int END = -1;

    /**
     * recv(2) of at most {@code len} bytes into the start of {@code dst} (native or heap).
     *
     * @param fd a socket descriptor this thread owns
     * @param dst where the bytes go, writable, at least {@code len} bytes long
     * @param len how many bytes at most
     * @return the count, {@link #END} at end of stream, or {@link #UNAVAILABLE} when nothing is queued
     * @throws IndexOutOfBoundsException if {@code dst} is shorter than {@code len}
     * @throws IllegalArgumentException if {@code dst} is read-only
     * @throws ErrnoException a failure (ECONNRESET, ...), naming the fd
     */
    public static int recv(int fd, MemorySegment dst, int len) throws ErrnoException {
        Objects.checkFromIndexSize(0, len, dst.byteSize()); // the kernel must not write past dst
        if (dst.isReadOnly()) throw new IllegalArgumentException("cannot recv into a read-only segment");
        int n;
        do {
            n = IoStatus.result(Libc.recv(fd, dst, len, MSG_DONTWAIT), "recv", fd);
        } while (n == IoStatus.INTERRUPTED);
        return n == 0 && len > 0 ? END : n;
    }

    /**
     * send(2) of {@code src[offset, offset+len)}, without SIGPIPE.
     *
     * @param fd a socket descriptor this thread owns
     * @param src the bytes (native or heap)
     * @param offset where in {@code src} they start
     * @param len how many
     * @return how many bytes the kernel took (possibly fewer than {@code len}), or {@link #UNAVAILABLE}
     *         when it has no room
     * @throws IndexOutOfBoundsException if the range is not inside {@code src}
     * @throws ErrnoException a failure (EPIPE, ECONNRESET), naming the fd
     */
    public static int send(int fd, MemorySegment src, long offset, int len) throws ErrnoException {
        Objects.checkFromIndexSize(offset, len, src.byteSize()); // nor read past src
        MemorySegment from = offset == 0 ? src : src.asSlice(offset, len);
        int n;
        do {
            n = IoStatus.result(Libc.send(fd, from, len, MSG_NOSIGNAL | MSG_DONTWAIT), "send", fd);
        } while (n == IoStatus.INTERRUPTED);
        return n;
    }
}
