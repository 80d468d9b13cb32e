package io.jsock.server.uring;

import io.jsock.server.event.loop.LoopTurns;
import io.jsock.server.serving.AcceptBackoff;
import io.jsock.server.serving.Serving;

import io.jsock.socket.Accepted;
import io.jsock.socket.Errno;
import io.jsock.socket.ErrnoException;
import io.jsock.socket.SockAddr;
import io.jsock.socket.Socket;
import io.jsock.socket.event.IoUring;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.util.concurrent.TimeUnit;

/**
 * One ring loop's listening descriptor and the accept it keeps in flight on it. Without a connection
 * cap: one multishot accept, a completion per connection. With a cap: a single accept at a time, armed
 * only with a slot taken for it, so at the cap nothing is accepted and clients wait in the kernel's
 * queue, in order, until a slot frees. accept(2)'s shortages (EMFILE, ENFILE, ENOBUFS, ENOMEM) back
 * off, 10 ms doubling to a second, as the other models do. At shutdown the accept is cancelled and the
 * descriptor closed once its last completion is in (an accept in flight keeps the socket listening).
 * The loop's thread only, except {@link #waitingForSlot}.
 */
final class RingListener implements LoopTurns.Listener {
    private static final long USER_DATA = (long) RingLoop.ACCEPT << 56;
    /** How often a loop paused at the cap looks for a free slot, in case it missed the wake-up. */
    private static final long SLOT_POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    // Set at construction; never change.
    private final Socket socket; // this loop's own descriptor of the listening socket; closed here
    private final Serving serving;
    private final RingLoop loop;
    private final boolean multishot;
    private final AcceptBackoff backoff;

    // Written by the loop, read by other loops.
    private volatile boolean waitingForSlot;

    // The loop's thread only.
    private boolean armed;     // an accept is in flight
    private boolean slotHeld;  // with a cap: the slot the armed accept will use
    private boolean closing, cancelled, socketClosed;
    private long resumeAt;     // nanoTime when a back-off ends (0: not backing off)

    RingListener(Socket socket, Serving serving, RingLoop loop) {
        this.socket = socket;
        this.serving = serving;
        this.loop = loop;
        this.multishot = serving.config.maxConnections() == 0;
        this.backoff = new AcceptBackoff(serving);
    }

    /** Puts an accept in flight, unless one is, or the listener is closing, backing off, or at the cap. */
    void arm() throws IOException {
        if (armed || closing || resumeAt != 0) return;
        if (!serving.limiter().mayAccept()) {
            resumeAt = System.nanoTime() + SLOT_POLL_NANOS; // not yet dropped to the user it runs as: look again then
            return;
        }
        if (!multishot) {
            if (!slotHeld && !serving.tryTakeSlot()) {
                waitingForSlot = true; // clients wait in the kernel's queue until a slot frees
                return;
            }
            slotHeld = true;
        }
        waitingForSlot = false;
        loop.ring().accept(socket.fd(), multishot, USER_DATA);
        armed = true;
    }

    /** The accept completed: {@code res} is a connected descriptor, or minus accept's errno. */
    void completed(int res, int flags) throws IOException {
        if (!IoUring.more(flags)) armed = false;
        if (res >= 0) {
            accepted(res);
        } else {
            if (slotHeld && !armed) {
                serving.giveSlot();
                slotHeld = false;
            }
            failed(res);
        }
        if (closing) {
            closeIfIdle();
        } else if (!armed) {
            arm();
        }
    }

    private void accepted(int connfd) {
        Socket s = socket.accepted(connfd);
        if (multishot) {
            serving.tryTakeSlot(); // no cap: always granted (given back by serving.closed, as for every model)
        } else {
            slotHeld = false; // this connection holds it now
        }
        backoff.succeeded();
        if (closing) {
            s.close(); // accepted as the server stopped: as if it had come after the listener closed
            serving.giveSlot();
            return;
        }
        SockAddr peer;
        try {
            peer = s.getpeername();
        } catch (IOException goneAlready) {
            s.close(); // reset before it was served: costs only its own connection
            serving.giveSlot();
            return;
        }
        loop.accepted(new Accepted(s, peer)); // admitted, or its PROXY header awaited; or refused, its slot given back
    }

    private void failed(int res) throws IOException {
        Errno errno = IoUring.errno(res);
        if (errno == Errno.ECANCELED || AcceptBackoff.retriedAtOnce(errno)) return;
        long pause = backoff.failed(new ErrnoException("accept", -res, socket.getsockname()).getMessage());
        resumeAt = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(pause);
        if (armed && !cancelled) {
            loop.ring().cancel(USER_DATA, (long) RingLoop.CANCEL << 56); // a multishot accept that stayed armed
            cancelled = true;
        }
    }

    /**
     * How long the loop may wait, as far as accepting goes: -1 (no limit) while an accept is in flight;
     * while paused, until the back-off ends or, at the cap, until the next look for a free slot. Arms
     * the accept again first when the pause is over.
     */
    @Override
    public long waitNanos() throws IOException {
        if (closing) return -1;
        if (resumeAt != 0) {
            long left = resumeAt - System.nanoTime();
            if (left > 0 || armed) return Math.max(left, TimeUnit.MILLISECONDS.toNanos(1));
            resumeAt = 0;
            cancelled = false;
            arm();
            if (resumeAt != 0) return SLOT_POLL_NANOS; // still not dropped to the user it runs as
        }
        if (waitingForSlot) {
            if (serving.slotFree()) arm();
            if (waitingForSlot) return SLOT_POLL_NANOS;
        }
        return -1;
    }

    /** A connection of this loop ended: if the cap had stopped us, accept again. */
    @Override
    public void slotFreed() {
        if (!waitingForSlot) return;
        try {
            arm();
        } catch (IOException e) {
            serving.log(Level.WARNING, e.getMessage()); // the next waitNanos tries again
        }
    }

    /** At shutdown: cancels the accept in flight; the socket closes once its last completion is in. */
    @Override
    public void close() throws IOException {
        if (closing) return;
        closing = true;
        waitingForSlot = false;
        if (armed && !cancelled) {
            loop.ring().cancel(USER_DATA, (long) RingLoop.CANCEL << 56);
            cancelled = true;
        }
        closeIfIdle();
    }

    private void closeIfIdle() {
        if (armed) return;
        if (slotHeld) {
            serving.giveSlot();
            slotHeld = false;
        }
        if (!socketClosed) socket.close();
        socketClosed = true;
    }

    /** {@return whether the listener is closed: nothing of it is in flight} */
    @Override
    public boolean done() {
        return socketClosed;
    }

    /** Closes the descriptor now (the ring is closed, or was never made). Safe to call more than once. */
    void closeNow() {
        closing = true;
        armed = false;
        closeIfIdle();
    }

    @Override
    public boolean waitingForSlot() {
        return waitingForSlot;
    }
}
