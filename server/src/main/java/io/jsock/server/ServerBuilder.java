package io.jsock.server;

import io.jsock.server.serving.Bound;
import io.jsock.socket.SockAddr;
import io.jsock.socket.Socket;
import io.jsock.socket.SocketType;
import java.io.IOException;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.Set;
import java.util.function.Consumer;

/**
 * What every server's builder sets the same way: where it serves (an endpoint to bind, or a socket
 * inherited already bound), the mode of the Unix socket file it makes, the grace period of its stop,
 * and where its lines or events go. {@link TcpServer.Builder} and {@link DatagramServer.Builder} add
 * what their servers need beside.
 *
 * <p>Each setter returns the builder it was called on, typed as itself ({@code B}), so a chain that
 * starts at {@link TcpServer#builder()} keeps the TCP builder's own setters in reach:
 * {@code TcpServer.builder().bind("127.0.0.1:0").grace(Duration.ZERO).backlog(8)}.
 *
 * <p>Not thread-safe: one thread configures a builder and starts its server.
 *
 * @param <B> the builder's own type, which every setter returns
 */
public abstract sealed class ServerBuilder<B extends ServerBuilder<B>> permits TcpServer.Builder, DatagramServer.Builder {
    /** The grace period unless {@link #grace} says otherwise. */
    private static final Duration DEFAULT_GRACE = Duration.ofSeconds(5);

    // Set by the setters below; read by the subclass's start().
    /** Where to bind, unless {@link #inherited} is set. */
    Endpoint endpoint;
    /** A socket bound already (systemd, inetd), served instead of binding {@link #endpoint}; null: none. */
    Socket inherited;
    /** The permissions of a Unix socket file the server makes; null: what the umask leaves. */
    Set<PosixFilePermission> socketMode;
    /** How long the stop lets what is in flight finish. */
    Duration grace = DEFAULT_GRACE;
    /** Where the server's events go; null: nowhere (warnings to {@link System.Logger}). */
    Consumer<LogEvent> events;

    /** A builder serving {@code endpoint} unless {@link #bind} says otherwise; a bare address gets its type. */
    ServerBuilder(Endpoint endpoint) {
        this.endpoint = endpoint;
    }

    /** This builder, as its own type. */
    abstract B self();

    /**
     * Refuses an endpoint of a type this builder's server does not serve.
     *
     * @throws IllegalArgumentException saying which server serves it
     */
    abstract void refuse(Endpoint endpoint);

    /**
     * Where to serve. A Unix socket file left by a server that is gone (nothing serves it any more) is
     * removed first; at a clean stop the file is removed.
     *
     * @param endpoint a stream or seqpacket endpoint for a {@link TcpServer}, a datagram endpoint for a
     *     {@link DatagramServer}
     * @return this builder
     * @throws IllegalArgumentException for an endpoint of the other server's type, saying which server serves it
     * @throws NullPointerException if {@code endpoint} is null
     */
    public B bind(Endpoint endpoint) {
        refuse(endpoint);
        this.endpoint = endpoint;
        this.inherited = null;
        return self();
    }

    /**
     * Where to serve, as an address: a TCP (a {@link TcpServer}) or UDP (a {@link DatagramServer})
     * address, IPv4 or IPv6, or a Unix socket of the server's type.
     *
     * @param address the address; port 0: the kernel chooses one (the server's {@code localAddress()} tells it)
     * @return this builder
     * @throws NullPointerException if {@code address} is null
     */
    public B bind(SockAddr address) {
        return bind(new Endpoint(endpoint.type(), address));
    }

    /**
     * Where to serve, as text.
     *
     * @param endpoint in {@link Endpoint#parse}'s form: {@code 127.0.0.1:9877}, {@code [::]:9877}, {@code *:0},
     *     {@code /run/x.sock}, {@code seqpacket:@name} for a {@link TcpServer}; {@code udp:127.0.0.1:7},
     *     {@code udp:[::1]:0}, {@code dgram:/run/x.sock}, {@code dgram:@name} for a {@link DatagramServer}
     * @return this builder
     * @throws IllegalArgumentException if the text is not an endpoint, or names one of the other server's type
     * @throws NullPointerException if {@code endpoint} is null
     */
    public B bind(String endpoint) {
        return bind(Endpoint.parse(endpoint));
    }

    /** Serves {@code socket}, already bound and of a type the subclass checked, instead of binding an endpoint. */
    B inherit(Socket socket) {
        this.inherited = socket;
        return self();
    }

    /**
     * The socket to serve: the inherited one (with no file of this server's), or a new one bound to the
     * endpoint, its Unix socket file (if any) made with {@link #socketMode}. Undo with {@link Bound#abandon()}.
     *
     * @param reusePort SO_REUSEPORT before bind (not for an inherited socket: it is bound already)
     */
    Bound bindOrInherit(boolean reusePort) throws IOException {
        return inherited != null ? new Bound(inherited, null, 0) : Bound.open(endpoint, reusePort, socketMode);
    }

    /**
     * The permissions of the Unix socket file the server makes (a client needs write permission on it
     * to connect, or to send to it), like systemd's {@code SocketMode=}. Without it, the file gets what
     * the umask leaves.
     *
     * @param mode the permissions, e.g. {@code PosixFilePermissions.fromString("rw-rw----")}; null: the umask's
     * @return this builder
     */
    public B socketMode(Set<PosixFilePermission> mode) {
        this.socketMode = mode == null ? null : Set.copyOf(mode);
        return self();
    }

    /**
     * How long the server's {@code close()} lets what is in flight (connections; replies, or a running
     * program, for a datagram server) finish before ending it (default 5 s).
     *
     * @param grace the grace period; zero: at once
     * @return this builder
     * @throws IllegalArgumentException if {@code grace} is negative
     * @throws NullPointerException if {@code grace} is null
     */
    public B grace(Duration grace) {
        if (grace.isNegative()) throw new IllegalArgumentException("grace must be >= 0: " + grace);
        this.grace = grace;
        return self();
    }

    /**
     * Where the server's lines go (default: nowhere; warnings then go to {@link System.Logger}
     * {@code io.jsock.server}): a {@link TcpServer}'s, one per connection opened and closed; a
     * {@link DatagramServer}'s, one per datagram answered, per program run, and per source not answered
     * (once per ten seconds); and the server's warnings. Called from the server's threads, several at
     * once: it must be thread-safe. The last of this and {@link #events} called wins.
     *
     * @param log the consumer of lines, or null for none
     * @return this builder
     */
    public B log(Consumer<String> log) {
        this.events = log == null ? null : e -> log.accept(e.text());
        return self();
    }

    /**
     * Where the same lines as {@link #log}'s go, as {@link LogEvent}s (info, or warning): a connection's
     * with the bytes the application received and sent, a datagram's with its source as the peer.
     * Called from the server's threads, several at once: it must be thread-safe. The last of this and
     * {@link #log} called wins.
     *
     * @param events the consumer of events, or null for none
     * @return this builder
     */
    public B events(Consumer<LogEvent> events) {
        this.events = events;
        return self();
    }
}
