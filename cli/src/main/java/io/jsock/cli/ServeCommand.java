package io.jsock.cli;

import io.jsock.server.Model;
import io.jsock.server.Service;
import io.jsock.server.TcpServer;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
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
                "          jsock serve exec --bind 127.0.0.1:0 -- cat");
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

    @Option(names = "--bind", paramLabel = "ADDR:PORT", defaultValue = "127.0.0.1:9877",
            description = "where to listen (default ${DEFAULT-VALUE}); port 0: any free port; every interface: 0.0.0.0:PORT or [::]:PORT")
    String bind;

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

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        TcpServer.Builder b = TcpServer.builder()
                .bind(bind)
                .backlog(backlog)
                .maxConnections(maxConnections)
                .grace(grace);
        Model m;
        if (service.equals(EXEC)) {
            if (command.isEmpty()) throw new IllegalArgumentException("serve exec needs a program: jsock serve exec [OPTIONS] -- CMD ARGS...");
            m = model == null ? EXEC_MODEL : Model.parse(model);
            b.command(command);
        } else {
            Service s;
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
            b.handler(s);
        }
        b.model(m);
        if (verbose) {
            b.log(line -> {
                synchronized (err) {
                    err.println("jsock: " + line);
                    err.flush();
                }
            });
        }
        try (TcpServer server = b.start()) {
            stopOnSignals(server, err);
            err.println("listening on " + server.localAddress() + " (model " + m + ", backlog " + backlog + ")");
            err.flush();
            server.awaitClosed();
        }
        return 0;
    }

    /**
     * SIGINT and SIGTERM start the ordered stop in a thread of its own and let {@link #call} return 0.
     * (A shutdown hook would not do: the JVM exits 128+signal after running hooks.)
     */
    private static void stopOnSignals(TcpServer server, PrintWriter err) {
        AtomicBoolean stopping = new AtomicBoolean();
        for (String name : List.of("INT", "TERM")) {
            Signal.handle(new Signal(name), sig -> {
                if (!stopping.compareAndSet(false, true)) return; // already stopping; the grace period bounds it
                synchronized (err) {
                    // prefork's workers hold their connections: this process has no count of them
                    String inFlight = server.model() instanceof Model.Prefork ? "connections"
                            : server.activeConnections() + " connection(s)";
                    err.println("jsock: SIG" + sig.getName() + ": stopping; " + inFlight + " in flight get up to " + show(server.grace()));
                    err.flush();
                }
                Thread.ofPlatform().name("jsock-stop").start(server::close);
            });
        }
    }

    private static String show(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
    }
}
