package io.jsock.server;

import java.io.IOException;

/**
 * What a server does with one connection: UNP's {@code doit(connfd)}. Called once per accepted
 * connection, on whatever thread (or process) the server's {@link Model} gives it. The server closes
 * the connection when this returns or throws; an exception costs only this connection and is logged.
 */
@FunctionalInterface
public interface Handler {
    void serve(Connection c) throws IOException;
}
