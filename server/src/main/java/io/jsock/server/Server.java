package io.jsock.server;

/**
 * A running server on one socket: a {@link TcpServer} (stream or seqpacket listener) or a datagram
 * server. What an operator's front end (the {@code serve} command) needs of each of several.
 *
 * <p>Thread-safe: any thread may read it or close it.
 */
public interface Server extends AutoCloseable {

    /** {@return where it listens, with the port the kernel chose when 0 was asked for; never null} */
    Endpoint endpoint();

    /** {@return connections (or, for datagrams, exchanges) being served now by this process} */
    int activeConnections();

    /**
     * Stops in order: no new connections, those in flight get the grace period, then returns when
     * every thread and process the server started is gone. Safe to call more than once.
     */
    @Override
    void close();

    /** Blocks until {@link #close()}, called by any thread, has finished. */
    void awaitClosed();
}
