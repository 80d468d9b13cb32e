package io.jsock.socket;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.VarHandle;
import java.lang.ref.Cleaner;

/**
 * How a platform thread blocks on a socket: poll(2) on the socket and on the thread's own eventfd,
 * so that {@link Fd#close} can wake it by writing to the eventfd. One per platform thread that ever
 * blocks; its eventfd is closed when the thread is gone.
 */
final class Wakeup {
    private static final Cleaner CLEANER = Cleaner.create(Thread.ofPlatform().daemon().name("jsock-cleaner").factory());
    private static final ThreadLocal<Wakeup> CURRENT = ThreadLocal.withInitial(Wakeup::new);

    /** {@code struct pollfd} (poll(2)): fd, requested events, returned events. */
    static final StructLayout POLLFD = MemoryLayout.structLayout(
            JAVA_INT.withName("fd"), JAVA_SHORT.withName("events"), JAVA_SHORT.withName("revents"));
    private static final VarHandle PFD_FD = POLLFD.varHandle(MemoryLayout.PathElement.groupElement("fd"));
    private static final VarHandle PFD_EVENTS = POLLFD.varHandle(MemoryLayout.PathElement.groupElement("events"));
    private static final VarHandle PFD_REVENTS = POLLFD.varHandle(MemoryLayout.PathElement.groupElement("revents"));

    static int pollfd_fd(MemorySegment s, long i) { return (int) PFD_FD.get(s, i * POLLFD.byteSize()); }
    static void pollfd_fd(MemorySegment s, long i, int v) { PFD_FD.set(s, i * POLLFD.byteSize(), v); }
    static short pollfd_events(MemorySegment s, long i) { return (short) PFD_EVENTS.get(s, i * POLLFD.byteSize()); }
    static void pollfd_events(MemorySegment s, long i, short v) { PFD_EVENTS.set(s, i * POLLFD.byteSize(), v); }
    static short pollfd_revents(MemorySegment s, long i) { return (short) PFD_REVENTS.get(s, i * POLLFD.byteSize()); }
    static void pollfd_revents(MemorySegment s, long i, short v) { PFD_REVENTS.set(s, i * POLLFD.byteSize(), v); }

    private final int eventfd;
    private final MemorySegment pollfds = Arena.ofAuto().allocate(POLLFD, 2);
    private final MemorySegment counter = MemorySegment.ofArray(new long[1]);

    static Wakeup current() {
        return CURRENT.get();
    }

    private Wakeup() {
        eventfd = Libc.eventfd(0, Constants.EFD_CLOEXEC | Constants.EFD_NONBLOCK);
        if (eventfd < 0) throw new IllegalStateException("eventfd: " + Errno.describe(Libc.errno()));
        int efd = eventfd;
        CLEANER.register(this, () -> Libc.close(efd));
        pollfd_fd(pollfds, 1, eventfd);
        pollfd_events(pollfds, 1, Constants.POLLIN);
    }

    /** Called by another thread: makes this thread's poll return. */
    void wake() {
        counter.set(JAVA_LONG, 0, 1L);
        Libc.write(eventfd, counter, 8);
    }

    /**
     * Waits in poll(2) until {@code fd} has {@code events} (or an error or hang-up, which the
     * retried call will report), the wakeup fires, or the deadline passes.
     */
    void poll(int fd, short events, long deadline) {
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
            if (pollfd_revents(pollfds, 1) != 0) Libc.read(eventfd, counter, 8); // drain: woken by close
            return;
        }
    }
}
