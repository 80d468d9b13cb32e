package io.jsock.cli;

import io.jsock.server.Admission;
import io.jsock.server.Cidr;
import io.jsock.server.Endpoint;
import io.jsock.server.LogEvent;
import io.jsock.server.Model;
import io.jsock.server.Server;
import io.jsock.server.Service;
import io.jsock.server.TcpServer;
import io.jsock.socket.SocketType;
import io.jsock.socket.process.Credentials;
import java.io.PrintWriter;
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
                "          jsock serve echo --idle-timeout 30s --deadline 5m --max-per-ip 4",
                "          jsock serve exec --bind 0.0.0.0:79 --user nobody -- ./fingerd",
                "",
                "Limits are off unless set. A client refused by --allow/--deny, --max-per-ip",
                "or --rate is reset at once; a connection past --idle-timeout or --deadline",
                "is closed; -v logs which limit did it.");
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

    @Option(names = {"-v", "--verbose"}, description = "one line per connection opened and closed, each line with an RFC 3339 time stamp (UTC)")
    boolean verbose;

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
        ServeLog serveLog = new ServeLog(err, logFormat(), verbose);
        Consumer<LogEvent> log = serveLog.connections();
        Admission admission = admission();
        if (group != null && user == null) throw new IllegalArgumentException("--group needs --user NAME: the user to drop to");
        Credentials runAs = user == null ? null : Credentials.lookup(user, group);
        try (Servers servers = new Servers()) {
            stopOnSignals(servers, m, serveLog); // before the first listener: a signal while starting stops what has started
            for (Endpoint e : endpoints) {
                Server started = e.type() == SocketType.DGRAM ? startDatagram(e, s, log)
                        : streamServer(m, s, log).admission(admission).idleTimeout(idleTimeout).deadline(deadline)
                                .runAs(runAs).bind(e).start();
                if (!servers.add(started)) break; // a signal came while it started: it is closed, start no more
                serveLog.listening(started.endpoint().address(),
                        "listening on " + started.endpoint() + " (model " + m + ", backlog " + backlog + ")");
            }
            if (runAs != null) {
                runAs.apply(); // every listener is bound: drop (the servers accept only from now on)
                serveLog.info("running as " + runAs);
            }
            servers.awaitClosed();
        }
        return 0;
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

    /** A TcpServer's builder with every option of the command but where it listens. */
    private TcpServer.Builder streamServer(Model m, Service s, Consumer<LogEvent> log) {
        TcpServer.Builder b = TcpServer.builder()
                .model(m)
                .backlog(backlog)
                .maxConnections(maxConnections)
                .grace(grace)
                .socketMode(socketMode)
                .events(log);
        if (s == null) b.command(command);
        else b.handler(s);
        return b;
    }

    private Server startDatagram(Endpoint e, Service s, Consumer<LogEvent> log) {
        throw new IllegalArgumentException("datagram endpoints (" + e + ") are not served yet");
    }

    /**
     * SIGINT and SIGTERM start the ordered stop in a thread of its own and let {@link #call} return 0.
     * (A shutdown hook would not do: the JVM exits 128+signal after running hooks.)
     */
    private void stopOnSignals(Servers servers, Model m, ServeLog log) {
        AtomicBoolean stopping = new AtomicBoolean();
        for (String name : List.of("INT", "TERM")) {
            Signal.handle(new Signal(name), sig -> {
                if (!stopping.compareAndSet(false, true)) return; // already stopping; the grace period bounds it
                // prefork's workers hold their connections: this process has no count of them
                String inFlight = m instanceof Model.Prefork ? "connections" : servers.activeConnections() + " connection(s)";
                log.stopping("SIG" + sig.getName() + ": stopping; " + inFlight + " in flight get up to " + show(grace));
                Thread.ofPlatform().name("jsock-stop").start(servers::close);
            });
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

    private static String show(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
    }
}
