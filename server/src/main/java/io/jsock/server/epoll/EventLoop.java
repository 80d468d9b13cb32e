package io.jsock.server.epoll;

import io.jsock.server.event.EventHandler;
import io.jsock.server.event.loop.ByFd;
import io.jsock.server.event.loop.LoopWaker;
import io.jsock.server.serving.Arrivals;
import io.jsock.server.serving.LiveConnection;
import io.jsock.server.serving.LoopTimers;
import io.jsock.server.serving.Serving;

import io.jsock.socket.Accepted;
import io.jsock.socket.Socket;
import io.jsock.socket.event.Epoll;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.util.concurrent.TimeUnit;

/**
 * One event loop of the {@code epoll} model: a platform thread that waits in epoll_wait on its own
 * epoll instance and dispatches what is ready, level-triggered, over non-blocking sockets it owns.
 * It accepts from its own descriptor of the listening socket ({@link LoopListener}), finds each
 * ready connection by its epoll token and hands it the events ({@link LoopConnection#ready}); the
 * connection does the rest. An eventfd wakes it for the shutdown and when a connection slot frees.
 *
 * <p>Level-triggered, because a connection that stops reading after {@link LoopConnection#MAX_READS}
 * reads (so it cannot starve the others) simply hears of it again on the next epoll_wait, with no
 * ready list of its own; and a short read ends the reading as it would edge-triggered, so the
 * common case costs the same system calls: epoll_wait, recv, send.
 *
 * <p>The hot path allocates nothing: one direct buffer per loop for every read, a reused event array,
 * connections found by descriptor number in an array, and recv/send on the descriptor number
 * ({@link EventIo}): this thread is the only one that uses or closes these sockets.
 */
final class EventLoop implements Runnable, LoopConnection.Loop {
    private static final System.Logger LOG = System.getLogger("io.jsock.server");

    private static final int EVENTS = 512;
    private static final long WAKER = -2; // epoll data of the waker (the listener's: LoopListener.DATA)
    private static final long HEADER = Long.MIN_VALUE; // | fd: epoll data of a socket waiting for its PROXY header

    // Set at construction; never change.
    final int index;
    private final Serving serving;
    private final EventLoops loops;
    private final EventHandler.Factory factory;
    private final Epoll epoll;
    private final LoopWaker waker;
    private final LoopListener listener;
    private final LoopConnection.ReadBuffer buffer = LoopConnection.ReadBuffer.allocate();
    private final Arrivals arrivals;
    private final LoopTimers timers;

    // The loop's thread only.
    private final ByFd<LoopConnection> byFd = new ByFd<>();
    private int generation;

    EventLoop(int index, Serving serving, EventLoops loops, EventHandler.Factory factory, Socket listener, int listenEvents)
            throws IOException {
        this.index = index;
        this.serving = serving;
        this.loops = loops;
        this.factory = factory;
        Epoll e = Epoll.open(EVENTS);
        LoopWaker w = null;
        boolean success = false;
        try {
            w = LoopWaker.open();
            e.add(w.fd(), Epoll.IN, WAKER);
            e.add(listener.fd(), listenEvents, LoopListener.DATA);
            success = true;
        } finally {
            if (!success) {
                if (w != null) w.close();
                e.close();
            }
        }
        this.epoll = e;
        this.waker = w;
        this.listener = new LoopListener(listener, listenEvents, e, serving, this);
        this.arrivals = new Arrivals(serving, new Arrivals.Watch() {
            @Override
            public void watch(int fd, boolean first) throws IOException {
                if (first) e.add(fd, Epoll.IN | Epoll.RDHUP, HEADER | fd); // level-triggered: once is enough
            }

            @Override
            public void unwatch(int fd) throws IOException {
                e.delete(fd); // the connection registers itself under its own token next
            }
        });
        this.timers = new LoopTimers(serving, arrivals);
    }

    /** Closes what the constructor opened, for a loop whose thread never started. */
    void discard() {
        listener.close();
        waker.close();
        epoll.close();
    }

    /** From any thread: stop accepting now, and end the connections still open at {@code deadline}. */
    void requestStop(long deadline) {
        waker.requestStop(deadline);
    }

    /** Whether this loop stopped accepting at the connection cap (read from other loops). */
    boolean waitingForSlot() {
        return listener.waitingForSlot;
    }

    /** From any thread: makes epoll_wait return. */
    void wake() {
        waker.wake();
    }

    @Override
    public void run() {
        String how = "closed at shutdown";
        try {
            loop();
        } catch (Throwable t) {
            how = "event loop failed: " + t;
            LOG.log(Level.ERROR, "jsock-epoll-" + index + " failed", t);
        } finally {
            listener.close();
            String ended = how;
            byFd.forEach(c -> c.abort(ended));
            arrivals.closeAll();
            waker.close();
            epoll.close();
        }
    }

    private void loop() throws IOException {
        while (true) {
            int timeout = -1;
            if (waker.stopping()) {
                listener.close();
                if (byFd.count() == 0) return;
                long left = waker.graceLeft();
                if (left <= 0) return; // the grace period is over: run() closes the rest
                timeout = (int) Math.max(1, TimeUnit.NANOSECONDS.toMillis(left));
            } else {
                timeout = listener.waitMillis();
            }
            timeout = shorter(timeout, timers.run(this::sweep));
            int n = epoll.await(timeout);
            // The listener and the waker first: a client whose connection is queued is accepted before the
            // loop answers clients that came after it (so no answer can overtake the accept).
            for (int i = 0; i < n; i++) {
                long data = epoll.data(i);
                if (data == LoopListener.DATA) {
                    if (!waker.stopping()) listener.acceptSome();
                } else if (data == WAKER) {
                    waker.drain(); // the stop, or a slot freed on another loop: the top of the loop looks
                }
            }
            for (int i = 0; i < n; i++) {
                long token = epoll.data(i);
                if (token == LoopListener.DATA || token == WAKER) continue; // done above
                if (token < 0) {
                    LiveConnection header = arrivals.ready((int) token); // HEADER | fd
                    if (header != null) open(header);
                    continue;
                }
                int fd = (int) token;
                LoopConnection c = byFd.get(fd);
                if (c != null && c.token == token) c.ready(epoll.events(i)); // else: closed earlier in this batch
            }
        }
    }

    /** Ends this loop's connections past their idle timeout or deadline ({@link LoopTimers}). */
    private void sweep(long now) {
        byFd.forEach(c -> c.expireIfDue(now)); // forget() clears its place in byFd as it ends
    }

    /** epoll_wait's timeout in milliseconds, shortened to the next timer's (in nanoseconds); -1: none. */
    private static int shorter(int timeoutMillis, long timerNanos) {
        if (timerNanos < 0) return timeoutMillis;
        int t = (int) Math.min(Integer.MAX_VALUE, Math.max(1, TimeUnit.NANOSECONDS.toMillis(timerNanos + 999_999)));
        return timeoutMillis < 0 ? t : Math.min(timeoutMillis, t);
    }

    /** An accepted connection, holding a slot: admitted, or its PROXY header awaited first ({@link Arrivals}). */
    void accepted(Accepted a) {
        LiveConnection conn = arrivals.arrived(a);
        if (conn != null) open(conn);
    }

    /** Makes an admitted connection this loop's: found by its descriptor from now on, then opened. */
    private void open(LiveConnection conn) {
        int fd = conn.socket().fd();
        LoopConnection c = new LoopConnection(this, buffer, serving, conn, fd, ++generation & 0x7fff_ffff);
        byFd.add(fd, c);
        c.open(factory);
    }

    // ---- LoopConnection.Loop: what a connection asks of its loop

    @Override
    public void watch(LoopConnection c, int events, boolean first) throws IOException {
        if (first) epoll.add(c.fd, events, c.token);
        else epoll.modify(c.fd, events, c.token);
    }

    @Override
    public void forget(LoopConnection c) {
        byFd.remove(c.fd, c);
        if (serving.config.maxConnections() > 0) {
            listener.slotFreed();
            loops.slotFreed(this);
        }
    }
}
