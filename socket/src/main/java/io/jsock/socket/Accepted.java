package io.jsock.socket;

/** What {@link Socket#accept()} returns: the connected socket (UNP's connfd) and the client's address. */
public record Accepted(Socket socket, SockAddr peer) {}
