package io.jsock.server.event.loop;

import io.jsock.server.Connection;
import io.jsock.server.event.EventConnection;
import io.jsock.server.event.EventHandler;
import io.jsock.server.serving.LiveConnection;
import io.jsock.server.serving.Serving;
import io.jsock.socket.ErrnoException;
import io.jsock.socket.event.EventIo;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;

/**
 * The half of an event loop's connection that does not depend on how the loop waits: what the
 * handler asked for (close, FIN, writable callbacks), the dispatch of one event to the handler with
 * one {@link #settle} after it, the first failure kept, the timeouts, and the end's last steps
 * (onClose, the closed line, the loop forgets it). {@code epoll}'s connection (readiness: it reads
 * and sends itself) and {@code uring}'s (completions: it prepares operations) add the rest.
 */
public abstract class EventLoopConnection implements EventConnection {
    private static final System.Logger LOG = System.getLogger("io.jsock.server");
    /** Reads of input left unread when a connection ends gracefully, at most. */
    private static final int MAX_DRAIN_READS = 16;

    // Set at accept; never change.
    /** The server. */
    protected final Serving serving;
    /** The server's record of the connection: id, peer, counts, the limit that ended it. */
    protected final LiveConnection connection;
    /** The socket's descriptor number (the loop is the only thread that uses or closes it). */
    public final int fd;
    /** generation and descriptor number: what the loop's events name it by, never the same for two connections on one fd in a row. */
    public final long token;

    // The loop's thread only.
    /** The connection's handler, once made. */
    protected EventHandler handler;
    /** In a dispatch: {@link #settle} comes at its end, not at each change. */
    private boolean dispatching;
    /** The peer's FIN was read. */
    protected boolean inputEnded;
    /** close() was called: close once the output is out. */
    protected boolean closeRequested;
    /** shutdownOutput() was called: FIN once the output is out. */
    protected boolean shutdownRequested;
    /** ... and the FIN was sent (or is on its way). */
    protected boolean outputShut;
    /** The handler wants onWritable. */
    protected boolean wantWritable;
    /** Ending or ended: no callback but onClose. */
    protected boolean closed;
    /** A send or a callback failed: the connection ends after the current dispatch. */
    protected IOException failure;

    /**
     * A connection just accepted.
     *
     * @param serving    the server
     * @param connection its record
     * @param fd         its descriptor number
     * @param token      what the loop's events name it by
     */
    protected EventLoopConnection(Serving serving, LiveConnection connection, int fd, long token) {
        this.serving = serving;
        this.connection = connection;
        this.fd = fd;
        this.token = token;
    }

    // ---- what the loop calls

    /**
     * The connection was accepted: makes its handler, calls onOpen, and settles.
     *
     * @param factory the server's handler factory
     */
    public final void open(EventHandler.Factory factory) {
        dispatch(factory, 0, 0, 0);
    }

    /**
     * One dispatch: the opening ({@code opening} not null) or an event, then one {@link #settle}.
     *
     * @param opening the factory at the opening; else null
     * @param what    the event (epoll's event bits, io_uring's kind of operation)
     * @param res     io_uring's result; 0 for epoll
     * @param flags   io_uring's completion flags; 0 for epoll
     */
    protected final void dispatch(EventHandler.Factory opening, int what, int res, int flags) {
        dispatching = true;
        try {
            if (opening != null) {
                handler = opening.create(connection);
                handler.onOpen(this);
            } else {
                react(what, res, flags);
            }
            afterCallbacks();
        } catch (IOException e) {
            fail(e); // the peer reset, or the handler gave up: this connection only
        } catch (RuntimeException | Error e) {
            LOG.log(Level.ERROR, this + ": event handler failed", e);
            if (failure == null) failure = new IOException("handler failed: " + e);
        } finally {
            dispatching = false;
        }
        settle(); // nothing left to do when the dispatch ended the connection
    }

    /**
     * The event's work: reading, sending, the handler's callbacks.
     *
     * @param what  the event
     * @param res   io_uring's result
     * @param flags io_uring's completion flags
     * @throws IOException a failure of this connection (it ends after the dispatch)
     */
    protected abstract void react(int what, int res, int flags) throws IOException;

    /**
     * After every dispatch's callbacks (the opening's too), still within it: nothing by default.
     *
     * @throws IOException a failure of this connection
     */
    protected void afterCallbacks() throws IOException {}

    /** After a dispatch, or a change made from outside one: end the connection if it asked to or failed; else ask the loop for what it needs now. */
    protected abstract void settle();

    /**
     * Ends the connection: no more callbacks but onClose; {@link #release} once nothing is in flight.
     *
     * @param how      why, for the closed line; null when it ended normally
     * @param graceful first read away the input waiting ({@link #drain}), so the close sends FIN, not RST
     */
    protected abstract void end(String how, boolean graceful);

    /** The loop forgets the connection (its socket is closed, its line logged, its slot given back). */
    protected abstract void forget();

    /**
     * Ends the connection now, whatever it has queued or in flight (the loop's stop at the end of the
     * grace period, or its failure).
     *
     * @param how why, for the closed line
     */
    public abstract void abort(String how);

    /**
     * Ends the connection if it ran past its idle timeout or deadline ({@link io.jsock.server.serving.Limiter#expired});
     * the closed line says which.
     *
     * @param now {@link System#nanoTime()}
     */
    public final void expireIfDue(long now) {
        if (closed) return;
        String why = serving.limiter().expired(connection, now);
        if (why != null) end(why, false);
    }

    // ---- EventConnection, for the handler

    /** The accepted connection: its id, peer and local address (its socket belongs to the loop). */
    @Override
    public final Connection connection() {
        return connection;
    }

    /** Takes the bytes (the buffer's position moves past them); drops them when the connection is ending. */
    @Override
    public final void write(ByteBuffer src) {
        int len = src.remaining();
        if (len == 0) return;
        int pos = src.position();
        src.position(pos + len);
        if (canWrite()) write(src, pos, len);
    }

    /**
     * Sends or queues {@code src[pos, pos+len)}, in order after what is queued.
     *
     * @param src the handler's buffer (lent for the callback only: what is not sent now is copied)
     * @param pos where the bytes start
     * @param len how many, at least 1
     */
    protected abstract void write(ByteBuffer src, int pos, int len);

    /**
     * Whether output is still taken: not once the handler closed or shut down output, nor after a failure.
     *
     * @return true while writes go out
     */
    protected final boolean canWrite() {
        return !closed && !closeRequested && !shutdownRequested && failure == null;
    }

    @Override
    public final void wantWritable(boolean on) {
        wantWritable = on;
        changed();
    }

    @Override
    public final void close() {
        closeRequested = true;
        changed();
    }

    @Override
    public final void shutdownOutput() {
        shutdownRequested = true;
        changed();
    }

    @Override
    public final boolean isClosed() {
        return closed;
    }

    // ---- for the loop's own connection

    /**
     * The handler changed something. Within this connection's own dispatch, {@link #settle} comes at
     * its end; called from another connection's callback, nothing else would look at this one until
     * its next event (which may never come): settle now.
     */
    protected final void changed() {
        if (!dispatching) settle();
    }

    /**
     * The peer's FIN: tells the handler.
     *
     * @throws IOException the handler's
     */
    protected final void endOfInput() throws IOException {
        inputEnded = true;
        handler.onEndOfInput(this);
    }

    /**
     * Keeps the first failure, naming the peer rather than the descriptor number.
     *
     * @param e the failure
     */
    protected final void fail(IOException e) {
        if (failure != null) return;
        failure = connection.namingPeer(e);
    }

    /**
     * Reads away the input waiting, so that the close sends FIN rather than RST.
     *
     * @param buffer where the bytes go (and are thrown away)
     * @param size   its size
     */
    protected final void drain(MemorySegment buffer, int size) {
        try {
            for (int i = 0; i < MAX_DRAIN_READS && EventIo.recv(fd, buffer, size) > 0; i++) {
                // thrown away: the handler is done with this connection
            }
        } catch (ErrnoException resetAlready) {
            // the close is all that is left to do
        }
    }

    /**
     * The end's last steps, with nothing in flight: onClose, the socket closed and the closed line
     * ({@link Serving#closed}), then the loop forgets it.
     *
     * @param how why, for the closed line; null when it ended normally
     */
    protected final void release(String how) {
        try {
            if (handler != null) handler.onClose(this);
        } catch (RuntimeException | Error e) {
            LOG.log(Level.ERROR, this + ": onClose failed", e);
        }
        try {
            serving.closed(connection, how);
        } finally {
            forget();
        }
    }

    @Override
    public final String toString() {
        return connection.toString();
    }
}
