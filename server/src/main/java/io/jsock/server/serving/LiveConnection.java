package io.jsock.server.serving;

import io.jsock.server.Connection;

import io.jsock.socket.ErrnoException;
import io.jsock.socket.SockAddr;
import io.jsock.socket.Socket;
import java.io.IOException;

/** The server's record of one accepted connection: what a {@link Connection} tells, and when it began. */
public final class LiveConnection implements Connection {
    private final long id;
    private final Socket socket;
    private final SockAddr peer;
    private final long startNanos = System.nanoTime();
    private volatile SockAddr local; // asked of the kernel on first use: a wildcard listener's connections differ

    /**
     * The record of a connection just accepted.
     *
     * @param id     its number ({@code #id} in log lines)
     * @param socket the connected socket
     * @param peer   the client's address, or null when it is unknown (a child that found its client gone)
     */
    public LiveConnection(long id, Socket socket, SockAddr peer) {
        this.id = id;
        this.socket = socket;
        this.peer = peer;
    }

    @Override
    public long id() {
        return id;
    }

    @Override
    public Socket socket() {
        return socket;
    }

    @Override
    public SockAddr peer() {
        return peer;
    }

    @Override
    public SockAddr local() {
        SockAddr l = local;
        if (l == null) {
            try {
                l = local = socket.getsockname();
            } catch (IOException e) {
                return null; // closed already: nothing to name
            }
        }
        return l;
    }

    /**
     * When it was accepted.
     *
     * @return {@link System#nanoTime()} then
     */
    public long startNanos() {
        return startNanos;
    }

    /**
     * A failure of a call on this connection's descriptor number ({@code EventIo}'s, a ring's
     * completion), said of the peer instead: "recv 127.0.0.1:41986: ECONNRESET", not "recv fd 12".
     *
     * @param e the failure
     * @return {@code e}, or the same errno naming the peer when {@code e} named the descriptor
     */
    public IOException namingPeer(IOException e) {
        return e instanceof ErrnoException ee && ee.address() != null && ee.address().startsWith("fd ")
                ? new ErrnoException(ee.syscall(), ee.errnoNumber(), peer)
                : e;
    }

    @Override
    public String toString() {
        return "#" + id + " " + peer;
    }
}
