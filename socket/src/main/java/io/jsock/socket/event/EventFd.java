package io.jsock.socket.event;

import io.jsock.socket.internal.Constants;
import io.jsock.socket.internal.Fd;
import io.jsock.socket.internal.IoStatus;
import io.jsock.socket.internal.Libc;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.io.IOException;
import java.lang.foreign.MemorySegment;

/** An eventfd(2), non-blocking and close-on-exec: how one thread wakes another's event loop. */
public final class EventFd implements AutoCloseable {
    private final Fd fd;

    private EventFd(int fd) {
        this.fd = new Fd(fd);
    }

    /**
     * eventfd(2) with a counter of 0, non-blocking and close-on-exec.
     *
     * @return the open eventfd
     * @throws IOException what the kernel refused (EMFILE, ENFILE), as an {@link io.jsock.socket.ErrnoException}
     */
    public static EventFd open() throws IOException {
        int fd = Libc.eventfd(0, Constants.EFD_CLOEXEC | Constants.EFD_NONBLOCK);
        if (fd < 0) throw IoStatus.failure("eventfd", null);
        return new EventFd(fd);
    }

    /**
     * Adds one to the counter: the descriptor polls readable. Safe from any thread.
     *
     * @throws IOException a {@link io.jsock.socket.SocketClosedException} after {@link #close}; anything
     *         else the kernel says, as an {@link io.jsock.socket.ErrnoException}
     */
    public void signal() throws IOException {
        MemorySegment one = MemorySegment.ofArray(new long[] {1});
        fd.acquire("write");
        try {
            int n;
            do {
                // UNAVAILABLE: the counter is at its maximum, so the descriptor polls readable already.
                n = IoStatus.result(Libc.write(fd.fd, one, 8), "write", "eventfd");
            } while (n == IoStatus.INTERRUPTED);
        } finally {
            fd.release();
        }
    }

    /**
     * Reads and clears the counter.
     *
     * @return the counter's value: how many signals since the last drain, 0 when none
     * @throws IOException a {@link io.jsock.socket.SocketClosedException} after {@link #close}; anything
     *         else the kernel says, as an {@link io.jsock.socket.ErrnoException}
     */
    public long drain() throws IOException {
        MemorySegment value = MemorySegment.ofArray(new long[1]);
        fd.acquire("read");
        try {
            int n;
            do {
                n = IoStatus.result(Libc.read(fd.fd, value, 8), "read", "eventfd");
            } while (n == IoStatus.INTERRUPTED);
            return n == IoStatus.UNAVAILABLE ? 0 : value.get(JAVA_LONG, 0);
        } finally {
            fd.release();
        }
    }

    /** {@return the descriptor, to watch in an {@link Epoll}} */
    public int fd() {
        return fd.fd;
    }

    /** Closes the eventfd. Safe to call more than once; never fails. */
    @Override
    public void close() {
        fd.close();
    }
}
