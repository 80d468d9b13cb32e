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
 * from any thread (the kernel serializes them).
 */
public final class Epoll implements AutoCloseable {
    public static final int IN = Constants.EPOLLIN, OUT = Constants.EPOLLOUT, ERR = Constants.EPOLLERR,
            HUP = Constants.EPOLLHUP, RDHUP = Constants.EPOLLRDHUP, ET = Constants.EPOLLET,
            ONESHOT = Constants.EPOLLONESHOT, EXCLUSIVE = Constants.EPOLLEXCLUSIVE;

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

    /** epoll_create1(EPOLL_CLOEXEC), with room for {@code capacity} events per {@link #await}. */
    public static Epoll open(int capacity) throws IOException {
        int fd = Libc.epoll_create1(Constants.EPOLL_CLOEXEC);
        if (fd < 0) throw IoStatus.failure("epoll_create1", null);
        return new Epoll(fd, capacity);
    }

    /** epoll_ctl(EPOLL_CTL_ADD): watch {@code fd} for {@code events}, reporting {@code data}. */
    public void add(int fd, int events, long data) throws IOException {
        control(Constants.EPOLL_CTL_ADD, fd, events, data);
    }

    /** epoll_ctl(EPOLL_CTL_MOD). */
    public void modify(int fd, int events, long data) throws IOException {
        control(Constants.EPOLL_CTL_MOD, fd, events, data);
    }

    /** epoll_ctl(EPOLL_CTL_DEL). */
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
     * epoll_wait(2): blocks up to {@code timeoutMillis} (-1: no limit; 0: just look). Returns how many
     * events are ready (0 on timeout or EINTR); read them with {@link #events(int)} and {@link #data(int)}.
     * Blocks its platform thread: run it on one.
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

    /** The event bits of ready event {@code i}. */
    public int events(int i) {
        return epoll_event_events(ready, i);
    }

    /** The data of ready event {@code i}. */
    public long data(int i) {
        return epoll_event_data(ready, i);
    }

    /** The epoll descriptor. */
    public int fd() {
        return epfd.fd;
    }

    /** Closes the epoll descriptor. Safe to call more than once. */
    @Override
    public void close() {
        epfd.close();
    }
}
