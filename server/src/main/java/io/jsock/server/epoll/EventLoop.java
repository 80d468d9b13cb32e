package io.jsock.server.epoll;

import io.jsock.server.event.EventHandler;
import io.jsock.server.event.loop.LoopTurns;
import io.jsock.server.event.loop.LoopWaker;
import io.jsock.server.serving.Arrivals;
import io.jsock.server.serving.LiveConnection;
import io.jsock.server.serving.Serving;

import io.jsock.socket.Accepted;
import io.jsock.socket.Socket;
import io.jsock.socket.event.Epoll;
import java.io.IOException;
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
final class EventLoop implements Runnable, LoopConnection.Loop, LoopTurns.Loop<LoopConnection> {
    private static final int EVENTS = 512;
    private static final long WAKER = -2; // epoll data of the waker (the listener's: LoopListener.DATA)
    private static final long HEADER = Long.MIN_VALUE; // | fd: epoll data of a socket waiting for its PROXY header

    // Set at construction; never change.
    final int index;
    private final Serving serving;
    private final EventLoops loops;
    private final Epoll epoll;
    private final LoopWaker waker;
    private final LoopListener listener;
    private final LoopConnection.ReadBuffer buffer = LoopConnection.ReadBuffer.allocate();
    /** Its turns; the design stops, wakes and asks it through them. */
    final LoopTurns<LoopConnection> turns;

    // The loop's thread only.
    private int generation;

    EventLoop(int index, Serving serving, EventLoops loops, EventHandler.Factory factory, Socket listener, int listenEvents)
            throws IOException {
        this.index = index;
        this.serving = serving;
        this.loops = loops;
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
        this.turns = new LoopTurns<>(serving, factory, w, this.listener, new Arrivals.Watch() {
            @Override
            public void watch(int fd, boolean first) throws IOException {
                if (first) e.add(fd, Epoll.IN | Epoll.RDHUP, HEADER | fd); // level-triggered: once is enough
            }

            @Override
            public void unwatch(int fd) throws IOException {
                e.delete(fd); // the connection registers itself under its own token next
            }
        }, this);
    }

    /** Closes what the constructor opened, for a loop whose thread never started. */
    void discard() {
        listener.close();
        waker.close();
        epoll.close();
    }

    @Override
    public void run() {
        String how = turns.run("jsock-epoll-" + index);
        listener.close();
        turns.end(how);
        epoll.close();
    }

    /** One epoll_wait, then what is ready: the listener and the waker first, then the connections. */
    @Override
    public void turn(long timeoutNanos) throws IOException {
        int n = epoll.await(millis(timeoutNanos));
        // The listener and the waker first: a client whose connection is queued is accepted before the
        // loop answers clients that came after it (so no answer can overtake the accept).
        for (int i = 0; i < n; i++) {
            long data = epoll.data(i);
            if (data == LoopListener.DATA) {
                if (!waker.stopping()) listener.acceptSome();
            } else if (data == WAKER) {
                waker.drain(); // the stop, or a slot freed on another loop: the top of the turn looks
            }
        }
        for (int i = 0; i < n; i++) {
            long token = epoll.data(i);
            if (token == LoopListener.DATA || token == WAKER) continue; // done above
            if (token < 0) {
                turns.headerReady((int) token); // HEADER | fd
                continue;
            }
            LoopConnection c = turns.connection((int) token, token);
            if (c != null) c.ready(epoll.events(i)); // else: closed earlier in this batch
        }
    }

    /** epoll_wait's timeout: nanoseconds rounded up to whole milliseconds (at least 1); -1 stays -1 (none). */
    private static int millis(long nanos) {
        if (nanos < 0) return -1;
        return (int) Math.min(Integer.MAX_VALUE, Math.max(1, TimeUnit.NANOSECONDS.toMillis(nanos + 999_999)));
    }

    /** An accepted connection, holding a slot: admitted, or its PROXY header awaited first. */
    void accepted(Accepted a) {
        turns.accepted(a);
    }

    // ---- LoopTurns.Loop

    @Override
    public LoopConnection connection(LiveConnection conn, int fd) {
        return new LoopConnection(this, buffer, serving, conn, fd, ++generation & 0x7fff_ffff);
    }

    @Override
    public void slotFreed() {
        loops.slotFreed(this);
    }

    // ---- LoopConnection.Loop: what a connection asks of its loop

    @Override
    public void watch(LoopConnection c, int events, boolean first) throws IOException {
        if (first) epoll.add(c.fd, events, c.token);
        else epoll.modify(c.fd, events, c.token);
    }

    @Override
    public void forget(LoopConnection c) {
        turns.forget(c);
    }
}
