package io.jsock.server;

import java.io.IOException;

/**
 * What a server does with one connection: UNP's {@code doit(connfd)}. Called once per accepted
 * connection, on whatever thread (or process) the server's {@link Model} gives it. The server closes
 * the connection when this returns or throws; an exception costs only this connection and is logged.
 */
@FunctionalInterface
public interface Handler {
    /**
     * Serves one connection, blocking as long as it likes (on its own thread or process).
     *
     * @param c the connection; never null
     * @throws IOException when the connection fails (a reset, a closed socket): the server logs it
     *     in the connection's closed line and closes the socket
     */
    void serve(Connection c) throws IOException;
}
