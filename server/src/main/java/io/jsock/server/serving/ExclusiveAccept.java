package io.jsock.server.serving;

import io.jsock.socket.Accepted;
import io.jsock.socket.event.Epoll;
import io.jsock.socket.event.EventFd;
import io.jsock.socket.Socket;
import io.jsock.socket.SocketClosedException;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * How a prefork worker waits for a connection on the listener it shares with its siblings, without
 * the thundering herd: its own epoll instance holds the listener with EPOLLEXCLUSIVE, so a new
 * connection wakes one waiting worker (epoll_ctl(2): "one or more", in practice one when they all
 * wait), not all of them as poll(2) on a shared listener would (every sibling would wake, and all
 * but one would find accept(2) saying EAGAIN). An eventfd in the same epoll wakes the worker at
 * shutdown: closing our copy of the listener does not, since the siblings keep it open.
 *
 * <p>Counts every wake-up and what it found, so the herd (or its absence) can be seen.
 */
public final class ExclusiveAccept implements AutoCloseable {
    private static final long LISTENER = 1, WAKE = 2;

    private final Socket listener;
    private final Epoll epoll;
    private final EventFd wake;

    // Counted by the one accept thread; read by anyone.
    /** Wake-ups with the listener readable. */
    public final AtomicLong wakeups = new AtomicLong();
    /** ... after which accept(2) gave a connection. */
    public final AtomicLong accepted = new AtomicLong();
    /** ... after which accept(2) said EAGAIN: a sibling took it. */
    public final AtomicLong empty = new AtomicLong();

    /**
     * An epoll instance holding {@code listener} and an eventfd to wake it.
     *
     * @param listener  the listener shared with the siblings
     * @param exclusive with EPOLLEXCLUSIVE (false only to show the herd it prevents)
     * @throws IOException if epoll_create, eventfd or epoll_ctl fails; nothing is left open
     */
    public ExclusiveAccept(Socket listener, boolean exclusive) throws IOException {
        this.listener = listener;
        Epoll e = Epoll.open(2);
        boolean success = false;
        try {
            this.wake = EventFd.open();
            try {
                e.add(listener.fd(), Epoll.IN | (exclusive ? Epoll.EXCLUSIVE : 0), LISTENER);
                e.add(wake.fd(), Epoll.IN, WAKE);
                success = true;
            } finally {
                if (!success) wake.close();
            }
        } finally {
            if (!success) e.close();
        }
        this.epoll = e;
    }

    /**
     * Blocks until this worker takes a connection.
     *
     * @return the connection; never null
     * @throws SocketClosedException once the listener is closed and {@link #stop} was called
     * @throws IOException if epoll_wait or accept(2) fails
     */
    public Accepted next() throws IOException {
        while (true) {
            if (!listener.isOpen()) throw new SocketClosedException("accept");
            int n = epoll.await(-1);
            boolean readable = false;
            for (int i = 0; i < n; i++) {
                if (epoll.data(i) == WAKE) wake.drain();
                else readable = true;
            }
            if (!listener.isOpen()) throw new SocketClosedException("accept");
            if (!readable) continue;
            wakeups.incrementAndGet();
            Accepted a = listener.tryAccept();
            if (a != Accepted.UNAVAILABLE) {
                accepted.incrementAndGet();
                return a;
            }
            empty.incrementAndGet(); // woken for a connection a sibling took
        }
    }

    /**
     * Wakes the accept thread after the listener was closed, so {@link #next} throws.
     *
     * @throws IOException if the eventfd cannot be written
     */
    public void stop() throws IOException {
        wake.signal();
    }

    @Override
    public void close() {
        epoll.close();
        wake.close();
    }

    /**
     * The counts, for a test to read from the worker's stats file.
     *
     * @return {@code wakeups accepted empty}, one line
     */
    public String counts() {
        return wakeups.get() + " " + accepted.get() + " " + empty.get();
    }
}
