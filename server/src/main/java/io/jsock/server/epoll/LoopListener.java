package io.jsock.server.epoll;

import io.jsock.server.event.loop.LoopTurns;
import io.jsock.server.serving.AcceptBackoff;
import io.jsock.server.serving.Serving;

import io.jsock.socket.Accepted;
import io.jsock.socket.event.Epoll;
import io.jsock.socket.Socket;
import io.jsock.socket.SocketClosedException;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.util.concurrent.TimeUnit;

/**
 * One event loop's listening descriptor: accepts into the loop, and steps out of the loop's epoll set
 * at the connection cap (clients wait in the kernel's queue until a slot frees) or while accept(2) is
 * short of descriptors or memory (a back-off, so a level-triggered listener cannot spin the loop).
 * The loop's thread only, except {@link #waitingForSlot}.
 */
final class LoopListener implements LoopTurns.Listener {
    /** The epoll data word of the listener (connections' are positive). */
    static final long DATA = -1;
    /** Connections accepted per wake-up, at most: then the loop serves its connections again. */
    private static final int MAX_ACCEPTS = 64;
    /** How often a loop paused at the cap looks for a free slot, in case it missed the wake-up. */
    private static final long SLOT_POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    // Set at construction; never change.
    private final Socket socket;   // this loop's own descriptor of the listening socket; closed here
    private final int events;      // EPOLLIN, with EPOLLEXCLUSIVE when loops share one listener
    private final Epoll epoll;
    private final Serving serving;
    private final EventLoop loop;
    private final AcceptBackoff backoff;

    // Written by the loop, read by other loops.
    private volatile boolean waitingForSlot;

    // The loop's thread only.
    private boolean listening = true; // in the epoll set (the loop's constructor put it there)
    private boolean closed;
    private long resumeAt;            // nanoTime when a back-off ends (0: not backing off)

    LoopListener(Socket socket, int events, Epoll epoll, Serving serving, EventLoop loop) {
        this.socket = socket;
        this.events = events;
        this.epoll = epoll;
        this.serving = serving;
        this.loop = loop;
        this.backoff = new AcceptBackoff(serving);
    }

    /** The listener is readable: accept what is queued, a slot per connection, up to {@link #MAX_ACCEPTS}. */
    void acceptSome() {
        if (!serving.limiter().mayAccept()) {
            pause(System.nanoTime() + SLOT_POLL_NANOS); // not yet dropped to the user it runs as
            return;
        }
        for (int i = 0; i < MAX_ACCEPTS; i++) {
            if (!serving.tryTakeSlot()) {
                pause(0); // at the cap: clients wait in the kernel's queue until a slot frees
                return;
            }
            Accepted a;
            try {
                a = socket.tryAccept();
            } catch (SocketClosedException e) {
                serving.giveSlot(); // closed under us: only at shutdown
                return;
            } catch (IOException e) {
                serving.giveSlot(); // nothing was accepted
                if (!acceptFailed(e)) return;
                continue;
            } catch (RuntimeException | Error e) {
                // Not the loop's end: its connections keep being served (a class that failed to load under
                // EMFILE, an allocation that failed). Accepting backs off as for EMFILE and tries again.
                serving.giveSlot(); // nothing was accepted
                acceptFailed(new IOException("accept: " + e, e));
                return;
            }
            if (a == Accepted.UNAVAILABLE) {
                serving.giveSlot(); // the queue is empty (another loop took it, or the client reset)
                return;
            }
            backoff.succeeded();
            loop.accepted(a); // admitted, or its PROXY header awaited; or refused, its slot given back
        }
    }

    /**
     * accept(2) failed: the errors of the new connection are retried at once (true); a shortage pauses
     * accepting on this loop ({@link AcceptBackoff}) until it succeeds again (false).
     */
    private boolean acceptFailed(IOException e) {
        if (AcceptBackoff.retriedAtOnce(AcceptBackoff.errno(e))) return true;
        pause(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(backoff.failed(e.getMessage())));
        return false;
    }

    /**
     * How long the loop's epoll_wait may wait, as far as accepting goes: -1 (no limit) while listening;
     * while paused, until the back-off ends or, at the cap, until the next look for a free slot. Resumes
     * listening first when the pause is over.
     */
    @Override
    public long waitNanos() {
        if (listening || closed) return -1;
        if (resumeAt == 0 ? serving.slotFree() : resumeAt - System.nanoTime() <= 0) {
            resume();
            return -1;
        }
        if (resumeAt == 0) return SLOT_POLL_NANOS;
        return Math.max(TimeUnit.MILLISECONDS.toNanos(1), resumeAt - System.nanoTime());
    }

    /** A connection of this loop ended: if the cap had stopped us, listen again. */
    @Override
    public void slotFreed() {
        if (waitingForSlot) resume();
    }

    /** Takes the listener out of the epoll set until {@code until} (0: until a slot frees). */
    private void pause(long until) {
        resumeAt = until;
        if (!listening) return;
        try {
            epoll.delete(socket.fd());
        } catch (IOException e) {
            throw new IllegalStateException(e); // our own descriptor in our own epoll set: a bug
        }
        listening = false;
        if (until == 0) waitingForSlot = true;
    }

    private void resume() {
        if (listening || closed) return;
        try {
            epoll.add(socket.fd(), events, DATA);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        listening = true;
        resumeAt = 0;
        waitingForSlot = false;
    }

    /** Stops listening for good (at shutdown): out of the epoll set, then closed. Safe to call more than once. */
    @Override
    public void close() {
        if (closed) return;
        if (listening) {
            try {
                // Out of the set by hand: close(2) would take it out only with the last descriptor of the
                // socket, and other loops may still hold theirs (duplicates of one listener).
                epoll.delete(socket.fd());
            } catch (IOException e) {
                serving.log(Level.WARNING, e.getMessage()); // closing it is what matters
            }
        }
        closed = true;
        listening = false;
        waitingForSlot = false;
        socket.close();
    }

    /** {@return whether it is closed: a descriptor has nothing in flight} */
    @Override
    public boolean done() {
        return closed;
    }

    @Override
    public boolean waitingForSlot() {
        return waitingForSlot;
    }
}
