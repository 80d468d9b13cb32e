package io.jsock.cli;

import io.jsock.server.DatagramServer;
import io.jsock.server.Admission;
import io.jsock.server.Cidr;
import io.jsock.server.Endpoint;
import io.jsock.server.LogEvent;
import io.jsock.server.Model;
import io.jsock.server.Server;
import io.jsock.server.Service;
import io.jsock.server.TcpServer;
import io.jsock.socket.SockAddr;
import io.jsock.socket.Socket;
import io.jsock.socket.SocketType;
import io.jsock.socket.activation.ListenFds;
import io.jsock.socket.activation.SdNotify;
import java.io.IOException;
import io.jsock.socket.process.Credentials;
import io.jsock.socket.Family;
import io.jsock.socket.TcpState;
import io.jsock.socket.diag.DiagSocket;
import io.jsock.socket.diag.SockDiag;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import sun.misc.Signal;

/**
 * {@code jsock serve SERVICE} and {@code jsock serve exec -- CMD ARGS...}: a concurrent TCP server
 * until SIGINT or SIGTERM, which stop it in order (no new connections, the ones in flight get the
 * grace period) with exit status 0.
 */
@Command(name = "serve",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Runs a TCP, Unix or UDP server: a built-in service, or a program per connection (inetd/tcpserver style).",
            "Stops on SIGINT or SIGTERM: closes the listener, lets connections finish within --grace, exits 0.",
        })
final class ServeCommand implements Callable<Integer> {
    static final String EXEC = "exec";
    /** The model of a service when --model is not given. */
    static final Model DEFAULT_MODEL = Model.VIRTUAL;
    /** The model of {@code exec} when --model is not given. */
    static final Model EXEC_MODEL = Model.PROCESS;

    CommandSpec spec;

    /** Picocli hands over this command's spec: the help's footer is made here, its models from {@link Model#all()}. */
    @Spec
    void spec(CommandSpec spec) {
        this.spec = spec;
        spec.usageMessage().footer(
                "",
                "Services: echo (RFC 862), discard (RFC 863), daytime (RFC 867),",
                "          chargen (RFC 864), time (RFC 868),",
                "          exec -- CMD ARGS...  a program with the connection as stdin, stdout",
                "          on udp:/dgram: one reply per datagram; exec: the program inetd wait",
                "          style, the socket as its stdin and stdout, one run at a time",
                "Models:   " + models(),
                "          datagrams: iterative (one loop, default), virtual, pool[:N]",
                "",
                "Examples: jsock serve echo",
                "          jsock serve echo --bind 0.0.0.0:9877 --model pool:8 -v",
                "          jsock serve exec --bind 127.0.0.1:0 -- cat",
                "          jsock serve daytime --bind udp:127.0.0.1:1313 --bind 127.0.0.1:1313",
                "          jsock serve echo --idle-timeout 30s --deadline 5m --max-per-ip 4",
                "          jsock serve exec --bind 0.0.0.0:79 --user nobody -- ./fingerd",
                "          systemd-socket-activate -l 127.0.0.1:9555 jsock serve echo",
                "          jsock serve --inetd echo   (in an inetd.conf or xinetd entry)",
                "          jsock serve echo --proxy-protocol --proxy-from 127.0.0.1/32 -v",
                "              (behind HAProxy with send-proxy-v2)",
                "          jsock serve echo --control /run/jsock.ctl --takeover",
                "              (a restart that refuses no connection)",
                "",
                "Under systemd: the sockets of LISTEN_FDS are served, named by LISTEN_FDNAMES;",
                "with NOTIFY_SOCKET, jsock sends READY=1, STATUS=, WATCHDOG=1 and STOPPING=1,",
                "and stores its --bind listeners (FDSTORE=1) to get them back at a restart.",
                "",
                "Limits are off unless set. A client refused by --allow/--deny, --max-per-ip",
                "or --rate is reset at once; a connection past --idle-timeout or --deadline",
                "is closed; -v logs which limit did it. On udp:/dgram: a datagram from a",
                "source --allow/--deny refuses is dropped, unanswered.");
    }

    /** {@code iterative, process, thread, virtual (default), pool[:N], ...}, broken into lines that fit 80 columns. */
    private static String models() {
        List<String> forms = Model.all().stream()
                .map(m -> m.cliName().equals(DEFAULT_MODEL.cliName()) ? m.form() + " (default)" : m.form())
                .toList();
        StringBuilder text = new StringBuilder();
        int column = 10; // after "Models:   "
        for (int i = 0; i < forms.size(); i++) {
            String item = forms.get(i) + (i < forms.size() - 1 ? "," : "");
            if (i > 0 && column + 1 + item.length() > 79) {
                text.append("%n          ");
                column = 10;
            } else if (i > 0) {
                text.append(' ');
                column++;
            }
            text.append(item);
            column += item.length();
        }
        return text.toString();
    }

    @Parameters(index = "0", paramLabel = "SERVICE", description = "echo, discard, daytime, chargen, time, or exec")
    String service;

    @Parameters(index = "1..*", paramLabel = "CMD", description = "with exec, after --: the program and its arguments (argv, no shell)")
    List<String> command = List.of();

    /** Where to listen when --bind is not given. */
    static final String DEFAULT_BIND = "127.0.0.1:9877";

    @Option(names = {"-b", "--bind"}, paramLabel = "ENDPOINT",
            description = {"where to listen; repeat for several (default " + DEFAULT_BIND + "):",
                "  HOST:PORT         TCP: 127.0.0.1:9877, [::1]:9877; port 0: any free port",
                "                    every interface, said explicitly: 0.0.0.0:PORT, *:PORT, [::]:PORT",
                "  udp:HOST:PORT     UDP (datagram services)",
                "  /PATH, ./PATH     a Unix stream socket; @NAME: an abstract one",
                "  seqpacket:PATH    a Unix seqpacket socket (also seqpacket:@NAME)",
                "  dgram:PATH        a Unix datagram socket (also dgram:@NAME)"})
    List<String> binds = new ArrayList<>();

    @Option(names = "--socket-mode", paramLabel = "MODE", converter = SocketModes.class,
            description = "permissions of the Unix socket files made for --bind, octal (e.g. 660); default: what the umask leaves")
    Set<PosixFilePermission> socketMode;

    @Option(names = {"-m", "--model"}, paramLabel = "M",
            description = "the concurrency model (default virtual; process for exec)")
    String model;

    @Option(names = "--backlog", paramLabel = "N", defaultValue = "128", description = "listen(2)'s backlog (default ${DEFAULT-VALUE})")
    int backlog;

    @Option(names = {"-c", "--max-connections"}, paramLabel = "N", defaultValue = "0",
            description = "serve at most N at once; the rest wait in the kernel's queue (default 0: no limit)")
    int maxConnections;

    @Option(names = "--grace", paramLabel = "D", defaultValue = "5s", converter = Durations.class,
            description = "at SIGINT/SIGTERM, how long connections may finish before they are closed (default ${DEFAULT-VALUE}; 0, 500ms, 2m, ...)")
    Duration grace;

    @Option(names = "--rate-per-source", paramLabel = "N",
            description = "udp:/dgram: at most N replies per second to one source address; more are dropped and counted (default "
                    + DatagramServer.DEFAULT_RATE_PER_SOURCE + ")")
    Integer ratePerSource;

    @Option(names = "--reply-to-privileged-ports",
            description = "udp: also answer sources on ports below 1024 (default: not; 7, 13, 19 and 37 never: reflection loops)")
    boolean replyToPrivilegedPorts;

    @Option(names = {"-v", "--verbose"}, description = "one line per connection opened and closed, each line with an RFC 3339 time stamp (UTC); "
            + "datagrams: per datagram answered, per program run, per source not answered every 10 s")
    boolean verbose;

    @Option(names = "--inetd", description = {
            "serve the socket at fd 0 (inetd, xinetd, systemd-socket-activate --inetd):",
            "  a connection (nowait, Accept=yes): serve it once and exit",
            "  a listener or datagram socket (wait): serve from it until SIGTERM",
            "Sockets systemd passes (LISTEN_FDS for this pid) are served without any option."})
    boolean inetd;

    @Option(names = "--max-per-ip", paramLabel = "N", defaultValue = "0",
            description = "at most N connections at once from one source (IPv4 address, IPv6 /64); more are reset and logged (default 0: no limit)")
    int maxPerIp;

    @Option(names = "--allow", paramLabel = "CIDR",
            description = {"admit clients of this block (repeatable; once given, only allowed blocks): 10.0.0.0/8, ::1, 2001:db8::/32",
                "with --deny, the most specific block (longest prefix) decides, deny on a tie; Unix peers are always admitted"})
    List<String> allow = new ArrayList<>();

    @Option(names = "--deny", paramLabel = "CIDR", description = "refuse clients of this block (repeatable), before any byte is read")
    List<String> deny = new ArrayList<>();

    @Option(names = "--rate", paramLabel = "N/s",
            description = "at most N new connections per second (N/s) or minute (N/m) from one source; more are reset (default: no limit)")
    String rate;

    @Option(names = "--idle-timeout", paramLabel = "D", converter = PositiveDurations.class,
            description = "close a connection when no byte went either way for D, e.g. --idle-timeout 30s (default: off)")
    Duration idleTimeout;

    @Option(names = "--deadline", paramLabel = "D", converter = PositiveDurations.class,
            description = "close a connection that has lived D, busy or not, e.g. --deadline 5m (default: off)")
    Duration deadline;

    @Option(names = "--user", paramLabel = "NAME",
            description = "once every listener is bound (a port below 1024 needs root), drop to this user; children too")
    String user;

    @Option(names = "--group", paramLabel = "NAME", description = "with --user: the group to drop to (default: the user's primary group)")
    String group;

    @Option(names = "--log-format", paramLabel = "F", defaultValue = "text",
            description = {"text (default) or json: one JSON object per line (time, event, conn, peer, local,",
                "bytes_in, bytes_out, duration_ms, why, message), the listening and stopping lines too"})
    String logFormat;

    @Option(names = "--proxy-protocol",
            description = "every connection starts with a PROXY protocol header (v1 or v2, as HAProxy sends); its client is the peer in -v lines and exec's TCPREMOTEIP (with PROXY=1)")
    boolean proxyProtocol;

    @Option(names = "--proxy-from", paramLabel = "CIDR",
            description = "with --proxy-protocol: only these sources may send the header, others are closed (repeatable: 127.0.0.1/32, 10.0.0.0/8, ::1/128; default: any)")
    List<String> proxyFrom = new ArrayList<>();

    @Option(names = "--proxy-deadline", paramLabel = "D", defaultValue = "3s", converter = Durations.class,
            description = "with --proxy-protocol: how long the header may take (default ${DEFAULT-VALUE})")
    Duration proxyDeadline;

    @Option(names = "--reuseport",
            description = "SO_REUSEPORT: several jsock processes listen on the same port, the kernel spreads connections (those queued on one that stops are reset)")
    boolean reusePort;

    @Option(names = "--control", paramLabel = "PATH",
            description = "a Unix socket where a successor started with --takeover receives this server's listeners")
    Path control;

    @Option(names = "--takeover",
            description = "with --control: take the listeners of the server running there (SCM_RIGHTS, matched by --bind); it stops accepting and drains within its --grace; no connection is refused")
    boolean takeover;

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        List<Endpoint> endpoints = new ArrayList<>();
        for (String b : binds) endpoints.add(Endpoint.parse(b));
        Model m;
        Service s = null;
        if (service.equals(EXEC)) {
            if (command.isEmpty()) throw new IllegalArgumentException("serve exec needs a program: jsock serve exec [OPTIONS] -- CMD ARGS...");
            m = model == null ? EXEC_MODEL : Model.parse(model);
        } else {
            try {
                s = Service.parse(service);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(e.getMessage() + "; or exec -- CMD ARGS...");
            }
            if (!command.isEmpty()) {
                throw new IllegalArgumentException("service " + s.cliName() + " takes no command (" + String.join(" ", command)
                        + "); to run a program per connection: jsock serve exec -- CMD ARGS...");
            }
            m = model == null ? DEFAULT_MODEL : Model.parse(model);
        }
        ServeLog serveLog = new ServeLog(err, logFormat(), verbose);
        Consumer<LogEvent> log = serveLog.connections();
        // Sockets handed over (systemd's LISTEN_FDS, inetd's fd 0) come first; --bind may add more; with neither, the default.
        List<ListenFds.Inherited> inherited = new ArrayList<>(Activation.take(inetd));
        if (endpoints.isEmpty() && inherited.isEmpty()) endpoints.add(Endpoint.parse(DEFAULT_BIND));
        Optional<SdNotify> notify = Optional.empty();
        if (ratePerSource != null && ratePerSource < 1) {
            throw new IllegalArgumentException("bad --rate-per-source " + ratePerSource + "; expected replies per second, 1 or more");
        }
        admission = admission();
        if (group != null && user == null) throw new IllegalArgumentException("--group needs --user NAME: the user to drop to");
        runAs = user == null ? null : Credentials.lookup(user, group);
        if (takeover && control == null) throw new IllegalArgumentException("--takeover needs --control PATH: the running server's control socket");
        if (!proxyFrom.isEmpty() && !proxyProtocol) throw new IllegalArgumentException("--proxy-from needs --proxy-protocol");
        Model dgramModel = endpoints.stream().anyMatch(e -> e.type() == SocketType.DGRAM)
                || inherited.stream().anyMatch(i -> i.socket().type() == SocketType.DGRAM) ? datagramModel(s) : null;
        FdStore store = FdStore.claim(inherited, endpoints); // the listeners systemd kept for our --bind endpoints
        Takeover from = takeover ? Takeover.connect(control) : null;
        try (store; from; Servers servers = new Servers()) {
            notify = SdNotify.fromEnvironment();
            // prefork's workers hold their connections: this process has no count of them
            SdNotifier notifier = notify.isEmpty() ? null
                    : new SdNotifier(notify.get(), m instanceof Model.Prefork ? null : servers::activeConnections, err);
            try {
                Stop stop = new Stop(servers, m, serveLog, notifier);
                stopOnSignals(stop); // before the first listener: a signal while starting stops what has started
                store.dropStale(notifier, serveLog);
                boolean stopped = false;
                while (!inherited.isEmpty() && !stopped) {
                    ListenFds.Inherited i = inherited.getFirst();
                    Server started = startInherited(i, m, dgramModel, s, log, err);
                    inherited.removeFirst(); // the server owns the socket now
                    stopped = !servers.add(started); // a signal came while it started: it is closed, start no more
                    if (!stopped && !(started instanceof OneConnection)) {
                        boolean dgram = started.endpoint().type() == SocketType.DGRAM;
                        serveLog.listening(started.endpoint().address(), "listening on " + started.endpoint() + " (model "
                                + (dgram ? datagramLine(dgramModel, s) : m.toString()) + ", " + i + " inherited)");
                    }
                }
                for (Endpoint e : stopped ? List.<Endpoint>of() : endpoints) {
                    boolean dgram = e.type() == SocketType.DGRAM;
                    Socket taken = from == null || dgram ? null : from.listenerFor(e);
                    ListenFds.Inherited kept = taken != null || dgram ? null : store.listenerFor(e);
                    Server started = dgram ? datagramServer(dgramModel, s, log).bind(e).start()
                            : taken != null ? streamServer(m, s, log).listener(taken).start()
                            : kept != null ? streamServer(m, s, log).listener(kept.socket()).start()
                            : streamServer(m, s, log).bind(e).start();
                    if (!servers.add(started)) break; // a signal came while it started: it is closed, start no more
                    serveLog.listening(started.endpoint().address(), "listening on " + started.endpoint() + " (model "
                            + (dgram ? datagramLine(dgramModel, s) : m + ", backlog " + backlogTaken(started.endpoint())) + ")"
                            + (taken != null ? "; taken over from pid " + from.oldPid() : "")
                            + (kept != null ? "; kept by the fd store (" + kept + ")" : ""));
                    // A Unix socket's file goes at a clean stop: a stored one would come back unreachable.
                    if (notifier != null && started instanceof TcpServer t && !(e.address() instanceof SockAddr.Local)) {
                        notifier.store(FdStore.name(started.endpoint()), t.listeningSocket());
                    }
                }
                if (runAs != null) {
                    runAs.apply(); // every listener is bound: drop (the servers accept only from now on)
                    serveLog.info("running as " + runAs);
                }
                try (ControlSocket c = control == null ? null : ControlSocket.open(control, from == null ? null : from.takeControl(),
                        servers, serveLog::info, pid -> stop.begin("taken over by pid " + pid))) {
                    if (from != null) from.started(); // the old server stops accepting now: we serve its listeners
                    if (c != null) c.start();
                    if (notifier != null) notifier.ready(); // every server accepts now (prefork: its workers do)
                    servers.awaitClosed();
                }
            } finally {
                if (notifier != null) notifier.close();
            }
        } finally {
            Activation.closeAll(inherited); // those a failed start left unserved
            notify.ifPresent(SdNotify::close);
        }
        return 0;
    }

    /**
     * A handed-over socket's server: a listener (or a stream socket only bound) by a TcpServer, a
     * connection served once, a datagram socket by the datagram server.
     */
    private Server startInherited(ListenFds.Inherited i, Model m, Model dgramModel, Service s, Consumer<LogEvent> log, PrintWriter err)
            throws IOException {
        Socket socket = i.socket();
        if (socket.type() == SocketType.DGRAM) return datagramServer(dgramModel, s, log).socket(socket).start();
        if (!i.listening() && Activation.connected(socket)) {
            return OneConnection.start(socket, s, command, grace, err);
        }
        return streamServer(m, s, log).listener(socket).start();
    }

    /** The rules and per-source limits of --allow, --deny, --max-per-ip and --rate (one for every server: shared counts). */
    private Admission admission() {
        if (maxPerIp < 0) throw new IllegalArgumentException("bad --max-per-ip " + maxPerIp + "; expected N >= 1 (or 0: no limit)");
        Admission.Builder b = Admission.builder().maxPerSource(maxPerIp);
        for (String a : allow) b.allow(Cidr.parse(a));
        for (String d : deny) b.deny(Cidr.parse(d));
        if (rate != null) b.rate(rate);
        return b.build();
    }

    // Made once by call() from the options, given to every stream server (one set of counts for all).
    private Admission admission;
    private Credentials runAs;

    /** A TcpServer's builder with every option of the command but where it listens. */
    private TcpServer.Builder streamServer(Model m, Service s, Consumer<LogEvent> log) {
        TcpServer.Builder b = TcpServer.builder()
                .model(m)
                .backlog(backlog)
                .maxConnections(maxConnections)
                .grace(grace)
                .socketMode(socketMode)
                .admission(admission)
                .idleTimeout(idleTimeout)
                .deadline(deadline)
                .runAs(runAs)
                .reusePort(reusePort)
                .events(log);
        if (proxyProtocol) b.proxyProtocol(proxyFrom, proxyDeadline);
        if (s == null) b.command(command);
        else b.handler(s);
        return b;
    }

    /** The datagram models, for messages. */
    static final String DATAGRAM_MODELS = "iterative (one loop, the default), virtual or pool[:N] (workers over the same socket)";

    /**
     * The model for udp: and dgram: endpoints: --model when it serves datagrams, else iterative. A program
     * is run inetd wait style, one at a time: iterative (or process, what exec means on TCP).
     */
    private Model datagramModel(Service s) {
        if (model == null) return Model.ITERATIVE;
        Model m = Model.parse(model);
        if (s == null) {
            if (m.equals(Model.ITERATIVE) || m.equals(Model.PROCESS)) return Model.ITERATIVE;
            throw new IllegalArgumentException("exec over udp:/dgram: runs one program at a time on the socket (inetd's wait); "
                    + "--model " + model + " does not apply: use iterative or process, or leave --model out");
        }
        if (m.equals(Model.ITERATIVE) || m.equals(Model.VIRTUAL) || m instanceof Model.Pool) return m;
        throw new IllegalArgumentException("model " + model + " does not serve datagrams (udp:/dgram: endpoints); expected "
                + DATAGRAM_MODELS);
    }

    /** How many loops read a datagram socket in model {@code m}: one, a pool's size, or 4 per core for virtual. */
    private static int workers(Model m) {
        if (m instanceof Model.Pool) return m.size();
        return m.equals(Model.VIRTUAL) ? Model.pool(1).defaultSize() : 1;
    }

    /** The listening line's words for a datagram server: {@code iterative}, {@code virtual, 8 workers}, {@code iterative, inetd wait}. */
    private static String datagramLine(Model m, Service s) {
        if (s == null) return m + ", inetd wait";
        int n = workers(m);
        return n == 1 ? m.toString() : m + ", " + n + " workers";
    }

    /** A DatagramServer's builder with every option of the command but where it serves. */
    private DatagramServer.Builder datagramServer(Model m, Service s, Consumer<LogEvent> log) {
        DatagramServer.Builder b = DatagramServer.builder()
                .workers(workers(m))
                .grace(grace)
                .socketMode(socketMode)
                .replyToPrivilegedPorts(replyToPrivilegedPorts)
                .ratePerSource(ratePerSource == null ? DatagramServer.DEFAULT_RATE_PER_SOURCE : ratePerSource)
                .rules(admission)
                .events(log);
        if (s == null) b.command(command);
        else b.service(s);
        return b;
    }

    /**
     * SIGINT and SIGTERM start the ordered stop in a thread of its own and let {@link #call} return 0.
     * (A shutdown hook would not do: the JVM exits 128+signal after running hooks.)
     */
    private static void stopOnSignals(Stop stop) {
        for (String name : List.of("INT", "TERM")) Signal.handle(new Signal(name), sig -> stop.begin("SIG" + sig.getName()));
    }

    /** The ordered stop, begun once (by a signal or a takeover): its line, STOPPING=1, then every server closed in a thread of its own. */
    private final class Stop {
        private final AtomicBoolean stopping = new AtomicBoolean();
        private final Servers servers;
        private final Model m;
        private final ServeLog log;
        private final SdNotifier notifier;

        Stop(Servers servers, Model m, ServeLog log, SdNotifier notifier) {
            this.servers = servers;
            this.m = m;
            this.log = log;
            this.notifier = notifier;
        }

        void begin(String why) {
            if (!stopping.compareAndSet(false, true)) return; // already stopping; the grace period bounds it
            // prefork's workers hold their connections: this process has no count of them
            String inFlight = m instanceof Model.Prefork ? "connections" : servers.activeConnections() + " connection(s)";
            log.stopping(why + ": stopping; " + inFlight + " in flight get up to " + show(grace));
            if (notifier != null) notifier.stopping();
            Thread.ofPlatform().name("jsock-stop").start(servers::close);
        }
    }

    /** {@code --log-format}: text or json, or one line saying so and exit 2. */
    private ServeLog.Format logFormat() {
        return switch (logFormat) {
            case "text" -> ServeLog.Format.TEXT;
            case "json" -> ServeLog.Format.JSON;
            default -> throw new IllegalArgumentException("unknown --log-format '" + logFormat + "'; expected text or json");
        };
    }

    /**
     * The backlog the kernel took, which caps --backlog at net.core.somaxconn: a TCP listener's Send-Q
     * as sock_diag reports it (ss's column); for a Unix socket, the same cap read from /proc.
     */
    private int backlogTaken(Endpoint e) {
        try {
            if (e.address().family() != Family.LOCAL && e.type() == SocketType.STREAM) {
                for (DiagSocket d : SockDiag.tcp(EnumSet.of(TcpState.LISTEN), e.address().port())) {
                    if (d.local().equals(e.address())) return (int) d.wqueue();
                }
            }
            int somaxconn = Integer.parseInt(Files.readAllLines(Path.of("/proc/sys/net/core/somaxconn")).getFirst().strip());
            return Math.min(backlog, somaxconn);
        } catch (IOException | RuntimeException unknown) {
            return backlog; // no netlink or no /proc here: what was asked
        }
    }

    private static String show(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
    }
}
