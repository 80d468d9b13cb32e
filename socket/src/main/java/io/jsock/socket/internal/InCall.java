package io.jsock.socket.internal;

import io.jsock.socket.SocketClosedException;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * A platform thread's recv(2) and send(2) that wait in the kernel, as the JDK's blocking sockets do:
 * one call where a wait in poll(2) costs three (the call answering EAGAIN, poll, the call again).
 * The socket's open file is in blocking mode (the caller cleared O_NONBLOCK), and close still wakes
 * the call: {@link Fd#beginCall} registers the thread as a waiter, and close points the number at
 * the pre-closed socket and signals it, as for poll(2) (see {@link Wakeup}); the call returns EINTR
 * (or what it moved), and {@link Fd#endCall} turns a closed descriptor into SocketClosedException.
 *
 * <p>These calls may block, so they are not linked critical and cannot touch the Java heap: bytes
 * of a heap buffer go through a native buffer of the calling thread, grown to the largest call up
 * to {@link #MAX}.
 */
public final class InCall {
    private InCall() {}

    /** The most one call moves through the thread's native buffer (a direct buffer has no such bound). */
    static final int MAX = 64 * 1024;

    /**
     * What a platform thread keeps for its calls, made at its first: its registration with a
     * descriptor (naming its pthread_t, for close's signal) and its native buffer. A call allocates nothing.
     */
    private static final class Caller {
        final Object waiter = Fd.callWaiter(Wakeup.self());
        MemorySegment buffer;
    }

    private static final ThreadLocal<Caller> CALLERS = ThreadLocal.withInitial(Caller::new);

    /**
     * Loads this class and binds its calls, while descriptors are there: loading a class may need one
     * (its class file), and a class that failed to load under EMFILE stays failed for good.
     */
    static void prepare() {
        Libc.bindWaiting();
    }

    /**
     * recv(2) into {@code dst}, waiting in the kernel.
     *
     * @return what recv returned: the count (at most {@link #MAX} for a heap segment), or -1 with errno set
     * @throws SocketClosedException if the descriptor was closed before or during the call
     */
    public static long recv(Fd fd, MemorySegment dst, int flags, String syscall) throws SocketClosedException {
        Caller caller = CALLERS.get();
        MemorySegment buf = dst.isNative() ? dst : buffer(caller, dst.byteSize());
        long len = Math.min(dst.byteSize(), buf.byteSize());
        long n = call(fd, caller, false, buf, len, flags, syscall);
        if (n > 0 && buf != dst) MemorySegment.copy(buf, 0, dst, 0, n);
        return n;
    }

    /**
     * send(2) from {@code src}, waiting in the kernel for room.
     *
     * @return what send returned: the count, or -1 with errno set
     * @throws SocketClosedException if the descriptor was closed before or during the call
     */
    public static long send(Fd fd, MemorySegment src, int flags, String syscall) throws SocketClosedException {
        Caller caller = CALLERS.get();
        MemorySegment buf = src;
        long len = src.byteSize();
        if (!src.isNative()) {
            buf = buffer(caller, len);
            len = Math.min(len, buf.byteSize());
            MemorySegment.copy(src, 0, buf, 0, len);
        }
        return call(fd, caller, true, buf, len, flags, syscall);
    }

    /** The call between {@link Fd#beginCall} and {@link Fd#endCall}: send(2) or recv(2) on native memory. */
    private static long call(Fd fd, Caller caller, boolean send, MemorySegment buf, long len, int flags, String syscall)
            throws SocketClosedException {
        fd.beginCall(caller.waiter, syscall);
        long n = -1;
        try {
            n = send ? Libc.sendWaiting(fd.fd, buf, len, flags) : Libc.recvWaiting(fd.fd, buf, len, flags);
        } finally {
            fd.endCall(caller.waiter, n, syscall);
        }
        return n;
    }

    /** The thread's native buffer, at least {@code min(want, MAX)} bytes (and at least 1). */
    private static MemorySegment buffer(Caller caller, long want) {
        long size = Math.max(1, Math.min(want, MAX));
        MemorySegment b = caller.buffer;
        if (b == null || b.byteSize() < size) {
            // Freed with the thread (once the GC finds the thread local gone); an idle connection's
            // thread holds only what its largest read asked for.
            b = Arena.ofAuto().allocate(size, 16);
            caller.buffer = b;
        }
        return b;
    }
}
