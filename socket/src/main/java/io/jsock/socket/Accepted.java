package io.jsock.socket;

/**
 * What {@link Socket#accept()} returns: the connected socket (UNP's connfd) and the client's address.
 *
 * @param socket the connected socket, {@code null} only in {@link #UNAVAILABLE}
 * @param peer the client's address as accept(2) reported it, {@code null} only in {@link #UNAVAILABLE}
 */
public record Accepted(Socket socket, SockAddr peer) {
    /**
     * What {@link Socket#tryAccept()} returns when no connection is queued (EAGAIN); compare with
     * {@code ==}. Its socket and peer are {@code null}.
     */
    public static final Accepted UNAVAILABLE = new Accepted(null, null);
}
