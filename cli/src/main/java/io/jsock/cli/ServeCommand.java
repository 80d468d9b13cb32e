package io.jsock.cli;

import io.jsock.server.Endpoint;
import io.jsock.server.Model;
import io.jsock.server.Server;
import io.jsock.server.Service;
import io.jsock.server.TcpServer;
import io.jsock.socket.Family;
import io.jsock.socket.SocketType;
import io.jsock.socket.TcpState;
import io.jsock.socket.diag.DiagSocket;
import io.jsock.socket.diag.SockDiag;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.io.PrintWriter;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
                "Services: echo (RFC 862), discard (RFC 863), daytime (RFC 867),",
                "          chargen (RFC 864),",
                "          exec -- CMD ARGS...  a program with the connection as stdin, stdout",
                "Models:   " + models(),
                "",
                "Examples: jsock serve echo",
                "          jsock serve echo --bind 0.0.0.0:9877 --model pool:8 -v",
                "          jsock serve exec --bind 127.0.0.1:0 -- cat");
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

    @Parameters(index = "0", paramLabel = "SERVICE", description = "echo, discard, daytime, chargen, or exec")
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

    @Option(names = {"-v", "--verbose"}, description = "one line per connection opened and closed")
    boolean verbose;

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
        try (Servers servers = new Servers()) {
            for (Endpoint e : endpoints) {
                Server started = e.type() == SocketType.DGRAM ? startDatagram(e, s, log)
                        : streamServer(m, s, log).bind(e).start();
                servers.add(started);
                synchronized (err) {
                    err.println("listening on " + started.endpoint() + " (model " + m + ", backlog " + backlogTaken(started.endpoint()) + ")");
                    err.flush();
                }
            }
            stopOnSignals(servers, m, err);
            servers.awaitClosed();
        }
        return 0;
    }

    /** A TcpServer's builder with every option of the command but where it listens. */
    private TcpServer.Builder streamServer(Model m, Service s, Consumer<String> log) {
        TcpServer.Builder b = TcpServer.builder()
                .model(m)
                .backlog(backlog)
                .maxConnections(maxConnections)
                .grace(grace)
                .socketMode(socketMode)
                .log(log);
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
    private void stopOnSignals(Servers servers, Model m, PrintWriter err) {
        AtomicBoolean stopping = new AtomicBoolean();
        for (String name : List.of("INT", "TERM")) {
            Signal.handle(new Signal(name), sig -> {
                if (!stopping.compareAndSet(false, true)) return; // already stopping; the grace period bounds it
                synchronized (err) {
                    // prefork's workers hold their connections: this process has no count of them
                    String inFlight = m instanceof Model.Prefork ? "connections"
                            : servers.activeConnections() + " connection(s)";
                    err.println("jsock: SIG" + sig.getName() + ": stopping; " + inFlight + " in flight get up to " + show(grace));
                    err.flush();
                }
                Thread.ofPlatform().name("jsock-stop").start(servers::close);
            });
        }
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
