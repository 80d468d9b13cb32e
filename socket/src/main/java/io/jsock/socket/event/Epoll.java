package io.jsock.socket.event;

import io.jsock.socket.internal.Constants;
import io.jsock.socket.internal.Fd;
import io.jsock.socket.internal.IoStatus;
import io.jsock.socket.internal.Libc;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.VarHandle;

/**
 * An epoll(7) instance with its own event buffer: for one thread's event loop. Not thread-safe for
 * {@link #await} and the accessors; {@link #add}, {@link #modify} and {@link #delete} may be called
 * from any thread (the kernel serializes them). Every failure is an {@link IOException} that is a
 * {@link io.jsock.socket.SyscallFailure}; after {@link #close}, a
 * {@link io.jsock.socket.SocketClosedException}.
 */
public final class Epoll implements AutoCloseable {
    /** EPOLLIN: readable (data, a FIN, or a connection to accept). */
    public static final int IN = Constants.EPOLLIN;
    /** EPOLLOUT: writable (room in the send buffer, or a connect that ended). */
    public static final int OUT = Constants.EPOLLOUT;
    /** EPOLLERR: an error is pending (always reported, asked for or not). */
    public static final int ERR = Constants.EPOLLERR;
    /** EPOLLHUP: both directions are shut (always reported, asked for or not). */
    public static final int HUP = Constants.EPOLLHUP;
    /** EPOLLRDHUP: the peer shut its writing side (its FIN arrived). */
    public static final int RDHUP = Constants.EPOLLRDHUP;
    /** EPOLLET: edge-triggered: reported once per change, not while the condition holds. */
    public static final int ET = Constants.EPOLLET;
    /** EPOLLONESHOT: reported once, then disabled until {@link #modify} arms it again. */
    public static final int ONESHOT = Constants.EPOLLONESHOT;
    /** EPOLLEXCLUSIVE: of several epoll sets watching one descriptor, wake only one (with {@link #add} only). */
    public static final int EXCLUSIVE = Constants.EPOLLEXCLUSIVE;

    /**
     * {@code struct epoll_event} (epoll_ctl(2)): {@code uint32_t events; epoll_data_t data;} as this
     * machine's glibc lays it out ({@link #layout}).
     */
    static final StructLayout EPOLL_EVENT = layout(System.getProperty("os.arch"));
    private static final VarHandle EVENTS = EPOLL_EVENT.varHandle(MemoryLayout.PathElement.groupElement("events"));
    private static final VarHandle DATA = EPOLL_EVENT.varHandle(MemoryLayout.PathElement.groupElement("data"));
    private static final long SIZE = EPOLL_EVENT.byteSize();

    /**
     * {@code struct epoll_event} on {@code arch} (a value of {@code os.arch}). glibc's
     * {@code <sys/epoll.h>} packs it on x86_64 only ({@code __EPOLL_PACKED}, as the kernel does, so that
     * 32-bit and 64-bit programs share one layout there): 12 bytes, data at offset 4, unaligned.
     * Everywhere else it has natural alignment: 16 bytes, data at offset 8. jsock supports x86_64 and
     * aarch64 Linux.
     *
     * @throws UnsupportedOperationException for any other architecture
     */
    static StructLayout layout(String arch) {
        return switch (arch) {
            case "amd64", "x86_64" -> MemoryLayout.structLayout(
                    JAVA_INT.withName("events"), JAVA_LONG_UNALIGNED.withName("data"));
            case "aarch64" -> MemoryLayout.structLayout(
                    JAVA_INT.withName("events"), MemoryLayout.paddingLayout(4), JAVA_LONG.withName("data"));
            default -> throw new UnsupportedOperationException(
                    "jsock supports Linux on x86_64 and aarch64, not on " + arch + " (struct epoll_event's layout is not known there)");
        };
    }

    static int epoll_event_events(MemorySegment s, long i) { return (int) EVENTS.get(s, i * SIZE); }
    static void epoll_event_events(MemorySegment s, long i, int v) { EVENTS.set(s, i * SIZE, v); }
    static long epoll_event_data(MemorySegment s, long i) { return (long) DATA.get(s, i * SIZE); }
    static void epoll_event_data(MemorySegment s, long i, long v) { DATA.set(s, i * SIZE, v); }

    private final Fd epfd;
    private final int capacity;
    private final MemorySegment ready;

    private Epoll(int epfd, int capacity) {
        this.epfd = new Fd(epfd);
        this.capacity = capacity;
        this.ready = Arena.ofAuto().allocate(SIZE * capacity, 8);
    }

    /**
     * epoll_create1(EPOLL_CLOEXEC), with room for {@code capacity} events per {@link #await}.
     *
     * @param capacity how many ready events one {@link #await} can return, at least 1
     * @return the open instance
     * @throws IOException what the kernel refused (EMFILE, ENOMEM), as an {@link io.jsock.socket.ErrnoException}
     */
    public static Epoll open(int capacity) throws IOException {
        int fd = Libc.epoll_create1(Constants.EPOLL_CLOEXEC);
        if (fd < 0) throw IoStatus.failure("epoll_create1", null);
        return new Epoll(fd, capacity);
    }

    /**
     * epoll_ctl(EPOLL_CTL_ADD): watch {@code fd} for {@code events}, reporting {@code data}.
     *
     * @param fd the descriptor to watch
     * @param events the bits to watch for ({@link #IN}, {@link #OUT}, ... ORed)
     * @param data what {@link #data(int)} reports for it, e.g. the descriptor or a token
     * @throws IOException EEXIST when watched already, EBADF, ... as an {@link io.jsock.socket.ErrnoException};
     *         a {@link io.jsock.socket.SocketClosedException} after {@link #close}
     */
    public void add(int fd, int events, long data) throws IOException {
        control(Constants.EPOLL_CTL_ADD, fd, events, data);
    }

    /**
     * epoll_ctl(EPOLL_CTL_MOD): change what {@code fd} is watched for.
     *
     * @param fd a watched descriptor
     * @param events the bits to watch for now
     * @param data what {@link #data(int)} reports for it from now on
     * @throws IOException ENOENT when not watched, ... as an {@link io.jsock.socket.ErrnoException};
     *         a {@link io.jsock.socket.SocketClosedException} after {@link #close}
     */
    public void modify(int fd, int events, long data) throws IOException {
        control(Constants.EPOLL_CTL_MOD, fd, events, data);
    }

    /**
     * epoll_ctl(EPOLL_CTL_DEL): stop watching {@code fd}.
     *
     * @param fd a watched descriptor
     * @throws IOException ENOENT when not watched, ... as an {@link io.jsock.socket.ErrnoException};
     *         a {@link io.jsock.socket.SocketClosedException} after {@link #close}
     */
    public void delete(int fd) throws IOException {
        control(Constants.EPOLL_CTL_DEL, fd, 0, 0);
    }

    private void control(int op, int fd, int events, long data) throws IOException {
        MemorySegment ev = MemorySegment.ofArray(new long[2]);
        epoll_event_events(ev, 0, events);
        epoll_event_data(ev, 0, data);
        epfd.acquire("epoll_ctl");
        try {
            if (Libc.epoll_ctl(epfd.fd, op, fd, ev) < 0) throw IoStatus.failure("epoll_ctl", "fd " + fd);
        } finally {
            epfd.release();
        }
    }

    /**
     * epoll_wait(2): blocks up to {@code timeoutMillis}. Read the ready events with
     * {@link #events(int)} and {@link #data(int)}. Blocks its platform thread: run it on one.
     *
     * @param timeoutMillis how long at most: -1 for no limit, 0 to just look
     * @return how many events are ready, from 0 (timed out, or a signal came) to the capacity
     * @throws IOException what the kernel refused, as an {@link io.jsock.socket.ErrnoException};
     *         a {@link io.jsock.socket.SocketClosedException} after {@link #close}
     */
    public int await(int timeoutMillis) throws IOException {
        epfd.acquire("epoll_wait");
        try {
            int n = IoStatus.result(Libc.epoll_wait(epfd.fd, ready, capacity, timeoutMillis), "epoll_wait", null);
            return n == IoStatus.INTERRUPTED ? 0 : n; // a signal: the caller's loop waits again
        } finally {
            epfd.release();
        }
    }

    /**
     * The event bits of ready event {@code i} of the last {@link #await}.
     *
     * @param i from 0 to what {@link #await} returned, exclusive
     * @return the bits ({@link #IN}, {@link #OUT}, {@link #ERR}, {@link #HUP}, ...)
     */
    public int events(int i) {
        return epoll_event_events(ready, i);
    }

    /**
     * The data of ready event {@code i} of the last {@link #await}.
     *
     * @param i from 0 to what {@link #await} returned, exclusive
     * @return what {@link #add} or {@link #modify} was given for that descriptor
     */
    public long data(int i) {
        return epoll_event_data(ready, i);
    }

    /** {@return the epoll descriptor} */
    public int fd() {
        return epfd.fd;
    }

    /** Closes the epoll descriptor. Safe to call more than once; never fails. */
    @Override
    public void close() {
        epfd.close();
    }
}
