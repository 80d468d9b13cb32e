package io.jsock.server.event;

import io.jsock.server.Connection;
import java.nio.ByteBuffer;

/**
 * One connection as its {@link EventHandler} sees it: where output goes ({@link #write}, never
 * blocking), and how the handler ends it ({@link #close}, {@link #shutdownOutput}). Belongs to one
 * event loop: call it only from that loop's callbacks (its own handler's, or another connection's on
 * the same loop, as a relay does: the call then takes effect at once).
 */
public interface EventConnection {
    /** While more than this many bytes are queued, the loop stops reading from the connection. */
    int HIGH_WATER = 256 * 1024;

    /**
     * The accepted connection: its id, peer and local address (its socket belongs to the loop: read,
     * write and close it only through this interface).
     *
     * @return the connection; never null
     */
    Connection connection();

    /**
     * Sends all of {@code src} (from its position to its limit, which it advances): what the kernel
     * takes now goes at once, the rest is queued and sent when the socket can take it. Never blocks.
     * After {@link #close}, {@link #shutdownOutput}, or once the connection has failed, the bytes are
     * dropped. A failure to send (the peer reset) is not thrown: it ends the connection after the
     * current callback, and {@link EventHandler#onClose} follows.
     *
     * @param src the bytes; not null. Read at once: it may be reused when this returns
     * @throws NullPointerException if {@code src} is null
     */
    void write(ByteBuffer src);

    /**
     * Bytes written and not yet taken by the kernel.
     *
     * @return the bytes queued; 0 when everything written has been sent
     */
    int queuedBytes();

    /**
     * Asks for {@link EventHandler#onWritable} each time the queue is empty and the socket can take
     * more, or stops asking.
     *
     * @param on true to be called, false to stop
     */
    void wantWritable(boolean on);

    /**
     * Closes the connection once the queued output is sent (unread input is thrown away first, so the
     * peer gets FIN, not RST). Safe to call more than once.
     */
    void close();

    /** Sends FIN once the queued output is sent (shutdown(SHUT_WR)); input still arrives. */
    void shutdownOutput();

    /**
     * Whether the connection is closed: the socket is gone and nothing more can be written.
     *
     * @return true from just before {@link EventHandler#onClose} on
     */
    boolean isClosed();
}
