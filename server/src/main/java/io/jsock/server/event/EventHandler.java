package io.jsock.server.event;

import io.jsock.server.Connection;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * What an {@code epoll} server does with one connection: the non-blocking twin of {@link io.jsock.server.Handler},
 * as callbacks from the event loop that owns the connection. A {@link Factory} makes one per
 * connection (or hands out one shared instance when the handler keeps no state of its own).
 *
 * <p>The contract:
 * <ul>
 * <li>Every callback for a connection runs on its loop's thread ({@code jsock-epoll-<i>}), one at a
 *     time. A callback must not block: no blocking socket call, no sleep, no long lock. While it runs,
 *     every other connection on that loop waits.
 * <li>{@link #onOpen} comes once, first; {@link #onClose} once, last, whatever ended the connection
 *     (the handler, the peer, an error, the server's shutdown).
 * <li>{@link #onReadable} gets the bytes that just arrived between {@code in}'s position and limit.
 *     {@code in} is the loop's own buffer and is valid only during the call: keep nothing of it
 *     ({@link EventConnection#write} copies what the kernel does not take at once).
 * <li>Output goes through {@link EventConnection#write}, which never blocks: what the socket cannot
 *     take now is queued and sent when it can (the loop watches EPOLLOUT only while output is queued).
 *     While more than {@link EventConnection#HIGH_WATER} bytes are queued the loop stops reading from
 *     this connection, so a client that writes without reading cannot grow the queue without bound.
 * <li>{@link #onWritable} comes only after {@link EventConnection#wantWritable(boolean)}: each time the
 *     queue is empty and the socket can take more. It is how a producer (chargen) writes at the pace
 *     of its reader.
 * <li>The socket belongs to the loop: read, write and close it only through {@link EventConnection}.
 * <li>An exception from a callback closes this connection only (an {@link IOException} quietly, any
 *     other one logged with its stack trace).
 * </ul>
 */
public interface EventHandler {
    /**
     * The connection was accepted. Default: nothing (wait for input).
     *
     * @param c the connection; never null
     * @throws IOException to end the connection (quietly, its message in the closed line)
     */
    default void onOpen(EventConnection c) throws IOException {}

    /**
     * Bytes arrived.
     *
     * @param c  the connection; never null
     * @param in the bytes, between its position and limit (at least one); the loop's own buffer,
     *           valid during this call only
     * @throws IOException to end the connection (quietly, its message in the closed line)
     */
    void onReadable(EventConnection c, ByteBuffer in) throws IOException;

    /**
     * The peer sent FIN: nothing more will come. Default: close once the queued output is sent.
     *
     * @param c the connection; never null
     * @throws IOException to end the connection (quietly, its message in the closed line)
     */
    default void onEndOfInput(EventConnection c) throws IOException {
        c.close();
    }

    /**
     * The queue is empty and the socket can take more (only while {@link EventConnection#wantWritable} is on).
     *
     * @param c the connection; never null
     * @throws IOException to end the connection (quietly, its message in the closed line)
     */
    default void onWritable(EventConnection c) throws IOException {}

    /**
     * The connection is closed (the socket is gone); nothing can be written any more. An exception
     * from here is logged and changes nothing.
     *
     * @param c the connection; never null
     */
    default void onClose(EventConnection c) {}

    /** Makes the handler for one accepted connection; called on the loop's thread. */
    @FunctionalInterface
    interface Factory {
        /**
         * Makes (or hands out a shared) handler for one connection, before {@link #onOpen}.
         *
         * @param c the accepted connection; never null
         * @return the handler; not null (a null, or an exception, ends the connection as a failed handler)
         */
        EventHandler create(Connection c);
    }
}
