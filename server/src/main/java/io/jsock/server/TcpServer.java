package io.jsock.server;

import io.jsock.server.epoll.EventLoops;
import io.jsock.server.event.EventHandler;
import io.jsock.server.serving.Warmup;

import io.jsock.server.serving.Bound;
import io.jsock.server.serving.CloseOnce;
import io.jsock.server.serving.Design;
import io.jsock.server.serving.Limits;
import io.jsock.server.serving.ServerConfig;
import io.jsock.server.proxy.ProxyProtocol;
import io.jsock.server.proxy.ProxySources;
import io.jsock.server.serving.Serving;

import io.jsock.socket.SockAddr;
import io.jsock.socket.SockOpt;
import io.jsock.socket.Socket;
import io.jsock.socket.SocketType;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * A concurrent TCP server: one listening socket, one {@link Model} for serving what it accepts, one
 * {@link Handler} (UNP's {@code doit}) or command per connection.
 *
 * <p>Thread-safe: any thread may read it or close it.
 *
 * <pre>{@code
 * try (TcpServer s = TcpServer.builder().bind("127.0.0.1:0").model(Model.VIRTUAL).handler(Service.ECHO).start()) {
 *     SockAddr where = s.localAddress();
 * }
 * }</pre>
 */
public final class TcpServer implements Server {

    private final ServerConfig config;
    private final Socket listener;
    private final SockAddr localAddress;
    private final Design design;
    private final Serving serving;
    private final Bound bound; // an inherited listener's has no file: its file (if any) is its owner's
    private final CloseOnce closing = new CloseOnce();
    private volatile boolean handedOver; // another process serves the listener now: its socket file stays

    private TcpServer(ServerConfig config, Socket listener, SockAddr localAddress, Design design, Serving serving, Bound bound) {
        this.config = config;
        this.bound = bound;
        this.listener = listener;
        this.localAddress = localAddress;
        this.design = design;
        this.serving = serving;
    }

    /**
     * A builder with the defaults: 127.0.0.1:9877, backlog 128, {@link Model#VIRTUAL}, 5 s of grace.
     *
     * @return a new builder; never null
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The address the server listens on, with the port the kernel chose when 0 was asked for.
     *
     * @return the address getsockname(2) gave after listen; never null, also after {@link #close()}
     */
    public SockAddr localAddress() {
        return localAddress;
    }

    /**
     * Where it listens: a stream (TCP or Unix) or seqpacket endpoint.
     *
     * @return the endpoint, with the port the kernel chose; never null
     */
    @Override
    public Endpoint endpoint() {
        return new Endpoint(listener.type(), localAddress);
    }

    /**
     * The concurrency model the server runs.
     *
     * @return the model; never null
     */
    public Model model() {
        return config.model();
    }

    /**
     * The backlog given to listen(2).
     *
     * @return the backlog, as asked for (the kernel caps it at net.core.somaxconn)
     */
    public int backlog() {
        return config.backlog();
    }

    /**
     * How long {@link #close()} lets connections in flight finish.
     *
     * @return the grace period; never null
     */
    public Duration grace() {
        return config.grace();
    }

    /**
     * The listening socket, to hand to another process (a takeover: SCM_RIGHTS, see
     * {@link Socket#sendmsg}); this server still owns and closes it.
     *
     * @return the listener; never null
     */
    public Socket listeningSocket() {
        return listener;
    }

    /** The listening socket (tests read its queue with TCP_INFO). */
    Socket listener() {
        return listener;
    }

    /**
     * Connections being served now, by this process: a prefork server's workers count their own, so
     * its count here stays 0.
     *
     * @return the number of connections open and not yet closed
     */
    @Override
    public int activeConnections() {
        return serving.liveCount();
    }

    /**
     * Stops in order: closes the listener (no new connections; clients now get RST), lets connections
     * in flight finish within the grace period, then closes them, and returns when every thread and
     * process the server started is gone. Safe to call more than once and from several threads: a
     * second call waits for the first to finish. An interrupt ends the waiting early and is kept in
     * the thread's interrupt status.
     */
    @Override
    public void close() {
        closing.close(() -> {
            serving.markStopping();
            listener.close();
            design.stop(System.nanoTime() + config.grace().toNanos());
            if (!handedOver) bound.removeFile(); // a clean stop leaves no socket file behind
        });
    }

    /**
     * Marks the listener as handed over (a takeover: another process holds a descriptor of it and
     * accepts on it now). {@link #close()} then closes only this process's descriptor, which leaves
     * the listening socket and its accept queue to the other process, and leaves its socket file.
     */
    public void handOver() {
        handedOver = true;
    }

    /**
     * Blocks until {@link #close()}, called by any thread, has finished; an interrupt does not end
     * the wait but is kept in the thread's interrupt status.
     */
    @Override
    public void awaitClosed() {
        closing.await();
    }

    /** Builds and starts a server. Not thread-safe: one thread configures it and calls {@link #start()}. */
    public static final class Builder extends ServerBuilder<Builder> {
        private int backlog = 128;
        private Model model = Model.VIRTUAL;
        private Handler handler;
        private List<String> command;
        private int maxConnections;
        private EventHandler.Factory eventHandler;
        private Admission admission;
        private Duration idleTimeout;
        private Duration deadline;
        private io.jsock.socket.process.Credentials runAs;
        private ProxyProtocol proxy;
        private boolean reusePort;

        private Builder() {
            super(Endpoint.stream(SockAddr.loopback4(9877))); // UNP's SERV_PORT, on loopback only
        }

        @Override
        Builder self() {
            return this;
        }

        @Override
        void refuse(Endpoint endpoint) {
            if (endpoint.type() == SocketType.DGRAM) {
                throw new IllegalArgumentException(endpoint + " is a datagram endpoint: a DatagramServer serves it, not a TcpServer");
            }
        }

        /**
         * SO_REUSEPORT before bind: several independent processes (or servers) listen on the same
         * address and port, and the kernel spreads new connections over their listeners. Each
         * listener has its own accept queue: connections queued on one that closes are reset (this
         * kernel does not migrate them: {@code net.ipv4.tcp_migrate_req} is 0).
         *
         * @param on whether to set it (default off)
         * @return this builder
         */
        public Builder reusePort(boolean on) {
            this.reusePort = on;
            return this;
        }

        /**
         * Serves a socket that is already bound, such as one inherited from systemd (LISTEN_FDS) or
         * inetd's {@code wait} style: listen(2) is called on it unless it listens already. The server
         * closes it at the end but never shuts it down (other processes may hold it) and never removes
         * its file.
         *
         * @param listener a bound stream or seqpacket socket; the server owns it from {@link #start()} on
         * @return this builder
         * @throws IllegalArgumentException if it is not a stream or seqpacket socket
         * @throws NullPointerException if {@code listener} is null
         */
        public Builder listener(Socket listener) {
            if (listener.type() != SocketType.STREAM && listener.type() != SocketType.SEQPACKET) {
                throw new IllegalArgumentException("a TcpServer serves a stream or seqpacket socket, not " + listener.type() + " (" + listener + ")");
            }
            return inherit(listener);
        }

        /**
         * listen(2)'s backlog (default 128).
         *
         * @param backlog the length of the kernel's completed queue (0 or more)
         * @return this builder
         * @throws IllegalArgumentException if {@code backlog} is negative
         */
        public Builder backlog(int backlog) {
            if (backlog < 0) throw new IllegalArgumentException("backlog must be >= 0: " + backlog);
            this.backlog = backlog;
            return this;
        }

        /**
         * The concurrency model (default {@link Model#VIRTUAL}).
         *
         * @param model the model
         * @return this builder
         * @throws NullPointerException if {@code model} is null
         */
        public Builder model(Model model) {
            this.model = Objects.requireNonNull(model);
            return this;
        }

        /**
         * What to do with each connection. The process and prefork models build it again in each
         * child JVM: there it must be a {@link Service}, an enum constant or a class with a no-arg
         * constructor ({@link #start()} says so otherwise).
         *
         * @param handler the handler
         * @return this builder
         * @throws NullPointerException if {@code handler} is null
         */
        public Builder handler(Handler handler) {
            this.handler = Objects.requireNonNull(handler);
            return this;
        }

        /**
         * A program to run per connection, inetd/tcpserver style, with the socket as its stdin and
         * stdout (argv, never a shell string). Needs a model that {@link Model#runsCommands() runs commands}.
         *
         * @param argv the program and its arguments; the program is looked up on PATH when it has no slash
         * @return this builder
         * @throws IllegalArgumentException if {@code argv} is empty
         * @throws NullPointerException if {@code argv} or one of its elements is null
         */
        public Builder command(List<String> argv) {
            if (argv.isEmpty()) throw new IllegalArgumentException("the command is empty");
            this.command = List.copyOf(argv);
            return this;
        }

        /**
         * The non-blocking handler for the {@code epoll} model, one per connection from {@code factory}.
         * Without it, an epoll server runs the event twin of a built-in {@link Service} given to
         * {@link #handler}; any other blocking handler needs another model.
         *
         * @param factory makes the handler of each connection, on its event loop's thread
         * @return this builder
         * @throws NullPointerException if {@code factory} is null
         */
        public Builder eventHandler(EventHandler.Factory factory) {
            this.eventHandler = Objects.requireNonNull(factory);
            return this;
        }

        /**
         * At most this many connections served at once; the rest wait in the kernel's completed queue
         * until one ends. Prefork shares the cap out among its workers.
         *
         * @param n the cap; 0 (the default): no limit
         * @return this builder
         * @throws IllegalArgumentException if {@code n} is negative
         */
        public Builder maxConnections(int n) {
            if (n < 0) throw new IllegalArgumentException("max connections must be >= 0: " + n);
            this.maxConnections = n;
            return this;
        }

        /**
         * Who is admitted: allow/deny rules and per-source limits, checked once per accepted
         * connection before any byte is read; a refused connection is reset at once and logged.
         * Give the same {@link Admission} to several servers to share its counts.
         *
         * @param admission the rules and limits, or null for none (the default: everyone admitted)
         * @return this builder
         */
        public Builder admission(Admission admission) {
            this.admission = admission;
            return this;
        }

        /**
         * Closes a connection when no byte went either way for {@code idle} (the slowloris case);
         * measured by the kernel (TCP_INFO), so it holds in every model, a child's connection
         * included. Unix sockets have no such record: only the deadline applies to them. Off by default.
         *
         * @param idle a positive duration, or null for none
         * @return this builder
         * @throws IllegalArgumentException if {@code idle} is zero or negative
         */
        public Builder idleTimeout(Duration idle) {
            this.idleTimeout = positive("idle timeout", idle);
            return this;
        }

        /**
         * Closes a connection that has lived for {@code deadline}, busy or not. Off by default.
         *
         * @param deadline a positive duration, or null for none
         * @return this builder
         * @throws IllegalArgumentException if {@code deadline} is zero or negative
         */
        public Builder deadline(Duration deadline) {
            this.deadline = positive("deadline", deadline);
            return this;
        }

        private static Duration positive(String what, Duration d) {
            if (d != null && (d.isZero() || d.isNegative())) {
                throw new IllegalArgumentException(what + " needs a positive duration (e.g. 30s), not " + d);
            }
            return d;
        }

        /**
         * The user the server runs as once bound: it accepts nothing before {@link
         * io.jsock.socket.process.Credentials#apply()} has run in this process (call it once every
         * server is started, so that every listener was bound with the privileges it needed); a
         * prefork worker drops to it itself before it accepts; a Unix socket file made here is given
         * to that user.
         *
         * @param user the credentials to drop to, or null for none
         * @return this builder
         */
        public Builder runAs(io.jsock.socket.process.Credentials user) {
            this.runAs = user;
            return this;
        }

        /**
         * The PROXY protocol (v1 and v2, HAProxy's proxy-protocol.txt) on this listener: every
         * connection must start with a header, sent by a trusted source within the deadline; the
         * header's addresses become the connection's peer and local address (in logs, in
         * {@link Connection#peer()}, in a command's TCPREMOTEIP with PROXY=1). A LOCAL header (a
         * health check) keeps the real endpoints. A connection from an untrusted source, or with a
         * bad or late header, is closed; it costs only itself. Never auto-detected: without this,
         * a header is the connection's data. With prefork each worker reads the header (and counts
         * its limits by the header's source).
         *
         * @param from     the trusted sources as prefixes ({@code 127.0.0.1/32}, {@code 10.0.0.0/8},
         *     {@code ::1/128}); empty: any source. Unix socket peers are always trusted
         * @param deadline how long the header may take to arrive (3 s is usual)
         * @return this builder
         * @throws IllegalArgumentException if a prefix is not one, saying what is accepted
         */
        public Builder proxyProtocol(List<String> from, Duration deadline) {
            this.proxy = new ProxyProtocol(ProxySources.parse(from), deadline);
            return this;
        }

        /**
         * socket, SO_REUSEADDR, bind, listen, then the model's threads or processes. On failure nothing
         * is left open.
         *
         * @return the running server, listening; never null
         * @throws IOException the failing call's exception, naming its errno, if a call fails (bind:
         *     EADDRINUSE, EACCES, ...), the command's program is not found (ENOENT) or not executable
         *     (EACCES), or a worker process cannot be spawned
         * @throws IllegalStateException if neither a handler, a command nor an event handler was given
         * @throws IllegalArgumentException if the model cannot run what was given: an event handler
         *     without epoll, a command without process or prefork, a blocking handler of one's own with
         *     epoll, a handler a child JVM cannot build
         */
        public TcpServer start() throws IOException {
            if (handler == null && command == null && eventHandler == null) {
                throw new IllegalStateException("a server needs a handler or a command");
            }
            if (eventHandler != null && !model.runsEventHandlers()) {
                throw new IllegalArgumentException("an event handler runs only with the " + modelsThat(Model::runsEventHandlers)
                        + " model, not " + model);
            }
            if (command != null && !model.runsCommands()) {
                throw new IllegalArgumentException("a command runs per connection only with the " + modelsThat(Model::runsCommands)
                        + " model, not " + model);
            }
            SockAddr address = inherited != null ? inherited.getsockname() : endpoint.address();
            // epoll:N may give each loop a listener of its own on this port: all must ask before bind. Not
            // for an inherited listener: the one socket systemd or inetd made is the one that is served.
            boolean perLoop = inherited == null && model.listenerPerLoop(address.family(), maxConnections);
            ServerConfig config = new ServerConfig(address, backlog, model, handler, command, maxConnections, grace, events,
                    eventHandler, perLoop, new Limits(admission, idleTimeout, deadline, runAs), proxy);
            Warmup.once();
            if (perLoop) EventLoops.refuseSharedPort(address);
            Bound bound = bindOrInherit(perLoop || reusePort);
            Socket listener = bound.socket();
            boolean success = false;
            try {
                if (runAs != null && bound.file() != null) {
                    runAs.chown(bound.file()); // made as root, removed at the stop as the user: theirs
                }
                // An inherited socket may come listening (systemd's Accept=no) or only bound: listen on it then.
                if (inherited == null || !inherited.getOption(SockOpt.SO_ACCEPTCONN)) listener.listen(backlog);
                SockAddr local = listener.getsockname();
                Serving serving = new Serving(config, listener);
                Design design = Designs.of(model);
                design.start(serving);
                success = true;
                return new TcpServer(config, listener, local, design, serving, bound);
            } finally {
                if (!success) bound.abandon();
            }
        }

        /** The names of the models that can, for messages: {@code process or prefork}. */
        private static String modelsThat(Predicate<Model> can) {
            List<String> names = Model.all().stream().filter(can).map(Model::cliName).toList();
            return names.size() == 1 ? names.get(0)
                    : String.join(", ", names.subList(0, names.size() - 1)) + " or " + names.getLast();
        }
    }
}
