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
    private final java.util.concurrent.atomic.AtomicReference<String> endedBy = new java.util.concurrent.atomic.AtomicReference<>();
    // Counted by a design that moves bytes on the descriptor number rather than through the Socket (epoll),
    // on the connection's one loop thread; read by the same thread at the end.
    private long bytesReceived, bytesSent;
    // Set by the process design before the child starts: the child's I/O is counted by the kernel only.
    private volatile boolean heldByChild;
    private final SockAddr realPeer; // the proxy's address when a PROXY header named the peer; else null

    /**
     * The record of a connection just accepted.
     *
     * @param id     its number ({@code #id} in log lines)
     * @param socket the connected socket
     * @param peer   the client's address, or null when it is unknown (a child that found its client gone)
     */
    public LiveConnection(long id, Socket socket, SockAddr peer) {
        this(id, socket, peer, null, null);
    }

    /**
     * The record of a connection whose PROXY header named its endpoints.
     *
     * @param id       its number
     * @param socket   the connected socket
     * @param peer     the client's address as the header says
     * @param local    the address the client connected to, as the header says (null: ask the kernel)
     * @param realPeer the proxy's address (the socket's real peer), or null when no header named the peer
     */
    public LiveConnection(long id, Socket socket, SockAddr peer, SockAddr local, SockAddr realPeer) {
        this.id = id;
        this.socket = socket;
        this.peer = peer;
        this.local = local;
        this.realPeer = realPeer;
    }

    /**
     * The proxy that sent the PROXY header naming this connection's peer.
     *
     * @return the socket's real peer, or null when the peer is the socket's own (no header, or LOCAL)
     */
    public SockAddr proxiedBy() {
        return realPeer;
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
     * Marks the connection as ended by a limit (its idle timeout, its deadline).
     *
     * @param why for the closed line: {@code idle timeout 30s}
     * @return true the first time; false when a limit ended it already
     */
    public boolean endBy(String why) {
        return endedBy.compareAndSet(null, why);
    }

    /**
     * The limit that ended it.
     *
     * @return what {@link #endBy} was given, or null
     */
    public String endedBy() {
        return endedBy.get();
    }

    /**
     * Counts bytes received on the descriptor without the {@link Socket}'s calls (an event loop's recv).
     *
     * @param n how many the application was handed
     */
    public void received(long n) {
        bytesReceived += n;
    }

    /**
     * Counts bytes sent on the descriptor without the {@link Socket}'s calls (an event loop's send).
     *
     * @param n how many the kernel took
     */
    public void sent(long n) {
        bytesSent += n;
    }

    /** {@return the bytes counted by {@link #received}} */
    public long bytesReceived() {
        return bytesReceived;
    }

    /** {@return the bytes counted by {@link #sent}} */
    public long bytesSent() {
        return bytesSent;
    }

    /** Marks the connection as served by a child process: its bytes are known from the kernel's counts only. */
    public void heldByChild() {
        heldByChild = true;
    }

    /** {@return whether a child process serves the connection} */
    public boolean isHeldByChild() {
        return heldByChild;
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
