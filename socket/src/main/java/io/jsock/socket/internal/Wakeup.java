package io.jsock.socket.internal;

import io.jsock.socket.Errno;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.VarHandle;

/**
 * How a platform thread blocks on a socket, and how {@link Fd#close} wakes it, with no descriptor of
 * its own: the thread waits in poll(2) on the socket alone, and close does what the JDK does for its
 * blocking sockets (its {@code NativeThread} and {@code preClose}):
 * <ol>
 *   <li>dup2(2) a <em>pre-closed</em> socket (one end of a socket pair whose other end is closed:
 *       always readable, hung up) over the descriptor number, which is still ours because the
 *       blocked call holds it ({@link Fd#acquire}). A thread that was about to enter poll(2) now polls
 *       the pre-closed socket and returns at once;</li>
 *   <li>signal each thread already in poll(2) ({@code pthread_kill}) with a signal whose handler does
 *       nothing and is installed without SA_RESTART, so that poll returns EINTR.</li>
 * </ol>
 * The woken thread sees the descriptor closed and throws; its poll's reference kept the socket itself
 * open until then, and the final close(2) closes the duplicate. The signal is the JDK's own choice,
 * SIGRTMAX-2 (the JDK installs its no-op handler there for the same purpose, so either handler will
 * do); ours is libc's {@code getpid}, which POSIX lists as async-signal-safe and which has no effect.
 * A Java upcall cannot be a signal handler: the signal may arrive while the thread runs Java code.
 *
 * <p>The same wakes a platform thread that waits in recv(2) or send(2) itself, on a socket in
 * blocking mode ({@link InCall}): the call then returns EINTR, or what it moved, or (when close came
 * just before it) the pre-closed socket's end of file or EPIPE; {@link Fd#endCall} sorts them out.
 *
 * <p>Before, each waiting thread held an eventfd for close to write to: two descriptors per
 * connection of the {@code thread} model, which reached the descriptor limit at half the connections
 * of the others. Now the whole process holds one (the pre-closed socket), made on first need; while it
 * cannot be made (EMFILE), a thread waits in {@link #pollSlice}s instead.
 */
public final class Wakeup {
    private Wakeup() {}

    private static final int AF_UNIX = 1, SOCK_STREAM = 1; // <sys/socket.h>

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

    /** How long one {@link #pollSlice} waits at most: the delay before a close is noticed without the pre-closed socket. */
    public static final int SLICE_MILLIS = 50;

    // The pre-closed socket's descriptor and the signal, set once under the class lock (-1: not yet).
    private static volatile int preClosed = -1;
    private static volatile int signal;

    /** Each platform thread's pollfd, reused by every wait of that thread. */
    private static final ThreadLocal<MemorySegment> POLLFDS = ThreadLocal.withInitial(() -> Arena.ofAuto().allocate(POLLFD));

    /**
     * Whether a platform thread's wait can be woken by close: makes the pre-closed socket and installs
     * the handler the first time. False while the process is out of descriptors (EMFILE, ENFILE): the
     * caller then waits with {@link #pollSlice}, and a later call tries again.
     */
    public static boolean ready() {
        if (preClosed >= 0) return true;
        synchronized (Wakeup.class) {
            if (preClosed >= 0) return true;
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment pair = arena.allocate(JAVA_INT, 2);
                if (Libc.socketpair(AF_UNIX, SOCK_STREAM | Constants.SOCK_CLOEXEC, 0, pair) < 0) {
                    int errno = Libc.errno();
                    if (errno == Errno.EMFILE.number() || errno == Errno.ENFILE.number() || errno == Errno.ENOMEM.number()) {
                        return false;
                    }
                    throw new IllegalStateException("socketpair: " + Errno.describe(errno));
                }
                Libc.close(pair.getAtIndex(JAVA_INT, 1)); // the other end gone: the kept end reads EOF and hangs up
                signal = installHandler(arena);
                InCall.prepare(); // which runs only once this returned true, maybe out of descriptors by then
                preClosed = pair.getAtIndex(JAVA_INT, 0);
                return true;
            }
        }
    }

    /**
     * Installs the do-nothing handler on SIGRTMAX-2, unless a handler is there already (the JDK's, which
     * is the same). Flags 0: no SA_RESTART (poll(2) is never restarted anyway), an empty mask.
     */
    private static int installHandler(Arena arena) {
        int sig = Libc.sigrtmax() - 2;
        MemorySegment old = arena.allocate(Libc.SIGACTION_SIZE, 8);
        if (Libc.sigaction(sig, MemorySegment.NULL, old) < 0) {
            throw new IllegalStateException("sigaction " + sig + ": " + Errno.describe(Libc.errno()));
        }
        long current = old.get(ADDRESS, 0).address();
        if (current != 0 && current != 1) return sig; // neither SIG_DFL (0), which would kill, nor SIG_IGN (1)
        MemorySegment act = arena.allocate(Libc.SIGACTION_SIZE, 8); // zeroed: empty mask, no flags
        act.set(ADDRESS, 0, Libc.symbol("getpid"));
        if (Libc.sigaction(sig, act, MemorySegment.NULL) < 0) {
            throw new IllegalStateException("sigaction " + sig + ": " + Errno.describe(Libc.errno()));
        }
        return sig;
    }

    /** The calling platform thread, as {@link #wake} names it. */
    public static long self() {
        return Libc.pthread_self();
    }

    /**
     * Waits in poll(2) on {@code fd} alone until it has {@code events} (or an error or hang-up, which the
     * retried call will report), a signal interrupts it (close), or the deadline passes. Returns early
     * on a spurious wake-up, which every caller handles by retrying its call.
     */
    public static void poll(int fd, short events, long deadline) {
        MemorySegment pfd = POLLFDS.get();
        pollfd_fd(pfd, 0, fd);
        pollfd_events(pfd, 0, events);
        while (true) {
            int timeout = -1;
            if (deadline != 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) return;
                timeout = (int) Math.max(1, Math.min(Integer.MAX_VALUE, (left + 999_999) / 1_000_000));
            }
            int n = Libc.poll(pfd, 1, timeout);
            if (n < 0 && Libc.errno() != Errno.EINTR.number()) {
                throw new IllegalStateException("poll: " + Errno.describe(Libc.errno()));
            }
            if (n == 0) continue; // timed out: the loop's deadline check decides
            return; // ready, or EINTR (close's signal, or another): the caller looks again
        }
    }

    /**
     * Close's first step, called while the descriptor number is still held by the blocked calls:
     * points {@code fd} at the pre-closed socket, so that no thread can start waiting on the socket.
     * Only after {@link #ready()} returned true.
     */
    static void preClose(int fd) {
        while (Libc.dup2(preClosed, fd) < 0 && Libc.errno() == Errno.EINTR.number()) {
            // retried: dup2 onto an open number only fails for EINTR (or EBUSY, a race with open we cannot be in)
        }
    }

    /** Close's second step: interrupts {@code thread}'s poll(2). The thread must not be able to end meanwhile. */
    static void wake(long thread) {
        Libc.pthread_kill(thread, signal);
    }

    /** poll(2) on {@code fd} for at most {@link #SLICE_MILLIS} (less when the deadline is nearer). */
    public static void pollSlice(int fd, short events, long deadline) {
        int timeout = SLICE_MILLIS;
        if (deadline != 0) {
            long left = deadline - System.nanoTime();
            if (left <= 0) return;
            timeout = (int) Math.max(1, Math.min(timeout, (left + 999_999) / 1_000_000));
        }
        MemorySegment pfd = POLLFDS.get();
        pollfd_fd(pfd, 0, fd);
        pollfd_events(pfd, 0, events);
        Libc.poll(pfd, 1, timeout); // ready, timed out or EINTR: the caller retries its call either way
    }
}
