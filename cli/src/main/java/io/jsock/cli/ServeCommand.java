package io.jsock.cli;

import io.jsock.server.Endpoint;
import io.jsock.server.Model;
import io.jsock.server.Server;
import io.jsock.server.Service;
import io.jsock.server.TcpServer;
import io.jsock.socket.Socket;
import io.jsock.socket.SocketType;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.stream.Collectors;
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
            "Runs a TCP server: a built-in service, or a program per connection (inetd/tcpserver style).",
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
                "Services: echo (RFC 862), discard (RFC 863), daytime (RFC 867), chargen (RFC 864),",
                "          exec -- CMD ARGS...   the program with the connection as its stdin and stdout",
                "Models:   " + models(),
                "",
                "Examples: jsock serve echo",
                "          jsock serve echo --bind 0.0.0.0:9877 --model pool:8 -v",
                "          jsock serve exec --bind 127.0.0.1:0 -- cat",
                "          jsock serve echo --proxy-protocol --proxy-from 127.0.0.1/32 -v     (behind HAProxy: send-proxy-v2)",
                "          jsock serve echo --control /run/jsock.ctl --takeover             (restart without refusing a connection)");
    }

    /** {@code iterative, process, thread, virtual (default), pool[:N], ...}. */
    private static String models() {
        return Model.all().stream()
                .map(m -> m.cliName().equals(DEFAULT_MODEL.cliName()) ? m.form() + " (default)" : m.form())
                .collect(Collectors.joining(", "));
    }

    @Parameters(index = "0", paramLabel = "SERVICE", description = "echo, discard, daytime, chargen, or exec")
    String service;

    @Parameters(index = "1..*", paramLabel = "CMD", description = "with exec, after --: the program and its arguments (argv, no shell)")
    List<String> command = List.of();

    /** Where to listen when --bind is not given. */
    static final String DEFAULT_BIND = "127.0.0.1:9877";

    @Option(names = "--bind", paramLabel = "ENDPOINT",
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

    @Option(names = "--model", paramLabel = "M",
            description = "the concurrency model (default virtual; process for exec)")
    String model;

    @Option(names = "--backlog", paramLabel = "N", defaultValue = "128", description = "listen(2)'s backlog (default ${DEFAULT-VALUE})")
    int backlog;

    @Option(names = "--max-connections", paramLabel = "N", defaultValue = "0",
            description = "serve at most N at once; the rest wait in the kernel's queue (default 0: no limit)")
    int maxConnections;

    @Option(names = "--grace", paramLabel = "D", defaultValue = "5s", converter = Durations.class,
            description = "at SIGINT/SIGTERM, how long connections may finish before they are closed (default ${DEFAULT-VALUE}; 0, 500ms, 2m, ...)")
    Duration grace;

    @Option(names = {"-v", "--verbose"}, description = "one line per connection opened and closed")
    boolean verbose;

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
        for (String b : binds.isEmpty() ? List.of(DEFAULT_BIND) : binds) endpoints.add(Endpoint.parse(b));
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
        Consumer<String> log = verbose ? line -> {
            synchronized (err) {
                err.println("jsock: " + line);
                err.flush();
            }
        } : null;
        if (takeover && control == null) throw new IllegalArgumentException("--takeover needs --control PATH: the running server's control socket");
        if (!proxyFrom.isEmpty() && !proxyProtocol) throw new IllegalArgumentException("--proxy-from needs --proxy-protocol");
        Takeover from = takeover ? Takeover.connect(control) : null;
        try (from; Servers servers = new Servers()) {
            for (Endpoint e : endpoints) {
                Socket inherited = from == null ? null : from.listenerFor(e);
                TcpServer.Builder b = e.type() == SocketType.DGRAM ? null : streamServer(m, s, log);
                Server started = b == null ? startDatagram(e, s, log)
                        : inherited != null ? b.listener(inherited).start() : b.bind(e).start();
                servers.add(started);
                say(err, "listening on " + started.endpoint() + " (model " + m + ", backlog " + backlog + ")"
                        + (inherited != null ? "; taken over from pid " + from.oldPid() : ""));
            }
            Stop stop = new Stop(servers, m, err);
            try (ControlSocket c = control == null ? null : ControlSocket.open(control, from == null ? null : from.takeControl(),
                    servers, line -> say(err, "jsock: " + line), pid -> stop.begin("taken over by pid " + pid))) {
                if (from != null) from.started(); // the old server stops accepting now: we serve its listeners
                if (c != null) c.start();
                stopOnSignals(stop);
                servers.awaitClosed();
            }
        }
        return 0;
    }

    private static void say(PrintWriter err, String line) {
        synchronized (err) {
            err.println(line);
            err.flush();
        }
    }

    /** A TcpServer's builder with every option of the command but where it listens. */
    private TcpServer.Builder streamServer(Model m, Service s, Consumer<String> log) {
        TcpServer.Builder b = TcpServer.builder()
                .model(m)
                .backlog(backlog)
                .maxConnections(maxConnections)
                .grace(grace)
                .socketMode(socketMode)
                .reusePort(reusePort)
                .log(log);
        if (proxyProtocol) b.proxyProtocol(proxyFrom, proxyDeadline);
        if (s == null) b.command(command);
        else b.handler(s);
        return b;
    }

    private Server startDatagram(Endpoint e, Service s, Consumer<String> log) {
        throw new IllegalArgumentException("datagram endpoints (" + e + ") are not served yet");
    }

    /**
     * SIGINT and SIGTERM start the ordered stop in a thread of its own and let {@link #call} return 0.
     * (A shutdown hook would not do: the JVM exits 128+signal after running hooks.)
     */
    private static void stopOnSignals(Stop stop) {
        for (String name : List.of("INT", "TERM")) Signal.handle(new Signal(name), sig -> stop.begin("SIG" + sig.getName()));
    }

    /** The ordered stop, begun once (by a signal or a takeover): its line, then every server closed in a thread of its own. */
    private final class Stop {
        private final AtomicBoolean stopping = new AtomicBoolean();
        private final Servers servers;
        private final Model m;
        private final PrintWriter err;

        Stop(Servers servers, Model m, PrintWriter err) {
            this.servers = servers;
            this.m = m;
            this.err = err;
        }

        void begin(String why) {
            if (!stopping.compareAndSet(false, true)) return; // already stopping; the grace period bounds it
            // prefork's workers hold their connections: this process has no count of them
            String inFlight = m instanceof Model.Prefork ? "connections" : servers.activeConnections() + " connection(s)";
            say(err, "jsock: " + why + ": stopping; " + inFlight + " in flight get up to " + show(grace));
            Thread.ofPlatform().name("jsock-stop").start(servers::close);
        }
    }

    private static String show(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
    }
}
