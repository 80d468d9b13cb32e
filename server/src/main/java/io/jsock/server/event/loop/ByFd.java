package io.jsock.server.event.loop;

import java.util.function.Consumer;

/**
 * One event loop's connections, found by descriptor number (an array: no boxing, no hashing on the
 * hot path). The loop's thread only.
 *
 * @param <C> the loop's connection type
 */
final class ByFd<C> {
    private Object[] byFd = new Object[256];
    private int count;

    /** An empty table. */
    ByFd() {}

    /**
     * The connection on descriptor {@code fd}.
     *
     * @param fd a descriptor number (any int)
     * @return its connection, or null
     */
    @SuppressWarnings("unchecked")
    C get(int fd) {
        return fd >= 0 && fd < byFd.length ? (C) byFd[fd] : null;
    }

    /**
     * Adds a connection just accepted.
     *
     * @param fd its descriptor number
     * @param c  the connection
     */
    void add(int fd, C c) {
        if (fd >= byFd.length) {
            Object[] bigger = new Object[Math.max(byFd.length * 2, fd + 1)];
            System.arraycopy(byFd, 0, bigger, 0, byFd.length);
            byFd = bigger;
        }
        byFd[fd] = c;
        count++;
    }

    /**
     * A connection has ended: its place is cleared (if it still holds it) and it is no longer counted.
     *
     * @param fd its descriptor number
     * @param c  the connection
     */
    void remove(int fd, C c) {
        if (byFd[fd] == c) byFd[fd] = null;
        count--;
    }

    /**
     * How many connections the loop has.
     *
     * @return the count now
     */
    int count() {
        return count;
    }

    /**
     * Calls {@code action} for each connection; one may end (and {@link #remove} itself) meanwhile.
     *
     * @param action what to do with each
     */
    @SuppressWarnings("unchecked")
    void forEach(Consumer<C> action) {
        Object[] all = byFd;
        for (Object c : all) {
            if (c != null) action.accept((C) c);
        }
    }
}
