package io.jsock.server;

import io.jsock.server.datagram.Counters;
import io.jsock.server.datagram.DatagramConfig;
import io.jsock.server.datagram.DatagramDesign;
import io.jsock.server.datagram.Exchanges;
import io.jsock.server.datagram.InetdWait;
import io.jsock.server.serving.Bound;
import io.jsock.server.serving.CloseOnce;
import io.jsock.server.serving.Warmup;
import io.jsock.socket.SockAddr;
import io.jsock.socket.Socket;
import io.jsock.socket.SocketType;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * A datagram server: the built-in services over UDP (IPv4, IPv6) and Unix datagram sockets, one
 * reply per datagram (RFC 862 echo, 863 discard, 864 chargen, 867 daytime, 868 time), or a program
 * run inetd {@code wait} style with the socket as its standard input and output.
 *
 * <p>A reply passes two guards first. The reflection guard (CERT CA-1996-01): no reply ever goes to
 * source port 7, 13, 19 or 37 (another small service: the two would answer each other for ever), nor
 * to another port below 1024 unless {@link Builder#replyToPrivilegedPorts} asks for it. The rate: at
 * most {@link Builder#ratePerSource} replies per second to one source address. Whatever is not
 * answered is counted ({@link #counts()}) and logged once per source per ten seconds.
 *
 * <p>Thread-safe: any thread may read it or close it.
 *
 * <pre>{@code
 * try (DatagramServer s = DatagramServer.builder().bind("udp:127.0.0.1:0").service(Service.ECHO).start()) {
 *     SockAddr where = s.localAddress();
 * }
 * }</pre>
 */
public final class DatagramServer implements Server {
    /** Replies per second to one source address unless {@link Builder#ratePerSource} says otherwise. */
    public static final int DEFAULT_RATE_PER_SOURCE = 100;

    private final Socket socket;
    private final SockAddr localAddress;
    private final DatagramDesign design;
    private final Counters counters;
    private final Duration grace;
    private final Bound bound; // an inherited socket's has no file: its file (if any) is its owner's
    private final CloseOnce closing = new CloseOnce();

    private DatagramServer(Socket socket, SockAddr localAddress, DatagramDesign design, Counters counters,
            Duration grace, Bound bound) {
        this.socket = socket;
        this.localAddress = localAddress;
        this.design = design;
        this.counters = counters;
        this.grace = grace;
        this.bound = bound;
    }

    /**
     * A builder with the defaults: udp:127.0.0.1:9877, one loop, 5 s of grace, {@value
     * #DEFAULT_RATE_PER_SOURCE} replies per second per source, no replies to ports below 1024.
     *
     * @return a new builder; never null
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The address the server's socket is bound to, with the port the kernel chose when 0 was asked for.
     *
     * @return getsockname(2)'s answer at start; never null, also after {@link #close()}
     */
    public SockAddr localAddress() {
        return localAddress;
    }

    /**
     * Where it serves: a UDP or Unix datagram endpoint.
     *
     * @return the endpoint, with the port the kernel chose; never null
     */
    @Override
    public Endpoint endpoint() {
        return new Endpoint(SocketType.DGRAM, localAddress);
    }

    /**
     * Datagrams being answered now: 0 or the number of workers busy with one; for a program, 1 while it runs.
     *
     * @return the number of exchanges in flight
     */
    @Override
    public int activeConnections() {
        return design.busy();
    }

    /**
     * What happened to the datagrams so far.
     *
     * @return the counts now; never null
     */
    public Counts counts() {
        return new Counts(counters.received.sum(), counters.answered.sum(), counters.denied.sum(),
                counters.refusedPort.sum(), counters.overRate.sum(), counters.failed.sum());
    }

    /**
     * What a datagram server did with what it received.
     *
     * @param received    datagrams read by the server (with a program: none; the program reads them)
     * @param answered    replies sent; with a program, the times it was spawned
     * @param denied      not answered: an allow/deny rule refuses the source ({@link Builder#rules})
     * @param refusedPort not answered: the source port is a small service's or below 1024 (the reflection guard)
     * @param overRate    not answered: the source had had its replies for that second
     * @param failed      not answered: no address to answer (an unbound Unix sender), the send queue full,
     *                    a sendto that failed, a program that could not be spawned or spawned too often
     */
    public record Counts(long received, long answered, long denied, long refusedPort, long overRate, long failed) {}

    /**
     * Stops in order: no new datagrams are answered, those in flight (or the program running) get the
     * grace period, then the socket is closed (a program still running gets SIGTERM, then SIGKILL, and
     * is reaped) and every thread joined. A Unix socket file the server made is removed. Safe to call
     * more than once and from several threads: a second call waits for the first to finish.
     */
    @Override
    public void close() {
        closing.close(() -> {
            try {
                design.stop(System.nanoTime() + grace.toNanos());
            } finally {
                socket.close(); // closed by stop already, unless an interrupt cut it short
                bound.removeFile(); // a clean stop leaves no socket file behind
            }
        });
    }

    /**
     * Blocks until {@link #close()}, called by any thread, has finished; an interrupt does not end
     * the wait but is kept in the thread's interrupt status.
     */
    @Override
    public void awaitClosed() {
        closing.await();
    }

    /** Builds and starts a datagram server. Not thread-safe: one thread configures it and calls {@link #start()}. */
    public static final class Builder extends ServerBuilder<Builder> {
        private Service service;
        private List<String> command;
        private int workers = 1;
        private boolean replyToPrivilegedPorts;
        private int ratePerSource = DEFAULT_RATE_PER_SOURCE;
        private Admission rules;

        private Builder() {
            super(new Endpoint(SocketType.DGRAM, SockAddr.loopback4(9877)));
        }

        @Override
        Builder self() {
            return this;
        }

        @Override
        void refuse(Endpoint endpoint) {
            if (endpoint.type() != SocketType.DGRAM) {
                throw new IllegalArgumentException(endpoint + " is a " + endpoint.type() + " endpoint: a TcpServer serves it, not a DatagramServer");
            }
        }

        /**
         * Serves a datagram socket that is already bound, such as one inherited from systemd
         * ({@code ListenDatagram=}) or inetd. The server closes it at the end but never shuts it down
         * and never removes its file.
         *
         * @param socket a bound datagram socket; the server owns it from {@link #start()} on
         * @return this builder
         * @throws IllegalArgumentException if it is not a datagram socket
         * @throws NullPointerException if {@code socket} is null
         */
        public Builder socket(Socket socket) {
            if (socket.type() != SocketType.DGRAM) {
                throw new IllegalArgumentException("a DatagramServer serves a datagram socket, not " + socket.type() + " (" + socket + ")");
            }
            return inherit(socket);
        }

        /**
         * The service that answers each datagram.
         *
         * @param service the service
         * @return this builder
         * @throws NullPointerException if {@code service} is null
         */
        public Builder service(Service service) {
            this.service = Objects.requireNonNull(service);
            this.command = null;
            return this;
        }

        /**
         * A program to run inetd {@code wait} style: when a datagram waits, it is spawned with the socket
         * as its standard input and output (descriptors 0 and 1), reads the datagram itself (recvfrom)
         * and answers with sendto; the server does not read while it runs and waits for the next
         * datagram when it exits. argv, never a shell string.
         *
         * @param argv the program and its arguments; the program is looked up on PATH when it has no slash
         * @return this builder
         * @throws IllegalArgumentException if {@code argv} is empty
         * @throws NullPointerException if {@code argv} or one of its elements is null
         */
        public Builder command(List<String> argv) {
            if (argv.isEmpty()) throw new IllegalArgumentException("the command is empty");
            this.command = List.copyOf(argv);
            this.service = null;
            return this;
        }

        /**
         * How many loops read the socket: 1 (the default) is one platform thread; more are virtual
         * threads, each blocking in recvfrom on the same socket (the kernel gives each datagram to one).
         *
         * @param n 1 to 4096
         * @return this builder
         * @throws IllegalArgumentException if {@code n} is out of range
         */
        public Builder workers(int n) {
            if (n < 1 || n > 4096) throw new IllegalArgumentException("workers must be 1 to 4096: " + n);
            this.workers = n;
            return this;
        }

        /**
         * Whether sources on ports below 1024 are answered (default: not; they are servers, and a reply
         * to one may start a loop). Ports 7, 13, 19 and 37 are never answered.
         *
         * @param reply true to answer them
         * @return this builder
         */
        public Builder replyToPrivilegedPorts(boolean reply) {
            this.replyToPrivilegedPorts = reply;
            return this;
        }

        /**
         * At most this many replies per second to one source address (whatever its port); more are
         * dropped and counted (default {@value DatagramServer#DEFAULT_RATE_PER_SOURCE}).
         *
         * @param perSecond 1 or more
         * @return this builder
         * @throws IllegalArgumentException if {@code perSecond} is less than 1
         */
        public Builder ratePerSource(int perSecond) {
            if (perSecond < 1) throw new IllegalArgumentException("rate per source must be >= 1 per second: " + perSecond);
            this.ratePerSource = perSecond;
            return this;
        }

        /**
         * Answers only the sources {@code rules}' {@code --allow}/{@code --deny} blocks admit; the others'
         * datagrams are dropped and counted ({@link Counts#denied}). Its per-source connection limits do
         * not apply to datagrams ({@link #ratePerSource} is their rate). A command (inetd's wait) reads
         * the socket itself, so it cannot take rules: {@link #start} refuses the two together.
         *
         * @param rules the rules; null or without allow/deny blocks: every source
         * @return this builder
         */
        public Builder rules(Admission rules) {
            this.rules = rules == null || rules.allowed().isEmpty() && rules.denied().isEmpty() ? null : rules;
            return this;
        }

        /**
         * socket, bind (or the inherited socket), then the loops. On failure nothing is left open.
         *
         * @return the running server; never null
         * @throws IOException the failing call's exception, naming its errno (bind: EADDRINUSE, EACCES,
         *     ...), or the command's program is not found (ENOENT) or not executable (EACCES)
         * @throws IllegalStateException if neither a service nor a command was given
         * @throws IllegalArgumentException if a command is given with more than one worker (inetd's
         *     {@code wait}: one program at a time reads the socket), or with allow/deny {@link #rules}
         */
        public DatagramServer start() throws IOException {
            if (service == null && command == null) throw new IllegalStateException("a datagram server needs a service or a command");
            if (command != null && workers > 1) {
                throw new IllegalArgumentException("a command serves datagrams one run at a time (inetd's wait), not with " + workers + " workers");
            }
            if (command != null && rules != null) {
                throw new IllegalArgumentException("--allow/--deny cannot filter a program's datagrams (inetd's wait: it reads the socket itself); "
                        + "filter in the program, or serve a built-in service");
            }
            DatagramConfig config = new DatagramConfig(service, command, workers, grace, events, replyToPrivilegedPorts, ratePerSource, rules);
            Warmup.once();
            Bound bound = bindOrInherit(false);
            Socket socket = bound.socket();
            boolean success = false;
            try {
                SockAddr local = socket.getsockname();
                String where = new Endpoint(SocketType.DGRAM, local).toString();
                Counters counters = new Counters();
                DatagramDesign design = command != null ? new InetdWait(config, socket, counters, where)
                        : new Exchanges(config, socket, counters, where);
                design.start();
                success = true;
                return new DatagramServer(socket, local, design, counters, grace, bound);
            } finally {
                if (!success) bound.abandon();
            }
        }
    }
}
