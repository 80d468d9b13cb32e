package io.jsock.server;

import io.jsock.server.epoll.EventLoops;
import io.jsock.server.event.EventHandler;
import io.jsock.server.serving.Warmup;

import io.jsock.server.serving.Design;
import io.jsock.server.serving.ServerConfig;
import io.jsock.server.serving.Serving;

import io.jsock.socket.Family;
import io.jsock.socket.Protocol;
import io.jsock.socket.SockAddr;
import io.jsock.socket.SockOpt;
import io.jsock.socket.Socket;
import io.jsock.socket.SocketType;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * A concurrent TCP server: one listening socket, one {@link Model} for serving what it accepts, one
 * {@link Handler} (UNP's {@code doit}) or command per connection.
 *
 * <pre>{@code
 * try (TcpServer s = TcpServer.builder().bind("127.0.0.1:0").model(Model.VIRTUAL).handler(Service.ECHO).start()) {
 *     SockAddr where = s.localAddress();
 * }
 * }</pre>
 */
public final class TcpServer implements AutoCloseable {

    private final ServerConfig config;
    private final Socket listener;
    private final SockAddr localAddress;
    private final Design design;
    private final Serving serving;
    private final AtomicBoolean closing = new AtomicBoolean();
    private final CountDownLatch closed = new CountDownLatch(1);

    private TcpServer(ServerConfig config, Socket listener, SockAddr localAddress, Design design, Serving serving) {
        this.config = config;
        this.listener = listener;
        this.localAddress = localAddress;
        this.design = design;
        this.serving = serving;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The address the server listens on, with the port the kernel chose when 0 was asked for. */
    public SockAddr localAddress() {
        return localAddress;
    }

    public Model model() {
        return config.model();
    }

    public int backlog() {
        return config.backlog();
    }

    /** How long {@link #close()} lets connections in flight finish. */
    public Duration grace() {
        return config.grace();
    }

    /** The listening socket (tests read its queue with TCP_INFO). */
    Socket listener() {
        return listener;
    }

    /** Connections being served now. */
    public int activeConnections() {
        return serving.liveCount();
    }

    /**
     * Stops in order: closes the listener (no new connections; clients now get RST), lets connections
     * in flight finish within the grace period, then closes them, and returns when every thread and
     * process the server started is gone. Safe to call more than once and from several threads.
     */
    @Override
    public void close() {
        if (!closing.compareAndSet(false, true)) {
            awaitClosed();
            return;
        }
        try {
            serving.markStopping();
            listener.close();
            design.stop(System.nanoTime() + config.grace().toNanos());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            closed.countDown();
        }
    }

    /** Blocks until {@link #close()} has finished. */
    public void awaitClosed() {
        boolean interrupted = false;
        while (true) {
            try {
                closed.await();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) Thread.currentThread().interrupt();
    }

    /** Builds and starts a server. */
    public static final class Builder {
        private SockAddr bind = SockAddr.loopback4(9877); // UNP's SERV_PORT, on loopback only
        private int backlog = 128;
        private Model model = Model.VIRTUAL;
        private Handler handler;
        private List<String> command;
        private int maxConnections;
        private Duration grace = Duration.ofSeconds(5);
        private Consumer<String> log;
        private EventHandler.Factory eventHandler;

        private Builder() {}

        /** The address to listen on (default 127.0.0.1:9877). Port 0: the kernel chooses. */
        public Builder bind(SockAddr address) {
            this.bind = Objects.requireNonNull(address);
            return this;
        }

        /** {@link SockAddr#parse} form: {@code 127.0.0.1:9877}, {@code [::]:9877}, {@code *:0}. */
        public Builder bind(String address) {
            return bind(SockAddr.parse(address));
        }

        /** listen(2)'s backlog (default 128). */
        public Builder backlog(int backlog) {
            if (backlog < 0) throw new IllegalArgumentException("backlog must be >= 0: " + backlog);
            this.backlog = backlog;
            return this;
        }

        /** The concurrency design (default {@link Model#VIRTUAL}). */
        public Builder model(Model model) {
            this.model = Objects.requireNonNull(model);
            return this;
        }

        /** What to do with each connection. */
        public Builder handler(Handler handler) {
            this.handler = Objects.requireNonNull(handler);
            return this;
        }

        /**
         * A program to run per connection, inetd/tcpserver style, with the socket as its stdin and
         * stdout (argv, never a shell string). Needs the {@code process} or {@code prefork} model.
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
         */
        public Builder eventHandler(EventHandler.Factory factory) {
            this.eventHandler = Objects.requireNonNull(factory);
            return this;
        }

        /** At most this many connections served at once (0: no limit); the rest wait in the kernel's queue. */
        public Builder maxConnections(int n) {
            if (n < 0) throw new IllegalArgumentException("max connections must be >= 0: " + n);
            this.maxConnections = n;
            return this;
        }

        /** How long {@link #close()} lets connections in flight finish before closing them (default 5 s). */
        public Builder grace(Duration grace) {
            if (grace.isNegative()) throw new IllegalArgumentException("grace must be >= 0: " + grace);
            this.grace = grace;
            return this;
        }

        /** Where one line per connection opened and closed goes (default: nowhere). */
        public Builder log(Consumer<String> log) {
            this.log = log;
            return this;
        }

        /**
         * socket, SO_REUSEADDR, bind, listen, then the model's threads or processes. Throws the
         * failing call's exception (a {@link java.net.BindException} for EADDRINUSE or EACCES, ...; each a
         * {@link io.jsock.socket.SyscallFailure} with the errno) and leaves nothing open.
         */
        public TcpServer start() throws IOException {
            if (handler == null && command == null && eventHandler == null) {
                throw new IllegalStateException("a server needs a handler or a command");
            }
            if (eventHandler != null && model.kind() != Model.Kind.EPOLL) {
                throw new IllegalArgumentException("an event handler runs only with the epoll model, not " + model);
            }
            boolean spawns = model.kind() == Model.Kind.PROCESS || model.kind() == Model.Kind.PREFORK;
            if (command != null && !spawns) {
                throw new IllegalArgumentException("a command runs per connection only with the process or prefork model, not " + model);
            }
            ServerConfig config = new ServerConfig(bind, backlog, model, handler, command, maxConnections, grace, log, eventHandler);
            Warmup.once();
            Family family = bind.family();
            Socket listener = Socket.open(family, SocketType.STREAM, Protocol.DEFAULT);
            boolean success = false;
            try {
                if (family != Family.LOCAL) listener.setOption(SockOpt.SO_REUSEADDR, true);
                // epoll:N may give each loop a listener of its own on this port: all must ask before bind.
                if (EventLoops.reusePort(model, family, maxConnections)) {
                    EventLoops.refuseSharedPort(bind);
                    listener.setOption(SockOpt.SO_REUSEPORT, true);
                }
                listener.bind(bind);
                listener.listen(backlog);
                SockAddr local = listener.getsockname();
                Serving serving = new Serving(config, listener);
                Design design = Designs.of(model);
                design.start(serving);
                success = true;
                return new TcpServer(config, listener, local, design, serving);
            } finally {
                if (!success) listener.close();
            }
        }
    }
}
