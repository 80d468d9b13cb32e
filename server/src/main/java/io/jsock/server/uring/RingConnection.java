package io.jsock.server.uring;

import io.jsock.server.event.EventConnection;
import io.jsock.server.event.loop.EventLoopConnection;
import io.jsock.server.serving.LiveConnection;
import io.jsock.server.serving.Serving;

import io.jsock.socket.Errno;
import io.jsock.socket.ErrnoException;
import io.jsock.socket.event.EventIo;
import io.jsock.socket.event.IoUring;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;

/**
 * An {@link EventConnection} of one {@link RingLoop}, and the io_uring operations it has in flight: a
 * multishot receive into the loop's buffer ring while input is wanted, at most one send (so its bytes
 * go out in order), a shutdown. Its loop finds it by the token in a completion's user data and calls
 * {@link #completed}; the connection calls its handler, then {@link #settle}s: prepares what it needs
 * now (a send of what is queued, the receive re-armed or cancelled, FIN linked after the last send),
 * which the loop's next io_uring_enter submits with everything else.
 *
 * <p>The end: a connection that ends cancels what it has in flight and closes its socket only once
 * every operation has completed, so no completion can arrive for its descriptor number after the
 * kernel has given that number to a new connection.
 */
final class RingConnection extends EventLoopConnection {
    /** Plain reads per completion when the buffer ring ran dry, at most. */
    private static final int MAX_PLAIN_READS = 16;
    private static final int SHUT_WR = 1;

    /** What a connection asks of the loop that owns it; on the loop's thread only. */
    interface Loop extends SendQueue.Pool {
        IoUring ring();

        IoUring.BufferRing buffers();

        /** The loop's buffer for a plain recv(2) when the buffer ring is dry, lent for one callback. */
        ByteBuffer fallback();

        /** Counts a receive that found the buffer ring dry. */
        void ranDry();

        /** The connection has ended: its socket is closed, its line logged, its slot given back. Forget it. */
        void forget(RingConnection c);
    }

    // Set at accept; never change.
    private final Loop loop;
    private final SendQueue out;

    // The loop's thread only.
    private boolean recvArmed, recvCancelled, sendInFlight, shutdownInFlight; // operations in flight
    private int sending;                // bytes of the send in flight
    private boolean finished;           // the socket is closed and the loop forgot it
    private String endHow;

    RingConnection(Loop loop, Serving serving, LiveConnection connection, int fd, long token) {
        super(serving, connection, fd, token);
        this.loop = loop;
        this.out = new SendQueue(loop);
    }

    private long userData(int kind) {
        return (long) kind << 56 | token;
    }

    // ---- what the loop calls

    /** A completion of one of this connection's operations. */
    void completed(int kind, int res, int flags) {
        dispatch(null, kind, res, flags);
    }

    @Override
    protected void react(int kind, int res, int flags) throws IOException {
        switch (kind) {
            case RingLoop.RECV -> received(res, flags);
            case RingLoop.SEND -> sent(res);
            case RingLoop.SHUTDOWN -> {
                shutdownInFlight = false;
                if (res < 0 && res != -Errno.ECANCELED.number() && !closed) fail("shutdown", res);
            }
            default -> throw new IllegalStateException("completion of kind " + kind);
        }
    }

    /** The opening's and each completion's callbacks done: the handler may write more if it wants to and nothing is queued. */
    @Override
    protected void afterCallbacks() throws IOException {
        if (wantWritable && canWrite() && out.queued() == 0 && !sendInFlight) handler.onWritable(this);
    }

    private void received(int res, int flags) throws IOException {
        if (!IoUring.more(flags)) {
            recvArmed = false;
            recvCancelled = false;
        }
        if (IoUring.hasBuffer(flags)) {
            int bid = IoUring.bufferId(flags);
            ByteBuffer in = loop.buffers().buffer(bid);
            try {
                if (res > 0 && !closed && failure == null && !inputEnded) {
                    connection.received(res);
                    handler.onReadable(this, in.limit(res).position(0));
                }
            } finally {
                loop.buffers().recycle(bid);
            }
            return;
        }
        if (res == 0) {
            if (!closed && !inputEnded) endOfInput();
        } else if (res == -Errno.ENOBUFS.number()) {
            loop.ranDry();
            if (!closed && failure == null) readPlain();
        } else if (res < 0 && res != -Errno.ECANCELED.number() && !closed) {
            fail("recv", res);
        }
    }

    /** The buffer ring ran dry: recv(2) what is queued into the loop's fallback buffer; settle re-arms the receive. */
    private void readPlain() throws IOException {
        ByteBuffer buffer = loop.fallback();
        MemorySegment segment = MemorySegment.ofBuffer(buffer.clear());
        for (int i = 0; i < MAX_PLAIN_READS && !closed && failure == null && !inputEnded && !closeRequested; i++) {
            int n = EventIo.recv(fd, segment, buffer.capacity());
            if (n == EventIo.UNAVAILABLE) return;
            if (n == EventIo.END) {
                endOfInput();
                return;
            }
            connection.received(n);
            handler.onReadable(this, buffer.limit(n).position(0));
            if (out.queued() > HIGH_WATER) return;
        }
    }

    private void sent(int res) {
        sendInFlight = false;
        if (res >= 0) {
            out.sent(res);
            connection.sent(res);
            if (res < sending && !closed) fail("send", -Errno.EPIPE.number()); // MSG_WAITALL fell short: the connection broke
        } else if (res != -Errno.ECANCELED.number() && !closed) {
            fail("send", res);
        }
        sending = 0;
    }

    /** Ends the connection now, whatever it has in flight or queued (the loop's shutdown or failure; the ring is closed). */
    @Override
    public void abort(String how) {
        if (finished) return;
        closed = true;
        recvArmed = sendInFlight = shutdownInFlight = false; // the closed ring completes nothing more
        if (endHow == null) endHow = how;
        finish();
    }

    // ---- EventConnection, for the handler

    @Override
    protected void write(ByteBuffer src, int pos, int len) {
        out.append(src, pos, len);
        changed();
    }

    @Override
    public int queuedBytes() {
        return out.queued();
    }

    // ---- operations and the end

    /** After a dispatch: end the connection if it asked to or failed; else prepare the operations it needs now. */
    @Override
    protected void settle() {
        if (closed) {
            finish();
            return;
        }
        try {
            if (failure != null) {
                end(failure.getMessage(), false);
                return;
            }
            IoUring ring = loop.ring();
            if (!sendInFlight && out.queued() > 0) {
                SendQueue.Chunk c = out.inFlight();
                sending = c.tail - c.head;
                ring.send(fd, c.segment.asSlice(c.head, sending), sending, userData(RingLoop.SEND));
                sendInFlight = true;
                if (shutdownRequested && !outputShut && sending == out.queued()) {
                    ring.linkNext(); // FIN right after the last bytes, in the same submission
                    shutdown(ring);
                }
            }
            if (out.queued() == 0 && !sendInFlight) {
                if (closeRequested) {
                    end(null, true);
                    return;
                }
                if (shutdownRequested && !outputShut) shutdown(ring);
            }
            boolean wantInput = !inputEnded && !closeRequested && out.queued() <= HIGH_WATER;
            if (wantInput && !recvArmed) {
                ring.recvMultishot(fd, loop.buffers().group(), userData(RingLoop.RECV));
                recvArmed = true;
            } else if (!wantInput && recvArmed && !recvCancelled) {
                ring.cancel(userData(RingLoop.RECV), (long) RingLoop.CANCEL << 56); // resumed once the queue drains
                recvCancelled = true;
            }
        } catch (IOException e) {
            failure = e; // the submission ring could not be emptied: the loop itself is failing
            end(e.getMessage(), false);
        }
    }

    private void shutdown(IoUring ring) throws IOException {
        ring.shutdown(fd, SHUT_WR, userData(RingLoop.SHUTDOWN));
        shutdownInFlight = true;
        outputShut = true;
    }

    /** Keeps the first failure of a completion, naming the peer. */
    private void fail(String syscall, int res) {
        fail(new ErrnoException(syscall, -res, connection.peer()));
    }

    /**
     * Ends the connection: no more callbacks but onClose. {@code graceful}: first reads the input
     * waiting, so the close sends FIN rather than RST. What is in flight is cancelled; the socket is
     * closed when the last of it has completed ({@link #finish}).
     */
    @Override
    protected void end(String how, boolean graceful) {
        if (closed) return;
        closed = true;
        endHow = how;
        if (graceful && !inputEnded) {
            ByteBuffer buffer = loop.fallback().clear();
            drain(MemorySegment.ofBuffer(buffer), buffer.capacity());
        }
        if (recvArmed || sendInFlight || shutdownInFlight) {
            try {
                loop.ring().cancelFd(fd, (long) RingLoop.CANCEL << 56);
            } catch (IOException e) {
                // the ring is failing: the loop's end closes it, which cancels everything
            }
        }
        finish();
    }

    /** Closes the socket once nothing is in flight: onClose, the closed line, the slot, forgotten by the loop. */
    private void finish() {
        if (finished || recvArmed || sendInFlight || shutdownInFlight) return;
        finished = true;
        out.clear();
        release(endHow);
    }

    @Override
    protected void forget() {
        loop.forget(this);
    }
}
