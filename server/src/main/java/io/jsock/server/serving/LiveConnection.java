package io.jsock.server.serving;

import io.jsock.server.Connection;

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
     * When it was accepted.
     *
     * @return {@link System#nanoTime()} then
     */
    public long startNanos() {
        return startNanos;
    }

    @Override
    public String toString() {
        return "#" + id + " " + peer;
    }
}
