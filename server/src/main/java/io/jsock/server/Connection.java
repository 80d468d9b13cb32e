package io.jsock.server;

import io.jsock.socket.ErrnoException;
import io.jsock.socket.SockAddr;
import io.jsock.socket.Socket;

/**
 * One accepted connection: the connected socket (UNP's connfd), both ends' addresses and the
 * server's number for it (in log lines: {@code #id}). The server owns the socket and closes it
 * when the handler returns.
 */
public final class Connection {
    private final long id;
    private final Socket socket;
    private final SockAddr peer;
    private final long startNanos = System.nanoTime();
    private volatile SockAddr local; // asked of the kernel on first use: a wildcard listener's connections differ

    Connection(long id, Socket socket, SockAddr peer) {
        this.id = id;
        this.socket = socket;
        this.peer = peer;
    }

    public long id() {
        return id;
    }

    public Socket socket() {
        return socket;
    }

    /** The client's address, as accept(2) gave it. */
    public SockAddr peer() {
        return peer;
    }

    /** The server's end: getsockname(2) of the connected socket. */
    public SockAddr local() {
        SockAddr l = local;
        if (l == null) {
            try {
                l = local = socket.getsockname();
            } catch (ErrnoException e) {
                return null; // closed already: nothing to name
            }
        }
        return l;
    }

    long startNanos() {
        return startNanos;
    }

    @Override
    public String toString() {
        return "#" + id + " " + peer;
    }
}
