/**
 * The concurrent TCP server of UNP chapter 4 and its successors: one {@link io.jsock.server.TcpServer},
 * every classic concurrency design behind one {@link io.jsock.server.Model}, a {@link
 * io.jsock.server.Handler} per connection (UNP's {@code doit}) or a non-blocking {@link
 * io.jsock.server.event.EventHandler}, and the built-in services (echo, discard, daytime, chargen,
 * time), over TCP and, with {@link io.jsock.server.DatagramServer}, over UDP and Unix datagrams.
 *
 * <p>Only the API is exported; each model's machinery sits in a package of its own that touches
 * only the accept loop and the server's configuration ({@code io.jsock.server.serving}).
 */
module io.jsock.server {
    requires transitive io.jsock.socket;

    exports io.jsock.server;
    exports io.jsock.server.event;
    exports io.jsock.server.proxy to io.jsock.cli; // jsock connect --proxy writes a header
}
