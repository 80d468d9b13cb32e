package io.jsock.server;

import io.jsock.socket.SockAddr;
import io.jsock.socket.Socket;

/**
 * One accepted connection as a {@link Handler} sees it: the connected socket (UNP's connfd), both
 * ends' addresses and the server's number for it (in log lines: {@code #id}). The server owns the
 * socket and closes it when the handler returns.
 */
public interface Connection {
    /**
     * The server's number for this connection, unique within one server; {@code #id} in log lines.
     *
     * @return the number, from 1 in the order of accept
     */
    long id();

    /**
     * The connected socket: read and write it; the server closes it when the handler returns.
     *
     * @return the socket; never null
     */
    Socket socket();

    /**
     * The client's address, as accept(2) gave it.
     *
     * @return the address; never null in a server (a child process that finds its client gone
     *     before getpeername(2) gets null)
     */
    SockAddr peer();

    /**
     * The server's end: getsockname(2) of the connected socket, asked of the kernel on first use.
     *
     * @return the address; {@code null} once the socket is closed
     */
    SockAddr local();
}
