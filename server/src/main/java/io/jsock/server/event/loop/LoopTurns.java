package io.jsock.server.event.loop;

import io.jsock.server.event.EventHandler;
import io.jsock.server.serving.Arrivals;
import io.jsock.server.serving.LiveConnection;
import io.jsock.server.serving.Serving;
import io.jsock.socket.Accepted;
import java.io.IOException;
import java.lang.System.Logger.Level;

/**
 * The turns of an event loop, apart from how it waits: the top of each turn (at the stop: stop
 * listening, then end once the connections are gone or the grace period is; else the listener's
 * pause; and the timers), the loop's connections by descriptor, their arrival (admitted, or their
 * PROXY header awaited first) and their end, and what the loop's end closes. Each loop gives only
 * its wait and its dispatch ({@link Loop#turn}): epoll_wait and the ready list for {@code epoll},
 * io_uring_enter and the completions for {@code uring}. The loop's thread only, except
 * {@link #requestStop}, {@link #wake} and {@link #waitingForSlot}.
 *
 * @param <C> the loop's connection type
 */
public final class LoopTurns<C extends EventLoopConnection> {
    private static final System.Logger LOG = System.getLogger("io.jsock.server");
    /** What {@link #nextWait} returns when the loop is over. */
    private static final long END = Long.MIN_VALUE;

    /** What the loop gives: its wait, its connections, its neighbours. */
    public interface Loop<C> {
        /**
         * One turn: waits at most {@code timeoutNanos} for what is ready, then dispatches it.
         *
         * @param timeoutNanos how long it may wait; -1: until something is ready
         * @throws IOException the wait's own failure (the loop ends)
         */
        void turn(long timeoutNanos) throws IOException;

        /**
         * A connection of this loop, just admitted (its token a new generation's).
         *
         * @param conn the server's record of it
         * @param fd   its descriptor number
         * @return the loop's connection, not yet opened
         */
        C connection(LiveConnection conn, int fd);

        /** A connection slot freed on this loop: the other loops that stopped accepting at the cap are woken. */
        void slotFreed();
    }

    /** The loop's listening descriptor, as far as the turns go. */
    public interface Listener {
        /**
         * How long the loop may wait, as far as accepting goes; when a pause (a back-off, the cap) is
         * over, accepting resumes first.
         *
         * @return nanoseconds; -1: no limit
         * @throws IOException what resuming failed with
         */
        long waitNanos() throws IOException;

        /** A connection of this loop ended: if the cap had stopped accepting, accept again. */
        void slotFreed();

        /**
         * At the stop: stops accepting for good. Safe to call more than once.
         *
         * @throws IOException what cancelling the accept in flight failed with
         */
        void close() throws IOException;

        /**
         * Whether it stopped accepting at the connection cap (read from other loops' threads).
         *
         * @return true while it waits for a slot to free
         */
        boolean waitingForSlot();

        /**
         * Whether, once closed, nothing of the listener is in flight any more.
         *
         * @return true when the loop may end as far as the listener goes
         */
        boolean done();
    }

    // Set at construction; never change.
    private final Serving serving;
    private final EventHandler.Factory factory;
    private final LoopWaker waker;
    private final Listener listener;
    private final Loop<C> loop;
    private final Arrivals arrivals;
    private final LoopTimers timers;

    // The loop's thread only.
    private final ByFd<C> byFd = new ByFd<>();

    /**
     * The turns of one loop.
     *
     * @param serving  the server
     * @param factory  makes each connection's handler
     * @param waker    how other threads reach the loop; closed at its end
     * @param listener the loop's listening descriptor
     * @param watch    how the loop watches a socket waiting for its PROXY header
     * @param loop     the loop's own wait and connections
     */
    public LoopTurns(Serving serving, EventHandler.Factory factory, LoopWaker waker, Listener listener,
            Arrivals.Watch watch, Loop<C> loop) {
        this.serving = serving;
        this.factory = factory;
        this.waker = waker;
        this.listener = listener;
        this.loop = loop;
        this.arrivals = new Arrivals(serving, watch);
        this.timers = new LoopTimers(serving, arrivals);
    }

    /**
     * Runs the turns until the stop's end, or the loop's failure (logged).
     *
     * @param name the loop's thread's name, for the failure's line
     * @return how the connections still open end, for their closed lines
     */
    public String run(String name) {
        try {
            for (long timeout = nextWait(); timeout != END; timeout = nextWait()) loop.turn(timeout);
            return "closed at shutdown";
        } catch (Throwable t) {
            LOG.log(Level.ERROR, name + " failed", t);
            return "event loop failed: " + t;
        }
    }

    /** The top of a turn: how long to wait (-1: no limit), or {@link #END}. */
    private long nextWait() throws IOException {
        long wait;
        if (waker.stopping()) {
            listener.close();
            if (byFd.count() == 0 && listener.done()) return END;
            wait = waker.graceLeft();
            if (wait <= 0) return END; // the grace period is over: end() closes the rest
        } else {
            wait = listener.waitNanos();
        }
        return LoopTimers.shorter(wait, timers.run(this::sweep));
    }

    /** Ends this loop's connections past their idle timeout or deadline ({@link LoopTimers}). */
    private void sweep(long now) {
        byFd.forEach(c -> c.expireIfDue(now)); // forget() clears its place in byFd as it ends
    }

    /**
     * The loop's end, once the turns are over (and, for uring, the ring closed): the connections still
     * open are ended, those awaiting a PROXY header closed, and the waker closed.
     *
     * @param how what {@link #run} returned
     */
    public void end(String how) {
        byFd.forEach(c -> c.abort(how));
        arrivals.closeAll();
        waker.close();
    }

    /**
     * From any thread: stop accepting now, and end the connections still open at {@code deadline}.
     *
     * @param deadline {@link System#nanoTime()} of the end of the grace period
     */
    public void requestStop(long deadline) {
        waker.requestStop(deadline);
    }

    /** From any thread: makes the loop's wait return (epoll_wait, io_uring_enter). */
    public void wake() {
        waker.wake();
    }

    /**
     * From any thread: whether this loop stopped accepting at the connection cap.
     *
     * @return true while it waits for a slot to free
     */
    public boolean waitingForSlot() {
        return listener.waitingForSlot();
    }

    /**
     * An accepted connection, holding a slot: admitted, or its PROXY header awaited first ({@link Arrivals}).
     *
     * @param a the connection accepted
     */
    public void accepted(Accepted a) {
        LiveConnection conn = arrivals.arrived(a);
        if (conn != null) open(conn);
    }

    /**
     * A socket waiting for its PROXY header is readable: opened once the header is complete.
     *
     * @param fd its descriptor number
     */
    public void headerReady(int fd) {
        LiveConnection conn = arrivals.ready(fd);
        if (conn != null) open(conn);
    }

    /** Makes an admitted connection this loop's: found by its descriptor from now on, then opened. */
    private void open(LiveConnection conn) {
        int fd = conn.socket().fd();
        C c = loop.connection(conn, fd);
        byFd.add(fd, c);
        c.open(factory);
    }

    /**
     * The connection an event names.
     *
     * @param fd    the descriptor number in the event
     * @param token the token in the event
     * @return the connection, or null when it ended (the descriptor may be another's now)
     */
    public C connection(int fd, long token) {
        C c = byFd.get(fd);
        return c != null && c.token == token ? c : null;
    }

    /**
     * A connection has ended: the loop forgets it, and its slot frees a place to accept again, here
     * and on the loops that stopped at the cap.
     *
     * @param c the connection
     */
    public void forget(C c) {
        byFd.remove(c.fd, c);
        if (serving.config.maxConnections() > 0) {
            listener.slotFreed();
            loop.slotFreed();
        }
    }
}
