package io.jsock.socket.internal;

import io.jsock.socket.Errno;
import io.jsock.socket.SocketClosedException;
import io.jsock.socket.SyscallFailure;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.VarHandle;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * How a platform thread blocks on a socket: poll(2) on the socket and on an eventfd, so that
 * {@link Fd#close} can wake it by writing to the eventfd. A thread borrows a wakeup for each wait
 * and gives it back after, so the eventfds number the platform threads blocked at once (at most
 * {@link #MAX_IDLE} more are kept idle), not every thread that ever blocked. A wakeup written to
 * after its wait ended makes its next borrower's poll return early: a spurious wake-up, which
 * every caller already handles by retrying its call.
 */
public final class Wakeup {
    /** Idle wakeups kept for reuse; beyond this, a returned one is closed. */
    public static final int MAX_IDLE = 64;
    private static final ConcurrentLinkedQueue<Wakeup> IDLE = new ConcurrentLinkedQueue<>();
    private static final AtomicInteger IDLE_COUNT = new AtomicInteger();

    /** {@code struct pollfd} (poll(2)): fd, requested events, returned events. */
    public static final StructLayout POLLFD = MemoryLayout.structLayout(
            JAVA_INT.withName("fd"), JAVA_SHORT.withName("events"), JAVA_SHORT.withName("revents"));
    private static final VarHandle PFD_FD = POLLFD.varHandle(MemoryLayout.PathElement.groupElement("fd"));
    private static final VarHandle PFD_EVENTS = POLLFD.varHandle(MemoryLayout.PathElement.groupElement("events"));
    private static final VarHandle PFD_REVENTS = POLLFD.varHandle(MemoryLayout.PathElement.groupElement("revents"));

    public static int pollfd_fd(MemorySegment s, long i) { return (int) PFD_FD.get(s, i * POLLFD.byteSize()); }
    public static void pollfd_fd(MemorySegment s, long i, int v) { PFD_FD.set(s, i * POLLFD.byteSize(), v); }
    public static short pollfd_events(MemorySegment s, long i) { return (short) PFD_EVENTS.get(s, i * POLLFD.byteSize()); }
    public static void pollfd_events(MemorySegment s, long i, short v) { PFD_EVENTS.set(s, i * POLLFD.byteSize(), v); }
    public static short pollfd_revents(MemorySegment s, long i) { return (short) PFD_REVENTS.get(s, i * POLLFD.byteSize()); }
    public static void pollfd_revents(MemorySegment s, long i, short v) { PFD_REVENTS.set(s, i * POLLFD.byteSize(), v); }

    // The eventfd, closed through Fd so that a late wake() from a closing thread never writes to a
    // descriptor number that has since been reused.
    private final Fd eventfd;
    // Used only by the borrowing thread.
    private final MemorySegment pollfds = Arena.ofAuto().allocate(POLLFD, 2);
    private final MemorySegment drained = MemorySegment.ofArray(new long[1]);

    /** A wakeup for the calling platform thread's next wait; give it back with {@link #release}. */
    public static Wakeup borrow() throws IOException {
        Wakeup w = IDLE.poll();
        if (w == null) return new Wakeup();
        IDLE_COUNT.decrementAndGet();
        return w;
    }

    /**
     * {@link #borrow()}, or {@code null} when the process is out of descriptors (EMFILE, ENFILE) or
     * memory for a new eventfd: the caller then waits with {@link #pollSlice}.
     */
    public static Wakeup tryBorrow() throws IOException {
        try {
            return borrow();
        } catch (IOException e) {
            Errno why = e instanceof SyscallFailure f ? f.errno() : null;
            if (why == Errno.EMFILE || why == Errno.ENFILE || why == Errno.ENOMEM) return null;
            throw e;
        }
    }

    /** How long one {@link #pollSlice} waits at most: the delay before a close is noticed without an eventfd. */
    public static final int SLICE_MILLIS = 50;

    /** poll(2) on {@code fd} alone for at most {@link #SLICE_MILLIS} (less when the deadline is nearer). */
    public static void pollSlice(int fd, short events, long deadline) {
        int timeout = SLICE_MILLIS;
        if (deadline != 0) {
            long left = deadline - System.nanoTime();
            if (left <= 0) return;
            timeout = (int) Math.max(1, Math.min(timeout, (left + 999_999) / 1_000_000));
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment pfd = arena.allocate(POLLFD);
            pollfd_fd(pfd, 0, fd);
            pollfd_events(pfd, 0, events);
            Libc.poll(pfd, 1, timeout); // ready, timed out or EINTR: the caller retries its call either way
        }
    }

    /** How many wakeups wait idle in the pool (for tests). */
    public static int idle() {
        return IDLE_COUNT.get();
    }

    /** After the wait: keeps the wakeup for the next one, or closes it when enough are idle. */
    public void release() {
        if (IDLE_COUNT.incrementAndGet() <= MAX_IDLE) {
            IDLE.offer(this);
        } else {
            IDLE_COUNT.decrementAndGet();
            eventfd.close();
        }
    }

    private Wakeup() throws IOException {
        int efd = Libc.eventfd(0, Constants.EFD_CLOEXEC | Constants.EFD_NONBLOCK);
        if (efd < 0) throw IoStatus.failure("eventfd", null);
        eventfd = new Fd(efd);
        pollfd_fd(pollfds, 1, efd);
        pollfd_events(pollfds, 1, Constants.POLLIN);
    }

    /** Called by another thread: makes the borrower's poll return. */
    public void wake() {
        try {
            eventfd.acquire("write");
        } catch (SocketClosedException closed) {
            return; // given back and closed: nobody waits on it any more
        }
        try {
            Libc.write(eventfd.fd, MemorySegment.ofArray(new long[] {1}), 8);
        } finally {
            eventfd.release();
        }
    }

    /**
     * Waits in poll(2) until {@code fd} has {@code events} (or an error or hang-up, which the
     * retried call will report), the wakeup fires, or the deadline passes.
     */
    public void poll(int fd, short events, long deadline) {
        pollfd_fd(pollfds, 0, fd);
        pollfd_events(pollfds, 0, events);
        while (true) {
            int timeout = -1;
            if (deadline != 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) return;
                timeout = (int) Math.max(1, Math.min(Integer.MAX_VALUE, (left + 999_999) / 1_000_000));
            }
            int n = Libc.poll(pollfds, 2, timeout);
            if (n < 0) {
                if (Libc.errno() == Errno.EINTR.number()) continue;
                throw new IllegalStateException("poll: " + Errno.describe(Libc.errno()));
            }
            if (n == 0) continue; // timed out: the loop's deadline check decides
            if (pollfd_revents(pollfds, 1) != 0) Libc.read(eventfd.fd, drained, 8); // drain: woken by close
            return;
        }
    }
}
