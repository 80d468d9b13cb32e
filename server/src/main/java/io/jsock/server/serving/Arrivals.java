package io.jsock.server.serving;

import io.jsock.server.proxy.ProxyHeader;
import io.jsock.server.proxy.ProxyHeaderReader;
import io.jsock.server.proxy.ProxyProtocolException;
import io.jsock.socket.Accepted;
import io.jsock.socket.Family;
import io.jsock.socket.SockOpt;
import io.jsock.socket.Shutdown;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * What an event loop ({@code epoll}, {@code uring}) does with a connection it has just accepted,
 * before its handler sees it: admission at once, or, with the PROXY protocol on, the header first,
 * read without blocking a round at a time as the socket becomes readable, within the header's
 * deadline (then admission by the header's source). The same steps as {@link Serving#admit}, which
 * a thread may block in; the same lines logged.
 *
 * <p>The deadlines are a queue in accept order: every header has the same time allowed, so the
 * first in the queue is the first due, and the loop needs only {@link #expire} each turn. A header
 * that is late is not closed there: its socket is shut down, so the loop's readiness (epoll's event,
 * io_uring's poll completion) arrives for it and {@link #ready} ends it, with nothing left in flight
 * for its descriptor number. One per loop; the loop's thread only.
 */
public final class Arrivals {
    /** How the loop learns that a socket waiting for its header is readable. */
    public interface Watch {
        /**
         * Tell the loop of the next time {@code fd} is readable (or hung up); then it calls
         * {@link #ready}. Called once at arrival ({@code first}) and after each round that left the
         * header incomplete: a level-triggered watch needs nothing then, a one-shot one is armed again.
         *
         * @param fd    the socket's descriptor number
         * @param first true at arrival: not watched yet
         * @throws IOException when the loop cannot watch it (the connection is then refused)
         */
        void watch(int fd, boolean first) throws IOException;

        /**
         * The header is complete: stop watching {@code fd} for it (the connection is opened next).
         * Only for a socket {@link #watch} was called for.
         *
         * @param fd the socket's descriptor number
         * @throws IOException when the loop cannot (the connection is then refused)
         */
        void unwatch(int fd) throws IOException;
    }

    /** One connection waiting for its header. */
    private static final class Waiting {
        final Accepted accepted;
        final long due;                   // System.nanoTime() of its header deadline
        final ProxyHeaderReader reader = new ProxyHeaderReader();
        boolean late;                     // past the deadline: shut down, ended at its next readiness
        boolean watched;                  // the loop was asked to watch it

        Waiting(Accepted accepted, long due) {
            this.accepted = accepted;
            this.due = due;
        }
    }

    // Set at construction; never change.
    private final Serving serving;
    private final Watch watch;
    private final Duration deadline; // null: no PROXY protocol

    // The loop's thread only.
    private final Map<Integer, Waiting> byFd = new HashMap<>();
    private final ArrayDeque<Waiting> byDue = new ArrayDeque<>(); // may hold some that ended already: skipped

    /**
     * The arrivals of one loop.
     *
     * @param serving the server
     * @param watch   how the loop watches a socket waiting for its header
     */
    public Arrivals(Serving serving, Watch watch) {
        this.serving = serving;
        this.watch = watch;
        this.deadline = serving.config.proxy() == null ? null : serving.config.proxy().deadline();
    }

    /**
     * A connection was accepted, holding a slot.
     *
     * @param a the connection
     * @return its record, to open now; null when it was refused (closed, logged, slot given back) or
     *     waits for its PROXY header ({@link #ready} gives it once the header is in)
     */
    public LiveConnection arrived(Accepted a) {
        if (a.socket().family() != Family.LOCAL) {
            try {
                // Each write of an event handler is a whole answer: send it now, not when the previous one is acknowledged (Nagle).
                a.socket().setOption(SockOpt.TCP_NODELAY, true);
            } catch (IOException e) {
                // the connection is already gone: its first read will say so
            }
        }
        if (deadline == null) {
            if (serving.limiter().admit(a)) return serving.open(a);
            serving.giveSlot(); // refused: reset and closed at once, never served
            return null;
        }
        try {
            serving.checkTrusted(a);
        } catch (ProxyProtocolException e) {
            serving.refuseHeader(a, e);
            return null;
        }
        Waiting w = new Waiting(a, System.nanoTime() + deadline.toNanos());
        byFd.put(a.socket().fd(), w);
        byDue.addLast(w);
        return round(w);
    }

    /**
     * The socket {@code fd}, waiting for its header, is readable (or hung up, or shut down as late).
     *
     * @param fd its descriptor number
     * @return its record, to open now; null when it waits still, or was refused, or is not waiting
     */
    public LiveConnection ready(int fd) {
        Waiting w = byFd.get(fd);
        return w == null ? null : round(w);
    }

    /**
     * Whether {@code fd} is a socket waiting for its header.
     *
     * @param fd a descriptor number
     * @return true while its header is incomplete
     */
    public boolean waiting(int fd) {
        return byFd.containsKey(fd);
    }

    /** One round of reading the header: the connection once it is complete; null while waiting, or when refused. */
    private LiveConnection round(Waiting w) {
        Accepted a = w.accepted;
        int fd = a.socket().fd();
        ProxyHeader header;
        try {
            if (w.late) throw w.reader.late(deadline);
            header = w.reader.tryRead(a.socket());
            if (header == null) {
                watch.watch(fd, !w.watched);
                w.watched = true;
                return null;
            }
            if (w.watched) watch.unwatch(fd);
        } catch (IOException e) {
            byFd.remove(fd);
            serving.refuseHeader(a, e);
            return null;
        }
        byFd.remove(fd);
        return serving.admitWith(a, header);
    }

    /**
     * The header deadlines that passed: each such socket is shut down, and ends at its next readiness.
     *
     * @param now {@link System#nanoTime()}
     * @return nanoseconds until the next deadline; -1 when no header is awaited
     */
    public long expire(long now) {
        while (!byDue.isEmpty()) {
            Waiting w = byDue.peekFirst();
            if (byFd.get(w.accepted.socket().fd()) != w) {
                byDue.pollFirst(); // its header came, or it was refused: nothing to time
                continue;
            }
            if (w.due - now > 0) return w.due - now;
            byDue.pollFirst();
            w.late = true;
            try {
                w.accepted.socket().shutdown(Shutdown.BOTH);
            } catch (IOException gone) {
                // reset meanwhile: its readiness comes all the same
            }
        }
        return -1;
    }

    /**
     * How many connections wait for their header.
     *
     * @return the count now
     */
    public int size() {
        return byFd.size();
    }

    /** At the loop's end: the connections still waiting for their header are closed, their slots given back. */
    public void closeAll() {
        for (Waiting w : byFd.values()) {
            w.accepted.socket().close();
            serving.giveSlot();
        }
        byFd.clear();
        byDue.clear();
    }
}
